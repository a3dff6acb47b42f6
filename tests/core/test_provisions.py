"""Bad-debt provision matrix: age since invoice -> example rate, per receivable and per line."""
import datetime as dt
from decimal import Decimal

import pytest

from xlsx_tools.core.policy import DEFAULT_POLICY, SETTINGS_BY_KEY
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.present.sheets import detail_table, output_tables
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 11, 28)


def run(rows: str, policy: str = ""):
    pol = raw_sheet("催收策略", "设置项 | 值\n" + policy.strip("\n")) if policy else None
    result = compute(RefreshInputs(ledger(rows), policy=pol), as_of=AS_OF)
    assert not result.has_errors
    return result


def test_provision__shipped_rates_are_the_labelled_examples_5_10_30_50_80_100():
    rates = DEFAULT_POLICY["provision_rates"]
    assert [r * 100 for r in rates] == [5, 10, 30, 50, 80, 100]
    description = SETTINGS_BY_KEY["provision_rates"].description
    assert "EXAMPLE" in description.en and "示例" in description.zh


@pytest.mark.parametrize("invoice_date, rate", [
    ("2026-11-28", "0.05"),    # invoiced today: within 1 year
    ("2025-11-29", "0.05"),    # one day short of a year
    ("2025-11-28", "0.10"),    # exactly one year: 1-2 years
    ("2023-11-29", "0.30"),    # 2 years 364 days: 2-3 years
    ("2022-06-01", "0.80"),    # 4 years: 4-5 years
    ("2021-11-28", "1"),       # 5 years: over 5 years
])
def test_provision__rate_by_completed_years_since_invoice(invoice_date, rate):
    result = run(f"I1 | C1 | A | {invoice_date} | 2026-12-31 | 1000 | | |")
    assert result.detail["provision_rate"].iloc[0] == Decimal(rate)
    assert result.detail["provision_fen"].iloc[0] == int(Decimal(rate) * 100000)


def test_provision__open_amount_times_rate_rounded_half_up_per_receivable():
    # 1,234.57 × 5 % = 61.7285 -> 61.73;  100.10 × 5 % = 5.005 -> 5.01;  0.10 × 5 % = 0.005 -> 0.01
    # 1,000 with 400 paid: 600 × 10 % = 60.00
    result = run("""
    I1 | C1 | A | 2026-10-01 | 2026-12-31 | 1234.57 | | |
    I2 | C1 | A | 2026-10-01 | 2026-12-31 | 100.10 | | |
    I3 | C1 | A | 2026-10-01 | 2026-12-31 | 0.10 | | |
    I4 | C1 | A | 2025-06-01 | 2026-12-31 | 1000 | 400 | |
    """)
    assert list(result.detail["provision_fen"]) == [6173, 501, 1, 6000]


def test_provision__closed_written_off_and_credit_notes_carry_none():
    result = run("""
    I1 | C1 | A | 2024-10-01 | 2024-12-31 | 1000 | 1000 | |
    I2 | C1 | A | 2024-10-01 | 2024-12-31 | 1000 | | written_off |
    I3 | C1 | A | 2024-10-01 | 2024-12-31 | -300 | | |
    """)
    assert list(result.detail["provision_fen"]) == [0, 0, 0]


def test_provision__aging_totals_per_line_and_ledger():
    # I1 invoiced 2026-10-01: within 1 year, 5 % of 1,000 = 50.00
    # I2 invoiced 2023-06-01: 3 full years (3-4 years), 50 % of 2,000 = 1,000.00 (disputed rows are provided for too)
    # I3 invoiced 2025-01-01: 1 full year (1-2 years), 10 % of 300 = 30.00
    # 华东 1,050.00; 华南 30.00; total 1,080.00
    result = run("""
    I1 | C1 | 华东 | 2026-10-01 | 2026-12-31 | 1000 | | |
    I2 | C2 | 华东 | 2023-06-01 | 2023-07-01 | 2000 | | disputed |
    I3 | C3 | 华南 | 2025-01-01 | 2025-02-01 | 300 | | |
    """)
    aging = result.aging.set_index(result.aging["business_line"].fillna("TOTAL"))
    assert aging.loc["华东", "provision_fen"] == 5000 + 100000
    assert aging.loc["华南", "provision_fen"] == 3000
    assert aging.loc["TOTAL", "provision_fen"] == 108000
    table = output_tables(result, "zh")["aging"]
    assert table.columns[-1].header == "坏账准备"
    assert list(table.frame["provision"]) == [105000, 3000, 108000]


def test_provision__matrix_is_editable_in_the_policy():
    # ages cut at 2 years: within 2 years 1 %, over 2 years 50 %
    result = run("""
    I1 | C1 | A | 2025-06-01 | 2026-12-31 | 1000 | | |
    I2 | C1 | A | 2024-06-01 | 2026-12-31 | 1000 | | |
    """, policy="provision_age_years | 2\nprovision_rates | 1%, 50%")
    assert list(result.detail["provision_fen"]) == [1000, 50000]


def test_provision__detail_shows_rate_and_amount():
    table = detail_table(run("I1 | C1 | A | 2026-10-01 | 2026-12-31 | 1000 | | |"), "en")
    headers = [c.header for c in table.columns]
    assert table.frame.iloc[0, headers.index("Provision")] == 5000
    assert table.frame.iloc[0, headers.index("Provision Rate")] == pytest.approx(0.05)
