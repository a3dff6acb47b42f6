"""Aging analysis by business line and the two monthly warnings (this month's Snapshots rows
are written by the KPI pass).

Receivables here are rows with an open amount > 0 that are not closed; credit notes
are shown in their own column.  Warnings (collections method §4):
- early: overdue 1..N days (policy) exceeds a share of the line's receivables;
- growth: the line's overdue amount grew more than a share vs last month's snapshot.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from ..issues import Issue
from ..policy import Policy
from ..read import Inputs
from . import State
from .fx import in_cny
from .priority import share_exceeds
from .provisions import provision_totals

def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month_key(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return month_key(first)


def open_balances(detail: pd.DataFrame, policy: Policy) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each row's open amount (int64 fen) and, per balance of the aging analysis and the
    Snapshots (receivables_fen, overdue_fen, early_overdue_fen, bucket_0..K), the rows it adds
    up: open receivables (not closed, amount > 0), of them those overdue, those overdue at most
    `warning_early_overdue_days`, and those in each aging bucket."""
    amount = detail["open_fen"].to_numpy(dtype="int64")
    receivable = (detail["stage"].to_numpy() != "CLOSED") & (amount > 0)
    days, bucket = detail["days_past_due"].to_numpy(), detail["bucket"].to_numpy()
    overdue = receivable & (days >= 1)
    rows = {"receivables_fen": receivable, "overdue_fen": overdue,
            "early_overdue_fen": overdue & (days <= policy["warning_early_overdue_days"])}
    rows.update({f"bucket_{b}": receivable & (bucket == b) for b in range(len(policy.bucket_edges) + 1)})
    return amount, rows


def aging_table(staged: pd.DataFrame, policy: Policy, previous: pd.DataFrame) -> pd.DataFrame:
    """One row per business line plus a total row (business_line = None, is_total = True).

    Columns: business_line, is_total, bucket_0..bucket_K (fen), receivables_fen,
    overdue_fen, early_overdue_fen, credits_fen, previous_overdue_fen (<NA> without a
    snapshot), early_warning, growth_warning.  `previous` is last month's snapshot rows.
    """
    stage = staged["stage"].to_numpy()
    live = stage != "CLOSED"
    credit = stage == "CREDIT"
    amount, balances = open_balances(staged, policy)
    # the buckets first, in the order of the Aging sheet's columns
    parts = {key: balances[key] for key in sorted(balances, key=lambda key: not key.startswith("bucket_"))}
    parts["credits_fen"] = credit
    # Lines as sorted integer codes and exact int64 sums per code (np.add.at): a groupby keyed
    # by a filtered string column first realigns the key to every row.
    line, lines = pd.factorize(staged["business_line"].fillna(""), sort=True)
    shown = np.bincount(line[live | credit], minlength=len(lines)) > 0
    sums = {}
    for key, mask in parts.items():
        sums[key] = np.zeros(len(lines), dtype="int64")
        np.add.at(sums[key], line, np.where(mask, amount, 0))
    by_line = pd.DataFrame(sums, index=lines)[shown]
    total = by_line.sum().to_frame().T.astype("int64")
    total.index = [None]
    table = pd.concat([by_line, total])
    table.index.name = "business_line"
    table = table.reset_index()
    table["business_line"] = table["business_line"].astype(object)
    table["is_total"] = [False] * len(by_line) + [True]

    prev = previous.groupby(previous["business_line"].fillna(""))["overdue_fen"].sum() if len(previous) else None
    if prev is not None:
        table["previous_overdue_fen"] = table["business_line"].map(prev).astype("Int64")
        table.loc[table["is_total"], "previous_overdue_fen"] = int(prev.sum())
    else:
        table["previous_overdue_fen"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table["early_warning"] = share_exceeds(table["early_overdue_fen"], table["receivables_fen"],
                                           policy["warning_early_overdue_share"])
    baseline = table["previous_overdue_fen"]
    growth = table["overdue_fen"] - baseline
    table["growth_warning"] = share_exceeds(growth.fillna(0).astype("int64"),
                                            baseline.fillna(0).astype("int64"), policy["warning_overdue_growth"])
    return table


def merge_snapshots(existing: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Existing snapshots with the current month replaced (never duplicated)."""
    months = set(current["month"])
    kept = existing[~existing["month"].isin(months)]
    merged = pd.concat([kept, current], ignore_index=True) if len(kept) else current.copy()
    split_order = merged["split"].map({"business_line": 0, "owner": 1, "all": 2}).fillna(0)
    order = merged.assign(_split=split_order, _line=merged["business_line"].fillna(""),
                          _owner=merged["owner"].fillna("") if "owner" in merged else "")
    return order.sort_values(["month", "_split", "_line", "_owner"], kind="mergesort").drop(
        columns=["_split", "_line", "_owner"]).reset_index(drop=True)


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The analysis pass: the aging table with provisions and warnings against last month's line rows."""
    history = inputs.snapshots
    previous = history[(history["month"] == previous_month_key(state.as_of)) & (history["split"] == "business_line")]
    staged = in_cny(state.detail)
    aging = provision_totals(aging_table(staged, inputs.policy, previous), staged)
    return replace(state, aging=aging), ()
