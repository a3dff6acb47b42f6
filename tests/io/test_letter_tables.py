"""The tables of every shipped letter, read from the .docx (fast, no LibreOffice): a row never splits
across pages, a total row is the sum of the rows above it, and no header word or figure is wider
than its column (so none breaks inside: "Days overdu|e", "5,041,128.|55")."""
from __future__ import annotations

import copy
import io
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from xlsx_tools.build.letter_templates import SHIPPED_DIR
from xlsx_tools.core import i18n
from xlsx_tools.core.letters import KINDS, sample_context
from xlsx_tools.io.letters_docx import TemplateSet
from tests.io.test_letters_docx import render_samples

LANGS = ("zh", "en")
TOTAL_LABELS = ("合计", "Total")
MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d\d$")
LARGEST = "999,999,999.99"            # the largest figure a letter must print on one line
LONGEST_DATE = {"zh": "2026年12月30日", "en": "30 September 2026"}
DATE = {"zh": re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$"), "en": re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")}


def _tables(data: bytes):
    return Document(io.BytesIO(data)).element.body.iter(qn("w:tbl"))


def _cell_text(cell) -> str:
    return "".join(t.text or "" for t in cell.iter(qn("w:t")))


def test_every_row_of_every_table_of_every_template_cannot_split():
    """A row split over two pages puts half an invoice's dates on each (an outside audit, row 31 of a
    61-invoice demand); `w:cantSplit` keeps each row whole, and the header row repeats."""
    for lang in LANGS:
        for kind in KINDS:
            data = (SHIPPED_DIR / lang / f"{kind}.docx").read_bytes()
            for table in _tables(data):
                for row in table.iter(qn("w:tr")):
                    properties = row.find(qn("w:trPr"))
                    assert properties is not None and properties.find(qn("w:cantSplit")) is not None, \
                        f"{lang}/{kind}: a row can split: {[_cell_text(c) for c in row.iter(qn('w:tc'))]}"


def _plan_paid_in_part(lang: str) -> dict:
    """The sample agreement after the first invoice was paid under the plan: today's open amounts
    (0.00 and 6,409.02) no longer add up to the plan's total of 16,409.02."""
    context = copy.deepcopy(sample_context("plan", lang))
    context["invoices"][0].update(paid="12,000.00", open="0.00")
    context["open_total"] = "6,409.02"
    context["plan"].update(open_differs=True, paid="10,000.00", has_paid=True)
    return context


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return render_samples(lambda lang: {"plan_paid_in_part": ("plan", _plan_paid_in_part(lang))})


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", (*KINDS, "plan_paid_in_part"))
def test_every_total_row_is_the_exact_sum_of_its_column(rendered, lang, kind):
    """A clerk signs a table that adds up: each figure of a 合计/Total row is the sum of the column's
    rows, to the fen (the plan agreement once totalled the plan, not the open amounts it listed)."""
    totals = 0
    for table in _tables(rendered[lang, kind]):
        rows = [[_cell_text(cell) for cell in row.iter(qn("w:tc"))] for row in table.iter(qn("w:tr"))]
        if not rows or not rows[-1][0].startswith(TOTAL_LABELS):
            continue
        width = len(rows[1])
        total = rows[-1]
        total = [""] * (width - len(total)) + total      # the label spans the first columns
        for column, figure in enumerate(total):
            if MONEY.match(figure):
                assert sum(_money(row[column]) for row in rows[1:-1]) == _money(figure), (kind, rows)
                totals += 1
    assert totals, "no total row checked"


@pytest.mark.parametrize("lang", LANGS)
def test_a_plan_paid_in_part_states_its_total_on_a_labelled_line(rendered, lang):
    """The table totals today's open amounts; the plan's own total, and what was paid under it, follow
    on a line of their own."""
    from tests.io.test_letters_docx import docx_lines
    text = "\n".join(docx_lines(rendered[lang, "plan_paid_in_part"]))
    if lang == "zh":
        assert re.search(r"^合计[ |]*\| 6,409\.02$", text, re.M)
        assert "分期还款总额：人民币¥16,409.02元" in text and "已还人民币¥10,000.00元" in text
    else:
        assert re.search(r"^Total[ |]*\| 6,409\.02$", text, re.M)
        assert "Installment plan total: CNY 16,409.02" in text and "CNY 10,000.00" in text


# ----- widths: no word or figure wider than its column ---------------------------------------------------------
FONTS = {False: "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
         True: "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"}
# A line may break only between units: a Chinese date (kept whole, as a clerk reads it), a Latin word or
# figure, or one CJK character with the brackets that may not be parted from it.
UNIT = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|[（(「]?[\u3400-\u9fff][）)」，、。：]?"
                  r"|[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
AUTOSPACE = 0.2         # LibreOffice's gap between a CJK character and a digit or letter, in em


@lru_cache(maxsize=None)
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    fontTools = pytest.importorskip("fontTools.ttLib")
    path = Path(FONTS[bold])
    if not path.exists():
        pytest.skip("Liberation Serif (LibreOffice's Times New Roman) not installed")
    font = fontTools.TTFont(path)
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    return {code: metrics[name][0] for code, name in cmap.items()}, font["head"].unitsPerEm


def _width(text: str, size: float, bold: bool) -> float:
    """Points `text` takes at `size`: Liberation Serif's advances, a full em for CJK characters and
    `AUTOSPACE` where CJK meets a digit or letter (2026年12月30日 has five such gaps)."""
    advances, em = _advances(bold)
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in text]
    gaps = sum(a != b for a, b in zip(wide, wide[1:]))
    return sum(size if w else advances.get(ord(ch), em) * size / em for ch, w in zip(text, wide)) + \
        gaps * AUTOSPACE * size


def _stress(context, lang: str):
    """The context with every figure the largest a letter prints and every date the longest."""
    if isinstance(context, dict):
        return {key: _stress(value, lang) for key, value in context.items()}
    if isinstance(context, list):
        return [_stress(value, lang) for value in context]
    if isinstance(context, str) and MONEY.match(context):
        return LARGEST
    if isinstance(context, str) and DATE[lang].match(context):
        return LONGEST_DATE[lang]
    return context


def _margins(table) -> tuple[int, int]:
    """Left and right cell margins in twips: the table's own, else Table Grid's 108."""
    found = table.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    sides = [found.find(qn(f"w:{side}")) if found is not None else None for side in ("left", "right")]
    return tuple(int(side.get(qn("w:w"))) if side is not None else 108 for side in sides)


def _too_wide(data: bytes, whole: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Units wider than their column; a run whose text is in `whole` must fit as one piece."""
    found = []
    for table in _tables(data):
        grid = [int(col.get(qn("w:w"))) for col in table.find(qn("w:tblGrid")).iter(qn("w:gridCol"))]
        left, right = _margins(table)
        for row in table.iter(qn("w:tr")):
            column = 0
            for cell in row.iter(qn("w:tc")):
                span = cell.find(qn("w:tcPr")).find(qn("w:gridSpan")) if cell.find(qn("w:tcPr")) is not None else None
                count = int(span.get(qn("w:val"))) if span is not None else 1
                room = (sum(grid[column:column + count]) - left - right) / 20 - 1      # points, 1 pt to spare
                column += count
                for run in cell.iter(qn("w:r")):
                    properties = run.find(qn("w:rPr"))
                    size = properties.find(qn("w:sz")) if properties is not None else None
                    points = int(size.get(qn("w:val"))) / 2 if size is not None else 10.5
                    bold = properties is not None and properties.find(qn("w:b")) is not None
                    text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                    for unit in [text] if text in whole else UNIT.findall(text):
                        if _width(unit, points, bold) > room:
                            found.append(f"{unit!r} ({_width(unit, points, bold):.1f} pt > {room:.1f} pt)")
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_header_word_or_figure_is_wider_than_its_column(lang, kind):
    """Every letter's tables with 999,999,999.99 in every amount and the longest dates: each header
    word, figure and date part fits its column, so none breaks inside (an outside audit found
    "Days overdu|e" and a case review's 合计 "5,041,128.|55")."""
    data = TemplateSet(SHIPPED_DIR, lang).render(kind, _stress(sample_context(kind, lang), lang))
    assert _too_wide(data) == []


# ----- what a real batch puts in the cells (found by looking at the demo's letters) ------------------------------
def _in_two_currencies(kind: str, lang: str, days: str | None = None) -> dict:
    """The sample letter with a second table in euros after its CNY one (every invoice `days`, if given)."""
    context = copy.deepcopy(sample_context(kind, lang))
    if days is not None:
        for invoice in context["invoices"]:
            invoice["days"] = days
    cny = context["currency_tables"][0]
    euro = dict(copy.deepcopy(cny), code="EUR", name="欧元" if lang == "zh" else "EUR",
                unit="欧元" if lang == "zh" else "EUR", is_cny=False, words="Sixteen thousand euros")
    context["currency_tables"] = [cny, euro]
    context["single_cny"] = False
    return context


def _header_runs(data: bytes):
    """(text, points, bold, room in points) of every run in the repeated header row of every table."""
    for table in _tables(data):
        grid = [int(col.get(qn("w:w"))) for col in table.find(qn("w:tblGrid")).iter(qn("w:gridCol"))]
        left, right = _margins(table)
        header = next(table.iter(qn("w:tr")))
        if header.find(qn("w:trPr")) is None or header.find(qn("w:trPr")).find(qn("w:tblHeader")) is None:
            continue                                # not a listing (the confirmation's reply slip)
        for column, cell in enumerate(header.iter(qn("w:tc"))):
            room = (grid[column] - left - right) / 20 - 1
            for run in cell.iter(qn("w:r")):
                properties = run.find(qn("w:rPr"))
                size = properties.find(qn("w:sz")) if properties is not None else None
                points = int(size.get(qn("w:val"))) / 2 if size is not None else 10.5
                bold = properties is not None and properties.find(qn("w:b")) is not None
                yield "".join(t.text or "" for t in run.iter(qn("w:t"))), points, bold, room


@pytest.mark.parametrize("kind", ["demand", "lawyer", "reminder", "confirmation", "case_review"])
def test_a_chinese_header_line_with_a_foreign_currency_unit_is_never_broken(kind):
    """Each line of a zh column header fits its column whole: the demo's euro table printed
    "逾期利息(欧" above "元)", the currency's name cut in two; the unit now has a line of its own."""
    data = TemplateSet(SHIPPED_DIR, "zh").render(kind, _in_two_currencies(kind, "zh"))
    wide = [f"{text!r} ({_width(text, points, bold):.1f} pt > {room:.1f} pt)"
            for text, points, bold, room in _header_runs(data) if _width(text, points, bold) > room]
    assert wide == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["reminder", "confirmation", "case_review"])
def test_the_not_yet_due_mark_fits_the_days_column_on_one_line(lang, kind):
    """A confirmation lists invoices not yet due, so every row's days cell holds the not-yet-due mark;
    in English "not yet due" took two lines in every row, doubling the table's height."""
    mark = i18n.NOT_YET_DUE.get(lang)
    data = TemplateSet(SHIPPED_DIR, lang).render(kind, _in_two_currencies(kind, lang, days=mark))
    cells = [cell for table in _tables(data) for cell in table.iter(qn("w:tc")) if _cell_text(cell) == mark]
    assert cells
    assert _too_wide(data, whole={mark}) == []


def test_the_payee_account_lines_stay_together_on_one_page():
    """A 30-invoice confirmation put 户名 and 开户行 at the foot of page 1 and 账号 on page 2: the
    account name and bank lines are kept with the next line in every template that gives the account."""
    for lang in LANGS:
        for kind in KINDS:
            paragraphs = Document(SHIPPED_DIR / lang / f"{kind}.docx").paragraphs
            account = [p for p in paragraphs if "{{ company.payee_name }}" in p.text
                       or "{{ company.bank_name }}" in p.text]
            for paragraph in account:
                assert paragraph.paragraph_format.keep_with_next, f"{lang}/{kind}: {paragraph.text!r}"


@pytest.mark.parametrize("kind", ["demand", "lawyer", "reminder", "confirmation", "case_review"])
def test_a_chinese_letter_in_two_currencies_writes_yuan_with_the_yuan_sign(kind):
    """The convention writes the total in figures with ¥; the per-currency total line of a zh letter
    in CNY and euros said "以上人民币款项合计 CNY 670,931.61", an English code in a Chinese letter."""
    from tests.io.test_letters_docx import docx_lines
    text = "\n".join(docx_lines(TemplateSet(SHIPPED_DIR, "zh").render(kind, _in_two_currencies(kind, "zh"))))
    assert "CNY" not in text
    if kind in ("reminder", "confirmation", "case_review"):
        assert "以上人民币款项合计¥16,409.02（大写：人民币壹万陆仟肆佰零玖元零贰分）" in text
        assert "以上欧元款项合计 EUR 16,409.02（英文：Sixteen thousand euros）" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_payment_order_keeps_its_evidence_list_with_the_sign_off(lang):
    """From the evidence heading to the seal line every paragraph is kept with the next, so the
    court and the applicant's seal never stand on a page with only the list's last item."""
    paragraphs = Document(SHIPPED_DIR / lang / "payment_order.docx").paragraphs
    texts = [p.text for p in paragraphs]
    start = texts.index("证据目录" if lang == "zh" else "Evidence")
    seal = next(n for n, text in enumerate(texts) if text.startswith(("申请人：", "Applicant:")) and n > start)
    loose = [texts[n] for n in range(start, seal) if not paragraphs[n].paragraph_format.keep_with_next]
    assert loose == []
