"""Ledger normalisation: headers, dates, amounts, rows to skip, located issues."""
import dataclasses
import datetime as dt

import pandas as pd
import pytest

from xlsx_tools.core import i18n
from xlsx_tools.core.cells import parse_dates, parse_money
from xlsx_tools.core.read.customers import read_customers
from xlsx_tools.core.read.ledger import read_ledger
from xlsx_tools.core.policy import DEFAULT_POLICY
from xlsx_tools.io.xlsx.dates import SERIAL_DATES_1900, serial_dates
from tests.sheets import LEDGER_HEADER, ledger, raw_sheet


def texts(issues, lang="zh"):
    return [item.text(lang) for item in issues]


def clean_ledger(sheet, customers=None):
    """The reader's clean rows and its issues."""
    read, issues = read_ledger(sheet, customers)
    return read.frame, issues


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28", dt.date(2026, 11, 28)),
    ("2026-11-28 00:00:00", dt.date(2026, 11, 28)),
    ("2026/11/28", dt.date(2026, 11, 28)),
    ("2026.11.28", dt.date(2026, 11, 28)),
    ("2026年11月28日", dt.date(2026, 11, 28)),
    ("2026年1月5日", dt.date(2026, 1, 5)),
    ("20261128", dt.date(2026, 11, 28)),
    ("46354", dt.date(2026, 11, 28)),
    ("46354.75", dt.date(2026, 11, 28)),
    ("2026/1/5", dt.date(2026, 1, 5)),
])
def test_dates__every_contract_form_is_accepted(text, expected):
    parsed, bad = parse_dates(pd.Series([text]), SERIAL_DATES_1900)
    assert not bad.iloc[0]
    assert parsed.iloc[0].date() == expected


@pytest.mark.parametrize("text", ["11/28/2026", "2026-13-01", "2026-02-30", "20261332", "tomorrow",
                                  "2026-11/28", "60", "99999999"])
def test_dates__other_forms_are_unrecognised(text):
    parsed, bad = parse_dates(pd.Series([text]), SERIAL_DATES_1900)
    assert bad.iloc[0] and pd.isna(parsed.iloc[0])


def test_dates__numbers_count_in_the_sheets_date_system():
    """The core knows no epoch: the adapter's converter reads serials, and without one a number is no date."""
    numbers = pd.Series(["46354", "2026-11-28"])
    assert list(parse_dates(numbers)[1]) == [True, False]
    assert parse_dates(numbers, serial_dates(True))[0].iloc[0].date() == dt.date(2030, 11, 29)
    assert parse_dates(pd.Series(["0"]), serial_dates(True))[0].iloc[0].date() == dt.date(1904, 1, 1)
    assert parse_dates(pd.Series(["0"]), SERIAL_DATES_1900)[1].iloc[0]


def test_ledger__dates_typed_as_numbers_follow_the_sheets_date_system():
    sheet = ledger("INV-1 | C001 | 工程 | 46354 | 46354 | 100 | | |")
    frame, issues = clean_ledger(sheet)
    assert issues == [] and frame["due_date"].iloc[0].date() == dt.date(2026, 11, 28)
    frame, _ = clean_ledger(dataclasses.replace(sheet, serial_dates=serial_dates(True)))
    assert frame["due_date"].iloc[0].date() == dt.date(2030, 11, 29)


@pytest.mark.parametrize("text, fen", [
    ("1234.5", 123450), ("1,234.50", 123450), ("¥1,234.50", 123450), ("￥ 1234.5", 123450),
    ("RMB 1,000", 100000), ("CNY1000.01", 100001), ("(1,234.50)", -123450), ("-0.05", -5),
    ("0.005", 1), ("0.0049", 0), ("1.005", 101), ("-1.005", -101), ("100000000.10", 10000000010),
    ("1000000001.01", 100000000101), ("1.5E+3", 150000), ("0.30000000000000004", 30), ("12", 1200),
])
def test_amounts__parse_exactly_to_fen_rounding_half_up(text, fen):
    parsed, bad = parse_money(pd.Series([text]))
    assert not bad.iloc[0]
    assert parsed.iloc[0] == fen


@pytest.mark.parametrize("text", ["abc", "1.2.3", "--5", "12元5角", "NaN", "Infinity",
                                  "100000000000000000000", "1E+30"])
def test_amounts__garbage_is_unrecognised(text):
    parsed, bad = parse_money(pd.Series([text]))
    assert bad.iloc[0]


def test_ledger__headers_match_in_either_language_any_case_and_bracket_width():
    sheet = raw_sheet("Ledger", """
    INVOICE NO | customer id |  Invoice Date  | 账期（天） | AMOUNT
    INV1 | C1 | 2026-10-01 | 30 | 100
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == []
    assert clean["due_date"].iloc[0].date() == dt.date(2026, 10, 31)


@pytest.mark.parametrize("header", ["Terms (days)", "Terms（days）", "Terms(days)", "terms ( days )",
                                    " 账期 （天） ", "账期(天)", "账期 （ 天 ）"])
def test_ledger__spaces_beside_brackets_do_not_matter(header):
    """The contract treats full-width and half-width brackets as the same; a Chinese input method
    types 'Terms（days）' with no space, which once left the column unknown and every row in error."""
    sheet = raw_sheet("Ledger", f"""
    Invoice No | Customer ID | Invoice Date | {header} | Amount
    INV1 | C1 | 2026-10-01 | 30 | 100
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == []
    assert clean["due_date"].iloc[0].date() == dt.date(2026, 10, 31)


def test_ledger__header_is_first_non_empty_row_and_cells_are_located():
    sheet = raw_sheet("应收台账", """
    |
    | 单据号 | 客户编号 | 开票日期 | 到期日 | 金额
    | INV1 | C1 | 2026-10-01 | 11/28/2026 | 100
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == ["应收台账!E3: 日期格式无法识别 '11/28/2026'；该行未参与计算"]
    assert texts(issues, "en") == ["应收台账!E3: Date format not recognised '11/28/2026'; row left out of all results"]
    assert clean.empty


def test_ledger__a_row_holding_only_spaces_above_the_header_is_empty():
    """The header row is the first non-empty row: a cell holding only spaces (or a zero-width space)
    above it made that row the header and every required column 'not found' (found by an outside audit)."""
    sheet = raw_sheet("应收台账", """
    SPACE |
    | 单据号 | 客户编号 | 开票日期 | 到期日 | 金额
    | INV1 | C1 | 2026-10-01 | 2026-11-01 | 100
    """)
    sheet = dataclasses.replace(sheet, frame=sheet.frame.replace({"SPACE": "\u3000 \u200b"}))
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == [] and list(clean["row"]) == [3]


def test_ledger__rows_holding_only_spaces_are_blank_and_skipped_silently():
    """A cell of only spaces or invisible characters is blank, so a row of such cells is a blank row:
    it gave four 'missing' errors and exit code 1 (found by an outside audit)."""
    sheet = ledger("""
    INV1 | C1 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    SPACE | | | | | | | |
    | ZWSP | | | | IDSP | | |
    """)
    sheet = dataclasses.replace(sheet, frame=sheet.frame.replace({"SPACE": "   ", "ZWSP": "\u200b", "IDSP": "\u3000"}))
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == [] and list(clean["row"]) == [2]


def test_ledger__all_problems_are_collected_not_just_the_first():
    sheet = ledger("""
    INV1 | C1 | A | 2026-10-01 | bad-date | abc | | foo |
    INV2 |    | A | 2026-10-01 | 2026-11-01 | 100 | | |
    INV3 | C3 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    """)
    clean, issues = clean_ledger(sheet)
    assert [i.location() for i in issues] == ["应收台账!E2", "应收台账!F2", "应收台账!H2", "应收台账!B3"]
    assert all(i.severity == "error" for i in issues)
    assert list(clean["invoice_no"]) == ["INV3"]


def test_ledger__blank_rows_skipped_silently_and_total_rows_with_warning():
    sheet = ledger("""
    INV1 | C1 | A | 2026-10-01 | 2026-11-01 | 100 | | |
     | | | | | | | |
    合计 | | | | | 100 | | |
    Subtotal | | | | | 100 | | |
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == ["应收台账!A4: 合计行已跳过", "应收台账!A5: 合计行已跳过"]
    assert all(i.severity == "warning" for i in issues)
    assert list(clean["row"]) == [2]


def test_ledger__text_is_trimmed_and_duplicates_reported_against_first_row():
    sheet = ledger("""
      INV1  | C1 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    INV1 | C2 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == ["应收台账!A3: 单据号 'INV1' 与第 2 行重复；该行未参与计算"]
    assert list(clean["invoice_no"]) == ["INV1"] and list(clean["customer_id"]) == ["C1"]


def test_ledger__terms_days_give_the_due_date_and_missing_both_is_an_error():
    sheet = raw_sheet("应收台账", """
    单据号 | 客户编号 | 开票日期 | 到期日 | 账期(天) | 金额
    INV1 | C1 | 2026-10-01 | | 45 | 100
    INV2 | C1 | 2026-10-01 | 2026-10-10 | 45 | 100
    INV3 | C1 | 2026-10-01 | | | 100
    INV4 | C1 | 2026-10-01 | | 4.5 | 100
    """)
    clean, issues = clean_ledger(sheet)
    assert [d.date() for d in clean["due_date"]] == [dt.date(2026, 11, 15), dt.date(2026, 10, 10)]
    assert texts(issues) == ["应收台账!D4: 到期日缺失，且未填写账期(天)；该行未参与计算",
                             "应收台账!E5: 应为整数，实际为 '4.5'；该行未参与计算"]


def test_ledger__missing_required_column_is_one_error_on_the_header_row():
    sheet = raw_sheet("应收台账", """
    单据号 | 客户编号 | 到期日
    INV1 | C1 | 2026-10-01
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == ["应收台账!A1: 表头中找不到必需列 'Invoice Date / 开票日期'",
                             "应收台账!A1: 表头中找不到必需列 'Amount / 金额'"]
    assert clean.empty


def test_ledger__every_issue_names_a_cell_even_for_a_column_the_sheet_lacks():
    """Contract: Issues give a cell (e.g. D17).  A missing column is reported at the header row's
    first cell, and a row problem about an absent column at the row's first known cell."""
    sheet = raw_sheet("应收台账", """
    |
    | 备注 | 单据号 | 客户编号 | 到期日
    | x | INV1 | C1 | 2026-10-01
    """)
    _, issues = clean_ledger(sheet)
    assert [item.cell for item in issues] == ["B2", "B2"]
    sheet = raw_sheet("Ledger", """
    | Invoice No | Customer ID | Invoice Date | Amount
    | INV1 | C1 | 2026-10-01 | 100
    """)
    _, issues = clean_ledger(sheet)
    assert [item.text("en") for item in issues] == [
        "Ledger!B2: Due Date is missing and no Terms (days) given; row left out of all results"]


def test_ledger__overpaid_is_a_warning_and_a_foreign_currency_row_is_kept_for_the_fx_pass():
    sheet = raw_sheet("应收台账", """
    单据号 | 客户编号 | 开票日期 | 到期日 | 金额 | 已收金额 | 币种
    INV1 | C1 | 2026-10-01 | 2026-11-01 | 100 | 120.5 | USD
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues) == ["应收台账!F2: 已收金额超出金额 20.50"]     # USD is converted by the FX pass
    assert len(clean) == 1 and clean["currency"].iloc[0] == "USD"


def test_ledger__status_words_in_both_languages():
    rows = "\n".join(f"INV{n} | C1 | A | 2026-10-01 | 2026-11-01 | 100 | | {word} |"
                     for n, word in enumerate(["", "open", "正常", "DISPUTED", "争议", "Hold", "暂停", "plan",
                                               "分期", "litigation", "诉讼", "written_off", "核销"]))
    clean, issues = clean_ledger(ledger(rows))
    assert issues == []
    assert list(clean["status"]) == ["open", "open", "open", "disputed", "disputed", "hold", "hold", "plan",
                                     "plan", "litigation", "litigation", "written_off", "written_off"]


def test_customers__types_ratings_downgrade_and_unknown_reference():
    read, issues = read_customers(raw_sheet("客户档案", """
    客户编号 | 客户名称 | 客户类型 | 信用评级 | 上期评级
    C1 | 甲公司 | 国企/大型企业 | BB | A
    C2 | 乙公司 | sme | aa | A
    C3 | 丙 | 外星人 | Z |
    """), DEFAULT_POLICY)
    customers = read.frame
    assert customers["customer_type"].tolist()[:2] == ["large", "sme"]
    assert pd.isna(customers["customer_type"].iloc[2])
    assert list(customers["downgraded"]) == [True, False, False]
    assert texts(issues, "en") == [
        "客户档案!C4: Unknown customer type '外星人' (allowed: large, sme, individual)",
        "客户档案!D4: Unknown credit rating 'Z' (allowed: AAA, AA, A, BBB, BB, B, CCC, CC, C, D)"]
    clean, ledger_issues = clean_ledger(ledger("""
    INV1 | C1 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    INV2 | C9 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    INV3 | C9 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    """), customers)
    assert texts(ledger_issues) == ["应收台账!B3: 客户编号 'C9' 不在客户档案中"]
    assert list(clean["customer_name"].fillna("")) == ["甲公司", "", ""]


def test_the_formula_columns_are_never_read_as_input():
    """Days Past Due, Aging Bucket and Stage (the template's formula columns) are computed in
    Excel: whatever they show, the clean ledger and its issues are those of the input columns,
    so deleting them loses nothing."""
    rows = """
A-1 | C1 | 华东 | 2026-09-01 | 2026-10-01 | 1000 |     |      |
A-2 | C2 | 华东 | 2026-09-01 | 2026-10-01 | 500  | 500 | 争议 |
    |    |      |            |            |      |     |      |
"""
    computed = " | ".join(label.zh for label in i18n.LEDGER_COMPUTED_COLUMNS.values())
    with_formulas = ledger(
        "\n".join(line + " | " + extra for line, extra in zip(
            rows.strip("\n").splitlines(), ["58 | 31-60天 | S4", "abc | #VALUE! | HOLD", "   |    |"])),
        header=LEDGER_HEADER + " | " + computed)
    plain, plain_issues = clean_ledger(ledger(rows))
    read, issues = clean_ledger(with_formulas)
    pd.testing.assert_frame_equal(read, plain)
    assert texts(issues) == texts(plain_issues)
    assert len(read) == 2
    assert not set(i18n.LEDGER_COMPUTED_COLUMNS.values()) & set(i18n.LEDGER_COLUMNS.values())


def test_ledger__a_huge_cell_is_quoted_short_so_the_message_stays_readable():
    """A 40,000-character cell was quoted whole: the console scrolled for pages and the Issues cell
    (32,767 characters at most) lost the end of the message (found by an outside audit)."""
    huge = "x" * 40_000
    _, issues = read_ledger(ledger(f"INV1 | C1 | A | {huge} | 2026-12-01 | 100 | | |"))
    [found] = [i for i in issues if i.cell == "D2"]
    assert len(found.message.en) < 200 and len(found.message.zh) < 200
    assert f"'{'x' * 40}" in found.message.en and "…'" in found.message.en
    assert found.message.en.endswith("row left out of all results")


def test_ledger__invisible_characters_around_an_id_are_trimmed_like_spaces():
    """'C1' pasted from a web page came as 'C1\\u200b' and matched no customer; a cell holding only a
    zero-width space counted as an invoice number (found by an outside audit)."""
    customers, _ = read_customers(raw_sheet("客户档案", "客户编号 | 客户名称\n\ufeffC1 | 甲公司"), DEFAULT_POLICY)
    sheet = ledger("INV1\u200b | C1\u200b | A | 2026-11-01 | 2026-12-01 | 100 | | |\n"
                   "\u200b | C1 | A | 2026-11-01 | 2026-12-01 | 100 | | |\n"
                   "\u2060INV3\u00a0 | \u3000C1 | A | 2026-11-01 | 2026-12-01 | 100 | | |")
    result, issues = read_ledger(sheet, customers.frame)
    assert result.frame["invoice_no"].tolist() == ["INV1", "INV3"]
    assert result.frame["customer_name"].tolist() == ["甲公司", "甲公司"]
    assert [i.cell for i in issues if i.severity == "error"] == ["A3"]


def test_ledger__a_number_repeating_a_row_with_another_error_is_still_a_duplicate():
    # found by the refresh audit: row 2's bad amount hid the duplicate, row 3 was computed unflagged
    sheet = ledger("""
    INV1 | C1 | A | 2026-10-01 | 2026-11-01 | abc | | |
    INV1 | C2 | A | 2026-10-01 | 2026-11-01 | 100 | | |
    """)
    clean, issues = clean_ledger(sheet)
    assert texts(issues, "en") == ["应收台账!F2: Amount not recognised 'abc'; row left out of all results",
                                   "应收台账!A3: Invoice No 'INV1' duplicates row 2; row left out of all results"]
    assert clean.empty


def test_ledger__a_credit_note_applied_with_a_negative_paid_amount_is_no_warning():
    # found by the refresh audit: the contract's "fully applied credit note" (amount -100, paid -100,
    # CLOSED) read 'Paid amount is negative'; beyond its amount, or on an invoice, it still warns
    sheet = ledger("""
    CN1 | C1 | A | 2026-10-01 | 2026-11-01 | -100 | -100 | |
    CN2 | C1 | A | 2026-10-01 | 2026-11-01 | -100 | -40 | |
    CN3 | C1 | A | 2026-10-01 | 2026-11-01 | -100 | -150 | |
    INV1 | C1 | A | 2026-10-01 | 2026-11-01 | 100 | -10 | |
    """)
    clean, issues = clean_ledger(sheet)
    assert [(item.severity, item.cell) for item in issues] == [("warning", "G4"), ("warning", "G5")]
    assert len(clean) == 4
