"""The macro-enabled templates: VBA from macros/*.bas, buttons, xlwings.conf, reproducibility,
what olevba and LibreOffice see, and that a refresh keeps all of it."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser

from tests.libreoffice import python_with_uno, soffice_or_skip
from xlsx_tools.cli import main
from xlsx_tools.core import i18n
from xlsx_tools.present import texts
from xlsx_tools.build.xlsm import (BUTTONS, MACROS_DIR, TEMPLATES_DIR, UDF_MODULE, XLWINGS_SETTINGS,
                                   build_macro_workbook, read_macros, template_paths)
from xlsx_tools.build.templates import build_template

LANGS = ("zh", "en")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
      "ct": "http://schemas.openxmlformats.org/package/2006/content-types"}
FIXTURES = Path(__file__).resolve().parents[1] / "io" / "fixtures"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("xlsm")
    out = {}
    for lang in LANGS:
        out[lang] = folder / f"collections_{lang}.xlsm"
        out[lang].write_bytes(build_macro_workbook(lang))
    return out


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def normalise(code: str) -> str:
    lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line for line in lines if not re.match(r"Attribute VB_", line)).strip("\n")


def olevba(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path), relaxed=False)
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def sheet_part(files: dict[str, bytes], title: str) -> str:
    workbook = etree.fromstring(files["xl/workbook.xml"])
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(files["xl/_rels/workbook.xml.rels"])}
    for sheet in workbook.iterfind(".//m:sheet", NS):
        if sheet.get("name") == title:
            target = rels[sheet.get(f"{{{NS['r']}}}id")]
            return target[1:] if target.startswith("/") else "xl/" + target
    raise KeyError(title)


# ------------------------------------------------------------------ structure
@pytest.mark.parametrize("lang", LANGS)
def test_sheets_are_the_xlsx_templates_plus_control_and_xlwings_conf(built, lang):
    names = openpyxl.load_workbook(built[lang], read_only=True).sheetnames
    assert names == [texts.CONTROL_SHEET.get(lang)] + build_template(lang).sheetnames + ["xlwings.conf"]


@pytest.mark.parametrize("lang", LANGS)
def test_olevba_extracts_exactly_our_module_sources(built, lang):
    extracted = olevba(built[lang])
    ours = {m.name: m for m in read_macros()}
    for name, module in ours.items():
        assert normalise(extracted[name]) == normalise(module.source), name
        assert f'Attribute VB_Name = "{name}"' in extracted[name]
    others = set(extracted) - set(ours)
    assert all(normalise(extracted[name]) == "" for name in others)      # the sheets' empty document modules


@pytest.mark.parametrize("lang", LANGS)
def test_code_names_match_the_document_modules(built, lang):
    files = parts(built[lang])
    workbook = etree.fromstring(files["xl/workbook.xml"])
    assert workbook.find("m:workbookPr", NS).get("codeName") == "ThisWorkbook"
    code_names = {}
    for sheet in workbook.iterfind(".//m:sheet", NS):
        pr = etree.fromstring(files[sheet_part(files, sheet.get("name"))]).find("m:sheetPr", NS)
        if pr is not None and pr.get("codeName"):
            code_names[sheet.get("name")] = pr.get("codeName")
    documents = set(olevba(built[lang])) - {m.name for m in read_macros() if m.kind == "standard"} - {"ThisWorkbook"}
    assert set(code_names.values()) == documents
    assert code_names[texts.CONTROL_SHEET.get(lang)] == "shControl"
    # sheets the tool rewrites get none: their module would be orphaned by the first refresh
    assert i18n.SHEETS["letters"].get(lang) not in code_names


@pytest.mark.parametrize("lang", LANGS)
def test_content_types_and_relationships(built, lang):
    files = parts(built[lang])
    types = etree.fromstring(files["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iterfind("ct:Override", NS)}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iterfind("ct:Default", NS)}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert overrides["/xl/drawings/drawing1.xml"] == "application/vnd.openxmlformats-officedocument.drawing+xml"
    assert defaults["vml"] == "application/vnd.openxmlformats-officedocument.vmlDrawing"
    for n in range(1, len(BUTTONS) + 1):
        assert overrides[f"/xl/ctrlProps/ctrlProp{n}.xml"] == "application/vnd.ms-excel.controlproperties+xml"
    rels = etree.fromstring(files["xl/_rels/workbook.xml.rels"])
    assert any(r.get("Type").endswith("/vbaProject") and r.get("Target") == "vbaProject.bin" for r in rels)
    for name, data in files.items():
        if name.endswith((".xml", ".rels", ".vml")):
            etree.fromstring(data)                       # every XML part is well-formed


@pytest.mark.parametrize("lang", LANGS)
def test_buttons_are_wired_to_the_subs_in_vml_controls_and_drawing(built, lang):
    files = parts(built[lang])
    part = sheet_part(files, texts.CONTROL_SHEET.get(lang))
    sheet = etree.fromstring(files[part])
    rels = etree.fromstring(files[part.replace("worksheets/", "worksheets/_rels/") + ".rels"])
    targets = {r.get("Id"): (r.get("Type").rsplit("/", 1)[1], r.get("Target")) for r in rels}
    legacy = sheet.find("m:legacyDrawing", NS).get(f"{{{NS['r']}}}id")
    drawing = sheet.find("m:drawing", NS).get(f"{{{NS['r']}}}id")
    assert targets[legacy] == ("vmlDrawing", "../drawings/vmlDrawing1.vml")
    assert targets[drawing] == ("drawing", "../drawings/drawing1.xml")
    controls = sheet.findall(".//m:control", NS)
    vml = files["xl/drawings/vmlDrawing1.vml"].decode("utf-8")
    macros = {m.name: m.source for m in read_macros()}
    assert len(controls) == len(BUTTONS)
    for button, control in zip(BUTTONS, controls):
        rtype, target = targets[control.get(f"{{{NS['r']}}}id")]
        assert rtype == "ctrlProp"
        prop = etree.fromstring(files["xl/" + target.removeprefix("../")])
        assert prop.get("objectType") == "Button"
        assert control.find("m:controlPr", NS).get("macro") == f"[0]!{button.macro}"
        shape = control.get("shapeId")
        assert f'id="_x0000_s{shape}"' in vml and f'spid="_x0000_s{shape}"' in files["xl/drawings/drawing1.xml"].decode()
        assert f"<x:FmlaMacro>[0]!{button.macro}</x:FmlaMacro>" in vml
        assert escape(button.text(lang)) in vml and button.caption.zh in vml and button.caption.en in vml
        assert re.search(rf"^Public Sub {button.macro}\(\)", macros["XlsxTools"], re.MULTILINE)
    assert vml.count('ObjectType="Button"') == len(BUTTONS)


@pytest.mark.parametrize("lang", LANGS)
def test_xlwings_conf_sheet_as_xlwings_reads_it(built, lang):
    ws = openpyxl.load_workbook(built[lang])["xlwings.conf"]
    block = []
    for row in ws.iter_rows(min_row=1, max_col=2, values_only=True):     # xlwings: from A1 down to a blank A
        if row[0] is None:
            break
        block.append(row)
    settings = {key.upper(): value for key, value in block}
    assert [key for key, _ in block] == [key for key, _ in XLWINGS_SETTINGS]
    assert settings["UDF MODULES"] == UDF_MODULE == "xlsx_tools.excel.functions"
    assert settings["INTERPRETER_WIN"].endswith(r"\Scripts\python.exe")
    assert ws["A11"].value is not None                                   # notes below the blank row


# ------------------------------------------------------------------ reproducible, checked in
@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> tuple[list[Path], str]:
    """`xlsx-tools build-templates --out DIR`: (files written, what it printed)."""
    folder = tmp_path_factory.mktemp("fresh")
    out = io.StringIO()
    assert main(["build-templates", "--out", str(folder)], out=out, err=io.StringIO()) == 0
    return template_paths(folder), out.getvalue()


def test_build_templates_command_writes_xlsx_and_xlsm_in_both_languages(fresh, tmp_path):
    paths, printed = fresh
    assert printed.split() == [str(p) for p in paths]
    assert [p.name for p in paths] == ["collections_zh.xlsx", "collections_zh.xlsm", "collections_en.xlsx",
                                       "collections_en.xlsm"]
    assert all(p.exists() for p in paths)
    err = io.StringIO()
    assert main(["build-templates", "--out", str(tmp_path), "--macros", str(tmp_path)], out=io.StringIO(),
                err=err) == 2
    assert "no macro sources" in err.getvalue()


def test_build_is_reproducible(fresh, built):
    """Two independent builds (the command's and this module's) give byte-identical files."""
    paths, _ = fresh
    for lang in LANGS:
        assert next(p for p in paths if p.name == f"collections_{lang}.xlsm").read_bytes() == built[lang].read_bytes()
    with zipfile.ZipFile(built["zh"]) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_checked_in_templates_equal_a_fresh_build(fresh):
    paths, _ = fresh
    for path, checked_in in zip(paths, template_paths(TEMPLATES_DIR)):
        assert checked_in.exists(), f"{checked_in} missing: run `xlsx-tools build-templates`"
        assert checked_in.read_bytes() == path.read_bytes(), (
            f"{checked_in.name} is stale: run `xlsx-tools build-templates` and commit workbook_templates/")


def test_macros_folder_is_the_source(tmp_path):
    folder = tmp_path / "macros"
    shutil.copytree(MACROS_DIR, folder)
    path = folder / "XlsxTools.bas"
    path.write_text(path.read_text(encoding="cp1252").replace("b.check()", "b.check()  ' edited"), encoding="cp1252")
    book = tmp_path / "edited.xlsm"
    book.write_bytes(build_macro_workbook("zh", folder))
    assert "b.check()  ' edited" in olevba(book)["XlsxTools"]


# ------------------------------------------------------------------ the file adapter keeps macros and buttons
def test_cli_refresh_keeps_vba_buttons_and_code_names(tmp_path):
    import datetime as dt
    from xlsx_tools.build.demo import build_demo_workbook
    demo = build_demo_workbook(tmp_path / "demo.xlsx", as_of=dt.date(2026, 11, 28))
    book = tmp_path / "demo.xlsm"
    book.write_bytes(build_macro_workbook("zh", base=openpyxl.load_workbook(demo)))
    before = parts(book)
    assert main(["refresh", str(book), "--as-of", "2026-11-28"], out=io.StringIO(), err=io.StringIO()) == 0
    after = parts(book)
    kept = [name for name in before if name.startswith(("xl/vbaProject", "xl/drawings/", "xl/ctrlProps/"))]
    kept.append(sheet_part(before, texts.CONTROL_SHEET.zh))
    kept.append(sheet_part(before, texts.CONTROL_SHEET.zh).replace("worksheets/", "worksheets/_rels/") + ".rels")
    for name in kept:
        assert after[name] == before[name], name
    types = after["[Content_Types].xml"].decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "/xl/vbaProject.bin" in types and "/xl/ctrlProps/ctrlProp3.xml" in types
    # every document module still has its sheet
    workbook = etree.fromstring(after["xl/workbook.xml"])
    code_names = set()
    for sheet in workbook.iterfind(".//m:sheet", NS):
        pr = etree.fromstring(after[sheet_part(after, sheet.get("name"))]).find("m:sheetPr", NS)
        if pr is not None and pr.get("codeName"):
            code_names.add(pr.get("codeName"))
    documents = set(olevba(book)) - {"XlsxTools", "ThisWorkbook"}
    assert documents == code_names
    assert olevba(book)["XlsxTools"] == olevba(tmp_path / "demo.xlsm")["XlsxTools"]


# ------------------------------------------------------------------ LibreOffice as the real engine
@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_opens_the_xlsm_and_lists_modules_and_buttons(built, lang, tmp_path):
    soffice = soffice_or_skip()
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "ods", "--outdir", str(tmp_path / "out"), str(built[lang])],
        capture_output=True, text=True, timeout=180)
    ods = tmp_path / "out" / built[lang].with_suffix(".ods").name
    assert result.returncode == 0 and ods.exists(), result.stdout + result.stderr
    with zipfile.ZipFile(ods) as archive:
        names = archive.namelist()
        for module in read_macros():
            xml = archive.read(f"Basic/VBAProject/{module.name}.xml").decode()
            kind = "document" if module.kind == "document" else "normal"
            assert f'script:moduleType="{kind}"' in xml
            for line in normalise(module.source).split("\n"):
                assert escape(line, {'"': "&quot;", "'": "&apos;"}) in xml
        assert "Basic/VBAProject/shControl.xml" in names
        content = archive.read("content.xml").decode()
    for button in BUTTONS:
        label = escape(button.text(lang))
        assert any(f'form:label="{form}"' in content for form in (label, label.replace("'", "&apos;"))), label
        assert (f"vnd.sun.star.script:VBAProject.XlsxTools.{button.macro}?language=Basic&amp;location=document"
                in content)
    assert content.count("<draw:control ") == len(BUTTONS)


def test_libreoffice_compiles_and_runs_a_button_macro_without_xlwings(built, tmp_path):
    """With macros enabled (Workbook_Open runs on load) and no xlwings, the Check button's Sub
    compiles, takes its error path and returns: no crash, the workbook stays usable."""
    soffice_or_skip()
    python = python_with_uno()
    if python is None:
        pytest.skip("no Python with LibreOffice's uno module (python3-uno) to drive soffice")
    result = subprocess.run(
        [python, str(FIXTURES / "lo_run_macro.py"), str(built["en"]), (tmp_path / "profile").as_uri(),
         "VBAProject.XlsxTools.XT_Check"], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "Control · 控制面板"


# ------------------------------------------------------------------ printing (audit 2)
@pytest.mark.parametrize("lang", LANGS)
def test_control_and_conf_text_wraps_across_the_page_and_prints_one_page_wide(built, lang):
    """The Control sheet's intro and notes were single unwrapped lines, cut at the page edge."""
    from xlsx_tools.build.templates import LINE_HEIGHT, wrapped_lines
    from xlsx_tools.build.xlsm import CONF_LINE_WIDTH, CONTROL_LINE_WIDTH
    wb = openpyxl.load_workbook(built[lang])
    for title, last_column, width in ((texts.CONTROL_SHEET.get(lang), "F", CONTROL_LINE_WIDTH),
                                      (texts.XLWINGS_CONF_SHEET, "B", CONF_LINE_WIDTH)):
        ws = wb[title]
        merged = {str(rng) for rng in ws.merged_cells.ranges}
        long_cells = [cell for cell in ws["A"] if isinstance(cell.value, str) and wrapped_lines(cell.value, 60) > 1]
        assert len(long_cells) >= 3, title
        for cell in long_cells:
            assert cell.alignment.wrap_text, (title, cell.coordinate)
            assert f"A{cell.row}:{last_column}{cell.row}" in merged, (title, cell.coordinate)
            assert ws.row_dimensions[cell.row].height >= LINE_HEIGHT * wrapped_lines(cell.value, width)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (9, 1, 0)
