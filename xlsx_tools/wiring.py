"""The default adapters, wired once for the command line, the Excel buttons and the Python API.

The pipeline takes its adapters as arguments; this is where the real ones are chosen:
a workbook file, Word letters from templates, the on-disk number journal and LibreOffice PDF.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from functools import partial
from pathlib import Path
from typing import Sequence

from .core import i18n
from .core.i18n import Lang
from .io.engines import DaskCluster, LocalPool
from .io.group_files import file_sha256, new_workbook, same_file
from .io.letters_journal import BookJournal
from .io.locks import DEFAULT_WAIT_SECONDS
from .io.xlsx.workbook_file import WorkbookFile
from .io.zip_guard import Limits
from .core.group import GroupOutcome
from .errors import WorkbookUnusable
from .pipeline.group import book_task, group, write_group
from .pipeline.letters import LettersOutcome, generate_letters
from .pipeline.ports import LetterAdapters, Progress, WorkbookPort, quiet
from .pipeline.report import ReportAdapters, ReportOutcome, make_report
from .present import texts


def open_workbook(path: str | os.PathLike, *, limits: Limits = Limits(), force: bool = False) -> WorkbookFile:
    """A collections workbook (.xlsx or .xlsm) on disk, ready for `refresh`, `check` or `letters`.

    `limits` are the size guards checked before reading; `force` replaces a read-only file anyway."""
    return WorkbookFile(Path(path), limits=limits, force=force)


def letter_adapters(workers: int | None = None, *, held: contextlib.ExitStack,
                    wait_seconds: float = DEFAULT_WAIT_SECONDS) -> LetterAdapters:
    """Word letters (`workers` processes for large batches), the on-disk journal, LibreOffice PDF.

    Each journal locks its letters folders (waiting up to `wait_seconds`) until `held` closes.
    The Word and PDF adapters are imported here, not at the top: docxtpl and jinja2 take a
    noticeable share of a refresh's start-up, and a refresh never writes a letter."""
    from .io.letters_docx import DocxRenderer
    from .io.pdf import batch_pdf

    def journal(folder: Path, book: str, dry_run: bool) -> BookJournal:
        return held.enter_context(BookJournal(folder, book, wait_seconds, locked=not dry_run))
    return LetterAdapters(renderer=lambda templates: DocxRenderer(templates, workers), journal=journal, pdf=batch_pdf)


def letters(book: WorkbookPort, out_dir: str | os.PathLike | None = None, *,
            adapters: LetterAdapters | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS,
            **options) -> LettersOutcome:
    """The letter batch with the default adapters; `options` are those of
    `pipeline.letters.generate_letters` (as_of, kinds, customers, pdf, dry_run, lang, output,
    templates, base_dir, progress).  A letters folder another workbook's batch is using is
    waited for up to `wait_seconds`, then the run stops with WorkbookBusy (nothing written)."""
    with contextlib.ExitStack() as held:  # the letters folders stay locked for the whole batch
        return generate_letters(book, out_dir, adapters=adapters or letter_adapters(held=held, wait_seconds=wait_seconds),
                                **options)


def group_books(paths: Sequence[str], out: str | os.PathLike, *, as_of: dt.date | None = None, lang: Lang = "zh",
                workers: int | None = None, scheduler: object = None,
                progress: Progress = quiet) -> tuple[GroupOutcome, Path]:
    """The group view of `paths` written to `out`: a local process pool, or the Dask cluster at
    `scheduler` (an address or a `distributed.Client`).  The books are only read; `progress`
    gets a line as each book starts and ends; `out` naming one of the books is refused before any is read."""
    if any(same_file(out, path) for path in paths):
        raise WorkbookUnusable(texts.zh_en(texts.OUT_IS_A_BOOK.format(path=out)))
    engine = DaskCluster(scheduler) if scheduler is not None else LocalPool(workers)
    try:
        outcome = group(paths, engine, partial(book_task, open_workbook, file_sha256, as_of=as_of), progress, lang,
                        fingerprint=file_sha256)
    finally:
        if isinstance(engine, DaskCluster):
            engine.close()
    return outcome, write_group_workbook(outcome, Path(out), lang)


def write_group_workbook(outcome: GroupOutcome, out: Path, lang: Lang) -> Path:
    """Graft the group sheets into `out`, or into a fresh workbook when `out` does not exist."""
    if out.exists():
        return write_group(open_workbook(out), outcome, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    blank = new_workbook(out.parent, i18n.SHEETS["group_priority"].get(lang))
    try:
        return write_group(open_workbook(blank), outcome, lang, output=out)
    finally:
        blank.unlink(missing_ok=True)


def report_adapters(templates: str | os.PathLike | None = None) -> ReportAdapters:
    """The report's Word file from the shipped template (or the one in `templates`), LibreOffice PDF."""
    from .io.report_docx import render_report, report_pdf   # matplotlib loads only for a report
    folder = Path(templates) if templates is not None else None
    return ReportAdapters(render=lambda report, path: render_report(report, path, folder), pdf=report_pdf)


def report(book: WorkbookPort, out: str | os.PathLike | None = None, *, adapters: ReportAdapters | None = None,
           **options) -> ReportOutcome:
    """The monthly report with the default adapters; `options` are those of `pipeline.report.make_report`
    (month, as_of, lang, output, today, pdf, base_dir, progress)."""
    return make_report(book, out, adapters=adapters or report_adapters(), **options)
