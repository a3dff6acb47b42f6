"""A refresh: read every input once, then run the passes in order.  One pure function.

Both the CLI/Excel pipeline and the worksheet functions call `compute`, so there
is exactly one implementation of every rule.  `PASSES` is the order of the rules: a new
rule is one pass (see `passes`) and one line here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .i18n import Label
from .issues import Issue, has_errors
from .passes.kpis import PeriodFigures
from .passes import Pass, State, aging, analysis, credit, interest, kpis, limitation, plans, priority, provisions, stages
from .policy import Policy
from .read import RefreshInputs, read_inputs

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
    Step(stages.run),
    Step(plans.run),
    Step(limitation.run, reports=("events",)),
    Step(provisions.run),
    Step(credit.run, reports=("scores",)),
    Step(priority.run),
    Step(analysis.run, reports=("snapshots",)),
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
    notes: tuple[Label, ...] = ()                                        # lines for the Detail sheet's note
    plans: tuple = ()                                                    # the valid Plans rows (read.plans.PlanTerms)
    kpis: PeriodFigures | None = None                                    # 12 months of period figures
    bonus: pd.DataFrame = field(default_factory=pd.DataFrame)           # per owner (passes.kpis.owner_bonus)

    @property
    def has_errors(self) -> bool:
        return has_errors(list(self.issues))


def resolve_as_of(requested: dt.date | None, policy: Policy, today: dt.date) -> dt.date:
    """--as-of wins, then the Policy sheet, then today."""
    return requested or policy["as_of"] or today


def compute(inputs: RefreshInputs, as_of: dt.date | None = None, today: dt.date | None = None,
            policy: Policy | None = None) -> RefreshResult:
    """Run every pass; bad rows are reported in `issues` and left out, never raised."""
    given = read_inputs(inputs, policy)
    day = resolve_as_of(as_of, given.policy, today or dt.date.today())
    state = State(day, given.ledger.frame)
    issues: list[Issue] = []
    for step in PASSES:
        for reading in step.reports:
            issues.extend(given.issues[reading])
        state, found = step.run(given, state)
        issues.extend(found)
    return RefreshResult(day, given.policy, state.detail, given.customers.frame, state.priority, state.aging,
                         state.snapshots, tuple(issues), state.plan_schedule, state.credit, state.notes, state.plans,
                         state.kpis, state.bonus)
