"""Per-customer rollup and ranking: the collection priority list (workbook contract).

Amount shares are compared exactly: `balance / total > threshold` is evaluated as
`balance * denominator > numerator * total` on integer fen.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from .. import i18n
from ..issues import Issue
from ..policy import Policy
from ..read import Inputs
from . import State
from .fx import in_cny
from .aging import bucket_index
from .stages import STAGE_RANK

_LADDER_ORDER = {code: n for n, code in enumerate(i18n.LADDER_CODES)}


def share_exceeds(amount: pd.Series, total: pd.Series | int, threshold: Decimal) -> pd.Series:
    """amount / total > threshold, exactly, on integer fen; False where total is not positive."""
    ratio = Fraction(threshold)
    whole = total.astype(object) if isinstance(total, pd.Series) else total
    exceeds = amount.astype(object) * ratio.denominator > ratio.numerator * whole
    return (exceeds & (total > 0)).astype(bool)


def share_band(amount: pd.Series, total: int, edges: tuple[Decimal, ...]) -> pd.Series:
    """0 for a share at or below the first edge, 1 up to the second, ... (exact)."""
    band = pd.Series(0, index=amount.index, dtype="int64")
    for edge in edges:
        band += share_exceeds(amount, total, edge).astype("int64")
    return band


def rank_customers(staged: pd.DataFrame, customers: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per customer with an open balance > 0, ranked by the contract's order.

    `staged` is the aged ledger with a `stage` column.  Columns of the result:
    rank, customer_id, customer_name, open_fen, overdue_fen, share, max_days, stage,
    key_target, high_risk, downgraded, customer_type, aging_tag (bucket index of
    max_days), share_band.
    """
    # Customers and stages as integer codes, factorized once; every per-customer figure is then
    # a numpy reduction on the codes (exact int64), not a pandas groupby over the Arrow strings.
    customer, ids = pd.factorize(staged["customer_id"])        # a missing ID (-1) is left out
    stage, stages = pd.factorize(staged["stage"], use_na_sentinel=False)
    stages = pd.Series(stages)
    open_fen = staged["open_fen"].to_numpy(dtype="int64")
    days = staged["days_past_due"].to_numpy(dtype="int64")
    not_closed = (stages != "CLOSED").to_numpy()[stage]
    total = int(open_fen[not_closed].sum())
    live = not_closed & (customer >= 0)
    positive = live & (open_fen > 0)
    ladder = stages.map(_LADDER_ORDER).fillna(-1).to_numpy(dtype="int64")[stage]
    plan = (stages == "PLAN").to_numpy()[stage]

    def per_customer(reduce: np.ufunc, rows: np.ndarray, values: np.ndarray, start: int) -> np.ndarray:
        out = np.full(len(ids), start, dtype="int64")
        reduce.at(out, customer[rows], values[rows])
        return out

    named = live & staged["customer_name"].notna().to_numpy()
    first_named = per_customer(np.minimum, named, np.arange(len(staged)), len(staged))
    rollup = pd.DataFrame({
        "open_fen": per_customer(np.add, live, open_fen, 0),
        "customer_name": staged["customer_name"].array.take(
            np.where(first_named < len(staged), first_named, -1), allow_fill=True),
        "overdue_fen": per_customer(np.add, positive & (days >= 1), open_fen, 0),
        "max_days": per_customer(np.maximum, positive, days, np.iinfo("int64").min),
        "ladder_max": per_customer(np.maximum, positive, ladder, -1),
        "has_plan": per_customer(np.maximum, positive, plan.astype("int64"), 0).astype(bool),
    }, index=pd.Index(ids, name="customer_id"))
    rollup = rollup[rollup["open_fen"] > 0].copy()

    codes = np.asarray(i18n.LADDER_CODES, dtype=object)
    ladder_max = rollup["ladder_max"].to_numpy()
    fallback = np.where(rollup["has_plan"], "PLAN", "HOLD")
    rollup["stage"] = np.where(ladder_max >= 0, codes[np.maximum(ladder_max, 0)], fallback)

    rollup["share"] = rollup["open_fen"] / total if total > 0 else 0.0
    known = customers.reindex(rollup.index)
    rollup["customer_name"] = rollup["customer_name"].fillna(known["customer_name"])
    rollup["customer_type"] = known["customer_type"]
    rollup["downgraded"] = known["downgraded"].fillna(False).astype(bool)
    big_share = share_exceeds(rollup["open_fen"], total, policy["key_target_share"])
    needs_downgrade = policy.key_target_needs_downgrade()
    rollup["key_target"] = ((rollup["max_days"] > policy["key_target_days"]) & big_share
                            & (rollup["downgraded"] | (not needs_downgrade)))
    rollup["high_risk"] = (rollup["key_target"] | (rollup["max_days"] > policy["high_risk_days"])
                           | (rollup["downgraded"] & (rollup["overdue_fen"] > 0)))
    rollup["aging_tag"] = bucket_index(rollup["max_days"], policy.bucket_edges)
    rollup["share_band"] = share_band(rollup["open_fen"], total, policy.share_tag_edges)
    rollup["stage_rank"] = rollup["stage"].map(STAGE_RANK)
    rollup = rollup.reset_index().sort_values(
        ["key_target", "stage_rank", "overdue_fen", "customer_id"],
        ascending=[False, False, False, True], kind="mergesort")
    rollup.insert(0, "rank", np.arange(1, len(rollup) + 1))
    columns = ["rank", "customer_id", "customer_name", "open_fen", "overdue_fen", "share", "max_days",
               "stage", "key_target", "high_risk", "downgraded", "customer_type", "aging_tag", "share_band"]
    return rollup[columns].reset_index(drop=True)


def with_money_and_law(priority: pd.DataFrame, staged: pd.DataFrame, credit: pd.DataFrame) -> pd.DataFrame:
    """Per-customer interest, earliest limitation expiry, alerts, broken plans and credit flags.

    `interest_fen` is the interest on open receivables, the figure a letter claims;
    `late_paid_interest_fen` is the interest still owed on invoices already paid (late), kept
    apart because no letter claims it (issue 9)."""
    owed = staged["interest_fen"].fillna(0).astype("int64")
    open_receivable = (staged["stage"].to_numpy() != "CLOSED") & (staged["open_fen"].to_numpy() > 0)
    rows = pd.DataFrame({"customer_id": staged["customer_id"], "interest": owed.where(open_receivable, 0),
                         "late_paid": owed.where(~open_receivable, 0),
                         "expiry": staged["limitation_expiry"].where(staged["open_fen"] > 0),
                         "alert": staged["limitation_alert"], "broken": staged["plan_broken"]})
    per = rows.groupby("customer_id").agg(interest=("interest", "sum"), late_paid=("late_paid", "sum"),
                                          expiry=("expiry", "min"), alert=("alert", "min"),
                                          broken=("broken", "any"))   # one grouping for every figure
    flags = credit.set_index("customer_id")[["over_limit", "red_line_breach"]] if len(credit) else None
    out = priority.copy()
    ids = out["customer_id"]
    mine = per.reindex(ids)
    out["interest_fen"] = pd.array(mine["interest"].fillna(0).astype("int64"), dtype="Int64")
    out["late_paid_interest_fen"] = pd.array(mine["late_paid"].fillna(0).astype("int64"), dtype="Int64")
    out["earliest_expiry"] = pd.Series(mine["expiry"].to_numpy(dtype="datetime64[ns]"), index=out.index)
    out["limitation_alert"] = pd.array(mine["alert"], dtype="Int64")
    out["plan_broken"] = mine["broken"].fillna(False).astype(bool).to_numpy()
    for flag in ("over_limit", "red_line_breach"):
        out[flag] = ids.map(flags[flag]).fillna(False).astype(bool) if flags is not None else False
    return out


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The priority pass: customers ranked, with their interest, limitation, plan and credit flags."""
    staged = in_cny(state.detail)
    ranked = rank_customers(staged, inputs.customers.frame, inputs.policy)
    return replace(state, priority=with_money_and_law(ranked, staged, state.credit)), ()
