"""The KPIs · 关键指标 sheet layout: months as columns, blanks empty (never 0), rates in %,
amounts in yuan, the owner bonus labelled as the method's example scheme, in both languages."""
import math

import pytest

from tests.core.test_kpis_pass import run
from xlsx_tools.present.sheets import output_tables


@pytest.fixture(scope="module")
def result():
    return run()


def rows(table):
    return {(r[0], r[1], r[2]): r[3:] for r in table.frame.itertuples(index=False)}


def test_columns_are_the_twelve_months_oldest_first(result):
    table = output_tables(result, "en")["kpis"]
    headers = [c.header for c in table.columns]
    assert headers[:3] == ["Split", "Line / owner", "Figure"]
    assert headers[3:] == list(result.kpis.months) and len(headers[3:]) == 12
    assert table.name == "KPIs" and output_tables(result, "zh")["kpis"].name == "关键指标"


def test_blank_figures_are_empty_cells_and_computed_zeros_are_zero(result):
    figures = rows(output_tables(result, "en")["kpis"])
    overdue = figures[("Overall", None, "Overdue balance")]
    assert math.isnan(overdue[0])                                  # 2025-04: before the ledger
    assert overdue[-1] == 4000.0                                   # yuan
    rate = figures[("Overall", None, "Recovery rate (%)")]
    assert rate[-1] == 20.0                                        # 1000 / (4000 + 1000) in percent
    assert figures[("Overall", None, "New overdue")][-1] == 0.0    # computed, so 0 and not blank


def test_bonus_rows_and_the_example_scheme_note(result):
    table = output_tables(result, "zh")["kpis"]
    bonus = [r for r in table.frame.itertuples(index=False) if str(r[0]).startswith("责任人回款奖励")]
    assert {r[1] for r in bonus} == {"王", "李"}
    assert all(math.isnan(value) for r in bonus for value in r[3:-1])     # the as-of month only
    scheme = [i.message for i in result.issues if i.sheet == "kpis" and "§5" in i.message.en]   # an info line
    assert [m.zh for m in scheme] == ["催收方法（§5）示例方案：回收率高于 80% 时，奖励回收金额的 1%"]
    assert scheme[0].en.startswith("Example scheme of the collections method")


def test_info_issues_name_the_kpis_sheet_in_the_written_language(result):
    issues = output_tables(result, "en")["issues"].frame
    info = issues[issues.iloc[:, 0] == "info"]
    kpi_rows = info[info.iloc[:, 3].str.contains("blank|scheme")]                # the KPI sheet's lines
    assert len(kpi_rows) and set(kpi_rows.iloc[:, 1]) == {"KPIs"}
