"""Which letters a refresh result calls for, and which are skipped with a reason (pure)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from .. import i18n
from ..i18n import Label
from ..policy import Policy
from ..read.fx import to_cny_fen
from ..read.letter_log import LetterLog
from ..sheet_rows import split_invoices
from ..refresh import RefreshResult

KINDS: tuple[str, ...] = tuple(i18n.LETTER_KINDS)
STAGE_KINDS: tuple[str, ...] = ("confirmation", "reminder", "demand", "lawyer")
DEFAULT_KINDS = STAGE_KINDS                 # case reviews, plan agreements and legal drafts only on request
LEGAL_KINDS = ("evidence", "payment_order")  # the S5 hand-off to the legal department (Policy stages)
ON_REQUEST_KINDS = ("case_review", "plan") + LEGAL_KINDS
PRE_DUE_KINDS = ("confirmation", "reminder")


def _msg(code: str, **values: object) -> Label:
    return i18n.LETTER_MESSAGES[code].format(**values)


@dataclass(frozen=True)
class LetterJob:
    """A letter the batch will write (numbered later)."""

    kind: str
    customer_id: str
    customer_name: str
    stage: str
    invoice_nos: tuple[str, ...]
    total_fen: int                  # in CNY (foreign invoices at the as-of rate, issue 12)
    case_ref: str = ""


@dataclass(frozen=True)
class LetterNote:
    """A letter not written: skipped (nothing to do) or failed (something is wrong)."""

    kind: str
    customer_id: str
    reason: Label
    letter_no: str = ""


def kind_stages(policy: Policy, kind: str) -> frozenset[str]:
    return frozenset(str(code).strip().upper() for code in policy[f"letters_{kind}_stages"])


def _months_before(day: dt.date, months: int) -> pd.Timestamp:
    return pd.Timestamp(day) - pd.DateOffset(months=months)


def new_customers(result: RefreshResult) -> set[str]:
    """Customers whose first trade is less than `new_customer_months` before the as-of date.

    Without a First Trade Date, the earliest invoice date in the ledger stands in.
    """
    first = result.detail.groupby("customer_id")["invoice_date"].min().astype("datetime64[ns]")
    if "first_trade_date" in result.customers and len(result.customers):
        known = result.customers["first_trade_date"].dropna().astype("datetime64[ns]")
        first = known.combine_first(first)
    cutoff = _months_before(result.as_of, int(result.policy["new_customer_months"]))
    return set(first[first > cutoff].index)


def due_window(policy: Policy, kind: str) -> tuple[int, int]:
    """(nearest, farthest) days before due that a pre-due letter of `kind` covers, e.g. (7, 15)."""
    far, near = int(policy[f"letters_{kind}_from_days"]), int(policy[f"letters_{kind}_to_days"])
    return min(near, far), max(near, far)


def _rows_for(detail: pd.DataFrame, kind: str, stages: frozenset[str], policy: Policy,
              day: dt.date) -> pd.DataFrame:
    live = detail[detail["open_fen"] > 0]
    if kind in PRE_DUE_KINDS:
        near, far = due_window(policy, kind)
        days_to_due = (live["due_date"] - pd.Timestamp(day)).dt.days
        return live[live["stage"].isin(stages) & days_to_due.between(near, far)]
    if kind in ("demand", "lawyer") + LEGAL_KINDS:
        return overdue_rows(live)
    return live[live["stage"].isin(i18n.LADDER_CODES + ("PLAN", "HOLD"))]


def overdue_rows(detail: pd.DataFrame) -> pd.DataFrame:
    """The open receivables a demand claims: overdue, on the collection ladder (not on hold or in a plan)."""
    live = detail[detail["open_fen"] > 0]
    return live[live["stage"].isin(i18n.LADDER_CODES) & (live["days_past_due"] >= 1)]


def in_cooldown(log: LetterLog, customer_id: str, kind: str, stage: str, day: dt.date,
                days: int) -> pd.Series | None:
    """The latest non-void log entry for customer+kind+stage dated less than `days` before `day`."""
    entries = log.entries
    if not len(entries):
        return None
    same = entries[(entries["customer_id"] == customer_id) & (entries["kind"] == kind)
                   & (entries["stage"] == stage) & (entries["status"] != "void") & entries["date"].notna()]
    if not len(same):
        return None
    age = (pd.Timestamp(day) - same["date"]).dt.days
    recent = same[age < days]
    if not len(recent):
        return None
    return recent.sort_values("date").iloc[-1]


def _logged_today(log: LetterLog, day: dt.date) -> dict[str, list[tuple[str | Label, set[str]]]]:
    """Per customer, (letter no, invoice nos) of the non-void letters already logged on `day`."""
    entries = log.entries
    found: dict[str, list[tuple[str | Label, set[str]]]] = {}
    if not len(entries):
        return found
    today = entries[(entries["status"] != "void") & (entries["date"] == pd.Timestamp(day))]
    for entry in today.itertuples(index=False):
        invoices = set(split_invoices(entry.invoices) or ())
        found.setdefault(str(entry.customer_id), []).append((str(entry.letter_no), invoices))
    return found


def plan_letters(result: RefreshResult, log: LetterLog, cases: pd.DataFrame | None = None, *,
                 kinds: Sequence[str] | None = None, customers: Sequence[str] | None = None
                 ) -> tuple[list[LetterJob], list[LetterNote]]:
    """Letters due at `result.as_of`, in priority order, and those skipped with reasons.

    `kinds` defaults to the stage-triggered kinds; case reviews and plan agreements only when asked for.
    `customers` restricts the batch; a requested customer with nothing due is reported.
    """
    policy, day = result.policy, result.as_of
    wanted_kinds = tuple(kinds) if kinds else DEFAULT_KINDS
    unknown = [k for k in wanted_kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown letter kind(s): {', '.join(unknown)} (known: {', '.join(KINDS)})")
    wanted_customers = None if not customers else {str(c).strip() for c in customers}
    cooldown = int(policy["letters_cooldown_days"])
    jobs: list[LetterJob] = []
    notes: list[LetterNote] = []
    detail = result.detail
    by_customer = dict(tuple(detail.groupby("customer_id", sort=False))) if len(detail) else {}
    priority = result.priority
    newcomers = new_customers(result) if "reminder" in wanted_kinds else set()
    served: set[str] = set()
    today = _logged_today(log, day)
    for row in priority.itertuples(index=False):
        customer_id = str(row.customer_id)
        if wanted_customers is not None and customer_id not in wanted_customers:
            continue
        rows = by_customer.get(row.customer_id, detail.iloc[0:0])
        name = row.customer_name if isinstance(row.customer_name, str) else customer_id
        for kind in wanted_kinds:
            if kind in ON_REQUEST_KINDS and kind not in LEGAL_KINDS:
                continue
            stages = kind_stages(policy, kind)
            if row.stage not in stages:
                continue
            if kind == "reminder" and not (bool(row.high_risk) or customer_id in newcomers):
                continue
            concerned = _rows_for(rows, kind, stages, policy, day)
            if kind in LEGAL_KINDS and not len(concerned):
                served.add(customer_id)
                notes.append(LetterNote(kind, customer_id, _msg("no_overdue", customer=customer_id)))
                continue
            if not len(concerned):
                continue
            served.add(customer_id)
            if kind == "payment_order":
                reasons = dispute_reasons(result, customer_id)
                if reasons:
                    notes.append(LetterNote(kind, customer_id, _msg("disputed", customer=customer_id,
                                                                    reason=join_labels(reasons))))
                    continue
            recent = in_cooldown(log, customer_id, kind, row.stage, day, cooldown)
            if recent is not None:
                notes.append(LetterNote(kind, customer_id, _msg(
                    "cooldown", kind=i18n.LETTER_KINDS[kind], customer=customer_id, stage=row.stage,
                    date=pd.Timestamp(recent["date"]).date().isoformat(), letter_no=recent["letter_no"],
                    days=cooldown), recent["letter_no"]))
                continue
            # legal drafts go to the legal department, not the customer: the one-letter-a-day rule is not theirs
            concerned, repeated = (concerned, None) if kind in LEGAL_KINDS else \
                _drop_same_day(concerned, today.get(customer_id, []))
            if repeated is not None:
                notes.append(LetterNote(kind, customer_id, _msg(
                    "same_day_invoices", customer=customer_id, invoices=", ".join(repeated[1]),
                    letter_no=repeated[0]), repeated[0] if isinstance(repeated[0], str) else ""))
                if not len(concerned):
                    continue
            job = LetterJob(kind, customer_id, name, row.stage, tuple(concerned["invoice_no"].astype(str)),
                            int(concerned["open_cny_fen"].sum()))
            jobs.append(job)
            today.setdefault(customer_id, []).append((_msg("this_batch", kind=i18n.LETTER_KINDS[kind]),
                                                      set(job.invoice_nos)))
    if "case_review" in wanted_kinds:
        jobs_cases, notes_cases = _plan_case_reviews(result, log, cases, wanted_customers)
        jobs += jobs_cases
        notes += notes_cases
        served |= {job.customer_id for job in jobs_cases} | {n.customer_id for n in notes_cases}
    if "plan" in wanted_kinds:
        jobs_plans, notes_plans = _plan_agreements(result, log, wanted_customers)
        jobs += jobs_plans
        notes += notes_plans
        served |= {job.customer_id for job in jobs_plans} | {n.customer_id for n in notes_plans}
    if wanted_customers is not None:
        stage_of = dict(zip(priority["customer_id"].astype(str), priority["stage"]))
        for customer_id in sorted(wanted_customers - served):
            if customer_id in stage_of:
                notes.append(LetterNote("", customer_id, _msg("no_letter_due", customer=customer_id,
                                                              stage=stage_of[customer_id])))
            elif not set(wanted_kinds) <= set(ON_REQUEST_KINDS):
                notes.append(LetterNote("", customer_id, _msg("not_in_ledger", customer=customer_id)))
    return jobs, notes


def dispute_reasons(result: RefreshResult, customer_id: str) -> list[Label]:
    """Why a customer's debt counts as disputed (empty: undisputed): each Contacts row with outcome
    `dispute` up to the as-of date, and each open Ledger row with status `disputed`."""
    reasons: list[Label] = []
    contacts = result.contacts
    if len(contacts):
        said = contacts[(contacts["customer_id"] == customer_id) & (contacts["outcome"] == "dispute")
                        & (contacts["contact_date"] <= pd.Timestamp(result.as_of))]
        reasons += [_msg("dispute_contact", row=int(r.row), date=pd.Timestamp(r.contact_date).date().isoformat())
                    for r in said.itertuples(index=False)]
    detail = result.detail
    held = detail[(detail["customer_id"] == customer_id) & (detail["status"] == "disputed") & (detail["open_fen"] > 0)]
    reasons += [_msg("dispute_ledger", invoice=str(no)) for no in held["invoice_no"]]
    return reasons


def join_labels(labels: Sequence[Label]) -> Label:
    return Label("; ".join(label.en for label in labels), "；".join(label.zh for label in labels))


def _drop_same_day(concerned: pd.DataFrame, earlier: list[tuple[str | Label, set[str]]]
                   ) -> tuple[pd.DataFrame, tuple[str | Label, list[str]] | None]:
    """The rows no letter of today already names, and (letter no, invoices) of the first overlap."""
    repeated = None
    for letter_no, invoices in earlier:
        overlap = concerned["invoice_no"].astype(str).isin(invoices)
        if overlap.any():
            if repeated is None:
                repeated = (letter_no, sorted(concerned.loc[overlap, "invoice_no"].astype(str)))
            concerned = concerned[~overlap]
    return concerned, repeated


def _plan_case_reviews(result: RefreshResult, log: LetterLog, cases: pd.DataFrame | None,
                       wanted: set[str] | None) -> tuple[list[LetterJob], list[LetterNote]]:
    jobs: list[LetterJob] = []
    notes: list[LetterNote] = []
    if cases is None or not len(cases):
        for customer_id in sorted(wanted or ()):
            notes.append(LetterNote("case_review", customer_id, _msg("no_cases", customer=customer_id)))
        return jobs, notes
    entries = log.entries
    done = entries[(entries["kind"] == "case_review") & (entries["status"] != "void")] if len(entries) else entries
    done_refs = dict(zip(done["case_ref"], done["letter_no"])) if len(done) else {}
    stage_of = dict(zip(result.priority["customer_id"].astype(str), result.priority["stage"]))
    detail = result.detail
    seen: set[str] = set()
    for case in cases.itertuples(index=False):
        customer_id = str(case.customer_id)
        if wanted is not None and customer_id not in wanted:
            continue
        seen.add(customer_id)
        if case.case_ref in done_refs:
            notes.append(LetterNote("case_review", customer_id, _msg("case_done", case=case.case_ref,
                                                                     letter_no=done_refs[case.case_ref]),
                                    done_refs[case.case_ref]))
            continue
        if case.case_ref in {job.case_ref for job in jobs}:
            continue
        rows = detail[(detail["customer_id"] == customer_id) & (detail["open_fen"] > 0)]
        name = case.customer_name or _customer_name(result, customer_id)
        jobs.append(LetterJob("case_review", customer_id, name, stage_of.get(customer_id, ""),
                              tuple(rows["invoice_no"].astype(str)), int(case.recovered_fen), case.case_ref))
    for customer_id in sorted((wanted or set()) - seen):
        notes.append(LetterNote("case_review", customer_id, _msg("no_cases", customer=customer_id)))
    return jobs, notes


def _plan_agreements(result: RefreshResult, log: LetterLog, wanted: set[str] | None
                     ) -> tuple[list[LetterJob], list[LetterNote]]:
    """One agreement per valid Plans row not yet rendered (a non-void `plan` log row with its plan no)."""
    jobs: list[LetterJob] = []
    notes: list[LetterNote] = []
    entries = log.entries
    done = entries[(entries["kind"] == "plan") & (entries["status"] != "void")] if len(entries) else entries
    done_refs = dict(zip(done["case_ref"], done["letter_no"])) if len(done) else {}
    stage_of = dict(zip(result.priority["customer_id"].astype(str), result.priority["stage"]))
    seen: set[str] = set()
    for terms in result.plans:
        customer_id = str(terms.customer_id)
        if wanted is not None and customer_id not in wanted:
            continue
        seen.add(customer_id)
        if terms.plan_no in done_refs:
            notes.append(LetterNote("plan", customer_id, _msg("plan_done", plan=terms.plan_no,
                                                              letter_no=done_refs[terms.plan_no]),
                                    done_refs[terms.plan_no]))
            continue
        broken = _broken_installment(result.plan_schedule, terms.plan_no)
        if broken is not None:
            notes.append(LetterNote("plan", customer_id, _msg("plan_broken", plan=terms.plan_no,
                                                              installment=broken)))
            continue
        jobs.append(LetterJob("plan", customer_id, _customer_name(result, customer_id), stage_of.get(customer_id, ""),
                              tuple(terms.invoices), _plan_total_cny(result, terms), terms.plan_no))
    for customer_id in sorted((wanted or set()) - seen):
        notes.append(LetterNote("plan", customer_id, _msg("no_plans", customer=customer_id)))
    return jobs, notes


def _broken_installment(schedule: pd.DataFrame, plan_no: str) -> int | None:
    """The first overdue installment of a plan that refresh reports as broken, else None."""
    if not len(schedule):
        return None
    rows = schedule[(schedule["plan_no"] == plan_no) & (schedule["plan_status"] == "broken")]
    if not len(rows):
        return None
    overdue = rows[rows["status"] == "overdue"]
    return int((overdue if len(overdue) else rows)["installment"].min())


def _customer_name(result: RefreshResult, customer_id: str) -> str:
    customers = result.customers
    if customer_id in customers.index:
        name = customers.loc[customer_id, "customer_name"]
        if isinstance(name, str) and name:
            return name
    names = result.detail.loc[result.detail["customer_id"] == customer_id, "customer_name"].dropna()
    return str(names.iloc[0]) if len(names) else customer_id


def _plan_total_cny(result: RefreshResult, terms) -> int:
    """A plan's total in CNY, as every job's total is (a plan is in one currency: its invoices' rate
    converts it; when its invoices were left out for want of a rate it counts 0)."""
    if "fx_rate" not in result.detail:
        return int(terms.total_fen)
    rates = result.detail.loc[result.detail["invoice_no"].astype(str).isin(terms.invoices), "fx_rate"]
    return to_cny_fen(int(terms.total_fen), rates.iloc[0]) if len(rates) else 0
