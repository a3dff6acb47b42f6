"""Charts through the Excel button: the live-Excel port draws the same three charts as the file
path, on the same cells, replaces its own on every refresh and leaves the user's alone."""
from __future__ import annotations

import logging
import re

import pandas as pd
import pytest
from lxml import etree

from tests.fakes.xlwings_fake import FakeBook, install_caller
from tests.io.test_refresh_charts import NS, sheet_charts
from xlsx_tools.core.tables import CellRange, ChartSeries, OutputChart, OutputColumn, OutputTable
from xlsx_tools.excel import buttons
from xlsx_tools.io.workbook_xlwings import XlwingsWorkbook
from xlsx_tools.io.xlsx.charts import TOOL_CHART_PREFIX

CHARTED = {"账龄分析": "aging", "关键指标": "trend", "催收优先级": "priority"}
_REF = re.compile(r"^'((?:[^']|'')+)'!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def ref_cells(ref: str) -> set[tuple[int, int]]:
    """The (row, column) cells of a chart reference like `'账龄分析'!$B$2:$B$7`."""
    _, c1, r1, c2, r2 = _REF.match(ref).groups()
    c2, r2 = c2 or c1, r2 or r1
    return {(r, c) for r in range(int(r1), int(r2) + 1) for c in range(_column_number(c1), _column_number(c2) + 1)}


def xml_series_refs(chart_xml: bytes) -> list[tuple[str, str, str]]:
    """(name, categories, values) references of each series, in order, from a chart part."""
    root = etree.fromstring(chart_xml)
    return [tuple(ser.findtext(f"c:{part}//c:f", namespaces=NS) for part in ("tx", "cat", "val"))
            for ser in root.iterfind(".//c:ser", NS)]


def xml_title(chart_xml: bytes) -> str:
    return "".join(etree.fromstring(chart_xml).xpath("//c:title//a:t/text()", namespaces={
        **NS, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}))


def tool_charts(sheet) -> list:
    return [chart for chart in sheet.charts if chart.name.startswith(TOOL_CHART_PREFIX)]


@pytest.fixture(scope="module")
def button_book(demo_pair) -> FakeBook:
    """The demo refreshed twice with the button; between the refreshes the user drew a chart on Aging."""
    book = FakeBook.from_xlsx(demo_pair[0])
    with pytest.MonkeyPatch.context() as patch:
        install_caller(patch, book)
        buttons.refresh()
        aging = book.sheets["账龄分析"]
        mine = aging.charts.add(600, 10, 300, 200)
        mine.set_source_data(aging.range("A1:B4"))
        mine.name = "我的图表"
        buttons.refresh()
    return book


def test_the_button_draws_the_three_charts_on_exactly_the_cells_of_the_file_paths_charts(button_book, demo_pair):
    for sheet_name, key in CHARTED.items():
        (frame, chart_xml), = [(n, x) for n, x in sheet_charts(demo_pair[1], sheet_name) if n.startswith(TOOL_CHART_PREFIX)]
        (chart,) = tool_charts(button_book.sheets[sheet_name])
        assert chart.name == frame == TOOL_CHART_PREFIX + key
        refs = xml_series_refs(chart_xml)
        referenced = set().union(*(ref_cells(ref) for series in refs for ref in series))
        source = set(chart.source._cells())
        assert {r for r, _ in source} == {r for r, _ in referenced}          # the same rows
        assert {c for _, c in source} == {c for _, c in referenced}          # the same columns
        assert [(s.Name, s.XValues, s.Values) for s in chart.com.series] == [
            tuple("=" + ref for ref in series) for series in refs]
        assert chart.com.HasTitle and chart.com.ChartTitle.Text == xml_title(chart_xml)


def test_chart_kinds_the_trends_rate_on_the_right_axis_and_the_top_list_downwards(button_book):
    aging, = tool_charts(button_book.sheets["账龄分析"])
    trend, = tool_charts(button_book.sheets["关键指标"])
    top, = tool_charts(button_book.sheets["催收优先级"])
    assert (aging.chart_type, trend.chart_type, top.chart_type) == ("column_stacked", "line_markers", "bar_clustered")
    assert [s.AxisGroup for s in trend.com.series] == [1, 2]
    assert trend.com.Axes(2, 2).TickLabels.NumberFormat == "0.00"
    assert top.com.Axes(1).ReversePlotOrder and top.com.Axes(1).Crosses == 2
    assert aging.com.HasLegend and not top.com.HasLegend
    assert aging.place[1] > 0 and aging.place[2] > 0 and aging.place[3] > 0   # below the table, not empty


def test_a_second_refresh_replaces_the_tools_charts_and_keeps_the_users(button_book):
    names = [chart.name for chart in button_book.sheets["账龄分析"].charts]
    assert names == ["我的图表", TOOL_CHART_PREFIX + "aging"]
    assert button_book.sheets["账龄分析"].charts["我的图表"].source.address == "$A$1:$B$4"
    assert all(len(tool_charts(button_book.sheets[name])) == 1 for name in CHARTED)
    assert sum(len(sheet.charts) for sheet in button_book.sheets) == 4


def small_top_list() -> OutputTable:
    """Two customers and their overdue amounts, with the tool's top-bars chart on them."""
    frame = pd.DataFrame({"name": ["甲", "乙"], "overdue": [120_000, 50_000]})
    series = ChartSeries("Overdue", CellRange("Top", 1, 2, 1, 2), ("甲", "乙"), CellRange("Top", 2, 1, 3, 1),
                         (1200.0, 500.0), CellRange("Top", 2, 2, 3, 2))
    chart = OutputChart("priority", "top_bars", "Top customers", (series,), (3, 1, 10, 15))
    return OutputTable("Top", (OutputColumn("Name", "text"), OutputColumn("Overdue", "money")), frame, charts=(chart,))


def test_without_com_charts_keep_their_source_and_a_warning_is_logged(caplog):
    book = FakeBook("/Users/clerk/top.xlsx")
    book.sheets.add("Ledger")
    book.app.on_mac = True
    port = XlwingsWorkbook(book)
    port.write_table(small_top_list())
    with caplog.at_level(logging.WARNING, logger="xlsx_tools.excel"):
        port.commit()
    chart, = book.sheets["Top"].charts
    assert chart.name == TOOL_CHART_PREFIX + "priority" and chart.chart_type == "bar_clustered"
    assert chart.source.address == "$A$1:$B$3"
    assert [series.Name for series in chart.com.series] == [None]          # Excel's own guess stays
    assert any("chart priority left as Excel drew it" in record.getMessage() for record in caplog.records)


def test_chart_place_follows_the_anchor_cells():
    book = FakeBook("C:/books/top.xlsx")
    book.sheets.add("Ledger")
    port = XlwingsWorkbook(book)
    port.write_table(small_top_list())
    port.commit()
    sheet = book.sheets["Top"]
    chart, = sheet.charts
    corner = sheet.range((2, 4), (15, 10))                                   # anchor (3, 1) to (10, 15), 0-based
    assert chart.place == (corner.left, corner.top, corner.width, corner.height)
    assert chart.place[0] == sheet.range("A1:C1").width > 0 and chart.place[1] == 15.0
