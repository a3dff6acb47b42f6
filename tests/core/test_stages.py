"""Stage ladder, overlays and buckets: every boundary of the contract."""
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsx_tools.core.passes.aging import bucket_index
from xlsx_tools.core.policy import DEFAULT_POLICY
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.core.passes.stages import ladder_stage
from tests.sheets import ledger

AS_OF = dt.date(2026, 11, 28)


def stage_for(days: int, status: str = "", hold_until: str = "", amount: str = "100", paid: str = "") -> str:
    due = AS_OF - dt.timedelta(days=days)
    sheet = ledger(f"INV1 | C1 | A | 2025-01-01 | {due} | {amount} | {paid} | {status} | {hold_until}")
    result = compute(RefreshInputs(sheet), as_of=AS_OF)
    assert not result.has_errors, [i.text() for i in result.issues]
    return result.detail["stage"].iloc[0]


@pytest.mark.parametrize("days, expected", [
    (-16, "S0"), (-15, "S1"), (0, "S1"), (1, "S2"), (7, "S2"), (8, "S3"), (30, "S3"),
    (31, "S4"), (90, "S4"), (91, "S5"), (5000, "S5"),
])
def test_stage__ladder_bounds_are_inclusive(days, expected):
    assert stage_for(days) == expected


def test_stage__8_days_overdue_is_written_demand():
    assert stage_for(8) == "S3"


@pytest.mark.parametrize("days, expected", [
    (-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (180, 4),
    (181, 5), (365, 5), (366, 6),
])
def test_bucket__edges_are_inclusive_upper_bounds(days, expected):
    assert bucket_index([days], DEFAULT_POLICY.bucket_edges)[0] == expected


@pytest.mark.parametrize("status, hold_until, expected", [
    ("written_off", "", "CLOSED"),
    ("核销", "", "CLOSED"),
    ("litigation", "", "S5"),
    ("诉讼", "", "S5"),
    ("disputed", "", "HOLD"),
    ("Disputed", "2026-01-01", "HOLD"),
    ("hold", "", "HOLD"),
    ("暂停", "2026-11-28", "HOLD"),
    ("hold", "2026-11-27", "S3"),
    ("plan", "", "PLAN"),
    ("分期", "", "PLAN"),
    ("open", "", "S3"),
    ("正常", "", "S3"),
])
def test_stage__overlays_take_precedence_over_the_ladder(status, hold_until, expected):
    assert stage_for(10, status, hold_until) == expected


def test_stage__litigation_applies_even_before_due():
    assert stage_for(-30, "litigation") == "S5"


def test_stage__written_off_wins_over_litigation_order_and_open_balance():
    assert stage_for(200, "written_off") == "CLOSED"


@pytest.mark.parametrize("amount, paid, expected", [
    ("100", "100", "CLOSED"),
    ("100", "120", "CLOSED"),
    ("100", "99.99", "S3"),
    ("-50", "", "CREDIT"),
    ("-50", "-50", "CLOSED"),
    ("0", "", "CLOSED"),
])
def test_stage__closed_and_credit_rows(amount, paid, expected):
    assert stage_for(10, amount=amount, paid=paid) == expected


def test_stage__paid_litigation_row_is_closed():
    assert stage_for(200, "litigation", amount="100", paid="100") == "CLOSED"


def test_stage__policy_ladder_is_used():
    policy = DEFAULT_POLICY.with_values(ladder_from_days=(-10, 1, 15, 45, 120))
    assert list(ladder_stage([-11, -10, 14, 15, 44, 45, 119, 120], policy)) == \
        ["S0", "S1", "S2", "S3", "S3", "S4", "S4", "S5"]


LADDER = ["S0", "S1", "S2", "S3", "S4", "S5"]


@settings(max_examples=200, deadline=None)
@given(due_offset=st.integers(-400, 400), step1=st.integers(0, 200), step2=st.integers(0, 200))
def test_stage__never_goes_down_as_the_as_of_date_moves_forward(due_offset, step1, step2):
    days = pd.Series([due_offset, due_offset + step1, due_offset + step1 + step2])
    stages = ladder_stage(days, DEFAULT_POLICY)
    ranks = [LADDER.index(code) for code in stages]
    assert ranks == sorted(ranks)


# A whole refresh costs ~0.5 s even on one row; the ladder's own monotonicity has 200 examples above.
@settings(max_examples=12, deadline=None)
@given(due_offset=st.integers(-60, 200), step=st.integers(1, 120))
def test_stage__full_refresh_is_monotonic_for_unpaid_unheld_invoice(due_offset, step):
    due = AS_OF - dt.timedelta(days=due_offset)
    sheet = ledger(f"INV1 | C1 | A | 2025-01-01 | {due} | 100 |  |  | ")
    first = compute(RefreshInputs(sheet), as_of=AS_OF).detail["stage"].iloc[0]
    later = compute(RefreshInputs(sheet), as_of=AS_OF + dt.timedelta(days=step)).detail["stage"].iloc[0]
    assert LADDER.index(later) >= LADDER.index(first)
