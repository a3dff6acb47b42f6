"""The native charts on the output sheets, laid out from the tables they plot.

- Aging · 账龄分析: stacked columns, one series per bucket, one column per business line
  (the total row left out), placed below the table;
- KPIs · 关键指标: the overall overdue balance by month, and the recovery rate (%) on a right
  axis, placed right of the month columns. It plots the KPI sheet's overall rows, not the
  Snapshots rows: Snapshots hold balances only (no recovery rate), one row per month and split
  (a month's total is not a contiguous range), and only for the months the tool was run, while
  the KPI rows give all 12 months, rebuilt from the ledger and Payments where no snapshot exists;
- Priority · 催收优先级: the first 10 customers' overdue amounts as bars, right of the table.

Each series points at the cells it plots and caches the values those cells show, so the
report's charts and the workbook's can be checked against each other.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..core.i18n import Lang
from ..core.i18n.kpis import CHART_TITLES, FIGURES
from ..core.refresh import RefreshResult
from ..core.tables import CellRange, ChartSeries, OutputChart, OutputTable

TOP = 10
CHART_ROWS, CHART_COLUMNS = 20, 10


def _column(table: OutputTable, position: int, first: int, last: int) -> CellRange:
    """Data rows first..last (0-based frame rows) of the column at `position` (0-based)."""
    return CellRange(table.name, first + 2, position + 1, last + 2, position + 1)


def _shown(table: OutputTable, position: int, rows: slice) -> tuple[float | None, ...]:
    """The numbers the cells show: yuan for money, as written."""
    values = table.frame.iloc[rows, position]
    scale = 100 if table.columns[position].kind == "money" else 1
    return tuple(None if pd.isna(v) else float(v) / scale for v in values)


def _texts(table: OutputTable, position: int, rows: slice) -> tuple[str, ...]:
    return tuple("" if pd.isna(v) else str(v) for v in table.frame.iloc[rows, position])


def aging_chart(aging: OutputTable, result: RefreshResult, lang: Lang) -> OutputChart:
    lines = len(aging.frame) - 1                        # the last row is the total
    buckets = len(result.policy.bucket_edges) + 1
    rows = slice(0, lines)
    series = tuple(ChartSeries(aging.columns[1 + b].header, CellRange(aging.name, 1, 2 + b, 1, 2 + b),
                               _texts(aging, 0, rows), _column(aging, 0, 0, lines - 1),
                               _shown(aging, 1 + b, rows), _column(aging, 1 + b, 0, lines - 1))
                   for b in range(buckets))
    top = len(aging.frame) + 3
    left = aging.print_title_columns      # clear of the columns repeated on every printed page
    return OutputChart("aging", "stacked_columns", CHART_TITLES["aging"].get(lang), series,
                       (left, top, left + CHART_COLUMNS + 2, top + CHART_ROWS))


def trend_chart(kpis: OutputTable, result: RefreshResult, lang: Lang) -> OutputChart:
    table = result.kpis.table
    months = list(result.kpis.months)
    first_month_col = kpis.frame.columns.get_loc(months[0]) + 1

    def row_series(figure: str) -> ChartSeries:
        position = int(np.flatnonzero((table["split"] == "all").to_numpy() & (table["figure"] == figure).to_numpy())[0])
        row = position + 2
        values = tuple(None if pd.isna(v) else float(v) for v in kpis.frame.iloc[position, first_month_col - 1:])
        return ChartSeries(str(kpis.frame.iloc[position, 2]), CellRange(kpis.name, row, 3, row, 3),
                           tuple(months), CellRange(kpis.name, 1, first_month_col, 1, first_month_col + len(months) - 1),
                           values, CellRange(kpis.name, row, first_month_col, row, first_month_col + len(months) - 1))

    left = first_month_col + len(months) + 1
    return OutputChart("trend", "trend", CHART_TITLES["trend"].get(lang),
                       (row_series("overdue_fen"), row_series("recovery_rate")),
                       (left - 1, 1, left - 1 + CHART_COLUMNS + 2, 1 + CHART_ROWS),
                       FIGURES["overdue_fen"].get(lang))


def priority_chart(priority: OutputTable, lang: Lang, name_position: int, overdue_position: int) -> OutputChart | None:
    count = min(TOP, len(priority.frame))
    if not count:
        return None
    rows = slice(0, count)
    series = (ChartSeries(priority.columns[overdue_position].header,
                          CellRange(priority.name, 1, overdue_position + 1, 1, overdue_position + 1),
                          _texts(priority, name_position, rows), _column(priority, name_position, 0, count - 1),
                          _shown(priority, overdue_position, rows), _column(priority, overdue_position, 0, count - 1)),)
    left = len(priority.columns) + 1
    return OutputChart("priority", "top_bars", CHART_TITLES["priority"].get(lang), series,
                       (left, 1, left + CHART_COLUMNS, 1 + CHART_ROWS))


def with_charts(tables: dict[str, OutputTable], result: RefreshResult, lang: Lang) -> dict[str, OutputTable]:
    """The tables, the Aging, KPIs and Priority ones carrying their charts."""
    charted = dict(tables)
    if len(tables["aging"].frame) > 1:
        charted["aging"] = replace(tables["aging"], charts=(aging_chart(tables["aging"], result, lang),))
    charted["kpis"] = replace(tables["kpis"], charts=(trend_chart(tables["kpis"], result, lang),))
    priority = tables["priority"]
    keys = list(priority.frame.columns)
    chart = priority_chart(priority, lang, keys.index("customer_name"), keys.index("overdue"))
    if chart is not None:
        charted["priority"] = replace(priority, charts=(chart,))
    return charted
