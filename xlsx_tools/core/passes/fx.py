"""Foreign currency: each receivable's amounts in CNY at the as-of date's rate (issue 12).

Detail keeps every row in its invoice currency (letters and interest use that) and gains
`currency` (a code, CNY for blank/RMB/人民币), `fx_rate` (Decimal), `amount_cny_fen`,
`paid_cny_fen` and `open_cny_fen` (Int64).  Totals (Priority, Aging, Snapshots, KPIs,
provisions, credit exposure) read `in_cny(detail)`: the amount columns in CNY.  A foreign row
without a rate on or before the as-of date is an error on its Currency cell and, like every row
with an error, is left out of every computation: Detail, totals, interest and letters, its
payments too (contract, Issues).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..issues import Issue, issue
from ..read import Inputs
from ..read.fx import CNY, FxRates, currency_codes, to_cny_fen
from . import State, without_rows

MONEY = ("amount_fen", "paid_fen", "open_fen")
CONVERTED = (*MONEY, "interest_fen")      # interest is owed in the invoice currency too


def convert(detail: pd.DataFrame, fx: FxRates, day) -> pd.DataFrame:
    """The detail plus currency, fx_rate and the CNY amount columns (see the module docstring)."""
    out = detail.copy(deep=False)
    codes = currency_codes(out["currency"]) if "currency" in out else pd.Series(CNY, index=out.index)
    out["currency"] = codes.astype(object)
    foreign = (codes != CNY).to_numpy()
    positions, uniques = pd.factorize(codes)
    rates = np.asarray([fx.rate_on(code, day) for code in uniques] + [None], dtype=object)
    out["fx_rate"] = pd.Series(rates[positions], index=out.index, dtype=object)
    for column in (name for name in CONVERTED if name in out):
        cny = out[column].astype("Int64")
        if foreign.any():
            at = np.flatnonzero(foreign)
            values = [None if rate is None or pd.isna(fen) else to_cny_fen(fen, rate)
                      for fen, rate in zip(out[column].to_numpy()[at], out["fx_rate"].to_numpy()[at])]
            cny = cny.copy()
            cny.iloc[at] = pd.array(values, dtype="Int64")
        out[column.replace("_fen", "_cny_fen")] = cny
    if foreign.any():   # paid follows from amount and open, so the three CNY figures always add up
        out["paid_cny_fen"] = out["amount_cny_fen"] - out["open_cny_fen"]
    return out


def _all_cny(detail: pd.DataFrame) -> bool:
    """Whether every row is in CNY (or the FX pass has not run).  Compared as a numpy object
    array: twice as fast as pandas' comparison, and asked by most passes."""
    return "fx_rate" not in detail or bool((detail["currency"].to_numpy() == CNY).all())


def in_cny(detail: pd.DataFrame) -> pd.DataFrame:
    """The detail with its amount and interest columns in CNY: what every total adds up.
    A CNY-only detail is returned as it is."""
    if _all_cny(detail):
        return detail
    out = detail.copy()
    for column in (name for name in CONVERTED if name in out):
        cny = out[column.replace("_fen", "_cny_fen")]
        out[column] = cny.astype("int64") if column in MONEY else cny
    return out


def payments_in_cny(payments: pd.DataFrame | None, state: State) -> pd.DataFrame | None:
    """Payments (invoice_no, date, amount_fen, ...) with amounts in CNY at their invoice's rate;
    payments of the invoices a pass left out for an error are left out too.  CNY-only: as they are.

    A foreign invoice's payments are converted as Detail converts its paid amount (amount less
    open, each converted): taken in date order, a payment is worth the CNY open amount before it
    less the CNY open amount after it.  So they add up, at every date, to what Detail says was
    paid by then, and the KPIs' balances agree with Aging's and Priority's to the fen; converted
    one by one, three payments rounding down by 0.4 fen each were a fen short."""
    if payments is not None and state.left_out:
        payments = payments[~payments["invoice_no"].astype(str).isin(state.left_out)]
    detail = state.detail
    if payments is None or _all_cny(detail):
        return payments
    invoices = detail.drop_duplicates("invoice_no").set_index("invoice_no")
    rates = payments["invoice_no"].map(invoices["fx_rate"])
    out = payments.copy()
    foreign = out["invoice_no"].map(invoices["currency"]).fillna(CNY).to_numpy() != CNY
    at = np.flatnonzero(foreign)                  # only these need a conversion (CNY's rate is 1)
    amounts = out["amount_fen"].to_numpy(dtype="int64").copy()
    if len(at):
        invoice = out["invoice_no"].to_numpy()[at]
        total = invoices["amount_fen"].reindex(invoice).to_numpy(dtype="int64")
        order = np.lexsort((out["date"].to_numpy()[at], invoice))      # by invoice, then date
        paid = amounts[at][order]
        before = pd.Series(paid).groupby(invoice[order]).cumsum().to_numpy(dtype="int64") - paid
        rate = rates.to_numpy()[at][order]
        cny = [to_cny_fen(owed - done, r) - to_cny_fen(owed - done - fen, r)
               for owed, done, fen, r in zip(total[order], before, paid, rate)]
        amounts[at[order]] = cny
    out["amount_fen"] = amounts
    return out


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The FX pass: CNY columns on the detail; a foreign row without a rate is an error, left out."""
    detail = convert(state.detail, inputs.fx, state.as_of)
    no_rate = detail["fx_rate"].isna().to_numpy()
    missing = detail[no_rate]
    letter = inputs.ledger.letters.get("currency", "")
    issues = tuple(issue("error", inputs.ledger.sheet, f"{letter}{int(row)}", "fx_rate_missing", left_out=True,
                         currency=code, date=state.as_of.isoformat())
                   for row, code in zip(missing["row"], missing["currency"]))
    return without_rows(state, detail[~no_rate] if no_rate.any() else detail), issues
