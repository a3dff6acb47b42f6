"""Plain table records exchanged between the core and the workbook adapters.

`RawSheet` is what an adapter reads: the used area of a sheet as text, with the
Excel coordinates needed to point at a cell in an error message.  `OutputTable`
is what the pipeline asks an adapter to write: typed columns plus cell fills.
Neither knows anything about files or Excel.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Literal

import pandas as pd

ColumnKind = Literal["text", "int", "money", "date", "percent", "decimal", "figure"]
# How a workbook counts days as numbers (a date typed into a number cell): serial -> day,
# NaT outside its range.  The adapter supplies it, from the workbook's own date system.
SerialDates = Callable[[float], pd.Timestamp]


def column_letter(index: int) -> str:
    """1-based column index -> Excel letters (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class RawSheet:
    """The used area of one sheet, every cell as text (or <NA> when empty).

    `frame.iloc[i, j]` is the cell at Excel row `first_row + i` and column
    `columns[j]` (a letter such as "B").  Date cells arrive as ISO text
    ("2026-11-28 00:00:00"), numbers as their shortest decimal text ("1234.5").
    `serial_dates` reads a number in a date column as a day; None: numbers are never dates.
    """

    name: str
    frame: pd.DataFrame
    first_row: int = 1
    columns: tuple[str, ...] = ()
    serial_dates: SerialDates | None = None


@dataclass(frozen=True)
class OutputColumn:
    """One written column: its header text, how its values are typed and formatted."""

    header: str
    kind: ColumnKind = "text"
    width: float | None = None
    wrap: bool = False          # long text wraps within the column instead of being cut off


@dataclass(frozen=True)
class CellRange:
    """Cells of a sheet, 1-based and inclusive: one row or one column for a chart's data."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class ChartSeries:
    """One series: its name cell, its categories and values, each with the cells they come from
    (so the chart stays live) and their current values (so viewers show it without recalculating)."""

    name: str
    name_cell: CellRange
    categories: tuple[str, ...]
    categories_range: CellRange
    values: tuple[float | None, ...]
    values_range: CellRange


@dataclass(frozen=True)
class OutputChart:
    """A native chart the tool owns on an output sheet, identified by `key`.

    kind: "stacked_columns" (series stacked per category), "trend" (first series on the left
    axis, second on a right axis, both lines), "top_bars" (horizontal bars, first category on top).
    `anchor`: top-left and bottom-right cells, 0-based (column, row, column, row).
    """

    key: str
    kind: Literal["stacked_columns", "trend", "top_bars"]
    title: str
    series: tuple[ChartSeries, ...]
    anchor: tuple[int, int, int, int]
    description: str = ""


@dataclass(frozen=True)
class OutputTable:
    """A sheet the tool owns and rewrites in full.

    `frame` has one column per entry of `columns`, in order.  Value types by kind:
    text -> str or None; int -> integer or <NA>; money -> integer fen (cents) or <NA>;
    date -> datetime64 or NaT; percent/decimal -> float ratio or NaN; figure -> a float shown
    with two decimals (a row of mixed figures: yuan, days, rates in %, counts) or NaN.
    `row_fills` (hex RGB like "FFF2CC" or None per row) colours whole rows;
    `cell_fills` maps a column position to a per-row fill that wins over the row fill.
    """

    name: str
    columns: tuple[OutputColumn, ...]
    frame: pd.DataFrame
    row_fills: pd.Series | None = None
    cell_fills: dict[int, pd.Series] = field(default_factory=dict)
    freeze_header: bool = True
    autofilter: bool = True
    # Printed at the foot of every page, between the sheet name and the page number
    # (e.g. the as-of date); sheets print landscape, the header row repeated, one page wide
    # unless that would shrink the print below a readable scale (then several pages wide).
    footer: str = ""
    # Leading columns that say whose row it is (e.g. customer ID and name), repeated on every
    # page when the sheet prints over several pages wide.
    print_title_columns: int = 0
    # Native charts on this sheet (issue 12); a refresh replaces the tool's, never the user's.
    charts: tuple[OutputChart, ...] = ()


def display_width(text: str) -> float:
    """How wide `text` shows in a spreadsheet column or a console, in narrow characters: a wide
    (CJK) character counts double."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))
