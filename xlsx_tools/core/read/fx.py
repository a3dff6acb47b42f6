"""The FX · 汇率 sheet: rates to CNY by currency and date, and the lookup every conversion uses.

A rate applies from its date until the next rate of the same currency: the rate for a day is
the latest one dated on or before it (none before a currency's first rate).  CNY itself needs
no rate.  Rates are exact Decimals, as typed; amounts converted with them are rounded half up
to the fen (`to_cny_fen`).
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import parse_dates
from ..issues import Issue
from ..sheet_rows import read_rows
from ..tables import RawSheet

CNY = "CNY"
CNY_WORDS = frozenset({"CNY", "RMB", "人民币", "¥", "元"})   # ways a ledger writes the home currency
_CODE = re.compile(r"[A-Z]{3}")


def currency_code(text: object) -> str:
    """'usd ' -> 'USD'; blank and the home currency's other names -> 'CNY'."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return CNY
    code = str(text).strip().upper()
    return CNY if not code or code in CNY_WORDS else code


def currency_codes(values: pd.Series) -> pd.Series:
    """`currency_code` of each value, worked out once per distinct value (a ledger has a handful)."""
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    codes = np.asarray([currency_code(text) for text in uniques] + [CNY], dtype=object)
    return pd.Series(codes[positions], index=values.index, dtype=object)


@dataclass(frozen=True)
class FxRates:
    """Rates to CNY per currency, in date order."""

    dates: dict[str, tuple[dt.date, ...]] = field(default_factory=dict)
    rates: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)

    def rate_on(self, currency: str, day: dt.date) -> Decimal | None:
        """CNY per unit of `currency` on `day`: the latest rate dated on or before it; 1 for CNY."""
        code = currency_code(currency)
        if code == CNY:
            return Decimal(1)
        dates = self.dates.get(code, ())
        position = bisect.bisect_right(dates, day) - 1
        return self.rates[code][position] if position >= 0 else None


def to_cny_fen(fen: int, rate: Decimal) -> int:
    """An amount in fen of a currency times its rate, in CNY fen rounded half up (away from zero)."""
    return int((Decimal(int(fen)) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def read_fx(sheet: RawSheet | None) -> tuple[FxRates, list[Issue]]:
    """The FX sheet's rates.  Errors (row left out): a currency that is no three-letter code, an
    unreadable date, a rate that is not a positive number, a second rate for the same currency and
    date.  A CNY row is a warning and ignored."""
    if sheet is None:
        return FxRates(), []
    rows, issues = read_rows(sheet, i18n.FX_COLUMNS, ("currency", "date", "rate"))
    if rows is None or rows.empty:
        return FxRates(), issues
    text, found = rows.text, rows.found
    codes = text["currency"].map(currency_code, na_action="ignore")
    found.add(codes.notna() & ~codes.fillna("").map(lambda code: bool(_CODE.fullmatch(code))) & (codes != CNY),
              "currency", "fx_currency_bad")
    dates, bad = parse_dates(text["date"], sheet.serial_dates)
    found.add(bad, "date", "date_unrecognised")
    rates = text["rate"].map(_positive_decimal, na_action="ignore")
    found.add(text["rate"].notna() & rates.isna(), "rate", "fx_rate_not_positive")
    home = (codes == CNY) & ~found.bad_rows
    found.add(home, "currency", "fx_cny_row", severity="warning")
    usable = ~found.bad_rows & ~home
    key = codes.where(usable) + " " + dates.dt.strftime("%Y-%m-%d").where(usable)
    repeated = key.notna() & key.duplicated(keep="first")
    if repeated.any():
        first = pd.Series(key.index, index=key.index).groupby(key).transform("min")
        found.add(repeated, "date", "fx_duplicate", currency=lambda row: codes.loc[row],
                  date=lambda row: dates.loc[row].date().isoformat(), first=lambda row: int(first.loc[row]))
    good = ~found.bad_rows & ~home
    table = pd.DataFrame({"currency": codes[good], "date": dates[good].dt.date, "rate": rates[good]})
    table = table.sort_values(["currency", "date"], kind="stable")
    by_currency = {code: group for code, group in table.groupby("currency", sort=True)}
    return (FxRates({code: tuple(group["date"]) for code, group in by_currency.items()},
                    {code: tuple(group["rate"]) for code, group in by_currency.items()}),
            issues + found.sorted())


def _positive_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None
