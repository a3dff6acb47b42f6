"""Installment and extension plans: exact schedules, fees, tracking, broken plans."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsx_tools.core.passes.plans import schedule, split_evenly, split_principal
from xlsx_tools.core.read.plans import PlanTerms
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.present.sheets import output_tables
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)
PLAN_HEADER = "计划编号 | 客户编号 | 涉及单据 | 分期总额 | 签订日期 | 首期还款日 | 期数 | 间隔(天) | 免息期数 | 日利率 | 首付比例 | 方案类型"


def terms(**changes) -> PlanTerms:
    values = dict(plan_no="P1", customer_id="C1", invoices=("I1",), total_fen=600000, first_due=dt.date(2026, 1, 31),
                  installments=6, interval_days=30, interest_free=3, daily_rate=Decimal("0.0002"),
                  signed_date=dt.date(2026, 1, 1))
    values.update(changes)
    return PlanTerms(**values)


def run(ledger_rows: str, plan_rows: str, payments: str | None = None, as_of: dt.date = AS_OF):
    plans = raw_sheet("分期计划", PLAN_HEADER + "\n" + plan_rows.strip("\n"))
    pay = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额 | 计划编号\n" + payments.strip("\n")) if payments else None
    return compute(RefreshInputs(ledger(ledger_rows), plans=plans, payments=pay), as_of=as_of)


# ----- principal splits ------------------------------------------------------------------------------
@pytest.mark.parametrize("total, parts, expected", [
    (100000, 3, [33333, 33333, 33334]),          # 1,000.00 / 3: 333.33, 333.33, last 333.34
    (10000, 6, [1667, 1667, 1667, 1667, 1667, 1665]),   # 100.00 / 6 = 16.666… -> 16.67 × 5, last 16.65
    (100001, 2, [50001, 50000]),                 # 1,000.01 / 2 = 500.005 -> 500.01 (half up), last 500.00
    (9, 6, [1, 1, 1, 1, 1, 4]),                  # 0.09 / 6 = 0.015 -> 0.02 would overshoot: whole fen 0.01 each
    (600000, 6, [100000] * 6),
])
def test_split__installments_round_half_up_and_the_last_absorbs_the_rounding(total, parts, expected):
    assert split_evenly(total, parts) == expected
    assert sum(expected) == total


def test_split__prepayment_share_is_the_first_installment():
    # 30 % of 10,000.01 = 3,000.003 -> 3,000.00; rest 7,000.01 / 2 = 3,500.005 -> 3,500.01, last 3,500.00
    assert split_principal(1000001, 3, Decimal("0.3")) == [300000, 350001, 350000]


# ----- fees ------------------------------------------------------------------------------------------------
def test_schedule__three_interest_free_installments_then_daily_rate_on_the_declining_balance():
    # 6,000.00 in 6 × 1,000.00 every 30 days from 2026-01-31; free 1-3; then 0.02 %/day × 30 days on
    # the balance before each: 3,000 -> 18.00, 2,000 -> 12.00, 1,000 -> 6.00
    plan = schedule(terms())
    assert list(plan["principal_fen"]) == [100000] * 6
    assert list(plan["fee_fen"]) == [0, 0, 0, 1800, 1200, 600]
    assert list(plan["amount_fen"]) == [100000, 100000, 100000, 101800, 101200, 100600]
    assert [d.date() for d in plan["due_date"]] == [dt.date(2026, 1, 31), dt.date(2026, 3, 2), dt.date(2026, 4, 1),
                                                   dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 30)]


def test_schedule__no_interest_free_installment_accrues_from_the_plan_start():
    # free 0, 3 × 1,000.00: balance 3,000 × 0.02 % × 30 days (signed 2026-01-01 -> 2026-01-31) = 18.00, then 12.00, 6.00
    plan = schedule(terms(total_fen=300000, installments=3, interest_free=0))
    assert list(plan["fee_fen"]) == [1800, 1200, 600]


def test_schedule__extension_carries_the_fund_occupation_fee():
    # extend 10,000.00 by 30 days (signed 2026-01-31, due 2026-03-02) at 0.03 %/day: 10,000 × 0.0003 × 30 = 90.00
    plan = schedule(terms(total_fen=1000000, installments=1, plan_type="extension", daily_rate=Decimal("0.0003"),
                          signed_date=dt.date(2026, 1, 31), first_due=dt.date(2026, 3, 2)))
    assert list(plan["fee_fen"]) == [9000]
    assert list(plan["amount_fen"]) == [1009000]


def test_schedule__thirty_percent_now_the_rest_in_fifteen_days():
    # 10,000.00: 3,000.00 on signing (no fee: 0 days), 7,000.00 fifteen days later with 7,000 × 0.03 % × 15 = 31.50
    plan = schedule(terms(total_fen=1000000, installments=2, interval_days=15, prepayment=Decimal("0.3"),
                          plan_type="extension", daily_rate=Decimal("0.0003"), signed_date=dt.date(2026, 1, 1),
                          first_due=dt.date(2026, 1, 1)))
    assert list(plan["principal_fen"]) == [300000, 700000]
    assert list(plan["fee_fen"]) == [0, 3150]


def test_schedule__fees_round_half_up():
    # balance 0.25 × 0.02 % × 100 days = 0.005 -> 0.01
    # (no signed date: the plan starts one interval, 100 days, before the first due date)
    plan = schedule(terms(total_fen=25, installments=1, interest_free=0, interval_days=100, signed_date=None))
    assert list(plan["fee_fen"]) == [1]


@settings(max_examples=200, deadline=None)
@given(total=st.integers(1, 10 ** 12), installments=st.integers(1, 12),
       share=st.one_of(st.none(), st.decimals(Decimal("0.01"), Decimal("0.99"), places=2)))
def test_property__schedule_principal_sums_exactly_to_the_plan_total(total, installments, share):
    plan = schedule(terms(total_fen=total, installments=installments, prepayment=share))
    assert int(plan["principal_fen"].sum()) == total
    assert (plan["principal_fen"] >= 0).all() and (plan["fee_fen"] >= 0).all()
    assert len(plan) == installments


# ----- tracking and broken plans -----------------------------------------------------------------------------
LEDGER = """
I1 | C1 | A | 2026-05-01 | 2026-06-01 | 3000 | | plan |
I2 | C1 | A | 2026-05-01 | 2026-06-15 | 3000 | | plan |
I3 | C2 | A | 2026-05-01 | 2026-06-15 | 500 | | |
"""
# 6,000.00 in 3 × 2,000.00 due 2026-10-01, 2026-10-31, 2026-11-30 (interest free)
PLAN = "P1 | C1 | I1, I2 | 6000 | 2026-09-01 | 2026-10-01 | 3 | 30 | | | |"
# installments 1 and 2 paid, booked against the plan's invoices
TWO_PAID = """
I1 | 2026-10-01 | 2000 |
I1 | 2026-10-30 | 500 | P1
I2 | 2026-10-30 | 1500 | P1
"""


def test_tracking__paid_installments_keep_the_plan_and_its_invoices_in_plan():
    result = run(LEDGER, PLAN, payments="""
    I1 | 2026-10-01 | 2000 |
    I2 | 2026-11-03 | 2000 | P1
    """)
    detail = result.detail.set_index("invoice_no")
    assert list(detail.loc[["I1", "I2"], "stage"]) == ["PLAN", "PLAN"]
    assert not detail["plan_broken"].any()
    plan = result.plan_schedule
    assert list(plan["status"]) == ["paid", "paid", "not_due"]
    assert set(plan["plan_status"]) == {"active"}
    assert list(plan["paid_fen"]) == [200000, 200000, 0]


def test_tracking__installment_unpaid_within_the_grace_days_does_not_break_the_plan():
    # installment 2 due 2026-10-31; 7 grace days end 2026-11-07; as of 2026-11-07 it is not broken yet
    result = run(LEDGER, PLAN, payments="I1 | 2026-10-01 | 2000 |", as_of=dt.date(2026, 11, 7))
    assert not result.detail["plan_broken"].any()
    assert list(result.plan_schedule["status"]) == ["paid", "due", "not_due"]


def test_tracking__broken_plan_falls_back_to_the_ladder_by_original_due_dates():
    # as of 2026-11-08 installment 2 is 8 days late (> 7): broken.  I1 due 2026-06-01 is 160 days
    # past due -> S5; I2 due 2026-06-15 is 146 days -> S5
    result = run(LEDGER, PLAN, payments="I1 | 2026-10-01 | 2000 |", as_of=dt.date(2026, 11, 8))
    detail = result.detail.set_index("invoice_no")
    assert list(detail.loc[["I1", "I2"], "stage"]) == ["S5", "S5"]
    assert list(detail.loc[["I1", "I2"], "plan_broken"]) == [True, True]
    assert detail.loc["I3", "plan_broken"] == False  # noqa: E712
    assert set(result.plan_schedule["plan_status"]) == {"broken"}
    priority = result.priority.set_index("customer_id")
    assert priority.loc["C1", "stage"] == "S5" and priority.loc["C1", "plan_broken"]
    tables = output_tables(result, "en")
    tags = tables["priority"].frame.set_index("customer_id")["tags"]
    assert "plan broken" in tags.loc["C1"] and "plan broken" not in tags.loc["C2"]
    warnings = [i.text("en") for i in result.issues if i.sheet == "分期计划"]
    assert warnings == ["分期计划!A2: Plan P1 broken: installment 2 due 2026-10-31 unpaid after 7 grace days; "
                        "its invoices return to the ladder"]


def test_tracking__a_late_payment_after_the_break_does_not_mend_the_plan():
    result = run(LEDGER, PLAN, payments="""
    I1 | 2026-10-01 | 2000 |
    I1 | 2026-11-20 | 2000 |
    """)
    assert result.detail["plan_broken"].any()


def test_tracking__without_payments_sheet_the_open_amount_is_compared_with_the_principal_due():
    # 6,000 total, open now 6,000 - 2,500 = 3,500 -> 2,500 paid; due by 2026-11-07: 4,000 -> broken
    rows = LEDGER.replace("| 3000 | | plan |\nI2", "| 3000 | 2500 | plan |\nI2")
    assert run(rows, PLAN, as_of=dt.date(2026, 11, 8)).detail["plan_broken"].any()
    # 4,000 paid -> installments 1 and 2 covered -> active
    rows = LEDGER.replace("| 3000 | | plan |\nI2", "| 3000 | 3000 | plan |\nI2").replace(
        "2026-06-15 | 3000 | | plan", "2026-06-15 | 3000 | 1000 | plan")
    assert not run(rows, PLAN, as_of=dt.date(2026, 11, 8)).detail["plan_broken"].any()


def test_tracking__an_active_plan_puts_its_invoices_in_plan_even_without_the_status():
    rows = LEDGER.replace("| plan |", "| |")
    result = run(rows, PLAN, payments=TWO_PAID)
    assert list(result.detail.set_index("invoice_no").loc[["I1", "I2", "I3"], "stage"]) == ["PLAN", "PLAN", "S5"]


def test_tracking__litigation_and_disputes_still_take_precedence_over_a_plan():
    rows = LEDGER.replace("2026-06-01 | 3000 | | plan", "2026-06-01 | 3000 | | litigation").replace(
        "2026-06-15 | 3000 | | plan", "2026-06-15 | 3000 | | disputed")
    result = run(rows, PLAN, payments=TWO_PAID)
    assert list(result.detail.set_index("invoice_no").loc[["I1", "I2"], "stage"]) == ["S5", "HOLD"]


def test_plans_sheet__all_covers_the_customers_open_invoices_and_schedule_sheet_is_written():
    result = run(LEDGER, "P1 | C1 | 全部 | 6000 | | 2026-12-01 | 3 | | | | |")
    assert set(result.detail.set_index("invoice_no").loc[["I1", "I2"], "plan_no"]) == {"P1"}
    table = output_tables(result, "zh")["plan_schedule"]
    assert table.name == "还款计划表"
    assert [c.header for c in table.columns][:5] == ["计划编号", "客户编号", "客户名称", "期次", "应还日期"]
    assert list(table.frame["principal"]) == [200000, 200000, 200000]


def test_plans_sheet__invalid_rows_are_located_errors():
    result = run(LEDGER, """
    P1 | C1 | I1 | 3000 | | 2026-12-01 | 7 | | | | |
    P2 | C1 | I2 | 3000 | | 2026-12-01 | 3 | | | | 150% |
    P3 | C1 | I9 | 3000 | | 2026-12-01 | 3 | | | | |
    P4 | C1 | I1 | 3000 | | 2026-12-01 | 3 | | | | | 租赁
    """)
    plan_issues = [(i.severity, i.location()) for i in result.issues if i.sheet == "分期计划"]
    assert plan_issues == [("error", "分期计划!G2"), ("error", "分期计划!K3"), ("warning", "分期计划!C4"),
                           ("error", "分期计划!C4"), ("error", "分期计划!L5")]
    assert result.plan_schedule.empty


def test_plans_sheet__an_invoice_in_two_plans_stays_with_the_first():
    result = run(LEDGER, """
    P1 | C1 | I1 | 3000 | | 2026-12-01 | 3 | | | | |
    P2 | C1 | I1, I2 | 3000 | | 2026-12-01 | 3 | | | | |
    """)
    detail = result.detail.set_index("invoice_no")
    assert (detail.loc["I1", "plan_no"], detail.loc["I2", "plan_no"]) == ("P1", "P2")
    assert [i.text("en") for i in result.issues if i.sheet == "分期计划"] == [
        "分期计划!C3: Invoice 'I1' is already in plan P1; left out of this plan"]
