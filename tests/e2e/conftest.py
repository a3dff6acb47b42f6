"""Shared fixtures: a small ledger workbook, the demo workbook, and LibreOffice when present."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.workbooks import write_workbook

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    """A ledger with one bad date, one total row, customers and a user sheet."""
    return write_workbook(tmp_path / "book.xlsx", {
        "应收台账": [
            ["单据号", "客户编号", "业务线", "开票日期", "到期日", "金额", "已收金额", "状态"],
            ["INV-001", "C1", "华东", dt.date(2026, 8, 1), dt.date(2026, 8, 31), 16409.02, None, None],
            ["INV-002", "C1", "华东", dt.date(2026, 10, 1), "2026/11/20", "¥1,000.00", 200, None],
            ["INV-003", "C2", "华南", dt.date(2026, 10, 1), "11/28/2026", 500, None, None],
            ["=SUM(1,2)", "C2", "华南", dt.date(2026, 11, 1), dt.date(2026, 12, 1), 300, None, "争议"],
            ["合计", None, None, None, None, 18209.02, None, None],
        ],
        "客户档案": [
            ["客户编号", "客户名称", "客户类型", "信用评级", "上期评级"],
            ["C1", "上海甲公司", "国企/大型企业", "BB", "A"],
            ["C2", "+Old Mill & Sons <Ltd>", "sme", "A", "A"],
        ],
        "我的备注": [["自己的笔记", 42]],
    })
