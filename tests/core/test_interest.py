"""Overdue interest: LPR lookup, bases, partial payments, rounding, letters' statement.

Every expected figure is worked out by hand in the comment next to it.
"""
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsx_tools.core import i18n
from xlsx_tools.core.interest import interest_statements
from xlsx_tools.core.passes.interest import compute_interest, interest_after_payments, lpr_in_force, row_rates
from xlsx_tools.core.policy import DEFAULT_POLICY, load_policy
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.present.sheets import detail_table, priority_table
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)


def run(rows: str, payments: str | None = None, policy: str | None = None, as_of: dt.date = AS_OF):
    pay = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\n" + payments.strip("\n")) if payments else None
    pol = raw_sheet("催收策略", "设置项 | 值\n" + policy.strip("\n")) if policy else None
    result = compute(RefreshInputs(ledger(rows), policy=pol, payments=pay), as_of=as_of)
    assert not result.has_errors, [i.text() for i in result.issues]
    return result


def row(result, invoice: str):
    return result.detail.set_index("invoice_no").loc[invoice]


# ----- LPR lookup ------------------------------------------------------------------------------------
@pytest.mark.parametrize("day_after_due, expected", [
    ("2019-08-19", None),          # before the first fixing of the table
    ("2019-08-20", "4.25"),        # the first fixing, on its own day
    ("2019-09-19", "4.25"),        # the day before a change keeps the old rate
    ("2019-09-20", "4.20"),        # the day of a change takes the new rate
    ("2021-12-19", "3.85"),
    ("2021-12-20", "3.80"),
    ("2024-07-21", "3.45"),
    ("2024-07-22", "3.35"),
    ("2024-10-21", "3.10"),
    ("2025-05-19", "3.10"),
    ("2025-05-20", "3.00"),
    ("2026-11-28", "3.00"),        # unchanged since 2025-05-20
])
def test_lpr__rate_in_force_on_a_day_across_rate_changes(day_after_due, expected):
    rate = lpr_in_force(pd.Series(pd.to_datetime([day_after_due])), DEFAULT_POLICY).iloc[0]
    assert rate == (Decimal(expected) if expected else None)


def test_lpr__the_rate_is_the_one_in_force_the_day_after_the_due_date():
    # due 2024-07-21: breach starts 2024-07-22, the day the LPR fell to 3.35
    # due 2024-07-20: breach starts 2024-07-21, still 3.45
    result = run("""
    I1 | C1 | A | 2024-06-01 | 2024-07-21 | 100 | | |
    I2 | C1 | A | 2024-06-01 | 2024-07-20 | 100 | | |
    """)
    assert row(result, "I1")["interest_rate"] == Decimal("3.35")
    assert row(result, "I2")["interest_rate"] == Decimal("3.45")


def test_lpr__history_is_editable_in_the_policy_sheet():
    policy, issues = load_policy(raw_sheet("催收策略", """设置项 | 值
    lpr_1y_history | 2019-08-20: 4.25; 2026-10-20: 2.90
    """))
    assert issues == []
    rates = lpr_in_force(pd.Series(pd.to_datetime(["2026-10-19", "2026-10-20"])), policy)
    assert list(rates) == [Decimal("4.25"), Decimal("2.90")]


def test_lpr__receivables_due_before_the_table_get_no_interest_and_one_warning():
    result = run("""
    I1 | C1 | A | 2019-01-01 | 2019-06-30 | 1000 | | |
    I2 | C1 | A | 2019-01-01 | 2019-07-30 | 1000 | | |
    """)
    assert row(result, "I1")["interest_fen"] is pd.NA
    warnings = [i for i in result.issues if "LPR" in i.message.en]
    assert len(warnings) == 1 and "2 receivable(s)" in warnings[0].message.en


# ----- interest without payments ------------------------------------------------------------------------
def test_interest__no_payment_is_open_amount_times_1_5_lpr_times_days_over_365():
    # due 2025-06-30 -> LPR 3.00 % from 2025-07-01; 2025-06-30 .. 2026-11-28 = 516 days
    # 100,000.00 × 3.00 % × 1.5 × 516 / 365 = 6,361.6438... -> 6,361.64
    result = run("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | | |")
    assert row(result, "I1")["interest_fen"] == 636164


def test_interest__without_payments_sheet_the_ledger_paid_amount_counts_from_the_due_date():
    # due 2024-08-31 -> LPR 3.35 % (from 2024-07-22); open 10,000 - 4,000 = 6,000
    # 2024-08-31 .. 2026-11-28 = 819 days; 6,000 × 3.35 % × 1.5 × 819 / 365 = 676.5164... -> 676.52
    result = run("I1 | C1 | A | 2024-07-01 | 2024-08-31 | 10000 | 4000 | |")
    assert row(result, "I1")["interest_fen"] == 67652
    # issue 9.16: said in Issues (info, at the Paid Amount header), never as a line inside the Detail table
    assert [(i.severity, i.text("zh")) for i in result.issues if i.sheet != "kpis"] == [
        ("info", "应收台账!G1: 1 笔已收金额没有收款记录，计息时视为于到期日收到")]
    table = detail_table(result, "zh")
    assert len(table.frame) == 1 and not hasattr(table, "notes")


def test_interest__not_yet_due_credit_notes_written_off_and_closed_rows_carry_none():
    result = run("""
    I1 | C1 | A | 2026-11-01 | 2026-11-28 | 1000 | | |
    I2 | C1 | A | 2026-01-01 | 2026-02-01 | -500 | | |
    I3 | C1 | A | 2026-01-01 | 2026-02-01 | 1000 | | written_off |
    I4 | C1 | A | 2026-01-01 | 2026-02-01 | 1000 | 1000 | |
    """)
    assert [row(result, inv)["interest_fen"] for inv in ("I1", "I2", "I3", "I4")] == [0, 0, 0, 0]


def test_interest__daily_basis_is_open_amount_times_daily_rate_times_days():
    # 10,000.00 × 0.05 % × 30 days = 150.00
    result = run(f"I1 | C1 | A | 2026-09-01 | {AS_OF - dt.timedelta(days=30)} | 10000 | | |",
                 policy="interest_basis | daily")
    assert row(result, "I1")["interest_fen"] == 15000
    assert row(result, "I1")["interest_basis"] == "daily"


def test_interest__rounding_is_half_up_once_at_the_end():
    # 10.00 × 0.05 % × 1 day = 0.005 -> 0.01 (half up; banker's rounding would give 0.00)
    # 10.00 × 0.05 % × 3 days = 0.015 -> 0.02
    result = run(f"""
    I1 | C1 | A | 2026-09-01 | {AS_OF - dt.timedelta(days=1)} | 10 | | |
    I2 | C1 | A | 2026-09-01 | {AS_OF - dt.timedelta(days=3)} | 10 | | |
    """, policy="interest_basis | 日利率")
    assert [row(result, inv)["interest_fen"] for inv in ("I1", "I2")] == [1, 2]


def test_interest__contract_basis_uses_the_ledger_rate_column_and_falls_back_to_lpr():
    # I1: 10,000.00 × 6 % × 73 / 365 = 120.00
    # I2: 0.06 in a percent-formatted cell is 6 % too -> 120.00
    # I3: no rate -> LPR 3.00 % × 1.5: 10,000 × 4.5 % × 73 / 365 = 90.00
    due = AS_OF - dt.timedelta(days=73)
    sheet = raw_sheet("应收台账", f"""单据号 | 客户编号 | 开票日期 | 到期日 | 金额 | 合同利率
    I1 | C1 | 2026-08-01 | {due} | 10000 | 6
    I2 | C1 | 2026-08-01 | {due} | 10000 | 0.06
    I3 | C1 | 2026-08-01 | {due} | 10000 |
    """)
    pol = raw_sheet("催收策略", "设置项 | 值\ninterest_basis | 合同利率")
    result = compute(RefreshInputs(sheet, policy=pol), as_of=AS_OF)
    assert [row(result, inv)["interest_fen"] for inv in ("I1", "I2", "I3")] == [12000, 12000, 9000]
    assert [row(result, inv)["interest_basis"] for inv in ("I1", "I2", "I3")] == ["contract", "contract", "lpr"]
    assert any("LPR basis is used" in i.message.en for i in result.issues)


@pytest.mark.parametrize("basis", ["lpr", "daily"])
def test_interest__contract_rates_given_but_not_used_are_said_once(basis):
    """A clerk who fills the contract rate column must learn why the figures ignore it (audit 4)."""
    due = AS_OF - dt.timedelta(days=73)
    sheet = raw_sheet("应收台账", f"""单据号 | 客户编号 | 开票日期 | 到期日 | 金额 | 合同利率
    I0 | C1 | 2026-08-01 | {due} | 10000 |
    I1 | C1 | 2026-08-01 | {due} | 10000 | 6
    I2 | C1 | 2026-08-01 | {due} | 10000 | 8
    """)
    pol = raw_sheet("催收策略", f"设置项 | 值\ninterest_basis | {basis}")
    result = compute(RefreshInputs(sheet, policy=pol), as_of=AS_OF)
    said = [i for i in result.issues if "contract rate" in i.message.en]
    assert [(i.severity, i.cell) for i in said] == [("info", "F3")]
    assert said[0].message.en.startswith(f"2 receivable(s) have a contract rate, but interest_basis is '{basis}'")
    assert "interest_basis" in said[0].message.zh


def test_interest__no_contract_rates_no_word_about_them():
    result = run(f"I1 | C1 | A | 2026-09-01 | {AS_OF - dt.timedelta(days=30)} | 36000 | | |")
    assert not [i for i in result.issues if "contract rate" in i.message.en]


def test_interest__multiplier_and_day_count_come_from_the_policy():
    # 36,000.00 × 3.00 % × 1.3 × 30 / 360 = 117.00
    due = AS_OF - dt.timedelta(days=30)
    result = run(f"I1 | C1 | A | 2026-09-01 | {due} | 36000 | | |",
                 policy="lpr_multiplier | 1.3\ninterest_day_count | 360")
    assert row(result, "I1")["interest_fen"] == 11700


# ----- interest with payments ---------------------------------------------------------------------------
def test_payments__one_partial_payment_principal_first():
    # due 2025-06-30 (LPR 3.00 % × 1.5 = 4.5 %); 40,000 paid 2025-09-28 (90 days); as of 2025-12-27 (90 days)
    # (100,000 × 90 + 60,000 × 90) × 4.5 % / 365 = 1,775.3424... -> 1,775.34; principal 60,000 open
    result = run("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | | |", payments="""
    I1 | 2025-09-28 | 40000
    """, as_of=dt.date(2025, 12, 27))
    got = row(result, "I1")
    assert got["interest_fen"] == 177534
    assert got["paid_fen"] == 4000000 and got["open_fen"] == 6000000
    assert got["last_payment_date"] == pd.Timestamp("2025-09-28")
    assert [i for i in result.issues if i.sheet != "kpis"] == []


def test_payments__one_partial_payment_interest_first():
    # accrued by 2025-09-28: 100,000 × 4.5 % × 90 / 365 = 1,109.589... ; whole fen settled: 1,109.58
    # principal paid 40,000 - 1,109.58 = 38,890.42 -> balance 61,109.58; 0.00904... yuan stays owing
    # then 61,109.58 × 4.5 % × 90 / 365 = 678.0652...; owing 678.0652 + 0.0090 = 678.074... -> 678.07
    result = run("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | | |", payments="""
    I1 | 2025-09-28 | 40000
    """, policy="interest_payment_order | 先息后本", as_of=dt.date(2025, 12, 27))
    got = row(result, "I1")
    assert got["paid_fen"] == 3889042
    assert got["open_fen"] == 6110958
    assert got["interest_paid_fen"] == 110958
    assert got["interest_fen"] == 67807


def test_payments__three_partial_payments_accrue_on_each_balance_for_its_days():
    # due 2024-10-20 -> LPR 3.10 % (from 2024-10-21) × 1.5 = 4.65 %
    # 50,000 for 30 days, 40,000 for 60, 30,000 for 60, 10,000 for 30 (as of 2025-04-18)
    # 4.65 % / 365 × (1,500,000 + 2,400,000 + 1,800,000 + 300,000) = 279,000 / 365 = 764.3835... -> 764.38
    result = run("I1 | C1 | A | 2024-09-01 | 2024-10-20 | 50000 | | |", payments="""
    I1 | 2025-01-18 | 10000
    I1 | 2024-11-19 | 10000
    I1 | 2025-03-19 | 20000
    """, as_of=dt.date(2025, 4, 18))
    got = row(result, "I1")
    assert got["interest_fen"] == 76438
    assert got["open_fen"] == 1000000


def test_payments__an_invoice_without_payments_rows_keeps_its_ledger_paid_amount():
    # issue 9.1: 5,000 with 1,000 paid in the ledger and no Payments rows stays open 4,000, not 5,000;
    # interest on 4,000 from 2025-06-30 to 2026-11-28 (516 days) × 4.5 % / 365 = 254.4657... -> 254.47
    result = run("""
    I1 | C1 | A | 2025-05-01 | 2025-06-30 | 5000 | 1000 | |
    I2 | C1 | A | 2025-05-01 | 2025-06-30 | 100 | | |
    """, payments="I2 | 2025-06-30 | 100")
    got = row(result, "I1")
    assert got["paid_fen"] == 100000 and got["open_fen"] == 400000
    assert got["interest_fen"] == 25447
    assert [(i.severity, i.location()) for i in result.issues if i.sheet != "kpis"] == [("info", "应收台账!G1")]


def test_payments__a_ledger_paid_amount_that_disagrees_with_the_payments_is_an_error_and_the_row_left_out():
    pay = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\nI1 | 2025-07-30 | 800\nI2 | 2025-07-30 | 100")
    sheet = ledger("""
    I1 | C1 | A | 2025-05-01 | 2025-06-30 | 5000 | 1000 | |
    I2 | C1 | A | 2025-05-01 | 2025-06-30 | 100 | 100 | |
    """)
    result = compute(RefreshInputs(sheet, payments=pay), as_of=AS_OF)
    assert list(result.detail["invoice_no"]) == ["I2"]
    assert [(i.severity, i.text("en")) for i in result.issues if i.sheet == "应收台账"] == [
        ("error", "应收台账!G2: Paid Amount 1,000.00 disagrees with the Payments sheet total 800.00 "
                  "for invoice I1; the row is left out until they agree")]


def test_payments__a_blank_ledger_paid_amount_takes_the_payments_without_a_complaint():
    result = run("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 5000 | | |", payments="I1 | 2025-07-30 | 800")
    assert row(result, "I1")["paid_fen"] == 80000
    assert [i for i in result.issues if i.sheet != "kpis"] == []


def test_payments__a_sheet_with_headers_only_leaves_the_ledger_paid_amount_in_charge():
    pay = raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\n | |")
    result = compute(RefreshInputs(ledger("I1 | C1 | A | 2024-07-01 | 2024-08-31 | 10000 | 4000 | |"), payments=pay),
                     as_of=AS_OF)
    assert row(result, "I1")["paid_fen"] == 400000 and row(result, "I1")["interest_fen"] == 67652
    assert [i for i in result.issues if i.severity != "info"] == []


def test_payments__before_the_due_date_reduce_principal_only_and_later_than_as_of_are_ignored():
    # 30,000 paid before due -> 70,000 accrues 90 days at 4.5 %: 70,000 × 4.5 % × 90 / 365 = 776.7123 -> 776.71
    result = run("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | | |", payments="""
    I1 | 2025-06-01 | 30000
    I1 | 2025-10-01 | 70000
    """, as_of=dt.date(2025, 9, 28))
    assert row(result, "I1")["interest_fen"] == 77671
    assert row(result, "I1")["open_fen"] == 7000000


def test_payments__money_beyond_principal_pays_interest_then_is_an_overpayment():
    outcome = interest_after_payments(100000, dt.date(2026, 1, 1), Fraction(Decimal("0.0005")),
                                      [(dt.date(2026, 1, 11), 100000), (dt.date(2026, 1, 21), 1000)],
                                      dt.date(2026, 1, 31))
    # 1,000.00 × 0.05 % × 10 days = 5.00 interest, then principal cleared; the 10.00 paid later:
    # 5.00 to interest, 5.00 overpaid
    assert (outcome.principal_paid_fen, outcome.interest_paid_fen, outcome.interest_fen, outcome.overpaid_fen) == \
        (100000, 500, 0, 500)


def test_payments__bad_rows_are_located_errors_and_unknown_invoices_warnings():
    pay = raw_sheet("收款记录", """单据号 | 收款日期 | 收款金额
    I1 | 2025-13-01 | 10
    I1 | 2025-07-01 | -5
    I9 | 2025-07-01 | 5
    """)
    result = compute(RefreshInputs(ledger("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100 | | |"), payments=pay),
                     as_of=AS_OF)
    assert [(i.severity, i.location()) for i in result.issues if i.sheet == "收款记录"] == [
        ("error", "收款记录!B2"), ("error", "收款记录!C3"), ("warning", "收款记录!A4")]


# ----- what letters state ---------------------------------------------------------------------------------
def test_statement__principal_interest_basis_and_total_per_customer():
    # I1 as above: 636,164 fen interest; I2 credit note -200 reduces the principal
    result = run("""
    I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | | |
    I2 | C1 | A | 2025-05-01 | 2025-06-30 | -200 | | |
    I3 | C2 | A | 2026-01-01 | 2026-12-31 | 500 | | |
    """)
    statements = interest_statements(result.detail, result.policy, result.as_of)
    c1 = statements["C1"]
    assert c1.principal == Decimal("99800.00")
    assert c1.interest == Decimal("6361.64")
    assert c1.total == Decimal("106161.64")
    assert c1.basis.zh == "按一年期LPR 3.00%的1.5倍计算"
    assert c1.basis.en == "at 1.5 times the one-year LPR of 3.00%"
    assert statements["C2"].interest == Decimal("0.00") and statements["C2"].basis.zh == "无逾期利息"


def test_statement__several_lpr_rates_are_listed():
    result = run("""
    I1 | C1 | A | 2025-05-01 | 2025-06-30 | 1000 | | |
    I2 | C1 | A | 2024-06-01 | 2024-08-31 | 1000 | | |
    """)
    basis = interest_statements(result.detail, result.policy, result.as_of, invoice_nos=["I1", "I2"])["C1"].basis
    assert basis.zh == "按各笔逾期次日适用的一年期LPR（3.00%、3.35%）的1.5倍计算"


def test_detail__interest_column_and_basis_text():
    result = run("I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | | |")
    table = detail_table(result, "zh")
    headers = [c.header for c in table.columns]
    assert "逾期利息" in headers and "计息依据" in headers
    assert table.frame.iloc[0, headers.index("逾期利息")] == 636164
    assert table.frame.iloc[0, headers.index("计息依据")] == "一年期LPR 3.00%×1.5"
    priority_headers = [c.header for c in priority_table(result, "en").columns]
    assert "Interest" in priority_headers
    assert result.priority.iloc[0]["interest_fen"] == 636164


def test_priority__interest_is_on_open_receivables_only_and_late_paid_interest_has_its_own_column():
    # issue 9.3: I1 was paid in full 90 days late -> 100,000 × 4.5 % × 90 / 365 = 1,109.59 on a paid invoice;
    # I2 is open and not yet due: nothing to claim, so Priority's Interest is 0.00 and the
    # late-paid interest stands apart in its own column, as in the letter's statement
    result = run("""
    I1 | C1 | A | 2025-05-01 | 2025-06-30 | 100000 | 100000 | |
    I2 | C1 | A | 2026-11-01 | 2026-12-31 | 500 | | |
    """, payments="I1 | 2025-09-28 | 100000")
    got = result.priority.set_index("customer_id").loc["C1"]
    assert got["interest_fen"] == 0
    assert got["late_paid_interest_fen"] == 110959
    table = priority_table(result, "en")
    headers = [c.header for c in table.columns]
    assert table.frame.iloc[0, headers.index("Interest on Late Payments (not claimed)")] == 110959
    assert "已付款项的逾期利息（未主张）" in [c.header for c in priority_table(result, "zh").columns]


# ----- properties -------------------------------------------------------------------------------------------
def _one_row_ledger(amount_fen: int, due: dt.date, paid_fen: int = 0) -> pd.DataFrame:
    return pd.DataFrame({"row": [2], "invoice_no": ["I1"], "customer_id": ["C1"], "due_date": [pd.Timestamp(due)],
                         "amount_fen": [amount_fen], "paid_fen": [paid_fen], "status": ["open"],
                         "last_payment_date": [pd.NaT]})


@settings(max_examples=60, deadline=None)
@given(amount=st.integers(1, 10 ** 12), due=st.dates(dt.date(2019, 8, 20), dt.date(2030, 1, 1)),
       first=st.integers(-400, 4000), step=st.integers(0, 4000),
       basis=st.sampled_from(["lpr", "daily"]))
def test_property__interest_never_decreases_as_the_as_of_date_moves_forward_without_payments(
        amount, due, first, step, basis):
    policy = DEFAULT_POLICY.with_values(interest_basis=basis)
    frame = _one_row_ledger(amount, due)
    early = due + dt.timedelta(days=first)
    late = early + dt.timedelta(days=step)
    a, _ = compute_interest(frame, policy, early)
    b, _ = compute_interest(frame, policy, late)
    assert int(b["interest_fen"].iloc[0]) >= int(a["interest_fen"].iloc[0]) >= 0


@settings(max_examples=60, deadline=None)
@given(amount=st.integers(1, 10 ** 10), due=st.dates(dt.date(2019, 8, 20), dt.date(2028, 1, 1)),
       paid=st.lists(st.tuples(st.integers(-30, 400), st.integers(1, 10 ** 9)), max_size=4),
       first=st.integers(0, 800), step=st.integers(0, 2000), interest_first=st.booleans())
def test_property__interest_never_decreases_after_the_last_payment(amount, due, paid, first, step, interest_first):
    payments = [(due + dt.timedelta(days=offset), cash) for offset, cash in paid]
    last = max([day for day, _ in payments], default=due)
    rate = row_rates(_one_row_ledger(amount, due), DEFAULT_POLICY, None)[0].iloc[0]
    daily = Fraction(int(rate["daily_num"]), int(rate["daily_den"]))
    early = max(last, due) + dt.timedelta(days=first)
    late = early + dt.timedelta(days=step)
    a = interest_after_payments(amount, due, daily, payments, early, interest_first)
    b = interest_after_payments(amount, due, daily, payments, late, interest_first)
    assert b.interest_fen >= a.interest_fen >= 0
    assert a.principal_paid_fen + a.interest_paid_fen + a.overpaid_fen == sum(cash for _, cash in payments)
