"""Tests for xlsx_tools.io.vba: MS-OVBA compression, the VBA project streams, the CFB container,
and an end-to-end check that LibreOffice imports (and runs) the generated project."""

import io
import random
import re
import shutil
import struct
import subprocess
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import olefile
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser

from xlsx_tools.io.vba import VbaModule, build_vba_project, compress, decompress, read_bas
from tests.libreoffice import python_with_uno

FIXTURES = Path(__file__).parent / "fixtures"

BUTTONS = VbaModule(
    "Buttons",
    'Option Explicit\n\nPublic Sub Fill()\n    ThisWorkbook.Worksheets(1).Range("A1").Value = "ran " & (6 * 7)\nEnd Sub\n',
)
HELPERS = VbaModule("Helpers", "Function Twice(x As Long) As Long\r\n    Twice = 2 * x ' caf\u00e9\r\nEnd Function")
SHEET1 = VbaModule("Sheet1", "Private Sub Worksheet_Activate()\nEnd Sub\n", "document")
WORKBOOK = VbaModule("ThisWorkbook", "Private Sub Workbook_Open()\nEnd Sub\n", "document")
MODULES = [BUTTONS, HELPERS, SHEET1, WORKBOOK]


def _normalise(code: str) -> str:
    """Drop module-level Attribute lines and unify line endings, for comparing sources."""
    lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line for line in lines if not re.match(r"Attribute VB_", line)).strip("\n")


def _olevba_modules(tmp_path: Path, data: bytes) -> dict[str, str]:
    """Module name -> code, as extracted by olevba in strict mode from ``data`` written to a file."""
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(data)
    parser = VBA_Parser(str(path), relaxed=False)
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


# --------------------------------------------------------------------------- compression


def test_spec_example_decompresses():
    # [MS-OVBA] 3.2.3 "Normal compression" example.
    compressed = bytes.fromhex(
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70"
        " 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"
    )
    expected = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    assert decompress(compressed) == expected
    assert decompress(compress(expected)) == expected


def test_spec_examples_compress_exactly():
    # [MS-OVBA] 3.2.1 "No compression" (all literals) and 3.2.2 "Maximum compression" (one long copy token).
    plain = b"abcdefghijklmnopqrstuv."
    assert compress(plain) == bytes.fromhex(
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"
    )
    assert compress(b"a" * 73) == bytes.fromhex("01 03 B0 02 61 45 00")
    assert decompress(bytes.fromhex("01 03 B0 02 61 45 00")) == b"a" * 73


_rng = random.Random(1234)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"x",
        b"abc",
        b"a" * 4096,
        b"a" * 4097,
        b"ab" * 50_000,  # highly repetitive, many chunks
        bytes(_rng.randrange(256) for _ in range(3 * 4096 + 100)),  # random, short last chunk
        bytes(_rng.randrange(256) for _ in range(8192)),  # random, whole chunks stored raw
        bytes(_rng.choice(b"abc \r\n") for _ in range(20_000)),  # small alphabet, many short matches
        Path(__file__).read_bytes() * 2,  # real text
    ],
    ids=["empty", "one", "three", "4096", "4097", "repetitive", "random-tail", "random-chunks", "alphabet", "text"],
)
def test_round_trip(data):
    assert decompress(compress(data)) == data


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=10_000) | st.lists(st.sampled_from([b"ab", b"Sub ", b"\r\n", b"x"]), max_size=3000).map(b"".join))
def test_round_trip_property(data):
    # Exact, except that an incompressible last chunk is stored raw and so zero-padded to 4096 bytes.
    restored = decompress(compress(data))
    assert restored == data or (restored[: len(data)] == data and len(restored) % 4096 == 0 and not any(restored[len(data) :]))


def test_incompressible_partial_chunk_is_stored_raw_and_padded():
    # Spec 2.4.1.3.10: a raw chunk always carries 4096 bytes, so a short incompressible tail gains zero padding.
    data = bytes(_rng.randrange(256) for _ in range(4000))
    packed = compress(data)
    assert packed[1:3] == b"\xff\x3f" and len(packed) == 1 + 2 + 4096
    assert decompress(packed) == data + bytes(96)


@pytest.mark.parametrize(
    "bad",
    [b"", b"\x00\x02\xb0", b"\x01\x02\x00\x00", b"\x01\x02\xb0\x01\x00\x00"],
    ids=["empty", "container-signature", "chunk-signature", "copy-before-start"],
)
def test_decompress_rejects_malformed(bad):
    with pytest.raises(ValueError):
        decompress(bad)


# --------------------------------------------------------------------------- project contents


def test_olevba_extracts_sources_and_names(tmp_path):
    extracted = _olevba_modules(tmp_path, build_vba_project(MODULES))
    assert sorted(extracted) == ["Buttons", "Helpers", "Sheet1", "ThisWorkbook"]
    for module in MODULES:
        assert _normalise(extracted[module.name]) == _normalise(module.source)
        assert f'Attribute VB_Name = "{module.name}"' in extracted[module.name]


def test_document_modules_have_host_attributes(tmp_path):
    extracted = _olevba_modules(tmp_path, build_vba_project(MODULES))
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in extracted["ThisWorkbook"]
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in extracted["Sheet1"]
    for name in ("ThisWorkbook", "Sheet1"):
        for attribute in ("VB_PredeclaredId = True", "VB_Exposed = True", "VB_Creatable = False"):
            assert f"Attribute {attribute}" in extracted[name]
    assert "VB_Base" not in extracted["Buttons"]


def test_thisworkbook_is_added_when_missing(tmp_path):
    extracted = _olevba_modules(tmp_path, build_vba_project([BUTTONS]))
    assert sorted(extracted) == ["Buttons", "ThisWorkbook"]
    assert _normalise(extracted["ThisWorkbook"]) == ""


def test_olefile_streams_and_container(tmp_path):
    data = build_vba_project(MODULES)
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert struct.unpack_from("<HHHH", data, 0x18) == (0x3E, 3, 0xFFFE, 9)  # version 3, 512-byte sectors
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    streams = {"/".join(path) for path in ole.listdir()}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"} | {f"VBA/{m.name}" for m in MODULES}
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"
    assert ole.get_size("VBA/dir") < 4096  # small streams live in the mini stream
    wm = ole.openstream("PROJECTwm").read()
    assert wm.startswith(b"ThisWorkbook\x00" + "ThisWorkbook".encode("utf-16-le") + b"\x00\x00")
    assert wm.endswith(b"Helpers\x00" + "Helpers".encode("utf-16-le") + b"\x00\x00\x00\x00")


def test_large_module_uses_regular_sectors(tmp_path):
    rng = random.Random(7)
    source = "\n".join(f"Const K{i} As Long = {rng.randrange(10**9)}" for i in range(2000)) + "\n"
    data = build_vba_project([VbaModule("Big", source)])
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.get_size("VBA/Big") >= 4096
    assert _normalise(_olevba_modules(tmp_path, data)["Big"]) == _normalise(source)


def test_directory_sibling_trees_are_valid_red_black_trees():
    modules = [VbaModule(f"M{i}x" + "y" * (i % 5), f"' {i}\n") for i in range(20)]
    ole = olefile.OleFileIO(build_vba_project(modules), raise_defects=olefile.DEFECT_INCORRECT)
    entries = ole.direntries
    key = lambda sid: (len(entries[sid].name), entries[sid].name.upper())  # noqa: E731  [MS-CFB] 2.6.4 order

    def check(sid, parent_red=False):
        """Return (in-order sids, black height) of the subtree at ``sid``."""
        if sid == olefile.NOSTREAM:
            return [], 1
        entry = entries[sid]
        red = entry.color == 0
        assert not (red and parent_red), "red node with red parent"
        left, left_height = check(entry.sid_left, red)
        right, right_height = check(entry.sid_right, red)
        assert left_height == right_height, "unequal black height"
        return left + [sid] + right, left_height + (not red)

    storages = [e for e in entries if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE)]
    assert len(storages) == 2
    for storage in storages:
        assert entries[storage.sid_child].color == 1  # root is black
        order, _ = check(storage.sid_child)
        assert [key(s) for s in order] == sorted(key(s) for s in order)


def _dir_records(dir_stream: bytes) -> list[tuple[int, bytes]]:
    """Split a decompressed dir stream into (id, payload); PROJECTVERSION's size field says 4 but 6 bytes follow."""
    records, pos = [], 0
    while pos < len(dir_stream):
        record_id, size = struct.unpack_from("<HI", dir_stream, pos)
        size = 6 if record_id == 0x0009 else size
        records.append((record_id, dir_stream[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return records


def test_dir_stream_records():
    ole = olefile.OleFileIO(build_vba_project([BUTTONS, SHEET1]))
    records = _dir_records(decompress(ole.openstream("VBA/dir").read()))
    values = dict(records)
    assert records[0] == (0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND Win32 first
    assert values[0x0002] == values[0x0014] == struct.pack("<I", 0x409)  # LCID, LCIDINVOKE
    assert values[0x0003] == struct.pack("<H", 1252)
    assert values[0x0004] == b"VBAProject"
    assert b"stdole2.tlb#OLE Automation" in values[0x000D]
    assert values[0x000F] == struct.pack("<H", 3)  # module count
    names = [payload for record_id, payload in records if record_id == 0x0019]
    assert names == [b"ThisWorkbook", b"Sheet1", b"Buttons"]
    types = [record_id for record_id, _ in records if record_id in (0x0021, 0x0022)]
    assert types == [0x0022, 0x0022, 0x0021]
    assert {payload for record_id, payload in records if record_id == 0x0031} == {bytes(4)}  # no p-code
    assert records[-1] == (0x0010, b"")


def _decrypt(hex_value: str) -> tuple[int, int, bytes]:
    """[MS-OVBA] 2.4.3.3 decryption: (version, project key, data)."""
    raw = bytes.fromhex(hex_value)
    seed, version_enc, key_enc = raw[:3]
    unencrypted_1, encrypted_1, encrypted_2 = seed ^ key_enc, key_enc, version_enc
    plain = bytearray()
    for byte in raw[3:]:
        plain.append(byte ^ ((encrypted_2 + unencrypted_1) & 0xFF))
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte, plain[-1]
    ignored = (seed & 6) // 2
    length = int.from_bytes(plain[ignored : ignored + 4], "little")
    data = bytes(plain[ignored + 4 :])
    assert len(data) == length
    return seed ^ version_enc, seed ^ key_enc, data


def test_project_stream():
    ole = olefile.OleFileIO(build_vba_project(MODULES, project_name="Tools"))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    guid = lines[0].removeprefix('ID="').removesuffix('"')
    uuid.UUID(guid)
    assert lines[1:6] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=Buttons",
        "Module=Helpers",
        'Name="Tools"',
    ]
    assert 'HelpContextID="0"' in lines and 'VersionCompatible32="393222000"' in lines
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in lines
    assert lines.index("[Host Extender Info]") < lines.index("[Workspace]")
    props = dict(line.split("=", 1) for line in lines if line.split("=", 1)[0] in ("CMG", "DPB", "GC"))
    project_key = sum(guid.encode()) & 0xFF
    expected = {"CMG": bytes(4), "DPB": b"\x00", "GC": b"\xff"}  # unprotected, no password, visible
    for name, data in expected.items():
        assert _decrypt(props[name].strip('"')) == (2, project_key, data)


def test_decrypt_matches_a_real_project():
    # Values from a Word-saved unprotected project (sample quoted in oletools' olevba source):
    # this pins the test's decryption, and so our encryption, to real files.
    project_key = sum(b"{5312AC8A-349D-4950-BDD0-49BE3C4DD0F0}") & 0xFF
    assert _decrypt("F1F301E705E705E705E705") == (2, project_key, bytes(4))
    assert _decrypt("8F8D7FE3831F2020202020") == (2, project_key, b"\x00")
    assert _decrypt("2D2FDD81E51EE61EE6E1") == (2, project_key, b"\xff")


def test_project_guid_is_derived_from_name():
    def project_id(name):
        ole = olefile.OleFileIO(build_vba_project([BUTTONS], project_name=name))
        return ole.openstream("PROJECT").read().split(b"\r\n")[0]

    assert project_id("A") == project_id("A") != project_id("B")


def test_build_is_deterministic():
    assert build_vba_project(MODULES) == build_vba_project(list(MODULES))


def test_non_codepage_character_names_the_module():
    with pytest.raises(ValueError, match="Greeting"):
        build_vba_project([BUTTONS, VbaModule("Greeting", 'Sub Hi()\n    MsgBox "\u4f60\u597d"\nEnd Sub\n')])


@pytest.mark.parametrize(
    "modules, message",
    [
        ([VbaModule("1Bad", "")], "invalid module name"),
        ([VbaModule("Has Space", "")], "invalid module name"),
        ([VbaModule("A" * 32, "")], "invalid module name"),
        ([VbaModule("Dup", ""), VbaModule("DUP", "")], "duplicate"),
        ([VbaModule("ThisWorkbook", "")], "ThisWorkbook"),
        ([VbaModule("X", 'Attribute VB_Name = "X"\nSub A()\nEnd Sub\n')], "VB_Name"),
        ([VbaModule("Sheet1", 'Attribute VB_Exposed = True\n', "document")], "VB_Exposed"),
        ([VbaModule("X", "", "class")], "kind"),  # type: ignore[arg-type]
    ],
)
def test_invalid_modules_raise(modules, message):
    with pytest.raises(ValueError, match=message):
        build_vba_project(modules)


def test_invalid_project_name_and_codepage_raise():
    with pytest.raises(ValueError, match="project name"):
        build_vba_project([BUTTONS], project_name="My Project")
    with pytest.raises(ValueError, match="code page"):
        build_vba_project([BUTTONS], codepage=99999)


def test_procedure_attributes_are_kept(tmp_path):
    source = 'Sub Go()\nAttribute Go.VB_ProcData.VB_Invoke_Func = "g\\n14"\nEnd Sub\n'
    assert 'Attribute Go.VB_ProcData' in _olevba_modules(tmp_path, build_vba_project([VbaModule("Keys", source)]))["Keys"]


def test_read_bas(tmp_path):
    path = tmp_path / "Export.bas"
    path.write_bytes(
        'Attribute VB_Name = "Tools"\r\nSub A()\r\nAttribute A.VB_Description = "d"\r\n    MsgBox "\u00e9"\r\nEnd Sub\r\n'.encode(
            "cp1252"
        )
    )
    module = read_bas(path)
    assert module == VbaModule("Tools", 'Sub A()\nAttribute A.VB_Description = "d"\n    MsgBox "\u00e9"\nEnd Sub\n')
    path.write_bytes(b"Sub A()\r\nEnd Sub\r\n")
    with pytest.raises(ValueError, match="VB_Name"):
        read_bas(path)


# --------------------------------------------------------------------------- LibreOffice integration


def _xlsm(tmp_path: Path, vba: bytes) -> Path:
    """A minimal macro-enabled workbook: openpyxl output rewritten to carry ``vba`` as xl/vbaProject.bin."""
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active.sheet_properties.codeName = "Sheet1"
    wb.code_name = "ThisWorkbook"  # <workbookPr codeName="ThisWorkbook"/>
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "book.xlsm"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
                    b' Target="vbaProject.bin"/></Relationships>',
                )
            elif info.filename == "xl/workbook.xml":
                assert b'<workbookPr codeName="ThisWorkbook"/>' in data
            dst.writestr(info, data)
        dst.writestr("xl/vbaProject.bin", vba)
    return path


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_imports_the_modules(tmp_path):
    book = _xlsm(tmp_path, build_vba_project(MODULES))
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "ods", "--outdir", str(tmp_path / "out"), str(book)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    ods = tmp_path / "out" / "book.ods"
    assert result.returncode == 0 and ods.exists(), result.stdout + result.stderr
    with zipfile.ZipFile(ods) as z:
        # LibreOffice imports the VBA project into a Basic library named after the project.
        for module in MODULES:
            xml = z.read(f"Basic/VBAProject/{module.name}.xml").decode()
            module_type = "document" if module.kind == "document" else "normal"
            assert f'script:moduleType="{module_type}"' in xml
            for line in _normalise(module.source).split("\n"):
                assert escape(line, {'"': "&quot;", "'": "&apos;"}) in xml


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_runs_a_macro(tmp_path):
    python = python_with_uno()
    if python is None:
        pytest.skip("no Python with LibreOffice's uno module (python3-uno) to drive soffice")
    book = _xlsm(tmp_path, build_vba_project(MODULES))
    result = subprocess.run(
        [python, str(FIXTURES / "lo_run_macro.py"), str(book), (tmp_path / "profile").as_uri(), "VBAProject.Buttons.Fill"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ran 42"
