"""The Snapshots sheet: the tool's own monthly history, read back for last month's figures.

Since issue 12 a month has one row per business line, one per owner and a total row (the
Split column says which), with balances by aging bucket and the number of key targets.
Older sheets hold line rows only, without those columns: their rows are read as line rows
and the missing figures stay blank.
"""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import parse_dates, parse_integers, parse_money
from ..i18n.kpis import SPLIT_LABELS
from ..issues import Issue, issue
from ..policy import Policy
from ..sheet_rows import locate_columns
from ..tables import RawSheet

SNAPSHOT_FIELDS = ("month", "split", "business_line", "owner", "receivables_fen", "overdue_fen", "early_overdue_fen",
                   "key_targets", "as_of")
MONEY_FIELDS = (("receivables", "receivables_fen"), ("overdue", "overdue_fen"), ("early_overdue", "early_overdue_fen"))


def bucket_columns(policy: Policy) -> dict[str, i18n.Label]:
    """The optional bucket columns, headed by the policy's bucket labels."""
    return {f"bucket_{n}": label for n, label in enumerate(i18n.bucket_labels(policy.bucket_edges))}


def read_snapshots(sheet: RawSheet | None, policy: Policy) -> tuple[pd.DataFrame, list[Issue]]:
    """Parse the tool's own Snapshots sheet; rows it cannot read are warned about and ignored."""
    buckets = bucket_columns(policy)
    empty = pd.DataFrame({key: pd.Series(dtype=object) for key in (*SNAPSHOT_FIELDS, *buckets)})
    if sheet is None:
        return empty, []
    located, issues = locate_columns(sheet, i18n.SNAPSHOT_COLUMNS, ("month", "overdue"), optional=buckets)
    if located is None:
        return empty, [Issue("warning", i.sheet, i.cell, i.message) for i in issues]
    raw = located.frame
    month = raw["month"].astype("string").str.strip().str.slice(0, 7)
    valid_month = month.str.match(r"^\d{4}-\d{2}$").fillna(False).astype(bool)
    split = (i18n.match_names(raw["split"], i18n.name_lookup(SPLIT_LABELS)) if "split" in raw
             else pd.Series(None, index=raw.index, dtype=object))
    frame = pd.DataFrame({"month": month, "split": split.where(split.notna(), "business_line").astype(object),
                          "business_line": raw.get("business_line"), "owner": raw.get("owner")})
    bad = ~valid_month
    for key, column in MONEY_FIELDS:
        values, unreadable = parse_money(raw[key]) if key in raw else (pd.Series(0, index=raw.index), None)
        frame[column] = values.fillna(0)
        if unreadable is not None:
            bad |= unreadable
    for key in ("key_targets", *buckets):
        parse = parse_integers if key == "key_targets" else parse_money
        values, unreadable = parse(raw[key]) if key in raw else (pd.Series(pd.NA, index=raw.index), None)
        frame[key] = values.astype("Int64")
        if unreadable is not None:
            bad |= unreadable
    frame["as_of"] = parse_dates(raw["as_of"], sheet.serial_dates)[0] if "as_of" in raw else pd.NaT
    blank = raw.isna().all(axis=1)
    for row in frame.index[bad & ~blank]:
        issues.append(issue("warning", sheet.name, f"{located.letters['month']}{row}", "snapshot_invalid"))
    frame = frame[~bad & ~blank].reset_index(drop=True)
    for _, column in MONEY_FIELDS:
        frame[column] = frame[column].astype("int64")
    return frame, issues
