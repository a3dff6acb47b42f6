"""Per-customer rollup: balances, shares, stage, key target, high risk, order."""
import datetime as dt

import pytest

from xlsx_tools.core.refresh import RefreshInputs, compute
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)


def due(days_past_due: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_past_due)


def customers(rows: str):
    return raw_sheet("客户档案", "客户编号 | 客户名称 | 客户类型 | 信用评级 | 上期评级\n" + rows.strip("\n"))


def priority_of(ledger_rows: str, customer_rows: str = "") -> dict:
    result = compute(RefreshInputs(ledger(ledger_rows), customers(customer_rows) if customer_rows else None),
                     as_of=AS_OF)
    assert not result.has_errors, [i.text() for i in result.issues]
    return {row.customer_id: row for row in result.priority.itertuples()}


def test_priority__balance_counts_credits_negative_and_ignores_closed_rows():
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(10)} | 1000 | 200 | |
    I2 | C1 | A | 2025-01-01 | {due(10)} | -300 |     | |
    I3 | C1 | A | 2025-01-01 | {due(10)} | 500  | 500 | |
    I4 | C1 | A | 2025-01-01 | {due(10)} | 900  |     | written_off |
    """)
    assert rows["C1"].open_fen == 50000


def test_priority__customers_without_positive_balance_are_left_out():
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(10)} | 100 | | |
    I2 | C1 | A | 2025-01-01 | {due(10)} | -100 | | |
    I3 | C2 | A | 2025-01-01 | {due(10)} | 100 | 100 | |
    I4 | C3 | A | 2025-01-01 | {due(10)} | 100 | | |
    """)
    assert list(rows) == ["C3"]


def test_priority__overdue_amount_and_max_days_include_hold_and_plan_rows():
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(0)}  | 100 | | |
    I2 | C1 | A | 2025-01-01 | {due(1)}  | 200 | | disputed |
    I3 | C1 | A | 2025-01-01 | {due(40)} | 400 | 100 | plan |
    I4 | C1 | A | 2025-01-01 | {due(99)} | 800 | 800 | |
    """)
    row = rows["C1"]
    assert row.overdue_fen == 50000
    assert row.max_days == 40
    assert row.stage == "S1"


@pytest.mark.parametrize("statuses, expected", [
    (("plan", "disputed"), "PLAN"),
    (("hold", "disputed"), "HOLD"),
    (("plan", ""), "S3"),
    (("litigation", "plan"), "S5"),
])
def test_priority__stage_is_highest_ladder_stage_then_plan_then_hold(statuses, expected):
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(10)} | 100 | | {statuses[0]} |
    I2 | C1 | A | 2025-01-01 | {due(9)}  | 100 | | {statuses[1]} |
    """)
    assert rows["C1"].stage == expected


def _key_target_case(days: int, big_amount: str, rating: str, previous: str) -> dict:
    return priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(days)} | {big_amount} | | |
    I2 | C2 | A | 2025-01-01 | {due(5)} | {10000 - float(big_amount):.2f} | | |
    """, f"""
    C1 | 甲 | sme | {rating} | {previous}
    C2 | 乙 | sme | A | A
    """)


def test_priority__key_target_needs_over_90_days_over_5_percent_and_downgrade():
    assert _key_target_case(91, "500.01", "BB", "A")["C1"].key_target


@pytest.mark.parametrize("days, amount, rating, previous", [
    (90, "500.01", "BB", "A"),     # not over 90 days
    (91, "500.00", "BB", "A"),     # exactly 5 %: not over
    (91, "500.01", "A", "A"),      # not downgraded
    (91, "500.01", "AA", "A"),     # upgraded
])
def test_priority__key_target_boundaries(days, amount, rating, previous):
    assert not _key_target_case(days, amount, rating, previous)["C1"].key_target


def test_priority__high_risk_rules():
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(91)} | 100 | | |
    I2 | C2 | A | 2025-01-01 | {due(90)} | 100 | | |
    I3 | C3 | A | 2025-01-01 | {due(1)}  | 100 | | |
    I4 | C4 | A | 2025-01-01 | {due(0)}  | 100 | | |
    """, """
    C3 | 丙 | sme | B | BB
    C4 | 丁 | sme | B | BB
    """)
    assert [rows[c].high_risk for c in ("C1", "C2", "C3", "C4")] == [True, False, True, False]


def test_priority__order_key_target_then_stage_then_overdue_then_id():
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(10)}  | 100 | | |
    I2 | C2 | A | 2025-01-01 | {due(100)} | 50 | | |
    I3 | C3 | A | 2025-01-01 | {due(12)}  | 300 | | |
    I4 | C4 | A | 2025-01-01 | {due(20)}  | 100 | | |
    I5 | C5 | A | 2025-01-01 | {due(200)} | 9000 | | |
    I6 | C6 | A | 2025-01-01 | {due(10)}  | 100 | | plan |
    I7 | C7 | A | 2025-01-01 | {due(-20)} | 100 | | |
    I8 | C8 | A | 2025-01-01 | {due(10)}  | 100 | | hold |
    """, """
    C5 | 戊 | sme | C | A
    """)
    order = sorted(rows, key=lambda c: rows[c].rank)
    assert order == ["C5", "C2", "C3", "C1", "C4", "C6", "C8", "C7"]
    assert [rows[c].rank for c in order] == list(range(1, 9))


def test_priority__share_is_of_total_open_balance():
    rows = priority_of(f"""
    I1 | C1 | A | 2025-01-01 | {due(10)} | 300 | | |
    I2 | C2 | A | 2025-01-01 | {due(10)} | 100 | | |
    """)
    assert rows["C1"].share == pytest.approx(0.75)
