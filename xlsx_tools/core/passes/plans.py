"""Installment and extension plans: the Plans sheet, exact schedules, tracking, broken plans.

**Plans · 分期计划**, one row per plan: plan no, customer, the invoices covered (a list, or
`all` for every open invoice of the customer), total, signed date (optional), first due
date, number of installments, interval days, interest-free installments, daily rate,
prepayment share and plan type (`installment` 分期, default, or `extension` 展期).
Blank optional cells take the Policy defaults.

**Schedule.**
- Installment k is due on first due date + (k - 1) × interval.
- Principal: with a prepayment share p, installment 1 is p × total (rounded half up to the
  fen) and the rest is split evenly over the other installments; without one the total is
  split evenly.  Each even part is rounded half up; the last installment absorbs the
  rounding, so the installments sum exactly to the total.
- Interest / fee, on the declining balance: installment k carries the principal still
  unpaid before it × daily rate × the days since the previous due date (the plan start for
  k = 1; the start is the signed date, else first due date - interval).
  - `installment` plans: the first `interest-free` installments (Policy, 3) carry none; later
    ones use the plan's daily rate (Policy `plan_daily_rate`, 0.02 %/day).
  - `extension` plans (term adjustment + fee): every installment carries the
    fund-occupation fee (Policy `extension_fee_daily_rate`, 0.03 %/day).
  - Each fee is exact and rounded half up once.

**Tracking.** Payments of the plan (Payments rows naming the plan, or naming one of its
invoices, dated from the plan start to the as-of date) pay installments in order.  An
installment still not fully paid `plan_grace_days` (7) days after its due date breaks the
plan: its invoices leave PLAN and go back to the ladder by their original due dates, flagged
`plan broken`.  Without a Payments sheet the amount paid is the plan total less the open
amount of its invoices, compared with the principal due.

Invoices of an active plan are PLAN even without the ledger status `plan` (litigation,
hold and disputes still take precedence, as in the contract's overlays).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from .. import i18n
from ..issues import Issue, in_row_order, issue
from ..policy import Policy
from ..read import Inputs
from ..read.plans import PlanRow, PlanTerms
from . import State
from .interest import round_fraction
from .stages import ladder_stage

# ----- schedule ------------------------------------------------------------------------------------
def _half_up_div(numerator: int, denominator: int) -> int:
    return round_fraction(Fraction(numerator, denominator))


def split_evenly(total_fen: int, parts: int) -> list[int]:
    """`parts` amounts summing exactly to `total_fen`: each rounded half up, the last absorbs the rest."""
    if parts <= 0:
        return []
    each = _half_up_div(total_fen, parts)
    if (parts - 1) * each > total_fen:          # only for totals of a few fen
        each = total_fen // parts
    return [each] * (parts - 1) + [total_fen - each * (parts - 1)]


def split_principal(total_fen: int, installments: int, prepayment: Decimal | None = None) -> list[int]:
    """Principal per installment; with a prepayment share the first one is that share of the total."""
    if prepayment is None or installments < 2:
        return split_evenly(total_fen, installments)
    first = round_fraction(Fraction(total_fen) * Fraction(prepayment))
    return [first] + split_evenly(total_fen - first, installments - 1)


def schedule(terms: PlanTerms) -> pd.DataFrame:
    """installment, due_date, principal_fen, fee_fen, amount_fen for one plan."""
    principal = split_principal(terms.total_fen, terms.installments, terms.prepayment)
    dues = [terms.first_due + dt.timedelta(days=terms.interval_days * k) for k in range(terms.installments)]
    free = 0 if terms.plan_type == "extension" else terms.interest_free
    rate = Fraction(terms.daily_rate)
    fees = []
    balance = terms.total_fen
    previous = terms.start
    for k, (part, due) in enumerate(zip(principal, dues), start=1):
        days = max((due - previous).days, 0)
        fees.append(0 if k <= free else round_fraction(balance * rate * days))
        balance -= part
        previous = due
    frame = pd.DataFrame({
        "installment": np.arange(1, terms.installments + 1, dtype="int64"),
        "due_date": pd.to_datetime(dues).astype("datetime64[ns]"),
        "principal_fen": np.asarray(principal, dtype="int64"),
        "fee_fen": np.asarray(fees, dtype="int64"),
    })
    frame["amount_fen"] = frame["principal_fen"] + frame["fee_fen"]
    return frame


# ----- tracking ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanTracking:
    status: str                      # active / completed / broken
    broken_installment: int | None
    paid_fen: tuple[int, ...]        # allocated to each installment
    installment_status: tuple[str, ...]


def track(terms: PlanTerms, plan: pd.DataFrame, payments: list[tuple[dt.date, int]] | None,
          as_of: dt.date, grace_days: int, paid_without_dates: int = 0) -> PlanTracking:
    """Allocate payments to installments in order and decide whether the plan is broken.

    `payments` are (date, fen) of the plan; None means no Payments sheet, in which case
    `paid_without_dates` (principal paid so far) is compared with the principal due.
    """
    grace = dt.timedelta(days=grace_days)
    dues = [day.date() for day in plan["due_date"]]
    if payments is None:
        owed = list(plan["principal_fen"])
        paid_total = paid_without_dates

        def paid_by(_: dt.date) -> int:
            return paid_total
    else:
        owed = list(plan["amount_fen"])
        payments = sorted((day, cash) for day, cash in payments if terms.start <= day <= as_of)
        paid_total = sum(cash for _, cash in payments)

        def paid_by(day: dt.date) -> int:
            return sum(cash for when, cash in payments if when <= day)
    cumulative = np.cumsum(owed).tolist()
    broken = None
    for k, (due, needed) in enumerate(zip(dues, cumulative), start=1):
        deadline = due + grace
        if deadline < as_of and paid_by(deadline) < needed:
            broken = k
            break
    allocated, statuses, left = [], [], paid_total
    for due, amount in zip(dues, owed):
        part = min(left, amount)
        left -= part
        allocated.append(int(part))
        if part >= amount:
            statuses.append("paid")
        elif as_of > due + grace:
            statuses.append("overdue")
        elif as_of > due:
            statuses.append("due")
        elif part > 0:
            statuses.append("partly_paid")
        else:
            statuses.append("not_due")
    if broken is not None:
        status = "broken"
    elif all(s == "paid" for s in statuses):
        status = "completed"
    else:
        status = "active"
    return PlanTracking(status, broken, tuple(allocated), tuple(statuses))


def plan_invoices(plans: list[PlanTerms]) -> pd.DataFrame:
    """One row per (plan, invoice): plan_no, customer_id, invoice_no, signed_date."""
    rows = [(p.plan_no, p.customer_id, invoice, p.signed_date) for p in plans for invoice in p.invoices]
    frame = pd.DataFrame(rows, columns=["plan_no", "customer_id", "invoice_no", "signed_date"])
    frame["signed_date"] = pd.to_datetime(frame["signed_date"]).astype("datetime64[ns]")
    return frame


# ----- the plan pass ------------------------------------------------------------------------------
def apply_plans(staged: pd.DataFrame, plans: list[PlanTerms], payments: pd.DataFrame | None,
                as_of: dt.date, policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Schedules, tracking and the stage overlay.

    Returns the staged ledger with plan_no, plan_broken (bool) and adjusted stages, the
    schedule of every plan (plan_no, customer_id, installment, due_date, principal_fen,
    fee_fen, amount_fen, paid_fen, status, plan_status), and a warning per broken plan.
    """
    out = staged.copy(deep=False)
    out["plan_no"] = pd.Series(None, index=out.index, dtype=object)
    out["plan_broken"] = False
    grace = int(policy["plan_grace_days"])
    issues: list[Issue] = []
    parts = []
    position = pd.Series(out.index, index=out["invoice_no"])
    for terms in plans:
        plan = schedule(terms)
        rows = position.reindex(list(terms.invoices)).dropna().astype("int64").to_numpy()
        if payments is not None:
            mine = payments[(payments["plan_no"] == terms.plan_no)
                            | (payments["plan_no"].isna() & payments["invoice_no"].isin(terms.invoices))]
            entries = [(day.date(), int(cash)) for day, cash in zip(mine["date"], mine["amount_fen"])]
            tracking = track(terms, plan, entries, as_of, grace)
        else:
            open_now = int(out.loc[rows, "open_fen"].clip(lower=0).sum())
            tracking = track(terms, plan, None, as_of, grace, max(terms.total_fen - open_now, 0))
        plan["paid_fen"] = np.asarray(tracking.paid_fen, dtype="int64")
        plan["status"] = list(tracking.installment_status)
        plan["plan_status"] = tracking.status
        plan.insert(0, "customer_id", terms.customer_id)
        plan.insert(0, "plan_no", terms.plan_no)
        parts.append(plan)
        out.loc[rows, "plan_no"] = terms.plan_no
        if tracking.status == "broken":
            out.loc[rows, "plan_broken"] = True
            k = tracking.broken_installment
            due = plan["due_date"].iloc[k - 1].date().isoformat()
            issues.append(issue("warning", terms.sheet, terms.cell, "plan_broken", plan=terms.plan_no, n=k, due=due,
                                grace=grace))
    # Only the rows of plans are looked at (few among a million): kept plans on the ladder become
    # PLAN, a broken plan's PLAN rows go back to the ladder.
    broken = out["plan_broken"].to_numpy()
    stage = out["stage"].to_numpy().astype(object)
    kept = np.flatnonzero(out["plan_no"].notna().to_numpy() & ~broken)
    on_ladder = np.isin(stage[kept], i18n.LADDER_CODES) & (out["status"].to_numpy()[kept] != "litigation")
    stage[kept[on_ladder]] = "PLAN"
    back = np.flatnonzero(broken)
    back = back[stage[back] == "PLAN"]
    stage[back] = ladder_stage(out["days_past_due"].to_numpy()[back], policy)
    out["stage"] = pd.Series(stage, index=out.index, dtype=object)
    columns = ["plan_no", "customer_id", "installment", "due_date", "principal_fen", "fee_fen", "amount_fen",
               "paid_fen", "status", "plan_status"]
    table = pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame({c: [] for c in columns})
    return out, table, issues


def cover_invoices(rows: tuple[PlanRow, ...], ledger: pd.DataFrame) -> tuple[list[PlanTerms], list[Issue]]:
    """Each plan with the invoices it covers, and the problems found naming them.

    `ledger` is the detail with open amounts (`open_fen`); `all` covers the customer's
    invoices with an open amount > 0 that are not written off.  An invoice goes to the
    first plan naming it; a plan left with no invoice is an error (plan left out).
    """
    if not rows:
        return [], []
    owner = dict(zip(ledger["invoice_no"], ledger["customer_id"]))
    open_rows = ledger[(ledger["open_fen"] > 0) & (ledger["status"] != "written_off")]
    open_by_customer = open_rows.groupby("customer_id")["invoice_no"].agg(tuple).to_dict()
    taken: dict[str, str] = {}
    plans: list[PlanTerms] = []
    issues: list[Issue] = []
    for row in rows:
        terms = row.terms
        customer = terms.customer_id
        candidates = open_by_customer.get(customer, ()) if row.named is None else row.named
        covered = []
        for invoice in candidates:
            if owner.get(invoice) != customer:
                issues.append(issue("warning", terms.sheet, row.invoices_cell, "plan_invoice_unknown", value=invoice,
                                    customer=customer))
            elif invoice in taken:
                issues.append(issue("warning", terms.sheet, row.invoices_cell, "plan_invoice_twice", value=invoice,
                                    first=taken[invoice]))
            elif invoice not in covered:
                covered.append(invoice)
        if not covered:
            issues.append(issue("error", terms.sheet, row.invoices_cell, "plan_no_invoices", left_out=True,
                                value=row.invoices_text))
            continue
        for invoice in covered:
            taken[invoice] = terms.plan_no
        plans.append(replace(terms, invoices=tuple(covered)))
    return plans, issues


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The plan pass: each plan's invoices, schedule and tracking, and the PLAN stage overlay.

    Reports the Plans sheet's own issues too, in row order with those of its invoices.
    """
    plans, found = cover_invoices(inputs.plans.rows, state.detail)
    detail, table, broken = apply_plans(state.detail, plans, inputs.payments, state.as_of, inputs.policy)
    issues = in_row_order([*inputs.plans.issues, *found]) + broken
    return replace(state, detail=detail, plans=tuple(plans), plan_schedule=table), tuple(issues)
