"""The contact rules (prc-law-defaults.md, "Collection conduct defaults"): each breach is a
warning naming the Contacts cell, and the Compliance · 合规检查 summary counts them by
month (each month of the log up to the as-of month), collector and rule.  A breach never stops a refresh.

Rules: contact only between `window_start` and `window_end` (both inclusive, timed rows
only); per customer per day at most `max_connected` connected phone calls and at most
`max_attempts` phone attempts (the first call past each cap is the breach, and every
one after it); any contact with a `third_party`; a note containing a banned word.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from ..i18n import CONTACT_RULES
from ..issues import Issue, issue
from ..policy import DEFAULT_POLICY
from ..read.contacts import ContactLog
from ..read import Inputs
from . import State

WINDOW_START: dt.time = DEFAULT_POLICY["contact_window_start"]
WINDOW_END: dt.time = DEFAULT_POLICY["contact_window_end"]
MAX_CONNECTED_CALLS: int = DEFAULT_POLICY["max_connected_calls"]
MAX_CALL_ATTEMPTS: int = DEFAULT_POLICY["max_call_attempts"]
DEFAULT_BANNED_WORDS: tuple[str, ...] = DEFAULT_POLICY["banned_words"]
BREACH_FIELDS = ("row", "key", "rule", "customer_id", "collector", "contact_date", "issue")


def _seconds(clock: dt.time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _call_number(calls: pd.DataFrame) -> pd.Series:
    """1, 2, 3 ... for each call of a customer on a day, in time order (then sheet order)."""
    who = pd.factorize(calls["customer_id"])[0]
    day = calls["contact_date"].to_numpy()
    order = np.lexsort((calls["row"].to_numpy(), calls["contact_time"].to_numpy(), day, who))
    starts_day = np.ones(len(order), dtype=bool)         # the first call of its customer and day
    starts_day[1:] = (who[order][1:] != who[order][:-1]) | (day[order][1:] != day[order][:-1])
    position = np.arange(len(order))
    number = np.empty(len(order), dtype="int64")
    number[order] = position - np.maximum.accumulate(np.where(starts_day, position, 0)) + 1
    return pd.Series(number, index=calls.index)


def contact_breaches(log: ContactLog, window_start: dt.time = WINDOW_START, window_end: dt.time = WINDOW_END,
                     max_connected: int = MAX_CONNECTED_CALLS, max_attempts: int = MAX_CALL_ATTEMPTS,
                     banned_words: tuple[str, ...] = DEFAULT_BANNED_WORDS) -> tuple[pd.DataFrame, list[Issue]]:
    """Every breach as a row (row, key = the column it names, rule, customer_id, collector,
    contact_date, issue) and as a located warning, in sheet order."""
    frame = log.frame
    found: list[tuple[int, str, str, dict]] = []     # (row, column key, rule, message values)

    clock = (frame["contact_time"] - frame["contact_date"]).dt.total_seconds()
    outside = frame["has_time"] & ((clock < _seconds(window_start)) | (clock > _seconds(window_end)))
    for row, stamp in zip(frame.loc[outside, "row"], frame.loc[outside, "contact_time"]):
        shown = "%H:%M:%S" if stamp.second else "%H:%M"     # 22:00:30 is outside 08:00–22:00: show why
        found.append((row, "contact_time", "window", {"time": stamp.strftime(shown),
                                                      "start": window_start.strftime("%H:%M"),
                                                      "end": window_end.strftime("%H:%M")}))

    calls = frame[frame["channel"] == "phone"]
    connected = calls[calls["connected"]]
    for rule, subset, limit in (("connected_cap", connected, max_connected), ("attempt_cap", calls, max_attempts)):
        number = _call_number(subset)
        over = subset[number > limit]
        for row, customer, day, n in zip(over["row"], over["customer_id"], over["contact_date"], number[number > limit]):
            found.append((row, "contact_time", rule, {"n": int(n), "customer": customer,
                                                      "date": day.date().isoformat(), "limit": limit}))

    for row in frame.loc[frame["relation"] == "third_party", "row"]:
        found.append((row, "relation", "third_party", {}))

    note_of, notes = pd.factorize(frame["note"])          # each distinct note is searched once
    folded = pd.Series(notes, dtype="string").str.casefold()
    word_of = pd.Series(pd.NA, index=folded.index, dtype="string")
    for word in banned_words:
        hit = folded.str.contains(word.casefold(), regex=False).fillna(False).astype(bool) & word_of.isna()
        word_of[hit] = word
    matched = pd.Series(word_of.array.take(note_of, allow_fill=True), index=frame.index)
    for row, word in zip(frame.loc[matched.notna(), "row"], matched.dropna()):
        found.append((row, "note", "wording", {"word": word}))

    order = {key: n for n, key in enumerate(log.letters)}
    found.sort(key=lambda item: (item[0], order.get(item[1], 99)))
    issues = [issue("warning", log.sheet, log.cell(key, row), f"rule_{rule}", **values)
              for row, key, rule, values in found]
    breaches = pd.DataFrame({"row": pd.Series([item[0] for item in found], dtype="int64"),
                             "key": [item[1] for item in found], "rule": [item[2] for item in found]})
    people = frame[["row", "customer_id", "collector", "contact_date"]]
    breaches = breaches.merge(people, on="row", how="left")
    breaches["issue"] = pd.Series(issues, dtype=object)
    breaches = breaches[list(BREACH_FIELDS)]
    return breaches, issues


def compliance_summary(breaches: pd.DataFrame, contacts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Breaches by month, collector and rule, for every month of the contact log up to the month
    of as_of: one row per collector (None = not filled in) who made a contact or a breach that
    month, so a clean month shows its zeros (the proof that the rules were kept); one count
    column per rule (CONTACT_RULES order) and a total.  Newest month first, then collectors by
    most breaches."""
    month = pd.Timestamp(as_of).to_period("M")
    blank = "\0"                      # sorts first; a missing collector is shown last
    made = pd.DataFrame({"month": contacts["contact_date"].dt.to_period("M"),
                         "collector": contacts["collector"].fillna(blank)})
    broke = pd.DataFrame({"month": breaches["contact_date"].dt.to_period("M"),
                          "collector": breaches["collector"].fillna(blank), "rule": breaches["rule"]})
    made, broke = made[made["month"] <= month], broke[broke["month"] <= month]
    counts = broke.groupby(["month", "collector", "rule"]).size().unstack("rule")
    everyone = pd.MultiIndex.from_frame(pd.concat([made, broke[["month", "collector"]]]).drop_duplicates())
    table = counts.reindex(index=everyone, columns=list(CONTACT_RULES)).fillna(0).astype("int64")
    table["total"] = table.sum(axis=1)
    table = table.reset_index()
    table["has_collector"] = table["collector"] != blank
    table = table.sort_values(["month", "total", "has_collector", "collector"], ascending=[False, False, False, True])
    table["collector"] = table["collector"].astype(object).where(table["has_collector"], None)
    table["month"] = table["month"].astype(str)
    return table[["month", "collector", *CONTACT_RULES, "total"]].reset_index(drop=True)


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """Every breach of the Policy's contact rules as a warning, and the Compliance summary by month."""
    policy = inputs.policy
    breaches, issues = contact_breaches(inputs.contacts, policy["contact_window_start"], policy["contact_window_end"],
                                        policy["max_connected_calls"], policy["max_call_attempts"],
                                        tuple(policy["banned_words"]))
    compliance = compliance_summary(breaches, inputs.contacts.frame, state.as_of)
    return replace(state, breaches=breaches, compliance=compliance), tuple(issues)
