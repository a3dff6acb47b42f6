"""Credit management per customer: exposure vs limit, the new-customer red line, 5C scores.

- **Exposure** = the open balance (rows not CLOSED; credit notes count negative), compared
  with the Customers sheet's credit limit: over limit when exposure > limit.
- **Red line.** A new customer (first trade less than Policy `new_customer_months` (12)
  months before the as-of date; without a First Trade Date, the earliest invoice date in the
  ledger) must not have a credit limit above Policy `credit_red_line_share` (20 %) of its
  registered capital.  Compared exactly on fen.
- **5C score.** Optional Customers columns Character / Capacity / Capital / Collateral /
  Conditions (品格/能力/资本/担保/条件), whole numbers 1-5, weighted by Policy
  `credit_5c_weights` (all five needed for a score).  The score picks a limit band (Policy
  `credit_5c_band_edges`) whose suggested limit is a share of registered capital (Policy
  `credit_5c_band_shares`, example values), never above the red line for a new customer.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from ..issues import Issue
from ..policy import Policy
from ..read import Inputs
from ..read.customers import FIVE_C
from . import State
from .fx import in_cny
from .interest import round_fraction
from .limitation import add_months
from .priority import ByCustomer, share_exceeds


def weighted_score(scores: pd.DataFrame, policy: Policy) -> pd.Series:
    """Σ weight × score (Decimal) where all five scores are present, else None."""
    weights = [Decimal(w) for w in policy["credit_5c_weights"]]
    complete = scores[list(FIVE_C)].notna().all(axis=1)
    values = []
    for customer, row in scores.iterrows():
        if not complete.loc[customer]:
            values.append(None)
            continue
        values.append(sum((w * int(row[key]) for w, key in zip(weights, FIVE_C)), Decimal(0)))
    return pd.Series(values, index=scores.index, dtype=object)


def credit_table(staged: pd.DataFrame, customers: pd.DataFrame, five_c: pd.DataFrame, as_of: dt.date,
                 policy: Policy) -> pd.DataFrame:
    """One row per customer (Customers sheet plus ledger customers with a balance).

    Columns: customer_id, customer_name, credit_limit_fen, exposure_fen, utilisation,
    over_limit, over_by_fen, first_trade_date, new_customer, registered_capital_fen,
    red_line_fen, red_line_breach, score (Decimal or None), band (Int64), band_share (Decimal
    or None), suggested_limit_fen.  Flagged customers first, then by customer ID.
    """
    by_customer = ByCustomer.of(staged)     # a row without a customer ID counts for nobody
    every_row = np.ones(len(staged), dtype=bool)
    exposure = pd.Series(by_customer.reduce(np.add, staged["stage"].to_numpy() != "CLOSED",
                                            staged["open_fen"].to_numpy(dtype="int64"), 0), index=by_customer.ids)
    ids = list(customers.index)
    ids += sorted(set(exposure.index[exposure != 0]) - set(ids))
    table = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    known = customers.reindex(table.index)
    names = by_customer.first(every_row, staged["customer_name"]).reindex(table.index)
    table["customer_name"] = known["customer_name"].fillna(names) if "customer_name" in known else names
    table["credit_limit_fen"] = known["credit_limit_fen"].astype("Int64") if len(known) else pd.Series(
        dtype="Int64")
    table["exposure_fen"] = exposure.reindex(table.index).fillna(0).astype("int64")
    limit = table["credit_limit_fen"]
    has_limit = limit.notna()
    table["utilisation"] = (table["exposure_fen"] / limit.astype("float64")).where(has_limit & (limit > 0))
    table["over_limit"] = (has_limit & (table["exposure_fen"] > limit.fillna(0))).astype(bool)
    table["over_by_fen"] = (table["exposure_fen"] - limit).where(table["over_limit"]).astype("Int64")

    first_invoice = pd.Series(by_customer.earliest(every_row, staged["invoice_date"].to_numpy(dtype="datetime64[ns]")),
                              index=by_customer.ids).reindex(table.index)
    first_trade = pd.to_datetime(known["first_trade_date"]).astype("datetime64[ns]").fillna(first_invoice)
    table["first_trade_date"] = first_trade
    new_until = add_months(first_trade, int(policy["new_customer_months"]))
    table["new_customer"] = (first_trade.notna() & (new_until > pd.Timestamp(as_of))).astype(bool)
    capital = known["registered_capital_fen"].astype("Int64")
    table["registered_capital_fen"] = capital
    share = Fraction(policy["credit_red_line_share"])
    # Red line, band and suggested limit: the exact Fraction/Decimal arithmetic runs only for the
    # customers with a capital or a score (a loop over every customer spent most of its time
    # stepping over blanks).
    has_capital = capital.notna().to_numpy()
    red_line = pd.Series(pd.NA, index=table.index, dtype="Int64")
    red_line[has_capital] = [round_fraction(int(c) * share) for c in capital[has_capital]]
    table["red_line_fen"] = red_line
    checkable = table["new_customer"] & has_limit & capital.notna()
    above = share_exceeds(limit.fillna(0).astype("int64"), capital.fillna(0).astype("int64"),
                          policy["credit_red_line_share"])
    table["red_line_breach"] = (checkable & above).astype(bool)

    scores = weighted_score(five_c.reindex(table.index), policy) if len(five_c) else \
        pd.Series(None, index=table.index, dtype=object)
    table["score"] = scores
    edges = [Decimal(e) for e in policy["credit_5c_band_edges"]]
    shares = list(policy["credit_5c_band_shares"])
    scored = scores.notna().to_numpy()
    band = pd.Series(pd.NA, index=table.index, dtype="Int64")
    band[scored] = [bisect.bisect_right(edges, s) for s in scores[scored]]
    table["band"] = band.array
    band_share = np.full(len(table), None, dtype=object)
    band_share[scored] = [shares[b] for b in band[scored]]
    table["band_share"] = pd.Series(band_share, index=table.index, dtype=object)
    sized = scored & has_capital
    amounts = []
    for b, c, new, line in zip(band[sized], capital[sized], table["new_customer"][sized], red_line[sized]):
        amount = round_fraction(int(c) * Fraction(shares[b]))
        amounts.append(min(amount, int(line)) if new and pd.notna(line) else amount)
    suggested = pd.Series(pd.NA, index=table.index, dtype="Int64")
    suggested[sized] = amounts
    table["suggested_limit_fen"] = suggested.array
    table["flagged"] = table["over_limit"] | table["red_line_breach"]
    table = table.reset_index().sort_values(["flagged", "customer_id"], ascending=[False, True], kind="mergesort")
    return table.drop(columns="flagged").reset_index(drop=True)


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The credit pass: exposure, limits, red line and 5C score per customer."""
    customers = inputs.customers
    return replace(state, credit=credit_table(in_cny(state.detail), customers.frame, customers.scores, state.as_of,
                                              inputs.policy)), ()
