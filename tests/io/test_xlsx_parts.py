"""The xlsx package parts: OPC part names, styles merge, raw zip copy, streamed deflate."""
from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from lxml import etree

from xlsx_tools.io.xlsx import opc, rawzip, styles
from xlsx_tools.io.xlsx.sheet_xml import HEADER_FILL, CellStyle

NS = {"m": opc.NS_MAIN}
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{opc.NS_MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">
  <numFmts count="2"><numFmt numFmtId="170" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>
  <fonts count="1" x14ac:knownFonts="1"><font><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>
  <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
  <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
  <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
  <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
    <xf numFmtId="170" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
  <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>""".encode()

NEEDED = {
    CellStyle(None, None), CellStyle("#,##0.00", None), CellStyle("#,##0.00", "FFFFF2CC"),
    CellStyle("yyyy-mm-dd", None), CellStyle("0.0000", "FFFFF2CC"), CellStyle(None, HEADER_FILL, True),
    CellStyle("0.00%", None),
}


def _items(root, tag):
    return [etree.tostring(e) for e in root.find(f"m:{tag}", NS)]


def test_styles__existing_entries_unchanged_and_new_ones_appended() -> None:
    data, xf = styles.merge_styles(STYLES, NEEDED)
    old, new = etree.fromstring(STYLES), etree.fromstring(data)
    for tag in ("numFmts", "fonts", "fills", "cellXfs"):
        before, after = _items(old, tag), _items(new, tag)
        assert after[: len(before)] == before, tag
        assert new.find(f"m:{tag}", NS).get("count") == str(len(after))
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert b'mc:Ignorable="x14ac"' in data and b'x14ac:knownFonts="1"' in data
    # reuse: General = xf 0, an existing yyyy-mm-dd numFmt is reused; custom ids above the max
    assert xf[CellStyle(None, None)] == 0
    cell_xfs = new.find("m:cellXfs", NS)
    assert cell_xfs[xf[CellStyle("yyyy-mm-dd", None)]].get("numFmtId") == "165"
    assert cell_xfs[xf[CellStyle("#,##0.00", None)]].get("numFmtId") == "4"
    decimal = new.find("m:numFmts/m:numFmt[@formatCode='0.0000']", NS)
    assert decimal.get("numFmtId") == "171"
    header = cell_xfs[xf[CellStyle(None, HEADER_FILL, True)]]
    font = new.find("m:fonts", NS)[int(header.get("fontId"))]
    assert font.find("m:b", NS) is not None and font.find("m:name", NS).get("val") == "等线"
    fill = new.find("m:fills", NS)[int(header.get("fillId"))]
    assert fill.find("m:patternFill/m:fgColor", NS).get("rgb") == HEADER_FILL
    assert int(header.get("fillId")) >= 2


def test_styles__merging_twice_adds_nothing() -> None:
    data, xf = styles.merge_styles(STYLES, NEEDED)
    again, xf2 = styles.merge_styles(data, NEEDED)
    assert again is None and xf2 == xf


def test_styles__minimal_stylesheet_without_lists_and_missing_part() -> None:
    bare = f'<styleSheet xmlns="{opc.NS_MAIN}"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>'.encode()
    data, xf = styles.merge_styles(bare, NEEDED)
    root = etree.fromstring(data)
    order = [etree.QName(e).localname for e in root]
    assert order == ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs"]
    fills = root.find("m:fills", NS)
    assert [f.find("m:patternFill", NS).get("patternType") for f in fills][:2] == ["none", "gray125"]
    assert root.find("m:numFmts/m:numFmt", NS).get("numFmtId") == "164"
    assert etree.tostring(root.find("m:cellXfs", NS)[0]) == etree.tostring(etree.fromstring(bare)[0][0])
    created, xf3 = styles.merge_styles(None, NEEDED)
    assert created.startswith(b"<?xml") and len(xf3) == len(NEEDED)


def _zip_bytes(entries: dict[str, bytes], stream: bool = False) -> bytes:
    buf = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            return buf.write(b)

    target = Unseekable() if stream else buf
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip__raw_copy_keeps_compressed_bytes_and_drops_data_descriptors() -> None:
    entries = {"a.xml": b"<a>" + b"x" * 10000 + b"</a>", "b/c.bin": os.urandom(5000), "\u4e2d.txt": b"zh"}
    src = io.BytesIO(_zip_bytes(entries, stream=True))
    with zipfile.ZipFile(src) as zf:
        infos = zf.infolist()
        assert all(i.flag_bits & 0x08 for i in infos)  # the source uses data descriptors
    out = io.BytesIO()
    writer = rawzip.ZipWriter(out)
    for info in infos:
        writer.copy_raw(src, info)
    writer.close()
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        assert {i.filename: zf.read(i) for i in zf.infolist()} == entries
        assert not any(i.flag_bits & 0x08 for i in zf.infolist())
        copied = {i.filename: i.compress_size for i in zf.infolist()}
    assert copied == {i.filename: i.compress_size for i in infos}


@pytest.mark.parametrize("parallel", [True, False], ids=["isal-parallel", "isal-compressobj"])
@pytest.mark.parametrize("sizes", [[10, 20, 30], [3 << 20, 10, 2 << 20, 5], [0], [], [1 << 20] * 5 + [1]])
def test_zip__streamed_parts_deflate_in_pieces_and_read_back(sizes: list[int], parallel: bool,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if not parallel:        # an ISA-L without its private _ParallelCompress: the fallback stream
        monkeypatch.setattr(rawzip, "_PARALLEL_COMPRESS", None)
    pieces = [bytes([65 + i % 26]) * n + os.urandom(n // 7) for i, n in enumerate(sizes)]
    out = io.BytesIO()
    writer = rawzip.ZipWriter(out, workers=2)
    writer.write_stream("xl/worksheets/sheet9.xml", (memoryview(p) for p in pieces))
    noise = os.urandom(5 << 20)  # incompressible, over two blocks: deflate's stored blocks must fit
    writer.write_stream("xl/media/noise.bin", [noise])
    writer.write_bytes("small.xml", b"<x/>")
    writer.close(b"comment")
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        assert zf.read("xl/worksheets/sheet9.xml") == b"".join(pieces)
        assert zf.read("xl/media/noise.bin") == noise
        assert zf.read("small.xml") == b"<x/>" and zf.comment == b"comment"


def test_package__relationship_paths() -> None:
    assert opc.rels_part_for("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"
    assert opc.rels_part_for("") == "_rels/.rels"
    assert opc.source_of_rels("xl/worksheets/_rels/sheet1.xml.rels") == "xl/worksheets/sheet1.xml"
    assert opc.source_of_rels("_rels/.rels") == ""
    assert opc.resolve_target("xl/worksheets/sheet1.xml", "../drawings/d1.xml") == "xl/drawings/d1.xml"
    assert opc.resolve_target("xl/worksheets/sheet1.xml", "/xl/comments/c1.xml") == "xl/comments/c1.xml"
    assert opc.relative_target("xl/workbook.xml", "xl/worksheets/sheet3.xml") == "worksheets/sheet3.xml"


def test_serialize__keeps_declaration_and_namespaces() -> None:
    original = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                b'<workbook xmlns="urn:x" xmlns:x15ac="urn:y" mc:Ignorable="x15ac" '
                b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><a/></workbook>')
    out = opc.serialize_xml(etree.fromstring(original), original)
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook ')
    assert etree.tostring(etree.fromstring(out), method="c14n") == etree.tostring(
        etree.fromstring(original), method="c14n")
    assert b'mc:Ignorable="x15ac"' in out and b'xmlns:x15ac="urn:y"' in out
    assert re.match(rb'<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?>', opc.serialize_xml(
        etree.fromstring(b"<a/>"), b"<a/>"))


# ---------------------------------------------------------------- dates: the one home of Excel serials
def test_dates__workbook_flag_in_any_spelling() -> None:
    from xlsx_tools.io.xlsx.dates import workbook_uses_1904
    book = '<workbook xmlns="{ns}"><workbookPr {attr}/></workbook>'
    assert workbook_uses_1904(etree.fromstring(book.format(ns=opc.NS_MAIN, attr='date1904="1"')))
    assert workbook_uses_1904(etree.fromstring(book.format(ns=opc.NS_MAIN, attr='date1904="true"')))
    assert not workbook_uses_1904(etree.fromstring(book.format(ns=opc.NS_MAIN, attr='date1904="0"')))
    assert not workbook_uses_1904(etree.fromstring(f'<workbook xmlns="{opc.NS_MAIN}"/>'))

