"""The monthly report (`xlsx-tools report`): its charts plot the numbers of the workbook's charts,
it renders in both languages for the demo (one LibreOffice call), and a month without data is
a clear error that writes nothing."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from tests.io.test_refresh_charts import book_with_user_chart, series, sheet_charts
from tests.libreoffice import soffice_or_skip
from tests.workbooks import read_rows
from xlsx_tools import cli
from xlsx_tools.build.demo import build_demo_workbook
from xlsx_tools.core import i18n
from xlsx_tools.io.pdf import convert_to_pdf
from xlsx_tools.io.report_charts import draw
from xlsx_tools.build.report_template import build_report_template
from xlsx_tools.io.report_docx import render_report, template_path
from xlsx_tools.present.report import MonthUnavailable, _change_text, monthly_report, report_month
from xlsx_tools.present.sheets import output_tables
from xlsx_tools.wiring import open_workbook, report

AS_OF = dt.date(2026, 11, 30)
LANGS = ("zh", "en")
FRAMES = {"trend": ("kpis", "xlsx-tools:trend"), "aging": ("aging", "xlsx-tools:aging")}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The demo reported in zh through the pipeline (Word only); the en report laid out from the same
    run's result and rendered too (one refresh keeps the module fast)."""
    folder = tmp_path_factory.mktemp("report")
    demo = build_demo_workbook(folder / "demo.xlsx", AS_OF)
    outcome = report(open_workbook(demo), folder / "report_zh.pdf", lang="zh", as_of=AS_OF, today=AS_OF, pdf=False)
    english = monthly_report(outcome.result, output_tables(outcome.result, "en"), None, "en", AS_OF)
    docx = {"zh": outcome.docx, "en": render_report(english, folder / "report_en.docx")}
    return folder, outcome, docx


def plotted(chart) -> list[list[float]]:
    """The numbers matplotlib drew for `chart`: each line's points, or each bar series' heights."""
    figure, axis = plt.subplots()
    try:
        draw(chart, axis)
        lines = [line for ax in figure.axes for line in ax.get_lines()]
        if lines:
            return [[float(y) for y in line.get_ydata()] for line in lines]
        return [[bar.get_height() for bar in container] for container in axis.containers]
    finally:
        plt.close(figure)


@pytest.mark.parametrize("key", sorted(FRAMES))
def test_report_charts_plot_the_numbers_of_the_workbooks_charts(reports, key):
    _, outcome, _ = reports
    sheet = i18n.SHEETS[FRAMES[key][0]].get("zh")
    frames = dict(sheet_charts(outcome.written, sheet))
    cached = series(frames[FRAMES[key][1]])
    chart = outcome.report.charts[key]
    drawn = plotted(chart)
    assert len(cached) == len(chart.series) == len(drawn)
    for (name, categories, values), ours, points in zip(cached, chart.series, drawn):
        assert name == ours.name
        assert categories == list(ours.categories)
        assert values == pytest.approx([v for v in ours.values if v is not None])
        assert [p for p in points if p == p] == pytest.approx(values)     # NaN = a blank month, not drawn


def test_aging_chart_leaves_headroom_above_its_tallest_stack(reports):
    """The demo's top series (365+ days) is zero on the tallest stack; its bars pinned the axis top
    to that stack, so the bar touched the frame and looked cut off."""
    _, outcome, _ = reports
    figure, axis = plt.subplots()
    try:
        draw(outcome.report.charts["aging"], axis)
        tallest = max(bar.get_y() + bar.get_height() for container in axis.containers for bar in container)
        assert axis.get_ylim()[1] >= tallest * 1.05
    finally:
        plt.close(figure)


def test_trend_chart_numbers_are_the_kpi_sheets_cells(reports):
    _, outcome, _ = reports
    rows = read_rows(outcome.written, i18n.SHEETS["kpis"].get("zh"))
    chart = outcome.report.charts["trend"]
    for ours in chart.series:
        cells = ours.values_range
        row = rows[cells.first_row - 1][cells.first_col - 1:cells.last_col]
        assert [None if v is None else float(v) for v in row] == pytest.approx(list(ours.values))
    assert list(chart.series[0].categories) == rows[0][cells.first_col - 1:cells.last_col]


def _pdf_pages(pdf: Path) -> list[str]:
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                  text=True, check=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, pages + 1)]


def test_report_renders_in_both_languages_with_no_page_nearly_empty(reports):
    soffice_or_skip()
    folder, _, docx = reports
    pdfs = convert_to_pdf([docx[lang] for lang in LANGS], folder / "pdf")     # one soffice call
    titles = {"zh": "应收账款催收月报 2026-11", "en": "Collections monthly report 2026-11"}
    for lang, pdf in zip(LANGS, pdfs):
        pages = _pdf_pages(pdf)
        assert 2 <= len(pages) <= 6, (lang, len(pages))
        assert titles[lang] in pages[0]
        for text in pages:
            body = [line for line in text.splitlines() if line.strip()]
            assert len(body) > 8, (lang, body)        # more than a header, a footer and a stray line
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "CJK" in fonts
    assert all(docx[lang].exists() for lang in LANGS)


def test_the_two_overdue_shares_say_how_they_differ(reports):
    """Section 1's overdue share nets credit notes out of receivables, the aging table's does not: a
    manager saw 46.83% and 46.5% for 'the same' figure.  The note under the aging table says why."""
    _, outcome, _ = reports
    figures = outcome.result.kpis.as_of_sums
    aging_total = outcome.result.aging[outcome.result.aging["is_total"]].iloc[0]
    assert figures["end_receivables"] != aging_total["receivables_fen"]       # the demo has credit notes
    assert "扣除贷项" in outcome.report.provision
    english = monthly_report(outcome.result, output_tables(outcome.result, "en"), None, "en", AS_OF)
    assert "net of credit notes" in english.provision


def test_the_default_month_is_the_as_of_month_and_an_earlier_one_can_be_chosen(reports):
    figures = reports[1].result.kpis
    assert report_month(figures, None) == "2026-11"
    assert report_month(figures, "2026-10") == "2026-10"


def test_a_month_outside_the_kpi_months_or_all_blank_is_unavailable(reports):
    figures = reports[1].result.kpis
    with pytest.raises(MonthUnavailable):
        report_month(figures, "2025-11")          # the month before the 12 KPI months
    blank = figures.table.copy()
    blank["2026-01"] = None
    with pytest.raises(MonthUnavailable):
        report_month(type(figures)(figures.as_of, figures.months, blank, figures.blanks, figures.notes), "2026-01")


@pytest.mark.parametrize("figure, now, before, lang, expected", [
    ("recovery_rate", 18.07, 9.16, "en", "+8.91 pp"),
    ("recovery_rate", 9.16, 18.07, "zh", "-8.91 个百分点"),
    ("overdue_fen", 150.0, 100.0, "en", "+50.00 (+50.0%)"),
    ("overdue_fen", 50.0, 100.0, "en", "-50.00 (-50.0%)"),
    ("overdue_fen", 50.0, 0.0, "en", "+50.00"),                 # no share of a zero base
    ("dso_days", 31.5, float("nan"), "en", "—"),               # the month before has no figure
    ("key_targets", 2.0, 2.0, "en", "0 (0.0%)"),
])
def test_month_over_month_change(figure, now, before, lang, expected):
    assert _change_text(figure, now, before, lang) == expected


def test_cli_month_without_data_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    book = book_with_user_chart(tmp_path / "book.xlsx")
    before = book.read_bytes()
    code = cli.main(["report", str(book), "--as-of", "2026-03-31", "--month", "2024-01"])
    assert code == cli.EXIT_UNUSABLE
    assert "2024-01" in capsys.readouterr().err
    assert book.read_bytes() == before
    assert not list(tmp_path.glob("monthly_report_*"))


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_report_template_equals_a_fresh_build(lang):
    assert build_report_template(lang) == template_path(lang).read_bytes(), \
        "rebuild: python -m xlsx_tools.build.report_template"


def test_report_with_control_characters_in_customer_names_renders_them_as_spaces(reports, tmp_path):
    """python-docx refused 'Acme\\x0bTrading' (not XML compatible), so one pasted customer name made the
    whole monthly report fail (found with the control-character audit)."""
    import dataclasses
    import docx as python_docx
    _, outcome, _ = reports
    english = monthly_report(outcome.result, output_tables(outcome.result, "en"), None, "en", AS_OF)
    targets = english.targets
    row = ("Acme\x0bTrading\x01Ltd",) + targets.rows[0][1:]
    hostile = dataclasses.replace(english, targets=dataclasses.replace(targets, rows=(row,) + targets.rows[1:]),
                                  agenda=english.agenda + ("line\x0cbreak",))
    path = render_report(hostile, tmp_path / "hostile.docx")
    document = python_docx.Document(str(path))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    texts += [paragraph.text for paragraph in document.paragraphs]
    assert "Acme Trading Ltd" in texts and any("line break" in text for text in texts)


def test_report_charts_draw_chinese_when_matplotlib_listed_fonts_before_the_cjk_font_was_installed(tmp_path):
    """matplotlib caches the system's font list on its first run; a CJK font installed after that
    (apt-get after pip install) was unknown to it and every Chinese label became an empty box
    ("Glyph ... missing from font(s) DejaVu Sans"). Simulated by dropping the CJK faces from the list."""
    from matplotlib import font_manager
    if not any("CJK" in Path(path).name for path in font_manager.findSystemFonts()):
        pytest.skip("no CJK font installed (Debian fonts-noto-cjk)")
    script = (
        "import warnings\n"
        "from matplotlib import font_manager\n"
        "font_manager.fontManager.ttflist = [f for f in font_manager.fontManager.ttflist if 'CJK' not in f.name]\n"
        "from xlsx_tools.core.tables import CellRange, ChartSeries, OutputChart\n"
        "from xlsx_tools.io.report_charts import chart_png\n"
        "cells = CellRange('账龄分析', 2, 1, 3, 1)\n"
        "chart = OutputChart('aging', 'stacked_columns', '账龄分析 应收账款',\n"
        "                    (ChartSeries('未到期', cells, ('华东', '华南'), cells, (1.0, 2.0), cells),), (1, 1, 10, 20))\n"
        "warnings.simplefilter('error')\n"
        "print(len(chart_png(chart)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "MPLCONFIGDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 10_000
