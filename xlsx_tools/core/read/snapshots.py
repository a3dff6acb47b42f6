"""The Snapshots sheet: the tool's own monthly history, read back for last month's figures."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import parse_dates, parse_money
from ..issues import Issue, issue
from ..sheet_rows import locate_columns
from ..tables import RawSheet

SNAPSHOT_FIELDS = ("month", "business_line", "receivables_fen", "overdue_fen", "early_overdue_fen", "as_of")


def read_snapshots(sheet: RawSheet | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Parse the tool's own Snapshots sheet; rows it cannot read are warned about and ignored."""
    empty = pd.DataFrame({key: pd.Series(dtype=object) for key in SNAPSHOT_FIELDS})
    if sheet is None:
        return empty, []
    located, issues = locate_columns(sheet, i18n.SNAPSHOT_COLUMNS, ("month", "overdue"))
    if located is None:
        return empty, [Issue("warning", i.sheet, i.cell, i.message) for i in issues]
    raw = located.frame
    month = raw["month"].astype("string").str.strip().str.slice(0, 7)
    valid_month = month.str.match(r"^\d{4}-\d{2}$").fillna(False).astype(bool)
    frame = pd.DataFrame({"month": month, "business_line": raw.get("business_line")})
    bad = ~valid_month
    for key, column in (("receivables", "receivables_fen"), ("overdue", "overdue_fen"),
                        ("early_overdue", "early_overdue_fen")):
        values, unreadable = parse_money(raw[key]) if key in raw else (pd.Series(0, index=raw.index), None)
        frame[column] = values.fillna(0)
        if unreadable is not None:
            bad |= unreadable
    frame["as_of"] = parse_dates(raw["as_of"], sheet.serial_dates)[0] if "as_of" in raw else pd.NaT
    blank = raw.isna().all(axis=1)
    for row in frame.index[bad & ~blank]:
        issues.append(issue("warning", sheet.name, f"{located.letters['month']}{row}", "snapshot_invalid"))
    frame = frame[~bad & ~blank].reset_index(drop=True)
    frame["receivables_fen"] = frame["receivables_fen"].astype("int64")
    frame["overdue_fen"] = frame["overdue_fen"].astype("int64")
    frame["early_overdue_fen"] = frame["early_overdue_fen"].astype("int64")
    return frame, issues
