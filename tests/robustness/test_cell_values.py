"""One bad cell is a located error on its row, never a crash, never a silent wrong value (issue 10, items 2, 3)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from xlsx_tools.core.cells import LAST_DATE, parse_dates_checked, parse_money
from xlsx_tools.io.xlsx.dates import SERIAL_DATES_1900
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.core.read.ledger import read_ledger
from tests.sheets import ledger, raw_sheet

HEADER = "单据号 | 客户编号 | 开票日期 | 到期日 | 账期（天） | 金额 | 暂停至"


def read(rows: str):
    found, issues = read_ledger(ledger(rows, HEADER))
    return found.frame, {(item.cell, item.code if hasattr(item, "code") else "", item.severity): item
                         for item in issues}, issues


def located(issues, cell: str, severity: str = "error") -> bool:
    return any(item.cell == cell and item.severity == severity for item in issues)


# ---------------------------------------------------------------- item 2: out-of-range dates and terms
@pytest.mark.parametrize("cell, column", [("0000-01-01", "C"), ("9999-12-31", "C"), ("2958465", "C"),
                                          ("3000000", "C"), ("1899-12-25 00:00:00", "C"), ("-5", "C"),
                                          ("9" * 400, "C")])  # a serial float() reads as infinity
def test_a_date_outside_the_computable_range_is_an_error_on_its_cell_and_the_rest_is_computed(cell, column):
    frame, _, issues = read(f"""
    INV1 | C1 | {cell} | | 30 | 100 |
    INV2 | C1 | 2026-01-01 | | 30 | 200 |
    """)
    assert located(issues, f"{column}2")
    assert list(frame["invoice_no"]) == ["INV2"]


@pytest.mark.parametrize("cell", ["7449-06-11", "2200-01-01", "2026620", "9998-12-31"])
def test_a_far_date_that_is_not_the_year_9999_is_an_error_even_where_open_ended(cell):
    """A due date of 7449-06-11 (serial 2026620, a mistyped 20260620) was read as "never due": the
    receivable silently left every stage (found by the contract conformance audit)."""
    frame, _, issues = read(f"""
    INV1 | C1 | 2026-01-01 | {cell} | | 100 |
    INV2 | C1 | 2026-01-01 | 2026-02-01 | | 100 | {cell}
    INV3 | C1 | 2026-01-01 | 9999-01-01 | | 100 |
    """)
    assert located(issues, "D2") and located(issues, "G3")
    assert list(frame["invoice_no"]) == ["INV3"] and frame["due_date"].iloc[0] == LAST_DATE


def test_9999_12_31_is_open_ended_in_due_date_and_hold_until():
    frame, _, issues = read("""
    INV1 | C1 | 2026-01-01 | 9999-12-31 | | 100 | 9999-12-31
    """)
    assert [i for i in issues if i.severity == "error"] == []
    assert frame["due_date"].iloc[0] == LAST_DATE and frame["hold_until"].iloc[0] == LAST_DATE


@pytest.mark.parametrize("terms", ["1e12", "1e400", "3651", "99999999999999999999"])
def test_huge_terms_are_an_error_on_their_cell(terms):
    frame, _, issues = read(f"""
    INV1 | C1 | 2026-01-01 | | {terms} | 100 |
    INV2 | C1 | 2026-01-01 | | 3650 | 100 |
    """)
    assert located(issues, "E2") and list(frame["invoice_no"]) == ["INV2"]


def test_the_whole_computation_survives_extreme_cells():
    sheet = ledger("""
    INV1 | C1 | 0000-01-01 | | 30 | 100 |
    INV2 | C1 | 2026-01-01 | 9999-12-31 | | 100 | 9999-12-31
    INV3 | C1 | 1900-01-01 | | 3650 | 100 |
    INV4 | C1 | 2199-12-31 | | 3650 | 1,2,3 |
    INV5 | C1 | 2026-01-01 | | 1e12 | 100 |
    INV6 | C1 | 2026-01-01 | | -30 | 100 |
    INV7 | C1 | 2026-01-01 | 2025-12-01 | | 100 |
    """, HEADER)
    result = compute(RefreshInputs(ledger=sheet), as_of=dt.date(2026, 11, 28))
    errors = {item.cell for item in result.issues if item.severity == "error"}
    assert errors == {"C2", "F5", "E6", "E7"}
    assert any(item.cell == "D8" and item.severity == "warning" for item in result.issues)


# ---------------------------------------------------------------- item 3: wrong values accepted silently
@pytest.mark.parametrize("text", ["1,2,3", "12,34", "1,0000", "1，2，3", ",123", "123,", "1,,234"])
def test_thousands_separators_must_come_in_groups_of_three(text):
    fen, bad = parse_money(pd.Series([text], dtype="string"))
    assert bad.iloc[0] and pd.isna(fen.iloc[0])


def test_negative_terms_are_an_error_and_due_before_invoice_a_warning():
    _, _, issues = read("""
    INV1 | C1 | 2026-01-01 | | -30 | 100 |
    INV2 | C1 | 2026-01-01 | 2025-12-01 | | 100 |
    """)
    assert located(issues, "E2", "error")
    assert located(issues, "D3", "warning") and not located(issues, "D3", "error")


# ---------------------------------------------------------------- properties
def _grouped(whole: int) -> str:
    return f"{whole:,}"


@settings(max_examples=300, deadline=None)
@given(fen=st.integers(min_value=-10 ** 14, max_value=10 ** 14),
       form=st.sampled_from(["plain", "grouped", "yuan", "rmb", "bracket", "fullwidth"]))
def test_every_accepted_amount_form_gives_the_exact_value(fen, form):
    whole, cents = divmod(abs(fen), 100)
    number = f"{whole}.{cents:02d}"
    grouped = f"{_grouped(whole)}.{cents:02d}"
    sign = "-" if fen < 0 else ""
    text = {"plain": f"{sign}{number}", "grouped": f"{sign}{grouped}", "yuan": f"¥{sign}{grouped}",
            "rmb": f"RMB {sign}{number}元", "bracket": f"({grouped})" if fen < 0 else grouped,
            "fullwidth": f"{sign}{grouped.replace(',', '，')}"}[form]
    parsed, bad = parse_money(pd.Series([text], dtype="string"))
    assert not bad.iloc[0] and parsed.iloc[0] == fen, text


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[1-9][0-9]{0,2}(,[0-9]{1,2}|,[0-9]{4,5})(,[0-9]{3})*(\.[0-9]{2})?\Z", fullmatch=True))
def test_near_miss_groupings_are_refused(text):
    parsed, bad = parse_money(pd.Series([text], dtype="string"))
    assert bad.iloc[0], text


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=LAST_DATE.date()),
       form=st.sampled_from(["iso", "time", "slash", "dot", "chinese", "compact", "serial"]))
def test_every_accepted_date_form_gives_the_exact_date(day, form):
    serial = (day - dt.date(1899, 12, 30)).days
    if day < dt.date(1900, 3, 1):
        serial -= 1  # Excel's phantom 1900-02-29
    text = {"iso": day.isoformat(), "time": f"{day.isoformat()} 00:00:00", "slash": f"{day.year}/{day.month}/{day.day}",
            "dot": f"{day.year}.{day.month:02d}.{day.day:02d}", "chinese": f"{day.year}年{day.month}月{day.day}日",
            "compact": day.strftime("%Y%m%d"), "serial": str(serial)}[form]
    parsed, bad, outside = parse_dates_checked(pd.Series([text], dtype="string"), SERIAL_DATES_1900)
    assert not bad.iloc[0] and not outside.iloc[0] and parsed.iloc[0].date() == day, text


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(1899, 12, 31)).map(dt.date.isoformat),
    st.dates(min_value=dt.date(2200, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.integers(min_value=-10 ** 9, max_value=-1).map(str),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1900, 2199), st.integers(13, 99),
              st.integers(1, 28)),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}-32", st.integers(1900, 2199), st.integers(1, 12)),
))
def test_near_miss_dates_are_a_located_error(text):
    _, _, issues = read(f"INV1 | C1 | {text} | | 30 | 100 |")
    assert located(issues, "C2"), text


@pytest.mark.parametrize("text, fen", [("999999999999999.99", 99_999_999_999_999_999), ("-999999999999999.99", -99_999_999_999_999_999),
                                       ("1000000000000000", None), ("0.005", 1), ("-0.005", -1), ("1.234", 123),
                                       ("1.235", 124), ("12.", 1200), ("+5", 500), ("-0", 0), ("00012.30", 1230),
                                       (".5", 50), ("1.5E+3", 150_000), ("12.3.4", None), ("+-1", None)])
def test_money_at_the_edges_of_the_plain_figure_forms(text, fen):
    parsed, bad = parse_money(pd.Series([text], dtype="string"))
    assert (pd.isna(parsed.iloc[0]) and bad.iloc[0]) if fen is None else (parsed.iloc[0] == fen and not bad.iloc[0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.from_regex(r"\A[+-]?[0-9]{1,16}(\.[0-9]{0,4})?\Z", fullmatch=True),
                          st.sampled_from(["1,234.50", "(12.50)", "¥ 8", "abc", "1,2,3", "  7.5 "])),
                min_size=1, max_size=40))
def test_a_column_reads_each_cell_as_it_reads_alone(texts):
    """Plain figures and the other forms take different paths through a column: no row may shift."""
    column, bad = parse_money(pd.Series(texts, dtype="string", index=range(10, 10 + len(texts))))
    for at, text in enumerate(texts):
        alone, alone_bad = parse_money(pd.Series([text], dtype="string"))
        assert pd.isna(column.iloc[at]) == pd.isna(alone.iloc[0]) and bad.iloc[at] == alone_bad.iloc[0]
        if not pd.isna(alone.iloc[0]):
            assert column.iloc[at] == alone.iloc[0], text


def test_a_day_no_calendar_has_spoils_only_its_own_cell():
    """Date cells are read as one strict cast; a column holding 2026-02-30 is read cell by cell instead."""
    texts = ["2026-02-28 00:00:00", "2026-02-30 00:00:00", "2024-02-29", "1900-02-29", "2026-11-28"]
    parsed, bad, outside = parse_dates_checked(pd.Series(texts, dtype="string"))
    assert bad.tolist() == [False, True, False, True, False] and not outside.any()
    assert [day.date() if not pd.isna(day) else None for day in parsed] == [
        dt.date(2026, 2, 28), None, dt.date(2024, 2, 29), None, dt.date(2026, 11, 28)]


# ---------------------------------------------------------------- control characters reach the output sheets
def test_control_characters_in_cells_reach_the_output_sheets_as_excel_stores_them(tmp_path):
    # a vertical tab pasted into a name: Excel stores it as _x000B_; dropping it would glue the words together
    import io
    import zipfile

    import openpyxl
    from lxml import etree
    from openpyxl.utils.escape import unescape

    from tests.workbooks import sheet_part_names, write_workbook
    from xlsx_tools.cli import main
    from xlsx_tools.io.xlsx.workbook_file import WorkbookFile

    book = write_workbook(tmp_path / "ctrl.xlsx", {
        "Ledger": [["Invoice No", "Customer ID", "Invoice Date", "Due Date", "Amount"],
                   ["A1", "C1", "2026-01-01", "2026-02-01", 100],
                   ["A2", "C1", "2026_x000B_01", "2026-02-01", 50]],
        "Customers": [["Customer ID", "Customer Name"], ["C1", "Acme_x000B_Trading_x0001_Ltd"]]})
    name, bad_date = "Acme\x0bTrading\x01Ltd", "2026\x0b01"
    out, err = io.StringIO(), io.StringIO()
    assert main(["refresh", str(book), "--as-of", "2026-11-28", "--lang", "en"], out=out, err=err) == 1
    assert "'2026\\x0b01'" in err.getvalue() and "\x0b" not in err.getvalue()     # the console shows it visibly
    part = sheet_part_names(book)["Detail"].lstrip("/")
    with zipfile.ZipFile(book) as package:
        detail_xml = package.read(part if part.startswith("xl/") else "xl/" + part).decode()
        charts = [package.read(name) for name in package.namelist() if name.startswith("xl/charts/chart")]
    assert "<t>Acme_x000B_Trading_x0001_Ltd</t>" in detail_xml
    assert any(b"<c:v>Acme_x000B_Trading_x0001_Ltd</c:v>" in chart for chart in charts)   # the Priority chart's names
    for chart in charts:
        etree.fromstring(chart)                                       # well-formed: Excel opens it without repair
    reread = WorkbookFile(book)                                       # the product's own reader (fastexcel)
    assert name in reread.read_sheet("Detail").frame.stack().tolist()
    assert any(bad_date in str(text) for text in reread.read_sheet("Issues").frame.stack().tolist())
    workbook = openpyxl.load_workbook(book, read_only=True)
    try:                  # openpyxl hands inline strings over as stored; its own unescape decodes Excel's escapes
        detail = [unescape(v) for row in workbook["Detail"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
        priority = [unescape(v) for row in workbook["Priority"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
        issues = [unescape(v) for row in workbook["Issues"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    finally:
        workbook.close()
    assert name in detail and name in priority and any(bad_date in text for text in issues)
