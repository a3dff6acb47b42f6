"""The KPIs · 关键指标 sheet: 12 months of period figures by split, then the owners' bonus.

One row per (split, group, figure), one column per month, oldest first. Every cell is a
number with two decimals: amounts in yuan, rates and shares in percent, days, counts.
A figure that cannot be computed is an empty cell (its reason is an `info` issue), never 0.
The bonus rows (method's example scheme) hold the as-of month only; a note names the scheme.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from ..core.i18n import Label, Lang
from ..core.i18n.kpis import BONUS_COLUMNS, BONUS_TITLE, FIGURES, KPI_COLUMNS, SPLIT_LABELS
from ..core.i18n.sheets import SHEETS
from ..core.refresh import RefreshResult
from ..core.tables import OutputColumn, OutputTable

PERCENT_FIGURES = ("recovery_rate", "overdue_share")      # ratios shown ×100, labelled (%)
MONEY_FIGURES = ("overdue_fen", "collected_fen", "overdue_collected_fen", "new_overdue_fen")
PERCENT_SUFFIX = Label(" (%)", "（%）")
BONUS_FILL = "E2EFDA"


def figure_number(figure: str, value: object) -> float:
    """A figure as the number shown: yuan for fen, percent for ratios; NaN when blank."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return np.nan
    if figure in MONEY_FIGURES or figure in ("recovered", "bonus"):
        return int(value) / 100
    if figure in PERCENT_FIGURES:
        return float(Decimal(value) * 100)
    return float(value)


def figure_label(figure: str, lang: Lang) -> str:
    label = FIGURES[figure].get(lang)
    return label + PERCENT_SUFFIX.get(lang) if figure in PERCENT_FIGURES else label


def kpis_table(result: RefreshResult, lang: Lang) -> OutputTable:
    figures = result.kpis
    months = list(figures.months)
    table = figures.table
    frame = pd.DataFrame({
        "split": table["split"].map(lambda split: SPLIT_LABELS[split].get(lang)),
        "group": table["group"].astype(object),
        "figure": table["figure"].map(lambda figure: figure_label(figure, lang)),
        **{month: [figure_number(f, v) for f, v in zip(table["figure"], table[month])] for month in months},
    })
    bonus = bonus_rows(result, lang, months)
    frame = pd.concat([frame, bonus], ignore_index=True)
    fills = pd.Series([None] * len(table) + [BONUS_FILL] * len(bonus), dtype=object)
    columns = (*(OutputColumn(label.get(lang), "text") for label in KPI_COLUMNS.values()),  # as wide as their texts
               *(OutputColumn(month, "figure") for month in months))
    return OutputTable(SHEETS["kpis"].get(lang), columns, frame, row_fills=fills, print_title_columns=len(KPI_COLUMNS))


def bonus_rows(result: RefreshResult, lang: Lang, months: list[str]) -> pd.DataFrame:
    """Per owner: recovery rate, amount recovered and bonus in the as-of month's column."""
    title = BONUS_TITLE.format(month=months[-1]).get(lang)
    rows = []
    for owner in result.bonus.itertuples(index=False):
        for key, figure, value in (("recovery_rate", "recovery_rate", owner.recovery_rate),
                                   ("recovered", "recovered", owner.recovered_fen),
                                   ("bonus", "bonus", owner.bonus_fen)):
            label = BONUS_COLUMNS[key].get(lang) + (PERCENT_SUFFIX.get(lang) if key == "recovery_rate" else "")
            rows.append({"split": title, "group": owner.owner, "figure": label,
                         **dict.fromkeys(months[:-1], np.nan), months[-1]: figure_number(figure, value)})
    return pd.DataFrame(rows, columns=["split", "group", "figure", *months])
