"""Turn cell text into typed values, a whole column at a time.

Each parser takes a pandas Series of text (or <NA>) and returns the typed Series
plus a boolean mask of cells that were present but could not be understood.
The common case (date cells, plain numbers) is handled by vectorised fast paths;
only leftovers, which are rare, go through the general rules.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .tables import SerialDates

# The fast path: ISO dates of the years 1900..2199 (the rest goes through the range rules).
_ISO_PREFIX = r"^(?:19|2[01])\d{2}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?$"
_SEPARATED = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^-?\d+(?:\.\d+)?$")


#: What a cell's text is trimmed of: every Unicode space, and the invisible characters that text pasted
#: from web pages and other programs carries (zero-width spaces and joiners, word joiner, BOM), so that
#: 'C001\u200b' is customer C001 and a cell holding only a zero-width space is blank.
TRIMMED = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + "\u200b\u200c\u200d\u2060\ufeff"


def clean_text(column: pd.Series) -> pd.Series:
    """Trimmed text (see `TRIMMED`) with empty strings as <NA>."""
    text = column.astype("string").str.strip(TRIMMED)
    return text.mask(text == "")


#: The dates the maths is done on.  Dates are nanosecond timestamps (pandas), which end in 2262;
#: the last accepted date leaves room for adding terms, grace and interest periods to it.
FIRST_DATE = pd.Timestamp("1900-01-01")
LAST_DATE = pd.Timestamp("2199-12-31")
#: "Never" in an open-ended date column is written 9999-12-31 (any day of that year is taken so); a
#: later date before it (7449-06-11 from a mistyped 2026620) is an error, not a silent "never due".
OPEN_ENDED_YEAR = 9999
_OUT_OF_RANGE = "out of range"  # marker from _parse_one_date: a real calendar date outside the range


def parse_dates(column: pd.Series, serial_dates: SerialDates | None = None, open_ended: bool = False) -> tuple[pd.Series, pd.Series]:
    """Dates from date cells, text in the contract's forms, or numbers read by `serial_dates`
    (the workbook's date system, from its `RawSheet`; without it a number is not a date).

    Returns (datetime64[ns] Series with NaT for blanks, mask of cells that are no usable date).
    See `parse_dates_checked` for the range rules and `open_ended`.
    """
    dates, unrecognised, out_of_range = parse_dates_checked(column, serial_dates, open_ended)
    return dates, unrecognised | out_of_range


def parse_dates_checked(column: pd.Series, serial_dates: SerialDates | None = None,
                        open_ended: bool = False) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(dates, unrecognised mask, out-of-range mask).

    Accepted: FIRST_DATE..LAST_DATE.  A real calendar date before it (e.g. serial -5 shown as
    1899-12-25, or 0000-01-01) or after it is out of range.  With `open_ended` (a hold or due
    date meaning "never") a date in OPEN_ENDED_YEAR (9999-12-31) is read as LAST_DATE.
    """
    text = clean_text(column)
    present = text.notna()
    if not present.any():  # a blank column (often a whole optional one): nothing to parse
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]"), present, present
    result = pd.Series(_iso_days(pa.array(text.array)), index=text.index)
    out_of_range = pd.Series(False, index=text.index)
    rest = present & result.isna()
    if rest.any():
        parsed = [_parse_one_date(value, serial_dates, open_ended) for value in text[rest]]
        out_of_range[rest] = [value is _OUT_OF_RANGE for value in parsed]
        result[rest] = [pd.NaT if value is _OUT_OF_RANGE else value for value in parsed]
    return result, present & result.isna() & ~out_of_range, out_of_range


def _in_range(day: dt.date, open_ended: bool) -> pd.Timestamp | str:
    stamp = pd.Timestamp(day) if day <= LAST_DATE.date() else None
    if stamp is None:
        return LAST_DATE if open_ended and day.year == OPEN_ENDED_YEAR else _OUT_OF_RANGE
    return stamp if stamp >= FIRST_DATE else _OUT_OF_RANGE


def _iso_days(text: pa.Array) -> np.ndarray:
    """The common case in Arrow kernels, no pandas round trip: ISO text (a date cell) -> its day
    as datetime64[ns]; NaT where the text is not ISO of the years _ISO_PREFIX allows or names no
    real day (2026-02-30).  Every other form goes through `_parse_one_date` and its range rules."""
    iso = pc.fill_null(pc.match_substring_regex(text, _ISO_PREFIX), False)
    ymd = pc.utf8_slice_codeunits(pc.filter(text, iso), 0, 10)
    try:
        days = pc.cast(ymd, pa.date32())  # strict: a column holding a day no calendar has raises
    except pa.ArrowInvalid:
        days = _calendar_days(ymd)
    result = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    result[iso.to_numpy(zero_copy_only=False)] = days.to_numpy(zero_copy_only=False).astype("datetime64[ns]")
    return result


def _calendar_days(ymd: pa.Array) -> pa.Array:
    """'YYYY-MM-DD' -> date32, null where the day is not in its month (strptime rolls Feb 30 over)."""
    days = pc.strptime(ymd, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = pc.fill_null(pc.equal(pc.day(days), pc.cast(pc.utf8_slice_codeunits(ymd, 8, 10), pa.int64())), False)
    return pc.if_else(real, days, pa.scalar(None, days.type)).cast(pa.date32())


def _parse_one_date(value: str, serial_dates: SerialDates | None, open_ended: bool = False) -> pd.Timestamp | str:
    for pattern, groups in ((_SEPARATED, (1, 3, 4)), (_CHINESE, (1, 2, 3)), (_COMPACT, (1, 2, 3))):
        match = pattern.match(value)
        if match:
            year, month, day = (int(match.group(g)) for g in groups)
            if year == 0 and 1 <= month <= 12 and 1 <= day <= 31:
                return _OUT_OF_RANGE  # year 0 does not exist, but 0000-01-01 is meant as a date
            try:
                return _in_range(dt.date(year, month, day), open_ended)
            except ValueError:
                return pd.NaT
    if serial_dates is not None and _SERIAL.match(value):
        serial = float(value)
        day = serial_dates(serial) if serial >= 0 else pd.NaT
        return _OUT_OF_RANGE if pd.isna(day) else _in_range(day.date(), open_ended)
    return pd.NaT


# Plain strings, not compiled patterns, so pandas hands them to Arrow's RE2 kernels.
_MONEY_NOISE = r"(?i)[\s,，¥￥]|RMB|CNY|元"
# Thousands separators only in groups of three ("1,234,567.5"); "1,2,3" is no amount.
_COMMA = r"[,，]"
_GROUPED = r"^[^0-9]*\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?[^0-9]*$"
# RE2 syntax (pyarrow): up to 15 integer digits keeps fen inside int64.
_PLAIN_NUMBER = r"^(?P<sign>[+-]?)(?P<whole>\d{1,15})(?:\.(?P<fraction>\d*))?$"


# Most cells: a figure with at most two decimals, which Arrow reads exactly as a decimal.
_PLAIN_CENTS = r"^[+-]?\d{1,15}(?:\.\d{0,2})?$"


def parse_money(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts as exact integer fen (Int64), rounded half up; `(1,234.50)` is negative.

    Never through float, so every amount is exact: figures with at most two decimals are
    cast to Arrow decimals, other common forms are split as text in Arrow's regex kernels,
    and the rare rest goes through Decimal.
    Returns (fen Series with <NA> for blanks, mask of unrecognised cells).
    """
    text = clean_text(column)
    present = text.notna()
    if not present.any():
        return pd.Series(pd.NA, index=text.index, dtype="Int64"), present
    arrow = pa.array(text.array, type=pa.large_string())
    arrow = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
    cents = pc.fill_null(pc.match_substring_regex(arrow, _PLAIN_CENTS), False).to_numpy(zero_copy_only=False)
    values = np.zeros(len(text), dtype=np.int64)
    if cents.any():
        decimals = pc.cast(arrow.filter(pa.array(cents)), pa.decimal128(17, 2))
        # a decimal128 is two int64 words, low word first: for these amounts the low word is the fen
        values[cents] = np.frombuffer(decimals.buffers()[1], dtype=np.int64)[::2][decimals.offset:][:len(decimals)]
    missing = ~cents
    rest = present.to_numpy(dtype=bool) & ~cents
    if rest.any():
        other = _text_fen(text[rest])
        values[rest] = other.fillna(0).to_numpy(dtype=np.int64)
        missing[rest] = other.isna().to_numpy()
    fen = pd.Series(pd.arrays.IntegerArray(values, missing), index=text.index)
    return fen, present & fen.isna()


def _text_fen(stripped: pd.Series) -> pd.Series:
    """Fen (Int64) of filled cells that are no plain figure with at most two decimals."""
    fen = pd.Series(pd.NA, index=stripped.index, dtype="Int64")
    # Only cells with a comma are checked for grouping: pandas runs `\s` through Python's re, cell by cell.
    misgrouped = stripped.str.contains(_COMMA, regex=True).to_numpy(dtype=bool)
    if misgrouped.any():
        with_comma = stripped[misgrouped]
        misgrouped[misgrouped] = ~with_comma.str.replace(r"\s", "", regex=True).str.match(_GROUPED) \
            .to_numpy(dtype=bool)
        stripped = stripped.mask(misgrouped, "not an amount")
    noisy = stripped.str.contains(r"[^0-9.+-]", regex=True).to_numpy(dtype=bool)
    if noisy.any():
        stripped = stripped.copy()
        stripped[noisy] = stripped[noisy].str.replace(_MONEY_NOISE, "", regex=True)
    bracketed = stripped.str.startswith("(") & stripped.str.endswith(")")
    stripped = stripped.mask(bracketed, "-" + stripped.str.slice(1, -1))
    parts = pc.extract_regex(pa.array(stripped, type=pa.string()), _PLAIN_NUMBER)
    plain = parts.is_valid().to_numpy(zero_copy_only=False)
    fraction = pc.utf8_rpad(pc.struct_field(parts, "fraction"), 3, "0")

    def digits(values: pa.Array) -> np.ndarray:
        return pc.cast(pc.fill_null(values, "0"), pa.int64()).to_numpy()

    whole = digits(pc.struct_field(parts, "whole"))
    cents = digits(pc.utf8_slice_codeunits(fraction, 0, 2))
    round_up = digits(pc.utf8_slice_codeunits(fraction, 2, 3)) >= 5
    sign = np.where(pc.equal(pc.struct_field(parts, "sign"), "-").to_numpy(zero_copy_only=False), -1, 1)
    amounts = sign * (whole * 100 + cents + round_up)
    fen.loc[stripped.index[plain]] = amounts[plain]
    leftovers = stripped[~plain]
    if len(leftovers):
        fen.loc[leftovers.index] = [_decimal_fen(value) for value in leftovers]
    return fen


# Larger amounts cannot be real invoices and would overflow int64 fen: they are unrecognised.
_MONEY_LIMIT = Decimal(10) ** 15


def _decimal_fen(value: str) -> object:
    """General path for rare forms such as '1.5E+3'; <NA> when not a finite number."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return pd.NA
    if not amount.is_finite() or abs(amount) >= _MONEY_LIMIT:
        return pd.NA
    return int(to_fen(amount))


def to_fen(amount: Decimal) -> int:
    """Decimal yuan -> integer fen, rounded half up (away from zero at .5)."""
    return int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def fen_to_decimal(fen: int) -> Decimal:
    """Integer fen -> exact Decimal yuan with two places."""
    return Decimal(int(fen)).scaleb(-2)


def format_money(fen: int) -> str:
    """Integer fen -> '12,345.67' (exact, for messages and summaries)."""
    return f"{fen_to_decimal(fen):,.2f}"


def parse_integers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (e.g. terms in days); '30.0' is accepted, '30.5' is not."""
    text = clean_text(column)
    present = text.notna()
    if not present.any():
        return pd.Series(pd.NA, index=text.index, dtype="Int64"), present
    numbers = pd.to_numeric(text, errors="coerce")
    numbers = numbers.where(numbers.abs() < 2 ** 53)  # beyond that (or inf) no whole number is exact
    whole = numbers.notna() & (numbers == np.floor(numbers.fillna(0)))
    result = numbers.where(whole).astype("Int64")
    return result, present & result.isna()
