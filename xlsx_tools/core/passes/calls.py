"""Today's call list (Calls · 今日待办): whom to contact today, why, by which channel and with
which opening line, in the Priority order.

On it: promises due today or broken and still waiting; customers whose stage has a follow-up
cadence (S2 every 3 days, S3 and S4 weekly) and nobody contacted within it; key targets.
Left out: customers already at today's caps of connected calls or call attempts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from ..cells import format_money
from ..i18n import CALL_REASONS, PROMISE_SCRIPTS, SCRIPTS, Label
from ..policy import DEFAULT_POLICY
from .contact_rules import MAX_CALL_ATTEMPTS, MAX_CONNECTED_CALLS
from ..issues import Issue
from ..read import Inputs
from . import State

STAGE_CADENCE_DAYS: dict[str, int] = DEFAULT_POLICY.call_cadence
_STAGE_GROUP = {"S0": "early", "S1": "early", "S2": "early", "S3": "mid", "S4": "late", "S5": "late"}
# Channel by stage group and customer type: written first, a call when it matters, a visit
# (relationship lever) for large customers late on; individuals get SMS (method §3).
_CHANNEL = {"early": {"individual": "sms", "large": "email"}, "mid": {}, "late": {"large": "visit"}}
_DEFAULT_CHANNEL = {"early": "email", "mid": "phone", "late": "phone"}


def at_daily_caps(contacts: pd.DataFrame, as_of: dt.date, max_connected: int = MAX_CONNECTED_CALLS,
                  max_attempts: int = MAX_CALL_ATTEMPTS) -> pd.Index:
    """Customers with as many connected calls or call attempts today as the rules allow."""
    today = contacts[(contacts["contact_date"] == pd.Timestamp(as_of)) & (contacts["channel"] == "phone")]
    groups = today.groupby("customer_id")
    full = (groups.size() >= max_attempts) | (groups["connected"].sum() >= max_connected)
    return full.index[full]


def suggested_channel(stage: str, customer_type: str | None, reasons: tuple[str, ...]) -> str:
    """A promise to chase is a call; otherwise by stage group and customer type."""
    if "promise_due" in reasons or "promise_broken" in reasons:
        return "phone"
    group = _STAGE_GROUP.get(stage, "mid")
    return _CHANNEL[group].get(customer_type or "", _DEFAULT_CHANNEL[group])


def script_line(stage: str, customer_type: str | None, reasons: tuple[str, ...],
                promise_date: pd.Timestamp | None, promise_fen: int | None) -> Label:
    """The opening line: about the promise when one is due or broken, else by type and stage."""
    for reason in ("promise_broken", "promise_due"):
        if reason in reasons and promise_fen is not None:
            return PROMISE_SCRIPTS[reason].format(amount=format_money(promise_fen),
                                                  date=promise_date.date().isoformat())
    kind = customer_type if customer_type in ("large", "sme", "individual") else "other"
    return SCRIPTS[(kind, _STAGE_GROUP.get(stage, "mid"))]


def call_list(priority: pd.DataFrame, summary: pd.DataFrame, promises: pd.DataFrame, contacts: pd.DataFrame,
              as_of: dt.date, cadence: dict[str, int] | None = None, max_connected: int = MAX_CONNECTED_CALLS,
              max_attempts: int = MAX_CALL_ATTEMPTS) -> pd.DataFrame:
    """The customers to contact today, in the order of `priority`.

    `priority`: ordered rows with customer_id, customer_name, stage, key_target, customer_type.
    `summary`: `promises.contact_summary`; `promises`: `promises.promise_status`.
    Columns: customer_id, customer_name, stage, reasons (tuple of CALL_REASONS codes), channel,
    script (Label), last_contact, open_promise_date, open_promise_fen.
    """
    cadence = STAGE_CADENCE_DAYS if cadence is None else cadence
    day = pd.Timestamp(as_of)
    info = summary.reindex(priority["customer_id"])
    last_day = info["last_contact"].dt.normalize().to_numpy()
    due_today = info["promise_due_today"].fillna(False).astype(bool).to_numpy()
    waiting = info["promise_broken"].fillna(False).astype(bool).to_numpy()
    broken = promises[promises["status"] == "broken"].sort_values(["contact_time", "row"])
    last_broken = broken.drop_duplicates("customer_id", keep="last")
    last_broken = dict(zip(last_broken["customer_id"], zip(last_broken["promised_date"], last_broken["promised_fen"])))
    full = set(at_daily_caps(contacts, as_of, max_connected, max_attempts))
    last_contact = info["last_contact"].tolist()
    open_date = info["open_promise_date"].tolist()
    open_fen = info["open_promise_fen"].tolist()
    rows = []
    needed = priority[["customer_id", "customer_name", "stage", "key_target", "customer_type"]]
    # Column by column as numpy arrays: itertuples boxes each Arrow string one by one.
    for n, (customer_id, customer_name, stage, key_target, customer_type) in enumerate(
            zip(*(needed[column].to_numpy() for column in needed.columns))):
        if customer_id in full:
            continue
        reasons = []
        if due_today[n]:
            reasons.append("promise_due")
        if waiting[n]:
            reasons.append("promise_broken")
        every = cadence.get(stage)
        if every is not None and (pd.isna(last_day[n]) or (day - last_day[n]).days >= every):
            reasons.append("ladder")
        if bool(key_target):
            reasons.append("key_target")
        if not reasons:
            continue
        reasons = tuple(code for code in CALL_REASONS if code in reasons)
        if "promise_broken" in reasons:
            promise_date, promise_fen = last_broken[customer_id]
            promise_fen = int(promise_fen)
        elif "promise_due" in reasons:
            promise_date, promise_fen = open_date[n], int(open_fen[n])
        else:
            promise_date, promise_fen = None, None
        ctype = customer_type if isinstance(customer_type, str) else None
        rows.append({"customer_id": customer_id, "customer_name": customer_name, "stage": stage,
                     "reasons": reasons, "channel": suggested_channel(stage, ctype, reasons),
                     "script": script_line(stage, ctype, reasons, promise_date, promise_fen),
                     "last_contact": last_contact[n], "open_promise_date": open_date[n],
                     "open_promise_fen": open_fen[n]})
    columns = ["customer_id", "customer_name", "stage", "reasons", "channel", "script", "last_contact",
               "open_promise_date", "open_promise_fen"]
    out = pd.DataFrame(rows, columns=columns)
    out["last_contact"] = pd.to_datetime(out["last_contact"])
    out["open_promise_date"] = pd.to_datetime(out["open_promise_date"])
    out["open_promise_fen"] = out["open_promise_fen"].astype("Int64")
    return out


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """Today's call list from the ranked customers and their promises."""
    policy = inputs.policy
    calls = call_list(state.priority, state.contact_summary, state.promises, inputs.contacts.frame, state.as_of,
                      policy.call_cadence, policy["max_connected_calls"], policy["max_call_attempts"])
    return replace(state, calls=calls), ()
