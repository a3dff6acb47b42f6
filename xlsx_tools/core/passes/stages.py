"""Escalation stage of every receivable: the day ladder plus the status overlays.

Order of precedence (workbook contract): written-off -> CLOSED; credit notes with a
balance -> CREDIT; nothing left open -> CLOSED; litigation -> S5; disputed, or hold
until a date not yet passed -> HOLD; plan -> PLAN; otherwise the ladder by days.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import to_fen
from ..issues import Issue
from ..policy import Policy
from ..read import Inputs
from . import State

# Ranking used to pick a customer's stage and to order the priority list.
STAGE_RANK = {"S5": 7, "S4": 6, "S3": 5, "S2": 4, "S1": 3, "PLAN": 2, "HOLD": 1, "S0": 0}


def ladder_stage(days: pd.Series | np.ndarray, policy: Policy) -> np.ndarray:
    """S0..S5 from days past due; each bound in the policy is the first day of its stage."""
    index = np.searchsorted(np.asarray(policy.ladder_from_days), np.asarray(days), side="right")
    return np.asarray(i18n.LADDER_CODES, dtype=object)[index]


def assign_stages(aged: pd.DataFrame, as_of: dt.date, policy: Policy) -> pd.Series:
    """Stage code per row of an aged ledger (see `aging.age_receivables`)."""
    tolerance = to_fen(policy["closed_tolerance"])
    status = aged["status"].to_numpy()
    open_fen = aged["open_fen"].to_numpy()
    credit = (aged["amount_fen"].to_numpy() < 0) & (open_fen < 0)
    closed = (status == "written_off") | (~credit & (open_fen <= tolerance))
    hold_until = aged["hold_until"]
    on_hold = (status == "disputed") | (
        (status == "hold") & (hold_until.isna() | (hold_until >= pd.Timestamp(as_of))).to_numpy())
    # The first rule that holds wins (as np.select), written from the last rule to the first:
    # np.select over object arrays costs several times more at 1M rows.
    stage = ladder_stage(aged["days_past_due"], policy)
    for holds, code in ((status == "plan", "PLAN"), (on_hold, "HOLD"), (status == "litigation", "S5"),
                        (credit, "CREDIT"), (closed, "CLOSED")):
        stage[holds] = code
    return pd.Series(stage, index=aged.index, dtype=object)


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The stage pass: the escalation stage of every row."""
    detail = state.detail.copy(deep=False)
    detail["stage"] = assign_stages(detail, state.as_of, inputs.policy)
    return replace(state, detail=detail), ()
