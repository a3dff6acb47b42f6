"""In-memory ports: the pipeline runs without files, Word or LibreOffice.

`MemoryWorkbook` holds input sheets as RawSheets and keeps what the pipeline writes;
`FakeRenderer`, `FakeJournal` and `FakePdf` record what they are asked to do, in one
shared `events` list so a test can check the order (reserve before render, commit before settle).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from xlsx_tools.core.i18n import Label, Lang
from xlsx_tools.core.read.letter_log import LogRow
from xlsx_tools.core.tables import OutputTable, RawSheet
from xlsx_tools.errors import WorkbookUnusable
from xlsx_tools.pipeline.ports import LetterAdapters, LetterToRender


class MemoryWorkbook:
    """A `WorkbookPort` over a dict of RawSheets: writes are staged, `commit` publishes them."""

    def __init__(self, sheets: Sequence[RawSheet], events: list[str] | None = None, fail_commit: bool = False):
        self.sheets = {sheet.name: sheet for sheet in sheets}
        self.staged: dict[str, OutputTable] = {}
        self.committed: dict[str, OutputTable] = {}
        self.commits = 0
        self.events = events if events is not None else []
        self.fail_commit = fail_commit

    def sheet_names(self) -> list[str]:
        return list(self.sheets) + [name for name in self.committed if name not in self.sheets]

    def read_sheet(self, name: str) -> RawSheet:
        return self.sheets[name]

    def write_table(self, table: OutputTable, replaces: str | None = None) -> None:
        self.staged[table.name] = table

    def commit(self, output=None, progress=None, status_if_saved=None) -> Path | None:
        self.events.append("commit")
        if self.fail_commit:
            raise WorkbookUnusable("locked / 被锁定")
        self.committed.update(self.staged)
        self.staged = {}
        self.commits += 1
        return None


@dataclass
class Rendered:
    path: str
    sha256: str | None = None
    error: str | None = None


@dataclass
class FakeRenderer:
    """Renders nothing: each letter 'becomes' its file name; kinds in `broken` have a bad template,
    letter numbers in `failing` fail to render."""

    events: list[str]
    broken: frozenset[str] = frozenset()
    failing: frozenset[str] = frozenset()
    rendered: list[LetterToRender] = field(default_factory=list)

    def file_name(self, letter_no: str, kind: str, customer_id: str) -> str:
        return f"{letter_no}_{kind}_{customer_id}.fake"

    def template_problem(self, kind: str, lang: Lang) -> Label | None:
        return Label(f"template {kind} broken", f"模板 {kind} 已损坏") if kind in self.broken else None

    def render(self, letters, folder: Path, lang: Lang, progress) -> list[Rendered]:
        self.events.append("render")
        self.rendered += letters
        out = []
        for n, letter in enumerate(letters, start=1):
            path = str(folder / letter.file)
            out.append(Rendered(path, error="disk full") if letter.key in self.failing
                       else Rendered(path, sha256=f"sha-{letter.key}"))
            progress(n, len(letters))
        return out


@dataclass
class FakeJournal:
    """A `NumberJournal` in memory: `left_over` are an interrupted run's reservations (row, sha or None)."""

    events: list[str]
    left_over: list[tuple[LogRow, str | None]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    reserved: list[LogRow] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)

    def unlogged(self, logged: set[str]) -> list[tuple[LogRow, str | None]]:
        return [(row, sha) for row, sha in self.left_over if row.letter_no not in logged]

    def used_numbers(self) -> list[str]:
        return self.issued + [row.letter_no for row, _ in self.left_over]

    def reserve(self, rows: Sequence[LogRow]) -> None:
        self.events.append("reserve")
        self.reserved += rows

    def settle(self, letter_numbers: Sequence[str]) -> None:
        self.events.append("settle")
        self.settled += letter_numbers


@dataclass
class FakePdf:
    events: list[str]
    documents: list[Path] = field(default_factory=list)

    def __call__(self, documents, folder: Path, day: dt.date, progress) -> tuple[Path | None, str | None]:
        self.events.append("pdf")
        self.documents += documents
        return folder / f"batch_{day:%Y%m%d}.pdf", None


@dataclass
class FakeLetterTools:
    """The three fakes sharing one event list, and the adapters the pipeline is given."""

    events: list[str] = field(default_factory=list)
    renderer: FakeRenderer = None    # type: ignore[assignment]
    journal: FakeJournal = None      # type: ignore[assignment]
    pdf: FakePdf = None              # type: ignore[assignment]
    folders: list[tuple[Path, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.renderer = self.renderer or FakeRenderer(self.events)
        self.journal = self.journal or FakeJournal(self.events)
        self.pdf = self.pdf or FakePdf(self.events)

    def adapters(self) -> LetterAdapters:
        def journal(folder: Path, book: str, dry_run: bool) -> FakeJournal:
            self.folders.append((folder, book))
            return self.journal
        return LetterAdapters(renderer=lambda templates: self.renderer, journal=journal, pdf=self.pdf)
