"""`xlsx-tools`: the headless command line over the shared pipeline.

Exit codes (workbook contract): 0 clean, 1 input errors found (results for valid
rows still written), 2 the file cannot be used (nothing written); beyond the contract,
3 an internal error, 130 Ctrl-C and 143 SIGTERM (nothing written in these cases: saves
are atomic; a signal after the save exits with the run's real status).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from . import __version__
from .core import i18n
from .core.cells import format_money
from .core.i18n import Lang
from .core.issues import Issue, counts
from .core.tables import display_width
from .errors import WorkbookUnusable
from .io import locks, signals, write_faults
from .io.xlsx.workbook_file import require_workbook_path
from .io.zip_guard import ZIP32_LIMIT_MB, Limits
from .pipeline.refresh import check, choose_lang, refresh
from .present import texts
from .wiring import letters, open_workbook, report

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = signals.EXIT_INTERRUPTED


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是 YYYY-MM-DD 格式的日期 / expected YYYY-MM-DD: {text!r}") from None


def _part_mb(text: str) -> int:
    """--max-part-mb: whole megabytes, at least 1 and at most what the writer can copy without zip64."""
    try:
        megabytes = int(text)
    except ValueError:
        megabytes = 0
    if not 1 <= megabytes <= ZIP32_LIMIT_MB:
        raise argparse.ArgumentTypeError(f"应为 1 至 {ZIP32_LIMIT_MB} 之间的整数 / "
                                         f"expected a whole number from 1 to {ZIP32_LIMIT_MB}: {text!r}")
    return megabytes


HELP_WIDTH = 100


class _Parser(argparse.ArgumentParser):
    """argparse with the clerk's bilingual lead-in on usage errors (argparse's own words are English)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {texts.zh_en(texts.BAD_ARGUMENTS)}: {message}\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    """Fixed-width help so the README's CLI reference is reproducible on any terminal."""
    return argparse.HelpFormatter(prog, width=HELP_WIDTH)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    _safety_options(refresh, writes=True)

    check = command("check", help="validate the input sheets only; print Sheet!Cell: message lines",
                    description="Validate the input sheets without writing anything.")
    check.add_argument("workbook", type=Path, help="the collections workbook (.xlsx or .xlsm)")
    check.add_argument("--json", action="store_true", help="print the issues as a JSON list")
    common(check, lang_help="language of the messages (default: Policy sheet, else zh)")
    _safety_options(check, writes=False)

    new = command("new", help="write a fresh, empty collections workbook",
                  description="Write a fresh collections workbook from the template.")
    new.add_argument("workbook", type=Path,
                     help="path of the new workbook: .xlsx, or .xlsm for the one with buttons and macros")
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
    _add_group_command(command)
    _add_report_command(command)
    return parser


def _month(text: str) -> str:
    try:
        return dt.datetime.strptime(text, "%Y-%m").strftime("%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM / 不是 YYYY-MM 格式的月份: {text!r}") from None


def _add_report_command(command) -> None:
    monthly = command(
        "report", help="refresh the workbook and write the monthly report (PDF and a Word copy)",
        description="Refresh the workbook, then write the managers' monthly report from the same figures: "
                    "KPIs with the month-over-month change, the aging chart and table, the §4 warnings, key "
                    "targets and high-risk customers, promises, limitation expiries in the next 180 days and "
                    "the provision total. The Word copy (.docx) is written next to the PDF.")
    monthly.add_argument("workbook", type=Path, help="the collections workbook (.xlsx or .xlsm)")
    monthly.add_argument("--month", type=_month, metavar="YYYY-MM",
                         help="month of the KPI columns (default: the as-of month)")
    monthly.add_argument("--out", type=Path, metavar="PDF",
                         help="the report's PDF (default: monthly_report_YYYY-MM.pdf next to the workbook)")
    monthly.add_argument("--output", type=Path, metavar="PATH",
                         help="write the refreshed workbook to PATH instead of updating WORKBOOK in place")
    monthly.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                         help="aging date (default: Policy sheet, else today)")
    monthly.add_argument("--lang", choices=i18n.LANGS,
                         help="language of the report and the sheets (default: Policy sheet, else zh)")
    _safety_options(monthly, writes=True)


def _add_group_command(command) -> None:
    group = command(
        "group", help="one group view of many subsidiaries' workbooks (read-only), locally or on Dask",
        description="Compute every workbook like refresh, under its own Policy, without writing to it, and write "
                    "Group Priority, Group Aging, Group KPIs and Sources into --out. Customers are matched by "
                    "Unified Social Credit Code, else by Customer ID and name. A workbook that cannot be used is "
                    "listed in Sources and the others go on.")
    group.add_argument("books", nargs="+", metavar="BOOKS", help="workbooks, globs or folders of workbooks")
    group.add_argument("--out", type=Path, required=True, metavar="PATH",
                       help="the group workbook (created when missing; its group sheets are replaced)")
    group.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                       help="aging date for every book (default: each book's Policy sheet, else today)")
    group.add_argument("--lang", choices=i18n.LANGS, default="zh", help="language of the group sheets (default: zh)")
    group.add_argument("--workers", type=int, metavar="N", help="local processes (default: the core count)")
    group.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="run on this Dask scheduler instead (pip install \"xlsx-tools[dask]\"); "
                            "the workers must see the BOOKS paths")


def _add_letters_command(command) -> None:
    from .core.letters.plan import KINDS
    letters = command(
        "letters", help="write the letters the stages call for (Word, optionally PDF) and log them",
        description="Write one Word letter per customer and kind that the stages call for (confirmation, "
                    "reminder, demand, lawyer; case_review, plan, and the S5 drafts evidence and payment_order on request), log each in the Letters sheet with its "
                    "SHA-256, and refresh the output sheets, in one atomic save. Re-running within the cool-down "
                    "generates nothing new. With --check-templates, check the letter templates instead.")
    letters.add_argument("workbook", type=Path, nargs="?", help="the collections workbook (.xlsx or .xlsm)")
    letters.add_argument("--out", type=Path, metavar="DIR",
                         help="folder for the letters (default: Policy letters_output_dir next to the workbook)")
    letters.add_argument("--kind", action="append", choices=KINDS, metavar="K",
                         help=f"only this kind, repeatable: {', '.join(KINDS)} (default: confirmation, reminder, demand, lawyer)")
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
    _safety_options(letters, writes=True)


def _safety_options(sub: argparse.ArgumentParser, *, writes: bool) -> None:
    """--max-part-mb everywhere a workbook is read; --wait and --force where it is written."""
    sub.add_argument("--max-part-mb", type=_part_mb, metavar="MB",
                     help=f"accept zip parts up to MB uncompressed (default {Limits().max_part_mb}, "
                          f"at most {ZIP32_LIMIT_MB})")
    if writes:
        sub.add_argument("--wait", type=float, default=locks.DEFAULT_WAIT_SECONDS, metavar="SECONDS",
                         help=f"wait this long for another run on the same workbook (or letters folder) to finish "
                              f"(default {locks.DEFAULT_WAIT_SECONDS:g})")
        sub.add_argument("--force", action="store_true", help="replace the workbook even if it is read-only")


def _add_build_templates_command(command) -> None:
    build = command(
        "build-templates", help="write the workbook templates (.xlsx and macro-enabled .xlsm)",
        description="Write collections_{zh,en}.xlsx and collections_{zh,en}.xlsm. The .xlsm files get the VBA "
                    "project compiled from macros/*.bas (no Excel needed), the xlwings.conf sheet and the "
                    "Refresh / Generate letters / Check / Today's calls / Monthly report buttons. Same sources, byte-identical files.")
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
            _unfiltered(self.stream).write("\r\033[K")
            self.stream.write(f"[{time.monotonic() - self.started:5.1f}s] {message}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            _unfiltered(self.stream).write("\r\033[K")
            self.stream.flush()


class ProgressLines:
    """One line per event on stderr, kept (a log of `group`: each book started, done or failed)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        self.stream.write(f"[{time.monotonic() - self.started:6.1f}s] {message}\n")
        self.stream.flush()


def _pad(text: str, width: int) -> str:
    """Left-justify by display width (CJK characters take two columns)."""
    return text + " " * max(width - int(display_width(text)), 0)


def _print_issues(issues: Sequence[Issue], lang: Lang, out: TextIO) -> None:
    """Errors and warnings; info lines stay on the Issues sheet (and in --json)."""
    for item in issues:
        if item.severity != "info":
            out.write(f"{item.text(lang)}\n")


def _summary_line(issues: Sequence[Issue], lang: Lang) -> str:
    errors, warnings = counts(issues)
    return texts.SUMMARY.format(errors=errors, warnings=warnings).get(lang)



def _open(args: argparse.Namespace, path: Path | None = None):
    limits = Limits.raised_to(args.max_part_mb) if args.max_part_mb is not None else Limits()
    return open_workbook(path or args.workbook, limits=limits, force=getattr(args, "force", False))


@contextlib.contextmanager
def _run_lock(args: argparse.Namespace, command: str, err: TextIO) -> Iterator[None]:
    """The whole run holds the workbook's (and --output's) run lock; leftovers of killed runs go first.
    A missing workbook or output folder is refused before any lock file is made."""
    require_workbook_path(Path(args.workbook))
    output = getattr(args, "output", None)
    targets = [args.workbook] + ([output] if output is not None and not Path(output).is_dir() else [])
    if output is not None and not Path(output).absolute().parent.is_dir():
        raise WorkbookUnusable(texts.zh_en(texts.OUTPUT_FOLDER_MISSING.format(folder=Path(output).absolute().parent)))
    with contextlib.ExitStack() as held:
        for target in dict.fromkeys(locks.real_path(t) for t in targets):
            lock = held.enter_context(locks.RunLock(target, command=command, wait_seconds=args.wait))
            removed = locks.remove_stale_temp_files(target, lock)
            if removed:
                err.write(f"xlsx-tools: {texts.zh_en(texts.STALE_TEMPS_REMOVED.format(count=len(removed)))}\n")
        yield


def _run_refresh(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = ProgressLine(err)
    try:
        with _run_lock(args, "refresh", err):
            outcome = refresh(_open(args), as_of=args.as_of, lang=args.lang, output=args.output,
                              progress=progress)
    finally:
        progress.done()
    result, lang = outcome.result, outcome.lang
    _print_issues(result.issues, lang, err)
    stages = Counter(result.detail["stage"])
    out.write(texts.REFRESHED.format(path=outcome.written, as_of=result.as_of, rows=len(result.detail),
                                     customers=len(result.priority),
                                     summary=_summary_line(result.issues, lang)).get(lang) + "\n")
    if stages:
        out.write("  " + "  ".join(f"{code} {stages[code]}" for code in i18n.STAGE_CODES if stages[code]) + "\n")
    return outcome.exit_code


def _run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = ProgressLine(err)
    try:
        result = check(_open(args), as_of=args.as_of, progress=progress)
    finally:
        progress.done()
    lang = choose_lang(args.lang, result)
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
    from .build.xlsm import write_macro_template
    suffix = args.workbook.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise WorkbookUnusable(texts.zh_en(texts.NEW_NEEDS_EXCEL_NAME.format(name=args.workbook.name)))
    if args.workbook.exists() and not args.force:
        raise WorkbookUnusable(texts.zh_en(texts.FILE_EXISTS.format(path=args.workbook)))
    path = (write_macro_template if suffix == ".xlsm" else write_template)(args.workbook, args.lang)
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
        outcome = refresh(open_workbook(path), as_of=as_of, lang=lang, progress=progress)
    finally:
        progress.done()
    result = outcome.result
    stages = Counter(result.detail["stage"])
    out.write(f"{texts.DEMO_WORKBOOK.get(lang)}: {path.resolve()}\n")
    out.write(f"{texts.AS_OF.get(lang)}: {result.as_of}   {texts.LEDGER_ROWS.get(lang)}: {len(result.detail)}   "
              + _summary_line(result.issues, lang) + "\n\n")
    out.write(f"{texts.ROWS_BY_STAGE.get(lang)}:\n")
    for code in i18n.STAGE_CODES:
        out.write(f"  {code:<7}{_pad(i18n.STAGE_NAMES[code].get(lang), 26)}{stages[code]:>6}\n")
    out.write(f"\n{texts.TOP_PRIORITIES.get(lang)}:\n")
    for row in result.priority.head(5).itertuples():
        key = (" ★" + i18n.TAG_KEY_TARGET.get(lang)) if row.key_target else ""
        out.write(f"  {row.rank}. {row.customer_id} {row.customer_name}  {row.stage}  "
                  f"{format_money(row.overdue_fen)}{key}\n")
    return outcome.exit_code


def _run_group(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .io.group_files import find_books, is_a_book
    from .wiring import group_books
    lang: Lang = args.lang
    if is_a_book(args.out, args.books):
        raise WorkbookUnusable(texts.zh_en(texts.OUT_IS_A_BOOK.format(path=args.out)))
    paths = find_books(args.books)
    if not paths:
        raise WorkbookUnusable(texts.zh_en(texts.NO_BOOKS.format(given=" ".join(args.books))))
    outcome, written = group_books(paths, args.out, as_of=args.as_of, lang=lang, workers=args.workers,
                                   scheduler=args.scheduler, progress=ProgressLines(err))
    for book in outcome.books:
        if book.figures is None:
            err.write(texts.GROUP_BOOK_LEFT_OUT.format(path=book.path, problem=book.problem).get(lang) + "\n")
        else:
            figures = book.figures
            out.write("  " + texts.GROUP_BOOK_OK.format(subsidiary=figures.subsidiary, rows=figures.rows,
                                                        errors=figures.errors, warnings=figures.warnings,
                                                        seconds=book.seconds).get(lang) + "\n")
    priority = outcome.priority
    out.write(texts.GROUP_DONE.format(
        path=written, books=len(outcome.books), left_out=sum(b.figures is None for b in outcome.books),
        customers=len(priority), open=format_money(int(priority["open_fen"].sum())),
        overdue=format_money(int(priority["overdue_fen"].sum()))).get(lang) + "\n")
    return outcome.exit_code


LIST_LIMIT = 30


def _run_letters(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.check_templates:
        return _run_check_templates(args, out)
    if args.workbook is None:
        raise WorkbookUnusable(texts.zh_en(texts.WORKBOOK_REQUIRED))
    progress = ProgressLine(err)
    try:
        with _run_lock(args, "letters", err):
            outcome = letters(
                _open(args), args.out, as_of=args.as_of, kinds=args.kind, customers=args.customer,
                pdf=args.pdf, dry_run=args.dry_run, lang=args.lang, output=args.output, templates=args.templates,
                base_dir=args.workbook.resolve().parent, wait_seconds=args.wait, progress=progress)
    finally:
        progress.done()
    lang = outcome.lang
    if outcome.tidy_warning is not None:
        err.write(f"xlsx-tools: {outcome.tidy_warning.get(lang)}\n")
    _print_issues(outcome.result.issues, lang, err)
    kind_name = {code: label.get(lang) for code, label in i18n.LETTER_KINDS.items()}

    def listing(rows: list[str]) -> None:
        for row in rows[:LIST_LIMIT]:
            out.write(f"  {row}\n")
        if len(rows) > LIST_LIMIT:
            out.write(f"  {texts.MORE_NOT_LISTED.format(count=len(rows) - LIST_LIMIT).get(lang)}\n")

    if outcome.recovered:
        void = sum(row.status == "void" for row in outcome.recovered)
        out.write(texts.RECOVERED_RUN.format(logged=len(outcome.recovered) - void, voided=void).get(lang) + "\n")
    if outcome.dry_run:
        out.write(texts.DRY_RUN.format(count=len(outcome.planned), folder=outcome.out_dir).get(lang) + "\n")
        listing([f"{p.letter_no}  {kind_name[p.job.kind]}  {p.job.customer_id} {p.job.customer_name}  "
                 f"¥{format_money(p.job.total_fen)}" for p in outcome.planned])
    else:
        out.write(texts.LETTERS_DONE.format(generated=len(outcome.generated), skipped=len(outcome.skipped),
                                            failed=len(outcome.failed), folder=outcome.out_dir).get(lang) + "\n")
        listing([f"{g.letter_no}  {kind_name[g.kind]}  {g.customer_id} {g.customer_name}  ¥{format_money(g.total_fen)}"
                 for g in outcome.generated])
    if outcome.skipped:
        out.write(texts.SKIPPED.get(lang) + "\n")
        listing([note.reason.get(lang) for note in outcome.skipped])
    if outcome.failed:
        out.write(texts.FAILED_LETTERS.get(lang) + "\n")
        for note in outcome.failed:
            kind = kind_name.get(note.kind, note.kind)
            out.write(f"  {note.letter_no + '  ' if note.letter_no else ''}{kind}  {note.customer_id}: "
                      f"{note.reason.get(lang)}\n")
    if outcome.pdf is not None:
        out.write(f"PDF: {outcome.pdf}\n")
    if outcome.pdf_error:
        err.write(f"xlsx-tools: {outcome.pdf_error}\n")
    if outcome.written is not None:
        out.write(f"{texts.WORKBOOK_SAVED.get(lang)}: {outcome.written}  ({_summary_line(outcome.result.issues, lang)})\n")
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
            out.write(f"      {texts.en_zh(texts.UNKNOWN_VARIABLE)}: {name}\n")
        for problem in report.errors:
            out.write(f"      {problem}\n")
    bad = sum(not report.ok for report in reports)
    out.write(texts.en_zh(texts.TEMPLATES_CHECKED.format(count=len(reports), bad=bad)) + "\n")
    return EXIT_INPUT_ERRORS if bad else EXIT_OK


def _run_build_templates(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .build.xlsm import MACROS_DIR, TEMPLATES_DIR, write_templates
    macros = args.macros or MACROS_DIR
    if not any(Path(macros).glob("*.bas")):
        raise WorkbookUnusable(texts.zh_en(texts.NO_MACROS.format(macros=macros)))
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


def _disk_full(exc: BaseException, err: TextIO) -> int:
    """Exit 2 "nothing written", or, after the save, the run's real status with a warning."""
    filename = getattr(exc, "filename", None)
    folder = Path(filename).parent if filename else Path.cwd()
    saved = signals.saved_status()
    if saved is None:
        err.write(f"xlsx-tools: {write_faults.save_failed(exc, folder)}\n")
        return EXIT_UNUSABLE
    err.write(f"xlsx-tools: {write_faults.tidy_failed(exc, folder)}\n")
    return saved


def _run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = ProgressLine(err)
    try:
        with _run_lock(args, "report", err):
            outcome = report(_open(args), args.out, month=args.month, as_of=args.as_of, lang=args.lang,
                             output=args.output, base_dir=args.workbook.resolve().parent, progress=progress)
    finally:
        progress.done()
    lang = outcome.lang
    _print_issues(outcome.result.issues, lang, err)
    if outcome.pdf_error:
        err.write(f"xlsx-tools: {texts.REPORT_NO_PDF.format(reason=outcome.pdf_error).get(lang)}\n")
    out.write(texts.REPORT_DONE.format(month=outcome.report.month, pdf=outcome.pdf or "—", docx=outcome.docx,
                                       path=outcome.written).get(lang) + "\n")
    return outcome.exit_code


class _ReaderMayLeave:
    """Standard output whose reader may go away (`xlsx-tools demo | head -1`): the run goes on and
    keeps its exit code, and what nobody reads any more is dropped instead of failing a run that
    has already saved."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, text) or len(text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def _guarded(self, call, *args):
        if self._gone:
            return None
        try:
            return call(*args)
        except BrokenPipeError:
            self._gone = True
            with contextlib.suppress(AttributeError, OSError, ValueError):  # no file behind it: nothing to silence
                os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())  # so the exit-time flush is quiet
            return None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _ControlsVisible:
    """A terminal stream that shows control characters from workbook cells as `\\x1b` instead of
    sending them: a workbook from outside could otherwise recolour, retitle or clear the clerk's terminal."""

    _CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")   # all but tab and newline; C1 too

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(self._CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _unfiltered(stream: TextIO) -> TextIO:
    """The stream below `_ControlsVisible`, for the progress line's own cursor controls."""
    return stream._stream if isinstance(stream, _ControlsVisible) else stream


COMMANDS = {"refresh": _run_refresh, "check": _run_check, "new": _run_new, "demo": _run_demo,
            "letters": _run_letters, "build-templates": _run_build_templates,
            "group": _run_group, "report": _run_report}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = _ReaderMayLeave(_ControlsVisible(out or sys.stdout))
    err = _ControlsVisible(err or sys.stderr)
    signals.install()  # again: a fresh run state when called from Python; no-op outside the main thread
    try:
        args = build_parser().parse_args(argv)
        status = COMMANDS[args.command](args, out, err)
        out.flush()
        return status
    except WorkbookUnusable as unusable:
        err.write(f"xlsx-tools: {unusable}\n")
        return EXIT_UNUSABLE
    except KeyboardInterrupt as interrupt:  # Ctrl-C or SIGTERM: 130/143, or the real status after the save
        err.write(f"xlsx-tools: {signals.message(interrupt)}\n")
        return signals.exit_code(interrupt)
    except Exception as exc:  # a defect of ours: say so plainly, keep the details for the report
        if write_faults.is_disk_full(exc):  # a full disk met where no adapter expected it: say what happened
            return _disk_full(exc, err)
        err.write(f"xlsx-tools: {texts.zh_en(texts.INTERNAL_ERROR)}\n")
        err.write(traceback.format_exc())
        return EXIT_INTERNAL
