"""The passes of a refresh: each step of the computation as one function of one shape.

    def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]

- `inputs` (read.Inputs) is everything given: the typed sheets and the policy, read once.
  The policy travels in it because it is an input like any sheet (read from the Policy
  sheet or handed in), so a pass needs no third argument.
- `state` is what the passes before have computed: the detail frame growing column by
  column, plus the per-plan, per-customer and per-line tables.  A pass returns a new State
  (`dataclasses.replace`), never changes the one it got, and returns its located issues
  instead of appending to a shared list.

`refresh.PASSES` lists the passes in order; a new rule is one function here plus one line there.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

import pandas as pd

from ..issues import Issue
from ..read import Inputs
from ..read.plans import PlanTerms

if TYPE_CHECKING:
    from .kpis import PeriodFigures


@dataclass(frozen=True)
class State:
    """What the passes have computed so far."""

    as_of: dt.date
    detail: pd.DataFrame                                                  # one row per clean ledger row
    left_out: frozenset[str] = frozenset()                                # invoices a pass dropped for an error
    plans: tuple[PlanTerms, ...] = ()                                     # the plans with their invoices
    plan_schedule: pd.DataFrame = field(default_factory=pd.DataFrame)     # every installment of every plan
    credit: pd.DataFrame = field(default_factory=pd.DataFrame)            # one row per customer
    priority: pd.DataFrame = field(default_factory=pd.DataFrame)          # the ranked customers
    aging: pd.DataFrame = field(default_factory=pd.DataFrame)             # one row per business line + total
    snapshots: pd.DataFrame = field(default_factory=pd.DataFrame)         # every month, this month replaced
    # the collector's week (issue 11)
    promises: pd.DataFrame = field(default_factory=pd.DataFrame)          # one row per promise, with its status
    contact_summary: pd.DataFrame = field(default_factory=pd.DataFrame)   # per customer: last contact, promises
    breaches: pd.DataFrame = field(default_factory=pd.DataFrame)          # one row per contact-rule breach
    compliance: pd.DataFrame = field(default_factory=pd.DataFrame)        # breaches by collector and rule, month
    calls: pd.DataFrame = field(default_factory=pd.DataFrame)             # today's call list
    weekly: pd.DataFrame = field(default_factory=pd.DataFrame)            # every week, this week replaced
    channels: pd.DataFrame = field(default_factory=pd.DataFrame)          # band x channel success table
    channel_lines: tuple[Label, ...] = ()                                 # the best channel per band, in words
    kpis: PeriodFigures | None = None                                     # 12 months of period figures
    bonus: pd.DataFrame = field(default_factory=pd.DataFrame)             # one row per owner (kpis.owner_bonus)


Pass = Callable[[Inputs, State], tuple[State, tuple[Issue, ...]]]


def without_rows(state: State, detail: pd.DataFrame) -> State:
    """The state with `detail` (the old one less the rows a pass found in error), whose invoices
    join `left_out`: a row with an error is left out of every computation, payments included."""
    if len(detail) == len(state.detail):
        return replace(state, detail=detail)
    dropped = state.detail["invoice_no"][~state.detail.index.isin(detail.index)]
    return replace(state, detail=detail, left_out=state.left_out | frozenset(dropped.astype(str)))
