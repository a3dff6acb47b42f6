"""Days past due, open amounts and aging buckets for every receivable (vectorised)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import Label
from ..issues import Issue
from ..policy import Policy
from ..read import Inputs
from . import State


def days_past_due(due: pd.Series, as_of: dt.date) -> pd.Series:
    """As-of date minus due date in calendar days; negative before the due date."""
    return (pd.Timestamp(as_of) - due).dt.days.astype("int64")


def bucket_index(days: pd.Series | np.ndarray, edges: tuple[int, ...]) -> np.ndarray:
    """0 = not due (≤ 0 days); then one bucket per edge, inclusive upper bounds; last = beyond."""
    return np.searchsorted(np.asarray(edges), np.asarray(days), side="left")


def bucket_labels(policy: Policy) -> list[Label]:
    return i18n.bucket_labels(policy.bucket_edges)


def age_receivables(ledger: pd.DataFrame, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """The ledger plus open_fen, days_past_due and bucket (index into `bucket_labels`)."""
    aged = ledger.copy()
    aged["open_fen"] = aged["amount_fen"] - aged["paid_fen"]
    aged["days_past_due"] = days_past_due(aged["due_date"], as_of)
    aged["bucket"] = bucket_index(aged["days_past_due"], policy.bucket_edges)
    return aged


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The aging pass: open amount, days past due and bucket of every row."""
    return replace(state, detail=age_receivables(state.detail, state.as_of, inputs.policy)), ()
