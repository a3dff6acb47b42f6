"""Bad-debt provision (expected credit loss, CAS 22) by a provision matrix in the Policy.

Each open receivable (open amount > 0, not CLOSED, not a credit note) falls in a bucket of
age since invoice, in completed years, cut at Policy `provision_age_years` (1, 2, 3, 4, 5:
within 1 year, 1-2, ..., over 5 years).  Its provision is the open amount × the bucket's
rate (Policy `provision_rates`, shipped as the EXAMPLE rates 5/10/30/50/80/100 %, which a
company must calibrate), exact and rounded half up to the fen once per receivable.  Line
and ledger totals are sums of those figures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pandas as pd

from ..issues import Issue
from ..policy import Policy
from ..read import Inputs
from . import State
from .fx import in_cny
from .interest import accrue_fen


def completed_years(start: pd.Series, as_of: dt.date) -> np.ndarray:
    """Whole years from each date to the as-of date (0 for later dates, and for NaT)."""
    filled = start.fillna(pd.Timestamp(as_of))
    years = as_of.year - filled.dt.year.to_numpy()
    before = (filled.dt.month.to_numpy() > as_of.month) | (
        (filled.dt.month.to_numpy() == as_of.month) & (filled.dt.day.to_numpy() > as_of.day))
    return np.clip(years - before.astype("int64"), 0, None)


def age_bucket(invoice_date: pd.Series, as_of: dt.date, policy: Policy) -> np.ndarray:
    """0 = within the first bound, 1 = up to the second, ..., last = over the last bound."""
    edges = np.asarray(policy["provision_age_years"], dtype="int64")
    return np.searchsorted(edges, completed_years(invoice_date, as_of), side="right")


def provisions(staged: pd.DataFrame, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """provision_bucket, provision_rate (Decimal) and provision_fen for every row of `staged`."""
    bucket = age_bucket(staged["invoice_date"], as_of, policy)
    rates = list(policy["provision_rates"])
    fractions = [Fraction(rate) for rate in rates]
    base = staged["open_fen"].where((staged["open_fen"] > 0) & ~staged["stage"].isin(("CLOSED", "CREDIT")), 0)
    num = np.asarray([fractions[b].numerator for b in range(len(fractions))], dtype="int64")[bucket]
    den = np.asarray([fractions[b].denominator for b in range(len(fractions))], dtype="int64")[bucket]
    amount = accrue_fen(base.to_numpy(dtype="int64"), np.ones(len(base), dtype="int64"), num, den)
    rate = pd.Series(np.asarray(rates, dtype=object)[bucket], index=staged.index, dtype=object)
    return pd.DataFrame({"provision_bucket": bucket, "provision_rate": rate,
                         "provision_fen": np.asarray(amount, dtype="int64")}, index=staged.index)


def provision_totals(aging: pd.DataFrame, staged: pd.DataFrame) -> pd.DataFrame:
    """The aging table (one row per line plus the total row) with a provision_fen column."""
    line = staged["business_line"].fillna("")
    by_line = staged["provision_fen"].groupby(line).sum()
    out = aging.copy()
    values = out["business_line"].map(by_line).fillna(0).astype("int64")
    values[out["is_total"].to_numpy()] = int(staged["provision_fen"].sum())
    out["provision_fen"] = values.astype("int64")
    return out


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The provision pass: bucket, rate and provision of every row."""
    staged = in_cny(state.detail)       # provisions are in CNY
    return replace(state, detail=state.detail.join(provisions(staged, state.as_of, inputs.policy))), ()
