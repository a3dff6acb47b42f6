"""Letter rendering: every kind in both languages, golden text, escaping, sandbox, template checks, PDF."""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from jinja2.exceptions import SecurityError, UndefinedError
from lxml import etree

from xlsx_tools.core.letters import KINDS, sample_context
from xlsx_tools.core.read.letter_log import LogRow
from xlsx_tools.io import pdf
from xlsx_tools.io.letters_docx import (CompiledTemplate, RenderTask, TemplateSet, check_templates, render_batch,
                                        render_with_docxtpl)
from xlsx_tools.io.letters_journal import LettersJournal
from xlsx_tools.build.letter_templates import SHIPPED_DIR, write_templates

LANGS = ("zh", "en")
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "letters"
TITLES = {"zh": {"confirmation": "账款确认函", "reminder": "还款提醒函", "demand": "催款通知书", "lawyer": "律师函",
                 "case_review": "催收案例复盘记录", "plan": "分期还款协议", "evidence": "诉讼证据清单",
                 "payment_order": "支付令申请书"},
          "en": {"confirmation": "ACCOUNT CONFIRMATION", "reminder": "PAYMENT REMINDER",
                 "demand": "PAYMENT DEMAND NOTICE", "lawyer": "LAWYER'S LETTER",
                 "case_review": "COLLECTION CASE REVIEW", "plan": "INSTALLMENT PAYMENT AGREEMENT",
                 "evidence": "LITIGATION EVIDENCE CHECKLIST", "payment_order": "APPLICATION FOR A PAYMENT ORDER"}}
WORDS = "人民币壹万陆仟肆佰零玖元零贰分"
SEAL = {"zh": "盖章", "en": "seal"}


@pytest.mark.parametrize("kind", KINDS)
def test_render__english_letters_ask_for_the_seal_in_english(rendered, kind):
    """An outside audit: "(company seal 盖章)" in an English letter; English letters are English (the
    amount in Chinese capitals stays, as the legal amount; the reply slip quotes its Chinese phrases)."""
    assert "盖章" not in "\n".join(docx_lines(rendered["en", kind]))


def docx_lines(data: bytes) -> list[str]:
    """What a reader sees: header, paragraphs and table rows in body order, footer."""
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    lines = [p.text for p in section.header.paragraphs]
    body = document.element.body
    for child in body.iterchildren():
        tag = etree.QName(child).localname
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter(docx.oxml.ns.qn("w:t"))))
        elif tag == "tbl":
            for row in child.iter(docx.oxml.ns.qn("w:tr")):
                cells = []
                for cell in row.iter(docx.oxml.ns.qn("w:tc")):
                    paragraphs = ["".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t")))
                                  for p in cell.iter(docx.oxml.ns.qn("w:p"))]
                    cells.append(" / ".join(x for x in paragraphs if x))
                lines.append(" | ".join(cells))
    lines += [p.text for p in section.footer.paragraphs]
    return lines


def normalise(lines: list[str]) -> str:
    """Golden form: trimmed lines, runs of spaces folded, empty lines dropped."""
    return "\n".join(re.sub(r"[ \t\u3000]+", " ", line).strip() for line in lines if line.strip()) + "\n"


def render_samples(extra=lambda lang: {}) -> dict[tuple[str, str], bytes]:
    """Every shipped template rendered with its sample context, per language; `extra(lang)` names
    more (key -> (kind, context)) to render with the same templates."""
    out = {}
    for lang in LANGS:
        templates = TemplateSet(SHIPPED_DIR, lang)
        for kind in KINDS:
            out[lang, kind] = templates.render(kind, sample_context(kind, lang))
        for key, (kind, context) in extra(lang).items():
            out[lang, key] = templates.render(kind, context)
    return out


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return render_samples()


# ----- rendering ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_render__each_kind_reads_back_with_its_data(rendered, lang, kind):
    context = sample_context(kind, lang)
    text = "\n".join(docx_lines(rendered[lang, kind]))
    assert TITLES[lang][kind] in text
    assert context["customer"]["name"] in text
    for invoice in context["invoices"]:
        assert invoice["no"] in text
    legal = kind in ("evidence", "payment_order")
    assert "16,409.02" in text and (WORDS in text or kind == "evidence")     # the checklist states the claim total
    assert context["date"] in text and ("2026年11月11日" if lang == "zh" else "11 November 2026") in text
    assert "CS-2026-000123" in text
    assert "{{" not in text and "{%" not in text
    if kind != "case_review" and not legal:
        assert SEAL[lang] in text and context["company"]["bank_account"] in text
    if legal:                                                            # the banner, in both languages
        assert "草稿，供法务审核" in text and "DRAFT FOR LEGAL REVIEW" in text
    if kind == "evidence":
        assert "9f86d081884c7d65 9a2feaa0c55ad015" in text and "CS-2026-000118" in text and "EMS9876543210" in text
    if kind == "payment_order":
        assert context["company"]["court"] in text and SEAL[lang] in text
    if kind == "confirmation":
        assert "「信息证明无误」" in text and "「信息不符，请列明不符项目及具体内容」" in text
    if kind == "case_review":
        assert "CS-2026-000101" in text and "SF1234567890" in text        # the Letters log timeline


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["demand", "lawyer"])
def test_render__demand_and_lawyer_state_principal_interest_basis_and_total(rendered, lang, kind):
    """Hand-checked for the sample letter (as of 2026-11-11, one-year LPR 3.00% × 1.5, actual/365):
    10,000.00 × 4.5% × 40 / 365 = 49.3150… -> 49.32 and 6,409.02 × 4.5% × 11 / 365 = 8.6916… -> 8.69;
    interest 58.01; principal + interest = 16,409.02 + 58.01 = 16,467.03 = 人民币壹万陆仟肆佰陆拾柒元零叁分."""
    lines = docx_lines(rendered[lang, kind])
    text = "\n".join(lines)
    table = [line.split(" | ") for line in lines if line.startswith(("1 | INV-", "2 | INV-"))]
    assert [row[-1] for row in table] == ["49.32", "8.69"]                 # the Interest column
    assert any(line.startswith(("合计", "Total")) and line.endswith("| 58.01") for line in lines)
    if lang == "zh":
        assert "逾期利息按一年期LPR 3.00%的1.5倍计算，共计人民币¥58.01元" in text
        assert ("贵司应付本金人民币¥16,409.02元，逾期利息人民币¥58.01元，本息合计人民币（小写）¥16,467.03元，"
                "（大写）人民币壹万陆仟肆佰陆拾柒元零叁分") in text
    else:
        assert "computed at 1.5 times the one-year LPR of 3.00%, amounts to CNY 58.01" in text
        assert ("principal of CNY 16,409.02 and interest of CNY 58.01: a total of CNY 16,467.03 "
                "(in Chinese capitals: 人民币壹万陆仟肆佰陆拾柒元零叁分)") in text


@pytest.mark.parametrize("lang", LANGS)
def test_render__plan_agreement_lists_every_installment_and_sums_exactly(rendered, lang):
    """The sample plan: 16,409.02, 30% first (4,922.71), then 3 × 3,828.77; the 4th carries
    3,828.77 × 0.02% × 30 = 22.97; the sum line is the plan total exactly."""
    lines = docx_lines(rendered[lang, "plan"])
    text = "\n".join(lines)
    rows = [line.split(" | ") for line in lines if re.match(r"^\d \| ", line) and len(line.split(" | ")) == 5]
    dates = (["2026年11月30日", "2026年12月30日", "2027年1月29日", "2027年2月28日"] if lang == "zh" else
             ["30 November 2026", "30 December 2026", "29 January 2027", "28 February 2027"])
    assert [row[0] for row in rows] == ["1", "2", "3", "4"] and [row[1] for row in rows] == dates
    money = [[Decimal(cell.replace(",", "")) for cell in row[2:]] for row in rows]
    assert [m[0] for m in money] == [Decimal("4922.71")] + [Decimal("3828.77")] * 3
    assert [m[1] for m in money] == [Decimal("0.00")] * 3 + [Decimal("22.97")]
    assert sum(m[0] for m in money) == Decimal("16409.02") and sum(m[2] for m in money) == Decimal("16431.99")
    total = next(line for line in lines if line.startswith(("合计 | 16,409.02", "Total | 16,409.02")))
    assert total.split(" | ")[1:] == ["16,409.02", "22.97", "16,431.99"]
    assert "FQ-2026-003" in text and "30%" in text and "4,922.71" in text
    assert "人民币壹万陆仟肆佰叁拾壹元玖角玖分" in text
    signatures = "授权代表（签字）" if lang == "zh" else "Authorised signatory"
    assert text.count(signatures) == 2 and text.count(SEAL[lang]) >= 2
    # issue 9: never pre-filled with the plan's signed date (a document generated later reads as back-dated)
    assert text.count("签订日期：　　　　年　　月　　日" if lang == "zh" else "Date of signing:") == 2
    assert "2026年11月11日签" not in text and "Signed on" not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_render__golden_text(rendered, lang, kind):
    actual = normalise(docx_lines(rendered[lang, kind]))
    golden = GOLDEN / f"{lang}_{kind}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), f"{golden} differs (UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_render__compiled_once_gives_what_plain_docxtpl_gives(rendered, lang, kind):
    plain = render_with_docxtpl(SHIPPED_DIR / lang / f"{kind}.docx", sample_context(kind, lang))
    assert docx_lines(rendered[lang, kind]) == docx_lines(plain)


def test_render__output_is_a_valid_package_each_part_parses(rendered):
    with zipfile.ZipFile(io.BytesIO(rendered["zh", "demand"])) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert "[Content_Types].xml" in names and len(names) == len(set(names))
        for name in names:
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(package.read(name))


def test_render__is_deterministic(rendered):
    again = TemplateSet(SHIPPED_DIR, "zh").render("demand", sample_context("demand", "zh"))
    assert again == rendered["zh", "demand"]


def test_render__compiled_template_is_at_least_twice_as_fast_as_plain_docxtpl():
    path = SHIPPED_DIR / "zh" / "demand.docx"
    context = sample_context("demand", "zh")
    template = CompiledTemplate(path)
    template.render(context)
    render_with_docxtpl(path, context)
    n = 8
    start = time.perf_counter()
    for _ in range(n):
        template.render(context)
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(n):
        render_with_docxtpl(path, context)
    plain = time.perf_counter() - start
    assert plain / compiled >= 2, f"compiled {compiled / n * 1000:.1f} ms vs plain {plain / n * 1000:.1f} ms"


# ----- escaping, undefined, sandbox ----------------------------------------------------------------------------
def _with_customer(name: str, address: str = "1 Mill Lane") -> dict:
    context = sample_context("demand", "en")
    context["customer"] = dict(context["customer"], name=name, address=address)
    return context


def test_escaping__special_characters_come_out_verbatim():
    name = "Old Mill & Sons <Ltd>"
    data = TemplateSet(SHIPPED_DIR, "en").render("demand", _with_customer(name))
    assert any(name in line for line in docx_lines(data))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "Old Mill &amp; Sons &lt;Ltd&gt;" in package.read("word/document.xml").decode()


@pytest.mark.parametrize("name", ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.__class__ }}",
                                  "a }} b {{"])
def test_escaping__customer_data_cannot_run_template_code(name):
    data = TemplateSet(SHIPPED_DIR, "en").render("demand", _with_customer(name))
    lines = docx_lines(data)
    assert f"To: {name}" in lines


def test_escaping__control_characters_become_spaces_and_line_breaks_are_kept():
    # a vertical tab or form feed pasted between words must keep them apart; nothing else is collapsed
    name = "Acme\x0bTrading\x01Ltd\x0c  \x00X\x7f\ufffeY"
    data = TemplateSet(SHIPPED_DIR, "en").render("demand", _with_customer(name, "1 Mill Lane\r\nNingbo\rZhejiang"))
    lines = docx_lines(data)
    assert "To: Acme Trading Ltd    X  Y" in lines
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert re.search(r"1 Mill Lane</w:t>\s*<w:br/>\s*<w:t[^>]*>Ningbo Zhejiang<", xml)
    assert "\r" not in xml


def _template_with(tmp_path: Path, text: str, name: str = "t.docx") -> Path:
    document = docx.Document()
    document.add_paragraph("Dear {{ customer.name }},")
    document.add_paragraph(text)
    path = tmp_path / name
    document.save(path)
    return path


def test_undefined__a_missing_variable_is_an_error_not_a_blank(tmp_path):
    context = sample_context("demand", "en")
    with pytest.raises(UndefinedError):
        CompiledTemplate(_template_with(tmp_path, "{{ customer_nmae }}")).render(context)
    with pytest.raises(UndefinedError):
        CompiledTemplate(_template_with(tmp_path, "{{ customer.nmae }}", "u.docx")).render(context)


@pytest.mark.parametrize("expression", ["{{ ''.__class__.__mro__ }}", "{{ customer.name.__class__ }}",
                                        "{{ invoices.__class__.__base__.__subclasses__() }}",
                                        "{{ total.format.__globals__ }}"])
def test_sandbox__templates_cannot_reach_python_internals(tmp_path, expression):
    template = CompiledTemplate(_template_with(tmp_path, expression))
    with pytest.raises((SecurityError, UndefinedError)):
        template.render(sample_context("demand", "en"))


# ----- shipped templates -----------------------------------------------------------------------------------------------
def _canonical_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: etree.tostring(etree.fromstring(package.read(name)), method="c14n")
                for name in package.namelist() if name.endswith(".xml")}


def test_shipped_templates__equal_what_the_generator_builds(tmp_path):
    """Regenerate with `python -m xlsx_tools.build.letter_templates` after changing the generator."""
    write_templates(tmp_path)
    for lang in LANGS:
        for kind in KINDS:
            shipped, built = SHIPPED_DIR / lang / f"{kind}.docx", tmp_path / lang / f"{kind}.docx"
            assert _canonical_parts(shipped) == _canonical_parts(built), f"{shipped} is stale"


def test_check_templates__every_shipped_template_passes():
    reports = check_templates(SHIPPED_DIR)
    assert len(reports) == len(LANGS) * len(KINDS)
    assert [(r.path.name, r.unknown, r.errors) for r in reports if not r.ok] == []


def _replace_in_template(source: Path, target: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(source) as package:
        parts = {info: package.read(info.filename) for info in package.infolist()}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                text = data.decode()
                assert old in text
                data = text.replace(old, new, 1).encode()
            out.writestr(info, data)


@pytest.fixture()
def broken_templates(tmp_path) -> Path:
    shutil.copytree(SHIPPED_DIR, tmp_path / "t")
    root = tmp_path / "t"
    _replace_in_template(SHIPPED_DIR / "zh" / "demand.docx", root / "zh" / "demand.docx",
                         "{{ customer.name }}", "{{ customer.name }")                  # broken tag
    _replace_in_template(SHIPPED_DIR / "en" / "reminder.docx", root / "en" / "reminder.docx",
                         "{{ deadline }}", "{{ payment_deadline }}")                   # unknown variable
    _replace_in_template(SHIPPED_DIR / "zh" / "lawyer.docx", root / "zh" / "lawyer.docx",
                         "{{ company.lawyer }}", "{{ company.lawyr }}")                # unknown attribute
    _replace_in_template(SHIPPED_DIR / "en" / "demand.docx", root / "en" / "demand.docx",
                         "{{ deadline }}", "{% if deadline %}{{ deadline }}")          # unclosed block
    (root / "zh" / "case_review.docx").unlink()
    return root


def test_check_templates__reports_broken_templates_by_name(broken_templates):
    reports = {(r.lang, r.kind): r for r in check_templates(broken_templates)}
    bad = {key for key, report in reports.items() if not report.ok}
    assert bad == {("zh", "demand"), ("en", "reminder"), ("zh", "lawyer"), ("en", "demand"), ("zh", "case_review")}
    assert "broken tag" in reports["zh", "demand"].errors[0]
    assert reports["en", "reminder"].unknown == ("payment_deadline",)
    assert "lawyr" in reports["zh", "lawyer"].errors[0]
    assert "endif" in reports["en", "demand"].errors[0] or "end of template" in reports["en", "demand"].errors[0]
    assert "not found" in reports["zh", "case_review"].errors[0]
    assert reports["zh", "demand"].path.name == "demand.docx"


# ----- batches -----------------------------------------------------------------------------------------------------
def _tasks(folder: Path, n: int) -> list[RenderTask]:
    tasks = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        context = sample_context(kind, "zh")
        context["letter_no"] = f"CS-2026-{i + 1:06d}"
        tasks.append(RenderTask(kind, context, str(folder / f"{i}.docx"), key=context["letter_no"]))
    return tasks


def test_render_batch__pool_and_one_process_write_the_same_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    serial = render_batch(_tasks(tmp_path / "a", 30), SHIPPED_DIR, "zh", workers=1)
    steps = []
    pooled = render_batch(_tasks(tmp_path / "b", 30), SHIPPED_DIR, "zh", workers=2,
                          progress=lambda done, total: steps.append((done, total)))
    assert [r.error for r in serial + pooled] == [None] * 60
    assert [r.sha256 for r in serial] == [r.sha256 for r in pooled]
    assert [r.key for r in pooled] == [f"CS-2026-{i:06d}" for i in range(1, 31)]
    assert steps[-1] == (30, 30)
    for result in pooled:
        assert hashlib.sha256(Path(result.path).read_bytes()).hexdigest() == result.sha256
    assert not list((tmp_path / "b").glob(".*.tmp"))


def test_render_batch__one_failing_letter_does_not_stop_the_batch(tmp_path):
    tasks = _tasks(tmp_path, 3)
    broken = dict(tasks[1].context)
    del broken["total_words"]
    tasks[1] = RenderTask(tasks[1].kind, broken, tasks[1].path, tasks[1].key)
    results = render_batch(tasks, SHIPPED_DIR, "zh", workers=1)
    assert results[0].error is None and results[2].error is None
    assert "total_words" in results[1].error
    assert not Path(results[1].path).exists()


# ----- journal ---------------------------------------------------------------------------------------------------------
def test_journal__reserve_read_compact_and_torn_line(tmp_path):
    import datetime as dt
    journal = LettersJournal(tmp_path)
    rows = [LogRow(f"CS-2026-{n:06d}", dt.date(2026, 11, 30), "demand", "C1", "x", "S3", "I1", 100, f"{n}.docx", "")
            for n in (5, 6)]
    journal.reserve(rows)
    with open(journal.path, "a", encoding="utf-8") as stream:
        stream.write('{"event": "reserve", "letter_no": "CS-2026-0000')          # crash mid-write
    state = journal.read()
    assert list(state.reserved) == ["CS-2026-000005", "CS-2026-000006"]
    assert state.reserved["CS-2026-000006"] == rows[1]
    journal.compact(["CS-2026-000004"])
    state = journal.read()
    assert state.reserved == {} and state.marks == {("CS", 2026): 6}
    assert state.numbers() == ["CS-2026-000006"]


# ----- PDF ---------------------------------------------------------------------------------------------------------------
def require_soffice() -> None:
    if pdf.find_soffice() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice (soffice) is required under CI: apt-get install libreoffice-writer fonts-noto-cjk")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer fonts-noto-cjk")


def test_pdf__libreoffice_converts_the_batch_in_one_call_and_chinese_survives(rendered, tmp_path):
    require_soffice()
    documents = []
    for lang, kind in (("zh", "demand"), ("zh", "confirmation"), ("en", "lawyer")):
        path = tmp_path / f"{lang}_{kind}.docx"
        path.write_bytes(rendered[lang, kind])
        documents.append(path)
    calls = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        calls.append(command)
        return real_run(command, *args, **kwargs)

    pdf.subprocess.run = counting_run
    try:
        pdfs = pdf.convert_to_pdf(documents, tmp_path / "pdf")
    finally:
        pdf.subprocess.run = real_run
    soffice = [command for command in calls if command[0] == pdf.find_soffice()]   # not fc-list (io/sc_fonts)
    assert len(soffice) == 1 and any(str(arg).startswith("-env:UserInstallation=") for arg in soffice[0])
    joined = pdf.join_pdfs(pdfs, tmp_path / "batch_20261111.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(joined), "-"], capture_output=True, text=True).stdout
    assert "催款通知书" in text and "账款确认函" in text and "LAWYER'S LETTER" in text
    assert WORDS in "".join(text.split())
    assert "宁波恒信电子科技有限公司" in text
    pages = sum(int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(p)], capture_output=True,
                                                                  text=True).stdout).group(1)) for p in pdfs)
    info = subprocess.run(["pdfinfo", str(joined)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == pages
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True).stdout
    assert "CJK" in fonts                         # Chinese set in a CJK font, not missing glyph boxes
    assert "第 1 页" in text or "第1页" in text.replace(" ", "")   # each letter keeps its own footer


def test_pdf__without_libreoffice_the_message_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    with pytest.raises(pdf.PdfUnavailable) as raised:
        pdf.convert_to_pdf([tmp_path / "a.docx"], tmp_path)
    assert "apt-get install libreoffice-writer" in str(raised.value)
    assert ".docx" in str(raised.value)


@pytest.mark.parametrize("lang", LANGS)
def test_render__lawyer_letter_cites_the_source_of_the_lpr_rate_and_the_assigned_lawyer(rendered, lang):
    """Issue 9.4: the 1.5 × LPR rate comes from the SPC sales-contract interpretation, art. 18;
    the firm assigned the lawyer (指派), it was not instructed through him."""
    text = "\n".join(docx_lines(rendered[lang, "lawyer"]))
    if lang == "zh":
        assert "《最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释》第十八条" in text
        assert "第六百四十六条" in text
    else:
        assert "Article 18, paragraph 4 of the Supreme People's Court's Interpretation on Sales Contract Disputes" in text
        assert "Article 646" in text
        assert "have assigned lawyer" in text and "through" not in text
