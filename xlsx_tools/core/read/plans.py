"""The Plans sheet: installment and extension plans, one row per plan.

The reader checks each row on its own (numbers, dates, rates, counts, duplicates) and fills
the Policy defaults.  Which invoices a plan covers depends on the open amounts, so the plan
pass resolves them and reports this sheet's issues together with its own, in row order.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import parse_dates, parse_integers, parse_money
from ..i18n import Label
from ..issues import Issue
from ..policy import Policy
from ..sheet_rows import read_rows, split_invoices
from ..tables import RawSheet

PLAN_REQUIRED = ("plan_no", "customer_id", "invoices", "total", "first_due", "installments")


@dataclass(frozen=True)
class PlanTerms:
    """One valid row of the Plans sheet, defaults filled in."""

    plan_no: str
    customer_id: str
    invoices: tuple[str, ...]
    total_fen: int
    first_due: dt.date
    installments: int
    interval_days: int
    interest_free: int
    daily_rate: Decimal
    prepayment: Decimal | None = None
    plan_type: str = "installment"
    signed_date: dt.date | None = None
    sheet: str = ""
    cell: str = ""                   # the Plan No cell, e.g. 'A5'

    @property
    def start(self) -> dt.date:
        """When the plan starts running: the signed date, else one interval before the first due date."""
        return self.signed_date or self.first_due - dt.timedelta(days=self.interval_days)


@dataclass(frozen=True)
class PlanRow:
    """A Plans row that passed the sheet's own checks; `terms.invoices` is filled by the plan pass."""

    terms: PlanTerms
    named: tuple[str, ...] | None    # the invoices named; None = every open invoice of the customer
    invoices_text: str               # the Invoices cell as written
    invoices_cell: str               # e.g. 'C5'


@dataclass(frozen=True)
class PlanRows:
    rows: tuple[PlanRow, ...]
    issues: tuple[Issue, ...]        # the sheet's own problems, by row


def _given(value: object) -> bool:
    return isinstance(value, Decimal)


def _ratios(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'30%' or 0.3 -> Decimal('0.3'); returns (values, unreadable mask)."""
    values = pd.Series(None, index=text.index, dtype=object)
    bad = pd.Series(False, index=text.index)
    for row, cell in text[text.notna()].items():
        cell = str(cell).strip()
        try:
            value = Decimal(cell[:-1].strip()) / 100 if cell.endswith("%") else Decimal(cell)
        except InvalidOperation:
            bad.loc[row] = True
            continue
        if not value.is_finite() or value < 0:
            bad.loc[row] = True
            continue
        values.loc[row] = value
    return values, bad


def _plan_types(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    aliases = {i18n.normalise_name(name): code for code, label in i18n.PLAN_TYPES.items()
               for name in (code, *label.both())}
    codes = text.map(i18n.normalise_name, na_action="ignore").map(aliases)
    return codes.where(text.notna(), "installment"), text.notna() & codes.isna()


def read_plans(sheet: RawSheet | None, policy: Policy) -> PlanRows:
    """The rows that pass the sheet's own checks, Policy defaults filled in, and every problem located."""
    if sheet is None:
        return PlanRows((), ())
    rows, issues = read_rows(sheet, i18n.PLAN_COLUMNS, PLAN_REQUIRED)
    if rows is None:
        return PlanRows((), tuple(issues))
    text, found = rows.text, rows.found
    total, bad = parse_money(text["total"])
    found.add(bad | (total <= 0).fillna(False).astype(bool), "total", "amount_unrecognised")
    dates = {}
    for key in ("first_due", "signed_date"):
        dates[key], bad = parse_dates(text[key], sheet.serial_dates)
        found.add(bad, key, "date_unrecognised")
    numbers = {}
    for key in ("installments", "interval", "interest_free"):
        numbers[key], bad = parse_integers(text[key])
        found.add(bad, key, "integer_unrecognised")
    rates, bad = _ratios(text["daily_rate"])
    found.add(bad, "daily_rate", "ratio_unrecognised")
    prepayment, bad = _ratios(text["prepayment"])
    found.add(bad, "prepayment", "ratio_unrecognised")
    share_bad = prepayment.map(lambda v: _given(v) and not (0 < v < 1)).astype(bool)
    found.add(share_bad, "prepayment", "plan_invalid_share")
    kinds, bad = _plan_types(text["plan_type"])
    allowed = Label(", ".join(i18n.PLAN_TYPES), "、".join(l.zh for l in i18n.PLAN_TYPES.values()))
    found.add(bad, "plan_type", "plan_type_unknown", allowed=allowed)
    found.add((numbers["interval"] <= 0).fillna(False).astype(bool), "interval", "integer_unrecognised")
    found.add((numbers["interest_free"] < 0).fillna(False).astype(bool), "interest_free", "integer_unrecognised")

    low, high = int(policy["plan_installments_min"]), int(policy["plan_installments_max"])
    count = numbers["installments"]
    extension = kinds == "extension"
    has_prepayment = prepayment.map(_given).astype(bool)
    lowest = pd.Series(np.where(extension, np.where(has_prepayment, 2, 1), low), index=count.index)
    out_of_range = count.notna() & ((count < lowest) | (count > high)).fillna(False).astype(bool)
    found.add(out_of_range, "installments", "plan_invalid_count",
              low=lambda row: int(lowest.loc[row]), high=high)
    ids = text["plan_no"].where(~found.bad_rows)
    duplicated = ids.duplicated(keep="first") & ids.notna()
    first_row = pd.Series(ids.index, index=ids.index).groupby(ids).transform("min")
    found.add(duplicated, "plan_no", "plan_duplicate", first=lambda row: int(first_row.loc[row]))

    plans: list[PlanRow] = []
    for row in text["plan_no"].index:
        if found.bad_rows.loc[row]:
            continue
        invoices = str(text["invoices"].loc[row])
        is_extension = kinds.loc[row] == "extension"
        default_rate = policy["extension_fee_daily_rate"] if is_extension else policy["plan_daily_rate"]
        terms = PlanTerms(
            plan_no=str(text["plan_no"].loc[row]), customer_id=str(text["customer_id"].loc[row]), invoices=(),
            total_fen=int(total.loc[row]),
            first_due=dates["first_due"].loc[row].date(), installments=int(count.loc[row]),
            interval_days=int(numbers["interval"].loc[row]) if pd.notna(numbers["interval"].loc[row])
            else int(policy["plan_interval_days"]),
            interest_free=int(numbers["interest_free"].loc[row]) if pd.notna(numbers["interest_free"].loc[row])
            else int(policy["plan_interest_free_installments"]),
            daily_rate=rates.loc[row] if _given(rates.loc[row]) else default_rate,
            prepayment=prepayment.loc[row] if _given(prepayment.loc[row]) else None, plan_type=kinds.loc[row],
            signed_date=dates["signed_date"].loc[row].date() if pd.notna(dates["signed_date"].loc[row]) else None,
            sheet=found.table.sheet, cell=f"{found.table.letters['plan_no']}{row}")
        plans.append(PlanRow(terms, split_invoices(invoices), invoices, f"{found.table.letters['invoices']}{row}"))
    return PlanRows(tuple(plans), tuple(issues + found.sorted()))
