"""The live-Excel adapter: the same `WorkbookPort` as `workbook_file`, over an xlwings Book.

    book = xw.Book.caller()                        # inside a RunPython entry point
    port = XlwingsWorkbook(book)
    pipeline.refresh(port)                         # reads, computes, writes back

Only classic (BSD) xlwings is used, and only a small part of it, so that a faithful
fake can stand in for Excel in tests (`tests/fakes/xlwings_fake.py`):

* ``book.sheets`` (iterate, ``[name]``, ``[-1]``, ``.add(name, after=)``), ``sheet.name``
  (get/set), ``sheet.clear()``, ``sheet.delete()``, ``sheet.used_range``;
* ``sheet.range("A1")`` / ``sheet.range((row, col), (row, col))`` / union addresses such as
  ``"B2:B9,D4"``; a range's ``row``, ``column``, ``options(ndim=2, err_to_str=True).value``
  (a 2-D list in, a 2-D list out), ``number_format``, ``color``, ``column_width``;
* ``book.app.status_bar``, ``book.app.alert(prompt, title, buttons, mode)``, ``book.fullname``,
  ``book.save()``;
* ``range.wrap_text``, ``range.rows.autofit()``, and for print setup (which classic xlwings does
  not cover) the COM objects ``sheet.api.PageSetup`` and ``book.app.api.PrintCommunication``;
* charts: ``sheet.charts`` (iterate, ``.add(left, top, width, height)``), ``chart.name``,
  ``chart.chart_type``, ``chart.set_source_data(range)``, ``chart.delete()``, a range's
  ``left``/``top``/``width``/``height``, and for what classic xlwings does not cover (each
  series' cells, titles, the secondary axis) the COM Chart object (``chart.api[1]`` on Windows).

Excel's quirks live here and nowhere else: what a cell value read through COM looks like
(datetime for date cells, float for numbers, None for blanks, "#N/A" for errors with
``err_to_str``), turning it into the same cell text the file adapter produces, and writing
text so that Excel keeps it as text (a leading apostrophe: without it Excel would turn
"00123" into a number and "=SUM(1,2)" into a formula).
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from xlsx_tools.core.tables import CellRange, OutputChart, OutputTable, RawSheet, SerialDates, column_letter
from xlsx_tools.io.xlsx.charts import RATE_FORMAT, TOOL_CHART_PREFIX, VALUE_FORMAT, range_ref
from xlsx_tools.io.xlsx.dates import SERIAL_DATES_1900, SERIAL_DATES_1904
from xlsx_tools.io.xlsx.sheet_xml import (FOOTER_LEFT, FOOTER_RIGHT, HEADER_FILL, NUMBER_FORMATS, PAPER_A4, SheetXml,
                                          footer_centre, header_right, normalize_fill, validate_sheet_name)

__all__ = ["XlwingsWorkbook", "book_serial_dates", "cell_text", "raw_sheet", "table_rows", "EXCEL_MAX_ADDRESS", "COM_ERRORS"]

#: Excel's Range("...") accepts addresses of at most 255 characters.
EXCEL_MAX_ADDRESS = 255
#: Rows written per `range.value = ...` call (xlwings chunks big writes itself as well).
WRITE_CHUNK_ROWS = 20_000
#: Excel's XlPageOrientation.xlLandscape (PageSetup.Orientation).
XL_LANDSCAPE = 2
XL_RIGHT = -4152                                  # Range.HorizontalAlignment: xlRight
XL_DOWN_THEN_OVER, XL_OVER_THEN_DOWN = 1, 2       # PageSetup.Order: the order of pages of a wide sheet
#: The xlwings chart type drawing each chart kind as the file adapter's chart part does.
CHART_TYPES = {"stacked_columns": "column_stacked", "trend": "line_markers", "top_bars": "bar_clustered"}
#: Excel's constants for the COM chart calls: XlAxisType, XlAxisGroup, XlAxisCrosses, XlLegendPosition.
XL_CATEGORY, XL_VALUE = 1, 2
XL_PRIMARY, XL_SECONDARY = 1, 2
XL_MAXIMUM = 2
XL_LEGEND_BOTTOM = -4107
log = logging.getLogger("xlsx_tools.excel")


# ---------------------------------------------------------------- reading
#: Error cells as COM hands them over unconverted (a UDF argument declared "raw"): the int
#: HRESULT 0x800A0000 + Excel's xlErr number.  Cell numbers always arrive as float, so an int
#: with one of these values is an error cell.
COM_ERRORS = {-2146828288 + number: text for number, text in (
    (2000, "#NULL!"), (2007, "#DIV/0!"), (2015, "#VALUE!"), (2023, "#REF!"), (2029, "#NAME?"), (2036, "#NUM!"),
    (2042, "#N/A"), (2043, "#GETTING_DATA"), (2045, "#SPILL!"), (2046, "#CONNECT!"), (2047, "#BLOCKED!"),
    (2048, "#UNKNOWN!"), (2049, "#FIELD!"), (2050, "#CALC!"))}


def cell_text(value: Any) -> str | None:
    """One cell value as read through xlwings -> the cell text the file adapter gives.

    datetime -> "2026-11-28 00:00:00" (a COM date's UTC stamp is ignored: the cell shows the
    wall-clock value); float -> shortest decimal text ("1234.5", "100"); bool -> "true"/"false";
    None or "" -> None; error strings ("#N/A") stay as they are, and COM error codes
    (`COM_ERRORS`) become those strings.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if type(value) is int and value in COM_ERRORS:
        return COM_ERRORS[value]
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        return text + (f".{value.microsecond // 1000:03d}" if value.microsecond else "")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d") + " 00:00:00"
    if isinstance(value, dt.time):
        return "1899-12-31 " + value.strftime("%H:%M:%S")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return None
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return np.format_float_positional(number, unique=True, trim="-")
    return str(value)


def book_serial_dates(book: Any) -> SerialDates:
    """How the book reads a number typed into a date column: its date system, as Excel reports it
    (COM's ``Workbook.Date1904``, a bool); the 1900 system where that cannot be asked (no caller,
    Excel on macOS)."""
    try:
        uses_1904 = book.api.Date1904
    except Exception:
        return SERIAL_DATES_1900
    return SERIAL_DATES_1904 if uses_1904 is True else SERIAL_DATES_1900


def raw_sheet(name: str, values: Sequence[Sequence[Any]] | None, first_row: int = 1,
              first_column: int = 1, serial_dates: SerialDates = SERIAL_DATES_1900) -> RawSheet:
    """A 2-D block of cell values (top-left at `first_row`/`first_column`) as a `RawSheet`.

    Trailing rows and columns without any value are dropped, as the file adapter does.
    """
    rows = [list(row) for row in (values or [])]
    texts = [[cell_text(v) for v in row] for row in rows]
    used_rows = [n for n, row in enumerate(texts) if any(t is not None for t in row)]
    if not used_rows:
        return RawSheet(name, pd.DataFrame(index=pd.RangeIndex(0)), first_row, (), serial_dates)
    texts = texts[:used_rows[-1] + 1]
    width = max((j + 1 for row in texts for j, t in enumerate(row) if t is not None), default=0)
    texts = [row[:width] + [None] * (width - len(row)) for row in texts]
    letters = tuple(column_letter(first_column + j) for j in range(width))
    frame = pd.DataFrame(texts, columns=list(letters), dtype="string")
    return RawSheet(name, frame, first_row, letters, serial_dates)


# ---------------------------------------------------------------- writing
def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _column_values(series: pd.Series, kind: str) -> list[Any]:
    """One output column as Excel-friendly Python values (None for empty)."""
    if kind == "text":
        return [None if _blank(v) or v == "" else str(v) for v in series.to_numpy(dtype=object)]
    if kind in ("int", "money"):
        scale = 100 if kind == "money" else 1
        return [None if _blank(v) else (int(v) / 100 if scale == 100 else int(v))
                for v in series.to_numpy(dtype=object)]   # money: the nearest double to the exact yuan
    if kind == "date":
        stamps = series if pd.api.types.is_datetime64_any_dtype(series.dtype) else pd.to_datetime(series)
        if getattr(stamps.dtype, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        return [None if pd.isna(v) else v.to_pydatetime() for v in stamps]
    numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return [None if not math.isfinite(v) else float(v) for v in numbers]


def table_rows(table: OutputTable, header: bool = True) -> list[list[Any]]:
    """An `OutputTable` as rows of Excel values: header first, then one row per frame row.

    text -> str; int -> int; money (integer fen) -> float yuan; date -> datetime;
    percent/decimal -> float; empty -> None.
    """
    columns = [_column_values(table.frame.iloc[:, j], col.kind) for j, col in enumerate(table.columns)]
    body = [list(row) for row in zip(*columns)] if columns else []
    if len(body) < len(table.frame):
        body = [[] for _ in range(len(table.frame))]
    return ([[col.header for col in table.columns]] if header else []) + body


def _protect_text(value: Any) -> Any:
    """Text as Excel must store it: a leading apostrophe keeps it text (never a number/date/formula)."""
    return "'" + value if isinstance(value, str) and value else value


def _rgb(argb: str) -> str:
    return "#" + argb[-6:]


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Sorted row numbers -> (first, last) runs of consecutive rows."""
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    return list(zip(starts.tolist(), ends.tolist()))


def union_addresses(areas: Sequence[str], limit: int = EXCEL_MAX_ADDRESS) -> list[str]:
    """Join area addresses ("B2:B9", "D4") into comma lists no longer than `limit`."""
    out: list[str] = []
    current = ""
    for area in areas:
        candidate = f"{current},{area}" if current else area
        if len(candidate) > limit and current:
            out.append(current)
            current = area
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def fill_areas(table: OutputTable, first_data_row: int = 2) -> dict[str, list[str]]:
    """ARGB fill -> cell areas ("M2:M9") of the data rows, cell fills winning over row fills."""
    nrows, ncols = len(table.frame), len(table.columns)
    if not nrows or not ncols:
        return {}
    row_fill = (np.array([normalize_fill(v) for v in table.row_fills.to_numpy(dtype=object)], dtype=object)
                if table.row_fills is not None else np.full(nrows, None, dtype=object))
    grid = np.tile(row_fill.reshape(-1, 1), (1, ncols))
    for j, series in (table.cell_fills or {}).items():
        cells = [normalize_fill(v) for v in series.to_numpy(dtype=object)]
        grid[:, int(j)] = [c if c is not None else base for c, base in zip(cells, grid[:, int(j)])]
    areas: dict[str, list[str]] = {}
    for fill in sorted({f for f in grid.ravel() if f is not None}):
        for j in range(ncols):
            rows = np.flatnonzero(grid[:, j] == fill) + first_data_row
            letter = column_letter(j + 1)
            for start, end in _runs(rows):
                areas.setdefault(fill, []).append(f"{letter}{start}" if start == end else f"{letter}{start}:{letter}{end}")
    return areas


def chart_source(chart: OutputChart) -> str:
    """The cells a chart plots as one address for `set_source_data`: every row and every column
    its series refer to (names, categories, values), as a grid of areas ("C1:O1,C5:O5,C9:O9")."""
    cells: list[CellRange] = [c for s in chart.series for c in (s.name_cell, s.categories_range, s.values_range)]
    rows = np.unique(np.concatenate([np.arange(c.first_row, c.last_row + 1) for c in cells]))
    columns = np.unique(np.concatenate([np.arange(c.first_col, c.last_col + 1) for c in cells]))
    return ",".join(f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
                    for r1, r2 in _runs(rows) for c1, c2 in _runs(columns))


def _fold(name: str) -> str:
    return name.strip().casefold()


class XlwingsWorkbook:
    """A workbook open in Excel, through xlwings; implements `pipeline.WorkbookPort`.

    Writes are staged by `write_table` and done by `commit`, so a failure while computing
    leaves the book untouched.  `commit()` without `output` leaves saving to the user,
    unless `save_on_commit` is set (the letter batch saves, so that the Letters log on
    disk matches the letters written).
    """

    def __init__(self, book: Any, *, save_on_commit: bool = False) -> None:
        self.book = book
        self.save_on_commit = save_on_commit
        self._staged: dict[str, tuple[OutputTable, str | None]] = {}

    def __repr__(self) -> str:
        return f"XlwingsWorkbook({getattr(self.book, 'name', self.book)!r})"

    # ------------------------------------------------------------ reading
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def _sheet(self, name: str) -> Any:
        for sheet in self.book.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def read_sheet(self, name: str) -> RawSheet:
        """The used range of sheet `name` as cell text; KeyError(name) if there is no such sheet."""
        sheet = self._sheet(name)
        used = sheet.used_range
        values = used.options(ndim=2, err_to_str=True).value
        return raw_sheet(name, values, used.row, used.column, book_serial_dates(self.book))

    @property
    def folder(self) -> Path | None:
        """The folder of the workbook file, or None for a book never saved."""
        full = str(getattr(self.book, "fullname", "") or "")
        if not full or ("/" not in full and "\\" not in full) or "://" in full:
            return None
        return Path(full).parent

    # ------------------------------------------------------------ writing
    def write_table(self, table: OutputTable, replaces: str | None = None) -> None:
        """Stage `table` for the next commit (same rules as the file adapter)."""
        validate_sheet_name(table.name)
        if replaces is not None and not isinstance(replaces, str):
            raise TypeError("replaces must be a sheet name or None")
        SheetXml(table)  # the file adapter's checks: column count, kinds, row limit, values
        self._staged[_fold(table.name)] = (table, replaces)

    @property
    def staged_names(self) -> list[str]:
        return [table.name for table, _ in self._staged.values()]

    def commit(self, output: str | os.PathLike | None = None,
               progress: Callable[[str], None] | None = None, status_if_saved: int | None = None) -> Path | None:
        """Write every staged table into the live book; save when asked to.

        Returns the saved path, or None when the book was updated but not saved.
        """
        say = progress or (lambda _msg: None)
        staged = list(self._staged.values())
        self._staged.clear()
        for table, replaces in staged:
            say(f"writing {table.name} …")
            self._write(table, self._target(table, replaces))
        if output is not None:
            dest = Path(output)
            say(f"saving {dest.name} …")
            self.book.save(str(dest))
            return dest
        if self.save_on_commit:
            say("saving …")
            self.book.save()
            return Path(self.book.fullname)
        return None

    def _target(self, table: OutputTable, replaces: str | None) -> Any:
        """The sheet the table goes to: the replaced one (renamed), a namesake, or a new last sheet."""
        sheets = {_fold(s.name): s for s in self.book.sheets}
        target = sheets.get(_fold(replaces)) if replaces is not None else None
        namesake = sheets.get(_fold(table.name))
        if target is None:
            target = namesake
        elif namesake is not None and namesake.name != target.name:
            namesake.delete()          # an old output sheet of that name: the file adapter drops it too
        if target is None:
            last = list(self.book.sheets)[-1]
            return self.book.sheets.add(table.name, after=last)
        target.clear()
        if target.name != table.name:
            target.name = table.name
        return target

    def _write(self, table: OutputTable, sheet: Any) -> None:
        rows = table_rows(table)
        ncols = len(table.columns)
        if not ncols:
            return
        block = [[_protect_text(v) for v in row] for row in rows]
        for start in range(0, len(block), WRITE_CHUNK_ROWS):
            chunk = block[start:start + WRITE_CHUNK_ROWS]
            sheet.range((start + 1, 1)).value = chunk
        nrows = len(table.frame)
        header = sheet.range((1, 1), (1, ncols))
        header.color = _rgb(HEADER_FILL)
        header.font.bold = True
        self._align_headers(sheet, table)
        layout = SheetXml(table)
        widths = layout.column_widths()
        for j, column in enumerate(table.columns, start=1):
            sheet.range((1, j)).column_width = widths[j - 1]
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt is not None and nrows:
                sheet.range((2, j), (nrows + 1, j)).number_format = fmt
        for fill, areas in fill_areas(table).items():
            for address in union_addresses(areas):
                sheet.range(address).color = _rgb(fill)
        wrapped = [j for j, column in enumerate(table.columns, start=1) if column.wrap]
        if wrapped and nrows:
            for j in wrapped:
                sheet.range((2, j), (nrows + 1, j)).wrap_text = True
            sheet.range((2, 1), (nrows + 1, ncols)).rows.autofit()      # rows as tall as their wrapped text
        self._print_setup(sheet, table, layout)
        self._draw_charts(sheet, table)

    def _draw_charts(self, sheet: Any, table: OutputTable) -> None:
        """The table's charts, as the file adapter draws them: the tool's earlier charts (named
        `TOOL_CHART_PREFIX`…) go, every other chart on the sheet stays."""
        for old in [chart for chart in sheet.charts if str(chart.name).startswith(TOOL_CHART_PREFIX)]:
            old.delete()
        for spec in table.charts:
            from_col, from_row, to_col, to_row = spec.anchor
            place = sheet.range((from_row + 1, from_col + 1), (to_row, to_col))
            chart = sheet.charts.add(place.left, place.top, place.width, place.height)
            chart.name = TOOL_CHART_PREFIX + spec.key
            chart.set_source_data(sheet.range(chart_source(spec)))
            chart.chart_type = CHART_TYPES[spec.kind]
            self._finish_chart(chart, spec)

    @staticmethod
    def _finish_chart(chart: Any, spec: OutputChart) -> None:
        """What classic xlwings does not cover, through the COM Chart (Windows): each series points
        at exactly the cells of the file adapter's chart (Excel's guess from the source data is
        replaced), the title, a bottom legend for several series, the trend's recovery rate on a
        right axis, the top list read downwards.  Elsewhere (Excel on macOS) Excel's guess stays
        and a warning is logged, never failing the refresh that wrote the data."""
        try:
            _, com = chart.api
            while com.SeriesCollection().Count > len(spec.series):
                com.SeriesCollection(com.SeriesCollection().Count).Delete()
            while com.SeriesCollection().Count < len(spec.series):
                com.SeriesCollection().NewSeries()
            for number, series in enumerate(spec.series, start=1):
                target = com.SeriesCollection(number)
                target.Name = "=" + range_ref(series.name_cell)
                target.XValues = "=" + range_ref(series.categories_range)
                target.Values = "=" + range_ref(series.values_range)
            com.HasTitle = True
            com.ChartTitle.Text = spec.title
            com.HasLegend = len(spec.series) > 1
            if com.HasLegend:
                com.Legend.Position = XL_LEGEND_BOTTOM
            com.Axes(XL_VALUE, XL_PRIMARY).TickLabels.NumberFormat = VALUE_FORMAT
            if spec.kind == "trend":
                com.SeriesCollection(2).AxisGroup = XL_SECONDARY
                com.Axes(XL_VALUE, XL_SECONDARY).TickLabels.NumberFormat = RATE_FORMAT
            if spec.kind == "top_bars":
                categories = com.Axes(XL_CATEGORY, XL_PRIMARY)
                categories.ReversePlotOrder = True
                categories.Crosses = XL_MAXIMUM      # the value axis stays at the bottom
        except Exception:
            log.warning("chart %s left as Excel drew it from its source data", spec.key, exc_info=True)

    @staticmethod
    def _align_headers(sheet: Any, table: OutputTable) -> None:
        """Figure columns' headers aligned right, over their figures, as the file adapter writes
        them.  Classic xlwings has no alignment, so this sets the cell's COM Range (Windows); a
        failure (Excel on macOS) leaves Excel's alignment and is logged, never failing the refresh."""
        try:
            for j, column in enumerate(table.columns, start=1):
                if header_right(column):
                    sheet.range((1, j)).api.HorizontalAlignment = XL_RIGHT
        except Exception:
            log.warning("header alignment of %s left at Excel's default", table.name, exc_info=True)

    def _print_setup(self, sheet: Any, table: OutputTable, layout: SheetXml) -> None:
        """The file writer's print setup (see `sheet_xml`), through Excel's PageSetup object.

        Classic xlwings has no print setup of its own, so this uses the sheet's COM object
        (Windows).  Page setup talks to the printer driver: it is done with Excel's printer
        communication paused, and a failure (no printer, Excel on macOS) leaves Excel's
        defaults and is logged, never failing the refresh that wrote the data."""
        app = getattr(self.book, "app", None)
        try:
            app.api.PrintCommunication = False
            setup = sheet.api.PageSetup
            setup.Orientation = XL_LANDSCAPE
            setup.PaperSize = PAPER_A4
            setup.Zoom = False                  # FitToPages* apply only without a zoom
            pages_wide = layout.pages_wide()
            setup.FitToPagesWide = pages_wide
            setup.FitToPagesTall = False        # as many pages down as needed
            setup.PrintTitleRows = "$1:$1"
            setup.Order = XL_OVER_THEN_DOWN if pages_wide > 1 else XL_DOWN_THEN_OVER
            setup.PrintTitleColumns = layout.title_columns_ref()
            setup.LeftFooter = FOOTER_LEFT
            setup.CenterFooter = footer_centre(table.footer)
            setup.RightFooter = FOOTER_RIGHT
        except Exception:
            log.warning("print setup of %s left at Excel's defaults", table.name, exc_info=True)
        finally:
            try:
                app.api.PrintCommunication = True
            except Exception:
                pass
