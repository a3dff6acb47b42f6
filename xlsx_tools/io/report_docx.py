"""The monthly report as Word: the report template rendered with docxtpl, charts as images.

    render_report(report, out_dir / "monthly_report_2026-11.docx")

The template (`report_templates/{lang}/monthly_report.docx`, built by
`build/report_template.py`) holds the words; this fills in the figures. Tables are built as
sub-documents because the aging table's columns follow the Policy's buckets; the charts are
`io.report_charts` images of the workbook's own charts. The file is written atomically.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docxtpl import DocxTemplate, InlineImage

from ..present.report import MonthlyReport, ReportTable
from ..shipped import REPORT_TEMPLATES
from .atomic import replacing
from .letters_docx import clean_context
from .pdf import PdfFailed, PdfUnavailable, convert_to_pdf
from .report_charts import chart_png

TEMPLATE_NAME = "monthly_report.docx"
CHART_WIDTHS_MM = {"trend": 205, "aging": 225}
TABLE_SIZE = Pt(8)
TABLE_WIDTH = Cm(26.1)           # the landscape page between the template's margins
HEAD_FILL = "D9E1F2"
MORE_COLOUR = RGBColor(0x59, 0x59, 0x59)
NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?( |$)")


def template_path(lang: str, folder: Path | None = None) -> Path:
    return (folder or REPORT_TEMPLATES) / lang / TEMPLATE_NAME


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _keep_rows_whole(row, header: bool) -> None:
    """A row never splits over two pages; the head row repeats on every page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _is_number(text: str) -> bool:
    """Amounts, rates, days and changes ("+1,234.50 (+12.0%)") are right-aligned."""
    return NUMBER.match(text) is not None


def table_subdoc(template: DocxTemplate, table: ReportTable):
    """A bordered table: bold shaded head row, numbers right-aligned, the 'more' line under it."""
    sub = template.new_subdoc()
    grid = sub.add_table(rows=1 + len(table.rows), cols=len(table.heads))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    weights = table.weights or (1,) * len(table.heads)
    widths = [int(TABLE_WIDTH * w / sum(weights)) for w in weights]
    for column, width in zip(grid.columns, widths):
        column.width = width
    for r, values in enumerate((table.heads, *table.rows)):
        row = grid.rows[r]
        _keep_rows_whole(row, header=r == 0)
        for c, text in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if r and c and _is_number(text):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(clean_context(text))
            run.font.size = TABLE_SIZE
            run.bold = r == 0
            if r == 0:
                _shade(cell, HEAD_FILL)
            if r == len(table.rows) and table.more:
                paragraph.paragraph_format.keep_with_next = True   # the "more" line never stands alone
    if table.more:
        paragraph = sub.add_paragraph()
        run = paragraph.add_run(clean_context(table.more))
        run.font.size = TABLE_SIZE
        run.font.color.rgb = MORE_COLOUR
    return sub


def _image(template: DocxTemplate, report: MonthlyReport, key: str):
    chart = report.charts.get(key)
    if chart is None:
        return ""
    return InlineImage(template, io.BytesIO(chart_png(chart)), width=Mm(CHART_WIDTHS_MM[key]))


def render_report(report: MonthlyReport, path: Path, templates: Path | None = None) -> Path:
    """Write the report's Word file to `path` (atomically) and return it."""
    template = DocxTemplate(str(template_path(report.lang, templates)))
    context = {
        **clean_context({"title": report.title, "subtitle": report.subtitle, "provision": report.provision,
                         "promises": report.promises, "agenda": list(report.agenda)}),
        "kpi_table": table_subdoc(template, report.kpis), "aging_table": table_subdoc(template, report.aging),
        "targets_table": table_subdoc(template, report.targets),
        "broken_table": table_subdoc(template, report.broken) if report.broken is not None else "",
        "expiries_table": table_subdoc(template, report.expiries),
        "trend_chart": _image(template, report, "trend"), "aging_chart": _image(template, report, "aging"),
    }
    template.render(context, autoescape=True)
    with replacing(path, suffix=".docx") as temp:
        template.save(str(temp))
    return path


def report_pdf(docx: Path) -> tuple[Path | None, str | None]:
    """The report's PDF beside its Word file (one LibreOffice call), or None and why not."""
    try:
        return convert_to_pdf([docx], docx.parent)[0], None
    except (PdfUnavailable, PdfFailed) as problem:
        return None, str(problem)
