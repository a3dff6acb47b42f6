"""Inline sheets for tests: a table written as text lines becomes a RawSheet."""
from __future__ import annotations

import pandas as pd

from xlsx_tools.core.tables import RawSheet, column_letter
from xlsx_tools.io.xlsx.dates import SERIAL_DATES_1900


def raw_sheet(name: str, text: str, first_row: int = 1) -> RawSheet:
    """Lines of '|'-separated cells; an empty cell is blank. Column A is the first cell.
    Numbers in date columns count in the 1900 date system, as in a workbook Excel saved."""
    rows = [[cell.strip() or None for cell in line.split("|")] for line in text.strip("\n").splitlines()]
    width = max(len(row) for row in rows)
    rows = [row + [None] * (width - len(row)) for row in rows]
    letters = tuple(column_letter(n + 1) for n in range(width))
    frame = pd.DataFrame(rows, columns=list(letters), dtype="string")
    return RawSheet(name, frame, first_row, letters, SERIAL_DATES_1900)


LEDGER_HEADER = "单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 金额 | 已收金额 | 状态 | 暂停至"


def ledger(rows: str, header: str = LEDGER_HEADER) -> RawSheet:
    return raw_sheet("应收台账", header + "\n" + rows.strip("\n"))
