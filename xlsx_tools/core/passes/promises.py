"""Promises to pay and the per-customer contact picture: kept / broken / open, last contact,
open promise, broken promises, avoidance, and the one-stage bump a broken promise earns.

Payments are a frame of invoice_no, customer_id, date, amount_fen (`read.payments.customer_payments`).
Contacts after the as-of date are ignored.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import i18n
from ..frames import positions
from ..policy import DEFAULT_POLICY
from ..issues import Issue
from ..read import Inputs
from . import State
from .fx import payments_in_cny

PROMISE_GRACE_DAYS: int = DEFAULT_POLICY["promise_grace_days"]
BROKEN_PROMISE_WINDOW_DAYS: int = DEFAULT_POLICY["broken_promise_window_days"]
AVOIDANCE_DAYS: int = DEFAULT_POLICY["avoidance_days"]
AVOIDANCE_ATTEMPTS: int = DEFAULT_POLICY["avoidance_attempts"]
AVOIDANCE_MIN_DAYS = 2


def _paid_through(keys: pd.Series, days: pd.Series, payments: pd.DataFrame, scope: str) -> np.ndarray:
    """Total paid for each (key, day): payments of that customer or invoice dated on or before the day."""
    ledger = payments[[scope, "date", "amount_fen"]].dropna(subset=[scope]).sort_values([scope, "date"])
    ledger["total"] = ledger.groupby(scope)["amount_fen"].cumsum()
    ledger = ledger.drop_duplicates([scope, "date"], keep="last")
    names = pd.Index(ledger[scope].unique())
    ledger = pd.DataFrame({"code": positions(names, ledger[scope]), "date": ledger["date"].to_numpy(),
                           "total": ledger["total"].to_numpy()}).sort_values("date")
    wanted = pd.DataFrame({"code": positions(names, keys), "date": days.to_numpy(), "n": np.arange(len(keys))})
    matched = pd.merge_asof(wanted.sort_values("date"), ledger, on="date", by="code", direction="backward")
    return matched.sort_values("n")["total"].fillna(0).to_numpy(dtype="int64")


def promise_status(contacts: pd.DataFrame, payments: pd.DataFrame, as_of: dt.date,
                   grace_days: int = PROMISE_GRACE_DAYS) -> pd.DataFrame:
    """One row per promise (outcome `promise`) made on or before as_of.

    Kept when payments dated from the day of the promise to the promised date (and not after
    as_of) cover the promised amount, for the invoice named on the contact or else the
    customer.  Not kept and promised date + grace passed -> broken; otherwise open.
    Columns: row, customer_id, invoice_no, contact_time, contact_date, promised_date,
    promised_fen, paid_fen, status (open/kept/broken), broken_on (first day it counts broken).
    """
    day = pd.Timestamp(as_of)
    made = contacts[(contacts["outcome"] == "promise") & (contacts["contact_date"] <= day)]
    out = made[["row", "customer_id", "invoice_no", "contact_time", "contact_date", "promised_date",
                "promised_fen"]].reset_index(drop=True)
    out["promised_fen"] = out["promised_fen"].astype("int64")
    paid = payments[payments["date"] <= day]
    paid_fen = np.zeros(len(out), dtype="int64")
    for scope in ("invoice_no", "customer_id"):
        mine = out["invoice_no"].notna() if scope == "invoice_no" else out["invoice_no"].isna()
        if mine.any():
            keys = out.loc[mine, scope]
            upto = _paid_through(keys, out.loc[mine, "promised_date"], paid, scope)
            before = _paid_through(keys, out.loc[mine, "contact_date"] - pd.Timedelta(days=1), paid, scope)
            paid_fen[mine.to_numpy()] = upto - before
    out["paid_fen"] = paid_fen
    out["broken_on"] = out["promised_date"] + pd.Timedelta(days=grace_days + 1)
    kept = out["paid_fen"] >= out["promised_fen"]
    out["status"] = np.select([kept, out["broken_on"] <= day], ["kept", "broken"], default="open")
    return out


def latest_promises(promises: pd.DataFrame) -> pd.DataFrame:
    """Each customer's latest promise (by contact time, then row), indexed by customer_id."""
    latest = promises.sort_values(["contact_time", "row"]).drop_duplicates("customer_id", keep="last")
    return latest.set_index("customer_id")


def contact_summary(contacts: pd.DataFrame, promises: pd.DataFrame, as_of: dt.date,
                    broken_window_days: int = BROKEN_PROMISE_WINDOW_DAYS) -> pd.DataFrame:
    """Per customer (index customer_id): last_contact, open_promise_date and open_promise_fen
    (the open promise falling due first), broken_promises (promised dates in the last
    `broken_window_days`), promise_due_today, and promise_broken: the customer's latest
    promise is broken and nobody has contacted it since it broke (so it must not wait)."""
    day = pd.Timestamp(as_of)
    past = contacts.loc[contacts["contact_date"] <= day, ["customer_id", "contact_time", "contact_date"]]
    last = past.groupby("customer_id").agg(last_contact=("contact_time", "max"), last_day=("contact_date", "max"))
    summary = last[["last_contact"]]
    open_ = promises[promises["status"] == "open"].sort_values(["promised_date", "row"])
    first_open = open_.drop_duplicates("customer_id").set_index("customer_id")
    recent = promises["promised_date"] > day - pd.Timedelta(days=broken_window_days)
    broken = promises[(promises["status"] == "broken") & recent]
    latest = latest_promises(promises)
    last_day = last["last_day"].reindex(latest.index)
    waiting = (latest["status"] == "broken") & ~(last_day >= latest["broken_on"])
    due_today = open_[open_["promised_date"] == day]["customer_id"].unique()
    index = summary.index.union(promises["customer_id"].unique())
    summary = summary.reindex(index)
    summary["open_promise_date"] = first_open["promised_date"].reindex(index)
    summary["open_promise_fen"] = first_open["promised_fen"].reindex(index).astype("Int64")
    summary["broken_promises"] = broken.groupby("customer_id").size().reindex(index).fillna(0).astype("int64")
    summary["promise_due_today"] = index.isin(due_today)
    summary["promise_broken"] = waiting.reindex(index).fillna(False).astype(bool)
    summary.index.name = "customer_id"
    return summary


def avoiders(contacts: pd.DataFrame, overdue_fen: pd.Series, as_of: dt.date, days: int = AVOIDANCE_DAYS,
             attempts: int = AVOIDANCE_ATTEMPTS) -> pd.Index:
    """Customers with an overdue amount (`overdue_fen` indexed by customer_id) who, within the
    last `days` days up to as_of, were tried at least `attempts` times on at least 2 different
    days without any connected contact, or whose contact turned out `wrong_contact`."""
    day = pd.Timestamp(as_of)
    window = contacts[(contacts["contact_date"] <= day) & (contacts["contact_date"] > day - pd.Timedelta(days=days))]
    groups = window.assign(wrong=window["outcome"] == "wrong_contact").groupby("customer_id")
    per = pd.DataFrame({"tries": groups.size(), "days": groups["contact_date"].nunique(),
                        "reached": groups["connected"].any(), "wrong": groups["wrong"].any()})
    unreachable = (per["tries"] >= attempts) & (per["days"] >= AVOIDANCE_MIN_DAYS) & ~per["reached"]
    flagged = per.index[unreachable | per["wrong"]]
    owing = overdue_fen[overdue_fen > 0].index
    return flagged.intersection(owing)


def bumped_stage(stage: str) -> str:
    """The next ladder stage (S0 -> S1 ... S4 -> S5; S5 stays); other codes are left as they are."""
    ladder = i18n.LADDER_CODES
    if stage not in ladder:
        return stage
    return ladder[min(ladder.index(stage) + 1, len(ladder) - 1)]


def next_action_stages(stages: pd.Series, summary: pd.DataFrame) -> pd.Series:
    """Stage (indexed by customer_id) whose Next Action applies: one step up for a waiting broken promise."""
    broken = summary["promise_broken"].reindex(stages.index).fillna(False).astype(bool)
    return stages.where(~broken, stages.map(bumped_stage))


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """Promises and avoidance onto Priority: Last Contact, Open Promise, Broken Promises, the
    avoider's High Risk, and the stage whose Next Action applies (one up after a broken promise)."""
    policy, contacts = inputs.policy, inputs.contacts.frame
    promises = promise_status(contacts, payments_in_cny(inputs.paid, state), state.as_of,
                              policy["promise_grace_days"])      # promised amounts are CNY
    summary = contact_summary(contacts, promises, state.as_of, policy["broken_promise_window_days"])
    priority = state.priority.copy()
    by_customer = priority.set_index("customer_id")
    info = summary.reindex(by_customer.index)
    priority["last_contact"] = info["last_contact"].to_numpy(dtype="datetime64[ns]")
    priority["open_promise_date"] = info["open_promise_date"].to_numpy(dtype="datetime64[ns]")
    priority["open_promise_fen"] = pd.array(info["open_promise_fen"].to_numpy(), dtype="Int64")
    priority["broken_promises"] = info["broken_promises"].fillna(0).astype("int64").to_numpy()
    priority["promise_broken"] = info["promise_broken"].fillna(False).astype(bool).to_numpy()
    avoiding = avoiders(contacts, by_customer["overdue_fen"], state.as_of, policy["avoidance_days"],
                        policy["avoidance_attempts"])
    priority["avoiding"] = priority["customer_id"].isin(avoiding)
    priority["high_risk"] = priority["high_risk"] | priority["avoiding"]
    priority["action_stage"] = next_action_stages(by_customer["stage"], summary).to_numpy()
    return replace(state, priority=priority, promises=promises, contact_summary=summary), ()
