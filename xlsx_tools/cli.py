"""`xlsx-tools`: the headless command line over the shared pipeline.

Exit codes (workbook contract): 0 clean, 1 input errors found (results for valid
rows still written), 2 the file cannot be used (nothing written).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Sequence, TextIO

from . import __version__, pipeline
from .core import i18n
from .core.cells import format_money
from .core.i18n import Lang
from .core.issues import Issue
from .errors import WorkbookUnusable

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got '{text}'") from None


HELP_WIDTH = 100


def _formatter(prog: str) -> argparse.HelpFormatter:
    """Fixed-width help so the README's CLI reference is reproducible on any terminal."""
    return argparse.HelpFormatter(prog, width=HELP_WIDTH)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlsx-tools", formatter_class=_formatter,
        description="Collect overdue receivables from an Excel ledger: aging, escalation stages, "
                    "priority list, aging analysis. 应收账款逾期催收工具。")
    parser.add_argument("--version", action="version", version=f"xlsx-tools {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_command = commands.add_parser

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return add_command(name, formatter_class=_formatter, **kwargs)

    def common(sub: argparse.ArgumentParser, *, lang_help: str) -> None:
        sub.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                         help="aging date (default: Policy sheet, else today)")
        sub.add_argument("--lang", choices=i18n.LANGS, help=lang_help)

    refresh = command("refresh", help="recompute and write the output sheets into the workbook",
                                  description="Recompute aging, stages, priority and aging analysis and write "
                                              "Priority, Detail, Aging, Snapshots and Issues into the workbook. "
                                              "Input sheets are never modified.")
    refresh.add_argument("workbook", type=Path, help="the collections workbook (.xlsx or .xlsm)")
    refresh.add_argument("--output", type=Path, metavar="PATH",
                         help="write to PATH instead of updating WORKBOOK in place")
    common(refresh, lang_help="language of the written sheets (default: Policy sheet, else zh)")

    check = command("check", help="validate the input sheets only; print Sheet!Cell: message lines",
                                description="Validate the input sheets without writing anything.")
    check.add_argument("workbook", type=Path, help="the collections workbook (.xlsx or .xlsm)")
    check.add_argument("--json", action="store_true", help="print the issues as a JSON list")
    common(check, lang_help="language of the messages (default: Policy sheet, else zh)")

    new = command("new", help="write a fresh, empty collections workbook",
                              description="Write a fresh collections workbook from the template.")
    new.add_argument("workbook", type=Path, help="path of the new workbook (.xlsx)")
    new.add_argument("--lang", choices=i18n.LANGS, default="zh", help="sheet and header language (default: zh)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")

    demo = command("demo", help="build a demo workbook from sample data, refresh it, show a summary",
                               description="Build a seeded demo workbook (Chinese sample customers), refresh it "
                                           "and print a summary.")
    demo.add_argument("directory", type=Path, nargs="?", default=Path("xlsx_tools_demo"),
                      help="folder for the demo workbook (default: ./xlsx_tools_demo)")
    common(demo, lang_help="sheet language of the demo workbook (default: zh)")
    return parser


class ProgressLine:
    """One self-overwriting status line on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\033[K[{time.monotonic() - self.started:5.1f}s] {message}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _print_issues(issues: Sequence[Issue], lang: Lang, out: TextIO) -> None:
    for item in issues:
        out.write(f"{item.text(lang)}\n")


def _summary_line(issues: Sequence[Issue], lang: Lang) -> str:
    errors = sum(item.severity == "error" for item in issues)
    warnings = len(issues) - errors
    return f"{errors} 个错误，{warnings} 个警告" if lang == "zh" else f"{errors} errors, {warnings} warnings"


def _open(path: Path):
    from .io.workbook_file import WorkbookFile
    return WorkbookFile(path)


def _run_refresh(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = ProgressLine(err)
    try:
        outcome = pipeline.refresh(_open(args.workbook), as_of=args.as_of, lang=args.lang, output=args.output,
                                   progress=progress)
    finally:
        progress.done()
    result, lang = outcome.result, outcome.lang
    _print_issues(result.issues, lang, err)
    stages = Counter(result.detail["stage"])
    if lang == "zh":
        out.write(f"已刷新 {outcome.written}（基准日 {result.as_of}）：{len(result.detail)} 行，"
                  f"{len(result.priority)} 个客户有未收余额；{_summary_line(result.issues, lang)}\n")
    else:
        out.write(f"Refreshed {outcome.written} (as of {result.as_of}): {len(result.detail)} rows, "
                  f"{len(result.priority)} customers with an open balance; {_summary_line(result.issues, lang)}\n")
    out.write("  " + "  ".join(f"{code} {stages[code]}" for code in i18n.STAGE_CODES if stages[code]) + "\n")
    return outcome.exit_code


def _run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = ProgressLine(err)
    try:
        result = pipeline.check(_open(args.workbook), as_of=args.as_of, progress=progress)
    finally:
        progress.done()
    lang = pipeline.choose_lang(args.lang, result)
    if args.json:
        json.dump([{"severity": i.severity, "sheet": i.sheet, "cell": i.cell, "location": i.location(),
                    "message": i.message.get(lang), "message_en": i.message.en, "message_zh": i.message.zh}
                   for i in result.issues], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_issues(result.issues, lang, out)
        out.write(_summary_line(result.issues, lang) + "\n")
    return EXIT_INPUT_ERRORS if result.has_errors else EXIT_OK


def _run_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .templates import write_template
    if args.workbook.exists() and not args.force:
        raise WorkbookUnusable(f"文件已存在：{args.workbook}（使用 --force 覆盖） / "
                               f"{args.workbook} already exists (use --force to overwrite)")
    path = write_template(args.workbook, args.lang)
    out.write(f"{path}\n")
    return EXIT_OK


def _run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .demo import build_demo_workbook
    lang: Lang = args.lang or "zh"
    as_of = args.as_of or dt.date.today()
    args.directory.mkdir(parents=True, exist_ok=True)
    path = build_demo_workbook(args.directory / f"collections_demo_{lang}.xlsx", as_of=as_of, lang=lang)
    progress = ProgressLine(err)
    try:
        outcome = pipeline.refresh(_open(path), as_of=as_of, lang=lang, progress=progress)
    finally:
        progress.done()
    result = outcome.result
    stages = Counter(result.detail["stage"])
    zh = lang == "zh"
    out.write(("演示工作簿" if zh else "Demo workbook") + f": {path.resolve()}\n")
    out.write(("基准日" if zh else "As of") + f": {result.as_of}   "
              + ("台账行数" if zh else "Ledger rows") + f": {len(result.detail)}   "
              + _summary_line(result.issues, lang) + "\n\n")
    out.write(("各阶段行数" if zh else "Rows by stage") + ":\n")
    for code in i18n.STAGE_CODES:
        out.write(f"  {code:<7}{i18n.STAGE_NAMES[code].get(lang):<18}{stages[code]:>6}\n")
    out.write("\n" + ("优先催收前 5 名" if zh else "Top 5 priorities") + ":\n")
    for row in result.priority.head(5).itertuples():
        key = (" ★" + i18n.TAG_KEY_TARGET.get(lang)) if row.key_target else ""
        out.write(f"  {row.rank}. {row.customer_id} {row.customer_name}  {row.stage}  "
                  f"{format_money(row.overdue_fen)}{key}\n")
    return outcome.exit_code


def cli_reference() -> str:
    """The README's CLI reference: every command's --help, in Markdown code blocks."""
    parser = build_parser()
    sections = ["```text\n$ xlsx-tools --help\n" + parser.format_help().rstrip() + "\n```"]
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subcommands.choices.items():
        sections.append(f"```text\n$ xlsx-tools {name} --help\n" + sub.format_help().rstrip() + "\n```")
    return "\n\n".join(sections) + "\n"


COMMANDS = {"refresh": _run_refresh, "check": _run_check, "new": _run_new, "demo": _run_demo}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, out, err)
    except WorkbookUnusable as unusable:
        err.write(f"xlsx-tools: {unusable}\n")
        return EXIT_UNUSABLE
