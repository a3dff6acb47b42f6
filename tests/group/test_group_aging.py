"""One book's rows on Group Aging (pure, no files): CNY amounts, the group's buckets whatever the
book's Policy sets."""
from __future__ import annotations

import datetime as dt

from tests.sheets import raw_sheet
from xlsx_tools.core.group import book_aging
from xlsx_tools.core.i18n import Label
from xlsx_tools.core.refresh import RefreshInputs, compute

LEDGER = """单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 币种 | 金额
U1 | C1 | L | 2026-05-01 | 2026-06-15 | USD | 1000.00
R1 | C1 | L | 2026-02-01 | 2026-03-02 | CNY | 500.00
"""
FX = "币种 | 日期 | 折合人民币汇率\nUSD | 2026-06-01 | 7.1234"


def _aging(policy: str | None = None):
    inputs = RefreshInputs(ledger=raw_sheet("应收台账", LEDGER), fx=raw_sheet("汇率", FX),
                           policy=raw_sheet("催收策略", policy) if policy else None)
    result = compute(inputs, as_of=dt.date(2026, 6, 30))
    return result, book_aging(result, "North", [Label("", "")] * len(result.aging))


def test_book_aging__amounts_in_cny_as_on_the_books_aging_sheet():
    result, aging = _aging()
    total = aging[aging["is_total"]].iloc[0]
    assert (total["bucket_1"], total["bucket_4"], total["receivables_fen"]) == (712_340, 50_000, 762_340)
    assert total["receivables_fen"] == result.aging[result.aging["is_total"]].iloc[0]["receivables_fen"]


def test_book_aging__rows_are_bucketed_at_the_groups_edges_not_the_books():
    _, aging = _aging("设置项 | 值\nbucket_edges | 0, 15, 45, 120")     # 15 and 120 days: the book's 1st and 3rd
    total = aging[aging["is_total"]].iloc[0]
    assert [total[f"bucket_{b}"] for b in range(7)] == [0, 712_340, 0, 0, 50_000, 0, 0]
