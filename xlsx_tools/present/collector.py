"""Layouts of the collector's week (issue 11): the Priority contact columns and tags, and the
Calls · 今日待办, Compliance · 合规检查, Weekly · 重点客户周跟踪 and Channels · 渠道分析 sheets.

Pure presentation, like `sheets`: labels, column kinds, widths and colours.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import i18n
from ..core.i18n import Label, Lang
from ..core.refresh import RefreshResult
from ..core.tables import OutputTable
from .columns import output_columns

WARNING_FILL = "FFEB9C"


def separator(lang: Lang) -> str:
    return "; " if lang == "en" else "、"


def _names(codes: pd.Series, table: dict[str, Label], lang: Lang) -> pd.Series:
    return codes.map({code: label.get(lang) for code, label in table.items()}).astype(object)


def clock_texts(stamps: pd.Series) -> pd.Series:
    """'2026-11-20 09:30' for a contact time, the date alone when no time was given, None when none."""
    stamps = pd.to_datetime(stamps)
    timed = stamps.dt.strftime("%Y-%m-%d %H:%M")
    dated = stamps.dt.strftime("%Y-%m-%d")
    texts = timed.where(stamps != stamps.dt.normalize(), dated)
    return texts.where(stamps.notna(), None).astype(object)


# ----- Priority -----
PRIORITY_CONTACT_KINDS = {"open_promise_date": "date", "open_promise": "money", "broken_promises": "int"}


def priority_contact_frame(priority: pd.DataFrame) -> pd.DataFrame:
    """Last Contact, Open Promise (date and amount) and Broken Promises (last 90 days)."""
    return pd.DataFrame({
        "last_contact": clock_texts(priority["last_contact"]),
        "open_promise_date": priority["open_promise_date"],
        "open_promise": priority["open_promise_fen"],
        "broken_promises": priority["broken_promises"],
    }, index=priority.index)


def priority_contact_tags(priority: pd.DataFrame, lang: Lang) -> pd.Series:
    """Avoiding contact, a waiting broken promise and the order-drop warning ('' when none)."""
    texts = []
    for avoiding, broken, drop in zip(priority["avoiding"], priority["promise_broken"], priority["order_drop"]):
        parts = [label.get(lang) for label, on in ((i18n.TAG_AVOIDING, avoiding),
                                                   (i18n.TAG_PROMISE_BROKEN, broken)) if on]
        if drop is not None:
            parts.append(drop.get(lang))
        texts.append(separator(lang).join(parts))
    return pd.Series(texts, index=priority.index, dtype=object)


# ----- Calls · 今日待办 -----
def calls_table(result: RefreshResult, lang: Lang) -> OutputTable:
    calls = result.calls
    frame = pd.DataFrame({
        "customer_id": calls["customer_id"],
        "customer_name": calls["customer_name"],
        "stage": calls["stage"],
        "stage_name": _names(calls["stage"], i18n.STAGE_NAMES, lang),
        "reasons": calls["reasons"].map(lambda codes: separator(lang).join(i18n.CALL_REASONS[c].get(lang)
                                                                          for c in codes)).astype(object),
        "channel": _names(calls["channel"], i18n.CHANNELS, lang),
        "script": calls["script"].map(lambda line: line.get(lang)).astype(object),
        "last_contact": clock_texts(calls["last_contact"]),
        "open_promise_date": calls["open_promise_date"],
        "open_promise": calls["open_promise_fen"],
    })
    kinds = {"open_promise_date": "date", "open_promise": "money"}
    broken = calls["reasons"].map(lambda codes: "promise_broken" in codes).astype(bool)
    return OutputTable(i18n.SHEETS["calls"].get(lang),
                       output_columns(i18n.CALL_COLUMNS, kinds, lang,
                                {"customer_name": 32, "stage_name": 20, "reasons": 24, "script": 60,
                                 "last_contact": 17},
                                wrap=frozenset({"customer_name", "stage_name", "reasons", "script"})),
                       frame, row_fills=pd.Series(np.where(broken, WARNING_FILL, None), dtype=object),
                       print_title_columns=2)


# ----- Compliance · 合规检查 -----
def compliance_table(result: RefreshResult, lang: Lang) -> OutputTable:
    table = result.compliance
    frame = table.copy()
    frame["collector"] = frame["collector"].where(frame["collector"].notna(), i18n.NO_COLLECTOR.get(lang))
    kinds = {key: "int" for key in (*i18n.CONTACT_RULES, "total")}
    return OutputTable(i18n.SHEETS["compliance"].get(lang),
                       output_columns(i18n.COMPLIANCE_COLUMNS, kinds, lang, {"collector": 16}),
                       frame[list(i18n.COMPLIANCE_COLUMNS)].reset_index(drop=True),
                       row_fills=pd.Series(np.where(table["total"] > 0, WARNING_FILL, None), dtype=object))


# ----- Weekly · 重点客户周跟踪 -----
def weekly_table(result: RefreshResult, lang: Lang) -> OutputTable:
    weeks = result.weekly
    frame = pd.DataFrame({
        "week": weeks["week"],
        "customer_id": weeks["customer_id"],
        "customer_name": weeks["customer_name"],
        "stage": weeks["stage"],
        "stage_name": _names(weeks["stage"], i18n.STAGE_NAMES, lang),
        "open": weeks["open_fen"],
        "overdue": weeks["overdue_fen"],
        "paid_week": weeks["paid_week_fen"],
        "contacts_week": weeks["contacts_week"],
        "open_promise_date": pd.to_datetime(weeks["open_promise_date"]),
        "open_promise": weeks["open_promise_fen"],
        "compared_with": weeks["compared_with"],
        "overdue_change": weeks["overdue_change_fen"],
        "flag": pd.Series([separator(lang).join(i18n.WEEKLY_FLAGS[c].get(lang) for c in codes)
                           for codes in weeks["flags"]], index=weeks.index, dtype=object),
    })
    kinds = {"open": "money", "overdue": "money", "paid_week": "money", "contacts_week": "int",
             "open_promise_date": "date", "open_promise": "money", "overdue_change": "money"}
    flagged = [len(codes) > 0 for codes in weeks["flags"]]
    return OutputTable(i18n.SHEETS["weekly"].get(lang),
                       output_columns(i18n.WEEKLY_COLUMNS, kinds, lang, {"customer_name": 32, "stage_name": 20, "flag": 28},
                                wrap=frozenset({"customer_name", "stage_name", "flag"})),
                       frame, row_fills=pd.Series(np.where(flagged, WARNING_FILL, None), dtype=object),
                       print_title_columns=3)


# ----- Channels · 渠道分析 -----
def channels_table(result: RefreshResult, lang: Lang) -> OutputTable:
    table = result.channels
    frame = pd.DataFrame({
        "band": _names(table["band"], i18n.DPD_BANDS, lang),
        "channel": _names(table["channel"], i18n.CHANNELS, lang),
        "attempts": table["attempts"],
        "successes": table["successes"],
        "rate": table["rate"].astype("float64"),
        "collected": table["collected_fen"],
    })
    kinds = {"attempts": "int", "successes": "int", "rate": "percent", "collected": "money"}
    return OutputTable(i18n.SHEETS["channels"].get(lang), output_columns(i18n.CHANNEL_COLUMNS, kinds, lang, {"band": 14}),
                       frame)


def collector_tables(result: RefreshResult, lang: Lang) -> dict[str, OutputTable]:
    """The collector's week sheets, by sheet key, in tab order."""
    return {"calls": calls_table(result, lang), "compliance": compliance_table(result, lang),
            "weekly": weekly_table(result, lang), "channels": channels_table(result, lang)}
