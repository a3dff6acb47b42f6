"""How computed interest reads: the Detail sheet's basis per row and a letter's statement.

The interest itself is computed by the interest pass (`passes/interest.py`); this module
only words what it produced, so letters and sheets say it the same way.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

import numpy as np
import pandas as pd

from . import i18n
from .cells import fen_to_decimal
from .i18n import Label, Lang
from .policy import Policy


@dataclass(frozen=True)
class InterestStatement:
    """What a demand notice or lawyer's letter states for one customer."""

    customer_id: str
    as_of: dt.date
    principal: Decimal      # open amount (credit notes reduce it)
    interest: Decimal       # claimable overdue interest up to the as-of date
    total: Decimal
    basis: Label            # e.g. 按一年期LPR 3.00%的1.5倍计算
    invoices: tuple[str, ...]


def _percent(value: Decimal, places: int | None = None) -> str:
    if places is not None:
        return f"{Decimal(value):.{places}f}%"
    return format((Decimal(value) * 100).normalize(), "f") + "%"


def _multiplier(policy: Policy) -> str:
    return format(Decimal(policy["lpr_multiplier"]).normalize(), "f")


def rate_text(basis: str | None, rate: Decimal | None, policy: Policy) -> Label | None:
    """The short basis of one row, e.g. '一年期LPR 3.45%×1.5' / '每日0.05%' / '合同年利率6%'."""
    if basis is None or rate is None:
        return None
    if basis == "lpr":
        return i18n.INTEREST_BASIS_SHORT["lpr"].format(rate=_percent(rate, 2), multiplier=_multiplier(policy))
    if basis == "daily":
        return i18n.INTEREST_BASIS_SHORT["daily"].format(rate=_percent(rate))
    return i18n.INTEREST_BASIS_SHORT[basis].format(rate=_percent(Decimal(rate) / 100))   # contract, foreign


def basis_description(pairs: Iterable[tuple[str, Decimal]], policy: Policy) -> Label:
    """The basis sentence of a letter for the (basis, rate) pairs of the rows it covers."""
    pairs = sorted(set(pairs), key=lambda p: (p[0], p[1]))
    kinds = {basis for basis, _ in pairs}
    if not pairs:
        return i18n.INTEREST_BASIS_TEXT["none"].format()
    texts = i18n.INTEREST_BASIS_TEXT
    if kinds == {"lpr"}:
        rates = [_percent(rate, 2) for _, rate in pairs]
        if len(rates) == 1:
            return texts["lpr"].format(rate=rates[0], multiplier=_multiplier(policy))
        return texts["lpr_mixed"].format(rate=Label(", ".join(rates), "、".join(rates)),
                                         multiplier=_multiplier(policy))
    if kinds == {"daily"} and len(pairs) == 1:
        return texts["daily"].format(rate=_percent(pairs[0][1]))
    if len(kinds) == 1 and kinds <= {"contract", "foreign"} and len(pairs) == 1:
        return texts[pairs[0][0]].format(rate=_percent(Decimal(pairs[0][1]) / 100))
    shorts = [rate_text(basis, rate, policy) for basis, rate in pairs]
    return texts["mixed"].format(rate=Label(", ".join(s.en for s in shorts), "、".join(s.zh for s in shorts)))


def interest_statements(detail: pd.DataFrame, policy: Policy, as_of: dt.date,
                        customer_ids: Iterable[str] | None = None,
                        invoice_nos: Iterable[str] | None = None) -> dict[str, InterestStatement]:
    """Principal, interest to the as-of date, basis text and total per customer, for letters.

    `detail` is `RefreshResult.detail`.  By default a customer's rows are those not CLOSED
    (credit notes count negative) plus closed rows that still carry unpaid interest; pass
    `invoice_nos` to state only the invoices a letter lists.  Money is Decimal to the fen.
    """
    rows = detail
    if customer_ids is not None:
        rows = rows[rows["customer_id"].isin(set(customer_ids))]
    interest = rows["interest_fen"].fillna(0).astype("int64")
    if invoice_nos is not None:
        rows = rows[rows["invoice_no"].isin(set(invoice_nos))]
    else:
        rows = rows[(rows["stage"] != "CLOSED") | (interest.reindex(rows.index) > 0)]
    statements = {}
    for customer, group in rows.groupby("customer_id", sort=False):
        open_rows = group[group["stage"] != "CLOSED"]
        principal = int(open_rows["open_fen"].sum())
        owed = int(group["interest_fen"].fillna(0).astype("int64").sum())
        charged = group[group["interest_fen"].fillna(0).astype("int64") > 0]
        basis = basis_description(zip(charged["interest_basis"], charged["interest_rate"]), policy)
        statements[customer] = InterestStatement(
            customer, as_of, fen_to_decimal(principal), fen_to_decimal(owed), fen_to_decimal(principal + owed),
            basis, tuple(group["invoice_no"]))
    return statements


def basis_texts(detail: pd.DataFrame, policy: Policy, lang: Lang) -> pd.Series:
    """The Detail sheet's per-row basis text (empty where no interest applies); one label per rate code."""
    codes, uniques = pd.factorize(detail["interest_code"])
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy() if len(codes) else []
    texts = []
    for position in first:
        label = rate_text(detail["interest_basis"].iloc[position], detail["interest_rate"].iloc[position], policy)
        texts.append(label.get(lang) if label else "")
    return pd.Series(np.asarray(texts + [""], dtype=object)[codes], index=detail.index, dtype=object)


def daily_interest_fen(rows: pd.DataFrame) -> int:
    """Interest one more day adds on these rows' open amounts (overdue rows with a rate), rounded half up:
    the "continues to accrue" figure of a demand."""
    from .passes.interest import round_fraction
    from fractions import Fraction
    charged = rows[(rows["days_past_due"] > 0) & (rows["open_fen"] > 0) & rows["interest_basis"].notna()]
    total = sum((Fraction(int(fen) * int(num), int(den)) for fen, num, den in
                 zip(charged["open_fen"], charged["daily_num"], charged["daily_den"]) if int(den)), Fraction(0))
    return round_fraction(total)
