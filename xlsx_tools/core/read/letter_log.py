"""The `Letters · 函件记录` log: every cell kept as text for the rewrite, plus a parsed view.

`LogRow` is one row as a batch generates it; `with_rows` adds a run's rows to the parsed
view so idempotency holds within one run too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import pandas as pd

from .. import i18n
from ..cells import format_money, parse_dates
from ..i18n import Label
from ..issues import Issue
from ..sheet_rows import locate_columns
from ..tables import RawSheet, SerialDates


@dataclass(frozen=True)
class LogRow:
    """One row of the Letters log, as generated (the clerk fills the last three later)."""

    letter_no: str
    date: dt.date
    kind: str
    customer_id: str
    customer_name: str
    stage: str
    invoices: str
    total_fen: int
    file: str
    sha256: str
    status: str = "generated"
    case_ref: str = ""
    note: str = ""


@dataclass(frozen=True)
class LetterLog:
    """The Letters log as read: every cell kept as text for the rewrite, plus a parsed view.

    `header` is the header row (None for a blank header cell), `rows` the data rows
    (lists of text or None, same width), `keys` maps log keys to column positions.
    `entries` has one row per data row, indexed by Excel row: letter_no, date, kind (a code,
    else the folded text), customer_id, stage, status, case_ref, sent_date, delivered_date
    (as typed), delivered_on (its date, NaT when blank or unreadable), tracking_no, invoices, total, sha256.
    `letters` maps log keys to column letters; `serial_dates` is the workbook's (see RawSheet).
    """

    sheet_name: str | None = None
    header: tuple[str | None, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    keys: Mapping[str, int] = field(default_factory=dict)
    entries: pd.DataFrame = field(default_factory=lambda: _empty_entries())
    letters: Mapping[str, str] = field(default_factory=dict)
    serial_dates: SerialDates | None = None

    def letter_numbers(self) -> list[str]:
        return [no for no in self.entries["letter_no"] if isinstance(no, str) and no]


ENTRY_COLUMNS = ("letter_no", "date", "kind", "customer_id", "customer_name", "stage", "status", "case_ref",
                 "sent_date", "delivered_date", "delivered_on", "tracking_no", "invoices", "total", "sha256")
_DATE_ENTRIES = ("date", "delivered_on")


def _empty_entries() -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series(dtype=object) for key in ENTRY_COLUMNS})
    for key in _DATE_ENTRIES:
        frame[key] = pd.Series(dtype="datetime64[ns]")
    return frame


class LogUnreadable(ValueError):
    """The Letters log exists but has no Letter No column: appending could reuse numbers."""

    def __init__(self, label: Label):
        super().__init__(f"{label.zh} / {label.en}")
        self.label = label


def kind_code(text: object) -> str | None:
    """The letter kind a log cell (or a Policy entry) names by code or either title; else its folded text."""
    if text is None or pd.isna(text):
        return None
    folded = i18n.normalise_name(text)
    for code, label in i18n.LETTER_KINDS.items():
        if folded in (code, i18n.normalise_name(label.en), i18n.normalise_name(label.zh)):
            return code
    return folded or None


def _status_code(text: object) -> str:
    if text is None or pd.isna(text):
        return ""
    folded = i18n.normalise_name(text)
    for code, label in i18n.LETTER_STATUSES.items():
        if folded in (code, i18n.normalise_name(label.zh)):
            return code
    return folded


def require_numbers(log: LetterLog) -> None:
    """Raise LogUnreadable when a log with content has no Letter No column: appending could reuse numbers."""
    if log.header and "letter_no" not in log.keys:
        column = " / ".join(i18n.LETTER_LOG_COLUMNS["letter_no"].both())
        raise LogUnreadable(Label(f"The {log.sheet_name} sheet has no '{column}' column in its header row; "
                                  f"fix the header before generating letters",
                                  f"“{log.sheet_name}”表头中没有“{column}”列，请先修正表头再生成函件"))


def read_letter_log(sheet: RawSheet | None, *, numbered: bool = True) -> tuple[LetterLog, list[Issue]]:
    """The log sheet as text rows plus a parsed view.

    `numbered` (for writing letters): raise LogUnreadable without a Letter No column.  A refresh
    reads it without, as the limitation clock needs only the delivered demands.
    """
    if sheet is None:
        return LetterLog(), []
    frame = sheet.frame
    if not len(frame) or not frame.notna().to_numpy().any():
        return LetterLog(sheet_name=sheet.name, serial_dates=sheet.serial_dates), []
    located, issues = locate_columns(sheet, i18n.LETTER_LOG_COLUMNS, ())
    non_empty = frame.notna().to_numpy().any(axis=1)
    header_pos = int(non_empty.argmax())
    width = len(frame.columns)
    header = tuple(None if pd.isna(v) else str(v) for v in frame.iloc[header_pos])
    body = frame.iloc[header_pos + 1:]
    filled = body.notna().to_numpy().any(axis=1)
    body = body[filled] if len(body) else body
    rows = tuple(tuple(None if pd.isna(v) else str(v) for v in record) for record in body.itertuples(index=False))
    letter_to_position = {letter: n for n, letter in enumerate(sheet.columns[:width])}
    keys = {key: letter_to_position[letter] for key, letter in located.letters.items()}
    excel_rows = pd.RangeIndex(len(filled))[filled] + sheet.first_row + header_pos + 1

    def column(key: str) -> pd.Series:
        if key not in keys:
            return pd.Series([None] * len(rows), dtype=object, index=excel_rows)
        return pd.Series([row[keys[key]] for row in rows], dtype=object, index=excel_rows)

    entries = pd.DataFrame({key: column(key) for key in ENTRY_COLUMNS if key not in _DATE_ENTRIES},
                           index=excel_rows.rename("row"))
    entries["letter_no"] = entries["letter_no"].map(lambda v: v.strip() if isinstance(v, str) else v)
    entries["customer_id"] = entries["customer_id"].map(lambda v: v.strip() if isinstance(v, str) else v)
    for key, typed in (("date", "date"), ("delivered_date", "delivered_on")):
        dates, _ = parse_dates(column(key).astype("string"), sheet.serial_dates)
        entries[typed] = dates.to_numpy()
    entries["kind"] = column("kind").map(kind_code)
    entries["status"] = column("status").map(_status_code)
    entries["stage"] = column("stage").map(lambda v: v.strip().upper() if isinstance(v, str) else v)
    log = LetterLog(sheet.name, header, rows, keys, entries[list(ENTRY_COLUMNS)], dict(located.letters),
                    sheet.serial_dates)
    if numbered:
        require_numbers(log)
    return log, issues


def with_rows(log: LetterLog, new_rows: Sequence[LogRow]) -> LetterLog:
    """The log's parsed view with rows appended (for idempotency checks within one run)."""
    if not new_rows:
        return log
    added = pd.DataFrame({
        "letter_no": [r.letter_no for r in new_rows],
        "date": pd.to_datetime([r.date for r in new_rows]),
        "kind": [r.kind for r in new_rows],
        "customer_id": [r.customer_id for r in new_rows],
        "customer_name": [r.customer_name for r in new_rows],
        "stage": [r.stage for r in new_rows],
        "status": [r.status for r in new_rows],
        "case_ref": [r.case_ref for r in new_rows],
        "sent_date": [None] * len(new_rows), "delivered_date": [None] * len(new_rows),
        "delivered_on": pd.Series(pd.NaT, index=range(len(new_rows)), dtype="datetime64[ns]"),
        "tracking_no": [None] * len(new_rows),
        "invoices": [r.invoices for r in new_rows],
        "total": [format_money(r.total_fen) for r in new_rows],
        "sha256": [r.sha256 for r in new_rows],
    })
    entries = added if not len(log.entries) else pd.concat([log.entries, added], ignore_index=True)
    return replace(log, entries=entries)
