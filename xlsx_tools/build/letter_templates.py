"""Build the shipped letter templates (`letter_templates/{zh,en}/{kind}.docx`) with python-docx.

The templates are user data: clerks edit them in Word.  This module is how the
shipped versions are made, so they can be rebuilt and reviewed as code:

    python -m xlsx_tools.build.letter_templates letter_templates

Every template uses only the variables of `core.letters.CONTEXT_NAMES` and renders
with docxtpl; invoice tables repeat one row per invoice with `{%tr for %}`.
Building is deterministic: fixed document properties and zip timestamps.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap as docx_nsmap
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from ..core import i18n
from ..core.i18n import Lang
from ..core.letters import KINDS

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
GREY = RGBColor(0x59, 0x59, 0x59)

FONTS = {
    # (Latin, East Asian) per role.  SimSun/SimHei ship with Windows; LibreOffice
    # substitutes Noto CJK for them (see io/pdf.py).
    "zh": {"body": ("Times New Roman", "SimSun"), "title": ("Times New Roman", "SimHei")},
    "en": {"body": ("Times New Roman", "SimSun"), "title": ("Arial", "SimHei")},
}
BODY_SIZE = Pt(10.5)
TABLE_SIZE = Pt(8.5)
TITLE_SIZE = Pt(16)
CELL_MARGIN_TWIPS = 57          # 0.1 cm: left and right padding of a data table's cells
# Simplified Chinese faces: LibreOffice falls back to these when SimSun / SimHei are missing,
# so 角 and the other 大写 characters never take the Japanese glyph forms (see io/pdf.py).
SC_FALLBACK = {"SimSun": "Noto Serif CJK SC", "SimHei": "Noto Sans CJK SC"}
# How a letter addresses an individual (Customer Type `individual`) instead of a company.
PERSONAL = {
    "zh": (("贵司", "您"),),
    "en": (("Your company is liable", "You are liable"), ("your company owes", "you owe"),
           ("your company", "you"), ("Your company", "You")),
}


# ----- low-level helpers ---------------------------------------------------------------------------------
def _set_run_fonts(rpr_owner, latin: str, east_asia: str) -> None:
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def personal_forms(text: str, lang: Lang) -> str:
    """`text` with each company form of address wrapped in a choice: the personal form for individuals."""
    for company, person in PERSONAL[lang]:
        if company in text:
            parts = text.split(company)
            choice = "{% if customer.individual %}" + person + "{% else %}" + company + "{% endif %}"
            text = choice.join(personal_forms(part, lang) for part in parts)
            break
    return text


#: The language of Latin-script text (figures, invoice numbers, codes); East Asian text is zh-CN in
#: both.  A Chinese letter marks it en-US, as Word on a Chinese Windows does: marked zh-CN, LibreOffice
#: breaks lines inside numbers ("13,070.7" | "2 元").
LATIN_LANGUAGE = {"zh": "en-US", "en": "en-GB"}


class Letter:
    """A python-docx document with the few paragraph kinds letters need.

    Inside `keep()` ... `end_keep()` every paragraph is kept with the next and kept whole, so a
    signature block or reply slip never splits and never stands alone on a page."""

    def __init__(self, lang: Lang, header_text: str, letterhead: Sequence[str] = ()):
        self.lang = lang
        self.doc = Document()
        self._keeping = False
        self._setup_styles()
        self._setup_page(header_text, letterhead)

    def keep(self) -> None:
        """Start a block that stays together and with what comes before it: the paragraph, or after
        a table the table's last row, so a sign-off under a long table never stands alone on a page.
        docxtpl's `{%p ...%}` lines vanish when rendered, so they are looked through; a paragraph
        behind one may vanish too, so the element before it is kept with it as well."""
        self._keep_previous(self.doc.element.body[:-1][::-1])      # the body ends with its sectPr
        self._keeping = True

    @staticmethod
    def _keep_previous(elements: Sequence) -> None:
        conditional = False
        for element in elements:
            if element.tag == qn("w:tbl"):
                for paragraph in element.findall(qn("w:tr"))[-1].iter(qn("w:p")):
                    Paragraph(paragraph, None).paragraph_format.keep_with_next = True
                return
            if element.tag != qn("w:p"):
                return
            paragraph = Paragraph(element, None)
            if paragraph.text.startswith("{%p"):
                conditional = True
                continue
            paragraph.paragraph_format.keep_with_next = True
            if not conditional:
                return
            conditional = False

    def end_keep(self) -> None:
        self._keeping = False
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = False

    def _add(self, text: str = ""):
        paragraph = self.doc.add_paragraph(personal_forms(text, self.lang) if text else text)
        if self._keeping:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True
        return paragraph

    # -- document setup
    def _setup_styles(self) -> None:
        latin, east = FONTS[self.lang]["body"]
        normal = self.doc.styles["Normal"]
        normal.font.name = latin
        normal.font.size = BODY_SIZE
        _set_run_fonts(normal.element, latin, east)
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(3)
        pf.line_spacing = 1.0 if self.lang == "zh" else 1.15    # Noto CJK lines are tall already
        lang = normal.element.get_or_add_rPr()
        tag = OxmlElement("w:lang")
        tag.set(qn("w:val"), LATIN_LANGUAGE[self.lang])
        tag.set(qn("w:eastAsia"), "zh-CN")
        lang.append(tag)
        self._chinese_everywhere(latin, east)
        with _core_properties_prefix():
            props = self.doc.core_properties
            props.author = "xlsx_tools"
            props.last_modified_by = "xlsx_tools"
            props.created = FIXED_TIME
            props.modified = FIXED_TIME
            props.revision = 1
            props.comments = ""
            props.language = "zh-CN" if self.lang == "zh" else "en-GB"

    def _chinese_everywhere(self, latin: str, east: str) -> None:
        """East Asian text is Simplified Chinese in every style: document defaults in zh-CN with named
        fonts (not theme fonts, whose East Asian face follows `themeFontLang`, ja-JP in python-docx's
        default), and an SC fallback for each Windows font in the font table."""
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = defaults.find(qn("w:rFonts"))
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), latin)
        fonts.set(qn("w:eastAsia"), east)
        lang = defaults.find(qn("w:lang"))
        lang.set(qn("w:val"), LATIN_LANGUAGE[self.lang])
        lang.set(qn("w:eastAsia"), "zh-CN")
        for style_fonts in styles.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                style_fonts.attrib.pop(qn(attr), None)
        settings = self.doc.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        font_table = next(rel.target_part for rel in self.doc.part.rels.values()
                          if rel.reltype.endswith("/fontTable"))
        root = etree.fromstring(font_table.blob)
        for name, fallback in SC_FALLBACK.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), fallback)
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")
            family = etree.SubElement(font, qn("w:family"))
            family.set(qn("w:val"), "roman" if name == "SimSun" else "modern")
        font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_page(self, header_text: str, letterhead: Sequence[str] = ()) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2.6 if letterhead else 2.1), Cm(1.9)
        section.left_margin, section.right_margin = Cm(2.5), Cm(2.3)
        section.header_distance, section.footer_distance = Cm(1.0), Cm(0.9)
        header = section.header.paragraphs[0]
        header.text = ""
        header.paragraph_format.space_after = Pt(0)
        run = header.add_run(header_text)
        run.font.size = Pt(11 if letterhead else 9)
        run.bold = bool(letterhead)
        run.font.color.rgb = None if letterhead else GREY
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER if letterhead else WD_ALIGN_PARAGRAPH.RIGHT
        last = header
        for line in letterhead:          # the sender's letterhead: address, phone, contact
            last = section.header.add_paragraph()
            last.alignment = WD_ALIGN_PARAGRAPH.CENTER
            last.paragraph_format.space_after = Pt(0)
            small = last.add_run(line)
            small.font.size = Pt(8)
            small.font.color.rgb = GREY
        self._bottom_border(last)
        self._page_footer(section, "函件编号：{{ letter_no }}" if self.lang == "zh" else "Ref. {{ letter_no }}",
                          Cm(16.2))

    def _page_footer(self, section, label: str, right_edge: Cm) -> None:
        """The footer line: `label` on the left, "page n of N" (live fields) at the right edge."""
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(right_edge, WD_TAB_ALIGNMENT.RIGHT)
        parts: list[str | tuple[str]] = ([f"{label}\t第 ", ("PAGE",), " 页 共 ", ("NUMPAGES",), " 页"]
                                         if self.lang == "zh" else [f"{label}\tPage ", ("PAGE",), " of ", ("NUMPAGES",)])
        for part in parts:
            if isinstance(part, tuple):
                self._field(footer, part[0])
            else:
                run = footer.add_run(part)
                run.font.size = Pt(8)
                run.font.color.rgb = GREY

    @staticmethod
    def _bottom_border(paragraph) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "A6A6A6")):
            bottom.set(qn(key), value)
        border.append(bottom)
        ppr.append(border)

    @staticmethod
    def _field(paragraph, instruction: str) -> None:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" {instruction} ")
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "16")
        rpr.append(size)
        run.append(rpr)
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    # -- paragraphs
    def title(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(8)
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = TITLE_SIZE
        latin, east = FONTS[self.lang]["title"]
        run.font.name = latin
        _set_run_fonts(run._r, latin, east)

    def note(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.italic = True
        run.font.size = Pt(9)
        run.font.color.rgb = GREY

    def banner(self, text: str) -> None:
        """A boxed, shaded warning line under the title: the document is a draft, not for sending."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(6)
        ppr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        for side in ("top", "left", "bottom", "right"):
            edge = OxmlElement(f"w:{side}")
            for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "2"), ("w:color", "C00000")):
                edge.set(qn(key), value)
            borders.append(edge)
        ppr.append(borders)
        shade = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "FDE9E7")):
            shade.set(qn(key), value)
        ppr.append(shade)
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(11)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    def conditional(self, condition: str, text: str) -> None:
        """A paragraph that exists only when `condition` holds (docxtpl's paragraph-level `{%p if %}`)."""
        self._add(f"{{%p if {condition} %}}")
        self.indented(text)
        self._add("{%p endif %}")

    def repeated(self, loop: str, text: str) -> None:
        """One indented paragraph per item of `loop` (docxtpl's paragraph-level `{%p for %}`)."""
        self._add(f"{{%p for {loop} %}}")
        self.indented(text)
        self._add("{%p endfor %}")

    def right(self, text: str, bold: bool = False) -> None:
        paragraph = self._add()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(personal_forms(text, self.lang)).bold = bold

    def line(self, text: str, bold: bool = False, space_before: int | None = None) -> None:
        paragraph = self._add()
        run = paragraph.add_run(personal_forms(text, self.lang))
        run.bold = bold
        if space_before is not None:
            paragraph.paragraph_format.space_before = Pt(space_before)

    def text(self, text: str) -> None:
        """A body paragraph with a first-line indent (two characters in Chinese)."""
        paragraph = self._add(text)
        paragraph.paragraph_format.first_line_indent = Pt(21) if self.lang == "zh" else None
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def heading(self, text: str) -> None:
        self.line(text, bold=True, space_before=4)
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True

    def indented(self, text: str) -> None:
        paragraph = self._add(text)
        paragraph.paragraph_format.left_indent = Cm(0.75)
        paragraph.paragraph_format.space_after = Pt(0)

    def blank(self) -> None:
        self._add().paragraph_format.space_after = Pt(0)

    # -- tables
    def _cell_text(self, cell, text: str, bold: bool = False, align=None, size=TABLE_SIZE) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        ppr = paragraph._p.get_or_add_pPr()
        for name in ("w:autoSpaceDE", "w:autoSpaceDN"):     # no extra gap between 2026 and 年 in narrow cells
            flag = OxmlElement(name)
            flag.set(qn("w:val"), "0")
            ppr.append(flag)
        if align is not None:
            paragraph.alignment = align
        for n, line in enumerate(text.split("\n")):       # "\n": a line break where a header may part
            run = paragraph.add_run(line)
            run.bold = bold
            run.font.size = size
            if n:
                run._r.insert(run._r.index(run._r.find(qn("w:t"))), OxmlElement("w:br"))

    def loop_table(self, headers: Sequence[str], cells: Sequence[str], loop: str, widths: Sequence[float],
                   numeric: Iterable[int] = (), total: Sequence[str] | None = None, size=TABLE_SIZE) -> None:
        """Header row, one docxtpl-repeated row per item of `loop`, optional total row."""
        numeric = set(numeric)
        rows = 3 + (1 if total else 0) + 1
        table = self.doc.add_table(rows=rows, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for n, header in enumerate(headers):
            self._cell_text(table.cell(0, n), header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
            self._shade(table.cell(0, n), "DDEBF7")
        self._cell_text(table.cell(1, 0), f"{{%tr for {loop} %}}")
        for n, expression in enumerate(cells):
            align = WD_ALIGN_PARAGRAPH.RIGHT if n in numeric else None
            self._cell_text(table.cell(2, n), expression, align=align, size=size)
        self._cell_text(table.cell(3, 0), "{%tr endfor %}")
        self._widths(table, widths)
        if total:
            label_span = next((n for n, text in enumerate(total[1:], start=1) if text), len(total)) - 1
            for n, text in enumerate(total):
                if n and n <= label_span and n < 4:
                    continue
                align = WD_ALIGN_PARAGRAPH.RIGHT if n in numeric else None
                self._cell_text(table.cell(4, n), text, bold=True, align=align, size=size)
            span = min(label_span, 3)
            if span:
                table.cell(4, 0).merge(table.cell(4, span))     # "合计" across the first columns
        self._rows_whole(table)
        self._mark_header(table.rows[0])
        self._narrow_margins(table)
        self._after_table()

    @staticmethod
    def _rows_whole(table) -> None:
        """No row splits across a page break (half an invoice's dates on each page, found by an audit)."""
        for row in table.rows:
            row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))     # before tblHeader

    @staticmethod
    def _narrow_margins(table) -> None:
        """0.1 cm either side of a cell's text (Table Grid gives 0.19 cm): with the widths of the
        tables below, 999,999,999.99, a date and every header word fit their columns on one line."""
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)
        table._tbl.tblPr.find(qn("w:tblLayout")).addnext(margins)      # the schema's place: after the layout

    def _after_table(self) -> None:
        gap = self.doc.add_paragraph()
        gap.paragraph_format.space_after = Pt(0)
        gap.paragraph_format.line_spacing = 0.6

    def key_value_table(self, pairs: Sequence[tuple[str, str]], widths: tuple[float, float] = (3.6, 12.6)) -> None:
        table = self.doc.add_table(rows=len(pairs), cols=2)
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        for row, (key, value) in enumerate(pairs):
            self._cell_text(table.cell(row, 0), key, bold=True, size=Pt(10))
            self._shade(table.cell(row, 0), "F2F2F2")
            self._cell_text(table.cell(row, 1), value, size=Pt(10))
        self._widths(table, widths)
        self._rows_whole(table)
        self._after_table()

    def reply_table(self, columns: Sequence[Sequence[str]]) -> None:
        """Side-by-side reply boxes, one paragraph per line."""
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        self._widths(table, [16.2 / len(columns)] * len(columns))
        trpr = table.rows[0]._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))          # the slip is never broken across pages
        for n, lines in enumerate(columns):
            cell = table.cell(0, n)
            first = True
            for text in lines:
                paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                paragraph.paragraph_format.space_after = Pt(2)
                paragraph.paragraph_format.keep_with_next = True
                run = paragraph.add_run(personal_forms(text, self.lang))
                run.font.size = Pt(10)
                if text.startswith("「") or text.startswith("\u201c"):
                    run.bold = True

    @staticmethod
    def _widths(table, widths: Sequence[float]) -> None:
        """Column widths in the grid (what LibreOffice reads) and in every cell (what Word reads)."""
        for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(int(Cm(width).twips)))
        table_width = table._tbl.tblPr.find(qn("w:tblW"))
        table_width.set(qn("w:type"), "dxa")
        table_width.set(qn("w:w"), str(sum(int(Cm(width).twips) for width in widths)))
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)

    @staticmethod
    def _shade(cell, colour: str) -> None:
        tcpr = cell._tc.get_or_add_tcPr()
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:color"), "auto")
        shade.set(qn("w:fill"), colour)
        tcpr.append(shade)

    @staticmethod
    def _mark_header(row) -> None:
        trpr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        trpr.append(header)

    # -- output
    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _fixed_zip(buffer.getvalue())


CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


@contextmanager
def _core_properties_prefix() -> Iterator[None]:
    """python-docx's own meaning of the `cp:` prefix while the core properties are set: docxcompose
    (imported with docxtpl) re-points it at the custom-properties namespace, and the built bytes
    then depended on whether the letter renderer had been imported first."""
    saved = docx_nsmap["cp"]
    docx_nsmap["cp"] = CORE_PROPERTIES_NS
    try:
        yield
    finally:
        docx_nsmap["cp"] = saved


def _fixed_zip(data: bytes) -> bytes:
    """The same parts in the same order with fixed timestamps: reproducible bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _sign_off(letter: Letter, review_zh: str, review_en: str) -> None:
    """An internal record's last lines, kept together: who prepared it, who reviews it, the date."""
    letter.keep()
    if letter.lang == "zh":
        letter.line(f"编制：{{{{ company.signatory }}}}　　　{review_zh}：________________", space_before=8)
        letter.line("日期：{{ date }}")
    else:
        letter.line(f"Prepared by: {{{{ company.signatory }}}}      {review_en}: ________________", space_before=8)
        letter.line("Date: {{ date }}")
    letter.end_keep()


# ----- shared blocks -------------------------------------------------------------------------------------------
INVOICE_LOOP = "inv in invoices"
INVOICE_CELLS = ("{{ loop.index }}", "{{ inv.no }}", "{{ inv.invoice_date }}", "{{ inv.due_date }}",
                 "{{ inv.amount }}", "{{ inv.paid }}", "{{ inv.open }}", "{{ inv.days }}")
# Each on one line: a 13-character invoice number (INV-2026-0001), 2026年12月30日 / 30 September 2026,
# 999,999,999.99 in bold and every header word (tests/io/test_letter_tables.py measures them); eight
# invoices and the reply slip of a confirmation fit one page.
INVOICE_WIDTHS = {"zh": (0.9, 2.3, 2.65, 2.65, 2.15, 2.15, 2.15, 1.25),
                  "en": (0.8, 2.25, 2.6, 2.6, 2.15, 2.15, 2.15, 1.5)}
INVOICE_HEADERS = {
    "zh": ("序号", "单据号", "开票日期", "到期日", "金额（元）", "已付（元）", "未付（元）", "逾期\n天数"),
    "en": ("No.", "Invoice", "Invoice date", "Due date", "Amount (CNY)", "Paid (CNY)", "Open (CNY)",
           "Days overdue"),
}
TOTAL_ROW = {"zh": ("合计", "", "", "", "", "", "{{ total }}", ""),
             "en": ("Total", "", "", "", "", "", "{{ total }}", "")}
# Demand notices and lawyer's letters add each invoice's interest up to the as-of date.
INTEREST_WIDTHS = {"zh": (0.78, 2.13, 2.37, 2.37, 1.9, 1.9, 1.9, 0.95, 1.9),   # as INVOICE_WIDTHS, at 7.5 pt
                   "en": (0.7, 2.0, 2.3, 2.3, 1.92, 1.92, 1.92, 1.22, 1.92)}
INTEREST_TABLE_SIZE = Pt(7.5)       # nine columns on the page width
INTEREST_HEADER = {"zh": "逾期利息\n（元）", "en": "Interest (CNY)"}   # zh: the unit on a line of its own, so 欧元 stays whole


CURRENCY_TOTAL = {
    "zh": "以上{{ cur.name }}款项合计{% if cur.is_cny %}¥{% else %} {{ cur.code }} {% endif %}{{ cur.total }}"
          "{% if cur.words %}（{% if cur.is_cny %}大写{% else %}英文{% endif %}："
          "{{ cur.words }}）{% endif %}。",
    "en": "These {{ cur.code }} amounts total {{ cur.code }} {{ cur.total }}{% if cur.words %} "
          "({% if cur.is_cny %}in Chinese capitals{% else %}in words{% endif %}: {{ cur.words }}){% endif %}.",
}


def _in_table_unit(header: str) -> str:
    """A header in the table's currency: 金额（元） as before; 金额(美元) with narrow brackets, which keep
    the header on one line in the column."""
    return (header.replace("（元）", "{% if cur.is_cny %}（元）{% else %}({{ cur.unit }}){% endif %}")
            .replace("(CNY)", "({{ cur.unit }})"))


def _currency_tables(letter: Letter, zh_lead: str, en_lead: str, interest: bool = False,
                     amount_line: Callable[[], None] | None = None) -> None:
    """One invoice table per currency with its total (issue 12); a CNY-only letter reads as before:
    one table, then the total in figures and 大写 (`amount_line`, by default `_amount_line`)."""
    lang = letter.lang
    headers = tuple(_in_table_unit(header) for header in INVOICE_HEADERS[lang])
    total = tuple(cell.replace("{{ total }}", "{{ cur.total }}") for cell in TOTAL_ROW[lang])
    letter.line("{%p for cur in currency_tables %}")     # the headers name each table's currency
    if interest:
        letter.loop_table(headers + (_in_table_unit(INTEREST_HEADER[lang]),),
                          INVOICE_CELLS + ("{{ inv.interest }}",), "inv in cur.invoices", INTEREST_WIDTHS[lang],
                          numeric=(4, 5, 6, 7, 8), total=total + ("{{ cur.interest }}",), size=INTEREST_TABLE_SIZE)
    else:
        letter.loop_table(headers, INVOICE_CELLS, "inv in cur.invoices", INVOICE_WIDTHS[lang], numeric=(4, 5, 6, 7),
                          total=total)
    if not interest:                # with interest, `_currency_interest_lines` states each principal
        letter.line("{%p if not single_cny %}")
        letter.text(CURRENCY_TOTAL[lang])
        letter.line("{%p endif %}")
    letter.line("{%p endfor %}")
    letter.line("{%p if single_cny %}")
    if amount_line is None:
        _amount_line(letter, zh_lead, en_lead)
    else:
        amount_line()
    letter.line("{%p endif %}")


# A letter in several currencies states the interest and the claim per currency, each in its own money.
CURRENCY_CLAIM = {
    "zh": "{{ cur.name }}：本金 {{ cur.principal }}{% if cur.has_interest %}，逾期利息 {{ cur.interest }}"
          "（{{ cur.interest_basis }}，目前每日{{ cur.daily_interest }}）{% endif %}，"
          "本息合计 {{ cur.claim_total }}{% if cur.claim_total_words %}（{% if cur.is_cny %}大写"
          "{% else %}英文{% endif %}：{{ cur.claim_total_words }}）{% endif %}。",
    "en": "{{ cur.code }}: principal {{ cur.principal }}{% if cur.has_interest %}, interest "
          "{{ cur.interest }} ({{ cur.interest_basis }}; currently {{ cur.daily_interest }} a day){% endif %}; total {{ cur.code }} {{ cur.claim_total }}"
          "{% if cur.claim_total_words %} ({% if cur.is_cny %}in Chinese capitals{% else %}in words{% endif %}: "
          "{{ cur.claim_total_words }}){% endif %}.",
}


def _currency_interest_lines(letter: Letter, lawyer: bool = False) -> None:
    """`_interest_lines` for a CNY-only letter; else the interest and claim of each currency."""
    letter.line("{%p if single_cny %}")
    _interest_lines(letter, lawyer)
    letter.line("{%p else %}")
    if letter.lang == "zh":
        who = "委托人" if lawyer else "我司"
        letter.text("{% if has_interest %}贵司逾期付款，应赔偿" + who + "逾期付款损失，逾期利息自各笔款项到期日次日起算"
                    "（明细见上表），至实际付清之日止按同一标准继续计算。{% endif %}合同另有约定的，" + who +
                    "保留按约定主张的权利。截至{{ as_of }}，贵司应付：")
    else:
        letter.text("{% if has_interest %}Your company is liable for " + ("our client's" if lawyer else "our") +
                    " loss from late payment: interest from the day after each due date (see the tables), accruing "
                    "on the same basis until payment in full. {% endif %}Where the contract provides otherwise, " +
                    ("our client reserves its" if lawyer else "we reserve our") + " rights under it. As at "
                    "{{ as_of }} your company owes:")
    letter.line("{%p for cur in currency_tables %}")
    letter.indented(CURRENCY_CLAIM[letter.lang])
    letter.line("{%p endfor %}")
    letter.line("{%p endif %}")


def _interest_lines(letter: Letter, lawyer: bool = False) -> None:
    """The interest up to the as-of date, its basis, and principal + interest in figures and capitals."""
    if letter.lang == "zh":
        who = "委托人" if lawyer else "我司"
        letter.text("{% if has_interest %}贵司逾期付款，应赔偿" + who + "逾期付款损失：自各笔款项到期日次日起至{{ as_of }}止，"
                    "逾期利息{{ interest_basis }}，共计人民币¥{{ interest }}元（各笔明细见上表）。{% endif %}"
                    "{% if has_interest %}自{{ as_of }}次日起至实际付清之日止，逾期利息按上述标准继续计算，"
                    "目前每日人民币¥{{ daily_interest }}元。{% endif %}"
                    "合同对逾期付款责任另有约定的，" + who + "保留按约定主张的权利。")
        letter.text("截至{{ as_of }}，贵司应付本金人民币¥{{ principal }}元，逾期利息人民币¥{{ interest }}元，"
                    "本息合计人民币（小写）¥{{ claim_total }}元，（大写）{{ claim_total_words }}。")
    else:
        whom = "our client" if lawyer else "us"
        letter.text("{% if has_interest %}Your company is liable for the loss caused to " + whom + " by late payment: "
                    "interest from the day after each due date to {{ as_of }}, computed {{ interest_basis }}, amounts "
                    "to CNY {{ interest }} (see the table for each item). Interest continues to accrue on the same "
                    "basis from the day after {{ as_of }} until payment in full, currently CNY {{ daily_interest }} "
                    "a day. {% endif %}Where the contract provides "
                    "otherwise for late payment, " + ("our client reserves its" if lawyer else "we reserve our") +
                    " rights under it.")
        letter.text("As at {{ as_of }} your company owes principal of CNY {{ principal }} and interest of CNY "
                    "{{ interest }}: a total of CNY {{ claim_total }} (in Chinese capitals: {{ claim_total_words }}).")


def _recipient(letter: Letter) -> None:
    if letter.lang == "zh":
        letter.right("编号：{{ letter_no }}")
        letter.line("致：{{ customer.name }}", bold=True)
        letter.line("地址：{{ customer.address }}")
        letter.line("{% if customer.contact %}联系人：{{ customer.contact }}{% endif %}"
                    "{% if customer.phone %}　电话：{{ customer.phone }}{% endif %}")
    else:
        letter.right("Ref. {{ letter_no }}")
        letter.line("To: {{ customer.name }}", bold=True)
        letter.line("Address: {{ customer.address }}")
        letter.line("{% if customer.contact %}Attn: {{ customer.contact }}{% endif %}"
                    "{% if customer.phone %}    Tel: {{ customer.phone }}{% endif %}")


def _account(letter: Letter) -> None:
    """The payee account, its three lines on one page (never the account number alone on the next)."""
    lines = (("户　名：{{ company.payee_name }}", "开户行：{{ company.bank_name }}", "账　号：{{ company.bank_account }}")
             if letter.lang == "zh" else
             ("Account name: {{ company.payee_name }}", "Bank: {{ company.bank_name }}",
              "Account number: {{ company.bank_account }}"))
    for n, line in enumerate(lines):
        letter.indented(line)
        if n < len(lines) - 1:
            letter.doc.paragraphs[-1].paragraph_format.keep_with_next = True


def _contact(letter: Letter) -> None:
    if letter.lang == "zh":
        letter.line("联系人：{{ company.contact }}　电话：{{ company.phone }}"
                    "{% if company.email %}　邮箱：{{ company.email }}{% endif %}", space_before=6)
    else:
        letter.line("Contact: {{ company.contact }}, tel. {{ company.phone }}"
                    "{% if company.email %}, {{ company.email }}{% endif %}", space_before=6)


def _seal(letter: Letter, name: str = "{{ company.name }}") -> None:
    """Contact line, seal, signatory and date: one block kept with the text before it."""
    letter.keep()
    _contact(letter)
    letter.blank()
    if letter.lang == "zh":
        letter.right(f"{name}（盖章）", bold=True)
        letter.right("{% if company.signatory %}{{ company.signatory }}{% endif %}")
        letter.right("{{ date }}")
    else:
        letter.right(f"{name} (company seal)", bold=True)
        letter.right("{% if company.signatory %}{{ company.signatory }}{% endif %}")
        letter.right("{{ date }}")
    letter.end_keep()


LETTERHEAD = {
    "zh": ("地址：{{ company.address }}　电话：{{ company.phone }}　联系人：{{ company.contact }}"
           "{% if company.email %}　邮箱：{{ company.email }}{% endif %}",),
    "en": ("{{ company.address }} · Tel. {{ company.phone }} · Contact: {{ company.contact }}"
           "{% if company.email %} · {{ company.email }}{% endif %}",),
}


def _company_letter(lang: Lang) -> Letter:
    """A letter on the sender's letterhead: name, address, phone and contact on every page."""
    return Letter(lang, "{{ company.name }}", LETTERHEAD[lang])


def _amount_line(letter: Letter, zh_lead: str, en_lead: str) -> None:
    if letter.lang == "zh":
        letter.text(f"{zh_lead}人民币（小写）¥{{{{ total }}}}元，（大写）{{{{ total_words }}}}。")
    else:
        letter.text(f"{en_lead} CNY {{{{ total }}}} (in Chinese capitals: {{{{ total_words }}}}).")


# ----- the five kinds ------------------------------------------------------------------------------------------
def _demand(lang: Lang) -> Letter:
    letter = _company_letter(lang)
    if lang == "zh":
        letter.title("催款通知书")
        _recipient(letter)
        letter.text("贵司与我司（{{ company.name }}）在合同（编号：{{ contracts }}）项下发生业务往来。截至{{ as_of }}，"
                    "贵司下列款项已超过约定付款期限，至今尚未支付：")
        _currency_tables(letter, "上述逾期未付款项本金合计", "", interest=True)
        letter.text("根据双方合同约定，贵司应按期足额支付上述款项。")
        _currency_interest_lines(letter)
        letter.text("请贵司于{{ deadline }}前将上述本息合计款项支付至以下账户：")
        _account(letter)
        letter.text("如贵司在收到本通知前已付清上述款项，请忽略本通知，并将付款凭证发送给我司联系人以便核对。"
                    "如对上述款项有异议，请于{{ deadline }}前以书面形式向我司提出，并列明有异议的单据及理由。")
        letter.text("如贵司逾期仍未付款且未提出异议，我司将根据合同约定和法律规定考虑采取进一步措施，"
                    "例如委托律师发函、申请支付令或提起诉讼。")
    else:
        letter.title("PAYMENT DEMAND NOTICE")
        _recipient(letter)
        letter.text("Under contract {{ contracts }} between your company and {{ company.name }} (\"we\"), the "
                    "following amounts were due for payment and, as at {{ as_of }}, remain unpaid:")
        _currency_tables(letter, "", "The overdue principal totals", interest=True)
        letter.text("Under the contract these amounts were payable in full when due.")
        _currency_interest_lines(letter)
        letter.text("Please pay the total above, principal and interest, by {{ deadline }} into the following "
                    "account:")
        _account(letter)
        letter.text("If you have already paid, please disregard this notice and send us the payment record so that we "
                    "can match it. If you dispute any item, please tell us in writing by {{ deadline }}, naming the "
                    "invoices concerned and your reasons.")
        letter.text("If the amount remains unpaid and undisputed after that date, we will consider further steps under "
                    "the contract and the law, such as a lawyer's letter, an application for a payment order or "
                    "legal proceedings.")
    _seal(letter)
    return letter


def _reminder(lang: Lang) -> Letter:
    letter = _company_letter(lang)
    if lang == "zh":
        letter.title("还款提醒函")
        _recipient(letter)
        letter.text("感谢贵司一直以来对我司（{{ company.name }}）的信任与支持。根据双方合同（编号：{{ contracts }}）约定，"
                    "贵司下列款项即将到期，特此提醒：")
        _currency_tables(letter, "以上款项合计", "")
        letter.text("请贵司于各单据到期日前安排付款，最早一笔款项于{{ deadline }}到期。收款账户如下：")
        _account(letter)
        letter.text("温馨提示：逾期付款的，贵司须按合同约定承担逾期付款责任，并可能影响贵司在我司的信用评级和信用额度。")
        letter.text("如贵司已安排付款，请忽略本函。如对上述款项有异议，请于{{ deadline }}前与我司联系人联系并说明情况。")
    else:
        letter.title("PAYMENT REMINDER")
        _recipient(letter)
        letter.text("Thank you for your continued business with {{ company.name }}. Under contract {{ contracts }}, "
                    "the following amounts will soon fall due:")
        _currency_tables(letter, "", "These amounts total")
        letter.text("Please arrange payment by each due date; the first amount falls due on {{ deadline }}. "
                    "Our account:")
        _account(letter)
        letter.text("Please note: late payment makes the contract's late-payment terms apply and may affect your "
                    "credit rating and credit limit with us.")
        letter.text("If you have already arranged payment, please disregard this letter. If you dispute any item, "
                    "please contact us by {{ deadline }} and explain.")
    _seal(letter)
    return letter


# A company seals the reply; an individual signs it and gives an ID number.
SIGN_ZH = "{% if customer.individual %}（本人签字）{% else %}（公司盖章）{% endif %}"
SIGNER_ZH = "{% if customer.individual %}身份证号码：{% else %}经办人：{% endif %}"
SIGN_EN = "{% if customer.individual %}(signature){% else %}(company seal){% endif %}"
SIGNER_EN = "{% if customer.individual %}ID card no.:{% else %}Signed by:{% endif %}"


# What the reply confirms: the CNY total as before, or each currency's total.
OWED_ZH = ("{% if single_cny %}人民币{{ total }}元（{{ total_words }}）{% else %}{% for cur in currency_tables %}"
           "{{ cur.name }}{{ cur.total }}{% if cur.words %}（{{ cur.words }}）{% endif %}{% if not loop.last %}及"
           "{% endif %}{% endfor %}{% endif %}")
OWED_EN = ("{% if single_cny %}CNY {{ total }} ({{ total_words }}){% else %}{% for cur in currency_tables %}"
           "{{ cur.code }} {{ cur.total }}{% if cur.words %} ({{ cur.words }}){% endif %}{% if not loop.last %} and "
           "{% endif %}{% endfor %}{% endif %}")


def _confirmation(lang: Lang) -> Letter:
    letter = _company_letter(lang)
    if lang == "zh":
        letter.title("账款确认函")
        _recipient(letter)
        letter.text("为核对双方往来账目，现将截至{{ as_of }}贵司应付我司（{{ company.name }}）的款项列示如下，请核对：")
        _currency_tables(letter, "以上款项合计", "")
        letter.text("如上述信息无误，请在下方「信息证明无误」处签章，确认贵司对上述款项负有付款义务，"
                    "并按约定于各单据到期日前支付至以下账户；如信息不符，请在「信息不符，请列明不符项目及具体内容」处"
                    "列明并签章。请于{{ deadline }}前将签章后的回执寄回或扫描发送至我司联系人。"
                    "如在本函发出前已付款，请在回执中注明。")
        _account(letter)
        _seal(letter)
        letter.line("回　执", bold=True, space_before=8)
        letter.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        letter.reply_table([
            ["「信息证明无误」",
             "{% if customer.individual %}本人确认：截至{{ as_of }}，本人尚欠{{ company.name }}款项" + OWED_ZH + "，上述信息无误，本人将按约定付款。{% else %}本公司确认：截至{{ as_of }}，本公司尚欠"
             "{{ company.name }}款项" + OWED_ZH + "，上述信息无误，本公司将按约定付款。{% endif %}",
             "", SIGN_ZH, SIGNER_ZH, "日期：　　　　年　　月　　日"],
            ["「信息不符，请列明不符项目及具体内容」",
             "不符项目及具体内容：", "", "", SIGN_ZH, SIGNER_ZH, "日期：　　　　年　　月　　日"],
        ])
    else:
        letter.title("ACCOUNT CONFIRMATION")
        _recipient(letter)
        letter.text("To reconcile our accounts, please check the amounts payable by your company to {{ company.name }} "
                    "as at {{ as_of }}:")
        _currency_tables(letter, "", "These amounts total")
        letter.text("If the information is correct, please sign and seal under \u201cInformation correct\u201d "
                    "below, confirming that your company owes these amounts and will pay them by their due dates "
                    "into the account below. If it is not, please list the differences under \u201cInformation "
                    "incorrect\u201d and sign. Please return the signed reply by {{ deadline }}. If you paid "
                    "before this letter was sent, please say so in the reply.")
        _account(letter)
        _seal(letter)
        letter.line("REPLY", bold=True, space_before=8)
        letter.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        letter.reply_table([
            ["\u201cInformation correct\u201d (「信息证明无误」)",
             "{% if customer.individual %}I confirm{% else %}We confirm{% endif %} that as at {{ as_of }} "
             "{% if customer.individual %}I owe{% else %}we owe{% endif %} {{ company.name }} " + OWED_EN + "; the information is correct and {% if customer.individual %}I{% else %}we"
             "{% endif %} will pay as agreed.",
             "", SIGN_EN, SIGNER_EN, "Date:"],
            ["\u201cInformation incorrect: list the items and details\u201d "
             "(「信息不符，请列明不符项目及具体内容」)",
             "Items and details:", "", "", SIGN_EN, SIGNER_EN, "Date:"],
        ])
    return letter


def _lawyer(lang: Lang) -> Letter:
    letter = Letter(lang, "{{ company.law_firm }}")
    if lang == "zh":
        letter.title("律师函")
        letter.note("（草稿：根据应收台账生成，须经法务部门审核、承办律师签署后方可发出）")
        _recipient(letter)
        letter.heading("一、委托事项")
        letter.text("{{ company.law_firm }}（以下简称“本所”）接受{{ company.name }}（以下简称“委托人”）的委托，"
                    "指派{{ company.lawyer }}律师，就贵司拖欠委托人款项一事，致函如下。")
        letter.heading("二、事实")
        letter.text("根据委托人提供的合同（编号：{{ contracts }}）、发票及对账资料，截至{{ as_of }}，"
                    "贵司下列款项逾期未付：")
        _currency_tables(letter, "", "", interest=True, amount_line=lambda: letter.text(
            "逾期未付款项本金合计人民币（小写）¥{{ total }}元，（大写）{{ total_words }}，最长已逾期{{ max_days }}天。"))
        letter.line("{%p if not single_cny %}")
        letter.text("最长已逾期{{ max_days }}天。")
        letter.line("{%p endif %}")
        _currency_interest_lines(letter, lawyer=True)
        letter.heading("三、法律依据")
        letter.text("《中华人民共和国民法典》第五百零九条规定，当事人应当按照约定全面履行自己的义务；第五百七十七条规定，"
                    "当事人一方不履行合同义务或者履行合同义务不符合约定的，应当承担继续履行、采取补救措施或者赔偿损失等"
                    "违约责任；第五百七十九条规定，当事人一方未支付价款、报酬、租金、利息，或者不履行其他金钱债务的，"
                    "对方可以请求其支付。{% if has_interest and 'LPR' in interest_basis %}逾期付款损失以违约行为发生时"
                    "一年期贷款市场报价利率（LPR）为基础，加计30%至50%计算，依据为《最高人民法院关于审理买卖合同纠纷案件"
                    "适用法律问题的解释》第十八条第四款，其他有偿合同依《中华人民共和国民法典》第六百四十六条参照适用。"
                    "{% endif %}")
        letter.heading("四、要求及期限")
        letter.text("本所受托要求贵司于{{ deadline }}前将上述本息合计款项支付至委托人以下账户：")
        _account(letter)
        letter.text("如贵司已付清上述款项，请忽略本函，并将付款凭证提供给本所或委托人核对；如对上述款项有异议，"
                    "请于上述期限内书面告知本所并提供相关依据。")
        letter.heading("五、后果")
        letter.text("如贵司在上述期限内既未付款也未提出合理异议，委托人可能依法采取进一步措施，例如申请支付令，"
                    "或提起诉讼并申请财产保全；对于合同约定或法律规定由违约方承担的逾期付款损失等费用，委托人保留依法主张的权利。")
        letter.keep()
        letter.line("承办律师：{{ company.lawyer }}{% if company.lawyer_phone %}　电话：{{ company.lawyer_phone }}"
                    "{% endif %}", space_before=6)
        letter.line("{% if company.law_firm_address %}本所地址：{{ company.law_firm_address }}{% endif %}")
        letter.blank()
        letter.right("{{ company.law_firm }}（盖章）", bold=True)
        letter.right("承办律师（签字）：________________")
        letter.right("{{ date }}")
        letter.end_keep()
        letter.heading("附件")
        letter.line("1. 欠款明细（见上表）；")
        letter.line("2. 合同、发票及对账资料复印件。")
    else:
        letter.title("LAWYER'S LETTER")
        letter.note("(Draft generated from the receivables ledger: to be reviewed by the legal department and signed "
                    "by the responsible lawyer before it is sent)")
        _recipient(letter)
        letter.heading("1. Mandate")
        letter.text("{{ company.law_firm }} (\"we\") act for {{ company.name }} (\"our client\") in respect of the "
                    "amounts your company owes our client, and have assigned lawyer {{ company.lawyer }} to the matter.")
        letter.heading("2. Facts")
        letter.text("According to contract {{ contracts }}, the invoices and the statements provided by our client, "
                    "the following amounts were overdue and unpaid as at {{ as_of }}:")
        _currency_tables(letter, "", "", interest=True, amount_line=lambda: letter.text(
            "The overdue principal totals CNY {{ total }} (in Chinese capitals: {{ total_words }}); the oldest "
            "item is {{ max_days }} days overdue."))
        letter.line("{%p if not single_cny %}")
        letter.text("The oldest item is {{ max_days }} days overdue.")
        letter.line("{%p endif %}")
        _currency_interest_lines(letter, lawyer=True)
        letter.heading("3. Legal basis")
        letter.text("Article 509 of the Civil Code of the People's Republic of China requires parties to perform their "
                    "obligations in full as agreed; under Article 577 a party that fails to perform bears liability "
                    "for breach such as continued performance, remedial measures or damages; under Article 579 a "
                    "party that fails to pay a price, remuneration, rent, interest or another monetary debt may be "
                    "required to pay it.{% if has_interest and 'LPR' in interest_basis %} The late-payment loss is "
                    "computed on the one-year Loan Prime Rate (LPR) at the time of breach plus 30% to 50%, under "
                    "Article 18, paragraph 4 of the Supreme People's Court's Interpretation on Sales Contract Disputes, "
                    "which Article 646 of the Civil Code applies to other contracts for value.{% endif %}")
        letter.heading("4. Demand and deadline")
        letter.text("On our client's instructions we ask your company to pay the total above, principal and "
                    "interest, by {{ deadline }} into our client's account:")
        _account(letter)
        letter.text("If you have already paid, please disregard this letter and send us or our client the payment "
                    "record. If you dispute any item, please tell us in writing by that date, with your grounds.")
        letter.heading("5. Consequences")
        letter.text("If the amount is neither paid nor reasonably disputed by that date, our client may take further "
                    "steps as the law allows, such as applying for a payment order, or bringing proceedings and "
                    "applying for preservation of assets; our client reserves its right to claim the late-payment "
                    "loss and other costs that the contract or the law places on the party in breach.")
        letter.keep()
        letter.line("Responsible lawyer: {{ company.lawyer }}{% if company.lawyer_phone %}, tel. "
                    "{{ company.lawyer_phone }}{% endif %}", space_before=6)
        letter.line("{% if company.law_firm_address %}Address: {{ company.law_firm_address }}{% endif %}")
        letter.blank()
        letter.right("{{ company.law_firm }} (seal)", bold=True)
        letter.right("Lawyer's signature: ________________")
        letter.right("{{ date }}")
        letter.end_keep()
        letter.heading("Attachments")
        letter.line("1. Statement of the amounts overdue (table above);")
        letter.line("2. Copies of the contract, invoices and statements.")
    return letter


def _case_review(lang: Lang) -> Letter:
    zh = lang == "zh"
    letter = Letter(lang, "{{ company.name }}" + ("　内部资料" if zh else " · internal"))
    letter.title("催收案例复盘记录" if zh else "COLLECTION CASE REVIEW")
    letter.right("编号：{{ letter_no }}" if zh else "Ref. {{ letter_no }}")
    if zh:
        letter.key_value_table([
            ("客户", "{{ customer.name }}（{{ customer.id }}）"),
            ("案例编号", "{{ case.no }}"),
            ("立案日期", "{{ case.opened }}"),
            ("结案日期", "{{ case.closed }}"),
            ("催收天数", "{{ case.days }}"),
            ("回收金额", "¥{{ total }}（{{ total_words }}）"),
            ("当前阶段", "{{ stage }} {{ stage_name }}"),
        ])
    else:
        letter.key_value_table([
            ("Customer", "{{ customer.name }} ({{ customer.id }})"),
            ("Case no.", "{{ case.no }}"),
            ("Opened", "{{ case.opened }}"),
            ("Closed", "{{ case.closed }}"),
            ("Collection days", "{{ case.days }}"),
            ("Recovered", "CNY {{ total }} ({{ total_words }})"),
            ("Current stage", "{{ stage }} {{ stage_name }}"),
        ])
    sections = (("一、催收过程", "1. Process"), ("二、解决方案", "2. Solution"), ("三、结果", "3. Result"),
                ("四、经验教训", "4. Lessons"))
    for (zh_title, en_title), key in zip(sections, ("process", "solution", "result", "lessons")):
        letter.heading(zh_title if zh else en_title)
        letter.text(f"{{{{ case.{key} }}}}")
    letter.heading("五、时间线（摘自函件记录、法律事件和联络记录）" if zh
                   else "5. Timeline (from the Letters log, Events and Contacts)")
    letter.loop_table(
        ("日期", "来源", "事项", "详情") if zh else ("Date", "Source", "What", "Details"),
        ("{{ t.date }}", "{{ t.source }}", "{{ t.what }}", "{{ t.detail }}"),
        "t in timeline", (2.8, 2.0, 4.4, 7.0))
    letter.heading("六、当前未收款项" if zh else "6. Amounts still open")
    _currency_tables(letter, "", "", amount_line=lambda: None)     # the table's total row says it all
    _sign_off(letter, "审核", "Reviewed by")
    return letter


PLAN_INVOICE_HEADERS = {"zh": ("序号", "单据号", "合同编号", "到期日", "金额（元）", "已付（元）", "未付（元）"),
                        "en": ("No.", "Invoice", "Contract", "Due date", "Amount (CNY)", "Paid (CNY)", "Open (CNY)")}
PLAN_INVOICE_CELLS = ("{{ loop.index }}", "{{ inv.no }}", "{{ inv.contract_no }}", "{{ inv.due_date }}",
                      "{{ inv.amount }}", "{{ inv.paid }}", "{{ inv.open }}")
PLAN_INVOICE_TOTAL = {"zh": ("合计", "", "", "", "", "", "{{ open_total }}"),
                      "en": ("Total", "", "", "", "", "", "{{ open_total }}")}
SCHEDULE_HEADERS = {"zh": ("期次", "应还日期", "本金（元）", "利息/费用（元）", "应还金额（元）"),
                    "en": ("No.", "Due date", "Principal (CNY)", "Interest / fee (CNY)", "Amount (CNY)")}
SCHEDULE_CELLS = ("{{ s.n }}", "{{ s.due_date }}", "{{ s.principal }}", "{{ s.fee }}", "{{ s.amount }}")
SCHEDULE_TOTAL = {"zh": ("合计", "", "{{ plan.principal_total }}", "{{ plan.fee_total }}", "{{ plan.amount_total }}"),
                  "en": ("Total", "", "{{ plan.principal_total }}", "{{ plan.fee_total }}",
                         "{{ plan.amount_total }}")}


def _plan_money(lang: Lang, amount: str, words: str = "") -> str:
    """An amount of the plan in its currency (issue 12): 人民币…元 and 大写 as before for CNY; the code and
    English words otherwise."""
    value = f"{{{{ plan.{amount} }}}}"
    said = f"{{{{ plan.{words} }}}}" if words else ""
    if lang == "en":
        return "{{ plan.currency }} " + value + (
            f"{{% if plan.{words} %}} ({{% if plan.is_cny %}}in Chinese capitals{{% else %}}in words{{% endif %}}: "
            f"{said}){{% endif %}}" if words else "")
    cny = f"人民币（小写）¥{value}元，（大写）{said}" if words else f"人民币¥{value}元"
    other = "{{ plan.currency }} " + value + (f"{{% if plan.{words} %}}（英文：{said}）{{% endif %}}" if words else "")
    return "{% if plan.is_cny %}" + cny + "{% else %}" + other + "{% endif %}"


def _in_plan_unit(headers: Sequence[str]) -> tuple[str, ...]:
    return tuple(h.replace("（元）", "（{{ plan.unit }}）").replace("(CNY)", "({{ plan.unit }})") for h in headers)


def _plan(lang: Lang) -> Letter:
    """分期还款协议: the Plans row and its schedule, for both parties to sign and seal."""
    zh = lang == "zh"
    letter = Letter(lang, "{{ company.name }}")
    letter.title("分期还款协议" if zh else "INSTALLMENT PAYMENT AGREEMENT")
    if zh:
        letter.note("（本协议文本依据分期计划表于{{ date }}生成，经双方签字盖章后生效）")
        letter.right("协议编号：{{ letter_no }}")
        letter.right("计划编号：{{ plan.no }}")
        letter.line("甲方（债权人）：{{ company.name }}", bold=True)
        letter.line("地址：{{ company.address }}")
        letter.line("乙方（债务人）：{{ customer.name }}", bold=True)
        letter.line("地址：{{ customer.address }}")
        letter.line("{% if customer.contact %}联系人：{{ customer.contact }}{% endif %}"
                    "{% if customer.phone %}　电话：{{ customer.phone }}{% endif %}")
        letter.text("乙方因与甲方的业务往来（合同编号：{{ contracts }}），尚欠甲方下列单据项下款项：")
    else:
        letter.note("(Text generated from the Plans sheet on {{ date }}; it takes effect when both parties have "
                    "signed and sealed it)")
        letter.right("Agreement no. {{ letter_no }}")
        letter.right("Plan no. {{ plan.no }}")
        letter.line("Party A (creditor): {{ company.name }}", bold=True)
        letter.line("Address: {{ company.address }}")
        letter.line("Party B (debtor): {{ customer.name }}", bold=True)
        letter.line("Address: {{ customer.address }}")
        letter.line("{% if customer.contact %}Attn: {{ customer.contact }}{% endif %}"
                    "{% if customer.phone %}    Tel: {{ customer.phone }}{% endif %}")
        letter.text("From its business with Party A (contract {{ contracts }}), Party B owes amounts under the "
                    "following invoices:")
    letter.loop_table(_in_plan_unit(PLAN_INVOICE_HEADERS[lang]), PLAN_INVOICE_CELLS, INVOICE_LOOP,
                      (0.9, 2.2, 2.2, 2.8, 2.7, 2.7, 2.7),
                      numeric=(4, 5, 6), total=PLAN_INVOICE_TOTAL[lang])
    letter.line("{%p if plan.open_differs %}")
    if zh:
        letter.text("分期还款总额：" + _plan_money(lang, "total") + "（分期计划{{ plan.no }}）。上表“未付”为截至{{ as_of }}的余额"
                    "{% if plan.has_paid %}，分期开始后乙方已还" + _plan_money(lang, "paid") + "{% endif %}。")
    else:
        letter.text("Installment plan total: " + _plan_money(lang, "total") + " (plan {{ plan.no }}). The open "
                    "amounts above are the balances at {{ as_of }}{% if plan.has_paid %}; Party B has paid " +
                    _plan_money(lang, "paid") + " under the plan since it began{% endif %}.")
    letter.line("{%p endif %}")
    if zh:
        letter.text("为妥善解决上述欠款，甲乙双方经友好协商，就上述欠款的分期偿还达成如下协议：")
        letter.heading("第一条　欠款确认")
        letter.text("乙方确认，截至本协议签订之日，乙方尚欠甲方上述单据项下款项共计" +
                    _plan_money(lang, "total", "total_words") + "，乙方对此负有付款义务。上述款项全部纳入本协议分期偿还。")
        letter.heading("第二条　还款计划")
        letter.text("{% if plan.prepayment %}乙方首期支付本金总额的{{ plan.prepayment }}，即" +
                    _plan_money(lang, "prepayment_amount") + "，"
                    "余款分期支付。{% endif %}乙方分{{ plan.installments }}期，按下表所列日期和金额按期足额还款：")
    else:
        letter.text("To settle these amounts, the parties agree on the following installment arrangement:")
        letter.heading("1. Acknowledgement of the debt")
        letter.text("Party B acknowledges that, on the date of this agreement, it owes Party A " +
                    _plan_money(lang, "total", "total_words") + " under the invoices above, all of which is to be "
                    "repaid under this agreement.")
        letter.heading("2. Repayment schedule")
        letter.text("{% if plan.prepayment %}Party B first pays {{ plan.prepayment }} of the principal, " +
                    _plan_money(lang, "prepayment_amount") + ", and the rest in installments. {% endif %}"
                    "Party B pays in {{ plan.installments }} installments, in full, on the dates and in the amounts below:")
    letter.loop_table(_in_plan_unit(SCHEDULE_HEADERS[lang]), SCHEDULE_CELLS, "s in schedule",
                      (1.6, 4.0, 3.6, 3.4, 3.6),
                      numeric=(2, 3, 4), total=SCHEDULE_TOTAL[lang])
    if zh:
        letter.text("{% if plan.is_extension %}本协议为展期安排，各期按该期之前未还本金每日{{ plan.daily_rate }}计收资金占用费。"
                    "{% elif plan.has_fee %}前{{ plan.interest_free }}期免收利息，其后各期按该期之前未还本金"
                    "每日{{ plan.daily_rate }}计收利息。{% else %}各期均免收利息。{% endif %}"
                    "本金合计" + _plan_money(lang, "principal_total") + "，利息/费用合计" +
                    _plan_money(lang, "fee_total") + "，应还金额合计" + _plan_money(lang, "amount_total", "amount_total_words") + "。")
        letter.heading("第三条　付款方式")
        letter.text("乙方应将各期款项支付至甲方以下账户，并在付款附言中注明协议编号：")
        _account(letter)
        letter.heading("第四条　提前还款")
        letter.text("乙方可提前偿还全部或部分款项，提前偿还的款项按期次顺序冲抵应还款项。")
        letter.heading("第五条　违约责任")
        letter.text("乙方任何一期款项到期后{{ plan.grace_days }}日内仍未足额支付的，视为乙方违约，甲方有权终止本协议的分期安排，"
                    "要求乙方一次性偿还全部剩余欠款，并按原合同约定的到期日主张逾期付款损失。")
        letter.heading("第六条　争议解决")
        letter.text("因本协议引起或与本协议有关的争议，双方应协商解决；协商不成的，"
                    "{% if company.dispute_resolution %}提交{{ company.dispute_resolution }}解决。"
                    "{% else %}任何一方均可向甲方住所地有管辖权的人民法院提起诉讼。{% endif %}")
        letter.heading("第七条　其他")
        letter.text("本协议不影响甲方依据原合同享有的其他权利。本协议自双方签字并盖章之日起生效，一式两份，双方各执一份。")
        letter.keep()
        letter.blank()
        letter.end_keep()
        letter.reply_table([
            ["甲方（盖章）：{{ company.name }}", "", "授权代表（签字）：", "", "签订日期：　　　　年　　月　　日"],
            ["{% if customer.individual %}乙方（签字）：{{ customer.name }}{% else %}乙方（盖章）：{{ customer.name }}"
             "{% endif %}", "", "{% if customer.individual %}身份证号码：{% else %}授权代表（签字）：{% endif %}", "",
             "签订日期：　　　　年　　月　　日"],
        ])
    else:
        letter.text("{% if plan.is_extension %}This is an extension: each installment carries a fund-occupation fee "
                    "of {{ plan.daily_rate }} per day on the principal unpaid before it. {% elif plan.has_fee %}The "
                    "first {{ plan.interest_free }} installments are interest-free; each later installment carries "
                    "interest of {{ plan.daily_rate }} per day on the principal unpaid before it. {% else %}No "
                    "installment carries interest. {% endif %}Principal " + _plan_money(lang, "principal_total") +
                    ", interest and fees " + _plan_money(lang, "fee_total") + ", total payable " +
                    _plan_money(lang, "amount_total", "amount_total_words") + ".")
        letter.heading("3. Payment")
        letter.text("Party B pays each installment into Party A's account below, quoting the agreement number:")
        _account(letter)
        letter.heading("4. Early payment")
        letter.text("Party B may pay all or part of the amount early; early payments are applied to the "
                    "installments in order.")
        letter.heading("5. Default")
        letter.text("If any installment is not paid in full within {{ plan.grace_days }} days after its due date, "
                    "Party B is in default: Party A may end the installment arrangement, require the whole remaining "
                    "balance to be paid at once and claim the late-payment loss from the original due dates under "
                    "the contract.")
        letter.heading("6. Disputes")
        letter.text("Disputes arising from or in connection with this agreement are first to be settled by "
                    "negotiation; failing that, {% if company.dispute_resolution %}they are submitted to "
                    "{{ company.dispute_resolution }}.{% else %}either party may bring proceedings in the "
                    "competent people's court at Party A's domicile.{% endif %}")
        letter.heading("7. Other terms")
        letter.text("This agreement does not affect Party A's other rights under the contract. It takes effect when "
                    "both parties have signed and sealed it, and is made in two copies, one for each party.")
        letter.keep()
        letter.blank()
        letter.end_keep()
        letter.reply_table([
            ["Party A (seal): {{ company.name }}", "", "Authorised signatory:", "", "Date of signing:"],
            ["{% if customer.individual %}Party B (signature): {{ customer.name }}{% else %}Party B (seal): "
             "{{ customer.name }}{% endif %}", "",
             "{% if customer.individual %}ID card no.:{% else %}Authorised signatory:{% endif %}", "",
             "Date of signing:"],
        ])
    return letter


# ----- the legal hand-off (S5): drafts for the legal department ---------------------------------------------------
def _banner_text(lang: Lang) -> str:
    """The draft banner in both languages, the document's own first."""
    banner = i18n.DRAFT_BANNER
    return f"{banner.zh} / {banner.en}" if lang == "zh" else f"{banner.en} / {banner.zh}"


def _legal_header(lang: Lang, title: str) -> Letter:
    letter = Letter(lang, "{{ company.name }} · " + title + (" · 草稿，供法务审核" if lang == "zh"
                                                            else " · draft for legal review"))
    return letter


EV_INVOICE_HEADERS = {"zh": ("序号", "合同编号", "单据号", "开票日期", "到期日", "金额（元）", "未付（元）", "利息（元）"),
                      "en": ("No.", "Contract", "Invoice", "Invoice date", "Due date", "Amount (CNY)", "Open (CNY)",
                             "Interest (CNY)")}
EV_INVOICE_CELLS = ("{{ loop.index }}", "{{ inv.contract_no }}", "{{ inv.no }}", "{{ inv.invoice_date }}",
                    "{{ inv.due_date }}", "{{ inv.amount }}", "{{ inv.open }}", "{{ inv.interest }}")
EV_INVOICE_WIDTHS = (0.8, 2.2, 2.2, 2.45, 2.45, 2.0, 2.0, 2.1)   # as INVOICE_WIDTHS, at 7.5 pt
EV_TABLE_SIZE = Pt(7.5)
EV_INVOICE_TOTAL = {"zh": ("合计", "", "", "", "", "", "{{ open_total }}", "{{ interest }}"),
                    "en": ("Total", "", "", "", "", "", "{{ open_total }}", "{{ interest }}")}
EV_DEMAND_HEADERS = {"zh": ("类型", "函件编号", "发函日期", "寄出日期", "送达日期", "快递单号", "SHA-256"),
                     "en": ("Kind", "Letter no.", "Dated", "Sent", "Delivered", "Tracking no.", "SHA-256")}
EV_DEMAND_CELLS = ("{{ d.kind }}", "{{ d.letter_no }}", "{{ d.date }}", "{{ d.sent }}", "{{ d.delivered }}",
                   "{{ d.tracking }}", "{{ d.sha256 }}")
EV_DEMAND_WIDTHS = (1.6, 2.3, 2.45, 2.45, 2.45, 2.15, 2.8)
EV_CONFIRM_HEADERS = {"zh": ("函件编号", "发函日期", "状态", "回函情况"),
                      "en": ("Letter no.", "Dated", "Status", "Reply")}
EV_CONFIRM_CELLS = ("{{ c.letter_no }}", "{{ c.date }}", "{{ c.status }}", "{{ c.reply }}")
EV_PROMISE_HEADERS = {"zh": ("联络日期", "渠道", "联系人", "承诺付款日", "承诺金额（元）", "状态"),
                      "en": ("Contact date", "Channel", "Person", "Promised date", "Amount (CNY)", "Status")}
EV_PROMISE_CELLS = ("{{ p.date }}", "{{ p.channel }}", "{{ p.person }}", "{{ p.promised_date }}", "{{ p.amount }}",
                    "{{ p.status }}")
EV_LIMIT_HEADERS = {"zh": ("单据号", "到期日", "最近一次中断（事由、日期）", "时效届满日", "剩余天数", "状态"),
                    "en": ("Invoice", "Due date", "Last interruption (act, date)", "Expires", "Days left", "State")}
EV_LIMIT_CELLS = ("{{ l.no }}", "{{ l.due_date }}", "{{ l.event }}", "{{ l.expiry }}", "{{ l.days_left }}",
                  "{{ l.state }}")


def _listed(letter: Letter, items: str, headers: Sequence[str], cells: Sequence[str], loop: str,
            widths: Sequence[float], numeric: Iterable[int] = ()) -> None:
    """A table of `items`, or one line saying there are none (the empty table is left out)."""
    letter._add(f"{{%p if {items} %}}")
    letter.loop_table(headers, cells, loop, widths, numeric=numeric, size=EV_TABLE_SIZE)
    letter._add("{%p else %}")
    letter.indented("（无记录）" if letter.lang == "zh" else "(none recorded)")
    letter._add("{%p endif %}")


def _evidence(lang: Lang) -> Letter:
    """诉讼证据清单: what the legal department needs to sue or apply for a payment order, and what is missing."""
    zh = lang == "zh"
    letter = _legal_header(lang, "诉讼证据清单" if zh else "evidence checklist")
    letter.title("诉讼证据清单" if zh else "LITIGATION EVIDENCE CHECKLIST")
    letter.banner(_banner_text(lang))
    letter.right("编号：{{ letter_no }}" if zh else "Ref. {{ letter_no }}")
    if zh:
        letter.key_value_table([
            ("债务人", "{{ customer.name }}（{{ customer.id }}）"),
            ("地址", "{{ customer.address }}"),
            ("联系人", "{{ customer.contact }}{% if customer.phone %}　{{ customer.phone }}{% endif %}"),
            ("当前阶段", "{{ stage }} {{ stage_name }}"),
            ("主张金额", "本金¥{{ principal }} + 逾期利息¥{{ interest }} = ¥{{ claim_total }}（截至{{ as_of }}）"),
        ])
    else:
        letter.key_value_table([
            ("Debtor", "{{ customer.name }} ({{ customer.id }})"),
            ("Address", "{{ customer.address }}"),
            ("Contact", "{{ customer.contact }}{% if customer.phone %}, {{ customer.phone }}{% endif %}"),
            ("Stage", "{{ stage }} {{ stage_name }}"),
            ("Claim", "principal CNY {{ principal }} + interest CNY {{ interest }} = CNY {{ claim_total }} "
                      "(as at {{ as_of }})"),
        ])
    letter.heading("一、合同与发票" if zh else "1. Contracts and invoices")
    letter.loop_table(EV_INVOICE_HEADERS[lang], EV_INVOICE_CELLS, INVOICE_LOOP, EV_INVOICE_WIDTHS,
                      numeric=(5, 6, 7), total=EV_INVOICE_TOTAL[lang], size=EV_TABLE_SIZE)
    letter.heading("二、对账单与确认函（函件记录）" if zh else "2. Statements and confirmations (Letters log)")
    _listed(letter, "evidence.confirmations", EV_CONFIRM_HEADERS[lang], EV_CONFIRM_CELLS,
            "c in evidence.confirmations", (2.8, 2.7, 2.0, 8.7))
    letter.heading("三、催款函与律师函（函件记录）" if zh else "3. Demands and lawyer's letters (Letters log)")
    _listed(letter, "evidence.demands", EV_DEMAND_HEADERS[lang], EV_DEMAND_CELLS, "d in evidence.demands",
            EV_DEMAND_WIDTHS)
    letter.heading("四、还款承诺（联络记录）" if zh else "4. Promises to pay (Contacts)")
    _listed(letter, "evidence.promises", EV_PROMISE_HEADERS[lang], EV_PROMISE_CELLS, "p in evidence.promises",
            (2.7, 2.0, 3.0, 2.7, 2.8, 3.0), numeric=(4,))
    letter.heading("五、利息主张" if zh else "5. Interest claim")
    if zh:
        letter.text("逾期利息自各笔款项到期日次日起计至{{ as_of }}，{{ interest_basis }}，共计人民币¥{{ interest }}元；"
                    "本金人民币¥{{ principal }}元，本息合计人民币¥{{ claim_total }}元（{{ claim_total_words }}）。"
                    "{% if has_interest %}此后每日继续计息人民币¥{{ daily_interest }}元，至实际付清之日止。{% endif %}")
    else:
        letter.text("Interest from the day after each due date to {{ as_of }}, computed {{ interest_basis }}: "
                    "CNY {{ interest }}; principal CNY {{ principal }}; total CNY {{ claim_total }} "
                    "({{ claim_total_words }}).{% if has_interest %} Interest continues at CNY {{ daily_interest }} "
                    "a day until payment in full.{% endif %}")
    letter.heading("六、诉讼时效" if zh else "6. Limitation period")
    letter.loop_table(EV_LIMIT_HEADERS[lang], EV_LIMIT_CELLS, "l in evidence.limitation", (2.1, 2.7, 4.6, 2.7, 1.4, 2.7),
                      numeric=(4,), size=EV_TABLE_SIZE)
    letter.heading("七、证据缺口" if zh else "7. Gaps in the evidence")
    letter.repeated("g in evidence.gaps", "{{ loop.index }}. {{ g }}")
    letter.conditional("not evidence.gaps", "未发现缺口。" if zh else "No gaps found.")
    _sign_off(letter, "法务审核", "Legal review")
    return letter


def _payment_order(lang: Lang) -> Letter:
    """支付令申请书 (Civil Procedure Law arts. 225–228): parties, claims, facts with the evidence, the court."""
    zh = lang == "zh"
    letter = _legal_header(lang, "支付令申请书" if zh else "payment order application")
    letter.title("支付令申请书" if zh else "APPLICATION FOR A PAYMENT ORDER")
    letter.banner(_banner_text(lang))
    if zh:     # first, so the reviewer reads them before the text; removed before filing
        letter.line("法务审核提示（提交法院前删除）", bold=True)
        letter.conditional("evidence.gaps", "证据缺口：{% for g in evidence.gaps %}{{ loop.index }}. {{ g }}"
                                            "{% if not loop.last %}；{% endif %}{% endfor %}")
        letter.indented("被申请人收到支付令之日起十五日内可提出书面异议；异议成立的，支付令失效，转入诉讼程序。")
    else:
        letter.line("Notes for the legal review (remove before filing)", bold=True)
        letter.conditional("evidence.gaps", "Gaps: {% for g in evidence.gaps %}{{ loop.index }}. {{ g }}"
                                            "{% if not loop.last %}; {% endif %}{% endfor %}")
        letter.indented("The respondent may object in writing within 15 days of service; a valid objection ends the "
                        "order and the matter goes to proceedings.")
    letter.right("编号：{{ letter_no }}" if zh else "Ref. {{ letter_no }}")
    if zh:
        letter.line("申请人：{{ company.name }}", bold=True)
        letter.indented("住所：{{ company.address }}")
        letter.indented("法定代表人：________________　联系人：{{ company.contact }}　电话：{{ company.phone }}")
        letter.line("被申请人：{{ customer.name }}", bold=True, space_before=4)
        letter.indented("住所：{{ customer.address }}")
        letter.indented("{% if customer.individual %}身份证号码：________________{% else %}法定代表人：________________"
                        "{% endif %}{% if customer.contact %}　联系人：{{ customer.contact }}{% endif %}"
                        "{% if customer.phone %}　电话：{{ customer.phone }}{% endif %}")
        letter.heading("请求事项")
        letter.indented("一、请求人民法院向被申请人发出支付令，督促被申请人向申请人支付欠款本金人民币¥{{ principal }}元"
                        "（{{ principal_words }}）；")
        letter.indented("二、督促被申请人支付逾期付款损失：自各笔款项到期日次日起至{{ as_of }}止人民币¥{{ interest }}元"
                        "（{{ interest_basis }}），并自{{ as_of }}次日起按同一标准计至实际付清之日止；")
        letter.indented("三、本案申请费由被申请人负担。")
        letter.indented("以上截至{{ as_of }}本息合计人民币¥{{ claim_total }}元（{{ claim_total_words }}）。")
        letter.heading("事实与理由")
        letter.text("申请人与被申请人在合同（编号：{{ contracts }}）项下发生业务往来。申请人已按约履行义务，"
                    "被申请人下列款项已届付款期限，至今未付：")
    else:
        letter.line("Applicant: {{ company.name }}", bold=True)
        letter.indented("Domicile: {{ company.address }}")
        letter.indented("Legal representative: ________________   Contact: {{ company.contact }}, tel. "
                        "{{ company.phone }}")
        letter.line("Respondent: {{ customer.name }}", bold=True, space_before=4)
        letter.indented("Domicile: {{ customer.address }}")
        letter.indented("{% if customer.individual %}ID card no.: ________________{% else %}Legal representative: "
                        "________________{% endif %}{% if customer.contact %}   Contact: {{ customer.contact }}"
                        "{% endif %}{% if customer.phone %}, tel. {{ customer.phone }}{% endif %}")
        letter.heading("Claims")
        letter.indented("1. That the court issue a payment order requiring the respondent to pay the applicant the "
                        "principal of CNY {{ principal }} ({{ principal_words }});")
        letter.indented("2. and the loss from late payment: CNY {{ interest }} from the day after each due date to "
                        "{{ as_of }} (computed {{ interest_basis }}), continuing on the same basis from the day after "
                        "{{ as_of }} until payment in full;")
        letter.indented("3. and that the respondent bear the application fee.")
        letter.indented("Total as at {{ as_of }}: CNY {{ claim_total }} ({{ claim_total_words }}).")
        letter.heading("Facts and reasons")
        letter.text("The applicant and the respondent traded under contract {{ contracts }}. The applicant performed "
                    "its obligations; the following amounts are due and remain unpaid:")
    letter.loop_table(EV_INVOICE_HEADERS[lang], EV_INVOICE_CELLS, INVOICE_LOOP, EV_INVOICE_WIDTHS,
                      numeric=(5, 6, 7), total=EV_INVOICE_TOTAL[lang], size=EV_TABLE_SIZE)
    if zh:
        letter.conditional("evidence.demands", "申请人已多次催告：{% for d in evidence.demands %}{{ d.date }}发出"
                           "{{ d.kind }}（编号{{ d.letter_no }}{% if d.delivered %}，{{ d.delivered }}送达{% endif %}）"
                           "{% if not loop.last %}；{% endif %}{% endfor %}。")
        letter.text("被申请人至今未付款，亦未提出异议。申请人与被申请人之间没有其他债务纠纷，本案债权债务关系明确，"
                    "金额确定，已届清偿期，支付令能够送达被申请人。依据《中华人民共和国民事诉讼法》第二百二十五条之规定，"
                    "特向贵院申请支付令。")
        letter.keep()            # the evidence list goes with the sign-off, never its last item alone
        letter.heading("证据目录")
        letter.indented("1. 合同（编号：{{ contracts }}）；")
        letter.indented("2. 发票及送货/验收单据：{% for inv in invoices %}{{ inv.no }}{% if not loop.last %}、"
                        "{% endif %}{% endfor %}；")
        letter.indented("3. 对账确认函：{% for c in evidence.confirmations %}{{ c.letter_no }}（{{ c.reply }}）"
                        "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}；")
        letter.indented("4. 催款函、律师函及送达凭证：{% for d in evidence.demands %}{{ d.letter_no }}"
                        "{% if d.tracking %}（快递单号{{ d.tracking }}）{% endif %}{% if not loop.last %}、{% endif %}"
                        "{% else %}无{% endfor %}；")
        letter.indented("5. 还款承诺记录：{% for p in evidence.promises %}{{ p.date }}承诺{{ p.promised_date }}付"
                        "¥{{ p.amount }}{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}。")
        letter.line("此致", space_before=6)
        letter.line("{% if company.court %}{{ company.court }}{% else %}________________人民法院{% endif %}", bold=True)
        letter.blank()
        letter.right("申请人：{{ company.name }}（盖章）", bold=True)
        letter.right("法定代表人或授权代表（签字）：________________")
        letter.right("日期：　　　　年　　月　　日")
        letter.end_keep()
    else:
        letter.conditional("evidence.demands", "The applicant has demanded payment: {% for d in evidence.demands %}"
                           "{{ d.kind }} {{ d.letter_no }} dated {{ d.date }}{% if d.delivered %}, delivered "
                           "{{ d.delivered }}{% endif %}{% if not loop.last %}; {% endif %}{% endfor %}.")
        letter.text("The respondent has neither paid nor objected. There is no other dispute between the parties; "
                    "the debt is clear, fixed in amount and due, and the order can be served on the respondent. "
                    "The applicant therefore applies for a payment order under Article 225 of the Civil Procedure "
                    "Law of the People's Republic of China.")
        letter.keep()            # the evidence list goes with the sign-off, never its last item alone
        letter.heading("Evidence")
        letter.indented("1. Contract(s) {{ contracts }};")
        letter.indented("2. Invoices and delivery or acceptance records: {% for inv in invoices %}{{ inv.no }}"
                        "{% if not loop.last %}, {% endif %}{% endfor %};")
        letter.indented("3. Account confirmations: {% for c in evidence.confirmations %}{{ c.letter_no }} "
                        "({{ c.reply }}){% if not loop.last %}, {% endif %}{% else %}none{% endfor %};")
        letter.indented("4. Demands, lawyer's letters and proof of delivery: {% for d in evidence.demands %}"
                        "{{ d.letter_no }}{% if d.tracking %} (tracking {{ d.tracking }}){% endif %}"
                        "{% if not loop.last %}, {% endif %}{% else %}none{% endfor %};")
        letter.indented("5. Promises to pay: {% for p in evidence.promises %}on {{ p.date }} to pay CNY {{ p.amount }} "
                        "by {{ p.promised_date }}{% if not loop.last %}; {% endif %}{% else %}none{% endfor %}.")
        letter.line("To:", space_before=6)
        letter.line("{% if company.court %}{{ company.court }}{% else %}________________ People's Court{% endif %}",
                    bold=True)
        letter.blank()
        letter.right("Applicant: {{ company.name }} (seal)", bold=True)
        letter.right("Legal representative or authorised signatory: ________________")
        letter.right("Date:")
        letter.end_keep()
    return letter


BUILDERS: dict[str, Callable[[Lang], Letter]] = {
    "confirmation": _confirmation, "reminder": _reminder, "demand": _demand, "lawyer": _lawyer,
    "case_review": _case_review, "plan": _plan, "evidence": _evidence, "payment_order": _payment_order,
}
assert tuple(BUILDERS) == KINDS


def build_template(kind: str, lang: Lang) -> bytes:
    """The .docx bytes of the shipped template for `kind` in `lang`."""
    return BUILDERS[kind](lang).to_bytes()


def write_templates(folder: str | Path) -> list[Path]:
    """Write every template to `folder/{lang}/{kind}.docx`; returns the paths."""
    root = Path(folder)
    written = []
    for lang in i18n.LANGS:
        (root / lang).mkdir(parents=True, exist_ok=True)
        for kind in KINDS:
            path = root / lang / f"{kind}.docx"
            path.write_bytes(build_template(kind, lang))
            written.append(path)
    return written


#: The checkout's `letter_templates/` folder, which `main` rebuilds.
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "letter_templates"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else SHIPPED_DIR
    for path in write_templates(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
