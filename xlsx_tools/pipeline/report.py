"""The monthly report (CLI `xlsx-tools report`, the Monthly report button), built from refresh's steps.

One run reads the input sheets, computes, lays out the output tables ONCE and writes them
into the workbook (one atomic commit, as `refresh`), then makes the report from that same
result and those same tables: the report's figures and charts are the workbook's, never a
second computation. The Word copy is written next to the PDF; rendering and PDF go through
the `ReportAdapters` ports (`xlsx_tools.wiring.report_adapters()` gives the default ones).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..core.i18n import Lang
from ..core.refresh import RefreshResult
from ..errors import WorkbookUnusable
from ..present import texts
from ..present.report import MonthlyReport, MonthUnavailable, monthly_report
from ..present.sheets import output_tables
from .ports import Progress, WorkbookPort, quiet
from .refresh import check, choose_lang, write_outputs


@dataclass(frozen=True)
class ReportAdapters:
    """`render(report, docx path) -> docx path`; `pdf(docx path) -> (the PDF beside it, or None and why not)`."""

    render: Callable[[MonthlyReport, Path], Path]
    pdf: Callable[[Path], tuple[Path | None, str | None]]


@dataclass(frozen=True)
class ReportOutcome:
    result: RefreshResult
    lang: Lang
    report: MonthlyReport
    docx: Path
    pdf: Path | None
    pdf_error: str | None
    written: Path | None

    @property
    def exit_code(self) -> int:
        """0 = clean; 1 = input errors found or no PDF (the Word copy and the workbook were written)."""
        return 1 if (self.result.has_errors or self.pdf_error) else 0


def default_pdf_path(folder: Path, month: str) -> Path:
    return folder / f"monthly_report_{month}.pdf"


def make_report(book: WorkbookPort, out: str | os.PathLike | None = None, *, adapters: ReportAdapters,
                month: str | None = None, as_of: dt.date | None = None, lang: Lang | None = None,
                output: str | os.PathLike | None = None, today: dt.date | None = None, pdf: bool = True,
                base_dir: str | os.PathLike | None = None, progress: Progress = quiet) -> ReportOutcome:
    """Refresh the workbook and write the month's report: `out` (a .pdf path, default
    `monthly_report_<month>.pdf` in `base_dir`) and the .docx next to it; `pdf=False` writes the Word copy only."""
    result = check(book, as_of=as_of, today=today, progress=progress)
    chosen = choose_lang(lang, result)
    tables = output_tables(result, chosen)
    try:
        report = monthly_report(result, tables, month, chosen, today or dt.date.today())
    except MonthUnavailable as missing:   # before anything is written
        raise WorkbookUnusable(texts.zh_en(texts.REPORT_MONTH_MISSING.format(
            month=missing.month, first=missing.months[0], last=missing.months[-1]))) from None
    write_outputs(book, result, chosen, tables)
    written = book.commit(output, progress=progress, status_if_saved=1 if result.has_errors else 0)
    target = Path(out) if out is not None else default_pdf_path(Path(base_dir or Path.cwd()), report.month)
    progress("report: Word")
    docx = adapters.render(report, target.with_suffix(".docx"))
    pdf_path, pdf_error = None, None
    if pdf:
        progress("report: PDF")
        pdf_path, pdf_error = adapters.pdf(docx)
    return ReportOutcome(result, chosen, report, docx, pdf_path, pdf_error, written)
