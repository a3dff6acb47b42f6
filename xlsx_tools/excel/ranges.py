"""Range arguments of the worksheet functions: whole columns in, one column of answers out.

A range (e.g. ``Ledger[Due Date]``) arrives from xlwings as a list or tuple (one row or one
column) or a list or tuple of rows (a block).  `Columns` flattens every range argument to one column of
the same length (a single cell is repeated for every row), parses each column with one
vectorised call of the same core parser the ledger reader uses, and keeps, per row,
the first `#XT! …` error text, so that one bad cell shows its error while the other rows
still compute.  The single-cell path of `functions` gives the same answer as row *i*.
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..core import i18n
from ..core.i18n import Label
from ..io.workbook_xlwings import cell_text


def is_range(value: Any) -> bool:
    """True for a multi-cell range (a 1x1 range is its single value)."""
    if not isinstance(value, (list, tuple)):
        return False
    if len(value) == 1 and isinstance(value[0], (list, tuple)):
        return len(value[0]) != 1
    return len(value) != 1


def cell_texts(cells: list[Any]) -> list[str | None]:
    """`cell_text` of every cell, with fast paths for the common kinds (same texts).

    Whole-column calls spend most of their time here: text and blank cells pass through,
    floats in the range where `repr` is positional skip numpy's formatter, and plain
    datetimes use `isoformat` (the same text as `strftime` from year 1000 on).
    """
    out: list[str | None] = [None] * len(cells)
    for position, cell in enumerate(cells):
        kind = type(cell)
        if kind is str:
            out[position] = cell or None
        elif cell is None:
            continue
        elif kind is float and cell.is_integer() and -1e16 < cell < 1e16:
            out[position] = str(int(cell))
        elif kind is float and 1e-4 <= abs(cell) < 1e16:
            out[position] = repr(cell)                     # shortest round-trip digits, positional here
        elif kind is dt.datetime and not cell.microsecond and cell.tzinfo is None and cell.year >= 1000:
            out[position] = cell.isoformat(" ")
        else:
            out[position] = cell_text(cell)
    return out


def _flat(value: list | tuple) -> list:
    """A row, a column or a block as one list of cells, row by row."""
    if value and isinstance(value[0], (list, tuple)):
        return list(itertools.chain.from_iterable(value))
    return list(value)


class Columns:
    """The row-aligned columns of one range call and the first error of each row."""

    def __init__(self, arguments: list[Any], too_short: Callable[[], Exception]) -> None:
        self._cells = {id(value): _flat(value) if isinstance(value, (list, tuple)) else [value]
                       for value in arguments}
        lengths = {len(cells) for cells in self._cells.values() if len(cells) != 1}
        if len(lengths) > 1:
            raise too_short()
        self.length = lengths.pop() if lengths else 1
        self.errors = np.full(self.length, None, dtype=object)
        self.failed = np.zeros(self.length, dtype=bool)
        self._distinct: dict[int, tuple[np.ndarray, pd.Series]] = {}

    def distinct(self, value: Any) -> tuple[np.ndarray, pd.Series]:
        """(per row, the position of its text; the argument's distinct cell texts, blanks <NA>).

        A ledger column repeats its values (due dates, statuses), so each distinct cell is
        turned into text and parsed once.  `value` must be one of the constructor's arguments.
        """
        known = self._distinct.get(id(value))
        if known is None:
            cells = self._cells[id(value)]
            if len(cells) == 1:
                codes, distinct = np.zeros(self.length, dtype=np.intp), cells
            elif bool in set(map(type, cells)):                   # True == 1.0, but its text differs
                codes, distinct = np.arange(self.length), cells
            else:
                codes, uniques = pd.factorize(np.array(cells, dtype=object))
                codes = np.where(codes < 0, len(uniques), codes)  # blanks -> the <NA> added last
                distinct = list(uniques) + [None]
            text = pd.Series(cell_texts(distinct), dtype="string").str.strip()
            known = self._distinct[id(value)] = (codes, text.mask(text == ""))
        return known

    def cells(self, value: Any) -> pd.Series:
        """The argument's cell texts, one per row, blanks as <NA> (a single cell is repeated)."""
        return self.each(value, lambda text: (text,))[0]

    def each(self, value: Any, function: Callable[[pd.Series], tuple[pd.Series, ...]]) -> tuple[pd.Series, ...]:
        """`function` (vectorised over texts) on the argument's distinct texts, spread over the rows."""
        codes, text = self.distinct(value)
        return tuple(part.take(codes).reset_index(drop=True) for part in function(text))

    def parse(self, value: Any, argument: Label, parser: Callable[[pd.Series], tuple[pd.Series, pd.Series]],
              message: str, error_text: Callable[[Label, Label], str]) -> pd.Series:
        """One argument through a core parser; unrecognised cells get the error (if none yet)."""
        codes, text = self.distinct(value)
        parsed, bad = parser(text)
        bad_rows = bad.to_numpy(dtype=bool)[codes]
        for position in np.flatnonzero(bad_rows):
            cell = text.iloc[codes[position]]
            self.fail(position, error_text(i18n.MESSAGES[message].format(value=cell), argument))
        return parsed.take(codes).reset_index(drop=True)

    def fail(self, position: int, text: str) -> None:
        """Mark a row as failed with `text`, unless an earlier argument already failed it."""
        if not self.failed[position]:
            self.errors[position] = text
            self.failed[position] = True

    def fail_where(self, mask: np.ndarray, text: str) -> None:
        fresh = mask & ~self.failed
        self.errors[fresh] = text
        self.failed |= fresh

    @property
    def ok(self) -> np.ndarray:
        return ~self.failed

    def answers(self, values: np.ndarray | pd.Series, where: np.ndarray) -> list[list[Any]]:
        """The spilled column (xlwings writes a list of one-item rows downwards): errors first,
        then `values` where `where`, else blank."""
        out = np.full(self.length, None, dtype=object)
        values = np.asarray(values, dtype=object)
        out[where] = values[where]
        out[self.failed] = self.errors[self.failed]
        return out.reshape(-1, 1).tolist()
