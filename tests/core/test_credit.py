"""Credit management: exposure vs limit, the new-customer red line, 5C scores and limit bands."""
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.present.sheets import output_tables
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)
CUSTOMER_HEADER = ("客户编号 | 客户名称 | 信用额度 | 注册资本 | 首次合作日期 | 品格 | 能力 | 资本 | 担保 | 条件")


def run(ledger_rows: str, customer_rows: str, policy: str = ""):
    customers = raw_sheet("客户档案", CUSTOMER_HEADER + "\n" + customer_rows.strip("\n"))
    pol = raw_sheet("催收策略", "设置项 | 值\n" + policy.strip("\n")) if policy else None
    result = compute(RefreshInputs(ledger(ledger_rows), customers, pol), as_of=AS_OF)
    assert not result.has_errors, [i.text() for i in result.issues]
    return result, result.credit.set_index("customer_id")


def test_credit__exposure_is_the_open_balance_and_over_limit_when_above_the_limit():
    # C1: 80,000 + 50,000 open - 10,000 credit note = 120,000 > 100,000 limit: over by 20,000
    # C2: exposure 100,000 = limit: not over
    result, credit = run("""
    I1 | C1 | A | 2026-01-01 | 2026-12-01 | 80000 | | |
    I2 | C1 | A | 2026-01-01 | 2026-12-01 | 50000 | | |
    I3 | C1 | A | 2026-01-01 | 2026-12-01 | -10000 | | |
    I4 | C1 | A | 2026-01-01 | 2026-12-01 | 9999 | 9999 | |
    I5 | C2 | A | 2026-01-01 | 2026-12-01 | 100000 | | |
    """, """
    C1 | 甲 | 100000 | | 2015-01-01
    C2 | 乙 | 100000 | | 2015-01-01
    """)
    assert credit.loc["C1", "exposure_fen"] == 12000000
    assert credit.loc["C1", "over_limit"] and credit.loc["C1", "over_by_fen"] == 2000000
    assert credit.loc["C1", "utilisation"] == pytest.approx(1.2)
    assert not credit.loc["C2", "over_limit"]
    tags = output_tables(result, "zh")["priority"].frame.set_index("customer_id")["tags"]
    assert "超信用额度" in tags.loc["C1"] and "超信用额度" not in tags.loc["C2"]


def test_credit__red_line_for_new_customers_is_20_percent_of_registered_capital():
    # capital 1,000,000 -> red line 200,000.00
    result, credit = run("""
    I1 | C1 | A | 2026-06-01 | 2026-12-01 | 100 | | |
    I2 | C2 | A | 2026-06-01 | 2026-12-01 | 100 | | |
    I3 | C3 | A | 2026-06-01 | 2026-12-01 | 100 | | |
    """, """
    C1 | 新客户超红线 | 200000.01 | 1000000 | 2026-06-01
    C2 | 新客户等于红线 | 200000.00 | 1000000 | 2026-06-01
    C3 | 老客户 | 500000 | 1000000 | 2020-06-01
    """)
    assert credit.loc["C1", "red_line_fen"] == 20000000
    assert [credit.loc[c, "red_line_breach"] for c in ("C1", "C2", "C3")] == [True, False, False]
    assert [credit.loc[c, "new_customer"] for c in ("C1", "C2", "C3")] == [True, True, False]
    tags = output_tables(result, "en")["priority"].frame.set_index("customer_id")["tags"]
    assert "limit above red line" in tags.loc["C1"] and "red line" not in tags.loc["C2"]


@pytest.mark.parametrize("first_trade, new", [
    ("2025-11-29", True),    # 12 months end 2026-11-29, after the as-of date
    ("2025-11-28", False),   # 12 months end on the as-of date itself: no longer new
])
def test_credit__new_means_first_trade_less_than_12_months_ago(first_trade, new):
    _, credit = run("I1 | C1 | A | 2026-06-01 | 2026-12-01 | 100 | | |", f"C1 | 甲 | 1 | 1 | {first_trade}")
    assert credit.loc["C1", "new_customer"] == new


def test_credit__without_first_trade_date_the_earliest_invoice_is_used():
    _, credit = run("""
    I1 | C1 | A | 2026-02-01 | 2026-12-01 | 100 | | |
    I2 | C1 | A | 2025-01-01 | 2026-12-01 | 100 | | |
    """, "C1 | 甲 | 300 | 1000 |")
    assert credit.loc["C1", "first_trade_date"] == pd.Timestamp("2025-01-01")
    assert not credit.loc["C1", "new_customer"] and not credit.loc["C1", "red_line_breach"]


def test_credit__5c_score_is_the_weighted_average_and_picks_a_limit_band():
    # C1: (5 + 4 + 3 + 4 + 5) × 20 % = 4.2 -> band [3.5, 4.5) -> 10 % × 1,000,000 = 100,000.00
    # C2: 5 5 5 4 4 -> 4.6 -> top band 20 % -> 200,000.00
    # C3: 1 2 2 3 2 -> 2.0 -> lowest band: cash / prepayment only (0)
    # C4: a score missing -> no score
    _, credit = run("""
    I1 | C1 | A | 2026-06-01 | 2026-12-01 | 100 | | |
    """, """
    C1 | 甲 | | 1000000 | 2015-01-01 | 5 | 4 | 3 | 4 | 5
    C2 | 乙 | | 1000000 | 2015-01-01 | 5 | 5 | 5 | 4 | 4
    C3 | 丙 | | 1000000 | 2015-01-01 | 1 | 2 | 2 | 3 | 2
    C4 | 丁 | | 1000000 | 2015-01-01 | 1 | 2 | | 3 | 2
    """)
    assert credit.loc["C1", "score"] == Decimal("4.2") and credit.loc["C1", "suggested_limit_fen"] == 10000000
    assert credit.loc["C2", "score"] == Decimal("4.6") and credit.loc["C2", "suggested_limit_fen"] == 20000000
    assert credit.loc["C3", "band_share"] == 0 and credit.loc["C3", "suggested_limit_fen"] == 0
    assert credit.loc["C4", "score"] is None and pd.isna(credit.loc["C4", "suggested_limit_fen"])


def test_credit__5c_weights_and_bands_come_from_the_policy_and_new_customers_stay_under_the_red_line():
    # weights 30/30/20/10/10 with 5 4 3 2 1: 1.5 + 1.2 + 0.6 + 0.2 + 0.1 = 3.6 -> band 2 of edges 2.5, 3.5, 4.5
    # band shares 0 / 5 % / 30 % / 40 %: 30 % of 1,000,000 = 300,000 but new -> red line 200,000
    _, credit = run("I1 | C1 | A | 2026-06-01 | 2026-12-01 | 100 | | |", """
    C1 | 甲 | | 1000000 | 2026-06-01 | 5 | 4 | 3 | 2 | 1
    """, policy="""
    credit_5c_weights | 30%, 30%, 20%, 10%, 10%
    credit_5c_band_shares | 0, 5%, 30%, 40%
    """)
    assert credit.loc["C1", "score"] == Decimal("3.6")
    assert credit.loc["C1", "band"] == 2
    assert credit.loc["C1", "suggested_limit_fen"] == 20000000


def test_credit__score_out_of_range_is_a_warning():
    customers = raw_sheet("客户档案", CUSTOMER_HEADER + "\nC1 | 甲 | | | | 6 | 4 | 3 | 2 | 1")
    result = compute(RefreshInputs(ledger("I1 | C1 | A | 2026-06-01 | 2026-12-01 | 100 | | |"), customers),
                     as_of=AS_OF)
    assert [(i.severity, i.location()) for i in result.issues if i.severity != "info"] == [("warning", "客户档案!F2")]


def test_credit__sheet_lists_flagged_customers_first():
    result, _ = run("""
    I1 | C1 | A | 2026-01-01 | 2026-12-01 | 100 | | |
    I2 | C2 | A | 2026-01-01 | 2026-12-01 | 500 | | |
    """, """
    C1 | 甲 | 1000 | | 2015-01-01
    C2 | 乙 | 100 | | 2015-01-01
    """)
    table = output_tables(result, "zh")["credit"]
    assert table.name == "信用管理"
    assert list(table.frame["customer_id"]) == ["C2", "C1"]
    headers = [c.header for c in table.columns]
    assert headers[:6] == ["客户编号", "客户名称", "信用额度", "风险敞口", "额度使用率", "超额度"]
    assert table.frame.iloc[0, headers.index("超额度")] == "Y"


def test_credit__invalid_policy_weights_are_a_located_error():
    from xlsx_tools.core.policy import DEFAULT_POLICY, load_policy
    policy, issues = load_policy(raw_sheet("催收策略", "设置项 | 值\ncredit_5c_weights | 20%, 20%, 20%, 20%, 10%"))
    assert [i.location() for i in issues] == ["催收策略!B2"]
    assert policy["credit_5c_weights"] == DEFAULT_POLICY["credit_5c_weights"]
