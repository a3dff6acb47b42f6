"""A faithful fake of the small xlwings surface `io/workbook_xlwings.py` and `excel/` use.

It follows xlwings' documented behaviour on Windows (COM), not our adapter's wishes:

* reading ``range.value``: a single cell gives a scalar, one row or one column a flat
  list, a block a list of rows; ``options(ndim=2)`` always gives a list of rows; date
  cells come back as ``datetime`` (never ``date``), numbers as ``float``, empty cells as
  ``None``; error cells as ``None``, or as "#N/A" text with ``options(err_to_str=True)``;
* writing ``range.value``: a scalar sets one cell, a flat list sets one row, a list of rows
  sets a block starting at the range's top-left cell; ``None`` empties a cell; ``date`` and
  ``datetime`` become dates; ints, floats and numpy numbers become floats;
* strings are parsed the way Excel parses typed entries, unless the cell is formatted as
  Text ("@") or the string starts with an apostrophe (which is dropped): "=…" becomes a
  formula, "123" / "1.5e3" / "12%" become numbers, "2026-11-28" / "2026/11/28" become
  dates, "TRUE" / "FALSE" booleans.  (So an adapter that forgets to protect text fails.)
* ``sheet.used_range`` is the bounding box of every cell with a value *or a format*
  (Excel's UsedRange); an empty sheet's used range is A1.
* ``sheet.clear()`` removes values and formats (not column widths); ``sheets.add(name,
  before=, after=)`` inserts a sheet (a duplicate name is an error, as in Excel);
  ``sheet.name = ...`` renames; ``sheet.delete()`` removes it; ``sheet.activate()`` makes it the
  active sheet (``book.active``).
* ``app.status_bar`` (False = Excel's own), ``app.alert(prompt, title, buttons, mode)``
  returns "ok" and is recorded in ``app.alerts``;
* ``range.wrap_text`` (None when mixed), ``range.font.bold`` (None when mixed, as xlwings),
  ``range.api.HorizontalAlignment`` (the COM Range's, Excel's constants; xlGeneral = 1 until set;
  with ``app.on_mac`` an appscript reference, which has no such property),
  ``range.rows.autofit()`` (recorded); the COM objects
  the print setup needs: ``sheet.api.PageSetup`` (Excel's property names and defaults) and
  ``app.api.PrintCommunication``; ``book.api.Date1904`` (the book's date system, from the file).
* a range's ``left``/``top``/``width``/``height`` in points (column widths as Excel turns
  characters of Calibri 11 into pixels, rows 15 pt); ``sheet.charts`` (iterate, ``[index or
  name]``, ``.add(left, top, width, height)`` naming charts "Chart N" as Excel does), a chart's
  ``name``, ``chart_type`` (xlwings' names), ``set_source_data(range)``, ``delete()``, and ``api``:
  on Windows the pair (ChartObject, Chart) — the fake Chart has the COM calls the adapter makes
  (``SeriesCollection``, ``HasTitle``/``ChartTitle``, ``HasLegend``/``Legend``, ``Axes``) and
  records them; with ``app.on_mac`` it is an appscript reference, which is no pair.
  ``sheet.clear()`` leaves charts, as Excel's Cells.Clear does; deleting a sheet takes its charts.

`FakeBook.from_xlsx(path)` loads a real workbook with openpyxl (cached values of formulas,
date cells as datetime, number formats and the cells Excel would count as used).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import column_index_from_string, get_column_letter

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
DEFAULT_WIDTH, ROW_POINTS = 8.43, 15.0
XL_GENERAL = 1      # Excel's HorizontalAlignment constants

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)%$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


@dataclass
class Formula:
    """A formula Excel would evaluate; the fake cannot, so reading it shows the formula."""

    text: str

    def __repr__(self) -> str:
        return f"<formula {self.text}>"


def _parse_a1(ref: str) -> tuple[int, int]:
    match = _A1.match(ref.strip())
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(match.group(2)), column_index_from_string(match.group(1).upper())


def _parse_area(address: str) -> tuple[int, int, int, int]:
    parts = address.split(":")
    if len(parts) == 1:
        r, c = _parse_a1(parts[0])
        return r, c, r, c
    (r1, c1), (r2, c2) = _parse_a1(parts[0]), _parse_a1(parts[1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _excel_entry(text: str) -> Any:
    """What Excel stores when a string is written to a General cell."""
    if text.startswith("'"):
        return text[1:]
    if text.startswith("=") and len(text) > 1:
        return Formula(text)
    stripped = text.strip()
    if _NUMBER.match(stripped):
        return float(stripped)
    if _PERCENT.match(stripped):
        return float(stripped[:-1]) / 100
    match = _DATE.match(stripped)
    if match:
        try:
            return dt.datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return text
    if stripped.upper() in ("TRUE", "FALSE"):
        return stripped.upper() == "TRUE"
    return text


def _stored(value: Any, number_format: str | None) -> Any:
    """A written Python value as Excel keeps it."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, str):
        if value == "":
            return None
        if number_format == "@":
            return value
        return _excel_entry(value)
    raise TypeError(f"xlwings cannot write a {type(value).__name__} to a cell")


class FakeAppApi:
    """The COM Application object (``app.api`` on Windows), only ``PrintCommunication``.

    `fail_print_setup` (a test switch) makes every PageSetup assignment raise, as COM does when
    there is no printer driver."""

    def __init__(self) -> None:
        self.PrintCommunication = True
        self.fail_print_setup = False


class FakePageSetup:
    """The COM ``PageSetup`` of a sheet (``sheet.api.PageSetup``): Excel's defaults, only Excel's
    property names (a misspelt one raises, as COM does), constants as Excel's numbers."""

    DEFAULTS = {"Orientation": 1, "PaperSize": 9, "Zoom": 100, "FitToPagesWide": 1, "FitToPagesTall": 1,
                "PrintTitleRows": "", "Order": 1, "PrintTitleColumns": "", "LeftFooter": "", "CenterFooter": "", "RightFooter": "", "PrintArea": ""}

    def __init__(self, app_api: FakeAppApi) -> None:
        object.__setattr__(self, "_app_api", app_api)
        object.__setattr__(self, "_values", dict(self.DEFAULTS))

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(f"PageSetup has no property {name!r}")
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.DEFAULTS:
            raise AttributeError(f"PageSetup has no property {name!r}")
        if self._app_api.fail_print_setup:
            raise Exception("(-2147352567, 'Exception occurred.', (0, 'Microsoft Excel', "
                            "'Unable to set the Orientation property of the PageSetup class'))")
        self._values[name] = value


class FakeSheetApi:
    """The COM Worksheet object (``sheet.api``), only its ``PageSetup``."""

    def __init__(self, app_api: FakeAppApi) -> None:
        self.PageSetup = FakePageSetup(app_api)


class FakeApp:
    def __init__(self) -> None:
        self.api = FakeAppApi()
        self._status: str | bool = False
        self.status_history: list[str | bool] = []
        self.alerts: list[dict[str, Any]] = []
        self.books: list[FakeBook] = []
        self.on_mac = False          # a test switch: COM objects are appscript references there

    @property
    def status_bar(self) -> str | bool:
        return self._status

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._status = value
        self.status_history.append(value)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        if buttons not in ("ok", "ok_cancel", "yes_no", "yes_no_cancel"):
            raise ValueError(f"buttons must be ok, ok_cancel, yes_no or yes_no_cancel, not {buttons!r}")
        if mode not in (None, "info", "critical"):
            raise ValueError(f"mode must be info or critical, not {mode!r}")
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok" if buttons.startswith("ok") else "yes"


class FakeRange:
    def __init__(self, sheet: "FakeSheet", areas: list[tuple[int, int, int, int]],
                 options: dict[str, Any] | None = None) -> None:
        for r1, c1, r2, c2 in areas:
            if not (1 <= r1 <= r2 <= MAX_ROWS and 1 <= c1 <= c2 <= MAX_COLS):
                raise ValueError("range outside the sheet")
        self.sheet = sheet
        self.areas = areas
        self._options = options or {}

    # -- geometry
    @property
    def _area(self) -> tuple[int, int, int, int]:
        if len(self.areas) != 1:
            raise ValueError("this operation needs a single-area range")
        return self.areas[0]

    @property
    def row(self) -> int:
        return self.areas[0][0]

    @property
    def column(self) -> int:
        return self.areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self._area
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def address(self) -> str:
        def one(area: tuple[int, int, int, int]) -> str:
            r1, c1, r2, c2 = area
            first = f"${get_column_letter(c1)}${r1}"
            return first if (r1, c1) == (r2, c2) else f"{first}:${get_column_letter(c2)}${r2}"
        return ",".join(one(a) for a in self.areas)

    def _column_points(self, column: int) -> float:
        return (math.trunc(self.sheet.widths.get(column, DEFAULT_WIDTH) * 7) + 5) * 0.75

    @property
    def left(self) -> float:
        return sum(self._column_points(c) for c in range(1, self.column))

    @property
    def top(self) -> float:
        return (self.row - 1) * ROW_POINTS

    @property
    def width(self) -> float:
        _, c1, _, c2 = self._area
        return sum(self._column_points(c) for c in range(c1, c2 + 1))

    @property
    def height(self) -> float:
        r1, _, r2, _ = self._area
        return (r2 - r1 + 1) * ROW_POINTS

    def _cells(self) -> Iterator[tuple[int, int]]:
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def options(self, convert: Any = None, **options: Any) -> "FakeRange":
        if convert is not None:
            raise NotImplementedError("the fake knows only the default converter")
        unknown = set(options) - {"ndim", "err_to_str", "empty", "dates", "numbers", "chunksize"}
        if unknown:
            raise NotImplementedError(f"options not faked: {sorted(unknown)}")
        return FakeRange(self.sheet, self.areas, {**self._options, **options})

    # -- values
    def _read(self, r: int, c: int) -> Any:
        value = self.sheet.cells.get((r, c))
        if isinstance(value, CellError):
            return value.text if self._options.get("err_to_str") else None
        if value is None:
            return self._options.get("empty")
        return value

    @property
    def value(self) -> Any:
        r1, c1, r2, c2 = self._area
        get, read, columns = self.sheet.cells.get, self._read, range(c1, c2 + 1)
        # cells holding a plain value are read directly; blanks and errors through _read (options)
        rows = [[value if (value := get((r, c))) is not None and type(value) is not CellError else read(r, c)
                 for c in columns] for r in range(r1, r2 + 1)]
        ndim = self._options.get("ndim")
        if ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(row) == 1 for row in rows):
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        r1, c1, _, _ = self._area
        if isinstance(data, (list, tuple)):
            block = [list(row) for row in data] if data and isinstance(data[0], (list, tuple)) else [list(data)]
        else:
            block = [[data]]
        if len({len(row) for row in block}) > 1:
            raise Exception("All elements of a 2d list or tuple must be of the same length")
        if r1 + len(block) - 1 > MAX_ROWS or (block and c1 + len(block[0]) - 1 > MAX_COLS):
            raise ValueError("the block does not fit on the sheet")
        formats, store = self.sheet.formats, self.sheet._set
        for r, row in enumerate(block, start=r1):
            for c, item in enumerate(row, start=c1):
                store(r, c, _stored(item, formats.get((r, c))))

    # -- formats
    @property
    def number_format(self) -> str:
        r1, c1, _, _ = self.areas[0]
        return self.sheet.formats.get((r1, c1), "General")

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for cell in self._cells():
            self.sheet.formats[cell] = fmt
            self.sheet.touched.add(cell)

    @property
    def color(self) -> tuple[int, int, int] | None:
        r1, c1, _, _ = self.areas[0]
        return self.sheet.colors.get((r1, c1))

    @color.setter
    def color(self, value: tuple[int, int, int] | str | None) -> None:
        if isinstance(value, str):
            text = value.lstrip("#")
            value = (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
        for cell in self._cells():
            if value is None:
                self.sheet.colors.pop(cell, None)
            else:
                self.sheet.colors[cell] = tuple(value)
                self.sheet.touched.add(cell)

    @property
    def wrap_text(self) -> bool | None:
        """True or False for the whole range, None when mixed (as xlwings)."""
        states = {cell in self.sheet.wraps for cell in self._cells()}
        return states.pop() if len(states) == 1 else None

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for cell in self._cells():
            if value:
                self.sheet.wraps.add(cell)
                self.sheet.touched.add(cell)
            else:
                self.sheet.wraps.discard(cell)

    @property
    def font(self) -> "FakeFont":
        return FakeFont(self)

    @property
    def api(self) -> Any:
        if self.sheet.book.app.on_mac:
            return object()                   # an appscript reference
        return FakeRangeApi(self)

    @property
    def rows(self) -> "FakeRows":
        return FakeRows(self)

    @property
    def column_width(self) -> float:
        return self.sheet.widths.get(self.areas[0][1], 8.43)

    @column_width.setter
    def column_width(self, width: float) -> None:
        for _, c1, _, c2 in self.areas:
            for c in range(c1, c2 + 1):
                self.sheet.widths[c] = float(width)


class FakeFont:
    """``range.font``: only ``bold`` (True/False for the whole range, None when mixed)."""

    def __init__(self, owner: FakeRange) -> None:
        self._owner = owner

    @property
    def bold(self) -> bool | None:
        states = {cell in self._owner.sheet.bolds for cell in self._owner._cells()}
        return states.pop() if len(states) == 1 else None

    @bold.setter
    def bold(self, value: bool) -> None:
        for cell in self._owner._cells():
            if value:
                self._owner.sheet.bolds.add(cell)
                self._owner.sheet.touched.add(cell)
            else:
                self._owner.sheet.bolds.discard(cell)


class FakeRangeApi:
    """The COM Range object (``range.api`` on Windows), only ``HorizontalAlignment``: xlGeneral (1)
    until set; reading a range of mixed alignments gives None, as COM does."""

    def __init__(self, owner: FakeRange) -> None:
        self._owner = owner

    @property
    def HorizontalAlignment(self) -> int | None:  # noqa: N802 (COM's name)
        states = {self._owner.sheet.alignments.get(cell, XL_GENERAL) for cell in self._owner._cells()}
        return states.pop() if len(states) == 1 else None

    @HorizontalAlignment.setter
    def HorizontalAlignment(self, value: int) -> None:  # noqa: N802
        for cell in self._owner._cells():
            self._owner.sheet.alignments[cell] = int(value)
            self._owner.sheet.touched.add(cell)


class FakeRows:
    """``range.rows``: only ``autofit()``, recorded as (first row, last row) on the sheet."""

    def __init__(self, owner: FakeRange) -> None:
        self._owner = owner

    def autofit(self) -> None:
        r1, _, r2, _ = self._owner._area
        self._owner.sheet.autofitted_rows.append((r1, r2))


@dataclass
class CellError:
    """An error value (#N/A, #DIV/0!, …) in a cell."""

    text: str


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str) -> None:
        self.book = book
        self._name = name
        self.cells: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.colors: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.widths: dict[int, float] = {}
        self.touched: set[tuple[int, int]] = set()   # cells with a value or a format (UsedRange)
        self.wraps: set[tuple[int, int]] = set()     # cells formatted to wrap their text
        self.bolds: set[tuple[int, int]] = set()     # cells in a bold font
        self.alignments: dict[tuple[int, int], int] = {}   # cells' HorizontalAlignment when not xlGeneral
        self.autofitted_rows: list[tuple[int, int]] = []
        self.api = FakeSheetApi(book.app.api)
        self.charts = FakeCharts(self)

    def __repr__(self) -> str:
        return f"<FakeSheet {self._name!r}>"

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        for other in self.book.sheets:
            if other is not self and other.name.casefold() == value.casefold():
                raise ValueError(f"a sheet named {value!r} already exists")
        self._name = value

    def _set(self, r: int, c: int, value: Any) -> None:
        if value is None:
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = value
            self.touched.add((r, c))

    def range(self, first: Any, second: Any = None) -> FakeRange:
        if isinstance(first, tuple):
            r1, c1 = first
            r2, c2 = second if second is not None else first
            return FakeRange(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])
        if isinstance(first, FakeRange):
            return first
        areas = [_parse_area(part) for part in str(first).split(",")]
        if second is not None:
            (r1, c1, _, _), (_, _, r2, c2) = areas[0], _parse_area(str(second))
            areas = [(r1, c1, r2, c2)]
        return FakeRange(self, areas)

    @property
    def used_range(self) -> FakeRange:
        if not self.touched:
            return FakeRange(self, [(1, 1, 1, 1)])
        rows = [r for r, _ in self.touched]
        cols = [c for _, c in self.touched]
        return FakeRange(self, [(min(rows), min(cols), max(rows), max(cols))])

    def clear(self) -> None:
        self.cells.clear()
        self.formats.clear()
        self.colors.clear()
        self.wraps.clear()
        self.bolds.clear()
        self.alignments.clear()
        self.touched.clear()

    def clear_contents(self) -> None:
        self.cells.clear()
        self.touched = set(self.formats) | set(self.colors) | self.wraps | self.bolds | set(self.alignments)

    def delete(self) -> None:
        self.book.sheets._remove(self)

    def activate(self) -> "FakeSheet":
        """Bring the sheet to the front (xlwings' ``Sheet.activate``)."""
        self.book.active = self
        return self

    @property
    def index(self) -> int:
        return self.book.sheets._list.index(self) + 1

    # -- test helpers (not xlwings API)
    def values(self) -> list[list[Any]]:
        """The used range as rows (ndim=2, errors as text)."""
        return self.used_range.options(ndim=2, err_to_str=True).value


CHART_TYPES = {"column_stacked": 52, "column_clustered": 51, "bar_clustered": 57, "bar_stacked": 58,
               "line": 4, "line_markers": 65, "pie": 5, "area": 1, "xy_scatter": -4169}


class FakeAxis:
    """A COM Axis: the properties the adapter sets."""

    def __init__(self) -> None:
        self.ReversePlotOrder = False
        self.Crosses = -4105                      # xlAxisCrossesAutomatic
        self.TickLabels = type("TickLabels", (), {"NumberFormat": "General"})()


class FakeSeries:
    """A COM Series: Name, XValues and Values as the formulas assigned; AxisGroup 1 (primary)."""

    def __init__(self, owner: "FakeChartApi") -> None:
        self._owner = owner
        self.Name: str | None = None
        self.XValues: str | None = None
        self.Values: str | None = None
        self.AxisGroup = 1

    def Delete(self) -> None:
        self._owner.series.remove(self)


class FakeSeriesCollection:
    def __init__(self, owner: "FakeChartApi") -> None:
        self._owner = owner

    @property
    def Count(self) -> int:
        return len(self._owner.series)

    def NewSeries(self) -> FakeSeries:
        series = FakeSeries(self._owner)
        self._owner.series.append(series)
        return series


class FakeChartApi:
    """The COM Chart (second item of ``chart.api`` on Windows).  ``series`` is what Excel plots;
    ``ChartTitle`` and ``Legend`` exist only while HasTitle / HasLegend are True, as in Excel."""

    def __init__(self) -> None:
        self.series: list[FakeSeries] = []
        self.HasTitle = False
        self.HasLegend = True
        self._title = type("ChartTitle", (), {"Text": ""})()
        self._legend = type("Legend", (), {"Position": -4152})()          # xlLegendPositionRight
        self._axes: dict[tuple[int, int], FakeAxis] = {}

    def SeriesCollection(self, index: int | None = None) -> Any:
        if index is None:
            return FakeSeriesCollection(self)
        if not 1 <= index <= len(self.series):
            raise IndexError("Invalid Parameter")
        return self.series[index - 1]

    @property
    def ChartTitle(self) -> Any:
        if not self.HasTitle:
            raise AttributeError("the chart has no title")
        return self._title

    @property
    def Legend(self) -> Any:
        if not self.HasLegend:
            raise AttributeError("the chart has no legend")
        return self._legend

    def Axes(self, axis_type: int, axis_group: int = 1) -> FakeAxis:
        if axis_group == 2 and not any(s.AxisGroup == 2 for s in self.series):
            raise AttributeError("no secondary axis: no series is on it")
        return self._axes.setdefault((axis_type, axis_group), FakeAxis())


class FakeChart:
    """``sheet.charts[...]``: a chart object on a sheet."""

    def __init__(self, sheet: "FakeSheet", name: str, place: tuple[float, float, float, float]) -> None:
        self.sheet = sheet
        self.name = name
        self.place = place                    # (left, top, width, height) in points
        self._type = 51                       # Excel's default: clustered columns
        self.com = FakeChartApi()
        self.source: FakeRange | None = None  # test helper: the range of set_source_data

    def __repr__(self) -> str:
        return f"<Chart {self.name!r} in {self.sheet.name}>"

    @property
    def chart_type(self) -> str:
        return next(name for name, number in CHART_TYPES.items() if number == self._type)

    @chart_type.setter
    def chart_type(self, name: str) -> None:
        self._type = CHART_TYPES[name]       # an unknown name is a KeyError, as in xlwings

    def set_source_data(self, source: FakeRange) -> None:
        """Excel plots the block's longer side as categories, one series per row or column past the
        label row and column; which cells each series takes is Excel's guess, left unset here."""
        rows = sorted({r for r, _ in source._cells()})
        columns = sorted({c for _, c in source._cells()})
        count = len(columns) - 1 if len(rows) >= len(columns) else len(rows) - 1
        self.source = source
        self.com.series = [FakeSeries(self.com) for _ in range(max(count, 1))]

    @property
    def api(self) -> Any:
        if self.sheet.book.app.on_mac:
            return object()                   # an appscript reference
        return self, self.com

    def delete(self) -> None:
        self.sheet.charts._list.remove(self)


class FakeCharts:
    def __init__(self, sheet: "FakeSheet") -> None:
        self.sheet = sheet
        self._list: list[FakeChart] = []
        self._made = 0

    def __iter__(self) -> Iterator[FakeChart]:
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, key: int | str) -> FakeChart:
        if isinstance(key, int):
            return self._list[key]
        for chart in self._list:
            if chart.name.casefold() == key.casefold():
                return chart
        raise KeyError(key)

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211) -> FakeChart:
        self._made += 1
        chart = FakeChart(self.sheet, f"Chart {self._made}", (left, top, width, height))
        self._list.append(chart)
        return chart


class FakeSheets:
    def __init__(self, book: "FakeBook") -> None:
        self.book = book
        self._list: list[FakeSheet] = []

    def __iter__(self) -> Iterator[FakeSheet]:
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    @property
    def count(self) -> int:
        return len(self._list)

    def __getitem__(self, key: int | str) -> FakeSheet:
        if isinstance(key, int):
            return self._list[key]
        for sheet in self._list:
            if sheet.name.casefold() == str(key).casefold():
                return sheet
        raise KeyError(key)

    def __contains__(self, name: str) -> bool:
        return any(sheet.name.casefold() == name.casefold() for sheet in self._list)

    def add(self, name: str | None = None, before: FakeSheet | None = None,
            after: FakeSheet | None = None) -> FakeSheet:
        if before is not None and after is not None:
            raise ValueError("give before or after, not both")
        if name is None:
            n = len(self._list) + 1
            while f"Sheet{n}" in self:
                n += 1
            name = f"Sheet{n}"
        if name in self:
            raise ValueError(f"a sheet named {name!r} already exists")
        sheet = FakeSheet(self.book, name)
        if after is not None:
            self._list.insert(self._list.index(after) + 1, sheet)
        elif before is not None:
            self._list.insert(self._list.index(before), sheet)
        else:
            # xlwings (like Excel's Worksheets.Add) puts a new sheet before the active one
            self._list.insert(self._list.index(self.book.active) if self.book.active in self._list else 0, sheet)
        self.book.active = sheet       # like Excel, the new sheet becomes the active one
        return sheet

    def _remove(self, sheet: FakeSheet) -> None:
        if len(self._list) == 1:
            raise ValueError("a workbook must contain at least one visible worksheet")
        self._list.remove(sheet)
        if self.book.active is sheet:
            self.book.active = self._list[0]


class FakeBookApi:
    """The COM Workbook object (``book.api`` on Windows), only ``Date1904`` (a bool, False for a new book)."""

    def __init__(self) -> None:
        self.Date1904 = False


class FakeBook:
    def __init__(self, fullname: str, app: FakeApp | None = None) -> None:
        self.fullname = str(fullname)
        self.app = app or FakeApp()
        self.app.books.append(self)
        self.api = FakeBookApi()
        self.sheets = FakeSheets(self)
        self.active: FakeSheet | None = None
        self.saved_to: list[str] = []

    @property
    def name(self) -> str:
        return Path(self.fullname).name

    def __repr__(self) -> str:
        return f"<FakeBook {self.name!r}>"

    @classmethod
    def from_xlsx(cls, path: str | Path, app: FakeApp | None = None) -> "FakeBook":
        """Open a real workbook: what Excel would show through xlwings."""
        book = cls(str(Path(path).resolve()), app)
        wb = openpyxl.load_workbook(path, data_only=True)
        book.api.Date1904 = wb.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            book.sheets._list.append(sheet)
            styles: dict[tuple, tuple[str | None, tuple[int, int, int] | None]] = {}
            for (r, c), cell in sorted(ws._cells.items()):      # the cells the file holds
                key = (r, c)
                if cell.has_style:
                    style_key = tuple(cell._style)
                    if style_key not in styles:
                        fill = cell.fill
                        rgb = fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None
                        styles[style_key] = (
                            cell.number_format if cell.number_format != "General" else None,
                            tuple(int(rgb[-6:][i:i + 2], 16) for i in (0, 2, 4)) if isinstance(rgb, str) else None)
                    fmt, color = styles[style_key]
                    if fmt:
                        sheet.formats[key] = fmt
                    if color:
                        sheet.colors[key] = color
                    sheet.touched.add(key)
                value = cell.value
                if isinstance(value, str) and cell.data_type == "e":
                    value = CellError(value)
                elif isinstance(value, dt.time):
                    value = dt.datetime(1899, 12, 30, value.hour, value.minute, value.second)
                elif isinstance(value, dt.timedelta):
                    value = float(value.total_seconds() / 86400)
                if value is not None:
                    sheet.touched.add(key)
                    sheet.cells[key] = value if isinstance(value, CellError) else _stored(value, "@")
            for letter, dim in ws.column_dimensions.items():
                if dim.width and dim.customWidth:
                    sheet.widths[column_index_from_string(letter)] = float(dim.width)
        book.active = book.sheets[wb.index(wb.active)]
        wb.close()
        return book

    def save(self, path: str | Path | None = None) -> None:
        """Write the values, number formats and fills to an xlsx file (Excel's Save / SaveAs)."""
        target = Path(path) if path is not None else Path(self.fullname)
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sheet in self.sheets:
            ws = wb.create_sheet(sheet.name)
            for (r, c), value in sorted(sheet.cells.items()):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, CellError):
                    cell.value = value.text
                elif isinstance(value, Formula):
                    cell.value = value.text
                else:
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"
            # formats and fills of the cells with a value (the formatted empty rows of the
            # template are left out: they only make the file slow to write)
            for (r, c), fmt in sheet.formats.items():
                if (r, c) in sheet.cells:
                    ws.cell(row=r, column=c).number_format = fmt
            for (r, c), (red, green, blue) in sheet.colors.items():
                if (r, c) in sheet.cells or r == 1:
                    ws.cell(row=r, column=c).fill = PatternFill(
                        "solid", fgColor=f"FF{red:02X}{green:02X}{blue:02X}")
            for c, width in sheet.widths.items():
                ws.column_dimensions[get_column_letter(c)].width = width
        wb.save(target)
        self.saved_to.append(str(target))
        if path is not None:
            self.fullname = str(Path(path).resolve())

    # -- test helpers (not xlwings API)
    def sheet_values(self) -> dict[str, list[list[Any]]]:
        return {sheet.name: sheet.values() for sheet in self.sheets}


def install_caller(monkeypatch: Any, book: Any) -> None:
    """Make ``xw.Book.caller()`` return `book`, as RunPython / a UDF call from Excel would."""
    import xlwings as xw

    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
