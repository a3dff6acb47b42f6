"""Aging analysis by line, the two monthly warnings, and snapshot replacement."""
import datetime as dt

import pandas as pd

from xlsx_tools.core.refresh import RefreshInputs, compute
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)


def due(days_past_due: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_past_due)


def run(rows: str, snapshots: str = ""):
    snap = raw_sheet("月度快照", "月份 | 业务线 | 应收余额 | 逾期金额 | 逾期30天内金额 | 基准日\n" + snapshots.strip("\n")) \
        if snapshots else None
    result = compute(RefreshInputs(ledger(rows), snapshots=snap), as_of=AS_OF)
    assert not result.has_errors
    return result


def line(result, name):
    table = result.aging
    return table[table["business_line"] == name].iloc[0] if name else table[table["is_total"]].iloc[0]


def test_aging__amounts_by_line_and_bucket_with_total_row():
    result = run(f"""
    I1 | C1 | 华东 | 2025-01-01 | {due(-3)}  | 100 | | |
    I2 | C1 | 华东 | 2025-01-01 | {due(30)}  | 200 | | |
    I3 | C2 | 华东 | 2025-01-01 | {due(31)}  | 400 | 100 | |
    I4 | C2 | 华南 | 2025-01-01 | {due(400)} | 800 | | disputed |
    I5 | C2 | 华南 | 2025-01-01 | {due(400)} | 800 | 800 | |
    I6 | C2 | 华南 | 2025-01-01 | {due(5)}   | -50 | | |
    """)
    east, south, total = line(result, "华东"), line(result, "华南"), line(result, None)
    assert [east[f"bucket_{n}"] for n in range(7)] == [10000, 20000, 30000, 0, 0, 0, 0]
    assert east["receivables_fen"] == 60000 and east["overdue_fen"] == 50000
    assert south["bucket_6"] == 80000 and south["credits_fen"] == -5000
    assert total["receivables_fen"] == 140000 and total["overdue_fen"] == 130000


def test_aging__early_overdue_warning_is_strictly_over_15_percent():
    result = run(f"""
    I1 | C1 | A | 2025-01-01 | {due(1)}  | 15  | | |
    I2 | C1 | A | 2025-01-01 | {due(-1)} | 85  | | |
    I3 | C1 | B | 2025-01-01 | {due(30)} | 15.01 | | |
    I4 | C1 | B | 2025-01-01 | {due(-1)} | 84.99 | | |
    I5 | C1 | C | 2025-01-01 | {due(31)} | 90  | | |
    I6 | C1 | C | 2025-01-01 | {due(-1)} | 10  | | |
    """)
    assert [bool(line(result, n)["early_warning"]) for n in "ABC"] == [False, True, False]


def test_aging__growth_warning_against_previous_month_snapshot():
    result = run(f"""
    I1 | C1 | A | 2025-01-01 | {due(40)} | 120 | | |
    I2 | C1 | B | 2025-01-01 | {due(40)} | 120.01 | | |
    I3 | C1 | C | 2025-01-01 | {due(40)} | 500 | | |
    """, """
    2026-10 | A | 100 | 100 | 0 | 2026-10-31
    2026-10 | B | 100 | 100 | 0 | 2026-10-31
    2026-09 | C | 100 | 100 | 0 | 2026-09-30
    """)
    assert [bool(line(result, n)["growth_warning"]) for n in "ABC"] == [False, True, False]
    assert pd.isna(line(result, "C")["previous_overdue_fen"])


def test_snapshots__same_month_is_replaced_never_duplicated():
    result = run(f"""
    I1 | C1 | A | 2025-01-01 | {due(40)} | 120 | | |
    """, """
    2026-10 | A | 100 | 100 | 0 | 2026-10-31
    2026-11 | A | 999 | 999 | 0 | 2026-11-02
    2026-11 | Z | 999 | 999 | 0 | 2026-11-02
    """)
    snaps = result.snapshots[result.snapshots["split"] == "business_line"]
    assert list(zip(snaps["month"], snaps["business_line"], snaps["overdue_fen"])) == [
        ("2026-10", "A", 10000), ("2026-11", "A", 12000)]
