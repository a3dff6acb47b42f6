"""The default adapters, wired once for the command line, the Excel buttons and the Python API.

The pipeline takes its adapters as arguments; this is where the real ones are chosen:
a workbook file, Word letters from templates, the on-disk number journal and LibreOffice PDF.
"""
from __future__ import annotations

import os
from pathlib import Path

from .io.letters_docx import DocxRenderer
from .io.letters_journal import BookJournal
from .io.pdf import batch_pdf
from .io.xlsx.workbook_file import WorkbookFile
from .io.zip_guard import Limits
from .pipeline.letters import LettersOutcome, generate_letters
from .pipeline.ports import LetterAdapters, WorkbookPort


def open_workbook(path: str | os.PathLike, *, limits: Limits = Limits(), force: bool = False) -> WorkbookFile:
    """A collections workbook (.xlsx or .xlsm) on disk, ready for `refresh`, `check` or `letters`.

    `limits` are the size guards checked before reading; `force` replaces a read-only file anyway."""
    return WorkbookFile(Path(path), limits=limits, force=force)


def letter_adapters(workers: int | None = None) -> LetterAdapters:
    """Word letters (`workers` processes for large batches), the on-disk journal, LibreOffice PDF."""
    return LetterAdapters(renderer=lambda templates: DocxRenderer(templates, workers),
                          journal=BookJournal, pdf=batch_pdf)


def letters(book: WorkbookPort, out_dir: str | os.PathLike | None = None, *,
            adapters: LetterAdapters | None = None, **options) -> LettersOutcome:
    """The letter batch with the default adapters; `options` are those of
    `pipeline.letters.generate_letters` (as_of, kinds, customers, pdf, dry_run, lang, output,
    templates, base_dir, progress)."""
    return generate_letters(book, out_dir, adapters=adapters or letter_adapters(), **options)
