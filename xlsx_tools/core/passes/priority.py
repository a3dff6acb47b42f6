"""Per-customer rollup and ranking: the collection priority list (workbook contract).

Amount shares are compared exactly: `balance / total > threshold` is evaluated as
`balance * denominator > numerator * total` on integer fen.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class ByCustomer:
    """The ledger's customer IDs as integer codes (`codes`, -1 for a missing ID; `ids` the
    distinct IDs), factorized once for every per-customer figure of the pass: each figure is
    then a numpy reduction on the codes (exact int64), not a pandas groupby over the Arrow
    strings, which would factorize them again."""

    codes: np.ndarray
    ids: pd.Index

    @classmethod
    def of(cls, staged: pd.DataFrame) -> ByCustomer:
        codes, ids = pd.factorize(staged["customer_id"])
        return cls(codes, pd.Index(ids, name="customer_id"))

    def reduce(self, ufunc: np.ufunc, rows: np.ndarray, values: np.ndarray, start: int) -> np.ndarray:
        """Per customer, `ufunc` over `values` (int64) of the ledger `rows` with an ID, from `start`."""
        rows = rows & (self.codes >= 0)
        out = np.full(len(self.ids), start, dtype="int64")
        ufunc.at(out, self.codes[rows], values[rows])
        return out

    def first(self, rows: np.ndarray, values: pd.Series) -> pd.Series:
        """Per customer, the first filled value of the ledger `rows` (<NA> when none), as
        `groupby().first()` gives it."""
        filled = rows & values.notna().to_numpy()
        first = self.reduce(np.minimum, filled, np.arange(len(values)), len(values))
        return pd.Series(values.array.take(np.where(first < len(values), first, -1), allow_fill=True), index=self.ids)

    def earliest(self, rows: np.ndarray, dates: np.ndarray) -> np.ndarray:
        """Per customer, the earliest of `dates` (datetime64[ns]) over the ledger `rows`, NaT when none."""
        unset = np.iinfo("int64").max
        found = self.reduce(np.minimum, rows & ~np.isnat(dates), dates.view("int64"), unset)
        return np.where(found == unset, np.datetime64("NaT", "ns"), found.view("datetime64[ns]"))


def rank_customers(staged: pd.DataFrame, customers: pd.DataFrame, policy: Policy,
                   by_customer: ByCustomer) -> pd.DataFrame:
    """One row per customer with an open balance > 0, ranked by the contract's order.

    `staged` is the aged ledger with a `stage` column.  Columns of the result:
    rank, customer_id, customer_name, open_fen, overdue_fen, share, max_days, stage,
    key_target, high_risk, downgraded, customer_type, aging_tag (bucket index of
    max_days), share_band.
    """
    # Stages as integer codes too: a stage test is one per distinct stage, spread by code.
    stage, stages = pd.factorize(staged["stage"], use_na_sentinel=False)
    stages = pd.Series(stages)
    open_fen = staged["open_fen"].to_numpy(dtype="int64")
    days = staged["days_past_due"].to_numpy(dtype="int64")
    not_closed = (stages != "CLOSED").to_numpy()[stage]
    total = int(open_fen[not_closed].sum())
    live = not_closed & (by_customer.codes >= 0)
    positive = live & (open_fen > 0)
    ladder = stages.map(_LADDER_ORDER).fillna(-1).to_numpy(dtype="int64")[stage]
    plan = (stages == "PLAN").to_numpy()[stage]

    rollup = pd.DataFrame({
        "open_fen": by_customer.reduce(np.add, live, open_fen, 0),
        "customer_name": by_customer.first(live, staged["customer_name"]).array,
        "overdue_fen": by_customer.reduce(np.add, positive & (days >= 1), open_fen, 0),
        "max_days": by_customer.reduce(np.maximum, positive, days, np.iinfo("int64").min),
        "ladder_max": by_customer.reduce(np.maximum, positive, ladder, -1),
        "has_plan": by_customer.reduce(np.maximum, positive, plan.astype("int64"), 0).astype(bool),
    }, index=by_customer.ids)
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


def with_money_and_law(priority: pd.DataFrame, staged: pd.DataFrame, credit: pd.DataFrame,
                       by_customer: ByCustomer) -> pd.DataFrame:
    """Per-customer interest, earliest limitation expiry, alerts, broken plans and credit flags.

    `interest_fen` is the interest on open receivables, the figure a letter claims;
    `late_paid_interest_fen` is the interest still owed on invoices already paid (late), kept
    apart because no letter claims it (issue 9)."""
    owed = staged["interest_fen"].to_numpy(dtype="int64", na_value=0)
    open_receivable = (staged["stage"].to_numpy() != "CLOSED") & (staged["open_fen"].to_numpy() > 0)
    earliest = by_customer.earliest(staged["open_fen"].to_numpy() > 0,
                                    staged["limitation_expiry"].to_numpy(dtype="datetime64[ns]"))
    alert = staged["limitation_alert"]
    unset = np.iinfo("int64").max
    lowest_alert = by_customer.reduce(np.minimum, alert.notna().to_numpy(), alert.to_numpy(dtype="int64", na_value=0),
                                      unset)
    broken = by_customer.reduce(np.maximum, staged["plan_broken"].to_numpy(dtype=bool),
                                np.ones(len(staged), dtype="int64"), 0)
    flags = credit.set_index("customer_id")[["over_limit", "red_line_breach"]] if len(credit) else None
    out = priority.copy()
    ids = out["customer_id"]
    mine = by_customer.ids.get_indexer(ids)    # every ranked customer is in the ledger
    out["interest_fen"] = pd.array(by_customer.reduce(np.add, open_receivable, owed, 0)[mine], dtype="Int64")
    out["late_paid_interest_fen"] = pd.array(by_customer.reduce(np.add, ~open_receivable, owed, 0)[mine],
                                             dtype="Int64")
    out["earliest_expiry"] = pd.Series(earliest[mine], index=out.index)
    out["limitation_alert"] = pd.arrays.IntegerArray(lowest_alert[mine], lowest_alert[mine] == unset)
    out["plan_broken"] = broken[mine].astype(bool)
    for flag in ("over_limit", "red_line_breach"):
        out[flag] = ids.map(flags[flag]).fillna(False).astype(bool) if flags is not None else False
    return out


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The priority pass: customers ranked, with their interest, limitation, plan and credit flags."""
    staged = in_cny(state.detail)
    by_customer = ByCustomer.of(staged)
    ranked = rank_customers(staged, inputs.customers.frame, inputs.policy, by_customer)
    return replace(state, priority=with_money_and_law(ranked, staged, state.credit, by_customer)), ()
