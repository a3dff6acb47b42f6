"""The limitation clock (诉讼时效): a golden table of hand-checked cases, then the alerts.

Rules (prc-law-defaults.md): expiry = 3 calendar years after the latest of the due date, the
DELIVERED date of a demand, and the date of an acknowledgement / partial payment / plan;
a Feb 29 anchor expires on Feb 28; capped at due date + 20 years; proceedings freeze it.
A demand only interrupts a period still running; a debtor's act always counts.
"""
import datetime as dt

import pandas as pd
import pytest

from xlsx_tools.core.passes.limitation import add_years
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.present.sheets import output_tables
from tests.sheets import raw_sheet

AS_OF = dt.date(2026, 11, 28)
LEDGER_HEADER = "单据号 | 客户编号 | 合同编号 | 开票日期 | 到期日 | 金额 | 已收金额 | 最近收款日 | 状态"


def clock(ledger_rows: str, events: str = "", letters: str = "", payments: str = "", policy: str = "",
          as_of: dt.date = AS_OF):
    """Run a refresh over inline sheets; returns (result, {invoice: (expiry ISO or None, state)})."""
    sheets = {"ledger": raw_sheet("应收台账", LEDGER_HEADER + "\n" + ledger_rows.strip("\n"))}
    if events:
        sheets["events"] = raw_sheet("法律事件", "日期 | 客户编号 | 涉及单据 | 事件类型 | 证据\n" + events.strip("\n"))
    if letters:
        sheets["letters"] = raw_sheet("函件记录", "函件类型 | 客户编号 | 单据号 | 寄出日期 | 送达日期\n"
                                      + letters.strip("\n"))
    if payments:
        sheets["payments"] = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\n" + payments.strip("\n"))
    if policy:
        sheets["policy"] = raw_sheet("催收策略", "设置项 | 值\n" + policy.strip("\n"))
    result = compute(RefreshInputs(**sheets), as_of=as_of)
    assert not result.has_errors, [i.text() for i in result.issues]
    detail = result.detail.set_index("invoice_no")
    clocks = {inv: (None if pd.isna(row.limitation_expiry) else row.limitation_expiry.date().isoformat(),
                    row.limitation_state) for inv, row in detail.iterrows()}
    return result, clocks


ONE = "I1 | C1 | | 2020-01-01 | {due} | 1000 | | | {status}"
TWO = """
I1 | C1 | K1 | 2020-01-01 | 2024-01-10 | 1000 | | |
I2 | C1 | K1 | 2020-01-01 | 2023-12-01 | 1000 | | |
I3 | C1 | K2 | 2020-01-01 | 2023-12-01 | 1000 | | |
"""


def one(due: str, status: str = "") -> str:
    return ONE.format(due=due, status=status)


# Each case: ledger rows, Events rows, Letters-log rows, Payments rows, Policy rows, the invoice
# to check, its expected expiry (hand-computed) and state.
GOLDEN = [
    pytest.param(one("2024-03-15"), "", "", "", "", "I1", "2027-03-15", "running", id="01-due-date-plus-3-years"),
    pytest.param(one("2024-02-29"), "", "", "", "", "I1", "2027-02-28", "running", id="02-feb-29-due-expires-feb-28"),
    pytest.param(one("2023-06-30"), "2024-02-29 | C1 | I1 | 催款函送达 | EMS123", "", "", "", "I1", "2027-02-28",
                 "running", id="03-feb-29-demand-expires-feb-28"),
    pytest.param(one("2024-01-10"), "2025-05-10 | C1 | I1 | demand delivered | 签收单", "", "", "", "I1",
                 "2028-05-10", "running", id="04-delivered-demand-event"),
    pytest.param(one("2024-01-10"), "", "demand | C1 | I1 | 2025-05-10 |", "", "", "I1", "2027-01-10", "running",
                 id="05-demand-sent-not-delivered-does-not-count"),
    pytest.param(one("2024-01-10"), "", "催款通知书 | C1 | I1 | 2025-06-28 | 2025-07-01", "", "", "I1", "2028-07-01",
                 "running", id="06-letter-counts-from-delivery-not-sending"),
    pytest.param(one("2024-01-10"), "", "confirmation | C1 | I1 | 2025-06-28 | 2025-07-01", "", "", "I1",
                 "2027-01-10", "running", id="07-confirmation-letter-is-not-a-demand"),
    pytest.param(one("2023-03-01"), "2024-05-01 | C1 | | 催款函送达 |\n2025-09-15 | C1 | | 催款函送达 |", "",
                 "", "", "I1", "2028-09-15", "running", id="08-multiple-demands-latest-wins"),
    pytest.param(TWO, "2025-03-03 | C1 | I1 | 催款函送达 |", "", "", "", "I2", "2028-03-03", "running",
                 id="09-partial-demand-interrupts-the-whole-debt"),
    pytest.param(TWO, "2025-03-03 | C1 | I1 | 催款函送达 |", "", "", "limitation_demand_scope | invoice", "I2",
                 "2026-12-01", "running", id="10-policy-scope-invoice-only-named"),
    pytest.param(TWO, "2025-03-03 | C1 | I1 | 催款函送达 |", "", "", "limitation_demand_scope | 合同", "I2",
                 "2028-03-03", "running", id="11-policy-scope-contract-same-contract"),
    pytest.param(TWO, "2025-03-03 | C1 | I1 | 催款函送达 |", "", "", "limitation_demand_scope | 合同", "I3",
                 "2026-12-01", "running", id="12-policy-scope-contract-other-contract"),
    pytest.param(one("2023-05-01"), "2024-06-01 | C1 | I1 | 催款函送达 |", "", "I1 | 2025-08-20 | 100", "", "I1",
                 "2028-08-20", "running", id="13-partial-payment-after-demand"),
    pytest.param(one("2023-05-01"), "2025-02-14 | C1 | I1 | 催款函送达 |", "", "I1 | 2024-06-01 | 100", "", "I1",
                 "2028-02-14", "running", id="14-demand-after-partial-payment"),
    pytest.param(one("2021-03-01"), "2024-05-01 | C1 | I1 | 催款函送达 |", "", "", "", "I1", "2024-03-01",
                 "expired", id="15-demand-after-expiry-does-not-revive"),
    pytest.param(one("2021-03-01"), "2024-05-01 | C1 | I1 | 债务确认 |", "", "", "", "I1", "2027-05-01",
                 "running", id="16-acknowledgement-after-expiry-revives"),
    pytest.param(one("2023-01-15", "litigation"), "", "", "", "", "I1", None, "frozen",
                 id="17-litigation-status-freezes"),
    pytest.param(one("2023-01-15"), "2025-06-01 | C1 | I1 | 提起诉讼 |", "", "", "", "I1", None, "frozen",
                 id="18-suit-filed-in-time-freezes"),
    pytest.param(one("2021-01-15"), "2024-06-01 | C1 | I1 | 提起诉讼 |", "", "", "", "I1", "2024-01-15", "expired",
                 id="19-suit-filed-after-expiry-is-expired"),
    pytest.param(one("2023-01-15"), "2024-03-01 | C1 | | 提起诉讼 |\n2025-10-10 | C1 | | 判决生效 |", "", "", "",
                 "I1", "2027-10-10", "judgment", id="20-judgment-gives-2-year-enforcement-deadline"),
    pytest.param(one("2005-01-10"), "2023-06-01 | C1 | I1 | 债务确认 |", "", "", "", "I1", "2025-01-10", "expired",
                 id="21-capped-at-due-plus-20-years"),
    pytest.param(one("2024-01-10"), "2027-01-01 | C1 | I1 | 催款函送达 |", "", "", "", "I1", "2027-01-10",
                 "running", id="22-events-after-as-of-ignored"),
    pytest.param(one("2025-06-30"), "2025-06-01 | C1 | I1 | 催款函送达 |", "", "", "", "I1", "2028-06-30",
                 "running", id="23-demand-before-due-date-ignored"),
    pytest.param(one("2024-01-10"), "2025-04-01 | C1 | I1 | 签订分期协议 |", "", "", "", "I1", "2028-04-01",
                 "running", id="24-plan-signed"),
    pytest.param(one("2018-01-10"), "2020-12-01 | C1 | | 催款函送达 |\n2023-11-01 | C1 | | 催款函送达 |\n"
                 "2026-06-01 | C1 | | 催款函送达 |", "", "", "", "I1", "2029-06-01", "running",
                 id="25-chain-of-demands-each-in-time"),
    pytest.param(one("2018-01-10"), "2020-12-01 | C1 | | 催款函送达 |\n2024-01-05 | C1 | | 催款函送达 |\n"
                 "2025-01-01 | C1 | | 催款函送达 |", "", "", "", "I1", "2023-12-01", "expired",
                 id="26-chain-broken-by-a-late-demand"),
    pytest.param(one("2020-02-29"), "2023-02-28 | C1 | | 催款函送达 |", "", "", "", "I1", "2026-02-28", "expired",
                 id="27-demand-on-the-last-day-counts"),
    pytest.param(one("2020-02-29"), "2023-03-01 | C1 | | 催款函送达 |", "", "", "", "I1", "2023-02-28", "expired",
                 id="28-demand-one-day-late-does-not"),
    pytest.param(one("2024-01-10"), "2025-01-20 | C1 | 全部 | 承诺还款 |", "", "", "", "I1", "2028-01-20", "running",
                 id="29-promise-to-pay-for-all-invoices"),
]


@pytest.mark.parametrize("ledger_rows, events, letters, payments, policy, invoice, expiry, state", GOLDEN)
def test_limitation__golden_table(ledger_rows, events, letters, payments, policy, invoice, expiry, state):
    _, clocks = clock(ledger_rows, events, letters, payments, policy)
    assert clocks[invoice] == (expiry, state)


def test_limitation__void_or_returned_letters_do_not_count_even_with_a_date():
    sheet = raw_sheet("函件记录", """函件类型 | 客户编号 | 送达日期 | 状态
    律师函 | C1 | 2025-07-01 | 作废
    Payment demand notice | C1 | 2025-08-01 | returned
    催款通知书 | C1 | 2025-06-01 | 已生成
    """)
    ledger_sheet = raw_sheet("应收台账", LEDGER_HEADER + "\n" + one("2024-01-10"))
    result = compute(RefreshInputs(ledger_sheet, letters=sheet), as_of=AS_OF)
    assert result.detail["limitation_expiry"].iloc[0] == pd.Timestamp("2028-06-01")


def test_limitation__golden_table_is_big_enough():
    assert len(GOLDEN) >= 15


def test_limitation__ledger_last_payment_date_counts_without_payments_sheet():
    # paid 100 on 2025-01-20 (a partial payment): 2025-01-20 + 3 years
    _, clocks = clock("I1 | C1 | | 2020-01-01 | 2023-09-30 | 1000 | 100 | 2025-01-20 |")
    assert clocks["I1"] == ("2028-01-20", "running")


def test_limitation__plan_signed_date_of_the_plans_sheet_counts():
    plans = raw_sheet("分期计划", "计划编号 | 客户编号 | 涉及单据 | 分期总额 | 签订日期 | 首期还款日 | 期数\n"
                                 "P1 | C1 | I1 | 1000 | 2025-04-01 | 2026-12-01 | 3")
    sheet = raw_sheet("应收台账", LEDGER_HEADER + "\n" + one("2024-01-10"))
    result = compute(RefreshInputs(sheet, plans=plans), as_of=AS_OF)
    assert result.detail["limitation_expiry"].iloc[0] == pd.Timestamp("2028-04-01")


def test_limitation__closed_receivables_have_no_clock():
    _, clocks = clock("I1 | C1 | | 2020-01-01 | 2023-09-30 | 1000 | 1000 | |")
    assert clocks["I1"] == (None, "closed")


@pytest.mark.parametrize("start, years, expected", [
    ("2024-02-29", 3, "2027-02-28"), ("2024-02-29", 4, "2028-02-29"), ("2023-02-28", 1, "2024-02-28"),
    ("2025-12-31", 3, "2028-12-31"), ("2005-01-10", 20, "2025-01-10"),
])
def test_add_years__calendar_years_with_feb_29_to_feb_28(start, years, expected):
    assert add_years(pd.Series(pd.to_datetime([start])), years).iloc[0] == pd.Timestamp(expected)


# ----- alerts -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("days_left, alert", [
    (181, None), (180, 180), (91, 180), (90, 90), (31, 90), (30, 30), (0, 30), (-1, 0),
])
def test_alerts__at_180_90_and_30_days_and_when_expired(days_left, alert):
    expiry = AS_OF + dt.timedelta(days=days_left)
    due = expiry.replace(year=expiry.year - 3)
    result, _ = clock(one(due.isoformat()))
    got = result.detail["limitation_alert"].iloc[0]
    assert (None if pd.isna(got) else int(got)) == alert
    warnings = [i for i in result.issues if i.severity == "warning" and i.sheet == "应收台账"]
    assert len(warnings) == (0 if alert is None else 1)


def test_alerts__are_warnings_in_issues_naming_the_invoice_cell():
    result, _ = clock("""
    I1 | C1 | | 2020-01-01 | 2023-12-28 | 1000 | | |
    I2 | C2 | | 2020-01-01 | 2023-01-10 | 1000 | | |
    I3 | C3 | | 2020-01-01 | 2023-01-10 | 1000 | 1000 | |
    """)
    assert [i.text() for i in result.issues if i.severity != "info"] == [
        "应收台账!A2: 单据 I1 的诉讼时效将于 2026-12-28 届满（剩余 30 天，30 天预警）",
        "应收台账!A3: 单据 I2 的诉讼时效已于 2026-01-10 届满",
    ]
    assert {i.severity for i in result.issues} <= {"warning", "info"}


def test_alerts__priority_shows_earliest_expiry_and_the_tags():
    result, _ = clock("""
    I1 | C1 | | 2020-01-01 | 2023-12-28 | 1000 | | |
    I2 | C1 | | 2020-01-01 | 2024-06-01 | 1000 | | |
    I3 | C2 | | 2020-01-01 | 2023-01-10 | 1000 | | |
    I4 | C3 | | 2020-01-01 | 2025-01-10 | 1000 | | |
    """)
    priority = result.priority.set_index("customer_id")
    assert priority.loc["C1", "earliest_expiry"] == pd.Timestamp("2026-12-28")
    tables = output_tables(result, "zh")
    frame = tables["priority"].frame.set_index("customer_id")
    assert "时效≤30天" in frame.loc["C1", "tags"]
    assert "时效已届满" in frame.loc["C2", "tags"]
    assert "时效" not in frame.loc["C3", "tags"]
    assert frame.loc["C1", "days_left"] == 30
    detail = tables["detail"]
    headers = [c.header for c in detail.columns]
    assert {"诉讼时效届满日", "剩余天数", "时效状态"} <= set(headers)
    assert detail.frame.iloc[0, headers.index("剩余天数")] == 30


def test_events_sheet__bad_rows_are_located_and_unknown_invoices_warned():
    result = compute(RefreshInputs(
        raw_sheet("应收台账", LEDGER_HEADER + "\n" + one("2024-01-10")),
        events=raw_sheet("法律事件", """日期 | 客户编号 | 涉及单据 | 事件类型
        2025-13-01 | C1 | I1 | 催款函送达
        2025-01-01 | C1 | I1 | 吃饭
        2025-01-01 | C1 | I9 | 债务确认
        """)), as_of=AS_OF)
    assert [(i.severity, i.location()) for i in result.issues if i.sheet == "法律事件"] == [
        ("error", "法律事件!A2"), ("error", "法律事件!D3"), ("warning", "法律事件!C4")]
    assert result.detail["limitation_expiry"].iloc[0] == pd.Timestamp("2027-01-10")
