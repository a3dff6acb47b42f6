"""Early warning from the ledger (collections-method.md §3): orders down over the last 6 months
by more than `order_drop_share` against the 6 months before, and a lawsuit against the
customer (Events type 被诉 · sued) within those 12 months ⇒ start collection early.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ..cells import format_money
from ..i18n import TAG_ORDER_DROP
from ..policy import DEFAULT_POLICY
from .key_customers import invoiced_between
from .limitation import add_months
from ..issues import Issue
from ..read import Inputs
from . import State

ORDER_DROP_SHARE: Decimal = DEFAULT_POLICY["order_drop_share"]
SUED_EVENT = "sued"          # the Events type for a lawsuit against the customer


def order_drop_warnings(ledger: pd.DataFrame, events: pd.DataFrame, as_of: dt.date,
                        share: Decimal = ORDER_DROP_SHARE) -> pd.DataFrame:
    """Customers to flag, indexed by customer_id: before_fen (invoiced in the 6 months before),
    after_fen (last 6 months), drop (float share), sued_on (latest sued event), tag (Label).

    The drop must be strictly more than `share`, compared exactly on integer fen.
    `events` has customer_id, date and event (code; `sued` counts).
    """
    day = pd.Timestamp(as_of)
    half, year = (add_months(pd.Series([day]), months).iloc[0] for months in (-6, -12))
    after = invoiced_between(ledger, half, day)
    before = invoiced_between(ledger, year, half)
    sued = events[(events["event"] == SUED_EVENT) & (events["date"] > year) & (events["date"] <= day)]
    sued_on = sued.groupby("customer_id")["date"].max()
    frame = pd.DataFrame({"before_fen": before}).join(pd.DataFrame({"after_fen": after}), how="left")
    frame["after_fen"] = frame["after_fen"].fillna(0).astype("int64")
    ratio = Fraction(share)
    dropped = [(b - a) * ratio.denominator > ratio.numerator * b
               for b, a in zip(frame["before_fen"].astype(object), frame["after_fen"].astype(object))]
    frame = frame[pd.Series(dropped, index=frame.index, dtype=bool) & frame.index.isin(sued_on.index)].copy()
    frame["drop"] = 1 - frame["after_fen"] / frame["before_fen"]
    frame["sued_on"] = sued_on.reindex(frame.index)
    frame["tag"] = [TAG_ORDER_DROP.format(share=f"{d:.1%}", before=format_money(b), after=format_money(a),
                                          date=s.date().isoformat())
                    for d, b, a, s in zip(frame["drop"], frame["before_fen"], frame["after_fen"], frame["sued_on"])]
    frame.index.name = "customer_id"
    return frame


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """Priority gets `order_drop`: the early-warning tag (Label) of a customer whose orders fell and who was sued."""
    found = order_drop_warnings(inputs.ledger.frame, inputs.events, state.as_of, inputs.policy["order_drop_share"])
    priority = state.priority.copy()
    priority["order_drop"] = priority["customer_id"].map(found["tag"]).astype(object)
    priority["order_drop"] = priority["order_drop"].where(priority["order_drop"].notna(), None)
    return replace(state, priority=priority), ()
