"""Charts in a refreshed workbook: the tool's charts are put in and replaced on every refresh,
a user's own chart on an output sheet stays, the series read back equal the sheet cells,
openpyxl loads the file and LibreOffice renders the charts."""
import datetime as dt
import posixpath
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.chart import BarChart, Reference

import xlsx_tools as xt
from tests.libreoffice import soffice_or_skip
from tests.workbooks import read_rows, sheet_part_names, zip_parts

NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
AS_OF = dt.date(2026, 3, 31)
LEDGER = [["单据号", "客户编号", "客户名称", "业务线", "销售负责人", "开票日期", "到期日", "金额", "已收金额", "最近收款日"],
          ["A1", "K1", "甲公司", "华东", "王", "2025-12-01", "2026-01-10", 1000, 300, "2026-01-10"],
          ["A2", "K1", "甲公司", "华东", "王", "2025-12-15", "2025-12-31", 2000, None, None],
          ["B1", "K2", "乙公司", "华南", "李", "2026-01-20", "2026-02-19", 4000, 1000, "2026-03-01"],
          ["B2", "K3", "丙公司", "华南", "李", "2026-03-20", "2026-04-19", 600, None, None]]


def book_with_user_chart(path: Path) -> Path:
    """A Ledger, and an Aging sheet (an old output) on which the user drew a chart of their own."""
    book = openpyxl.Workbook()
    ledger = book.active
    ledger.title = "应收台账"
    for row in LEDGER:
        ledger.append(row)
    aging = book.create_sheet("账龄分析")
    for row in (["x", "y"], ["a", 1], ["b", 2]):
        aging.append(row)
    chart = BarChart()
    chart.title = "我的图表"
    chart.add_data(Reference(aging, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    aging.add_chart(chart, "D2")
    book.save(path)
    return path


def refresh(path: Path) -> None:
    xt.refresh(xt.open_workbook(path), as_of=AS_OF, lang="zh")


def resolve(source: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(source), target))


def sheet_charts(path: Path, sheet: str) -> list[tuple[str, bytes]]:
    """(frame name, chart XML) of every chart anchored on `sheet`, following the package rels."""
    parts = zip_parts(path)
    part = sheet_part_names(path)[sheet].lstrip("/")
    sheet_rels = etree.fromstring(parts[part.replace("worksheets/", "worksheets/_rels/") + ".rels"])
    drawing = resolve(part, sheet_rels[0].get("Target"))
    drawing_rels = etree.fromstring(parts[drawing.replace("drawings/", "drawings/_rels/") + ".rels"])
    targets = {rel.get("Id"): resolve(drawing, rel.get("Target")) for rel in drawing_rels}
    found = []
    for frame in etree.fromstring(parts[drawing]).iterfind(".//xdr:graphicFrame", NS):
        name = frame.find(".//xdr:cNvPr", NS).get("name")
        rel = frame.find(".//c:chart", NS).get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        found.append((name, parts[targets[rel]]))
    return found


def series(chart_xml: bytes) -> list[tuple[str, list[str], list[float]]]:
    root = etree.fromstring(chart_xml)
    return [(ser.findtext("c:tx//c:v", namespaces=NS),
             [v.text for v in ser.iterfind("c:cat//c:pt/c:v", NS)],
             [float(v.text) for v in ser.iterfind("c:val//c:pt/c:v", NS)]) for ser in root.iterfind(".//c:ser", NS)]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> Path:
    path = book_with_user_chart(tmp_path_factory.mktemp("charts") / "book.xlsx")
    refresh(path)
    refresh(path)                  # twice: the tool's charts are replaced, never duplicated
    return path


def test_the_users_chart_stays_and_the_tools_chart_is_replaced(refreshed):
    names = [name for name, _ in sheet_charts(refreshed, "账龄分析")]
    assert names == ["Chart 1", "xlsx-tools:aging"]
    chart_parts = [name for name in zip_parts(refreshed) if re.fullmatch(r"xl/charts/chart\d+\.xml", name)]
    assert len(chart_parts) == 4   # the user's and the tool's three
    types = zip_parts(refreshed)["[Content_Types].xml"].decode()
    assert all(f'PartName="/{name}"' in types for name in chart_parts)


def test_aging_series_read_back_equal_the_aging_cells(refreshed):
    rows = read_rows(refreshed, "账龄分析")
    (_, xml), = [(n, x) for n, x in sheet_charts(refreshed, "账龄分析") if n.startswith("xlsx-tools:")]
    found = series(xml)
    header, lines = rows[0], [row for row in rows[1:-1] if row[0] not in (None, "合计")]
    assert [name for name, _, _ in found] == header[1:1 + len(found)]
    for column, (_, categories, values) in enumerate(found, start=1):
        assert categories == [row[0] for row in lines]
        assert values == [float(row[column]) for row in lines]


def test_trend_and_top_customers_point_at_their_sheets(refreshed):
    (_, trend), = sheet_charts(refreshed, "关键指标")
    balance, rate = series(trend)
    kpis = read_rows(refreshed, "关键指标")
    overall = {row[2]: row[3:15] for row in kpis[1:12]}
    assert balance[0] == "逾期余额" and balance[1] == kpis[0][3:15]
    assert balance[2] == [float(v) for v in overall["逾期余额"] if v is not None]
    assert rate[2] == [float(v) for v in overall["逾期账款回收率（%）"] if v is not None]
    (_, top), = sheet_charts(refreshed, "催收优先级")
    priority = read_rows(refreshed, "催收优先级")
    (_, names, amounts), = series(top)
    assert names == [row[2] for row in priority[1:4]]
    assert amounts == [float(row[4]) for row in priority[1:4]]


def test_openpyxl_loads_the_refreshed_workbook_with_its_charts(refreshed):
    book = openpyxl.load_workbook(refreshed)
    assert len(book["账龄分析"]._charts) == 2 and len(book["关键指标"]._charts) == 1


def test_libreoffice_renders_the_charts(refreshed, tmp_path):
    soffice = soffice_or_skip()
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(refreshed)],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", str(tmp_path / "book.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    for title in ("各业务线账龄分布", "逾期余额与回收率", "优先催收前十名客户逾期金额", "我的图表"):
        assert title in text
