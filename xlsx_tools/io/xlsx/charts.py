"""Native Excel charts as DrawingML parts, written as XML text for the graft writer.

Three charts: the Aging stacked columns (business line × bucket), the Trend lines (overdue
balance by month, recovery rate on a secondary axis) and the Priority top-10 bars. Every
series points at cells of an output sheet and also carries cached values, so viewers show
the chart without recalculating.

Which charts are the tool's: the drawing's graphic frame of each chart the tool writes is
named `xlsx-tools:<key>` (its `xdr:cNvPr/@name`, shown as the chart's name in Excel's
Selection Pane). A refresh replaces the frames whose name starts with `TOOL_CHART_PREFIX`
and keeps every other anchor of the drawing; a chart the user renames becomes the user's.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ...core.tables import CellRange, OutputChart, column_letter
from .sheet_xml import xstring_xml

TOOL_CHART_PREFIX = "xlsx-tools:"
#: Number formats of the value axes: money in whole yuan; the recovery rate, a percentage figure.
VALUE_FORMAT, RATE_FORMAT = "#,##0", "0.00"

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
REL_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# ----- references -------------------------------------------------------------------------------
def quote_sheet(name: str) -> str:
    """A sheet name as a formula prefix: always in single quotes, inner quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


def cell_ref(sheet: str, column: int, row: int) -> str:
    """`'账龄分析'!$B$1` from a 1-based column and row."""
    return f"{quote_sheet(sheet)}!${column_letter(column)}${row}"


def column_ref(sheet: str, column: int, first_row: int, last_row: int) -> str:
    """`'账龄分析'!$B$2:$B$7`: one column, rows first..last."""
    letter = column_letter(column)
    return f"{quote_sheet(sheet)}!${letter}${first_row}:${letter}${last_row}"


@dataclass(frozen=True)
class Series:
    """One chart series: where its name, categories and values live, and their cached copies."""

    name: str
    name_ref: str
    categories: tuple[str, ...]
    categories_ref: str
    values: tuple[float | None, ...]
    values_ref: str


# ----- chart parts ------------------------------------------------------------------------------
def bar_chart(title: str, series: Sequence[Series], *, stacked: bool, horizontal: bool,
              number_format: str = VALUE_FORMAT) -> bytes:
    """A clustered or stacked bar (horizontal) or column (vertical) chart part.

    Horizontal bars list the first category at the top, as a ranking reads.
    """
    grouping = "stacked" if stacked else "clustered"
    overlap = '<c:overlap val="100"/>' if stacked else ""
    plot = (f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="{grouping}"/>'
            '<c:varyColors val="0"/>'
            + "".join(_series_xml(n, s, number_format, "bar") for n, s in enumerate(series))
            + f'<c:gapWidth val="80"/>{overlap}<c:axId val="1001"/><c:axId val="1002"/></c:barChart>'
            + _category_axis(1001, 1002, "l" if horizontal else "b", reverse=horizontal)
            + _value_axis(1002, 1001, "b" if horizontal else "l", number_format,
                          crosses="max" if horizontal else "autoZero"))
    return _chart_space(title, plot, legend=len(series) > 1)


def trend_chart(title: str, balance: Series, rate: Series, *, balance_format: str = VALUE_FORMAT,
                rate_format: str = RATE_FORMAT) -> bytes:
    """Overdue balance as a line on the left axis, recovery rate as a line on a right axis."""
    plot = ('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            + _series_xml(0, balance, balance_format, "line")
            + '<c:marker val="1"/><c:axId val="2001"/><c:axId val="2002"/></c:lineChart>'
            + '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            + _series_xml(1, rate, rate_format, "line")
            + '<c:marker val="1"/><c:axId val="2003"/><c:axId val="2004"/></c:lineChart>'
            + _category_axis(2001, 2002, "b")
            + _value_axis(2002, 2001, "l", balance_format)
            + _category_axis(2003, 2004, "b", deleted=True)
            + _value_axis(2004, 2003, "r", rate_format, crosses="max", gridlines=False))
    return _chart_space(title, plot, legend=True)


def _chart_space(title: str, plot: str, *, legend: bool) -> bytes:
    legend_xml = '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' if legend else ""
    return (XML_HEAD
            + f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
            '<c:roundedCorners val="0"/><c:chart>'
            f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
            f'<a:r><a:rPr lang="zh-CN" sz="1200" b="1"/><a:t>{escape(title)}</a:t></a:r></a:p></c:rich></c:tx>'
            '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
            f'<c:plotArea><c:layout/>{plot}</c:plotArea>{legend_xml}'
            '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>').encode("utf-8")


def _series_xml(index: int, series: Series, number_format: str, kind: str) -> str:
    name = (f'<c:tx><c:strRef><c:f>{escape(series.name_ref)}</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{escape(series.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>')
    shape = '<c:invertIfNegative val="0"/>' if kind == "bar" else '<c:marker><c:symbol val="circle"/></c:marker>'
    tail = '<c:smooth val="0"/>' if kind == "line" else ""
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>{name}{shape}'
            f'<c:cat>{_string_ref(series.categories_ref, series.categories)}</c:cat>'
            f'<c:val>{_number_ref(series.values_ref, series.values, number_format)}</c:val>{tail}</c:ser>')


def _string_ref(ref: str, cached: Sequence[str]) -> str:
    points = "".join(f'<c:pt idx="{n}"><c:v>{xstring_xml(text)}</c:v></c:pt>' for n, text in enumerate(cached))
    return (f'<c:strRef><c:f>{escape(ref)}</c:f><c:strCache><c:ptCount val="{len(cached)}"/>{points}'
            '</c:strCache></c:strRef>')


def _number_ref(ref: str, cached: Sequence[float | None], number_format: str) -> str:
    """Cached numbers; a blank value has no point, so viewers show a gap."""
    points = "".join(f'<c:pt idx="{n}"><c:v>{value!r}</c:v></c:pt>'
                     for n, value in enumerate(cached) if value is not None)
    return (f'<c:numRef><c:f>{escape(ref)}</c:f><c:numCache><c:formatCode>{escape(number_format)}</c:formatCode>'
            f'<c:ptCount val="{len(cached)}"/>{points}</c:numCache></c:numRef>')


def _category_axis(axis: int, cross: int, position: str, *, reverse: bool = False, deleted: bool = False) -> str:
    return (f'<c:catAx><c:axId val="{axis}"/><c:scaling><c:orientation val="{"maxMin" if reverse else "minMax"}"/>'
            f'</c:scaling><c:delete val="{int(deleted)}"/><c:axPos val="{position}"/>'
            '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/>'
            '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f'<c:crossAx val="{cross}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
            '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>')


def _value_axis(axis: int, cross: int, position: str, number_format: str, *, crosses: str = "autoZero",
                gridlines: bool = True) -> str:
    return (f'<c:valAx><c:axId val="{axis}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
            f'<c:delete val="0"/><c:axPos val="{position}"/>'
            + ('<c:majorGridlines/>' if gridlines else "")
            + f'<c:numFmt formatCode={quoteattr(number_format)} sourceLinked="0"/><c:majorTickMark val="out"/>'
            '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f'<c:crossAx val="{cross}"/><c:crosses val="{crosses}"/><c:crossBetween val="between"/></c:valAx>')


# ----- the drawing that places the charts on a sheet --------------------------------------------
@dataclass(frozen=True)
class Anchor:
    """Top-left and bottom-right cells of a chart, 0-based (col 0 = A, row 0 = row 1)."""

    from_col: int
    from_row: int
    to_col: int
    to_row: int


@dataclass(frozen=True)
class PlacedChart:
    key: str            # e.g. "aging": the frame is named TOOL_CHART_PREFIX + key
    chart_xml: bytes
    anchor: Anchor
    description: str = ""


@dataclass(frozen=True)
class ChartParts:
    """What the graft writer adds for one sheet's charts.

    `parts`: part name (no leading slash) -> bytes, the drawing, its rels and the charts;
    `content_types`: Override entries, part name with leading slash -> content type;
    `sheet_rel_type` / `sheet_rel_target`: the relationship the sheet's rels need (its id goes
    into a `<drawing r:id="…"/>` element of the sheet XML).
    """

    parts: dict[str, bytes]
    content_types: dict[str, str]
    sheet_rel_type: str
    sheet_rel_target: str


def drawing_parts(charts: Sequence[PlacedChart], drawing_number: int, first_chart_number: int) -> ChartParts:
    """The drawing `xl/drawings/drawing{N}.xml` anchoring each chart, numbered from `first_chart_number`."""
    drawing = f"xl/drawings/drawing{drawing_number}.xml"
    parts: dict[str, bytes] = {}
    anchors, rels = [], []
    for n, chart in enumerate(charts):
        number, rel_id = first_chart_number + n, f"rId{n + 1}"
        parts[f"xl/charts/chart{number}.xml"] = chart.chart_xml
        rels.append(f'<Relationship Id="{rel_id}" Type="{REL_CHART}" Target="../charts/chart{number}.xml"/>')
        anchors.append(_anchor_xml(n + 2, chart, rel_id))
    parts[drawing] = (XML_HEAD + f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">' + "".join(anchors)
                      + "</xdr:wsDr>").encode("utf-8")
    parts[f"xl/drawings/_rels/drawing{drawing_number}.xml.rels"] = (
        XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>").encode("utf-8")
    content_types = {f"/{name}": CT_CHART for name in parts if name.startswith("xl/charts/")}
    content_types[f"/{drawing}"] = CT_DRAWING
    return ChartParts(parts, content_types, REL_DRAWING, f"../drawings/drawing{drawing_number}.xml")


def _anchor_xml(shape_id: int, chart: PlacedChart, rel_id: str) -> str:
    a = chart.anchor
    corner = "<xdr:col>{}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{}</xdr:row><xdr:rowOff>0</xdr:rowOff>"
    name = quoteattr(TOOL_CHART_PREFIX + chart.key)
    return ('<xdr:twoCellAnchor editAs="oneCell">'
            f'<xdr:from>{corner.format(a.from_col, a.from_row)}</xdr:from>'
            f'<xdr:to>{corner.format(a.to_col, a.to_row)}</xdr:to>'
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{shape_id}" name={name} '
            f'descr={quoteattr(chart.description)}/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{NS_C}"><c:chart xmlns:c="{NS_C}" xmlns:r="{NS_R}" r:id="{rel_id}"/>'
            '</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>')


def tool_chart_rel_ids(drawing_xml: bytes) -> list[str]:
    """The relationship ids of the tool's charts in an existing drawing (the ones a refresh replaces)."""
    root = etree.fromstring(drawing_xml)
    ids = []
    for frame in root.iter(f"{{{NS_XDR}}}graphicFrame"):
        name = frame.find(f"{{{NS_XDR}}}nvGraphicFramePr/{{{NS_XDR}}}cNvPr")
        chart = frame.find(f".//{{{NS_C}}}chart")
        if name is not None and chart is not None and name.get("name", "").startswith(TOOL_CHART_PREFIX):
            ids.append(chart.get(f"{{{NS_R}}}id"))
    return ids


def next_part_number(part_names: Iterable[str], folder: str, stem: str) -> int:
    """The first free N for `{folder}/{stem}N.xml` in a package (1 when none exists)."""
    pattern = re.compile(rf"^/?{re.escape(folder)}/{re.escape(stem)}(\d+)\.xml$")
    used = [int(m.group(1)) for name in part_names if (m := pattern.match(name))]
    return max(used, default=0) + 1


# ----- from the pipeline's chart records ----------------------------------------------------------
def range_ref(cells: CellRange) -> str:
    """`'账龄分析'!$B$2:$B$7`, or `'KPIs'!$B$1` for one cell."""
    first = f"${column_letter(cells.first_col)}${cells.first_row}"
    last = f"${column_letter(cells.last_col)}${cells.last_row}"
    return f"{quote_sheet(cells.sheet)}!{first}" + (f":{last}" if last != first else "")


def placed_chart(chart: OutputChart) -> PlacedChart:
    """The chart part and anchor of an `OutputChart`."""
    series = [Series(s.name, range_ref(s.name_cell), s.categories, range_ref(s.categories_range), s.values,
                     range_ref(s.values_range)) for s in chart.series]
    if chart.kind == "trend":
        xml = trend_chart(chart.title, series[0], series[1])
    else:
        xml = bar_chart(chart.title, series, stacked=chart.kind == "stacked_columns",
                        horizontal=chart.kind == "top_bars")
    return PlacedChart(chart.key, xml, Anchor(*chart.anchor), chart.description)


ANCHOR_TAGS = tuple(f"{{{NS_XDR}}}{tag}" for tag in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"))


def rebuild_drawing(existing: bytes | None, charts: Sequence[PlacedChart], chart_rel_ids: Sequence[str]
                    ) -> tuple[bytes, list[str]]:
    """A sheet's drawing with the tool's previous charts taken out and `charts` put in.

    `existing`: the sheet's drawing XML or None; every anchor that is not one of the tool's
    charts (a user's chart, picture or shape) is kept as it is. `chart_rel_ids`: the drawing
    relationship id of each new chart. Returns the drawing XML and the relationship ids of the
    tool charts removed (their relationships and parts go too).
    """
    if existing is None:
        root = etree.fromstring(f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}"/>'.encode())
    else:
        root = etree.fromstring(existing)
    removed = tool_chart_rel_ids(existing) if existing is not None else []
    for anchor in [a for a in root if a.tag in ANCHOR_TAGS]:
        name = anchor.find(f"{{{NS_XDR}}}graphicFrame/{{{NS_XDR}}}nvGraphicFramePr/{{{NS_XDR}}}cNvPr")
        if name is not None and name.get("name", "").startswith(TOOL_CHART_PREFIX):
            root.remove(anchor)
    ids = [int(e.get("id")) for e in root.iter(f"{{{NS_XDR}}}cNvPr") if (e.get("id") or "").isdigit()]
    next_id = max(ids, default=1) + 1
    for n, (chart, rel_id) in enumerate(zip(charts, chart_rel_ids)):
        root.append(etree.fromstring(_anchor_xml(next_id + n, chart, rel_id).replace(
            "<xdr:twoCellAnchor ", f'<xdr:twoCellAnchor xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}" ', 1)))
    return XML_HEAD.encode() + etree.tostring(root, encoding="UTF-8"), removed
