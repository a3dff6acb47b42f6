"""Issue 9, items 6-9 as the signer sees them: letters rendered through LibreOffice, pages counted
(`pdfinfo`), page text read (`pdftotext`), fonts listed (`pdffonts`) and the glyph of 角 checked."""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.core.test_letters import AS_OF, CASES, CUSTOMERS, TWO_CURRENCIES, log_with
from tests.libreoffice import soffice_or_skip
from tests.sheets import raw_sheet
from xlsx_tools.build.letter_templates import SHIPPED_DIR
from xlsx_tools.core.letters import letter_context, plan_letters, sample_context
from xlsx_tools.core.read.cases import read_cases
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.io.letters_docx import TemplateSet
from xlsx_tools.io.pdf import convert_to_pdf

LANGS = ("zh", "en")
# Longer letters (kind, invoices) that run onto a second page, where a sign-off or a slip could split.
LONG = (("demand", 12), ("confirmation", 12), ("confirmation", 26), ("case_review", 12), ("case_review", 26))


def _eight_invoices(kind: str, lang: str, individual: bool = False, count: int = 8) -> dict:
    """The sample letter with `count` invoices, in the letter-wide list and in its currency table
    (the demand, reminder and confirmation draw their table from the latter)."""
    context = copy.deepcopy(sample_context(kind, lang))
    first = context["invoices"][0]
    context["invoices"] = [dict(first, no=f"INV-2026-{n:04d}") for n in range(1, count + 1)]
    for table in context.get("currency_tables", []):
        table["invoices"] = context["invoices"]
        table["words"] = "人民币壹万陆仟肆佰零玖元玖角贰分"
    context["customer"]["individual"] = individual
    context["total_words"] = "人民币壹万陆仟肆佰零玖元玖角贰分"          # 角: the glyph Japanese faces draw differently
    return context


def _sixty_one_invoices(lang: str) -> dict:
    """A demand over three pages whose every row takes two lines (the invoice number wraps), with the
    largest figure a letter prints as each row's amount and as the totals."""
    context = _eight_invoices("demand", lang, count=61)
    rows = [dict(row, no=f"{row['no']} LOT B", amount="999,999,999.99") for row in context["invoices"]]
    context["invoices"] = rows
    context["currency_tables"][0].update(invoices=rows, total="999,999,999.99", interest="999,999,999.99")
    return context


def _case_review_in_cny_and_usd(lang: str) -> dict:
    """The case review of a customer owing in CNY and USD (issue 12: a table and total per currency)."""
    fx = raw_sheet("汇率", "币种 | 日期 | 折合人民币汇率\nUSD | 2026-11-01 | 7.1\n")
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", TWO_CURRENCIES), customers=raw_sheet("客户档案", CUSTOMERS),
                                   fx=fx), as_of=AS_OF)
    cases, _ = read_cases(raw_sheet("案例库", CASES))
    (job,) = [job for job in plan_letters(result, log_with(), cases, kinds=["case_review"])[0] if job.customer_id == "C001"]
    company = sample_context("case_review", lang)["company"]
    return letter_context(job, "CS-2026-000009", result, company, lang, cases=cases)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[tuple[str, str], Path]:
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("pages")
    documents = {}
    for lang in LANGS:
        templates = TemplateSet(SHIPPED_DIR, lang)
        for kind in ("demand", "reminder", "confirmation", "case_review"):
            path = folder / f"{lang}_{kind}.docx"
            path.write_bytes(templates.render(kind, _eight_invoices(kind, lang)))
            documents[lang, kind] = path
        path = folder / f"{lang}_personal.docx"
        path.write_bytes(templates.render("confirmation", _eight_invoices("confirmation", lang, individual=True)))
        documents[lang, "personal"] = path
        path = folder / f"{lang}_case_review_two_currencies.docx"
        path.write_bytes(templates.render("case_review", _case_review_in_cny_and_usd(lang)))
        documents[lang, "case_review_two_currencies"] = path
        for kind, count in LONG:
            path = folder / f"{lang}_{kind}_{count}.docx"
            path.write_bytes(templates.render(kind, _eight_invoices(kind, lang, count=count)))
            documents[lang, f"{kind}/{count}"] = path
        path = folder / f"{lang}_payment_order.docx"
        path.write_bytes(templates.render("payment_order", _eight_invoices("payment_order", lang, count=5)))
        documents[lang, "payment_order"] = path
        path = folder / f"{lang}_demand_61.docx"
        path.write_bytes(templates.render("demand", _sixty_one_invoices(lang)))
        documents[lang, "demand/61"] = path
    out = convert_to_pdf(list(documents.values()), folder)
    return dict(zip(documents, out))


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")[:pages(pdf)]]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["demand", "reminder"])
def test_demand_and_reminder_with_eight_invoices_fit_one_a4_page(pdfs, lang, kind):
    assert pages(pdfs[lang, kind]) == 1


def _bodies(texts: list[str]) -> list[str]:
    """Each page's text without the running header that every page of a multi-page letter starts with."""
    if len(texts) < 2:
        return texts
    header = texts[0][:next((n for n, chars in enumerate(zip(*texts)) if len(set(chars)) > 1),
                            min(map(len, texts)))]
    return [text[len(header):] for text in texts]


def _page_of(texts: list[str], position: int) -> int:
    """The page (0-based) holding character `position` of "".join(texts)."""
    for page, text in enumerate(texts):
        if position < len(text):
            return page
        position -= len(text)
    raise ValueError(position)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["confirmation", "personal", "confirmation/12", "confirmation/26"])
def test_confirmation_is_at_most_two_pages_with_the_reply_slip_whole_on_one(pdfs, lang, kind):
    """The slip ends the letter, so it is whole when its title is on the last page."""
    texts = _bodies(page_texts(pdfs[lang, kind]))
    if kind == "confirmation":
        assert len(texts) == 1                 # a company's eight invoices and its slip: one page
    elif kind != "confirmation/26":
        assert len(texts) <= 2
    slip = ("回执", "「信息证明无误」", "不符项目及具体内容") if lang == "zh" else \
        ("REPLY", "Informationcorrect", "Itemsanddetails")
    assert all(part in texts[-1] for part in slip), texts
    assert _page_of(texts, "".join(texts).rfind(slip[0])) == len(texts) - 1, texts


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["demand", "reminder", "confirmation", "case_review",
                                  *(f"{kind}/{count}" for kind, count in LONG)])
def test_signature_block_is_whole_on_a_page_after_body_text(pdfs, lang, kind):
    """From the contact (or "prepared by") line to the date, the sign-off is on one page, and that
    page carries body text of the letter before it (not only the running header)."""
    letter = kind.split("/")[0]
    date = "2026年11月11日" if lang == "zh" else "11November2026"
    contact = ("联系人：李娜电话" if lang == "zh" else "Contact:LiNa") if letter != "case_review" else \
        ("编制：" if lang == "zh" else "Preparedby:")
    texts = _bodies(page_texts(pdfs[lang, kind]))
    joined = "".join(texts)
    start = joined.rfind(contact)
    end = joined.find(date, start)
    assert 0 <= start < end, texts
    page = _page_of(texts, start)
    assert _page_of(texts, end) == page, f"the sign-off splits across pages: {texts!r}"
    offset = sum(map(len, texts[:page]))
    assert len(texts[page][:start - offset]) >= 20, f"the sign-off stands alone: {texts[page]!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_case_review_in_cny_and_usd_has_a_table_and_total_per_currency_on_one_page(pdfs, lang):
    (text,) = page_texts(pdfs[lang, "case_review_two_currencies"])
    cny, usd = ("（元）", "(美元)") if lang == "zh" else ("Paid(CNY)", "Paid(USD)")   # zh: the unit under its header
    assert text.index(cny) < text.index(usd)
    before, after = text.split(usd, 1)
    assert "1,000.00" in before and "2,100.50" in after
    words = ("英文：TwothousandonehundredUSdollarsandfiftycents" if lang == "zh"
             else "inwords:TwothousandonehundredUSdollarsandfiftycents")
    assert words in text


def test_personal_confirmation_addresses_a_person(pdfs):
    zh = "".join(page_texts(pdfs["zh", "personal"]))
    assert "本人确认" in zh and "（本人签字）" in zh and "身份证号码" in zh and "您" in zh
    assert "贵司" not in zh and "本公司" not in zh and "公司盖章" not in zh
    en = "".join(page_texts(pdfs["en", "personal"]))
    assert "Iconfirm" in en and "IDcardno." in en and "yourcompany" not in en


@pytest.mark.parametrize("lang", LANGS)
def test_letterhead_gives_the_senders_address_phone_and_contact(pdfs, lang):
    context = sample_context("confirmation", lang)
    first = page_texts(pdfs[lang, "confirmation"])[0]
    for key in ("address", "phone", "contact"):
        assert re.sub(r"\s+", "", context["company"][key]) in first[:300]


# ----- Simplified Chinese glyphs ------------------------------------------------------------------------------
def _cids(pdf: Path) -> set[str]:
    """The glyph names (cidNNNNN) of every embedded font subset."""
    data = pdf.read_bytes()
    found: set[str] = set()
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            body = zlib.decompress(data[match.end():end])
        except zlib.error:
            continue
        found |= {name.decode() for name in re.findall(rb"/(cid\d+)", body)}
    return found


def _one_glyph_docx(path: Path, font: str | None) -> Path:
    document = Document()
    run = document.add_paragraph().add_run("角")
    if font:
        fonts = OxmlElement("w:rFonts")
        fonts.set(qn("w:eastAsia"), font)
        run._r.get_or_add_rPr().append(fonts)
    document.save(path)
    return path


@pytest.mark.parametrize("lang", LANGS)
def test_chinese_text_renders_with_simplified_chinese_faces(pdfs, lang, tmp_path):
    """`pdffonts` names every CJK font of the letter as a Simplified Chinese face (Debian's Noto CJK
    collections name their shared outlines "jp"; io/sc_fonts.py gives LibreOffice the SC faces
    under their own names), and the glyph agrees: 角 (in every 大写 amount) is the SC glyph,
    never the JP one."""
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) not installed")
    listing = subprocess.run(["pdffonts", str(pdfs[lang, "demand"])], capture_output=True, text=True,
                             check=True).stdout
    names = [line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]]
    cjk = [name for name in names if not name.startswith(("Liberation", "DejaVu", "Times", "Arial"))]
    assert cjk and all(re.fullmatch(r"Noto(Serif|Sans)CJKsc-\w+(-\w+)?", name) for name in cjk), listing
    references = convert_to_pdf([_one_glyph_docx(tmp_path / "sc.docx", "Noto Serif CJK SC"),
                                 _one_glyph_docx(tmp_path / "jp.docx", "Noto Serif CJK JP")], tmp_path)
    (sc,), (jp,) = (_cids(pdf) for pdf in references)
    if sc == jp:
        pytest.skip("the installed CJK font has one glyph for 角 in every region")
    glyphs = _cids(pdfs[lang, "demand"])
    assert sc in glyphs and jp not in glyphs


def test_templates_declare_zh_cn_and_no_theme_east_asian_fonts():
    for lang in LANGS:
        with zipfile.ZipFile(SHIPPED_DIR / lang / "demand.docx") as package:
            styles = package.read("word/styles.xml").decode()
            settings = package.read("word/settings.xml").decode()
            font_table = package.read("word/fontTable.xml").decode()
        assert "eastAsiaTheme" not in styles
        assert re.search(r'<w:rPrDefault>.*w:eastAsia="zh-CN"', styles, re.S)
        assert 'w:eastAsia="ja-JP"' not in settings
        assert "Noto Serif CJK SC" in font_table and "Noto Sans CJK SC" in font_table


def test_a_figure_at_the_end_of_a_chinese_line_moves_whole_to_the_next(tmp_path):
    """The zh templates' text defaults keep numbers whole: lines of the zh demand's styles where an
    amount reaches the right margin at every offset, rendered; no line ends inside the amount."""
    soffice_or_skip()
    document = Document(SHIPPED_DIR / "zh" / "demand.docx")
    body = document.element.body
    for element in list(body)[:-1]:                      # keep the section (page size, margins)
        body.remove(element)
    for extra in range(10, 46):
        document.add_paragraph("本人确认截至今日尚欠" + "款" * extra + "人民币13,070.72元（人民币壹万叁仟零柒拾元零柒角贰分）")
    path = tmp_path / "figures.docx"
    document.save(path)
    (pdf,) = convert_to_pdf([path], tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert sum("13,070.72" in line for line in lines) == 36, lines


@pytest.mark.parametrize("lang", LANGS)
def test_a_61_invoice_demand_keeps_each_row_on_one_page_and_each_figure_whole(pdfs, lang):
    """An outside audit saw row 31 of a 61-invoice demand split over two pages and a total broken
    inside ("5,041,128.|55"): rows cannot split, and 999,999,999.99 stays on one line."""
    pdf = pdfs[lang, "demand/61"]
    assert pages(pdf) >= 2
    texts = [re.sub(r"\s+", "", page) for page in subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")]
    for n in range(1, 62):
        row = f"INV-2026-{n:04d}LOTB"
        assert sum(row in text for text in texts) == 1, f"row {n} is not whole on one page"
    assert "".join(texts).count("999,999,999.99") >= 61 + 2


@pytest.mark.parametrize("lang", LANGS)
def test_a_payment_order_signs_on_the_page_of_its_evidence_list(pdfs, lang):
    """The demo's payment orders ran onto a second page holding only "5. 还款承诺记录：无。" above the
    court and the applicant's seal: the evidence list moves whole to the page of the sign-off."""
    heading, court, seal = ("证据目录", "此致", "申请人：") if lang == "zh" else ("Evidence1.", "To:", "Applicant:")
    texts = _bodies(page_texts(pdfs[lang, "payment_order"]))
    joined = "".join(texts)
    start = joined.rfind(heading)
    assert 0 <= start < joined.rfind(court) < joined.rfind(seal), texts
    assert _page_of(texts, start) == _page_of(texts, joined.rfind(seal)), texts
