"""The ports of the pipeline: what it needs from a workbook, a letter renderer, a number journal,
a PDF binder and a progress display.

Adapters implement them structurally (no import of this module needed): `io.xlsx.workbook_file`
and `io.workbook_xlwings` are workbooks, `io.letters_docx.DocxRenderer` renders, and
`io.letters_journal.BookJournal` journals; `tests/fakes/memory_port.py` holds in-memory fakes.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence

from ..core.i18n import Label, Lang
from ..core.read.letter_log import LogRow
from ..core.tables import OutputTable, RawSheet

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """The progress display that shows nothing."""
    return None


class WorkbookPort(Protocol):
    """What the pipeline needs from a workbook, whatever holds it."""

    def sheet_names(self) -> list[str]: ...

    def read_sheet(self, name: str) -> RawSheet: ...

    def write_table(self, table: OutputTable, replaces: str | None = None) -> None:
        """Stage `table`, with its charts (`table.charts`): the adapter replaces the tool's charts on
        that sheet and leaves the user's."""

    def commit(self, output: str | os.PathLike | None = None,
               progress: Progress | None = None, status_if_saved: int | None = None) -> Path | None:
        """Save atomically; `status_if_saved` is the run's exit code should it be interrupted after the save."""


@dataclass(frozen=True)
class LetterToRender:
    """One numbered letter for the renderer: `file` is its name inside the letters folder."""

    key: str               # the letter number
    kind: str
    context: Mapping[str, Any]
    file: str


class RenderedLetter(Protocol):
    """What the renderer reports per letter: the file and its SHA-256, or an error text."""

    path: str
    sha256: str | None
    error: str | None


class LetterRenderer(Protocol):
    """Turns template contexts into letter files."""

    def file_name(self, letter_no: str, kind: str, customer_id: str) -> str: ...

    def template_problem(self, kind: str, lang: Lang) -> Label | None:
        """Why the template of `kind` cannot be used, or None."""

    def render(self, letters: Sequence[LetterToRender], folder: Path, lang: Lang,
               progress: Callable[[int, int], None]) -> Sequence[RenderedLetter]:
        """Render every letter into `folder`, results in order; a failure never stops the batch."""


class NumberJournal(Protocol):
    """Letter numbers reserved durably before rendering, so a crash never reuses one."""

    def unlogged(self, logged: set[str]) -> list[tuple[LogRow, str | None]]:
        """Rows an interrupted run reserved but never logged, each with the SHA-256 of its complete
        file, or None when the file is missing or torn."""

    def used_numbers(self) -> list[str]:
        """Every number the journals and the letters folders know was issued."""

    def reserve(self, rows: Sequence[LogRow]) -> None:
        """Create the letters folder and reserve `rows`' numbers durably."""

    def settle(self, letter_numbers: Sequence[str]) -> None:
        """After the workbook commit: these numbers are logged, the reservations can go."""


class BatchPdf(Protocol):
    def __call__(self, documents: Sequence[Path], folder: Path, day: dt.date,
                 progress: Progress) -> tuple[Path | None, str | None]:
        """The joined PDF of `documents`, or None and why not."""


@dataclass(frozen=True)
class LetterAdapters:
    """The adapters a letter batch works through, made once the Policy sheet is read:
    `renderer(template folder or None for the shipped ones)`, `journal(letters folder, workbook identity,
    dry run)`: a dry run's journal reads what is there and creates nothing."""

    renderer: Callable[[Path | None], LetterRenderer]
    journal: Callable[[Path, str, bool], NumberJournal]
    pdf: BatchPdf
