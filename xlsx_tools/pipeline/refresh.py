"""Refresh and check as named steps: read -> compute -> write -> commit.

`letters` runs the same steps with its own in between, so each exists once.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..core import i18n
from ..core.i18n import Lang
from ..core.read import Inputs
from ..core.refresh import RefreshInputs, RefreshResult, compute
from ..core.tables import CellRange, OutputTable, RawSheet
from ..errors import WorkbookUnusable
from ..present import texts
from ..present.sheets import output_tables
from .ports import Progress, WorkbookPort, quiet

INPUT_SHEETS = ("ledger", "customers", "policy", "snapshots", *i18n.MONEY_LAW_INPUT_SHEETS, "letters", "contacts",
                "weekly", "fx")


@dataclass(frozen=True)
class RefreshOutcome:
    result: RefreshResult
    lang: Lang
    written: Path | None

    @property
    def exit_code(self) -> int:
        """0 = clean, 1 = input errors found (valid rows were still computed)."""
        return 1 if self.result.has_errors else 0


def read_sheet(book: WorkbookPort, names: list[str], key: str, progress: Progress) -> RawSheet | None:
    """The sheet `key` names in either language, or None when the workbook has none."""
    name = i18n.find_sheet(names, key)
    if name is None:
        return None
    progress(f"reading {name}")
    return book.read_sheet(name)


def read_inputs(book: WorkbookPort, progress: Progress = quiet) -> RefreshInputs:
    """Read the input sheets that exist; a workbook without a Ledger is unusable."""
    names = book.sheet_names()
    if i18n.find_sheet(names, "ledger") is None:
        raise WorkbookUnusable(texts.zh_en(texts.NO_LEDGER_SHEET.format(sheet=i18n.SHEETS["ledger"],
                                                                        found=", ".join(names))))
    return RefreshInputs(**{key: read_sheet(book, names, key, progress) for key in INPUT_SHEETS})


def compute_result(inputs: RefreshInputs | Inputs, as_of: dt.date | None, today: dt.date | None,
                   progress: Progress) -> RefreshResult:
    progress("computing")
    return compute(inputs, as_of=as_of, today=today)


def choose_lang(requested: Lang | None, result: RefreshResult) -> Lang:
    return requested or result.policy.lang


def write_outputs(book: WorkbookPort, result: RefreshResult, lang: Lang,
                  tables: dict[str, OutputTable] | None = None) -> None:
    """Stage every output sheet (Priority, Detail, Aging, Snapshots, Plan Schedule, Credit, Issues).

    An output sheet that exists keeps its name when the language changes (its headers and
    contents follow `lang`): print titles, defined names, formulas, charts and links that
    point at it by name keep working (issue 9).  Readers accept either language's name.
    `tables` are `output_tables(result, lang)` when the caller laid them out already (the report)."""
    names = book.sheet_names()
    tables = output_tables(result, lang) if tables is None else tables
    existing = {key: i18n.find_sheet(names, key) for key in tables}
    kept = {table.name: existing[key] for key, table in tables.items() if existing[key] is not None}
    for key, table in tables.items():
        book.write_table(_with_sheet_names(table, kept), replaces=existing[key])


def _with_sheet_names(table: OutputTable, kept: dict[str, str]) -> OutputTable:
    """The table under the name its sheet keeps, its charts pointing at the kept names too."""
    def cells(where: CellRange) -> CellRange:
        return replace(where, sheet=kept.get(where.sheet, where.sheet))

    charts = tuple(replace(chart, series=tuple(
        replace(series, name_cell=cells(series.name_cell), categories_range=cells(series.categories_range),
                values_range=cells(series.values_range)) for series in chart.series)) for chart in table.charts)
    return replace(table, name=kept.get(table.name, table.name), charts=charts)


def check(book: WorkbookPort, *, as_of: dt.date | None = None, today: dt.date | None = None,
          progress: Progress = quiet) -> RefreshResult:
    """Validate and compute without writing anything."""
    return compute_result(read_inputs(book, progress), as_of, today, progress)


def refresh(book: WorkbookPort, *, as_of: dt.date | None = None, lang: Lang | None = None,
            output: str | os.PathLike | None = None, today: dt.date | None = None,
            progress: Progress = quiet) -> RefreshOutcome:
    """Compute everything and write the output sheets in one atomic commit."""
    result = check(book, as_of=as_of, today=today, progress=progress)
    chosen = choose_lang(lang, result)
    write_outputs(book, result, chosen)
    written = book.commit(output, progress=progress, status_if_saved=1 if result.has_errors else 0)
    return RefreshOutcome(result, chosen, written)
