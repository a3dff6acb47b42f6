"""Foreign currency (issue 12): the FX sheet, the rate lookup, conversion and the CNY totals."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.sheets import ledger, raw_sheet
from xlsx_tools.core.letters.plan import plan_letters
from xlsx_tools.core.read.fx import FxRates, read_fx, to_cny_fen
from xlsx_tools.core.read.letter_log import LetterLog
from xlsx_tools.core.refresh import RefreshInputs, compute

FX = """币种 | 日期 | 折合人民币汇率
USD | 2026-03-01 | 7.1000
USD | 2026-03-31 | 7.2000
EUR | 2026-03-15 | 7.8
"""


def rates() -> FxRates:
    found, issues = read_fx(raw_sheet("汇率", FX))
    assert issues == []
    return found


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 3, 31), Decimal("7.2000")),    # a rate on the day asked
    (dt.date(2026, 3, 30), Decimal("7.1000")),    # the latest one before it
    (dt.date(2026, 3, 1), Decimal("7.1000")),
    (dt.date(2026, 2, 28), None),                 # before the first rate: none
    (dt.date(2027, 1, 1), Decimal("7.2000")),
])
def test_rate_is_the_latest_on_or_before_the_day(day, expected):
    assert rates().rate_on("USD", day) == expected


def test_unknown_currency_has_no_rate_and_cny_is_one():
    assert rates().rate_on("HKD", dt.date(2026, 3, 31)) is None
    assert rates().rate_on("RMB", dt.date(2000, 1, 1)) == 1
    assert rates().rate_on(None, dt.date(2000, 1, 1)) == 1


@pytest.mark.parametrize("fen, rate, cny", [
    (1, Decimal("0.5"), 1),                 # 0.5 fen rounds half up
    (1, Decimal("0.49"), 0),
    (-1, Decimal("0.5"), -1),               # a credit note: half away from zero
    (123_456, Decimal("7.1234"), 879_426),  # 1,234.56 × 7.1234 = 8,794.2559… -> 8,794.26
    (100_000_050, Decimal("0.9"), 90_000_045),
])
def test_conversion_rounds_half_up_to_the_fen(fen, rate, cny):
    assert to_cny_fen(fen, rate) == cny


def test_bad_rows_are_located_errors_in_both_languages():
    sheet = raw_sheet("汇率", """Currency | Date | Rate to CNY
US$ | 2026-03-01 | 7.1
USD | 2026-03-01 | 0
USD | 2026-03-02 | -7
USD | 2026-03-03 | 7.1
usd | 2026-03-03 | 7.2
CNY | 2026-03-03 | 1
""")
    found, issues = read_fx(sheet)
    cells = [(item.severity, item.cell) for item in issues]
    assert cells == [("error", "A2"), ("error", "C3"), ("error", "C4"), ("error", "B6"), ("warning", "A7")]
    assert "three letters" in issues[0].message.en and "三个字母" in issues[0].message.zh
    assert issues[3].message.en.startswith("Rate for USD on 2026-03-03 duplicates row 5")
    assert "重复" in issues[3].message.zh
    assert found.rate_on("USD", dt.date(2026, 3, 3)) == Decimal("7.1")


LEDGER_ROWS = """单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 币种 | 金额 | 已收金额
A1 | C1 | L | 2026-01-01 | 2026-01-31 | CNY | 1000.00 | 0
A2 | C1 | L | 2026-01-01 | 2026-01-31 | USD | 100.01 | 50
A3 | C2 | L | 2026-01-01 | 2026-01-31 | HKD | 500 | 0
"""


@pytest.fixture(scope="module")
def converted():
    inputs = RefreshInputs(ledger=raw_sheet("应收台账", LEDGER_ROWS), fx=raw_sheet("汇率", FX))
    return compute(inputs, as_of=dt.date(2026, 3, 31))


def test_detail_gets_cny_columns_at_the_as_of_rate(converted):
    detail = converted.detail.set_index("invoice_no")
    assert detail.loc["A2", "amount_fen"] == 10_001               # the invoice currency is kept
    assert detail.loc["A2", "amount_cny_fen"] == 72_007           # 100.01 × 7.2 = 720.072
    assert detail.loc["A2", "open_cny_fen"] == 36_007             # 50.01 × 7.2 = 360.072
    assert detail.loc["A1", "open_cny_fen"] == 100_000
    assert "A3" not in detail.index                                # no rate: an error, left out


def test_a_missing_rate_is_an_error_on_the_currency_cell(converted):
    errors = [item for item in converted.issues if item.severity == "error"]
    assert [item.location() for item in errors] == ["应收台账!F4"]
    message = errors[0].message
    assert "HKD" in message.en and "2026-03-31" in message.en and "left out of all results" in message.en
    assert "HKD" in message.zh and "2026-03-31" in message.zh and "未参与计算" in message.zh


def test_a_rateless_row_is_left_out_of_every_computation_payments_and_letters_too():
    """Contract (Issues): a row with an error is left out of every computation.  Before, the
    rateless row stayed in Detail, drew interest and got a demand letter in its currency."""
    rows = "\n".join(line for line in LEDGER_ROWS.replace("A3 | C2", "A3 | C1").splitlines()
                     if not line.startswith("A2"))              # CNY and one rateless HKD invoice
    payments = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\nA1 | 2026-03-10 | 100\nA3 | 2026-03-10 | 200")
    contacts = raw_sheet("联络记录", "联络时间 | 客户编号 | 渠道 | 是否接通 | 联络结果 | 承诺还款日 | 承诺金额\n"
                                    "2026-03-01 10:00 | C1 | 电话 | 是 | 承诺还款 | 2026-03-15 | 300")
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", rows), fx=raw_sheet("汇率", FX),
                                   payments=payments, contacts=contacts), as_of=dt.date(2026, 3, 31))
    assert list(result.detail["invoice_no"]) == ["A1"]
    promise = result.promises.iloc[0]
    assert promise["paid_fen"] == 10_000                          # A1's 100.00; A3's 200 HKD does not count
    jobs, _ = plan_letters(result, LetterLog())
    assert jobs and all("A3" not in job.invoice_nos for job in jobs)


def test_totals_are_in_cny_and_leave_the_rateless_row_out(converted):
    priority = converted.priority.set_index("customer_id")
    assert list(priority.index) == ["C1"]
    assert priority.loc["C1", "open_fen"] == 100_000 + 36_007
    total = converted.aging[converted.aging["is_total"]].iloc[0]
    assert total["receivables_fen"] == 136_007 and total["bucket_2"] == 136_007
    assert total["provision_fen"] == 5_000 + 1_800         # 5 % of each CNY open amount


def test_foreign_debt_interest_is_in_its_currency_at_the_foreign_rate():
    rows = """单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 币种 | 金额
U1 | C1 | L | 2026-01-01 | 2026-01-31 | USD | 1000.00
R1 | C1 | L | 2026-01-01 | 2026-01-31 | CNY | 1000.00
"""
    policy = raw_sheet("催收策略", "设置项 | 值\nforeign_interest_rate | 4")
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", rows), fx=raw_sheet("汇率", FX), policy=policy),
                     as_of=dt.date(2026, 3, 31))
    detail = result.detail.set_index("invoice_no")
    # 59 days: USD 1,000.00 × 4 % × 59 / 365 = USD 6.4657… -> 6.47, in dollars, not yuan
    assert detail.loc["U1", "interest_basis"] == "foreign" and detail.loc["U1", "interest_fen"] == 647
    assert detail.loc["U1", "interest_cny_fen"] == 4_658                 # 6.47 × 7.2 = 46.584
    # the CNY row keeps 1.5 × the LPR of 3.00 %: 1,000.00 × 4.5 % × 59 / 365 = 7.27
    assert detail.loc["R1", "interest_basis"] == "lpr" and detail.loc["R1", "interest_fen"] == 727
    assert not [item for item in result.issues if item.severity == "error"]


def test_promises_channels_and_key_customers_compare_cny():
    """A promise of CNY 3,000 is kept by a payment of USD 500 (CNY 3,600); USD 1,500,000 of sales
    (CNY 10.8 million) reach the CNY 10 million key-customer threshold; a call is credited CNY."""
    rows = """单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 币种 | 金额 | 已收金额
U1 | C1 | L | 2026-02-01 | 2026-03-10 | USD | 1500000.00 | 500
"""
    contacts = ("联络时间 | 客户编号 | 渠道 | 对方身份 | 是否接通 | 联络结果 | 承诺还款日 | 承诺金额 | 单据号 | 催收人 | 备注\n"
                "2026-03-12 10:00 | C1 | phone | | 是 | promise | 2026-03-20 | 3000 | | |\n")
    inputs = RefreshInputs(ledger=raw_sheet("应收台账", rows), fx=raw_sheet("汇率", FX),
                           payments=raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\nU1 | 2026-03-18 | 500\n"),
                           contacts=raw_sheet("联络记录", contacts))
    result = compute(inputs, as_of=dt.date(2026, 3, 31))
    assert result.promises["status"].tolist() == ["kept"]
    assert result.weekly["customer_id"].tolist() == ["C1"]
    assert result.weekly["paid_week_fen"].tolist() == [0]
    assert result.channels["collected_fen"].sum() == 360_000             # USD 500 credited as CNY 3,600


def test_kpis_foreign_payments_add_up_to_the_detail_paid_amount():
    """Found by the KPI audit: each Payments row of a foreign invoice was converted on its own, so
    three payments of USD 10.07 (each 72.504 -> CNY 72.50) made CNY 217.50 where Detail's paid is
    CNY 720.07 - 502.56 = 217.51 (amount less open, each converted): the KPIs' overdue balance of the
    as-of month read 502.57 beside Aging's and Priority's 502.56.  Now the payments of an invoice
    are converted so that they add up to Detail's paid amount at every date."""
    rows = """单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 币种 | 金额
U1 | C1 | L | 2026-01-01 | 2026-01-31 | USD | 100.01
"""
    payments = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\n"
                                    "U1 | 2026-03-10 | 10.07\nU1 | 2026-02-10 | 10.07\nU1 | 2026-03-20 | 10.07\n")
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", rows), fx=raw_sheet("汇率", FX), payments=payments),
                     as_of=dt.date(2026, 3, 31))
    detail = result.detail.set_index("invoice_no")
    assert detail.loc["U1", "open_cny_fen"] == 50_256                 # 69.80 × 7.2 = 502.56
    assert result.priority.set_index("customer_id").loc["C1", "overdue_fen"] == 50_256
    assert result.kpis.value("overdue_fen") == 50_256
    # February's payment leaves 89.94 open: 647.568 -> 647.57, so it is 720.07 - 647.57 = 72.50;
    # March's two leave 69.80 open (502.56): 647.57 - 502.56 = 145.01, not 2 × 72.50
    assert result.kpis.value("collected_fen", "2026-02") == 7_250
    assert result.kpis.value("collected_fen") == 14_501


def test_kpis_a_foreign_invoice_paid_in_full_through_payments_is_settled():
    """Found by the KPI audit: USD 30.21 (CNY 217.51) paid as three USD 10.07 (CNY 72.50 each, 217.50)
    stayed CNY 0.01 open, so it was never 'paid in full': March had no collection cycle (blank,
    'no receivable was paid in full after its due date') and 0.01 stayed overdue."""
    rows = """单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 币种 | 金额
U1 | C1 | L | 2026-01-01 | 2026-03-01 | USD | 30.21
"""
    payments = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\n"
                                    "U1 | 2026-03-05 | 10.07\nU1 | 2026-02-10 | 10.07\nU1 | 2026-03-11 | 10.07\n")
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", rows), fx=raw_sheet("汇率", FX), payments=payments),
                     as_of=dt.date(2026, 3, 31))
    assert result.kpis.value("cycle_days") == Decimal("10.00")          # settled 03-11, due 03-01
    assert result.kpis.value("overdue_fen") == 0
