"""The layout of the `Letters · 函件记录` log sheet: old rows exactly as they were, then the new ones."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..core import i18n
from ..core.cells import format_money, parse_dates, parse_money
from ..core.i18n import Lang
from ..core.read.letter_log import LetterLog, LogRow
from ..core.tables import OutputColumn, OutputTable

LOG_DATE_KEYS = ("date", "sent_date", "delivered_date")
LOG_MONEY_KEYS = ("total",)
LOG_WIDTHS = {"letter_no": 17, "date": 12, "kind": 22, "customer_id": 12, "customer_name": 32, "stage": 10,
              "invoices": 30, "total": 15, "file": 40, "sha256": 20, "status": 10, "sent_date": 12,
              "delivered_date": 16, "tracking_no": 18, "case_ref": 16, "note": 40}
#: Long texts wrap within their column instead of printing cut off (the SHA-256 stays one line, cut:
#: its first 20 digits tell the files apart, the full value is in the cell).
LOG_WRAP = frozenset({"kind", "customer_name", "invoices", "note"})


def log_row_values(row: LogRow, lang: Lang) -> dict[str, object]:
    """A new log row as typed cell values by key."""
    return {
        "letter_no": row.letter_no, "date": pd.Timestamp(row.date), "kind": i18n.LETTER_KINDS[row.kind].get(lang),
        "customer_id": row.customer_id, "customer_name": row.customer_name, "stage": row.stage,
        "invoices": row.invoices, "total": row.total_fen, "file": row.file, "sha256": row.sha256,
        "status": i18n.LETTER_STATUSES[row.status].get(lang) if row.status in i18n.LETTER_STATUSES else row.status,
        "sent_date": None, "delivered_date": None, "tracking_no": None, "case_ref": row.case_ref or None,
        "note": row.note or None,
    }


def log_table(log: LetterLog, new_rows: Sequence[LogRow], lang: Lang) -> OutputTable:
    """The whole log: existing rows exactly as they were (every column, the clerk's edits),
    then the new rows.  Existing columns keep their order and header text; missing log
    columns are added at the end.  A date or amount column is typed when every value in
    it is understood, else it is written as text so nothing the clerk typed is lost."""
    name = log.sheet_name or i18n.SHEETS["letters"].get(lang)
    header = list(log.header)
    keys = dict(log.keys)
    for key in i18n.LETTER_LOG_COLUMNS:
        if key not in keys:
            keys[key] = len(header)
            header.append(i18n.LETTER_LOG_COLUMNS[key].get(lang))
    width = len(header)
    old = [list(row) + [None] * (width - len(row)) for row in log.rows]
    position_key = {position: key for key, position in keys.items()}
    new_values = [log_row_values(row, lang) for row in new_rows]
    columns: list[OutputColumn] = []
    data: dict[str, pd.Series] = {}
    for position in range(width):
        key = position_key.get(position)
        old_text = pd.Series([row[position] for row in old], dtype="string")
        fresh = [values[key] for values in new_values] if key else [None] * len(new_values)
        title = header[position] if header[position] is not None else ""
        kind, series = "text", None
        if key in LOG_DATE_KEYS:
            parsed, bad = parse_dates(old_text, log.serial_dates)
            if not bad.any():
                kind = "date"
                series = pd.concat([parsed, pd.Series(pd.to_datetime(fresh), dtype="datetime64[ns]")],
                                   ignore_index=True)
        elif key in LOG_MONEY_KEYS:
            fen, bad = parse_money(old_text)
            if not bad.any():
                kind = "money"
                series = pd.concat([fen, pd.Series(fresh, dtype="Int64")], ignore_index=True)
        if series is None:
            old_values = [None if pd.isna(v) else str(v) for v in old_text]
            series = pd.Series(old_values + [_as_text(v) for v in fresh], dtype=object)
        columns.append(OutputColumn(title, kind, LOG_WIDTHS.get(key or "", 14), key in LOG_WRAP))
        data[f"c{position}"] = series.reset_index(drop=True)
    frame = pd.DataFrame(data)
    return OutputTable(name, tuple(columns), frame, print_title_columns=1)      # the letter number


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (int, np.integer)):
        return format_money(int(value))
    return str(value)
