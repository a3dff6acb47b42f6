"""The Weekly · 重点客户周跟踪 sheet: the tool's own week-by-week history of key customers,
read back so that earlier weeks are kept and this week is compared with the last one."""
from __future__ import annotations

import re

import pandas as pd

from .. import i18n
from ..cells import parse_dates, parse_integers, parse_money
from ..issues import Issue, issue
from ..sheet_rows import locate_columns
from ..tables import RawSheet

WEEKLY_FIELDS = ("week", "customer_id", "customer_name", "stage", "open_fen", "overdue_fen", "paid_week_fen",
                 "contacts_week", "open_promise_date", "open_promise_fen", "compared_with", "overdue_change_fen",
                 "flags")
_MONEY = {"open": "open_fen", "overdue": "overdue_fen", "paid_week": "paid_week_fen",
          "open_promise": "open_promise_fen", "overdue_change": "overdue_change_fen"}
_FLAG_NAMES = {i18n.normalise_name(name): code for code, label in i18n.WEEKLY_FLAGS.items() for name in label.both()}


def empty_weeks() -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series(dtype=object) for key in WEEKLY_FIELDS})
    frame["open_promise_date"] = pd.Series(dtype="datetime64[ns]")
    return frame


def _flag_codes(text: object) -> tuple[str, ...]:
    """'overdue grew; no contact this week' (either language) -> ('overdue_grew', 'no_contact')."""
    if pd.isna(text):
        return ()
    names = (i18n.normalise_name(part) for part in re.split(r"[;；、,，]", str(text)))
    return tuple(_FLAG_NAMES[name] for name in names if name in _FLAG_NAMES)


def read_weekly(sheet: RawSheet | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Rows of earlier weeks (WEEKLY_FIELDS); rows without a readable week or customer are
    warned about and ignored, like unreadable Snapshots rows."""
    if sheet is None:
        return empty_weeks(), []
    located, issues = locate_columns(sheet, i18n.WEEKLY_COLUMNS, ("week", "customer_id"))
    if located is None:
        return empty_weeks(), [Issue("warning", i.sheet, i.cell, i.message) for i in issues]
    raw = located.frame
    week = raw["week"].astype("string").str.strip()
    bad = ~week.str.match(r"^\d{4}-W\d{2}$").fillna(False).astype(bool) | raw["customer_id"].isna()
    frame = pd.DataFrame({"week": week, "customer_id": raw["customer_id"],
                          "customer_name": raw.get("customer_name"), "stage": raw.get("stage"),
                          "compared_with": raw.get("compared_with")})
    for key, field in _MONEY.items():
        values, unreadable = parse_money(raw[key]) if key in raw else (pd.Series(pd.NA, index=raw.index), None)
        frame[field] = values.astype("Int64")
        if unreadable is not None:
            bad |= unreadable
    counts, unreadable = (parse_integers(raw["contacts_week"]) if "contacts_week" in raw
                          else (pd.Series(0, index=raw.index), None))
    frame["contacts_week"] = counts
    if unreadable is not None:
        bad |= unreadable
    frame["open_promise_date"] = (parse_dates(raw["open_promise_date"], sheet.serial_dates)[0]
                                  if "open_promise_date" in raw else pd.NaT)
    flags = raw["flag"] if "flag" in raw else pd.Series(pd.NA, index=raw.index)
    frame["flags"] = pd.Series([_flag_codes(text) for text in flags], index=raw.index, dtype=object)
    blank = raw.isna().all(axis=1)
    for row in frame.index[bad & ~blank]:
        issues.append(issue("warning", sheet.name, f"{located.letters['week']}{row}", "weekly_invalid"))
    frame = frame[~bad & ~blank].reset_index(drop=True)
    for field in ("open_fen", "overdue_fen", "paid_week_fen", "contacts_week"):
        frame[field] = frame[field].fillna(0).astype("int64")
    for field in ("stage", "compared_with"):          # text columns: blank is None (older sheets have no Stage)
        frame[field] = frame[field].astype(object).where(frame[field].notna(), None)
    return frame[list(WEEKLY_FIELDS)], issues
