"""`xlsx-tools`: the headless command line over the shared pipeline.

Exit codes (workbook contract): 0 clean, 1 input errors found (results for valid
rows still written), 2 the file cannot be used (nothing written); beyond the contract,
3 an internal error and 130 an interrupt (nothing written in either case: saves are atomic).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import traceback
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Sequence, TextIO

from . import __version__, pipeline
from .core import i18n
from .core.cells import format_money
from .core.i18n import Lang
from .core.issues import Issue
from .errors import WorkbookUnusable

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


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

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return commands.add_parser(name, formatter_class=_formatter, **kwargs)

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
    _add_letters_command(command)
    _add_build_templates_command(command)
    return parser


def _add_letters_command(command) -> None:
    from .core.letters import KINDS
    letters = command(
        "letters", help="write the letters the stages call for (Word, optionally PDF) and log them",
        description="Write one Word letter per customer and kind that the stages call for (confirmation, "
                    "reminder, demand, lawyer; case_review and plan agreements on request), log each in the Letters sheet with its "
                    "SHA-256, and refresh the output sheets, in one atomic save. Re-running within the cool-down "
                    "generates nothing new. With --check-templates, check the letter templates instead.")
    letters.add_argument("workbook", type=Path, nargs="?", help="the collections workbook (.xlsx or .xlsm)")
    letters.add_argument("--out", type=Path, metavar="DIR",
                         help="folder for the letters (default: Policy letters_output_dir next to the workbook)")
    letters.add_argument("--kind", action="append", choices=KINDS, metavar="K",
                         help=f"only this kind, repeatable: {', '.join(KINDS)} (default: all but case_review and plan)")
    letters.add_argument("--customer", action="append", metavar="ID", help="only this customer ID, repeatable")
    letters.add_argument("--pdf", action="store_true",
                         help="also convert the batch to PDF (LibreOffice) and join it into batch_YYYYMMDD.pdf")
    letters.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    letters.add_argument("--output", type=Path, metavar="PATH",
                         help="save the workbook to PATH instead of updating WORKBOOK in place")
    letters.add_argument("--templates", type=Path, metavar="DIR",
                         help="letter templates folder with zh/ and en/ (default: Policy, else the shipped ones)")
    letters.add_argument("--check-templates", action="store_true",
                         help="list unknown variables and broken tags in every template, then exit")
    letters.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                         help="aging and letter date (default: Policy sheet, else today)")
    letters.add_argument("--lang", choices=i18n.LANGS,
                         help="language of the letters and sheets (default: Policy sheet, else zh)")


def _add_build_templates_command(command) -> None:
    build = command(
        "build-templates", help="write the workbook templates (.xlsx and macro-enabled .xlsm)",
        description="Write collections_{zh,en}.xlsx and collections_{zh,en}.xlsm. The .xlsm files get the VBA "
                    "project compiled from macros/*.bas (no Excel needed), the xlwings.conf sheet and the "
                    "Refresh / Generate letters / Check buttons. Same sources, byte-identical files.")
    build.add_argument("--out", type=Path, metavar="DIR",
                       help="folder to write to (default: workbook_templates/ of the checkout)")
    build.add_argument("--macros", type=Path, metavar="DIR",
                       help="folder of the .bas sources (default: macros/ of the checkout)")


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


def _pad(text: str, width: int) -> str:
    """Left-justify by display width (CJK characters take two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - shown, 0)


def _print_issues(issues: Sequence[Issue], lang: Lang, out: TextIO) -> None:
    for item in issues:
        out.write(f"{item.text(lang)}\n")


def _summary_line(issues: Sequence[Issue], lang: Lang) -> str:
    errors = sum(item.severity == "error" for item in issues)
    warnings = len(issues) - errors
    return f"{errors} 个错误，{warnings} 个警告" if lang == "zh" else f"{errors} errors, {warnings} warnings"


def _open(path: Path):
    from .io.xlsx.workbook_file import WorkbookFile
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
    from .build.templates import write_template
    if args.workbook.exists() and not args.force:
        raise WorkbookUnusable(f"文件已存在：{args.workbook}（使用 --force 覆盖） / "
                               f"{args.workbook} already exists (use --force to overwrite)")
    path = write_template(args.workbook, args.lang)
    out.write(f"{path}\n")
    return EXIT_OK


def _run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .build.demo import build_demo_workbook
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
        out.write(f"  {code:<7}{_pad(i18n.STAGE_NAMES[code].get(lang), 26)}{stages[code]:>6}\n")
    out.write("\n" + ("优先催收前 5 名" if zh else "Top 5 priorities") + ":\n")
    for row in result.priority.head(5).itertuples():
        key = (" ★" + i18n.TAG_KEY_TARGET.get(lang)) if row.key_target else ""
        out.write(f"  {row.rank}. {row.customer_id} {row.customer_name}  {row.stage}  "
                  f"{format_money(row.overdue_fen)}{key}\n")
    return outcome.exit_code


LIST_LIMIT = 30


def _run_letters(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.check_templates:
        return _run_check_templates(args, out)
    if args.workbook is None:
        raise WorkbookUnusable("缺少工作簿路径（或使用 --check-templates） / "
                               "a workbook path is required (or use --check-templates)")
    progress = ProgressLine(err)
    try:
        outcome = pipeline.generate_letters(
            _open(args.workbook), args.out, as_of=args.as_of, kinds=args.kind, customers=args.customer,
            pdf=args.pdf, dry_run=args.dry_run, lang=args.lang, output=args.output, templates=args.templates,
            base_dir=args.workbook.resolve().parent, progress=progress)
    finally:
        progress.done()
    lang = outcome.lang
    _print_issues(outcome.result.issues, lang, err)
    zh = lang == "zh"
    kind_name = {code: label.get(lang) for code, label in i18n.LETTER_KINDS.items()}

    def listing(rows: list[str]) -> None:
        for row in rows[:LIST_LIMIT]:
            out.write(f"  {row}\n")
        if len(rows) > LIST_LIMIT:
            out.write(f"  … {len(rows) - LIST_LIMIT} " + ("more\n" if not zh else "份未列出\n"))

    if outcome.recovered:
        void = sum(row.status == "void" for row in outcome.recovered)
        out.write((f"上次中断的批次：补记 {len(outcome.recovered) - void} 份函件，作废 {void} 个编号\n" if zh else
                   f"Interrupted earlier run: {len(outcome.recovered) - void} letters logged now, "
                   f"{void} numbers voided\n"))
    if outcome.dry_run:
        out.write((f"预演，未写入任何文件：将生成 {len(outcome.planned)} 份函件到 {outcome.out_dir}\n" if zh else
                   f"Dry run, nothing written: {len(outcome.planned)} letters would go to {outcome.out_dir}\n"))
        listing([f"{p.letter_no}  {kind_name[p.job.kind]}  {p.job.customer_id} {p.job.customer_name}  "
                 f"¥{format_money(p.job.total_fen)}" for p in outcome.planned])
    else:
        out.write((f"函件：生成 {len(outcome.generated)} 份，跳过 {len(outcome.skipped)} 份，失败 {len(outcome.failed)} 份"
                   f" → {outcome.out_dir}\n" if zh else
                   f"Letters: {len(outcome.generated)} generated, {len(outcome.skipped)} skipped, "
                   f"{len(outcome.failed)} failed → {outcome.out_dir}\n"))
        listing([f"{g.letter_no}  {kind_name[g.kind]}  {g.customer_id} {g.customer_name}  ¥{format_money(g.total_fen)}"
                 for g in outcome.generated])
    if outcome.skipped:
        out.write(("跳过：\n" if zh else "Skipped:\n"))
        listing([note.reason.get(lang) for note in outcome.skipped])
    if outcome.failed:
        out.write(("失败：\n" if zh else "Failed:\n"))
        for note in outcome.failed:
            kind = kind_name.get(note.kind, note.kind)
            out.write(f"  {note.letter_no + '  ' if note.letter_no else ''}{kind}  {note.customer_id}: "
                      f"{note.reason.get(lang)}\n")
    if outcome.pdf is not None:
        out.write(f"PDF: {outcome.pdf}\n")
    if outcome.pdf_error:
        err.write(f"xlsx-tools: {outcome.pdf_error}\n")
    if outcome.written is not None:
        out.write(("已更新工作簿" if zh else "Workbook saved") + f": {outcome.written}  ({_summary_line(outcome.result.issues, lang)})\n")
    return outcome.exit_code


def _run_check_templates(args: argparse.Namespace, out: TextIO) -> int:
    from .io.letters_docx import check_templates
    langs = (args.lang,) if args.lang else i18n.LANGS
    reports = check_templates(args.templates, langs=langs)
    for report in reports:
        if report.ok:
            out.write(f"OK    {report.path}\n")
            continue
        out.write(f"FAIL  {report.path}\n")
        for name in report.unknown:
            out.write(f"      unknown variable / 未知变量: {name}\n")
        for problem in report.errors:
            out.write(f"      {problem}\n")
    bad = sum(not report.ok for report in reports)
    out.write(f"{len(reports)} templates checked, {bad} with problems / 检查 {len(reports)} 个模板，{bad} 个有问题\n")
    return EXIT_INPUT_ERRORS if bad else EXIT_OK


def _run_build_templates(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .build.xlsm import MACROS_DIR, TEMPLATES_DIR, write_templates
    macros = args.macros or MACROS_DIR
    if not any(Path(macros).glob("*.bas")):
        raise WorkbookUnusable(f"找不到宏源文件 {macros}/*.bas（请在源码目录中运行或使用 --macros） / "
                               f"no macro sources {macros}/*.bas (run from a checkout or pass --macros)")
    for path in write_templates(args.out or TEMPLATES_DIR, macros):
        out.write(f"{path}\n")
    return EXIT_OK


def cli_reference() -> str:
    """The README's CLI reference: every command's --help, in Markdown code blocks."""
    parser = build_parser()
    sections = ["```text\n$ xlsx-tools --help\n" + parser.format_help().rstrip() + "\n```"]
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subcommands.choices.items():
        sections.append(f"```text\n$ xlsx-tools {name} --help\n" + sub.format_help().rstrip() + "\n```")
    return "\n\n".join(sections) + "\n"


COMMANDS = {"refresh": _run_refresh, "check": _run_check, "new": _run_new, "demo": _run_demo,
            "letters": _run_letters, "build-templates": _run_build_templates}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, out, err)
    except WorkbookUnusable as unusable:
        err.write(f"xlsx-tools: {unusable}\n")
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        err.write("xlsx-tools: 已中断，工作簿未被修改 / interrupted; the workbook was not changed\n")
        return EXIT_INTERRUPTED
    except Exception:  # a defect of ours: say so plainly, keep the details for the report
        err.write("xlsx-tools: 内部错误，工作簿未被修改；请将以下信息发给维护人员 / "
                  "internal error; the workbook was not changed. Please send the details below to support:\n")
        err.write(traceback.format_exc())
        return EXIT_INTERNAL
