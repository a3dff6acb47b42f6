"""Reading any input table: header matching in both languages, the trimmed text of its
non-blank rows, and issues located at the row's cell.

Every input sheet (Ledger, Customers, Payments, Plans, Events, Cases ...) goes through
these, so header rules and cell locations behave the same everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from . import i18n
from .cells import clean_text
from .i18n import Label
from .issues import Issue, issue
from .tables import RawSheet


def cell_in_row(letters: Mapping[str, str], key: str, row: int) -> str:
    """The cell of column `key` in `row`; where the sheet has no such column, the row's first
    known cell, so that every issue names a cell (contract: 'cell (e.g. D17)')."""
    letter = letters.get(key) or min(letters.values(), key=lambda found: (len(found), found), default="A")
    return f"{letter}{row}"


@dataclass(frozen=True)
class LocatedTable:
    """Data rows of a sheet with known columns: `frame` columns are keys, `cells` their letters."""

    sheet: str
    frame: pd.DataFrame          # one column per found key, text values; index = Excel row
    letters: dict[str, str]      # key -> column letter

    def select(self, keys: Mapping[str, object]) -> LocatedTable:
        """The same rows restricted to the found columns among `keys`, in header order."""
        kept = [key for key in self.letters if key in keys]
        return LocatedTable(self.sheet, self.frame[kept], {key: self.letters[key] for key in kept})


def first_filled_row(frame: pd.DataFrame) -> int | None:
    """Position of the first row with a cell that is not blank once trimmed (`clean_text`: a cell of
    only spaces or invisible characters is blank), or None: the header row of an input sheet."""
    for position in np.flatnonzero(frame.notna().to_numpy().any(axis=1)) if len(frame) else ():
        if clean_text(frame.iloc[position]).notna().any():
            return int(position)
    return None


def locate_columns(sheet: RawSheet, columns: dict[str, Label], required: tuple[str, ...],
                   optional: Mapping[str, Label] | None = None) -> tuple[LocatedTable | None, list[Issue]]:
    """Find the header row (first non-empty row), match headers in either language.

    `optional` columns (e.g. the ledger's contract rate) are matched in the same scan but are
    not warned about when duplicated: the first one is used.
    Returns None when a required column is missing (reported as an error on the header row).
    """
    frame = sheet.frame
    header_pos = first_filled_row(frame)
    if header_pos is None:
        return None, [issue("error", sheet.name, "A1", "no_header")]
    header_row = sheet.first_row + header_pos
    header_start = f"{sheet.columns[int(clean_text(frame.iloc[header_pos]).notna().to_numpy().argmax())]}{header_row}"
    every = {**columns, **(optional or {})}
    aliases = {i18n.normalise_name(name): key for key, label in every.items() for name in label.both()}
    found: dict[str, int] = {}
    issues: list[Issue] = []
    for position, value in enumerate(frame.iloc[header_pos]):
        if pd.isna(value):
            continue
        key = aliases.get(i18n.normalise_name(value))
        if key is None:
            continue
        if key in found:
            if key not in columns:
                continue
            issues.append(issue("warning", sheet.name, f"{sheet.columns[position]}{header_row}",
                                "column_duplicate", column=value))
            continue
        found[key] = position
    missing = [key for key in required if key not in found]
    for key in missing:
        issues.append(issue("error", sheet.name, header_start, "column_missing",
                            column=" / ".join(columns[key].both())))
    if missing:
        return None, issues
    data = frame.iloc[header_pos + 1:, list(found.values())]
    data.columns = list(found.keys())
    data.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(data), name="row")
    letters = {key: sheet.columns[position] for key, position in found.items()}
    return LocatedTable(sheet.name, data, letters), issues


class RowIssues:
    """Collects row-level issues column by column, vectorised over masks."""

    def __init__(self, table: LocatedTable):
        self.table = table
        self.issues: list[tuple[int, int, Issue]] = []   # (row, column order, issue) for sorting
        self.bad_rows = pd.Series(False, index=table.frame.index)
        self._order = {key: n for n, key in enumerate(table.letters)}

    def add(self, mask: pd.Series, key: str, code: str, severity: str = "error", **values) -> None:
        """One issue per True row; callable values are evaluated per row with its cell text."""
        rows = mask[mask.fillna(False).astype(bool)].index
        if not len(rows):
            return
        texts = self.table.frame[key].reindex(rows) if key in self.table.frame else None
        for row in rows:
            filled = {name: (value(row) if callable(value) else value) for name, value in values.items()}
            if texts is not None and "value" not in filled:
                filled["value"] = texts.loc[row]
            item = issue(severity, self.table.sheet, cell_in_row(self.table.letters, key, row), code,
                         left_out=severity == "error", **filled)
            self.issues.append((row, self._order.get(key, 99), item))
        if severity == "error":
            self.bad_rows.loc[rows] = True

    def sorted(self) -> list[Issue]:
        return [item for _, _, item in sorted(self.issues, key=lambda t: (t[0], t[1]))]


@dataclass(frozen=True)
class InputRows:
    """Trimmed text per column key (every key of the column map; absent columns are <NA>)
    for the table's non-blank rows, plus the collector of their located issues."""

    text: dict[str, pd.Series]
    found: RowIssues

    @property
    def empty(self) -> bool:
        return not len(self.found.bad_rows)


def read_rows(sheet: RawSheet, columns: dict[str, Label], required: tuple[str, ...]
              ) -> tuple[InputRows | None, list[Issue]]:
    """Locate the columns, keep rows with any known cell filled, and report every required
    cell that is empty as an error (row left out).  None when a required header is missing."""
    located, issues = locate_columns(sheet, columns, required)
    if located is None:
        return None, issues
    return rows_of(located, columns, required), issues


def rows_of(located: LocatedTable, columns: dict[str, Label], required: tuple[str, ...]) -> InputRows:
    """The non-blank rows of an already located table (see `read_rows`)."""
    raw = located.frame
    text = {key: clean_text(raw[key]) if key in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
            for key in columns}
    keep = ~pd.concat(text.values(), axis=1).isna().all(axis=1)
    text = {key: series[keep] for key, series in text.items()}
    found = RowIssues(LocatedTable(located.sheet, raw[keep], located.letters))
    for key in required:
        found.add(text[key].isna(), key, "required_missing", column=columns[key])
    return InputRows(text, found)


_LIST_SPLIT = re.compile(r"[,，、;；\n]+")


def split_invoices(text: object) -> tuple[str, ...] | None:
    """'INV1, INV2、INV3' -> ('INV1', 'INV2', 'INV3'); blank or 'all' / '全部' -> None (every invoice)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    parts = tuple(p.strip() for p in _LIST_SPLIT.split(str(text)) if p.strip())
    if not parts or any(i18n.normalise_name(p) in i18n.ALL_INVOICES_WORDS for p in parts):
        return None
    return parts
