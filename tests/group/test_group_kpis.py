"""The group row of Group KPIs: the books' KPI sums added up, then divided (no files, no book runs)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from xlsx_tools.core.group import KPI_FIGURES, BookFigures, GroupOutcome, group_kpi_figures, group_kpis
from xlsx_tools.core.passes.kpis import AS_OF_FIGURES, SUM_KEYS, figures_from_sums, period_figures
from xlsx_tools.present.group_sheets import group_kpis_table

AS_OF = dt.date(2026, 6, 30)


def _book(name: str, lost: tuple[str, ...] = (), **sums: int) -> BookFigures:
    return BookFigures(name, AS_OF, 1, 0, 0, pd.DataFrame(), pd.DataFrame(), {},
                       {**dict.fromkeys(SUM_KEYS, 0), **sums}, lost)


def test_group_kpis__ratios_of_added_sums_not_averages():
    # North: 50 of 100 overdue recovered (50%); South: 90 of 900 (10%); the group 140 / 1,000 = 14%, not 30%.
    north = _book("North", start_overdue=100, overdue_collected=50, end_receivables=400, sales_window=100,
                  end_overdue=100)
    south = _book("South", start_overdue=500, new_overdue=400, overdue_collected=90, end_receivables=600,
                  sales_window=900, end_overdue=300)
    group = group_kpi_figures([north, south])
    assert group["recovery_rate"] == Decimal("0.1400")
    assert group["dso_days"] == Decimal("90.00")            # 1,000 / 1,000 x 90 (North 360, South 60)
    assert group["overdue_share"] == Decimal("0.4000")      # 400 / 1,000 (North 25%, South 50%)
    assert group["overdue_fen"] == 400 and group["cycle_days"] is None


def test_group_kpis__a_figure_a_book_cannot_give_is_blank_for_the_group():
    undated = _book("North", lost=("recovery_rate", "cei"), start_overdue=100, overdue_collected=50,
                    end_receivables=400, end_overdue=100)
    group = group_kpi_figures([undated, _book("South", start_overdue=100, end_receivables=100)])
    assert group["recovery_rate"] is None and group["cei"] is None
    assert group["overdue_share"] == Decimal("0.2000")


def _ledger(rows: list[tuple]) -> pd.DataFrame:
    columns = ["invoice_no", "invoice_date", "due_date", "amount_fen", "paid_fen", "last_payment_date"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("invoice_date", "due_date", "last_payment_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.assign(business_line="Steel", sales_owner="Li", status="open")


def test_kpi_pass__its_as_of_sums_give_back_its_own_as_of_figures():
    ledger = _ledger([("1", "2026-04-01", "2026-05-31", 1000, 0, None),
                      ("2", "2026-03-01", "2026-04-30", 500, 500, "2026-06-10"),
                      ("3", "2026-06-01", "2026-07-01", 300, 100, "2026-06-20")])
    figures = period_figures(ledger, AS_OF)
    again, _ = figures_from_sums(figures.as_of_sums)
    assert again == {figure: figures.value(figure) for figure in again}
    assert figures.as_of_lost == ()


def test_kpi_pass__payments_without_a_date_lose_all_but_the_as_of_balances():
    figures = period_figures(_ledger([("1", "2026-04-01", "2026-05-31", 1000, 400, None)]), AS_OF)
    assert set(figures.as_of_lost) == set(figures_from_sums(None)[0]) - set(AS_OF_FIGURES)
    assert all(figures.value(figure) is None for figure in figures.as_of_lost)


def test_group_kpis_sheet__books_of_different_as_of_months_are_said_to_be_mixed():
    def book(name: str, as_of: dt.date) -> BookFigures:
        kpis = {"customers": 1, "receivables_fen": 100, "over_limit": 0, "interest_fen": 0, "provision_fen": 0,
                **dict.fromkeys(KPI_FIGURES, None)}
        return BookFigures(name, as_of, 1, 0, 0, pd.DataFrame(), pd.DataFrame(), kpis, dict.fromkeys(SUM_KEYS, 0))

    priority = pd.DataFrame({"key_target": [False], "over_limits": [False]})
    kpis = group_kpis([book("North", AS_OF), book("South", dt.date(2026, 5, 31))], priority)
    assert kpis["as_of"].tolist()[-1] is None
    table = group_kpis_table(GroupOutcome([], priority, pd.DataFrame(), kpis, ()), "en")
    notes = table.frame.iloc[3:, 0].tolist()
    assert notes[0].startswith("Note: ") and notes[1].startswith("The books have different as-of dates")


def test_group_kpis_note__says_why_its_overdue_share_differs_from_group_aging():
    """Group KPIs' overdue share nets credit notes, Group Aging's does not: the note says so in both languages,
    naming the other sheet as its tab reads."""
    priority = pd.DataFrame({"key_target": [False], "over_limits": [False]})
    kpis = {"customers": 1, "receivables_fen": 100, "over_limit": 0, "interest_fen": 0, "provision_fen": 0,
            **dict.fromkeys(KPI_FIGURES, None)}
    outcome = GroupOutcome([], priority, pd.DataFrame(),
                           group_kpis([BookFigures("North", AS_OF, 1, 0, 0, pd.DataFrame(), pd.DataFrame(), kpis,
                                                   dict.fromkeys(SUM_KEYS, 0))], priority), ())
    for lang, nets, aging in (("en", "net of credit notes", "Group Aging"), ("zh", "扣除贷项", "集团账龄分析")):
        note = group_kpis_table(outcome, lang).frame.iloc[2:, 0].dropna().tolist()[0]
        assert nets in note and aging in note, note
