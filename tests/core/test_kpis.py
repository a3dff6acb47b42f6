"""Period figures worked out by hand on a small ledger with dated payments (amounts in yuan)."""
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from xlsx_tools.core.i18n.kpis import REASONS
from xlsx_tools.core.passes.kpis import month_windows, owner_bonus, period_figures
from xlsx_tools.core.read.ledger import read_ledger
from xlsx_tools.core.read.payments import read_payments
from tests.sheets import ledger as ledger_sheet, raw_sheet

HEADER = "单据号 | 客户编号 | 业务线 | 销售负责人 | 开票日期 | 到期日 | 金额 | 已收金额 | 最近收款日 | 状态"
AS_OF = dt.date(2026, 3, 31)

# A1 is paid in part on its due date (not an overdue collection) and settled 54 days late;
# A2 is paid the day after its due date (an overdue collection) and settled 75 days late;
# B1 falls overdue in February; A3 falls overdue in March; B2 is paid on its due date;
# C1 is a credit note; A4 is not yet due at the end of March.
LEDGER = """
A1 | K1 | 华东 | 王 | 2025-12-01 | 2026-01-10 | 1000 | 1000 | 2026-03-05 |
A2 | K1 | 华东 | 王 | 2025-12-15 | 2025-12-31 | 2000 | 2000 | 2026-03-16 |
B1 | K2 | 华南 | 李 | 2026-01-20 | 2026-02-19 | 4000 | 1000 | 2026-03-01 |
B2 | K2 | 华南 | 李 | 2026-02-10 | 2026-03-12 | 600  | 600  | 2026-03-12 |
A3 | K3 | 华东 | 李 | 2026-02-20 | 2026-03-20 | 800  |      |            |
C1 | K2 | 华南 | 李 | 2026-03-05 | 2026-03-05 | -200 |      |            |
A4 | K3 | 华东 | 王 | 2026-03-25 | 2026-04-24 | 500  |      |            |
"""
PAYMENTS = """
A1 | 2026-01-10 | 300
A2 | 2026-01-01 | 500
B1 | 2026-03-01 | 1000
A1 | 2026-03-05 | 700
B2 | 2026-03-12 | 600
A2 | 2026-03-16 | 1500
"""


def clean_ledger(rows: str = LEDGER) -> pd.DataFrame:
    ledger, issues = read_ledger(ledger_sheet(rows, HEADER))
    assert not [i for i in issues if i.severity == "error"]
    return ledger.frame


def payments_frame(rows: str, book: pd.DataFrame) -> pd.DataFrame:
    frame, issues = read_payments(raw_sheet("收款记录", "单据号 | 收款日期 | 收款金额\n" + rows.strip("\n")), book)
    assert not issues
    return frame


@pytest.fixture(scope="module")
def figures():
    book = clean_ledger()
    return period_figures(book, AS_OF, payments_frame(PAYMENTS, book))


def yuan(amount: int) -> int:
    return amount * 100


def test_months__the_as_of_month_and_the_eleven_before_it_oldest_first():
    windows = month_windows(dt.date(2026, 3, 15))
    assert [w[0] for w in windows][:2] == ["2025-04", "2025-05"] and len(windows) == 12
    assert windows[-1] == ("2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    assert windows[-2] == ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_january__recovery_rate_with_new_overdue_inside_the_month(figures):
    # opening overdue 0 (A2 is due on 12-31, so not overdue on that day);
    # new overdue: A1 700 (1000 less 300 paid on its due date) + A2 2000 = 2700;
    # overdue collected: A2's 500 on 01-01 (A1's 300 on its due date is not overdue).
    v = lambda figure: figures.value(figure, "2026-01")
    assert v("new_overdue_fen") == yuan(2700)
    assert v("overdue_collected_fen") == yuan(500)
    assert v("collected_fen") == yuan(800)
    assert v("recovery_rate") == Decimal("0.1852")            # 500 / 2700
    assert v("overdue_fen") == yuan(2200)                      # A1 700 + A2 1500
    assert v("overdue_share") == Decimal("0.3548")            # 2200 / 6200
    assert v("dso_days") == Decimal("79.71")                  # 6200 / 7000 (11-03..01-31) × 90
    assert v("cei") == Decimal("26.67")                       # (3000 + 4000 − 6200) / (3000 + 4000 − 4000)
    assert v("cycle_days") is None                            # nothing settled in January


def test_february__a_computed_zero_is_zero_not_blank(figures):
    v = lambda figure: figures.value(figure, "2026-02")
    assert v("recovery_rate") == Decimal("0.0000")            # 0 / (2200 + 4000 new from B1)
    assert v("new_overdue_fen") == yuan(4000)
    assert v("cei") == Decimal("0.00")                        # (6200 + 1400 − 7600) / (6200 + 1400 − 1400)
    # the 90-day window to 02-28 starts on 12-01 and includes A1's invoice date
    assert v("dso_days") == Decimal("81.43")                  # 7600 / 8400 × 90
    assert v("overdue_share") == Decimal("0.8158")            # 6200 / 7600


def test_march__cycle_with_part_payments_plain_and_amount_weighted(figures):
    v = lambda figure: figures.value(figure, "2026-03")
    # A1 settled 03-05, 54 days after 01-10; A2 settled 03-16, 75 days after 12-31;
    # B2 settled on its due date, so it is not a late settlement.
    assert v("cycle_days") == Decimal("64.50")                # (54 + 75) / 2
    assert v("cycle_days_weighted") == Decimal("68.00")       # (1000×54 + 2000×75) / 3000


def test_march__recovery_dso_and_cei_with_a_credit_note(figures):
    v = lambda figure: figures.value(figure, "2026-03")
    assert v("new_overdue_fen") == yuan(800)                  # A3; B2 was paid in full on its due date
    assert v("overdue_collected_fen") == yuan(3200)           # B1 1000 + A1 700 + A2 1500 (not B2's 600)
    assert v("recovery_rate") == Decimal("0.4571")            # 3200 / (6200 + 800)
    # receivables at 03-31: B1 3000 + A3 800 − C1 200 + A4 500 = 4100; credit sales in March: −200 + 500
    assert v("cei") == Decimal("51.35")                       # (7600 + 300 − 4100) / (7600 + 300 − 500) × 100
    assert v("dso_days") == Decimal("64.74")                  # 4100 / 5700 (01-01..03-31) × 90
    assert v("overdue_fen") == yuan(3800)
    assert v("overdue_share") == Decimal("0.9268")


def test_splits__by_business_line_and_by_owner(figures):
    assert figures.value("recovery_rate", split="business_line", group="华东") == Decimal("0.7333")  # 2200 / 3000
    assert figures.value("recovery_rate", split="business_line", group="华南") == Decimal("0.2500")  # 1000 / 4000
    assert figures.value("recovery_rate", split="owner", group="王") == Decimal("1.0000")            # 2200 / 2200
    assert figures.value("recovery_rate", split="owner", group="李") == Decimal("0.2083")            # 1000 / 4800


def test_bonus__only_above_the_threshold_as_one_percent_of_the_amount_recovered(figures):
    bonus = owner_bonus(figures).set_index("owner")
    assert bonus.loc["王", "bonus_fen"] == yuan(22) and bool(bonus.loc["王", "earned"])
    assert bonus.loc["李", "bonus_fen"] == 0 and not bonus.loc["李", "earned"]
    assert bonus.loc["李", "recovered_fen"] == yuan(1000)


def test_bonus__a_rate_of_exactly_the_threshold_earns_nothing():
    book = clean_ledger("X1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | | |")
    figures = period_figures(book, AS_OF, payments_frame("X1 | 2026-03-10 | 800", book))
    assert figures.value("recovery_rate") == Decimal("0.8000")
    row = owner_bonus(figures).iloc[0]
    assert row["bonus_fen"] == 0 and not row["earned"]
    row = owner_bonus(figures, bonus_threshold=Decimal("0.79")).iloc[0]
    assert row["bonus_fen"] == 800 and row["earned"]                  # 1% of 800 yuan


def test_boundary__payment_on_the_due_date_is_not_an_overdue_collection_the_day_after_is():
    book = clean_ledger("""
    D1 | K1 | 华东 | 王 | 2026-01-01 | 2026-03-10 | 100 | | |
    D2 | K1 | 华东 | 王 | 2026-01-01 | 2026-03-10 | 100 | | |
    """)
    figures = period_figures(book, AS_OF, payments_frame("D1 | 2026-03-10 | 100\nD2 | 2026-03-11 | 100", book))
    assert figures.value("collected_fen") == yuan(200)
    assert figures.value("overdue_collected_fen") == yuan(100)
    assert figures.value("new_overdue_fen") == yuan(100)               # only D2 was open on its due date
    assert figures.value("cycle_days") == Decimal("1.00")


def test_blank__months_before_the_ledger_and_empty_bases_are_blank_with_a_reason_never_zero(figures):
    assert figures.value("overdue_fen", "2025-11") is None
    reasons = {(b.month, b.figure): b.reason for b in figures.blanks if b.split == "all"}
    assert reasons[("2025-11", "overdue_fen")] == REASONS["before_ledger"].format()
    assert figures.value("recovery_rate", "2025-12") is None            # nothing overdue yet
    assert reasons[("2025-12", "recovery_rate")] == REASONS["no_overdue_base"].format()
    assert reasons[("2026-01", "cycle_days")] == REASONS["no_late_full_payment"].format()


def test_key_targets__taken_from_the_counts_given_else_blank(figures):
    book = clean_ledger()
    counts = pd.DataFrame({"month": ["2026-03", "2026-03"], "split": ["all", "owner"], "group": [None, "李"],
                           "count": [1, 1]})
    with_counts = period_figures(book, AS_OF, payments_frame(PAYMENTS, book), key_targets=counts)
    assert with_counts.value("key_targets") == 1
    assert with_counts.value("key_targets", split="owner", group="李") == 1
    assert with_counts.value("key_targets", split="owner", group="王") is None
    assert with_counts.value("key_targets", "2026-02") is None
    assert figures.value("key_targets") is None


def test_without_payments__the_ledger_paid_amount_counts_on_its_last_payment_date():
    book = clean_ledger("""
    L1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | 1000 | 2026-03-10 |
    L2 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 |      |            |
    """)
    figures = period_figures(book, AS_OF)
    assert figures.value("recovery_rate") == Decimal("0.5000")        # 1000 / 2000
    assert figures.value("cycle_days") == Decimal("37.00")            # 02-01 -> 03-10
    assert figures.value("overdue_fen", "2026-02") == yuan(2000)


def test_without_payment_dates__only_the_as_of_balances_are_known():
    book = clean_ledger("""
    U1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | 400 | |
    """)
    figures = period_figures(book, AS_OF)
    assert figures.value("overdue_fen") == yuan(600)
    assert figures.value("dso_days") == Decimal("54.00")               # 600 / 1000 × 90
    assert figures.value("recovery_rate") is None
    assert figures.value("overdue_fen", "2026-02") is None
    reasons = {b.reason for b in figures.blanks if b.figure == "recovery_rate"}
    assert REASONS["undated_payments"].format(count=1) in reasons


def test_written_off_rows_are_left_out_with_a_note():
    book = clean_ledger("""
    W1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | | | 核销
    W2 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 500  | | |
    """)
    figures = period_figures(book, AS_OF)
    assert figures.value("overdue_fen") == yuan(500)
    assert len(figures.notes) == 1


def test_with_a_payments_sheet__an_invoice_without_payments_rows_keeps_its_ledger_payment():
    # Found by the money audit: with a Payments sheet, L2's ledger Paid Amount (no Payments rows)
    # was dropped, so L2 stayed fully open and overdue in every month, the as-of overdue balance
    # disagreed with Aging's, and its March collection was lost.
    book = clean_ledger("""
    L1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 |      |            |
    L2 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | 1000 | 2026-03-10 |
    """)
    figures = period_figures(book, AS_OF, payments_frame("L1 | 2026-03-20 | 400", book))
    assert figures.value("collected_fen") == yuan(1400)
    assert figures.value("overdue_collected_fen") == yuan(1400)
    assert figures.value("overdue_fen") == yuan(600)                     # L1's 600; L2 is settled
    assert figures.value("recovery_rate") == Decimal("0.7000")          # 1400 / 2000
    assert figures.value("cycle_days") == Decimal("37.00")              # L2: 02-01 -> 03-10
    assert figures.value("overdue_fen", "2026-02") == yuan(2000)


def test_with_a_payments_sheet__an_undated_ledger_payment_leaves_the_flows_blank():
    book = clean_ledger("""
    L1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 |     | |
    L2 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | 250 | |
    """)
    figures = period_figures(book, AS_OF, payments_frame("L1 | 2026-03-20 | 400", book))
    assert figures.value("overdue_fen") == yuan(1350)                    # 600 + 750
    assert figures.value("recovery_rate") is None
    reasons = {b.reason for b in figures.blanks if b.figure == "recovery_rate"}
    assert REASONS["undated_payments"].format(count=1) in reasons


def test_without_payment_dates__only_the_groups_holding_the_undated_payment_lose_their_flows():
    # Found by the KPI audit: one undated ledger payment on a 华东 invoice blanked every month of
    # 华南 and of owner 李 too, saying "1 receivables have a paid amount without a payment date",
    # though none of theirs has one and their figures can be rebuilt (contract: blank only what
    # cannot be computed).
    book = clean_ledger("""
    U1 | K1 | 华东 | 王 | 2026-01-01 | 2026-02-01 | 1000 | 400 |            |
    S1 | K2 | 华南 | 李 | 2026-01-01 | 2026-02-01 | 1000 | 500 | 2026-03-10 |
    """)
    figures = period_figures(book, AS_OF)
    assert figures.value("recovery_rate") is None                                   # overall: U1 is in it
    assert figures.value("recovery_rate", split="business_line", group="华东") is None
    assert figures.value("recovery_rate", split="business_line", group="华南") == Decimal("0.5000")
    assert figures.value("overdue_fen", "2026-02", split="owner", group="李") == yuan(1000)
    assert figures.value("overdue_fen", "2026-02", split="owner", group="王") is None
    lost = {(b.split, b.group) for b in figures.blanks if b.reason == REASONS["undated_payments"].format(count=1)}
    assert lost == {("all", None), ("business_line", "华东"), ("owner", "王")}
