"""How the group sheets print: a subsidiary's full name fits its column, and a sheet printed over
several pages repeats the subsidiary on each (tables built in memory: no books, no files)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from xlsx_tools.core.group import KPI_FIGURES, BookFigures, BookOutcome, GroupOutcome, group_kpis
from xlsx_tools.core.i18n import Label
from xlsx_tools.core.passes.kpis import SUM_KEYS
from xlsx_tools.present.group_sheets import group_aging_table, group_kpis_table, sources_table

LONG = "Hangzhou Mingde Trading Co., Ltd. (demo)"     # 40 characters; the column was 24 wide
CJK = "杭州明德贸易有限公司（演示）"                     # 14 wide characters = 28


def _book(name: str) -> BookFigures:
    kpis = {"customers": 1, "receivables_fen": 100, "over_limit": 0, "interest_fen": 0, "provision_fen": 0,
            **dict.fromkeys(KPI_FIGURES, None)}
    return BookFigures(name, dt.date(2026, 11, 30), 1, 0, 0, pd.DataFrame(), pd.DataFrame(), kpis,
                       dict.fromkeys(SUM_KEYS, 0))


def _outcome() -> GroupOutcome:
    books = [_book(LONG), _book(CJK)]
    priority = pd.DataFrame({"key_target": [False], "over_limits": [False]})
    aging = pd.DataFrame({"subsidiary": [LONG, CJK, None], "business_line": ["Retail", "零售", ""],
                          "is_total": [False, False, True], "bucket_0": [100, 100, 200],
                          "receivables_fen": [100, 100, 200], "overdue_fen": [0, 0, 0],
                          "provision_fen": [0, 0, 0], "warnings": [None, None, None]})
    outcomes = [BookOutcome(f"/books/{n}.xlsx", f"book{n}", "0" * 64, 1.0, book) for n, book in enumerate(books)]
    return GroupOutcome(outcomes, priority, aging, group_kpis(books, priority), (Label("Not due", "未到期"),))


def test_group_sheets__a_long_subsidiary_name_is_not_cut():
    outcome = _outcome()
    for table in (group_aging_table(outcome, "zh"), group_kpis_table(outcome, "zh"), sources_table(outcome, "zh")):
        assert table.columns[0].width >= len(LONG) + 1, table.name
    assert group_kpis_table(outcome, "en").columns[0].width < 60   # its note rows do not widen it


def test_group_kpis_and_sources__printed_over_two_pages_repeat_the_subsidiary():
    kpis = group_kpis_table(_outcome(), "en")
    assert kpis.print_title_columns == 1
    assert kpis.columns[0].wrap           # the long note wraps in the repeated column, not across page 2
    assert kpis.frame.iloc[-1, 0].startswith("Note:")
    assert sources_table(_outcome(), "en").print_title_columns == 1


def test_sources__seconds_show_the_two_places_they_are_rounded_to():
    from xlsx_tools.io.xlsx.sheet_xml import NUMBER_FORMATS
    table = sources_table(_outcome(), "zh")
    seconds = [column for column in table.columns if column.header == "耗时(秒)"][0]
    assert NUMBER_FORMATS[seconds.kind] == "#,##0.00"       # was 0.0000: 1.53 s printed as 1.5300
