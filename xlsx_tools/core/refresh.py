"""All core passes of a refresh, in order, over raw sheets: one pure function.

Both the CLI/Excel pipeline and the worksheet functions call `compute`, so there
is exactly one implementation of every rule.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import i18n
from .aging import age_receivables
from .credit import credit_table, read_five_c
from .i18n import Label
from .interest import compute_interest, read_contract_rates, read_payments
from .analysis import aging_table, merge_snapshots, previous_month_key, read_snapshots, snapshot_rows
from .issues import Issue, has_errors
from .ledger import normalise_customers, normalise_ledger
from .sheet_rows import locate_columns
from .limitation import (alert_issues, limitation_clock, payment_acts, plan_acts, read_delivered_demands,
                         read_events)
from .plans import apply_plans, plan_invoices, read_plans
from .policy import Policy, load_policy
from .priority import rank_customers
from .provisions import provision_totals, provisions
from .stages import assign_stages
from .tables import RawSheet


@dataclass(frozen=True)
class RefreshInputs:
    ledger: RawSheet
    customers: RawSheet | None = None
    policy: RawSheet | None = None
    snapshots: RawSheet | None = None
    # money and law (issue 5): optional input sheets
    payments: RawSheet | None = None
    plans: RawSheet | None = None
    events: RawSheet | None = None
    letters: RawSheet | None = None     # the Letters · 函件记录 log: delivered demands interrupt the limitation


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
    plans: tuple = ()                                                    # the valid Plans rows (plans.PlanTerms)

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
    letters = _ledger_letters(inputs.ledger)
    contract, found = read_contract_rates(inputs.ledger, ledger)
    issues += found
    payments, found = read_payments(inputs.payments, ledger)
    issues += found
    ledger, notes, found = compute_interest(ledger, policy, day, payments, contract, inputs.ledger.name,
                                            letters.get("paid_amount", ""))
    issues += found
    staged = age_receivables(ledger, day, policy)
    staged["stage"] = assign_stages(staged, day, policy)
    plans, found = read_plans(inputs.plans, staged, policy)
    issues += found
    staged, plan_schedule, found = apply_plans(staged, plans, payments, day, policy)
    issues += found
    events, found = read_events(inputs.events, staged)
    issues += found
    demands, found = read_delivered_demands(inputs.letters, policy)
    issues += found
    acts = pd.concat([frame for frame in (events, demands, payment_acts(staged, payments),
                                          plan_acts(plan_invoices(plans))) if len(frame)] or [events],
                     ignore_index=True)
    staged = staged.join(limitation_clock(staged, day, policy, acts))
    issues += alert_issues(staged, inputs.ledger.name, letters.get("invoice_no", ""))
    staged = staged.join(provisions(staged, day, policy))
    five_c, found = read_five_c(inputs.customers)
    issues += found
    credit = credit_table(staged, customers, five_c, day, policy)
    priority = rank_customers(staged, customers, policy)
    priority = _priority_extras(priority, staged, credit)
    history, found = read_snapshots(inputs.snapshots)
    issues += found
    previous = history[history["month"] == previous_month_key(day)]
    aging = provision_totals(aging_table(staged, policy, previous), staged)
    snapshots = merge_snapshots(history, snapshot_rows(aging, day))
    return RefreshResult(day, policy, staged, customers, priority, aging, snapshots, tuple(issues),
                         plan_schedule, credit, tuple(notes), tuple(plans))


def _ledger_letters(sheet: RawSheet) -> dict[str, str]:
    """Column letters of the Ledger's known headers, to point issues at cells."""
    located, _ = locate_columns(sheet, i18n.LEDGER_COLUMNS, ())
    return dict(located.letters) if located is not None else {}


def _priority_extras(priority: pd.DataFrame, staged: pd.DataFrame, credit: pd.DataFrame) -> pd.DataFrame:
    """Per-customer interest, earliest limitation expiry, alerts, broken plans and credit flags."""
    groups = staged.groupby("customer_id")
    interest = groups["interest_fen"].sum(min_count=1) if len(staged) else pd.Series(dtype="Int64")
    open_rows = staged[staged["limitation_expiry"].notna() & (staged["open_fen"] > 0)]
    expiry = open_rows.groupby("customer_id")["limitation_expiry"].min()
    alert = staged.groupby("customer_id")["limitation_alert"].min() if len(staged) else pd.Series(dtype="Int64")
    broken = groups["plan_broken"].any() if len(staged) else pd.Series(dtype=bool)
    flags = credit.set_index("customer_id")[["over_limit", "red_line_breach"]] if len(credit) else None
    out = priority.copy()
    ids = out["customer_id"]
    out["interest_fen"] = pd.array(ids.map(interest).fillna(0).astype("int64"), dtype="Int64")
    out["earliest_expiry"] = pd.Series(expiry.astype("datetime64[ns]").reindex(ids).to_numpy(dtype="datetime64[ns]"),
                                       index=out.index)
    out["limitation_alert"] = pd.array(ids.map(alert), dtype="Int64")
    out["plan_broken"] = ids.map(broken).fillna(False).astype(bool)
    for flag in ("over_limit", "red_line_breach"):
        out[flag] = ids.map(flags[flag]).fillna(False).astype(bool) if flags is not None else False
    return out
