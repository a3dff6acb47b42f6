"""WorkbookFile: reading with fastexcel, grafting output sheets, atomic commits."""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.utils.escape import unescape
import pandas as pd
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from xlsx_tools.core.tables import OutputColumn, OutputTable, RawSheet
from xlsx_tools.io.xlsx import rawzip
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile, WorkbookUnusable

WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MACRO_MAIN_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CALC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CALC_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
VBA_BYTES = bytes(range(256)) * 40 + b"fake VBA project"

# parts the graft is allowed to rewrite
REWRITTEN = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


# ------------------------------------------------------------------ fixture builders
def rewrite_zip(path: Path, add: dict[str, bytes] | None = None, edit: dict | None = None) -> None:
    """Rebuild the zip at `path` with parts added and/or edited (fixture building only)."""
    add = add or {}
    edit = edit or {}
    tmp = path.with_suffix(".tmp")
    # level 1: unlike the writer's level 6, so a recompressed copy can't pass as raw
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in edit:
                data = edit[info.filename](data)
            dst.writestr(info.filename, data)
        for name, data in add.items():
            dst.writestr(name, data)
    tmp.replace(path)


def _add_before_end(tag: str, snippet: str):
    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        return text.replace(f"</{tag}>", snippet + f"</{tag}>").encode("utf-8")
    return edit


def build_workbook(path: Path) -> Path:
    """Two input sheets (+ validation, comment, styled cells, defined name), an old output sheet, calcChain."""
    wb = openpyxl.Workbook()
    ledger = wb.active
    ledger.title = "应收台账"
    ledger.append(["单据号", "客户编号", "金额", "到期日", "状态"])
    ledger.append(["INV-001", "C001", 1234.5, dt.date(2026, 11, 28), "open"])
    ledger.append(["INV-002", "C002", 99.99, dt.date(2026, 10, 1), "hold"])
    ledger["A1"].font = Font(bold=True, color="FFFF0000")
    ledger["A1"].fill = PatternFill("solid", fgColor="FFFFFF00")
    ledger["C2"].number_format = "#,##0.000"
    ledger["A2"].comment = Comment("input comment", "clerk")
    dv = DataValidation(type="list", formula1='"open,hold,disputed"', allow_blank=True)
    ledger.add_data_validation(dv)
    dv.add("E2:E500")
    customers = wb.create_sheet("客户档案")
    customers.append(["客户编号", "客户名称"])
    customers.append(["C001", "甲公司"])
    old = wb.create_sheet("账龄明细")
    old["A1"] = "stale output"
    old["A1"].comment = Comment("old output comment", "tool")
    wb.create_sheet("Notes")["A1"] = "user notes"
    wb.defined_names["LedgerArea"] = DefinedName("LedgerArea", attr_text="'应收台账'!$A$1:$E$3")
    wb.save(path)
    rewrite_zip(
        path,
        add={"xl/calcChain.xml": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                  f'<calcChain xmlns="{MAIN_NS}"><c r="A1" i="1"/></calcChain>').encode()},
        edit={
            "[Content_Types].xml": _add_before_end(
                "Types", f'<Override PartName="/xl/calcChain.xml" ContentType="{CALC_CT}"/>'),
            "xl/_rels/workbook.xml.rels": _add_before_end(
                "Relationships", f'<Relationship Id="rId99" Type="{CALC_REL}" Target="calcChain.xml"/>'),
        },
    )
    return path


def build_xlsm(path: Path) -> Path:
    build_workbook(path)

    def ct(data: bytes) -> bytes:
        text = data.decode("utf-8")
        text = text.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                            MACRO_MAIN_CT)
        return text.replace("</Types>", f'<Default Extension="bin" ContentType="{VBA_CT}"/></Types>').encode()

    rewrite_zip(
        path,
        add={"xl/vbaProject.bin": VBA_BYTES},
        edit={
            "[Content_Types].xml": ct,
            "xl/_rels/workbook.xml.rels": _add_before_end(
                "Relationships", f'<Relationship Id="rId98" Type="{VBA_REL}" Target="vbaProject.bin"/>'),
        },
    )
    return path


MONEY_FEN = [123457, -5, 1, 100000000001, 0, None]
MONEY_TEXT = ["1234.57", "-0.05", "0.01", "1000000000.01", "0.00", None]
TRICKY_TEXT = ["=SUM(A1:A2)", "+1", "-2", "@x", "a&b<c>\"'", "ctl\x01\x0bchars"]


def detail_table(name: str = "账龄明细") -> OutputTable:
    frame = pd.DataFrame({
        "invoice": pd.Series(TRICKY_TEXT, dtype="str"),
        "open": pd.array(MONEY_FEN, dtype="Int64"),
        "days": pd.array([31, -3, 0, 400, None, 7], dtype="Int64"),
        "due": pd.to_datetime(["2026-11-28", "2025-01-01", None, "2024-02-29", "2026-01-01", "2026-06-30"]),
        "share": [0.125, 1 / 3, np.nan, 0.1 + 0.2, 1.0, 0.0],
        "rate": [0.0005, 1e-7, 2.5, np.nan, 0.3333, 1 / 7],
    })
    columns = (
        OutputColumn("单据号"), OutputColumn("未收金额", "money"), OutputColumn("逾期天数", "int"),
        OutputColumn("到期日", "date"), OutputColumn("占比", "percent"), OutputColumn("利率", "decimal", width=9),
    )
    row_fills = pd.Series([None, "FFF2CC", None, None, "#ffc7ce", None])
    cell_fills = {1: pd.Series(["FF0000", None, None, None, None, None])}
    return OutputTable(name, columns, frame, row_fills=row_fills, cell_fills=cell_fills)


def priority_table(name: str = "催收优先级", n: int = 3) -> OutputTable:
    frame = pd.DataFrame({"rank": np.arange(1, n + 1), "cust": [f"C{i:03d}" for i in range(n)],
                          "bal": pd.array([100 * (i + 1) for i in range(n)], dtype="Int64")})
    cols = (OutputColumn("排名", "int"), OutputColumn("客户编号"), OutputColumn("未收余额", "money"))
    return OutputTable(name, cols, frame)


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def raw_member(path: Path, name: str) -> bytes:
    """The compressed bytes of one zip member, as stored."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with open(path, "rb") as fp:
        fp.seek(info.header_offset)
        head = fp.read(30)
        nlen, elen = struct.unpack("<HH", head[26:30])
        fp.seek(info.header_offset + 30 + nlen + elen)
        return fp.read(info.compress_size)


def sheet_part(path: Path, sheet_name: str) -> str:
    """Zip name of a sheet's part, via workbook.xml and its rels."""
    parts = zip_parts(path)
    wb = parts["xl/workbook.xml"].decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet_name) + r'"[^>]*r:id="([^"]+)"', wb).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels) \
        or re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return build_workbook(tmp_path / "book.xlsx")


@pytest.fixture
def xlsm(tmp_path: Path) -> Path:
    return build_xlsm(tmp_path / "book.xlsm")


def refresh(path: Path, output: Path | None = None, **names) -> Path:
    wb = WorkbookFile(path)
    wb.write_table(detail_table(names.get("detail", "账龄明细")), replaces=names.get("replaces"))
    wb.write_table(priority_table())
    return wb.commit(output)


# ------------------------------------------------------------------ graft: what survives
def test_graft__input_sheet_parts_stay_byte_identical(book: Path, tmp_path: Path) -> None:
    before = zip_parts(book)
    old_output = sheet_part(book, "账龄明细")
    out = refresh(book, tmp_path / "out.xlsx")
    after = zip_parts(out)
    expected_dropped = {"xl/calcChain.xml", f"xl/worksheets/_rels/{Path(old_output).name}.rels"}
    # the old output sheet's comment parts are only referenced by it
    old_rels = before[f"xl/worksheets/_rels/{Path(old_output).name}.rels"].decode()
    for target in re.findall(r'Target="([^"]+)"', old_rels):
        full = target[1:] if target.startswith("/") else os.path.join("xl/worksheets", target)
        expected_dropped.add(os.path.normpath(full).replace(os.sep, "/"))
    assert len(expected_dropped) >= 4  # calcChain, rels, comments, vml
    untouched = set(before) - REWRITTEN - expected_dropped - {old_output}
    assert untouched >= {sheet_part(book, "应收台账"), sheet_part(book, "客户档案"), "xl/theme/theme1.xml"}
    for name in sorted(untouched):
        assert after[name] == before[name], name
        assert raw_member(out, name) == raw_member(book, name), f"{name} was recompressed"
    assert not (expected_dropped & set(after)), expected_dropped & set(after)
    # the input sheet's comment (vml + comments part) survives
    ledger_rels = f"xl/worksheets/_rels/{Path(sheet_part(book, '应收台账')).name}.rels"
    assert after[ledger_rels] == before[ledger_rels]
    ct = after["[Content_Types].xml"].decode()
    assert "calcChain" not in ct and "calcChain" not in after["xl/_rels/workbook.xml.rels"].decode()
    for dropped in expected_dropped:
        assert f'PartName="/{dropped}"' not in ct


def test_graft__vba_project_and_macro_content_type_survive(xlsm: Path) -> None:
    before = zip_parts(xlsm)
    raw_before = raw_member(xlsm, "xl/vbaProject.bin")
    refresh(xlsm)
    after = zip_parts(xlsm)
    assert after["xl/vbaProject.bin"] == VBA_BYTES == before["xl/vbaProject.bin"]
    assert raw_member(xlsm, "xl/vbaProject.bin") == raw_before
    ct = after["[Content_Types].xml"].decode()
    assert MACRO_MAIN_CT in ct and VBA_CT in ct
    assert VBA_REL in after["xl/_rels/workbook.xml.rels"].decode()
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames == ["应收台账", "客户档案", "账龄明细", "Notes", "催收优先级"]


def test_graft__user_workbook_features_survive(book: Path) -> None:
    refresh(book)
    wb = openpyxl.load_workbook(book)
    ledger = wb["应收台账"]
    assert [c.value for c in ledger[2]] == ["INV-001", "C001", 1234.5, dt.datetime(2026, 11, 28), "open"]
    assert ledger["A1"].font.b and ledger["A1"].fill.fgColor.rgb == "FFFFFF00"
    assert ledger["C2"].number_format == "#,##0.000"
    assert ledger["A2"].comment.text == "input comment"
    dvs = ledger.data_validations.dataValidation
    assert len(dvs) == 1 and dvs[0].formula1 == '"open,hold,disputed"' and str(dvs[0].sqref) == "E2:E500"
    assert wb.defined_names["LedgerArea"].attr_text == "'应收台账'!$A$1:$E$3"
    assert wb["Notes"]["A1"].value == "user notes"


EXCEL_WORKBOOK_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
    'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
    '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27425"/>'
    '<workbookPr codeName="ThisWorkbook" defaultThemeVersion="166925"/>'
    '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\clerk\\" '
    'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>'
    '<xr:revisionPtr revIDLastSave="0" documentId="8_{1}" xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" '
    'xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
    '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840" '
    'activeTab="1" xr2:uid="{5B2C1E3A-0000-0000-0000-000000000000}"/></bookViews>'
    '<sheets><sheet name="应收台账" sheetId="1" r:id="rId1"/><sheet name="客户档案" sheetId="2" r:id="rId2"/>'
    '<sheet name="账龄明细" sheetId="3" r:id="rId3"/><sheet name="Notes" sheetId="4" r:id="rId4"/></sheets>'
    '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="3">Notes!$1:$1</definedName>'
    "<definedName name=\"LedgerArea\">'应收台账'!$A$1:$E$3</definedName></definedNames>"
    '<calcPr calcId="191029"/>'
    '<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
    '<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>'
)


def test_graft__workbook_xml_keeps_everything_but_the_sheet_list_and_filter_names(book: Path) -> None:
    from lxml import etree

    rewrite_zip(book, edit={"xl/workbook.xml": lambda _data: EXCEL_WORKBOOK_XML.encode("utf-8")})
    refresh(book)
    out = zip_parts(book)["xl/workbook.xml"]
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook ')

    def strip(root):
        ns = {"m": MAIN_NS}
        for dn in root.findall("m:definedNames/m:definedName[@name='_xlnm._FilterDatabase']", ns):
            dn.getparent().remove(dn)
        for local in ("2", "4"):          # the written sheets' print titles
            for dn in root.findall(f"m:definedNames/m:definedName[@name='_xlnm.Print_Titles'][@localSheetId='{local}']",
                                   ns):
                dn.getparent().remove(dn)
        sheets = root.find("m:sheets", ns)
        for sheet in sheets.findall("m:sheet", ns)[4:]:
            sheets.remove(sheet)
        root.find("m:calcPr", ns).attrib.pop("fullCalcOnLoad", None)     # added: recalculate on load
        return etree.tostring(root, method="c14n")

    assert strip(etree.fromstring(out)) == strip(etree.fromstring(EXCEL_WORKBOOK_XML.encode("utf-8")))
    assert b'<definedName name="_xlnm.Print_Titles" localSheetId="3">Notes!$1:$1</definedName>' in out
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["应收台账", "客户档案", "账龄明细", "Notes", "催收优先级"]


def test_graft__existing_cell_styles_keep_their_indices(book: Path) -> None:
    def xfs(path: Path) -> list[str]:
        styles = zip_parts(path)["xl/styles.xml"].decode()
        return re.findall(r"<xf [^>]*?/?>", re.search(r"<cellXfs.*?</cellXfs>", styles, re.S).group(0))

    before = xfs(book)
    refresh(book)
    after = xfs(book)
    assert after[: len(before)] == before
    count = re.search(r'<cellXfs count="(\d+)"', zip_parts(book)["xl/styles.xml"].decode()).group(1)
    assert int(count) == len(after)


# ------------------------------------------------------------------ graft: what is written
def test_graft__openpyxl_reads_values_formats_frozen_header_and_autofilter(book: Path) -> None:
    refresh(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["账龄明细"]
    assert [c.value for c in ws[1]] == ["单据号", "未收金额", "逾期天数", "到期日", "占比", "利率"]
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F7"
    assert ws["B2"].value == pytest.approx(1234.57) and ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].value == 31 and ws["C2"].number_format == "#,##0"
    assert ws["D2"].value == dt.datetime(2026, 11, 28) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["D5"].value == dt.datetime(2024, 2, 29)
    assert ws["E2"].value == 0.125 and ws["E2"].number_format == "0.00%"
    assert ws["F3"].value == 1e-7 and ws["F3"].number_format == "0.0000"
    assert ws["C6"].value is None and ws["D4"].value is None
    assert ws.column_dimensions["F"].width == 9
    # fills: cell fill wins over row fill; a filled empty cell keeps its colour
    assert ws["B2"].fill.fgColor.rgb == "FFFF0000"
    assert ws["A3"].fill.fgColor.rgb == "FFFFF2CC" and ws["B3"].fill.fgColor.rgb == "FFFFF2CC"
    assert ws["E6"].value == 1.0 and ws["C6"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["A2"].fill.fill_type is None
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    assert ('<definedName name="_xlnm._FilterDatabase" localSheetId="2" hidden="1">'
            "'账龄明细'!$A$1:$F$7</definedName>") in wb_xml
    assert wb_xml.count("_xlnm._FilterDatabase") == 2  # 账龄明细 and 催收优先级


def test_graft__formula_looking_strings_stay_text(book: Path) -> None:
    refresh(book)
    ws = openpyxl.load_workbook(book)["账龄明细"]
    for row, text in enumerate(TRICKY_TEXT, start=2):
        cell = ws.cell(row, 1)
        assert cell.data_type == "s", (text, cell.data_type)
        assert unescape(cell.value) == text       # control characters kept as Excel's _xHHHH_ escape
    xml = zip_parts(book)[sheet_part(book, "账龄明细")].decode()
    assert "<f>" not in xml


def test_graft__money_is_exact_decimal_text(book: Path) -> None:
    refresh(book)
    xml = zip_parts(book)[sheet_part(book, "账龄明细")].decode()
    for row, text in enumerate(MONEY_TEXT, start=2):
        m = re.search(rf'<c r="B{row}"[^>]*?(?:/>|><v>([^<]*)</v>)', xml)
        assert (m.group(1) if m else None) == text, (row, m and m.group(0))
    ws = openpyxl.load_workbook(book)["账龄明细"]
    assert ws["B4"].value == 0.01 and ws["B5"].value == 1000000000.01 and ws["B3"].value == -0.05


def test_graft__fastexcel_reads_the_result(book: Path) -> None:
    refresh(book)
    wb = WorkbookFile(book)
    assert wb.sheet_names() == ["应收台账", "客户档案", "账龄明细", "Notes", "催收优先级"]
    raw = wb.read_sheet("账龄明细")
    assert raw.columns == ("A", "B", "C", "D", "E", "F")
    frame = raw.frame
    assert frame.iloc[0, 0] == "单据号"
    assert list(frame.iloc[1:, 1].fillna("")) == ["1234.57", "-0.05", "0.01", "1000000000.01", "0", ""]
    assert frame.iloc[1, 3] == "2026-11-28 00:00:00"
    assert frame.iloc[1, 0] == "=SUM(A1:A2)"
    assert list(wb.read_sheet("催收优先级").frame.iloc[:, 0]) == ["排名", "1", "2", "3"]


def test_replace__keeps_tab_position_and_one_sheet_of_that_name(book: Path) -> None:
    refresh(book)  # zh names
    refresh(book, detail="Detail", replaces="账龄明细")  # switch the output language
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["应收台账", "客户档案", "Detail", "Notes", "催收优先级"]
    assert wb["Detail"]["A2"].value == "=SUM(A1:A2)"
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    assert wb_xml.count('<definedName name="_xlnm._FilterDatabase" localSheetId="2"') == 1
    assert "'Detail'!$A$1:$F$7" in wb_xml and "'账龄明细'!" not in wb_xml
    # case-insensitive: "detail" replaces "Detail" in place
    f = WorkbookFile(book)
    f.write_table(priority_table("detail"))
    f.commit()
    assert openpyxl.load_workbook(book).sheetnames == ["应收台账", "客户档案", "detail", "Notes", "催收优先级"]


def test_replace__a_duplicate_of_the_new_name_is_removed_and_indices_follow(book: Path) -> None:
    f = WorkbookFile(book)
    f.write_table(priority_table("Detail"))  # appended: index 4
    f.commit()
    # now "账龄明细" (index 2) becomes "Detail": the old "Detail" (index 4) must go
    refresh(book, detail="Detail", replaces="账龄明细")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["应收台账", "客户档案", "Detail", "Notes", "催收优先级"]
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    local_ids = sorted(int(i) for i in re.findall(r'_FilterDatabase" localSheetId="(\d+)"', wb_xml))
    assert local_ids == [2, 4]
    assert len(zip_parts(book)) == len(set(zip_parts(book)))


def test_second_commit__same_tables_give_identical_sheet_xml(book: Path, tmp_path: Path) -> None:
    first = refresh(book, tmp_path / "first.xlsx")
    second = refresh(first, tmp_path / "second.xlsx")
    a, b = zip_parts(first), zip_parts(second)
    for name in ("账龄明细", "催收优先级"):
        assert a[sheet_part(first, name)] == b[sheet_part(second, name)]
    assert a["xl/styles.xml"] == b["xl/styles.xml"]  # nothing added the second time
    assert a["xl/workbook.xml"] == b["xl/workbook.xml"]
    assert set(a) == set(b)


def test_graft__new_sheet_parts_are_worksheets_with_content_types(book: Path) -> None:
    refresh(book)
    parts = zip_parts(book)
    ct = parts["[Content_Types].xml"].decode()
    for name in ("账龄明细", "催收优先级"):
        part = sheet_part(book, name)
        assert part in parts
        assert f'<Override PartName="/{part}" ContentType="{WORKSHEET_CT}"/>' in ct
    ids = re.findall(r'sheetId="(\d+)"', parts["xl/workbook.xml"].decode())
    assert len(ids) == len(set(ids)) == 5


def test_graft__empty_table_and_workbook_without_styles(tmp_path: Path) -> None:
    path = tmp_path / "bare.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(path)

    def drop_styles(data: bytes) -> bytes:
        return re.sub(rb'<(Relationship|Override) [^>]*styles[^>]*/>', b"", data)

    rewrite_zip(path, edit={"xl/_rels/workbook.xml.rels": drop_styles, "[Content_Types].xml": drop_styles})
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "nostyles.xlsx", "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/styles.xml":
                dst.writestr(info, src.read(info))
    path = tmp_path / "nostyles.xlsx"
    f = WorkbookFile(path)
    f.write_table(OutputTable("空表", (OutputColumn("A", "money"),), pd.DataFrame({"a": pd.array([], dtype="Int64")})))
    f.commit()
    ws = openpyxl.load_workbook(path)["空表"]
    assert ws["A1"].value == "A" and ws.max_row == 1 and ws.auto_filter.ref == "A1:A1"


# ------------------------------------------------------------------ atomicity, permissions
def test_commit__failure_midway_leaves_original_untouched_and_no_temp_files(book: Path, monkeypatch) -> None:
    original = book.read_bytes()
    real = rawzip.ZipWriter.write_stream

    def explode(self, name, pieces, level=1):
        def some_then_fail():
            for i, piece in enumerate(pieces):
                yield piece
                if i == 1:
                    raise RuntimeError("disk on fire")
        return real(self, name, some_then_fail(), level)

    monkeypatch.setattr(rawzip.ZipWriter, "write_stream", explode)
    wb = WorkbookFile(book)
    wb.write_table(detail_table())
    with pytest.raises(RuntimeError, match="disk on fire"):
        wb.commit()
    assert book.read_bytes() == original
    assert sorted(p.name for p in book.parent.iterdir()) == ["book.xlsx"]


def test_commit__keeps_file_permissions_and_writes_output_elsewhere(book: Path, tmp_path: Path) -> None:
    os.chmod(book, 0o640)
    original = book.read_bytes()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    written = refresh(book, out_dir)
    assert written == out_dir / "book.xlsx"
    assert book.read_bytes() == original
    refresh(book)
    assert stat.S_IMODE(os.stat(book).st_mode) == 0o640


def test_commit__progress_is_reported(book: Path) -> None:
    messages: list[str] = []
    wb = WorkbookFile(book)
    wb.write_table(detail_table())
    wb.commit(progress=messages.append)
    assert any("账龄明细" in m for m in messages)


# ------------------------------------------------------------------ unusable files
@pytest.mark.parametrize("lock_name", ["~$book.xlsx", "~$ok.xlsx"])
def test_open__excel_lock_file_makes_workbook_unusable(book: Path, lock_name: str) -> None:
    (book.parent / lock_name).write_bytes(b"owner")
    with pytest.raises(WorkbookUnusable) as exc:
        WorkbookFile(book)
    assert lock_name in str(exc.value) and "Excel" in str(exc.value) and "锁文件" in str(exc.value)


def test_commit__lock_file_appearing_after_open_blocks_the_write(book: Path) -> None:
    wb = WorkbookFile(book)
    wb.write_table(detail_table())
    original = book.read_bytes()
    (book.parent / "~$book.xlsx").write_bytes(b"owner")
    with pytest.raises(WorkbookUnusable):
        wb.commit()
    assert book.read_bytes() == original


def test_open__missing_file_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(WorkbookUnusable, match="not found"):
        WorkbookFile(tmp_path / "nope.xlsx")


def test_open__text_file_renamed_xlsx_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("invoice,amount\n1,2\n", encoding="utf-8")
    with pytest.raises(WorkbookUnusable, match="not a valid Excel workbook"):
        WorkbookFile(path)


def test_open__zip_without_workbook_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookUnusable, match="not a valid Excel workbook"):
        WorkbookFile(path)


def test_open__directory_is_unusable(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(WorkbookUnusable, match="folder"):
        WorkbookFile(folder)


def test_open__legacy_xls_or_encrypted_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(WorkbookUnusable, match="password"):
        WorkbookFile(path)


# ------------------------------------------------------------------ reading
def _handmade_xlsx(path: Path, sheet_data: str, extra_sheets: int = 0) -> Path:
    """A minimal workbook whose first sheet has the given <sheetData> content (cached values)."""
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(1 + extra_sheets))
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(1 + extra_sheets))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{WORKSHEET_CT}"/>'
                        for i in range(1 + extra_sheets))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                    f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml",
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN_NS}" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                    f"<sheets>{sheets}</sheets></workbook>")
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
                    "</Relationships>")
        for i in range(1 + extra_sheets):
            data = sheet_data if i == 0 else ""
            zf.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'
                        f"<sheetData>{data}</sheetData></worksheet>")
    return path


def test_read_sheet__cells_as_text_with_excel_coordinates(tmp_path: Path) -> None:
    path = _handmade_xlsx(tmp_path / "r.xlsx", (
        '<row r="3"><c r="B3" t="inlineStr"><is><t>hdr</t></is></c><c r="C3"><v>1234.5</v></c>'
        '<c r="D3" t="b"><v>1</v></c></row>'
        '<row r="4"><c r="B4" t="e"><v>#N/A</v></c><c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="D4"><f>1+1</f><v>2</v></c></row>'
        '<row r="5"><c r="C5" t="inlineStr"><is><t xml:space="preserve">  x </t></is></c></row>'
        '<row r="9"></row>'
    ), extra_sheets=1)
    raw = WorkbookFile(path).read_sheet("S0")
    assert isinstance(raw, RawSheet) and raw.first_row == 1 and raw.columns == ("B", "C", "D")
    f = raw.frame
    assert list(f.columns) == ["B", "C", "D"]
    assert len(f) == 5  # Excel rows 1..5; trailing empty rows dropped
    assert f.iloc[0].isna().all() and f.iloc[1].isna().all()
    assert list(f.iloc[2]) == ["hdr", "1234.5", "true"]
    assert list(f.iloc[3]) == ["#N/A", "#DIV/0!", "2"]
    assert f.iloc[4, 1] == "  x " and f.iloc[4, 0] is pd.NA
    values = f.to_numpy(dtype=object).ravel()
    assert all(isinstance(v, str) or v is pd.NA for v in values)


def test_read_sheet__numbers_arrive_as_their_shortest_decimal_text(tmp_path: Path) -> None:
    # fastexcel alone renders 1000000000.01 as "1000000000.00999999"
    values = ["1000000000.01", "123456789.12", "-98765432.1", "1234.5", "0.1", "46354", "1e-3"]
    cells = "".join(f'<row r="{i}"><c r="A{i}"><v>{v}</v></c></row>' for i, v in enumerate(values, start=1))
    cells += '<row r="8"><c r="A8" t="inlineStr"><is><t>00123</t></is></c></row>'
    raw = WorkbookFile(_handmade_xlsx(tmp_path / "n.xlsx", cells)).read_sheet("S0")
    assert list(raw.frame["A"]) == ["1000000000.01", "123456789.12", "-98765432.1", "1234.5", "0.1", "46354",
                                    "0.001", "00123"]


def test_read_sheet__empty_sheet_and_unknown_name(tmp_path: Path) -> None:
    path = _handmade_xlsx(tmp_path / "r.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>', extra_sheets=1)
    wb = WorkbookFile(path)
    empty = wb.read_sheet("S1")
    assert empty.frame.empty and empty.columns == () and len(empty.frame) == 0
    with pytest.raises(KeyError, match="Missing Sheet"):
        wb.read_sheet("Missing Sheet")


def test_read_sheet__dates_and_numbers_from_openpyxl_book(book: Path) -> None:
    raw = WorkbookFile(book).read_sheet("应收台账")
    assert raw.columns == ("A", "B", "C", "D", "E")
    assert list(raw.frame.iloc[1]) == ["INV-001", "C001", "1234.5", "2026-11-28 00:00:00", "open"]


X15_WORKBOOK_PR = ('<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" '
                   'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
                   '<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst>')


def test_read_sheet__dates_of_a_1904_book_whose_extension_list_repeats_workbook_pr(tmp_path: Path) -> None:
    # Excel 2013+ writes <x15:workbookPr> in workbook.xml's extLst; calamine (fastexcel 0.21) takes it for
    # the real <workbookPr date1904="1"> and reads every date cell 1462 days early
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    path = tmp_path / "mac.xlsx"
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.title = "S"
    book.active.append([dt.date(2026, 8, 1), dt.datetime(2026, 9, 1, 12, 30), "2026-08-01"])
    book.save(path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"</workbook>", X15_WORKBOOK_PR.encode() + b"</workbook>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    before = path.read_bytes()
    raw = WorkbookFile(path).read_sheet("S")
    assert list(raw.frame.iloc[0]) == ["2026-08-01 00:00:00", "2026-09-01 12:30:00", "2026-08-01"]
    assert path.read_bytes() == before


# ------------------------------------------------------------------ LibreOffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_libreoffice__reads_back_the_same_numbers(book: Path, tmp_path: Path) -> None:
    refresh(book)
    out = tmp_path / "csv"
    profile = tmp_path / f"lo-profile-{uuid.uuid4().hex}"
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
         "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
         "--outdir", str(out), str(book)],
        check=True, capture_output=True, timeout=120,
    )
    detail = out / "book-账龄明细.csv"
    assert detail.exists(), sorted(p.name for p in out.iterdir())
    with open(detail, encoding="utf-8", newline="") as stream:   # not splitlines(): a cell holds \x0b
        head, *rows = list(csv.reader(stream))
    assert ",".join(head) == "单据号,未收金额,逾期天数,到期日,占比,利率"
    assert [r[0] for r in rows] == TRICKY_TEXT                 # control characters come back as they went in
    money = [r[1] for r in rows]
    assert money == ["1234.57", "-0.05", "0.01", "1000000000.01", "0", ""]
    assert [r[2] for r in rows] == ["31", "-3", "0", "400", "", "7"]
    assert [r[3] for r in rows][:2] == ["2026-11-28", "2025-01-01"]
    assert rows[0][0] == "=SUM(A1:A2)"
    ledger = (out / "book-应收台账.csv").read_text(encoding="utf-8").splitlines()
    assert ledger[1].startswith("INV-001,C001,")


def test_graft__appended_sheets_use_the_r_prefix_when_xmlns_r_is_declared_per_sheet(book: Path) -> None:
    # issue 9.18: openpyxl declares xmlns:r on each <sheet>, not on the root; an appended
    # <sheet> must still say r:id, never ns0:id (Gnumeric then loads the sheet empty)
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    assert 'xmlns:r=' not in wb_xml.split("<sheets>")[0]          # the fixture is written that way
    # in a fresh interpreter: importing openpyxl registers the prefix "r" with lxml and hides the fault
    script = ("import sys, pandas as pd\n"
              "from xlsx_tools.core.tables import OutputColumn, OutputTable\n"
              "from xlsx_tools.io.xlsx.workbook_file import WorkbookFile\n"
              "assert 'openpyxl' not in sys.modules\n"
              "wb = WorkbookFile(sys.argv[1])\n"
              "wb.write_table(OutputTable('催收优先级', (OutputColumn('客户编号'),), pd.DataFrame({'c': ['C000']})))\n"
              "wb.commit()\n")
    subprocess.run([sys.executable, "-c", script, str(book)], check=True, cwd=Path(__file__).resolve().parents[2])
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    assert "ns0:" not in wb_xml
    sheets = re.findall(r"<sheet [^>]*/>", wb_xml)
    assert len(sheets) == 5 and all(re.search(r' r:id="rId\d+"', sheet) for sheet in sheets)
    assert openpyxl.load_workbook(book)["催收优先级"]["A2"].value == "C000"


def test_graft__replacing_sheets_asks_for_a_full_recalculation_on_load(book: Path) -> None:
    # issue 9.19: calcChain is dropped, so cached formula values must not be trusted
    rewrite_zip(book, edit={"xl/workbook.xml": lambda data: re.sub(rb"<calcPr[^>]*/>", b"", data)})
    refresh(book)
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    assert re.search(r'<calcPr [^>]*fullCalcOnLoad="1"', wb_xml)
    assert wb_xml.index("<calcPr") > wb_xml.index("</sheets>")
    refresh(book)
    assert zip_parts(book)["xl/workbook.xml"].decode().count("<calcPr") == 1


def test_graft__every_written_sheet_repeats_its_header_row_on_printed_pages(book: Path) -> None:
    # issue 9.14: one _xlnm.Print_Titles per written sheet, following its tab position; wrapped text styled
    refresh(book)
    refresh(book)
    wb_xml = zip_parts(book)["xl/workbook.xml"].decode()
    titles = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">([^<]+)</definedName>', wb_xml)
    assert sorted(titles) == [("2", "'账龄明细'!$1:$1"), ("4", "'催收优先级'!$1:$1")]
    wb = openpyxl.load_workbook(book)
    assert wb["催收优先级"].print_title_rows == "$1:$1"
    assert wb["催收优先级"].page_setup.orientation == "landscape"


def test_graft__a_sheet_printed_over_several_pages_wide_repeats_its_title_columns(book: Path) -> None:
    """Title columns join the header row in Print_Titles only when the sheet prints over several
    pages wide (columns first, as Excel writes them); a narrow sheet keeps $1:$1."""
    heads = (OutputColumn("ID", "text", 10), OutputColumn("Name", "text", 32),
             *(OutputColumn(f"M{n}", "money", 15) for n in range(30)))
    frame = pd.DataFrame({"id": ["C1"], "name": ["Acme"], **{f"m{n}": [100] for n in range(30)}})
    wb = WorkbookFile(book)
    wb.write_table(OutputTable("Wide", heads, frame, print_title_columns=2))
    wb.write_table(replace(priority_table(), print_title_columns=2))
    wb.commit()
    printed = openpyxl.load_workbook(book)
    assert (printed["Wide"].print_title_cols, printed["Wide"].print_title_rows) == ("$A:$B", "$1:$1")
    assert printed["Wide"].page_setup.fitToWidth == 3
    assert (printed["催收优先级"].print_title_cols, printed["催收优先级"].print_title_rows) == (None, "$1:$1")


def test_graft__figure_columns_headers_sit_right_over_their_figures(book: Path, tmp_path: Path) -> None:
    """A long header left-aligned over right-aligned figures reads as the next column's header; Excel and
    LibreOffice both read the header cells' alignment back."""
    table = OutputTable("KPIs", (OutputColumn("Subsidiary", "text"), OutputColumn("Average collection cycle (days)",
                                                                                   "decimal"),
                                 OutputColumn("Receivables", "money"), OutputColumn("As-of Date", "date")),
                        pd.DataFrame({"s": ["North"], "c": [31.83], "r": [100], "d": [dt.date(2026, 11, 28)]}))
    wb = WorkbookFile(book)
    wb.write_table(table)
    sheet = openpyxl.load_workbook(wb.commit(tmp_path / "out.xlsx"))["KPIs"]
    assert [sheet[f"{c}1"].alignment.horizontal for c in "ABCD"] == [None, "right", "right", "right"]
    assert all(sheet[f"{c}1"].font.b for c in "ABCD")
    assert sheet["A1"].fill.fgColor.rgb == sheet["B1"].fill.fgColor.rgb == "FFDDEBF7"
    assert sheet["B2"].alignment.horizontal is None                   # the figures keep Excel's own alignment
