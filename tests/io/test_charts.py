"""Chart parts read back as XML, grafted into a small workbook, loaded by openpyxl and rendered
by LibreOffice."""
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from tests.libreoffice import soffice_or_skip
from xlsx_tools.io.xlsx.charts import (CT_CHART, CT_DRAWING, NS_R, REL_DRAWING, TOOL_CHART_PREFIX, Anchor,
                                        PlacedChart, Series, bar_chart, cell_ref, column_ref, drawing_parts,
                                        next_part_number, tool_chart_rel_ids, trend_chart)

NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
AGING, TREND, PRIORITY = "账龄分析", "O'Brien 趋势", "催收优先级"
LINES = ("华东", "华南", "华北")
BUCKETS = ("未到期", "1-30天", "31-90天", ">90天")
AGING_ROWS = ((500, 300, 200, 100), (200, 400, 0, 600), (300, 100, 250, 50))
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
BALANCE = (2200.0, 6200.0, 3800.0, None)
RATE = (0.1852, 0.0, 0.4571, 0.62)
CUSTOMERS = tuple(f"客户{n:02d}" for n in range(1, 11))
OVERDUE = tuple(float(1000 - 80 * n) for n in range(10))


def aging_series() -> list[Series]:
    last = len(LINES) + 1
    return [Series(bucket, cell_ref(AGING, col + 2, 1), LINES, column_ref(AGING, 1, 2, last),
                   tuple(float(row[col]) for row in AGING_ROWS), column_ref(AGING, col + 2, 2, last))
            for col, bucket in enumerate(BUCKETS)]


def trend_series() -> tuple[Series, Series]:
    months = column_ref(TREND, 1, 2, len(MONTHS) + 1)
    return (Series("逾期余额", cell_ref(TREND, 2, 1), MONTHS, months, BALANCE, column_ref(TREND, 2, 2, 5)),
            Series("回收率", cell_ref(TREND, 3, 1), MONTHS, months, RATE, column_ref(TREND, 3, 2, 5)))


def top_series() -> Series:
    return Series("逾期金额", cell_ref(PRIORITY, 2, 1), CUSTOMERS, column_ref(PRIORITY, 1, 2, 11), OVERDUE,
                  column_ref(PRIORITY, 2, 2, 11))


def charts() -> list[PlacedChart]:
    return [PlacedChart("aging", bar_chart("账龄分布 Aging", aging_series(), stacked=True, horizontal=False),
                        Anchor(0, 5, 8, 17), "业务线 × 账龄区间"),
            PlacedChart("trend", trend_chart("逾期余额与回收率 Trend", *trend_series()), Anchor(0, 18, 8, 30)),
            PlacedChart("priority", bar_chart("前十大客户 Top 10", [top_series()], stacked=False, horizontal=True),
                        Anchor(0, 31, 8, 44))]


def series_of(chart_xml: bytes) -> list[dict]:
    root = etree.fromstring(chart_xml)
    out = []
    for ser in root.iterfind(".//c:ser", NS):
        out.append({
            "name_ref": ser.findtext("c:tx/c:strRef/c:f", namespaces=NS),
            "name": ser.findtext("c:tx/c:strRef/c:strCache/c:pt/c:v", namespaces=NS),
            "cat_ref": ser.findtext("c:cat/c:strRef/c:f", namespaces=NS),
            "cats": [pt.findtext("c:v", namespaces=NS) for pt in ser.iterfind("c:cat//c:pt", NS)],
            "val_ref": ser.findtext("c:val/c:numRef/c:f", namespaces=NS),
            "count": int(ser.find("c:val//c:ptCount", NS).get("val")),
            "vals": {int(pt.get("idx")): float(pt.findtext("c:v", namespaces=NS))
                     for pt in ser.iterfind("c:val//c:pt", NS)},
        })
    return out


def test_refs__sheet_names_are_quoted_and_inner_quotes_doubled():
    assert column_ref(AGING, 2, 2, 7) == "'账龄分析'!$B$2:$B$7"
    assert cell_ref("O'Brien", 28, 1) == "'O''Brien'!$AB$1"


def test_aging_chart__one_stacked_series_per_bucket_with_refs_and_caches():
    xml = bar_chart("账龄", aging_series(), stacked=True, horizontal=False)
    root = etree.fromstring(xml)
    assert root.find(".//c:barChart/c:grouping", NS).get("val") == "stacked"
    assert root.find(".//c:barChart/c:barDir", NS).get("val") == "col"
    found = series_of(xml)
    assert [s["name"] for s in found] == list(BUCKETS)
    assert found[1]["name_ref"] == "'账龄分析'!$C$1"
    assert found[1]["cat_ref"] == "'账龄分析'!$A$2:$A$4" and found[1]["cats"] == list(LINES)
    assert found[1]["val_ref"] == "'账龄分析'!$C$2:$C$4"
    assert found[1]["vals"] == {0: 300.0, 1: 400.0, 2: 100.0}


def test_trend_chart__rate_on_a_secondary_axis_and_a_blank_month_is_a_gap():
    root = etree.fromstring(trend_chart("趋势", *trend_series()))
    lines = root.findall(".//c:lineChart", NS)
    assert len(lines) == 2
    primary, secondary = ([a.get("val") for a in line.findall("c:axId", NS)] for line in lines)
    axes = {ax.find("c:axId", NS).get("val"): ax for ax in root.find(".//c:plotArea", NS)
            if ax.tag.endswith("Ax")}
    assert axes[secondary[1]].find("c:axPos", NS).get("val") == "r"
    assert axes[secondary[1]].find("c:crosses", NS).get("val") == "max"
    assert axes[secondary[0]].find("c:delete", NS).get("val") == "1"
    assert axes[primary[1]].find("c:axPos", NS).get("val") == "l"
    balance, rate = series_of(trend_chart("趋势", *trend_series()))
    assert balance["val_ref"] == "'O''Brien 趋势'!$B$2:$B$5"
    assert balance["count"] == 4 and 3 not in balance["vals"]
    assert rate["vals"][0] == 0.1852


def test_top_customers_chart__horizontal_bars_first_customer_on_top():
    root = etree.fromstring(bar_chart("Top", [top_series()], stacked=False, horizontal=True))
    assert root.find(".//c:barDir", NS).get("val") == "bar"
    assert root.find(".//c:catAx/c:scaling/c:orientation", NS).get("val") == "maxMin"
    assert root.find(".//c:legend", NS) is None
    assert series_of(bar_chart("Top", [top_series()], stacked=False, horizontal=True))[0]["cats"][0] == "客户01"


def test_drawing__anchors_named_as_the_tools_charts_with_rels_and_content_types():
    parts = drawing_parts(charts(), drawing_number=2, first_chart_number=5)
    assert set(parts.parts) == {"xl/drawings/drawing2.xml", "xl/drawings/_rels/drawing2.xml.rels",
                                "xl/charts/chart5.xml", "xl/charts/chart6.xml", "xl/charts/chart7.xml"}
    assert parts.content_types["/xl/charts/chart6.xml"] == CT_CHART
    assert parts.content_types["/xl/drawings/drawing2.xml"] == CT_DRAWING
    assert (parts.sheet_rel_type, parts.sheet_rel_target) == (REL_DRAWING, "../drawings/drawing2.xml")
    drawing = etree.fromstring(parts.parts["xl/drawings/drawing2.xml"])
    names = [e.get("name") for e in drawing.iterfind(".//xdr:cNvPr", NS)]
    assert names == [TOOL_CHART_PREFIX + key for key in ("aging", "trend", "priority")]
    first = drawing.find("xdr:twoCellAnchor/xdr:from", NS)
    assert (first.findtext("xdr:col", namespaces=NS), first.findtext("xdr:row", namespaces=NS)) == ("0", "5")
    rels = etree.fromstring(parts.parts["xl/drawings/_rels/drawing2.xml.rels"])
    assert [r.get("Target") for r in rels] == ["../charts/chart5.xml", "../charts/chart6.xml", "../charts/chart7.xml"]


def test_tool_charts__found_by_frame_name_the_users_own_left_alone():
    drawing = drawing_parts(charts()[:1], 1, 1).parts["xl/drawings/drawing1.xml"]
    users = drawing.replace(f'name="{TOOL_CHART_PREFIX}aging"'.encode(), b'name="Chart 7"').replace(b'"rId1"', b'"rId9"')
    merged = drawing.replace(b"</xdr:wsDr>", users[users.index(b"<xdr:twoCellAnchor"):])
    assert tool_chart_rel_ids(merged) == ["rId1"]


def test_next_part_number__after_the_highest_existing_one():
    assert next_part_number(["xl/charts/chart1.xml", "/xl/charts/chart3.xml", "xl/charts/chartEx1.xml"],
                            "xl/charts", "chart") == 4
    assert next_part_number([], "xl/drawings", "drawing") == 1


# ----- end to end: graft into a real workbook, load with openpyxl, render with LibreOffice ---------
def build_workbook(path: Path) -> None:
    """Data sheets written by openpyxl, then the chart parts added at the zip level."""
    book = openpyxl.Workbook()
    aging = book.active
    aging.title = AGING
    aging.append(["业务线", *BUCKETS])
    for line, row in zip(LINES, AGING_ROWS):
        aging.append([line, *row])
    trend = book.create_sheet(TREND)
    trend.append(["月份", "逾期余额", "回收率"])
    for month, balance, rate in zip(MONTHS, BALANCE, RATE):
        trend.append([month, balance, rate])
    priority = book.create_sheet(PRIORITY)
    priority.append(["客户", "逾期金额"])
    for customer, amount in zip(CUSTOMERS, OVERDUE):
        priority.append([customer, amount])
    book.save(path)

    parts = drawing_parts(charts(), drawing_number=1, first_chart_number=1)
    with zipfile.ZipFile(path) as source:
        files = {name: source.read(name) for name in source.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    files["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</worksheet>", f'<drawing xmlns:r="{NS_R}" r:id="rIdCharts"/></worksheet>').encode()
    files["xl/worksheets/_rels/sheet1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdCharts" Type="{parts.sheet_rel_type}" Target="{parts.sheet_rel_target}"/>'
        '</Relationships>').encode()
    overrides = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>'
                        for name, kind in parts.content_types.items())
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"</Types>", overrides.encode() + b"</Types>")
    files.update(parts.parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in files.items():
            target.writestr(name, data)


def test_grafted_charts__openpyxl_loads_the_workbook_and_its_three_charts(tmp_path):
    path = tmp_path / "charts.xlsx"
    build_workbook(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [AGING, TREND, PRIORITY]
    assert len(book[AGING]._charts) == 3


def test_grafted_charts__libreoffice_renders_the_page(tmp_path):
    soffice = soffice_or_skip()
    path = tmp_path / "charts.xlsx"
    build_workbook(path)
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "charts.pdf"
    assert pdf.stat().st_size > 5000
    subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)
    assert coloured_pixels(next(tmp_path.glob("page*.ppm"))) > 20000    # bars and lines, not only text and grid


def coloured_pixels(ppm: Path) -> int:
    """Pixels of a binary PPM whose channels differ by more than 60: series colours, not text or grid."""
    data = ppm.read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    rgb = memoryview(pixels)[: int(width) * int(height) * 3]
    return sum(1 for n in range(0, len(rgb), 3) if max(rgb[n:n + 3]) - min(rgb[n:n + 3]) > 60)
