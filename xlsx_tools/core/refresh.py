"""All core passes of a refresh, in order, over raw sheets: one pure function.

Both the CLI/Excel pipeline and the worksheet functions call `compute`, so there
is exactly one implementation of every rule.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .aging import age_receivables
from .analysis import aging_table, merge_snapshots, previous_month_key, read_snapshots, snapshot_rows
from .issues import Issue, has_errors
from .ledger import normalise_customers, normalise_ledger
from .policy import Policy, load_policy
from .priority import rank_customers
from .stages import assign_stages
from .tables import RawSheet


@dataclass(frozen=True)
class RefreshInputs:
    ledger: RawSheet
    customers: RawSheet | None = None
    policy: RawSheet | None = None
    snapshots: RawSheet | None = None


@dataclass(frozen=True)
class RefreshResult:
    as_of: dt.date
    policy: Policy
    detail: pd.DataFrame       # the clean ledger + open_fen, days_past_due, bucket, stage
    customers: pd.DataFrame    # clean master data indexed by customer_id
    priority: pd.DataFrame
    aging: pd.DataFrame
    snapshots: pd.DataFrame    # every month, this month replaced
    issues: tuple[Issue, ...]

    @property
    def has_errors(self) -> bool:
        return has_errors(list(self.issues))


def resolve_as_of(requested: dt.date | None, policy: Policy, today: dt.date) -> dt.date:
    """--as-of wins, then the Policy sheet, then today."""
    return requested or policy["as_of"] or today


def compute(inputs: RefreshInputs, as_of: dt.date | None = None, today: dt.date | None = None,
            policy: Policy | None = None) -> RefreshResult:
    """Run every pass; bad rows are reported in `issues` and left out, never raised."""
    issues: list[Issue] = []
    if policy is None:
        policy, found = load_policy(inputs.policy)
        issues += found
    day = resolve_as_of(as_of, policy, today or dt.date.today())
    customers, found = normalise_customers(inputs.customers, policy)
    issues += found
    ledger, found = normalise_ledger(inputs.ledger, policy, customers if inputs.customers is not None else None)
    issues += found
    staged = age_receivables(ledger, day, policy)
    staged["stage"] = assign_stages(staged, day, policy)
    priority = rank_customers(staged, customers, policy)
    history, found = read_snapshots(inputs.snapshots)
    issues += found
    previous = history[history["month"] == previous_month_key(day)]
    aging = aging_table(staged, policy, previous)
    snapshots = merge_snapshots(history, snapshot_rows(aging, day))
    return RefreshResult(day, policy, staged, customers, priority, aging, snapshots, tuple(issues))
