"""Issue 9, letters: timing windows, deadlines, one letter per invoice per day, broken plans,
the daily interest figure, individuals and the case-review timeline (pure core)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.sheets import ledger, raw_sheet
from xlsx_tools.core.letters import LetterJob, letter_context, plan_letters
from xlsx_tools.core.letters.context import deadline_for
from xlsx_tools.core.read.letter_log import LogRow, read_letter_log, with_rows
from xlsx_tools.core.refresh import RefreshInputs, compute

AS_OF = dt.date(2026, 11, 30)


def _due_in(days: int) -> str:
    return (AS_OF + dt.timedelta(days=days)).isoformat()


# One new customer per invoice, so each due date decides alone which pre-due letter it gets.
WINDOW_DAYS = (16, 15, 7, 6, 1, 0)
LEDGER = "\n".join(f"INV-{d:02d} | N{d:02d} | A | 2026-11-01 | {_due_in(d)} | 1000 |  |  |" for d in WINDOW_DAYS)
CUSTOMERS = "客户编号 | 客户名称 | 首次合作日期 | 地址\n" + "\n".join(
    f"N{d:02d} | 新客户{d:02d} | 2026-10-01 | 杭州" for d in WINDOW_DAYS)


@pytest.fixture(scope="module")
def windows():
    return compute(RefreshInputs(ledger=ledger(LEDGER), customers=raw_sheet("客户档案", CUSTOMERS)), as_of=AS_OF)


def empty_log():
    return read_letter_log(None)[0]


def test_confirmation_covers_due_in_15_to_7_days_and_reminder_6_to_1(windows):
    jobs, _ = plan_letters(windows, empty_log())
    kinds = {(job.kind, job.invoice_nos) for job in jobs}
    assert {k for k, inv in kinds if inv == ("INV-15",)} == {"confirmation"}
    assert {k for k, inv in kinds if inv == ("INV-07",)} == {"confirmation"}
    assert {k for k, inv in kinds if inv == ("INV-06",)} == {"reminder"}
    assert {k for k, inv in kinds if inv == ("INV-01",)} == {"reminder"}
    assert not [inv for _, inv in kinds if inv in (("INV-16",), ("INV-00",))]


def test_pre_due_deadlines_are_never_after_the_due_date(windows):
    jobs, _ = plan_letters(windows, empty_log())
    due = dict(zip(windows.detail["invoice_no"], windows.detail["due_date"].dt.date))
    for job in jobs:
        deadline = deadline_for(job, windows)
        assert AS_OF < deadline <= min(due[no] for no in job.invoice_nos), job
    seven = next(job for job in jobs if job.invoice_nos == ("INV-07",))
    assert deadline_for(seven, windows) == AS_OF + dt.timedelta(days=7)       # not the 10 reply days


def test_demand_deadline_is_deadline_days_after_the_letter(windows):
    job = LetterJob("demand", "N15", "x", "S3", ("INV-15",), 100)
    assert deadline_for(job, windows) == AS_OF + dt.timedelta(days=7)


def test_no_second_letter_about_an_invoice_on_the_same_day(windows):
    logged = LogRow("CS-2026-000009", AS_OF, "demand", "N06", "x", "S1", "INV-06", 1000, "f.docx", "0" * 64)
    log = with_rows(empty_log(), [logged])
    jobs, notes = plan_letters(windows, log)
    assert not [job for job in jobs if job.customer_id == "N06"]
    (note,) = [note for note in notes if note.customer_id == "N06"]
    assert note.letter_no == "CS-2026-000009" and "INV-06" in note.reason.en
    # a letter logged on another day does not block (the cool-down decides that, per kind)
    earlier = with_rows(empty_log(), [LogRow("CS-2026-000009", AS_OF - dt.timedelta(days=1), "demand", "N06", "x",
                                             "S1", "INV-06", 1000, "f.docx", "0" * 64)])
    jobs, _ = plan_letters(windows, earlier)
    assert [job.kind for job in jobs if job.customer_id == "N06"] == ["reminder"]


# ----- the demand's daily interest, individuals, the timeline ------------------------------------------------
OVERDUE = """
INV-1 | P1 | A | 2026-09-01 | 2026-10-01 | 10000.00 |  |  |
INV-2 | P1 | A | 2026-10-01 | 2026-11-01 | 6409.02  |  |  |
"""
PEOPLE = """
客户编号 | 客户名称 | 地址 | 客户类型
P1 | 杨国栋 | 深圳 | 个人
"""
EVENTS = """
日期 | 客户编号 | 单据号 | 事件
2026-11-05 | P1 | INV-1 | 承诺还款
2026-10-20 | P1 |  | 催款函送达
"""


@pytest.fixture(scope="module")
def person():
    return compute(RefreshInputs(ledger=ledger(OVERDUE), customers=raw_sheet("客户档案", PEOPLE),
                                 events=raw_sheet("法律事件", EVENTS)), as_of=AS_OF)


def test_demand_states_the_daily_interest(person):
    """(10,000.00 + 6,409.02) × LPR × 1.5 / 365 a day; with the default LPR 3.00%: 16,409.02 × 0.045 / 365
    = 2.0230… -> 2.02."""
    job = LetterJob("demand", "P1", "杨国栋", "S4", ("INV-1", "INV-2"), 1640902)
    context = letter_context(job, "CS-1", person, {}, "zh")
    rate = person.detail["interest_rate"].iloc[0]
    expected = (pd.Series([1000000, 640902]) * float(rate) / 100 * 1.5 / 365).sum() / 100
    assert context["daily_interest"] == f"{expected:,.2f}"


def test_individual_customer_is_flagged_for_personal_forms(person):
    job = LetterJob("confirmation", "P1", "杨国栋", "S1", ("INV-1",), 100)
    assert letter_context(job, "CS-1", person, {}, "zh")["customer"]["individual"] is True


def test_case_review_timeline_merges_letters_log_and_events_in_date_order(person):
    log = with_rows(empty_log(), [LogRow("CS-2026-000003", dt.date(2026, 10, 25), "demand", "P1", "杨国栋", "S3",
                                         "INV-1", 100, "f.docx", "0" * 64, "delivered")])
    job = LetterJob("case_review", "P1", "杨国栋", "S4", (), 0, "CASE-1")
    timeline = letter_context(job, "CS-9", person, {}, "zh", log, None)["timeline"]
    assert [(t["date"], t["source"], t["what"]) for t in timeline] == [
        ("2026年10月20日", "法律事件", "催款函送达"),
        ("2026年10月25日", "函件记录", "催款通知书 CS-2026-000003"),
        ("2026年11月5日", "法律事件", "承诺还款")]
    assert timeline[0]["detail"] == "全部单据" and timeline[2]["detail"] == "INV-1"


# ----- installment agreements ----------------------------------------------------------------------------------
PLAN_LEDGER = """
INV-9 | P1 | A | 2026-06-01 | 2026-07-01 | 3000.00 |  |  |
"""
BROKEN_PLAN = """
计划编号 | 客户编号 | 涉及单据 | 分期总额 | 签订日期 | 首期还款日 | 期数 | 间隔(天)
FQ-9 | P1 | INV-9 | 3000 | 2026-08-01 | 2026-09-01 | 3 | 30
"""


def test_no_agreement_for_a_plan_refresh_reports_broken():
    """Nothing paid on installment 1 (due 2026-09-01, 7 days' grace): broken, so no agreement is rendered."""
    broken = compute(RefreshInputs(ledger=ledger(PLAN_LEDGER), customers=raw_sheet("客户档案", PEOPLE),
                                   plans=raw_sheet("分期计划", BROKEN_PLAN)), as_of=AS_OF)
    assert set(broken.plan_schedule["plan_status"]) == {"broken"}
    jobs, notes = plan_letters(broken, empty_log(), kinds=["plan"])
    assert jobs == []
    assert [note.reason.en for note in notes] == [
        "plan FQ-9 is broken (installment 1 unpaid): no agreement is rendered"]
