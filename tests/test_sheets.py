"""Output sheet layout: headers per language, kinds, stage colours, key-target rows, tags, warnings."""
import datetime as dt

from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.present.sheets import KEY_TARGET_FILL, STAGE_FILLS, WARNING_FILL, output_tables
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)


def result():
    rows = f"""
    I1 | C1 | 华东 | 2025-01-01 | {AS_OF - dt.timedelta(days=120)} | 900 | | |
    I2 | C2 | 华东 | 2025-01-01 | {AS_OF - dt.timedelta(days=3)}   | 100 | | |
    """
    customers = raw_sheet("客户档案", """
    客户编号 | 客户名称 | 客户类型 | 信用评级 | 上期评级
    C1 | 甲 | 中小微企业 | B | A
    C2 | 乙 | 个人 | A | A
    """)
    return compute(RefreshInputs(ledger(rows), customers), as_of=AS_OF)


def test_sheets__contract_headers_in_each_language():
    zh, en = output_tables(result(), "zh"), output_tables(result(), "en")
    assert zh["detail"].name == "账龄明细" and en["detail"].name == "Detail"
    zh_headers = [c.header for c in zh["priority"].columns]
    en_headers = [c.header for c in en["priority"].columns]
    assert zh_headers[:13] == ["排名", "客户编号", "客户名称", "未收余额", "逾期金额", "占比", "最长逾期天数", "催收阶段",
                               "重点催收对象", "高风险", "标签", "下一步动作", "责任人"]
    assert en_headers[:13] == ["Rank", "Customer ID", "Customer Name", "Open Balance", "Overdue Amount", "Share",
                               "Max Days Past Due", "Stage", "Key Target", "High Risk", "Tags", "Next Action", "Owner"]
    detail_headers = [c.header for c in en["detail"].columns]
    for header in ("Invoice No", "Customer ID", "Open Amount", "Days Past Due", "Aging Bucket", "Stage",
                   "Next Action", "Owner"):
        assert header in detail_headers
    kinds = {c.header: c.kind for c in en["detail"].columns}
    assert (kinds["Open Amount"], kinds["Due Date"], kinds["Days Past Due"]) == ("money", "date", "int")


def test_sheets__key_target_rows_highlighted_and_stage_cells_coloured():
    tables = output_tables(result(), "zh")
    priority = tables["priority"]
    assert list(priority.frame["customer_id"]) == ["C1", "C2"]
    assert list(priority.row_fills) == [KEY_TARGET_FILL, None]
    stage_column = [c.header for c in priority.columns].index("催收阶段")
    assert list(priority.cell_fills[stage_column]) == [STAGE_FILLS["S5"], STAGE_FILLS["S2"]]


def test_sheets__tags_are_aging_share_and_customer_type_then_flags():
    tags = list(output_tables(result(), "zh")["priority"].frame["tags"])
    assert tags[0] == "91-180天、占比>5%、中小微企业、重点催收对象、高风险、评级下调"
    assert tags[1] == "1-30天、占比>5%、个人"
    en_tags = list(output_tables(result(), "en")["priority"].frame["tags"])
    assert en_tags[1] == "1-30; share >5%; individual"


def test_sheets__early_overdue_warning_text_and_row_fill():
    aging = output_tables(result(), "zh")["aging"]
    warnings = list(aging.frame["warnings"])
    assert warnings == ["", ""]  # 1-30 days overdue is 10% of receivables: under 15%
    assert list(aging.frame["line"]) == ["华东", "合计"]
    assert list(aging.row_fills) == [None, None]


def test_sheets__warning_rows_are_filled():
    rows = f"I1 | C1 | 华南 | 2025-01-01 | {AS_OF - dt.timedelta(days=3)} | 100 | | |"
    aging = output_tables(compute(RefreshInputs(ledger(rows)), as_of=AS_OF), "en")["aging"]
    assert list(aging.row_fills) == [WARNING_FILL, WARNING_FILL]
    assert aging.frame["warnings"].iloc[0] == \
        "Overdue 1-30 days is 100.0% of receivables (> 15%): meet the department head"


def test_sheets__every_sheet_prints_the_as_of_date_and_long_text_wraps():
    # issue 9.14/9.15: the printed footer says which day the figures are for; Tags and Next Action wrap
    for lang, footer in (("zh", "数据截至 2026-11-28"), ("en", "As of 2026-11-28")):
        tables = output_tables(result(), lang)
        assert {key: table.footer for key, table in tables.items()} == {key: footer for key in tables}
    tables = output_tables(result(), "en")
    wrapped = {key: [c.header for c in table.columns if c.wrap] for key, table in tables.items()}
    assert {"Tags", "Next Action"} <= set(wrapped["priority"])
    assert "Next Action" in wrapped["detail"] and "Warnings" in wrapped["aging"] and "Message" in wrapped["issues"]


def test_sheets__wide_sheets_repeat_whose_row_it_is_and_no_chart_sits_in_those_columns():
    """Printed over several pages wide, each page repeats the leading columns that name the row;
    a chart in those columns would be printed in slices on every page (LibreOffice did so)."""
    tables = output_tables(result(), "en")
    titles = {key: [c.header for c in table.columns[:table.print_title_columns]] for key, table in tables.items()}
    assert titles["priority"] == ["Rank", "Customer ID", "Customer Name"]
    assert titles["detail"] == ["Ledger Row", "Invoice No", "Customer ID", "Customer Name"]
    assert titles["aging"] == ["Business Line"]
    assert titles["kpis"] == ["Split", "Line / owner", "Figure"]
    charted = [table for table in tables.values() if table.charts]
    assert {table.name for table in charted} >= {tables["aging"].name, tables["priority"].name}
    for table in charted:
        assert all(chart.anchor[0] >= table.print_title_columns for chart in table.charts), table.name
