"""Build the shipped monthly-report templates (`report_templates/{zh,en}/monthly_report.docx`).

Like the letters, the report is a Word template rendered with docxtpl and printed through
LibreOffice; a manager may edit the headings, their order, fonts and page in Word. The
template holds the words; the figures come in as variables (`io.report_docx`):

    title, subtitle, provision, promises      texts
    kpi_table, aging_table, targets_table,    tables (sub-documents: the aging table's columns
    broken_table, expiries_table              follow the Policy's buckets)
    trend_chart, aging_chart                  images of the workbook's own charts
    agenda                                    the §4 warning lines, one paragraph each

    python -m xlsx_tools.build.report_template report_templates
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from ..core import i18n
from ..core.i18n import Lang
from .letter_templates import FONTS, GREY, Letter, _set_run_fonts

FILE_NAME = "monthly_report.docx"
HEADINGS = {
    "kpis": {"zh": "一、关键指标（全部业务）", "en": "1. Key figures (overall)"},
    "aging": {"zh": "二、各业务线账龄", "en": "2. Aging by business line"},
    "agenda": {"zh": "三、会议议题：§4 预警及触发的业务线", "en": "3. Meeting agenda: §4 warnings and the lines behind them"},
    "targets": {"zh": "四、重点催收对象与高风险客户", "en": "4. Key targets and high-risk customers"},
    "promises": {"zh": "五、付款承诺与违约", "en": "5. Promises to pay and broken promises"},
    "expiries": {"zh": "六、未来 180 天内届满的诉讼时效", "en": "6. Limitation periods ending in the next 180 days"},
}
HEADER = {"zh": "应收账款催收月报 · 内部资料", "en": "Collections monthly report · internal"}


class ReportDocument(Letter):
    """A landscape A4 page with the letters' fonts and styles, a header and page numbers."""

    def __init__(self, lang: Lang):
        super().__init__(lang, HEADER[lang])

    def _setup_page(self, header_text: str, letterhead: Sequence[str] = ()) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.4)
        section.left_margin = section.right_margin = Cm(1.8)
        section.header_distance, section.footer_distance = Cm(0.7), Cm(0.6)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(header_text)
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
        self._page_footer(section, "{{ title }}", Cm(26.1))

    def heading(self, key: str, page_break: bool = False) -> None:
        """A section heading kept with what follows, optionally starting a new page."""
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(10)
        paragraph.paragraph_format.space_after = Pt(4)
        if page_break:
            paragraph.paragraph_format.page_break_before = True
        run = paragraph.add_run(HEADINGS[key][self.lang])
        run.bold = True
        run.font.size = Pt(12)
        latin, east = FONTS[self.lang]["title"]
        run.font.name = latin
        _set_run_fonts(run._r, latin, east)

    def line(self, text: str, *, keep: bool = False, centre: bool = False, size: float | None = None,
             gap_before: float = 0) -> None:
        """A paragraph; `gap_before` (points) keeps a chart image off the table above it, whose
        bottom border LibreOffice would otherwise paint under the image."""
        paragraph = self.doc.add_paragraph(text)
        paragraph.paragraph_format.keep_with_next = keep
        if gap_before:
            paragraph.paragraph_format.space_before = Pt(gap_before)
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if size is not None:
            for run in paragraph.runs:
                run.font.size = Pt(size)


def build_report_template(lang: Lang) -> bytes:
    """The .docx bytes of the shipped monthly-report template in `lang`."""
    doc = ReportDocument(lang)
    doc.title("{{ title }}")
    doc.note("{{ subtitle }}")
    doc.heading("kpis")
    doc.line("{{p kpi_table }}")
    doc.line("{{ trend_chart }}", centre=True, gap_before=8)
    doc.heading("aging", page_break=True)
    doc.line("{{ aging_chart }}", centre=True, keep=True)
    doc.line("{{p aging_table }}")
    doc.line("{{ provision }}")
    doc.heading("agenda")
    doc.line("{%p for item in agenda %}")
    doc.line("• {{ item }}")
    doc.line("{%p endfor %}")
    doc.heading("targets")
    doc.line("{{p targets_table }}")
    doc.heading("promises")
    doc.line("{{ promises }}", keep=True)
    doc.line("{%p if broken_table %}")
    doc.line("{{p broken_table }}")
    doc.line("{%p endif %}")
    doc.heading("expiries")
    doc.line("{{p expiries_table }}")
    return doc.to_bytes()


def write_report_templates(folder: str | Path) -> list[Path]:
    """Write `folder/{lang}/monthly_report.docx` for every language; returns the paths."""
    written = []
    for lang in i18n.LANGS:
        path = Path(folder) / lang / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_report_template(lang))
        written.append(path)
    return written


#: The checkout's `report_templates/` folder, which `main` rebuilds.
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "report_templates"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for path in write_report_templates(Path(args[0]) if args else SHIPPED_DIR):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
