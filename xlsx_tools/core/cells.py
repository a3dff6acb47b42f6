"""Turn cell text into typed values, a whole column at a time.

Each parser takes a pandas Series of text (or <NA>) and returns the typed Series
plus a boolean mask of cells that were present but could not be understood.
The common case (date cells, plain numbers) is handled by vectorised fast paths;
only leftovers, which are rare, go through the general rules.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serial 61 is 1900-03-01; lower serials are distorted by Excel's 1900 leap-year bug.
_SERIAL_MIN, _SERIAL_MAX = 61, 2958465

_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?$")
_SEPARATED = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d+(?:\.\d+)?$")


def clean_text(column: pd.Series) -> pd.Series:
    """Trimmed text with empty strings as <NA>."""
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def parse_dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from date cells, Excel serials, or text in the contract's forms.

    Returns (datetime64[ns] Series with NaT for blanks, mask of unrecognised cells).
    """
    text = clean_text(column)
    present = text.notna()
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = present & text.str.match(_ISO_PREFIX).fillna(False).astype(bool)
    if iso.any():
        result[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    rest = present & result.isna()
    if rest.any():
        result[rest] = [_parse_one_date(value) for value in text[rest]]
    return result, present & result.isna()


def _parse_one_date(value: str) -> pd.Timestamp:
    for pattern, groups in ((_SEPARATED, (1, 3, 4)), (_CHINESE, (1, 2, 3)), (_COMPACT, (1, 2, 3))):
        match = pattern.match(value)
        if match:
            year, month, day = (int(match.group(g)) for g in groups)
            try:
                return pd.Timestamp(year=year, month=month, day=day)
            except ValueError:
                return pd.NaT
    if _SERIAL.match(value):
        serial = float(value)
        if _SERIAL_MIN <= serial <= _SERIAL_MAX:
            return EXCEL_EPOCH + pd.Timedelta(days=int(serial))
    return pd.NaT


_MONEY_NOISE = re.compile(r"[\s,，¥￥]|RMB|CNY|元", flags=re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?$")


def parse_money(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts as exact integer fen (Int64), rounded half up; `(1,234.50)` is negative.

    Returns (fen Series with <NA> for blanks, mask of unrecognised cells).
    """
    text = clean_text(column)
    present = text.notna()
    fen = pd.Series(pd.NA, index=text.index, dtype="Int64")
    if not present.any():
        return fen, present
    stripped = text[present].str.replace(_MONEY_NOISE, "", regex=True)
    bracketed = stripped.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    stripped = stripped.mask(bracketed, "-" + stripped.str.slice(1, -1))
    parts = stripped.str.extract(_PLAIN_NUMBER)
    plain = parts[1].notna() & (parts[1].str.len() <= 15)
    if plain.any():
        sign = np.where(parts.loc[plain, 0] == "-", -1, 1)
        whole = parts.loc[plain, 1].astype("int64").to_numpy()
        fraction = parts.loc[plain, 2].fillna("").str.ljust(3, "0")
        cents = fraction.str.slice(0, 2).astype("int64").to_numpy()
        round_up = (fraction.str.slice(2, 3).astype("int64").to_numpy() >= 5).astype("int64")
        fen.loc[plain[plain].index] = sign * (whole * 100 + cents + round_up)
    leftovers = stripped[~plain]
    if len(leftovers):
        fen.loc[leftovers.index] = [_decimal_fen(value) for value in leftovers]
    return fen, present & fen.isna()


def _decimal_fen(value: str) -> object:
    """General path for rare forms such as '1.5E+3'; <NA> when not a finite number."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return pd.NA
    if not amount.is_finite():
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
    numbers = pd.to_numeric(text, errors="coerce")
    whole = numbers.notna() & (numbers == np.floor(numbers.fillna(0)))
    result = numbers.where(whole).astype("Int64")
    return result, present & result.isna()
