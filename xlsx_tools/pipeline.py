"""The one refresh/check pipeline behind the CLI and the Excel buttons.

It reads input sheets through a *port* (a workbook file, or live Excel), runs the
pure core, and writes the output sheets back through the same port.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from .core import i18n
from .core.i18n import Lang
from .core.refresh import RefreshInputs, RefreshResult, compute
from .core.tables import OutputTable, RawSheet
from .errors import WorkbookUnusable
from .sheets import output_tables

Progress = Callable[[str], None]


class WorkbookPort(Protocol):
    """What the pipeline needs from a workbook, whatever holds it."""

    def sheet_names(self) -> list[str]: ...

    def read_sheet(self, name: str) -> RawSheet: ...

    def write_table(self, table: OutputTable, replaces: str | None = None) -> None: ...

    def commit(self, output: str | os.PathLike | None = None,
               progress: Progress | None = None) -> Path | None: ...


@dataclass(frozen=True)
class RefreshOutcome:
    result: RefreshResult
    lang: Lang
    written: Path | None

    @property
    def exit_code(self) -> int:
        """0 = clean, 1 = input errors found (valid rows were still computed)."""
        return 1 if self.result.has_errors else 0


def _quiet(_: str) -> None:
    return None


def read_inputs(book: WorkbookPort, progress: Progress = _quiet) -> RefreshInputs:
    """Read the input sheets that exist; a workbook without a Ledger is unusable."""
    names = book.sheet_names()
    ledger_name = i18n.find_sheet(names, "ledger")
    if ledger_name is None:
        raise WorkbookUnusable(
            f"工作簿中没有“{i18n.SHEETS['ledger'].zh}”工作表（现有：{', '.join(names)}） / "
            f"The workbook has no '{i18n.SHEETS['ledger'].en}' sheet (found: {', '.join(names)})")
    found: dict[str, RawSheet | None] = {}
    for key in ("ledger", "customers", "policy", "snapshots", *i18n.MONEY_LAW_INPUT_SHEETS, "letters"):
        name = i18n.find_sheet(names, key)
        if name is not None:
            progress(f"reading {name}")
        found[key] = book.read_sheet(name) if name is not None else None
    return RefreshInputs(**found)


def choose_lang(requested: Lang | None, result: RefreshResult) -> Lang:
    return requested or result.policy.lang


def check(book: WorkbookPort, *, as_of: dt.date | None = None, today: dt.date | None = None,
          progress: Progress = _quiet) -> RefreshResult:
    """Validate and compute without writing anything."""
    inputs = read_inputs(book, progress)
    progress("computing")
    return compute(inputs, as_of=as_of, today=today)


def refresh(book: WorkbookPort, *, as_of: dt.date | None = None, lang: Lang | None = None,
            output: str | os.PathLike | None = None, today: dt.date | None = None,
            progress: Progress = _quiet) -> RefreshOutcome:
    """Compute everything and write the output sheets (Priority, Detail, Aging, Snapshots,
    Plan Schedule, Credit, Issues) in one atomic commit."""
    result = check(book, as_of=as_of, today=today, progress=progress)
    chosen = choose_lang(lang, result)
    names = book.sheet_names()
    for key, table in output_tables(result, chosen).items():
        book.write_table(table, replaces=i18n.find_sheet(names, key))
    written = book.commit(output, progress=progress)
    return RefreshOutcome(result, chosen, written)


def generate_letters(book: WorkbookPort, out_dir: str | os.PathLike | None = None, **options):
    """The letter batch (issue 3): the same compute as `refresh`, one letter per customer and
    kind due, the refresh output sheets and the appended Letters log in one atomic commit.

    `options` and the returned `LettersOutcome` (generated / skipped / failed with reasons)
    are those of `xlsx_tools.letters_batch.generate_letters`, which holds the steps and the
    crash-safe numbering.
    """
    from .letters_batch import generate_letters as run
    return run(book, out_dir, **options)
