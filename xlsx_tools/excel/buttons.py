"""RunPython entry points behind the workbook's buttons: refresh, today's calls, generate letters, check,
monthly report.

The macros in `macros/XlsxTools.bas` call, through xlwings' RunPython::

    import xlsx_tools.excel.buttons as b; b.refresh()

Each entry point takes the calling workbook from `xw.Book.caller()`, runs the same
`pipeline` as the command line through the live-Excel adapter (`io.workbook_xlwings`),
shows progress and the result in Excel's status bar and ends with a message box, also
on errors (a clear text for an unusable workbook, the error and the log file for
anything unexpected).  Letters go to the folder set in Policy (`letters_output_dir`,
default `letters`) next to the workbook.

Without Excel, to debug against a file (xlwings' mock-caller pattern)::

    python -m xlsx_tools.excel.buttons refresh BOOK.xlsm

opens BOOK in Excel, sets it as the mock caller and runs the entry point.  Where there is
no Excel (Linux), it says so, names the equivalent `xlsx-tools` command, and exits 2.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import xlwings as xw

from ..core import i18n
from ..core.i18n import Lang
from ..core.issues import Issue, counts, problems
from ..errors import WorkbookUnusable
from ..io.locks import RunLock
from ..io.workbook_xlwings import XlwingsWorkbook
from ..pipeline import refresh as refresh_steps
from ..present import texts
from ..wiring import letters, report

__all__ = ["refresh", "today_calls", "generate_letters", "check", "monthly_report", "main"]

ISSUES_SHOWN = 15
FAILURES_SHOWN = 5
LOG_FILE = Path(tempfile.gettempdir()) / "xlsx_tools_excel.log"
log = logging.getLogger("xlsx_tools.excel")


# ---------------------------------------------------------------- entry points (no arguments)
def refresh() -> None:
    """Button 'Refresh': recompute and rewrite the output sheets of the calling workbook."""
    _run("refresh", _refresh)


def today_calls() -> None:
    """Button "Today's calls": refresh, then bring the Calls sheet to the front."""
    _run("today_calls", _today_calls)


def generate_letters() -> None:
    """Button 'Generate letters': the letter batch, logged in the Letters sheet; the workbook is saved."""
    _run("generate_letters", _generate_letters)


def check() -> None:
    """Button 'Check': validate the input sheets and list the problems; nothing is written."""
    _run("check", _check)


def monthly_report() -> None:
    """Button 'Monthly report': refresh, then the as-of month's report (PDF and Word) next to the workbook."""
    _run("monthly_report", _monthly_report)


# ---------------------------------------------------------------- the runs
class _Status:
    """Progress in Excel's status bar."""

    def __init__(self, app: Any, lang: Lang = "zh") -> None:
        self.app = app
        self.lang = lang

    def __call__(self, step: str) -> None:
        self.show(texts.RUNNING.format(step=step).get(self.lang))

    def show(self, text: str) -> None:
        try:
            self.app.status_bar = text
        except Exception:          # the status bar is a courtesy; never fail a run for it
            pass


def _lang_of(book: Any) -> Lang:
    """The language of the workbook's sheets (the Ledger's name), for messages before the Policy is read."""
    try:
        names = [sheet.name for sheet in book.sheets]
    except Exception:
        return "zh"
    ledger = i18n.find_sheet(names, "ledger")
    return "en" if ledger is not None and ledger.strip().casefold() == i18n.SHEETS["ledger"].en.casefold() else "zh"


def _summary(issues: Sequence[Issue], lang: Lang) -> str:
    errors, warnings = counts(issues)
    return texts.SUMMARY.format(errors=errors, warnings=warnings).get(lang)


def _refresh(book: Any, status: _Status) -> tuple[str, str]:
    return _refreshed(book, status)[1:]


def _today_calls(book: Any, status: _Status) -> tuple[str, str]:
    """The refresh of the Refresh button, then the Calls sheet selected; the message counts the calls."""
    outcome, message, mode = _refreshed(book, status)
    lang = outcome.lang
    name = i18n.find_sheet([sheet.name for sheet in book.sheets], "calls")
    if name is None:                # refresh always writes it; a missing sheet would be a bug worth saying
        return texts.NO_CALLS_SHEET.get(lang) + "\n" + message, "critical"
    book.sheets[name].activate()
    calls = texts.CALLS_TODAY.format(count=len(outcome.result.calls), sheet=name).get(lang)
    return calls + "\n" + message, mode


def _refreshed(book: Any, status: _Status) -> tuple[Any, str, str]:
    """Run the refresh pipeline on the book: (its outcome, the message for the box, the box's mode)."""
    outcome = refresh_steps.refresh(XlwingsWorkbook(book), progress=status)
    result, lang = outcome.result, outcome.lang
    status.lang = lang
    message = texts.REFRESH_DONE.format(as_of=result.as_of.isoformat(), rows=len(result.detail),
                                        customers=len(result.priority),
                                        summary=_summary(result.issues, lang)).get(lang)
    if problems(result.issues):
        message += "\n" + texts.SEE_ISSUES.format(sheet=i18n.SHEETS["issues"].get(lang)).get(lang)
    return outcome, message, "critical" if result.has_errors else "info"


def _check(book: Any, status: _Status) -> tuple[str, str]:
    result = refresh_steps.check(XlwingsWorkbook(book), progress=status)
    lang = result.policy.lang
    status.lang = lang
    shown = problems(result.issues)
    lines = [texts.CHECK_DONE.format(as_of=result.as_of.isoformat(), summary=_summary(shown, lang)).get(lang)]
    if not shown:
        lines.append(texts.CHECK_CLEAN.get(lang))
    lines += [item.text(lang) for item in shown[:ISSUES_SHOWN]]
    if len(shown) > ISSUES_SHOWN:
        lines.append(texts.MORE_ISSUES.format(count=len(shown) - ISSUES_SHOWN,
                                              sheet=i18n.SHEETS["issues"].get(lang)).get(lang))
    return "\n".join(lines), "critical" if result.has_errors else "info"


def _generate_letters(book: Any, status: _Status) -> tuple[str, str]:
    port = XlwingsWorkbook(book, save_on_commit=True)
    folder = port.folder
    if folder is None:
        raise WorkbookUnusable(texts.zh_en(texts.NOT_SAVED_BOOK))
    # a double-click on the button, or a CLI run on the same file, waits for this batch (or is told who has it)
    with RunLock(Path(str(book.fullname)), command="letters"):
        outcome = letters(port, None, base_dir=folder, progress=status)
    lang = outcome.lang
    status.lang = lang
    lines = [texts.LETTERS_DONE.format(generated=len(outcome.generated), skipped=len(outcome.skipped),
                                       failed=len(outcome.failed), folder=str(outcome.out_dir)).get(lang)]
    lines += [f"  {note.customer_id}: {note.reason.get(lang)}" for note in outcome.failed[:FAILURES_SHOWN]]
    if len(outcome.failed) > FAILURES_SHOWN:
        lines.append(f"  … +{len(outcome.failed) - FAILURES_SHOWN}")
    if outcome.written is not None:
        lines.append(texts.LETTERS_SAVED.get(lang))
    lines.append(_summary(outcome.result.issues, lang))
    return "\n".join(lines), "critical" if outcome.failed or outcome.result.has_errors else "info"


def _monthly_report(book: Any, status: _Status) -> tuple[str, str]:
    port = XlwingsWorkbook(book)
    folder = port.folder
    if folder is None:
        raise WorkbookUnusable(texts.zh_en(texts.REPORT_NOT_SAVED_BOOK))
    outcome = report(port, None, base_dir=folder, progress=status)
    lang = outcome.lang
    status.lang = lang
    lines = [texts.REPORT_DONE.format(month=outcome.report.month, pdf=outcome.pdf or "—", docx=outcome.docx,
                                      path=str(book.name)).get(lang)]
    if outcome.pdf_error:
        lines.append(texts.REPORT_NO_PDF.format(reason=outcome.pdf_error).get(lang))
    lines.append(_summary(outcome.result.issues, lang))
    return "\n".join(lines), "critical" if outcome.exit_code else "info"


def _caller() -> Any:
    return xw.Book.caller()


def _run(action: str, work: Callable[[Any, _Status], tuple[str, str]]) -> None:
    """Run one button: status bar while working, a message box at the end, never an unhandled error."""
    book = _caller()
    app = book.app
    lang = _lang_of(book)
    title = f"{texts.TITLE.get(lang)} · {texts.ACTIONS[action].get(lang)}"
    status = _Status(app, lang)
    status(texts.ACTIONS[action].get(lang) + " …")
    try:
        message, mode = work(book, status)
    except WorkbookUnusable as unusable:
        message = texts.UNUSABLE.format(reason=str(unusable)).get(lang)
        status.show(message.split("\n")[0])
        app.alert(message, title=title, mode="critical")
        return
    except Exception as exc:
        _log_exception(action)
        error = f"{type(exc).__name__}: {exc}"
        status.show(texts.FAILED.format(action=texts.ACTIONS[action].get(lang), error=error, log="").get(lang)
                    .split("\n")[0])
        app.alert(texts.FAILED.format(action=texts.ACTIONS[action].get(lang), error=error,
                                      log=str(LOG_FILE)).get(lang), title=title, mode="critical")
        return
    status.show(message.split("\n")[0])
    app.alert(message, title=title, mode=mode)


def _log_exception(action: str) -> None:
    """Write the traceback where a clerk can send it from (the message box names the file)."""
    try:
        with open(LOG_FILE, "a", encoding="utf-8") as stream:
            stream.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {action}\n")
            stream.write(traceback.format_exc())
    except OSError:
        log.exception("xlsx_tools %s failed", action)


# ---------------------------------------------------------------- mock caller (python -m ...)
ENTRY_POINTS: dict[str, Callable[[], None]] = {
    "refresh": refresh,
    "today_calls": today_calls,
    "generate_letters": generate_letters,
    "letters": generate_letters,
    "check": check,
    "monthly_report": monthly_report,
}
CLI_EQUIVALENT = {
    "refresh": "xlsx-tools refresh {book}",
    "today_calls": "xlsx-tools refresh {book}",
    "generate_letters": "xlsx-tools letters {book}",
    "letters": "xlsx-tools letters {book}",
    "check": "xlsx-tools check {book}",
    "monthly_report": "xlsx-tools report {book}",
}


def excel_available() -> bool:
    """True when xlwings can drive a desktop Excel here (Windows with pywin32, or macOS)."""
    return any(engine.name == "excel" for engine in xw.engines)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """`python -m xlsx_tools.excel.buttons ACTION BOOK`: run a button's entry point against a file."""
    out = out or sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m xlsx_tools.excel.buttons",
        description="Run a button's entry point against a workbook opened in Excel (xlwings' mock caller).")
    parser.add_argument("action", choices=sorted(ENTRY_POINTS))
    parser.add_argument("workbook", type=Path)
    args = parser.parse_args(argv)
    command = CLI_EQUIVALENT[args.action].format(book=_quote(str(args.workbook)))
    if not excel_available():
        message = texts.NO_EXCEL.format(platform=sys.platform, command=command)
        out.write(f"{message.en}\n\n{message.zh}\n")
        return 2
    if not args.workbook.exists():
        out.write(f"workbook not found / 找不到工作簿: {args.workbook}\n")
        return 2
    book = xw.Book(str(args.workbook.resolve()))
    book.set_mock_caller()
    ENTRY_POINTS[args.action]()
    return 0


def _quote(text: str) -> str:
    return f'"{text}"' if any(ch.isspace() for ch in text) else text


if __name__ == "__main__":
    raise SystemExit(main())
