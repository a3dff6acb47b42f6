"""The limitation clock (诉讼时效) of every receivable, as prc-law-defaults.md specifies.

- **Anchor** = the latest of:
  - the due date;
  - the delivered date of a demand: a `demand delivered` event, or a Letters-log row of a
    demand kind (Policy `limitation_demand_letter_kinds`) with a delivered date; a letter
    that was sent but not delivered does not count;
  - the date of a debtor's act: acknowledgement, promise to pay, plan signed (Events sheet
    or a plan's signed date), or a partial payment (Payments sheet; without it, the
    ledger's Last Payment Date when something was paid).
- **Expiry** = anchor + `limitation_years` (3) calendar years; a Feb 29 anchor expires on
  Feb 28 of a common year.  Capped at due date + `limitation_cap_years` (20).
- **A demand interrupts the debt it claims** (SPC limitation provisions, art. 9): by default
  only the invoices it lists (a demand listing none claims the customer's whole debt).
  Policy `limitation_demand_scope` can widen that to the same contract or to the customer;
  both are opt-ins, since a later expiry than the truth is the dangerous error.
- **A demand only interrupts a running period.** A demand delivered after the period has
  already expired does not start it again, while a debtor's act always counts (agreeing to
  perform after expiry gives up the defence, Civil Code art. 192).
- **Proceedings freeze the clock.** `suit filed` / `payment order` events, or the ledger
  status `litigation`: the clock shows as frozen; if the proceedings started after the
  period had expired, the row shows as expired.  After a `judgment` event the date shown
  is the enforcement deadline: judgment date + `limitation_enforcement_years` (2).
- **Alerts.** Open receivables whose expiry is within `limitation_alert_days`
  (180/90/30) are warnings in Issues, as are expired ones.

Events dated after the as-of date are ignored.  Everything is vectorised; the only loop is
over the (few) demand events.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import Label
from ..issues import Issue, issue
from ..policy import Policy
from ..read import Inputs
from ..read.letter_log import LetterLog, kind_code
from ..sheet_rows import split_invoices
from . import State
from .plans import plan_invoices
KINDS = ("demand", "debtor", "proceedings", "judgment")
EVENT_KIND = {
    "demand_delivered": "demand", "acknowledgement": "debtor", "promise_to_pay": "debtor",
    "plan_signed": "debtor", "suit_filed": "proceedings", "payment_order": "proceedings",
    "judgment": "judgment",
}


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Calendar months later, clipped to the last day of the target month (Jan 31 + 1 month = Feb 28
    or 29; Feb 29 + 12 months = Feb 28 in a common year).  NaT stays NaT.  Pure numpy, once per
    distinct date: a ledger's million rows have a few thousand dates, and calendar-month
    conversions are the costly part."""
    codes, distinct = pd.factorize(dates.to_numpy(dtype="datetime64[ns]"))     # NaT: code -1
    days = distinct.astype("datetime64[D]")
    start = days.astype("datetime64[M]")
    offset = (days - start.astype("datetime64[D]")).astype("int64")
    target = start + int(months)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    later = (target.astype("datetime64[D]") + np.minimum(offset, length - 1)).astype("datetime64[ns]")
    result = np.append(later, np.datetime64("NaT", "ns"))[codes]                 # code -1: the NaT appended
    return pd.Series(result, index=dates.index)


def add_years(dates: pd.Series, years: int) -> pd.Series:
    """Calendar years later; Feb 29 becomes Feb 28 when the target year has none.  NaT stays NaT."""
    return add_months(dates, int(years) * 12)


# ----- acts: what interrupts, freezes or ends the clock --------------------------------------------------------------------------------
def empty_acts() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype=object), "invoices": pd.Series(dtype=object),
                         "date": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=object),
                         "event": pd.Series(dtype=object)})


def delivered_demands(log: LetterLog, policy: Policy) -> tuple[pd.DataFrame, list[Issue]]:
    """Demand letters of the Letters · 函件记录 log that were delivered, as `demand` acts.

    A row counts when its kind is one of Policy `limitation_demand_letter_kinds` (by code or by
    either language's title) and its Delivered Date is filled; rows never delivered, void or
    returned are ignored.
    An unreadable delivered date is a warning.
    """
    entries = log.entries
    if not len(entries) or not {"kind", "customer_id", "delivered_date"} <= set(log.letters):
        return empty_acts(), []
    kinds = {kind_code(code) for code in policy["limitation_demand_letter_kinds"]}
    customer = entries["customer_id"].where(entries["customer_id"].astype(bool), None)
    is_demand = entries["kind"].isin(kinds) & customer.notna() & ~entries["status"].isin(("void", "returned"))
    typed = entries["delivered_date"]
    filled = typed.map(lambda v: isinstance(v, str) and bool(v.strip())).astype(bool)
    bad = is_demand & filled & entries["delivered_on"].isna()
    found = [issue("warning", log.sheet_name, f"{log.letters['delivered_date']}{row}", "date_unrecognised",
                   value=text) for row, text in typed[bad].items()]
    use = is_demand & entries["delivered_on"].notna()
    frame = pd.DataFrame({
        "customer_id": customer[use].astype(object).to_numpy(),
        "invoices": [split_invoices(v if isinstance(v, str) else None) for v in entries["invoices"][use]],
        "date": entries["delivered_on"][use].to_numpy(),
        "kind": "demand",
        "event": "demand_delivered",
    })
    return frame, found


def payment_acts(detail: pd.DataFrame, payments: pd.DataFrame | None) -> pd.DataFrame:
    """Partial payments as debtor acts on the paid invoice: every Payments row, and for invoices
    without Payments rows the ledger's Last Payment Date when something was paid."""
    listed = set(payments["invoice_no"]) if payments is not None else set()
    acts = []
    if listed:
        known = payments[payments["invoice_no"].isin(set(detail["invoice_no"]))]
        owner = dict(zip(detail["invoice_no"], detail["customer_id"]))
        acts.append(pd.DataFrame({"customer_id": known["invoice_no"].map(owner).astype(object).to_numpy(),
                                  "invoices": [(inv,) for inv in known["invoice_no"]],
                                  "date": known["date"].to_numpy(), "kind": "debtor", "event": "payment"}))
    paid = detail[(detail["paid_fen"] > 0) & detail["last_payment_date"].notna() & ~detail["invoice_no"].isin(listed)]
    acts.append(pd.DataFrame({"customer_id": paid["customer_id"].astype(object).to_numpy(),
                              "invoices": [(inv,) for inv in paid["invoice_no"]],
                              "date": paid["last_payment_date"].to_numpy(), "kind": "debtor", "event": "payment"}))
    return pd.concat(acts, ignore_index=True) if len(acts) > 1 else acts[0]


def plan_acts(plan_invoices: pd.DataFrame | None) -> pd.DataFrame:
    """Plan signatures as debtor acts on the plan's invoices (plans with a signed date)."""
    if plan_invoices is None or not len(plan_invoices):
        return empty_acts()
    signed = plan_invoices[plan_invoices["signed_date"].notna()]
    return pd.DataFrame({"customer_id": signed["customer_id"].astype(object).to_numpy(),
                         "invoices": [(inv,) for inv in signed["invoice_no"]],
                         "date": signed["signed_date"].to_numpy(), "kind": "debtor", "event": "plan_signed"})


# ----- expanding acts to receivables ------------------------------------------------------------------
def _expand(acts: pd.DataFrame, detail: pd.DataFrame, scope: str) -> pd.DataFrame:
    """(pos, date, kind, event) rows: which receivable (position in `detail`) each act touches."""
    if not len(acts):
        return pd.DataFrame({"pos": pd.Series(dtype="int64"), "date": pd.Series(dtype="datetime64[ns]"),
                             "kind": pd.Series(dtype=object), "event": pd.Series(dtype=object)})
    receivables = pd.DataFrame({"pos": np.arange(len(detail)), "customer_id": detail["customer_id"].to_numpy(),
                                "invoice_no": detail["invoice_no"].to_numpy(),
                                "contract_no": detail["contract_no"].to_numpy() if "contract_no" in detail
                                else None})
    acts = acts.reset_index(drop=True)
    acts["act"] = np.arange(len(acts))
    named = acts["invoices"].map(lambda v: v is not None)
    widen = named & (acts["kind"] == "demand") & (scope == "customer")
    whole = acts[~named | widen]
    pairs = [whole[["act", "customer_id", "date", "kind", "event"]].merge(
        receivables[["pos", "customer_id"]], on="customer_id")[["pos", "date", "kind", "event"]]]
    listed = acts[named & ~widen].explode("invoices").rename(columns={"invoices": "invoice_no"})
    listed = listed[listed["invoice_no"].notna()]
    hits = listed.merge(receivables, on=["customer_id", "invoice_no"])
    pairs.append(hits[["pos", "date", "kind", "event"]])
    if scope == "contract":
        demands = hits[(hits["kind"] == "demand") & hits["contract_no"].notna()]
        same = demands[["customer_id", "contract_no", "date", "kind", "event"]].merge(
            receivables[receivables["contract_no"].notna()], on=["customer_id", "contract_no"])
        pairs.append(same[["pos", "date", "kind", "event"]])
    out = pd.concat(pairs, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.drop_duplicates().reset_index(drop=True)


def _anchor(pairs: pd.DataFrame, due: pd.Series, cutoff: pd.Series, cap: pd.Series, years: int
            ) -> tuple[pd.Series, pd.Series]:
    """The latest valid interruption (or the due date) of each receivable, acts up to `cutoff`,
    and the event code of that interruption (None where the due date is the anchor)."""
    events = pd.Series(None, index=due.index, dtype=object)
    relevant = pairs[pairs["kind"].isin(("demand", "debtor"))].copy()
    relevant["due"] = due.to_numpy()[relevant["pos"].to_numpy()]
    relevant["cutoff"] = cutoff.to_numpy()[relevant["pos"].to_numpy()]
    relevant = relevant[(relevant["date"] > relevant["due"]) & (relevant["date"] <= relevant["cutoff"])]
    if not len(relevant):
        return due.copy(), events
    # Debtor acts before demands on the same day; each debtor act opens a new segment.
    relevant["order"] = (relevant["kind"] == "demand").astype("int64")
    relevant = relevant.sort_values(["pos", "date", "order"], kind="mergesort").reset_index(drop=True)
    debtor = relevant["kind"] == "debtor"
    relevant["segment"] = debtor.astype("int64").groupby(relevant["pos"]).cumsum()
    groups = [relevant["pos"], relevant["segment"]]
    # A demand counts when delivered before the period running from the previous valid act
    # expired; after a late demand, later demands of the same segment are late too.
    previous = relevant.groupby(["pos", "segment"])["date"].shift(1).fillna(relevant["due"])
    limit = add_years(previous, years)
    pos_cap = cap.to_numpy(dtype="datetime64[ns]")[relevant["pos"].to_numpy()]
    limit = pd.Series(np.minimum(limit.to_numpy(dtype="datetime64[ns]"), pos_cap), index=relevant.index)
    in_time = (debtor | (relevant["date"] <= limit)).astype("int64")
    valid = (in_time.groupby(groups).cummin() > 0) | debtor
    latest = relevant[valid].groupby("pos").tail(1)      # sorted by date: the last act of each receivable
    positions = latest["pos"].to_numpy()
    anchor = due.copy()
    anchor.iloc[positions] = latest["date"].to_numpy(dtype="datetime64[ns]")
    events.iloc[positions] = latest["event"].to_numpy()
    return anchor, events


# ----- the clock -----------------------------------------------------------------------------------
def limitation_clock(detail: pd.DataFrame, as_of: dt.date, policy: Policy, acts: pd.DataFrame
                     ) -> pd.DataFrame:
    """Per receivable of `detail` (aged, staged): limitation_anchor, limitation_event (the event code
    of the act that last interrupted the period, None when it runs from the due date),
    limitation_expiry, limitation_days_left (Int64), limitation_state (running / frozen / expired /
    judgment / closed) and limitation_alert (the alert threshold reached, 0 = expired, <NA> = none)."""
    n = len(detail)
    index = detail.index
    due = pd.Series(detail["due_date"].to_numpy(dtype="datetime64[ns]"))
    as_of_ts = pd.Timestamp(as_of)
    years, cap_years = int(policy["limitation_years"]), int(policy["limitation_cap_years"])
    pairs = _expand(acts, detail, policy["limitation_demand_scope"])
    pairs = pairs[pairs["date"] <= as_of_ts]

    def per_pos(frame: pd.DataFrame, how: str) -> pd.Series:
        values = frame.groupby("pos")["date"].agg(how) if len(frame) else pd.Series(dtype="datetime64[ns]")
        return pd.Series(values.reindex(np.arange(n)).to_numpy(dtype="datetime64[ns]"))

    freeze = per_pos(pairs[pairs["kind"] == "proceedings"], "min")
    judgment = per_pos(pairs[pairs["kind"] == "judgment"], "max")
    cutoff = freeze.fillna(as_of_ts)
    cap = add_years(due, cap_years)

    anchor, event = _anchor(pairs, due, cutoff, cap, years)
    expiry = pd.Series(np.minimum(add_years(anchor, years).to_numpy(dtype="datetime64[ns]"),
                                  cap.to_numpy(dtype="datetime64[ns]")))

    stage = detail["stage"].to_numpy()
    closed = (stage == "CLOSED") | (stage == "CREDIT")
    litigation = detail["status"].to_numpy() == "litigation"
    frozen = freeze.notna().to_numpy() | litigation
    late_suit = freeze.notna().to_numpy() & (freeze > expiry).to_numpy()
    judged = judgment.notna().to_numpy()
    enforcement = add_years(judgment, int(policy["limitation_enforcement_years"]))
    state = np.select([closed, judged, frozen & ~late_suit], ["closed", "judgment", "frozen"], default="running")
    shown = pd.Series(np.where(state == "judgment", enforcement, expiry).astype("datetime64[ns]"))
    shown = shown.mask((state == "closed") | (state == "frozen"))
    days_left = (shown - as_of_ts).dt.days.astype("Int64")
    state = np.where((state == "running") & (days_left.fillna(0).to_numpy() < 0), "expired", state)

    thresholds = sorted(int(v) for v in policy["limitation_alert_days"])
    alert = pd.Series(pd.NA, index=range(n), dtype="Int64")
    for threshold in reversed(thresholds):
        alert = alert.mask(((days_left >= 0) & (days_left <= threshold)).fillna(False).astype(bool), threshold)
    alert = alert.mask(pd.Series(state == "expired"), 0)
    open_rows = pd.Series(~closed & (detail["open_fen"].to_numpy() > 0))
    alert = alert.where(open_rows)
    return pd.DataFrame({
        "limitation_anchor": anchor.where(pd.Series(~closed)).to_numpy(dtype="datetime64[ns]"),
        "limitation_event": event.where(pd.Series(~closed)).to_numpy(dtype=object),
        "limitation_expiry": shown.to_numpy(dtype="datetime64[ns]"),
        "limitation_days_left": pd.array(days_left, dtype="Int64"),
        "limitation_state": state.astype(object),
        "limitation_alert": pd.array(alert, dtype="Int64"),
    }, index=index)


def alert_issues(detail: pd.DataFrame, ledger_sheet: str, letter: str) -> list[Issue]:
    """One warning per open receivable within an alert window or already expired (Invoice No cell)."""
    flagged = detail[detail["limitation_alert"].notna()]
    if not len(flagged):
        return []
    dates = flagged["limitation_expiry"].dt.strftime("%Y-%m-%d").to_numpy()
    cells = (letter + flagged["row"].astype("int64").astype(str)).to_numpy()
    kinds = np.where(flagged["limitation_alert"].to_numpy(dtype="int64", na_value=-1) == 0, "limitation_expired",
                     np.where(flagged["limitation_state"].to_numpy() == "judgment", "enforcement_alert",
                              "limitation_alert"))
    messages = {code: i18n.MESSAGES[code] for code in ("limitation_expired", "enforcement_alert", "limitation_alert")}
    issues = []
    for code, cell, invoice, date, days, limit in zip(
            kinds, cells, flagged["invoice_no"].to_numpy(), dates,
            flagged["limitation_days_left"].to_numpy(dtype="int64", na_value=0),
            flagged["limitation_alert"].to_numpy(dtype="int64", na_value=0)):
        template = messages[code]
        values = {"invoice": invoice, "date": date, "days": days, "limit": limit}
        issues.append(Issue("warning", ledger_sheet, cell,
                            Label(template.en.format(**values), template.zh.format(**values))))
    return issues


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The limitation pass: the clock of every row from every act, and an alert per row near or past expiry."""
    detail, policy = state.detail, inputs.policy
    events = inputs.events.copy()
    events.insert(3, "kind", events["event"].map(EVENT_KIND).astype(object))
    demands, issues = delivered_demands(inputs.letters, policy)
    acts = pd.concat([frame for frame in (events, demands, payment_acts(detail, inputs.payments),
                                          plan_acts(plan_invoices(list(state.plans)))) if len(frame)] or [events],
                     ignore_index=True)
    detail = detail.join(limitation_clock(detail, state.as_of, policy, acts))
    issues += alert_issues(detail, inputs.ledger.sheet, inputs.ledger.letters.get("invoice_no", ""))
    return replace(state, detail=detail), tuple(issues)
