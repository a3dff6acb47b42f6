"""A faithful model of how classic xlwings (Windows, COM) calls a worksheet function (a UDF).

What happens in Excel, and where the time goes:

1. Excel hands each argument to xlwings' COM server: a range argument as a Range object,
   whose ``.Value`` pywin32 turns into Python in C code (a scalar for one cell, else a tuple
   of row tuples; date cells as ``pywintypes.TimeType``, a timezone-aware datetime subclass;
   numbers as float; blanks as None; error cells as int HRESULT codes).  `com_value` builds
   that value from a fake sheet.  This is not Python time in Excel, so the benchmark counts
   it apart.
2. xlwings' ``call_udf`` runs each argument through its conversion pipeline for the options
   the function declares (``@xw.arg``); with the default converter that is one Python call
   per cell (``clean_value_data``: dates rebuilt as naive datetimes, errors to None), with
   ``"raw"`` none.  `udf_call` runs xlwings' own pipeline stages
   (``xlwings.conversion.accessors``); only the two per-cell functions of the Windows engine,
   whose module needs pywin32, are modelled by `ComEngine`, doing the same Python work.
3. The function runs; its result goes through xlwings' write pipeline for the ``@xw.ret``
   options (by default ``prepare_xl_data_element`` per cell: None and NaN to "", numpy
   numbers to float) and back through COM to Excel, which shows the values as they are: a
   UDF's result is never parsed like typed text (`shown` and `spill` model that; the fake
   sheet's ``range.value = ...`` models a macro writing cells, a different path).
"""
from __future__ import annotations

import datetime as dt
import importlib
import sys
import types
from typing import Any, Callable

import numpy as np
import pandas as pd

from tests.fakes.xlwings_fake import CellError, FakeRange, Formula

# Excel's error values through COM: the HRESULT 0x800A0000 + Excel's xlErr number.
_XL_ERR_BASE = -2146828288
COM_ERROR_CODES = {"#NULL!": _XL_ERR_BASE + 2000, "#DIV/0!": _XL_ERR_BASE + 2007, "#VALUE!": _XL_ERR_BASE + 2015,
                   "#REF!": _XL_ERR_BASE + 2023, "#NAME?": _XL_ERR_BASE + 2029, "#NUM!": _XL_ERR_BASE + 2036,
                   "#N/A": _XL_ERR_BASE + 2042, "#SPILL!": _XL_ERR_BASE + 2045, "#CALC!": _XL_ERR_BASE + 2050}
# The codes xlwings' clean pass knows (it turns them into None, or their text with err_to_str)
_XLWINGS_ERRORS = {code: text for text, code in COM_ERROR_CODES.items() if text not in ("#SPILL!", "#CALC!")}


class _Utc(dt.tzinfo):
    """The timezone pywin32 stamps on COM dates (win32timezone's UTC)."""

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "UTC"


UTC = _Utc()


class ComTime(dt.datetime):
    """``pywintypes.TimeType``: a date cell as pywin32 hands it to Python (aware, UTC)."""


def com_cell(value: Any) -> Any:
    """One stored cell as pywin32 gives it."""
    if type(value) is dt.datetime:
        return ComTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                       value.microsecond, tzinfo=UTC)
    if isinstance(value, CellError):
        return COM_ERROR_CODES.get(value.text, COM_ERROR_CODES["#VALUE!"])
    if isinstance(value, Formula):
        raise NotImplementedError("the fake cannot evaluate a formula argument")
    return value


def com_value(rng: FakeRange) -> Any:
    """``range.api.Value`` through pywin32: a scalar for one cell, else a tuple of row tuples."""
    r1, c1, r2, c2 = rng._area
    get = rng.sheet.cells.get
    rows = tuple(tuple(com_cell(get((r, c))) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


class ComEngine:
    """Stands in for ``xlwings._xlwindows.Engine`` (which imports pywin32): the two per-cell
    functions xlwings' conversion stages call for a UDF, with the same Python work per cell."""

    name = "excel"
    type = "desktop"
    time_types = (dt.date, dt.datetime, ComTime, np.datetime64)

    @staticmethod
    def clean_value_element(value: Any, dates: Callable, empty: Any, numbers: Callable | None, err_to_str: bool) -> Any:
        if value in ("", None):
            return empty
        if isinstance(value, ComEngine.time_types):
            return dates(year=value.year, month=value.month, day=value.day, hour=value.hour, minute=value.minute,
                         second=value.second, microsecond=value.microsecond, tzinfo=None)
        if numbers is not None and isinstance(value, float):
            return numbers(value)
        if isinstance(value, int) and value in _XLWINGS_ERRORS:
            return _XLWINGS_ERRORS[value] if err_to_str else None
        return value

    @staticmethod
    def clean_value_data(data: Any, dates: Callable, empty: Any, numbers: Callable | None,
                         err_to_str: bool) -> list[list[Any]]:
        element = ComEngine.clean_value_element
        return [[element(cell, dates, empty, numbers, err_to_str) for cell in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(value: Any, options: Any) -> Any:
        if isinstance(value, ComEngine.time_types):            # pywin32 wants them aware
            if value is pd.NaT:
                return ""
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif type(value) is dt.date:
                value = dt.datetime(value.year, value.month, value.day)
            return value.replace(tzinfo=None).replace(tzinfo=UTC)
        if pd.isna(value):
            return ""
        if isinstance(value, (np.floating, float)) and np.isnan(value):
            return ""
        if isinstance(value, np.number):
            return float(value)
        if value is None:
            return ""
        return value


class _Engine:
    """``xlwings.main.Engine`` around `ComEngine` (what ``ConversionContext.engine`` holds)."""

    impl = ComEngine()
    name = "excel"
    type = "desktop"


def _context(value: Any) -> Any:
    """xlwings' ConversionContext for a UDF (no range: the value arrives already read)."""
    from xlwings.conversion.framework import ConversionContext

    context = ConversionContext.__new__(ConversionContext)
    context.range, context.value, context.source_value, context.meta = None, value, value, {}
    context.engine = _Engine
    return context


def read_argument(value: Any, options: dict) -> Any:
    """xlwings' ``conversion.read`` of one UDF argument, for the declared options."""
    from xlwings.conversion import accessors

    convert = options.get("convert", None)
    context = _context(value)
    accessors.get(convert, convert).reader(options)(context)
    return context.value


def write_result(value: Any, options: dict) -> Any:
    """xlwings' ``conversion.write`` of a UDF's result (what goes back through COM)."""
    from xlwings.conversion import accessors

    convert = options.get("convert", None)
    context = _context(value)
    accessors.get(convert, convert).router(value, None, options).writer(options)(context)
    return context.value


def com_arguments(arguments: tuple) -> list[Any]:
    """Range arguments as pywin32 hands them over (step 1); constants as they are."""
    return [com_value(argument) if isinstance(argument, FakeRange) else argument for argument in arguments]


def udf_call(function: Callable, arguments: list[Any]) -> Any:
    """Steps 2 and 3 of ``call_udf`` for COM values `arguments` (from `com_arguments`): what
    Excel receives.  `function` must carry xlwings' real ``__xlfunc__`` (`install_windows_udfs`)."""
    info = function.__xlfunc__
    declared = info["args"]
    values = []
    for position, argument in enumerate(arguments):
        values.append(read_argument(argument, declared[min(position, len(declared) - 1)]["options"]))
    return write_result(function(*values), info["ret"]["options"])


def shown(result: Any) -> list[list[Any]]:
    """What the cells of a UDF's (spilled) result hold: the values as they are, numbers as
    float, None (COM's Empty) as 0 as Excel shows it; never parsed like typed text."""
    def cell(value: Any) -> Any:
        if value is None:
            return 0.0
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        return float(value) if type(value) is int else value

    rows = result if isinstance(result, list) else [[result]]
    return [[cell(value) for value in row] for row in rows]


def spill(target: FakeRange, cells: list[list[Any]]) -> None:
    """Excel showing `shown` cells from `target`'s top-left cell down and right (stored as they
    are: ``range.value = …``, a macro's write, would parse text like a typed entry)."""
    r1, c1 = target.row, target.column
    for r, row in enumerate(cells, start=r1):
        for c, value in enumerate(row, start=c1):
            target.sheet._set(r, c, value)


def install_windows_udfs(monkeypatch: Any) -> types.ModuleType:
    """xlwings' real Windows UDF decorators (``xlwings.udfs``), with pywin32 stubbed (nothing of
    it is called): functions decorated afterwards carry the ``__xlfunc__`` Excel reads.
    Reload the module of the functions after this, and again after ``monkeypatch.undo()``."""
    import xlwings as xw

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = Exception
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *args: None
    win32com.client = client
    for name, module in {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com,
                         "win32com.client": client}.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    udfs = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xw, "func", udfs.xlfunc)
    monkeypatch.setattr(xw, "arg", udfs.xlarg)
    monkeypatch.setattr(xw, "ret", udfs.xlret)
    return udfs
