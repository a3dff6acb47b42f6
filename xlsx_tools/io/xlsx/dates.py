"""Excel's serial dates, in one place: the two date systems and the workbook flag choosing one.

Excel stores a date as a number of days from an epoch: 1899-12-30 in the 1900 system
(Excel's phantom 1900-02-29 makes serials before 1900-03-01 one lower than the day
count), 1904-01-01 in the 1904 system that ``<workbookPr date1904="1"/>`` selects.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
from lxml import etree

EPOCH_1900 = np.datetime64("1899-12-30", "D")
EPOCH_1904 = np.datetime64("1904-01-01", "D")
_LEAP_BUG_END = np.datetime64("1900-03-01", "D")
_LAST_DAY = np.datetime64("9999-12-31", "D")


def workbook_uses_1904(workbook: etree._Element) -> bool:
    """Whether a parsed workbook.xml (any SpreadsheetML namespace) selects the 1904 date system."""
    namespace = etree.QName(workbook).namespace
    properties = workbook.find(f"{{{namespace}}}workbookPr" if namespace else "workbookPr")
    return properties is not None and properties.get("date1904", "0").lower() in ("1", "true")


def dates_to_serials(series: pd.Series, date1904: bool, what: str) -> pa.Array:
    """Dates as Excel serials: int64 for whole days, float64 when a time of day is present.

    Missing dates are nulls.  Raises ValueError (naming `what`) for values that are not dates.
    """
    values = series
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        try:
            values = pd.to_datetime(values)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{what}: expected dates ({exc})") from None
    if getattr(values.dtype, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    stamps = values.to_numpy()
    missing = np.isnat(stamps)
    days = stamps.astype("datetime64[D]")
    whole = (days - (EPOCH_1904 if date1904 else EPOCH_1900)).astype(np.int64)
    if not date1904:
        whole = whole - ((days < _LEAP_BUG_END) & ~missing)
    time_of_day = stamps - days
    if ((time_of_day != np.timedelta64(0)) & ~missing).any():
        serial = whole + np.where(missing, 0.0, time_of_day / np.timedelta64(1, "D"))
        return pa.array(serial, mask=missing)
    return pa.array(whole, mask=missing)


def _serial_to_date(epoch: pd.Timestamp, leap_bug: bool, last: int, serial: float) -> pd.Timestamp:
    if not 0 <= serial < last + 1:
        return pd.NaT       # before the epoch, past 9999-12-31, or no finite number at all
    whole = int(serial)
    if whole < (1 if leap_bug else 0) or (leap_bug and whole == 60):
        return pd.NaT       # 1900 system: serial 0 and the phantom 1900-02-29
    return epoch + pd.Timedelta(days=whole + (1 if leap_bug and whole < 60 else 0))


def serial_dates(date1904: bool) -> Callable[[float], pd.Timestamp]:
    """The reading side: a serial (a date typed into a number cell) -> its day, NaT outside the range.

    The core's date parser takes this from the `RawSheet`, so it never knows an epoch.  In the
    1900 system serials 1..59 are January and February 1900: Excel counts a phantom 1900-02-29
    as serial 60, which is no day.
    """
    epoch = EPOCH_1904 if date1904 else EPOCH_1900
    last = int((_LAST_DAY - epoch).astype(np.int64))
    return partial(_serial_to_date, pd.Timestamp(epoch), not date1904, last)


SERIAL_DATES_1900 = serial_dates(False)      # xlwings and worksheet functions: Excel for Windows' default
SERIAL_DATES_1904 = serial_dates(True)
