"""The monthly report's content: what the managers' meeting reads, laid out from one refresh.

`monthly_report(result, tables, month, lang)` takes the refresh result AND the output tables
the same run writes into the workbook, so the report's figures and charts are those of the
workbook: its charts are the workbook's `OutputChart`s (the same series values the chart
caches hold), its aging table is the Aging sheet's frame, its KPIs the KPIs sheet's figures.
Nothing here renders or touches files; `io.report_docx` does that.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..core import i18n
from ..core.cells import format_money
from ..core.i18n import Label, Lang
from ..core.i18n.report import (BROKEN_HEADS, EXPIRY_HEADS, FLAGS, KPI_HEADS, MORE_ROWS, NO_CONTACTS, NO_PREVIOUS,
                                NO_WARNINGS, NONE_LISTED, POINTS, PROMISE_SUMMARY, PROVISION_TOTAL, REPORT_SUBTITLE,
                                REPORT_TITLE, TARGET_HEADS)
from ..core.passes.kpis import PeriodFigures
from ..core.refresh import RefreshResult
from ..core.tables import OutputChart, OutputTable
from .kpis import MONEY_FIGURES, PERCENT_FIGURES, figure_label, figure_number

EXPIRY_DAYS = 180          # the limitation expiries the meeting sees
LISTED = 15                # rows per list; the rest are counted and left to the workbook
KPI_ORDER = ("recovery_rate", "overdue_collected_fen", "overdue_fen", "overdue_share", "new_overdue_fen",
             "collected_fen", "cycle_days", "cycle_days_weighted", "dso_days", "cei", "key_targets")


class MonthUnavailable(ValueError):
    """The month asked for is not among the KPI months, or every figure of it is blank."""

    def __init__(self, month: str, months: tuple[str, ...]):
        super().__init__(month)
        self.month, self.months = month, months


@dataclass(frozen=True)
class ReportTable:
    """Column heads, rows of display texts, and the line saying how many rows were left out."""

    heads: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more: str = ""
    weights: tuple[float, ...] = ()      # relative column widths; equal when empty


@dataclass(frozen=True)
class MonthlyReport:
    lang: Lang
    month: str
    title: str
    subtitle: str
    kpis: ReportTable
    charts: dict[str, OutputChart]       # "trend", "aging": the workbook's own charts
    aging: ReportTable
    agenda: tuple[str, ...]              # the §4 warnings, one line per business line
    targets: ReportTable
    promises: str
    broken: ReportTable | None
    expiries: ReportTable
    provision: str


def report_month(figures: PeriodFigures, month: str | None) -> str:
    """The month the KPI columns show: `month`, default the as-of month; a month outside the
    12 KPI months, or whose overall figures are all blank, is `MonthUnavailable`."""
    chosen = month or figures.months[-1]
    if chosen not in figures.months:
        raise MonthUnavailable(chosen, figures.months)
    overall = figures.table[figures.table["split"] == "all"][chosen]
    if all(value is None or pd.isna(value) for value in overall):
        raise MonthUnavailable(chosen, figures.months)
    return chosen


def _number_text(figure: str, shown: float) -> str:
    if figure in MONEY_FIGURES:
        return format_money(round(shown * 100))
    if figure in PERCENT_FIGURES:
        return f"{shown:.2f}%"
    if figure == "key_targets":
        return f"{shown:.0f}"
    return f"{shown:.2f}"


def _change_text(figure: str, now: float, before: float, lang: Lang) -> str:
    if pd.isna(now) or pd.isna(before):
        return NO_PREVIOUS.get(lang)
    delta = now - before
    sign = "+" if delta > 0 else ""
    if figure in PERCENT_FIGURES:
        return f"{sign}{delta:.2f}{POINTS.get(lang)}"
    text = sign + _number_text(figure, delta)
    if before:
        text += f" ({sign}{delta / abs(before):.1%})"
    return text


def kpi_rows(figures: PeriodFigures, month: str, lang: Lang) -> ReportTable:
    """The overall figures of `month` beside the month before, with the change."""
    position = figures.months.index(month)
    previous = figures.months[position - 1] if position else None
    rows = []
    for figure in KPI_ORDER:
        now = figure_number(figure, figures.value(figure, month))
        before = figure_number(figure, figures.value(figure, previous)) if previous else float("nan")
        rows.append((figure_label(figure, lang),
                     NO_PREVIOUS.get(lang) if pd.isna(now) else _number_text(figure, now),
                     NO_PREVIOUS.get(lang) if pd.isna(before) else _number_text(figure, before),
                     _change_text(figure, now, before, lang)))
    heads = tuple(KPI_HEADS[key].get(lang) for key in KPI_HEADS)
    heads = (heads[0], f"{heads[1]} {month}", f"{heads[2]} {previous or ''}".strip(), heads[3])
    return ReportTable(heads, tuple(rows), weights=(3, 2, 2, 2.4))


def _cell_text(value: object, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "money":
        return format_money(int(value))
    if kind == "percent":
        return f"{float(value):.1%}"
    return str(value)


def aging_rows(aging: OutputTable, buckets: int) -> ReportTable:
    """The Aging sheet's lines: buckets, receivables, overdue, overdue share, provision."""
    keys = [*(f"b{n}" for n in range(buckets)), "receivables", "overdue", "overdue_share", "provision"]
    positions = [0, *(list(aging.frame.columns).index(key) for key in keys)]
    heads = tuple(aging.columns[p].header for p in positions)
    rows = tuple(tuple(_cell_text(aging.frame.iloc[r, p], aging.columns[p].kind) for p in positions)
                 for r in range(len(aging.frame)))
    return ReportTable(heads, rows, weights=(1.2, *[1] * (len(heads) - 1)))


def agenda_lines(aging: OutputTable, lang: Lang) -> tuple[str, ...]:
    """Each business line with its §4 warnings, as the Aging sheet words them."""
    warned = aging.frame[aging.frame["warnings"].astype(str) != ""]
    separator = ": " if lang == "en" else "："
    return tuple(f"{line}{separator}{text}" for line, text in zip(warned["line"], warned["warnings"])) \
        or (NO_WARNINGS.get(lang),)


def _cut(heads: dict[str, Label], rows: list[tuple[str, ...]], lang: Lang, weights: tuple[float, ...]) -> ReportTable:
    more = MORE_ROWS.format(count=len(rows) - LISTED).get(lang) if len(rows) > LISTED else ""
    shown = tuple(rows[:LISTED]) or ((NONE_LISTED.get(lang), *[""] * (len(heads) - 1)),)
    return ReportTable(tuple(label.get(lang) for label in heads.values()), shown, more, weights)


def target_rows(result: RefreshResult, lang: Lang) -> ReportTable:
    """Key targets and high-risk customers in priority order."""
    priority = result.priority
    listed = priority[priority["key_target"].astype(bool) | priority["high_risk"].astype(bool)]
    separator = ", " if lang == "en" else "、"
    rows = [(str(row.rank), str(row.customer_name), format_money(int(row.overdue_fen)), str(row.max_days),
             i18n.STAGE_NAMES[row.stage].get(lang) if row.stage in i18n.STAGE_NAMES else str(row.stage),
             separator.join(FLAGS[flag].get(lang) for flag in FLAGS if bool(getattr(row, flag))))
            for row in listed.itertuples(index=False)]
    return _cut(TARGET_HEADS, rows, lang, (0.6, 4, 1.6, 1.2, 1.2, 2))


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _customer_names(result: RefreshResult) -> dict[str, str]:
    return dict(zip(result.priority["customer_id"], result.priority["customer_name"]))


def promise_lines(result: RefreshResult, month: str, lang: Lang) -> tuple[str, ReportTable | None]:
    """The promise counts, and the promises broken in `month` (none without a Contacts sheet)."""
    promises = result.promises
    if not len(result.contacts) and not len(promises):
        return NO_CONTACTS.get(lang), None
    status = promises["status"] if len(promises) else pd.Series(dtype=object)
    broken_on = pd.to_datetime(promises["broken_on"]) if len(promises) else pd.Series(dtype="datetime64[ns]")
    in_month = promises[(status == "broken") & (broken_on.dt.strftime("%Y-%m") == month)] if len(promises) else promises
    summary = PROMISE_SUMMARY.format(total=len(promises), kept=int((status == "kept").sum()),
                                     open=int((status == "open").sum()), broken=int((status == "broken").sum()),
                                     broken_month=len(in_month), month=month).get(lang)
    names = _customer_names(result)
    rows = [(names.get(row.customer_id, str(row.customer_id)), _day(row.promised_date),
             format_money(int(row.promised_fen)) if pd.notna(row.promised_fen) else "",
             format_money(int(row.paid_fen)) if pd.notna(row.paid_fen) else "", _day(row.broken_on))
            for row in in_month.sort_values("broken_on").itertuples(index=False)]
    return summary, _cut(BROKEN_HEADS, rows, lang, (4, 1.5, 1.6, 1.6, 1.5))


def expiry_rows(result: RefreshResult, lang: Lang) -> ReportTable:
    """Open receivables whose limitation period ends within `EXPIRY_DAYS` of the as-of date, soonest first."""
    detail = result.detail
    left = detail["limitation_days_left"]
    due = detail[(detail["open_fen"] > 0) & (detail["stage"] != "CLOSED") & left.notna()
                 & (left >= 0) & (left <= EXPIRY_DAYS)].sort_values(["limitation_days_left", "row"])
    rows = [(str(row.customer_name), str(row.invoice_no), _day(row.limitation_expiry),
             str(int(row.limitation_days_left)), format_money(int(row.open_fen)))
            for row in due.itertuples(index=False)]
    return _cut(EXPIRY_HEADS, rows, lang, (4, 2, 1.6, 1.1, 1.6))


def monthly_report(result: RefreshResult, tables: dict[str, OutputTable], month: str | None, lang: Lang,
                   today: dt.date) -> MonthlyReport:
    """The report of `month` (default the as-of month) from a refresh and the tables it writes."""
    chosen = report_month(result.kpis, month)
    position = result.kpis.months.index(chosen)
    previous = result.kpis.months[position - 1] if position else NO_PREVIOUS.get(lang)
    charts = {chart.key: chart for key in ("kpis", "aging") for chart in tables[key].charts}
    promises, broken = promise_lines(result, chosen, lang)
    total = result.aging[result.aging["is_total"]]
    provision = int(total["provision_fen"].iloc[0]) if len(total) else 0
    return MonthlyReport(
        lang, chosen, REPORT_TITLE.format(month=chosen).get(lang),
        REPORT_SUBTITLE.format(as_of=result.as_of.isoformat(), month=chosen, previous=previous,
                               today=today.isoformat()).get(lang),
        kpi_rows(result.kpis, chosen, lang), charts,
        aging_rows(tables["aging"], len(result.policy.bucket_edges) + 1), agenda_lines(tables["aging"], lang),
        target_rows(result, lang), promises, broken, expiry_rows(result, lang),
        PROVISION_TOTAL.format(amount=format_money(provision)).get(lang))
