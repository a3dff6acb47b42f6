"""Claimable overdue interest per receivable, exact to the fen.

Rules (issue 5, prc-law-defaults.md; every number is a Policy setting):

- **Basis.** `interest_basis` chooses:
  - `lpr`: the one-year LPR in force on the day after the due date (Policy table
    `lpr_1y_history`) × `lpr_multiplier` (1.5), a year of `interest_day_count` (365) days;
  - `daily`: a fixed daily rate (`interest_daily_rate`, 0.05 % a day);
  - `contract`: the ledger's optional `Interest Rate · 合同利率` column (annual %); rows
    without a rate fall back to `lpr`.
  - a debt in a foreign currency is computed in that currency, and where the LPR would apply
    (a CNY rate) it takes `foreign_interest_rate` (annual %) instead (issue 12).
- **Period.** From the day after the due date to the as-of date: `as_of - due_date` days.
- **Without a Payments sheet** the ledger's paid amount is taken as received on the due
  date: interest = open amount × daily rate × days (vectorised over the whole ledger).
- **With a Payments sheet**, invoice by invoice: an invoice with Payments rows takes its paid
  amount and interest from them: interest accrues on each principal balance for the days it
  was outstanding.  An invoice without Payments rows keeps its ledger Paid Amount, taken as
  above (never a silent zero, issue 9).  Where both are given and disagree (ledger Paid
  Amount ≠ Payments total), the row is an error and left out: neither figure can be trusted.  A payment
  goes to principal first (default) or to accrued interest first
  (`interest_payment_order`); money left after principal goes to interest, and what is
  left after both is an overpayment.  Only whole fen of accrued interest are settled by a
  payment; the fraction of a fen stays owing.
- **Rounding.** Everything is exact (integer fen × `Fraction` rates) and each final figure
  is rounded half up to the fen once.

No interest is computed for credit notes, written-off rows, or receivables due before
the first LPR fixing of the table (reported once as a warning).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable

import numpy as np
import pandas as pd

from ..cells import fen_to_decimal
from ..issues import Issue, issue
from ..policy import Policy
from ..read.fx import CNY, currency_codes
from ..read import Inputs
from ..read.ledger import Ledger
from . import State, without_rows

INT64_SAFE = 2 ** 62


# ----- rates --------------------------------------------------------------------------------------
def lpr_table(policy: Policy) -> tuple[np.ndarray, tuple[Decimal, ...]]:
    """(effective dates as datetime64[ns], one-year LPR in % a year) from the Policy."""
    table = policy["lpr_1y_history"]
    days = np.asarray([np.datetime64(day, "ns") for day, _ in table], dtype="datetime64[ns]")
    return days, tuple(rate for _, rate in table)


def lpr_in_force(days: pd.Series, policy: Policy) -> pd.Series:
    """The one-year LPR (% a year, Decimal) in force on each day; None before the first fixing."""
    dates, rates = lpr_table(policy)
    values = days.to_numpy(dtype="datetime64[ns]")
    position = np.searchsorted(dates, values, side="right") - 1
    lookup = np.asarray(list(rates) + [None], dtype=object)
    position = np.where((position < 0) | np.isnat(values), len(rates), position)
    return pd.Series(lookup[position], index=days.index, dtype=object)


def daily_fraction(basis: str, rate: Decimal, policy: Policy) -> Fraction:
    """The exact daily rate of a basis: annual % / 100 × multiplier / day count, or the daily rate."""
    if basis == "daily":
        return Fraction(rate)
    annual = Fraction(rate) / 100
    if basis == "lpr":
        annual *= Fraction(policy["lpr_multiplier"])
    return annual / int(policy["interest_day_count"])


def row_rates(ledger: pd.DataFrame, policy: Policy, contract: pd.Series | None, sheet: str = ""
              ) -> tuple[pd.DataFrame, list[Issue]]:
    """Per row: interest_basis (lpr/daily/contract or None), interest_rate (annual % for lpr and
    contract, daily ratio for daily; Decimal or None) and the exact daily rate as integer
    daily_num / daily_den (0/1 when no rate is available).  Vectorised: rows share a few rates."""
    chosen = policy["interest_basis"]
    n = len(ledger)
    issues: list[Issue] = []
    if chosen == "daily":
        value = policy["interest_daily_rate"]
        rates, fractions, codes = [value], [daily_fraction("daily", value, policy)], np.zeros(n, dtype="int64")
        kinds = ["daily"]
    else:
        dates, table = lpr_table(policy)
        day_after = (ledger["due_date"] + pd.Timedelta(days=1)).to_numpy(dtype="datetime64[ns]")
        codes = np.searchsorted(dates, day_after, side="right") - 1
        codes = np.where(np.isnat(day_after), -1, codes)
        rates = list(table)
        fractions = [daily_fraction("lpr", rate, policy) for rate in table]
        kinds = ["lpr"] * len(table)
        if chosen == "contract":
            given = contract.notna().to_numpy() if contract is not None else np.zeros(n, dtype=bool)
            if given.any():
                local, uniques = pd.factorize(contract[given])
                codes = codes.copy()
                codes[given] = local + len(rates)
                rates += list(uniques)
                fractions += [daily_fraction("contract", rate, policy) for rate in uniques]
                kinds += ["contract"] * len(uniques)
            fallback = int((~given & ledger["due_date"].notna().to_numpy()).sum())
            if fallback:
                issues.append(issue("warning", sheet, "", "contract_rate_missing", count=fallback))
        foreign = currency_codes(ledger["currency"]).to_numpy() != CNY if "currency" in ledger else None
        if foreign is not None and foreign.any():
            lpr_rows = (codes >= 0) & np.isin(codes, [n for n, kind in enumerate(kinds) if kind == "lpr"])
            codes = codes.copy()
            codes[foreign & (lpr_rows | (codes < 0))] = len(rates)
            rate = policy["foreign_interest_rate"]
            rates, fractions, kinds = rates + [rate], fractions + [daily_fraction("foreign", rate, policy)], \
                kinds + ["foreign"]
        missing = (codes < 0) & (ledger["amount_fen"].to_numpy() > 0)
        if missing.any():
            first = policy["lpr_1y_history"][0][0].isoformat()
            issues.append(issue("warning", sheet, "", "lpr_missing", count=int(missing.sum()), first=first))
    none = len(rates)
    codes = np.where(codes < 0, none, codes)
    nums = [f.numerator for f in fractions] + [0]
    dens = [f.denominator for f in fractions] + [1]
    dtype = "int64" if max(map(abs, nums)) < INT64_SAFE and max(dens) < INT64_SAFE else object
    frame = pd.DataFrame({
        "interest_basis": np.asarray(kinds + [None], dtype=object)[codes],
        "interest_rate": np.asarray(rates + [None], dtype=object)[codes],
        "daily_num": np.asarray(nums, dtype=dtype)[codes],
        "daily_den": np.asarray(dens, dtype=dtype)[codes],
        "interest_code": codes.astype("int64"),      # rows with the same code share basis and rate
    }, index=ledger.index)
    return frame, issues


def daily_rate_of(row: pd.Series) -> Fraction | None:
    """The exact daily rate of one row of `row_rates` output (None when no rate applies)."""
    return None if row["interest_basis"] is None else Fraction(int(row["daily_num"]), int(row["daily_den"]))


# ----- exact accrual -----------------------------------------------------------------------------
def half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator rounded half up (away from zero), exact on integers."""
    sign = np.where(numerator < 0, -1, 1)
    magnitude = numerator * sign
    return sign * ((2 * magnitude + denominator) // (2 * denominator))


def accrue_fen(principal_fen: np.ndarray, days: np.ndarray, numerator: np.ndarray,
               denominator: np.ndarray) -> np.ndarray:
    """principal × (numerator / denominator) × days, rounded half up to the fen; vectorised.

    Uses int64 when the products cannot overflow, Python integers (object arrays) otherwise.
    """
    principal = np.asarray(principal_fen)
    days = np.clip(np.asarray(days), 0, None)
    num = np.asarray(numerator)
    den = np.asarray(denominator)
    bound = (int(np.abs(principal).max(initial=0)) * int(np.abs(num).max(initial=0))
             * int(days.max(initial=0)) * 2 + int(den.max(initial=1)))
    dtype = "int64" if bound < INT64_SAFE else object
    product = principal.astype(dtype) * num.astype(dtype) * days.astype(dtype)
    return half_up(product, den.astype(dtype))


def round_fraction(value: Fraction) -> int:
    """A Fraction of a fen rounded half up (away from zero) to whole fen."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * int((2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator))


@dataclass(frozen=True)
class PaymentOutcome:
    """One receivable after its payments: what went to principal and interest, and what is owed."""

    principal_paid_fen: int
    interest_paid_fen: int
    interest_fen: int            # outstanding claimable interest at the as-of date
    overpaid_fen: int
    last_payment: dt.date | None


def interest_after_payments(amount_fen: int, due: dt.date, daily_rate: Fraction | None,
                            payments: Iterable[tuple[dt.date, int]], as_of: dt.date,
                            interest_first: bool = False) -> PaymentOutcome:
    """Interest on each principal balance for the days it was outstanding, payments applied in date order.

    The balance outstanding on a payment's date accrues up to and including that day; the
    payment reduces it from the next day.  Payments before the due date only reduce the principal.
    """
    rate = daily_rate if daily_rate is not None else Fraction(0)
    balance = amount_fen
    accrued = Fraction(0)
    principal_paid = interest_paid = overpaid = 0
    last = due
    last_payment = None
    for day, cash in sorted(payments):
        if day > as_of:
            continue
        if day > last:
            accrued += balance * rate * (day - last).days
            last = day
        last_payment = day
        left = cash
        if interest_first:
            settled = min(left, int(accrued))
            accrued -= settled
            interest_paid += settled
            left -= settled
        to_principal = min(left, max(balance, 0))
        balance -= to_principal
        principal_paid += to_principal
        left -= to_principal
        if left and not interest_first:
            settled = min(left, int(accrued))
            accrued -= settled
            interest_paid += settled
            left -= settled
        overpaid += left
    if as_of > last:
        accrued += balance * rate * (as_of - last).days
    return PaymentOutcome(principal_paid, interest_paid, round_fraction(accrued), overpaid, last_payment)


# ----- the interest pass -------------------------------------------------------------------------
def compute_interest(ledger: pd.DataFrame, policy: Policy, as_of: dt.date,
                     payments: pd.DataFrame | None = None, contract: pd.Series | None = None,
                     ledger_sheet: str = "", paid_letter: str = ""
                     ) -> tuple[pd.DataFrame, list[Issue]]:
    """The clean ledger plus interest columns, and the issues found on the way.

    When a ledger Paid Amount without Payments rows is taken as received on the due date, an
    `info` issue at the Paid Amount header says so (never a note inside the Detail table).

    Adds interest_basis, interest_rate, daily_num, daily_den, interest_fen (Int64; <NA> when no rate is
    available), interest_paid_fen.  With `payments`, paid_fen and last_payment_date are
    replaced by what the payments say (the ledger's paid amount is then only compared).
    """
    issues: list[Issue] = []
    if payments is not None:
        ledger, issues = _without_disagreements(ledger, payments, ledger_sheet, paid_letter)
    rates, found = row_rates(ledger, policy, contract, ledger_sheet)
    issues += found
    out = ledger.copy(deep=False)
    for column in rates.columns:
        out[column] = rates[column]
    interest = pd.Series(0, index=out.index, dtype="int64")
    interest_paid = pd.Series(0, index=out.index, dtype="int64")
    as_of_ts = pd.Timestamp(as_of)
    eligible = (out["amount_fen"].to_numpy() > 0) & (out["status"].to_numpy() != "written_off")
    by_payment = pd.Series(False, index=out.index)
    listed = pd.Series(False, index=out.index)
    if payments is not None:
        out, interest, interest_paid, by_payment, found = _apply_payments(out, payments, policy, as_of,
                                                                          ledger_sheet, paid_letter)
        issues += found
        listed = out["invoice_no"].isin(set(payments["invoice_no"]))
    from_ledger = int((eligible & ~listed & (out["paid_fen"] > 0)).sum())
    if from_ledger:
        issues.append(issue("info", ledger_sheet, f"{paid_letter}1" if paid_letter else "", "paid_taken_on_due_date",
                            count=from_ledger))
    vector = ~by_payment
    days = (as_of_ts - out["due_date"]).dt.days.fillna(0).astype("int64").to_numpy()
    num, den = out["daily_num"].to_numpy(), out["daily_den"].to_numpy()
    principal = (out["amount_fen"] - out["paid_fen"]).clip(lower=0).to_numpy()
    accrued = accrue_fen(principal, days, num, den)
    interest = interest.where(~vector, pd.Series(accrued, index=out.index).astype("int64"))
    interest = interest.where(eligible, 0)
    out["interest_fen"] = interest.astype("Int64").mask(out["interest_basis"].isna() & eligible)
    out["interest_paid_fen"] = interest_paid.where(eligible, 0).astype("int64")
    return out, issues


def _without_disagreements(ledger: pd.DataFrame, payments: pd.DataFrame, ledger_sheet: str, paid_letter: str
                           ) -> tuple[pd.DataFrame, list[Issue]]:
    """The ledger less the rows whose Paid Amount (when filled in) differs from their Payments total; an error each."""
    cash = payments.groupby("invoice_no")["amount_fen"].sum()
    total = ledger["invoice_no"].map(cash)
    differs = total.notna() & (ledger["paid_fen"] != 0) & (ledger["paid_fen"] != total.fillna(0))
    issues = [issue("error", ledger_sheet, f"{paid_letter}{int(ledger.at[at, 'row'])}", "paid_disagrees",
                    value=f"{fen_to_decimal(int(ledger.at[at, 'paid_fen'])):,.2f}",
                    total=f"{fen_to_decimal(int(total.loc[at])):,.2f}", invoice=ledger.at[at, "invoice_no"])
              for at in ledger.index[differs.to_numpy()]]
    return ledger[~differs], issues


def _apply_payments(out: pd.DataFrame, payments: pd.DataFrame, policy: Policy, as_of: dt.date,
                    ledger_sheet: str, paid_letter: str):
    """Derive paid_fen, last_payment_date and interest from the Payments rows, invoice by invoice.

    Invoices without Payments rows keep the ledger's paid amount and last payment date; those
    whose rows all fall after the as-of date had nothing paid by then."""
    interest_first = policy["interest_payment_order"] == "interest_first"
    interest = pd.Series(0, index=out.index, dtype="int64")
    interest_paid = pd.Series(0, index=out.index, dtype="int64")
    listed = out["invoice_no"].isin(set(payments["invoice_no"])).to_numpy()
    paid = out["paid_fen"].where(~listed, 0).astype("int64")
    last = out["last_payment_date"].where(~listed, pd.NaT).astype("datetime64[ns]")
    by_payment = pd.Series(False, index=out.index)
    issues: list[Issue] = []
    position = pd.Series(out.index, index=out["invoice_no"])
    relevant = payments[payments["invoice_no"].isin(position.index) & (payments["date"] <= pd.Timestamp(as_of))]
    for invoice, group in relevant.groupby("invoice_no", sort=False):
        at = position[invoice]
        row = out.loc[at]
        entries = [(day.date(), int(cash)) for day, cash in zip(group["date"], group["amount_fen"])]
        if row["amount_fen"] <= 0 or pd.isna(row["due_date"]):
            paid.loc[at] = sum(cash for _, cash in entries)
            last.loc[at] = max(day for day, _ in entries)
            continue
        result = interest_after_payments(int(row["amount_fen"]), row["due_date"].date(), daily_rate_of(row),
                                         entries, as_of, interest_first)
        paid.loc[at] = result.principal_paid_fen
        interest.loc[at] = result.interest_fen
        interest_paid.loc[at] = result.interest_paid_fen
        last.loc[at] = pd.Timestamp(result.last_payment) if result.last_payment else pd.NaT
        by_payment.loc[at] = True
        if result.overpaid_fen:
            issues.append(issue("warning", ledger_sheet, f"{paid_letter}{int(row['row'])}", "payment_overpaid",
                                value=f"{fen_to_decimal(result.overpaid_fen):,.2f}"))
    out = out.copy(deep=False)
    out["paid_fen"] = paid
    out["last_payment_date"] = last
    return out, interest, interest_paid, by_payment, issues


def unused_contract_rates(ledger: Ledger, basis: str) -> list[Issue]:
    """Contract rates the chosen basis does not use: said once, at the first rate given, so that a
    clerk who filled the column learns why the interest ignores it."""
    rates = ledger.contract_rates
    if basis == "contract" or rates is None or not rates.notna().any():
        return []
    cell = f"{ledger.letters['interest_rate']}{ledger.frame['row'].iloc[int(rates.notna().to_numpy().argmax())]}"
    return [issue("info", ledger.sheet, cell, "contract_rate_unused", count=int(rates.notna().sum()), basis=basis)]


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The interest pass: interest columns on the detail, and how paid amounts were taken."""
    ledger = inputs.ledger
    detail, issues = compute_interest(state.detail, inputs.policy, state.as_of, inputs.payments,
                                             ledger.contract_rates, ledger.sheet, ledger.letters.get("paid_amount", ""))
    issues += unused_contract_rates(ledger, inputs.policy["interest_basis"])
    return without_rows(state, detail), tuple(issues)
