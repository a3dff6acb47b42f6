"""A refresh: read every input once, then run the passes in order.  One pure function.

Both the CLI/Excel pipeline and the worksheet functions call `compute`, so there
is exactly one implementation of every rule.  `PASSES` is the order of the rules: a new
rule is one pass (see `passes`) and one line here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .issues import Issue, has_errors
from .passes import (Pass, State, aging, analysis, calls, channels, contact_rules, credit, early_warning, fx, interest,
                     key_customers, kpis, limitation, plans, priority, promises, provisions, stages)
from .passes.kpis import PeriodFigures
from .policy import Policy
from .read import Inputs, RefreshInputs, read_inputs

__all__ = ["PASSES", "RefreshInputs", "RefreshResult", "Step", "compute", "resolve_as_of"]


@dataclass(frozen=True)
class Step:
    """A registered pass and the readings whose issues are listed just before its own."""

    run: Pass
    reports: tuple[str, ...] = ()


# Each reading's issues are listed with the first pass that uses that sheet, so the Issues
# sheet reads in the order the data is used.  The Plans sheet's issues come with the plan
# pass itself, merged in row order with its checks of the plans' invoices.
PASSES: tuple[Step, ...] = (
    Step(interest.run, reports=("policy", "customers", "ledger", "payments")),
    Step(aging.run),
    Step(fx.run, reports=("fx",)),          # CNY columns at the as-of date's rate (issue 12)
    Step(stages.run),
    Step(plans.run),
    Step(limitation.run, reports=("events",)),
    Step(provisions.run),
    Step(credit.run, reports=("scores",)),
    Step(priority.run),
    Step(analysis.run, reports=("snapshots",)),
    # the collector's week (issue 11)
    Step(contact_rules.run, reports=("contacts",)),
    Step(promises.run),
    Step(early_warning.run),
    Step(calls.run),
    Step(key_customers.run, reports=("weekly",)),
    Step(channels.run),
    # the manager's month (issue 12)
    Step(kpis.run),
)


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
    # money and law (issue 5)
    plan_schedule: pd.DataFrame = field(default_factory=pd.DataFrame)   # every installment of every plan
    credit: pd.DataFrame = field(default_factory=pd.DataFrame)          # one row per customer
    plans: tuple = ()                                                    # the valid Plans rows (read.plans.PlanTerms)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)          # the Events sheet (case-review timelines)
    # the collector's week (issue 11)
    contacts: pd.DataFrame = field(default_factory=pd.DataFrame)        # the clean contact log
    promises: pd.DataFrame = field(default_factory=pd.DataFrame)        # one row per promise, with its status
    compliance: pd.DataFrame = field(default_factory=pd.DataFrame)      # breaches by collector and rule, month
    calls: pd.DataFrame = field(default_factory=pd.DataFrame)           # today's call list
    weekly: pd.DataFrame = field(default_factory=pd.DataFrame)          # every week, this week replaced
    channels: pd.DataFrame = field(default_factory=pd.DataFrame)        # band x channel success table
    channel_lines: tuple[Label, ...] = ()                                # the best channel per band, in words
    # the manager's month (issue 12)
    kpis: PeriodFigures | None = None                                    # 12 months of period figures
    bonus: pd.DataFrame = field(default_factory=pd.DataFrame)           # per owner (passes.kpis.owner_bonus)

    @property
    def has_errors(self) -> bool:
        return has_errors(list(self.issues))


def resolve_as_of(requested: dt.date | None, policy: Policy, today: dt.date) -> dt.date:
    """--as-of wins, then the Policy sheet, then today."""
    return requested or policy["as_of"] or today


def compute(inputs: RefreshInputs | Inputs, as_of: dt.date | None = None, today: dt.date | None = None,
            policy: Policy | None = None) -> RefreshResult:
    """Run every pass; bad rows are reported in `issues` and left out, never raised.

    `inputs` are the raw sheets, or already read (`read.read_inputs`) when the caller needs the
    typed sheets too; a given `policy` replaces the Policy sheet of raw ones."""
    given = inputs if isinstance(inputs, Inputs) else read_inputs(inputs, policy)
    day = resolve_as_of(as_of, given.policy, today or dt.date.today())
    state = State(day, given.ledger.frame)
    issues: list[Issue] = []
    for step in PASSES:
        for reading in step.reports:
            issues.extend(given.issues[reading])
        state, found = step.run(given, state)
        issues.extend(found)
    return RefreshResult(day, given.policy, state.detail, given.customers.frame, state.priority, state.aging,
                         state.snapshots, tuple(issues), state.plan_schedule, state.credit, state.plans,
                         given.events, given.contacts.frame, state.promises, state.compliance, state.calls,
                         state.weekly, state.channels, state.channel_lines,
                         state.kpis, state.bonus)
