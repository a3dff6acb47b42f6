"""Fuzz: hypothesis-generated Ledger cells of every type, and random byte flips in a small workbook.

Whatever the input: never exit 3, never a traceback, and the input parts stay byte-identical
(a refused run leaves the whole file as it was).  The pipeline runs in-process on a template
stripped of its blank rows; FUZZ_SCALE scales the example counts (FUZZ_SCALE=5 for a long run).

Kept quick without proving less:
- a Ledger example carries up to 30 rows of 15 cells (one run checks many cells: each bad
  cell is a located issue on its own row, the rest computed), so fewer examples cover more;
- half of the byte flips land on the zip's structure (local headers, central directory, end
  record), where readers disagree; flips inside deflated data mostly fail the CRC the same way;
- the pure core's computation is memoised on its inputs: a flip the readers shrug off yields
  the inputs of an earlier example, and the same inputs give the same result; reading, laying
  out, staging and the atomic save (where bytes matter) still run for every example.
"""
from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xlsx_tools import cli
from xlsx_tools.build.templates import write_template
from tests.workbooks import sheet_part_names

COLUMNS = "ABCDEFGHIJKLMNO"
INPUT_SHEETS = ("应收台账", "客户档案", "催收策略", "公司信息", "案例库", "收款记录", "分期计划", "法律事件")
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
CELLS = settings(max_examples=max(1, int(40 * SCALE)), deadline=None, suppress_health_check=QUIET)
FLIPS = settings(max_examples=max(1, int(460 * SCALE)), deadline=None, suppress_health_check=QUIET)  # 40 + 460 = 500
LEDGER_ROWS = 30


@pytest.fixture(scope="module", autouse=True)
def memoised_core():
    """The same inputs give the same result: compute each distinct input once."""
    from xlsx_tools.pipeline import refresh as pipeline
    computed: dict[bytes, object] = {}
    compute = pipeline.compute_result

    def compute_once(inputs, as_of, today, progress):
        key = hashlib.sha256(pickle.dumps((inputs, as_of, today))).digest()
        if key not in computed:
            computed[key] = compute(inputs, as_of, today, progress)
        return computed[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "compute_result", compute_once)
        yield


_BLANK_ROW = re.compile(rb'<row [^>]*>(?:<c [^>]*?/>|<c [^>]*?></c>)*</row>')


@pytest.fixture(scope="module")
def small_book(tmp_path_factory) -> tuple[Path, str, bytes]:
    """A template without its thousands of formatted blank rows (each example must be quick)."""
    path = write_template(tmp_path_factory.mktemp("fuzz") / "book.xlsx", "zh")
    part = sheet_part_names(path)["应收台账"]
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    xml = dict(parts)[part]
    header = re.search(rb'<row r="1".*?</row>', xml).group(0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            if name == part:
                data = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + header + b"</sheetData>", data, flags=re.S)
            elif name.startswith("xl/worksheets/"):
                data = _BLANK_ROW.sub(b"", data)
            target.writestr(name, data)
    return path, part, header


def run(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["refresh", str(path), "--as-of", "2026-11-28", "--wait", "0"], out, err)
    return code, err.getvalue()


def input_parts(path: Path) -> dict[str, bytes]:
    names = sheet_part_names(path)
    with zipfile.ZipFile(path) as package:
        return {sheet: package.read(names[sheet]) for sheet in INPUT_SHEETS if sheet in names}


def judge(path: Path, before: bytes) -> int:
    """The three promises; returns the exit code."""
    parts_before = None
    try:
        with zipfile.ZipFile(io.BytesIO(before)):
            pass
        parts_before = input_parts(path)
    except Exception:  # a flipped file may not even open: then only "unchanged" can be judged
        pass
    code, err = run(path)
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert path.read_bytes() == before, "a refused run changed the file"
    elif parts_before is not None:
        assert input_parts(path) == parts_before, "an input sheet changed"
    return code


# ---------------------------------------------------------------- every kind of Ledger cell
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"),
                max_size=30).map(lambda s: "".join(ch for ch in s if ch in "\t\n\r" or ord(ch) >= 0x20))
_number = st.one_of(st.integers(-10 ** 20, 10 ** 20).map(str),
                    st.floats(allow_nan=False, allow_infinity=False).map(repr),
                    st.sampled_from(["-5", "0", "1", "60", "61", "2958465", "2958466", "1e12", "1e308", "-1e308",
                                     "4.9e-324", "99999999999"]))
_cell = st.one_of(
    st.tuples(st.just("n"), _number, st.sampled_from(["", ' s="7"', ' s="8"', ' s="9"'])),
    st.tuples(st.just("inlineStr"), _text, st.just("")),
    st.tuples(st.just("inlineStr"), st.sampled_from(["0000-01-01", "9999-12-31", "1,2,3", "-30", "1e12", "(1,234.5)",
                                                     "2026年2月30日", "¥1,234.50元", "合计", "#N/A", "=1+1",
                                                     "2026-11-28 00:00:00", "争议", "核销"]), st.just("")),
    st.tuples(st.just("b"), st.sampled_from(["0", "1"]), st.just("")),
    st.tuples(st.just("e"), st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NUM!"]), st.just("")),
    st.tuples(st.just("d"), st.sampled_from(["2026-01-01T00:00:00", "9999-12-31T00:00:00", "1899-12-31T00:00:00"]),
              st.just("")),
    st.tuples(st.just("blank"), st.just(""), st.just(' s="7"')),
)


def _cell_xml(ref: str, cell) -> str:
    kind, value, style = cell
    if kind == "blank":
        return f'<c r="{ref}"{style}/>'
    if kind == "inlineStr":
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{style} t="{kind}"><v>{escape(value)}</v></c>'


@CELLS
@given(rows=st.lists(st.lists(_cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=LEDGER_ROWS))
def test_any_ledger_cells_never_crash_and_never_touch_the_input(small_book, tmp_path, rows):
    source, part, header = small_book
    body = "".join(f'<row r="{r}">' + "".join(_cell_xml(f"{col}{r}", cell) for col, cell in zip(COLUMNS, row))
                   + "</row>" for r, row in enumerate(rows, start=2))
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data = data.replace(header + b"</sheetData>", header + body.encode("utf-8") + b"</sheetData>")
            dst.writestr(info, data)
    judge(path, path.read_bytes())


# ---------------------------------------------------------------- random byte flips in the package
@functools.lru_cache(maxsize=1)
def zip_structure(path: Path) -> list[int]:
    """Offsets of the zip's own records: each local header with its name, the central directory, the end record."""
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as package:
        infos = package.infolist()
        start = package.start_dir
    offsets = [at for info in infos
               for at in range(info.header_offset, info.header_offset + 30 + len(info.orig_filename.encode()))]
    return offsets + list(range(start, len(raw)))


@FLIPS
@given(data=st.data())
def test_random_byte_flips_never_crash_and_a_refused_file_stays_as_it_was(small_book, tmp_path, data):
    source, _, _ = small_book
    raw = bytearray(source.read_bytes())
    anywhere, structure = st.integers(0, len(raw) - 1), st.sampled_from(zip_structure(source))
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        at = data.draw(st.one_of(anywhere, structure), label="offset")
        raw[at] ^= data.draw(st.integers(1, 255), label="mask")
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(raw))
    judge(path, bytes(raw))


def test_a_damaged_version_needed_in_the_central_directory_is_a_damaged_file(small_book, tmp_path):
    """Found by the fuzz: zipfile raises NotImplementedError for 'zip file version 8.4' (was exit 3)."""
    source, _, _ = small_book
    raw = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as package:
        start = package.start_dir
    raw[start + 6] = 84  # the first entry's "version needed to extract": 8.4
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(raw))
    assert judge(path, bytes(raw)) == 2


def test_an_entry_marked_encrypted_is_a_damaged_file(small_book, tmp_path):
    """Found by the fuzz: one flipped bit set a sheet's 'encrypted' flag in the central directory, and
    zipfile raised RuntimeError in the sheet guard (was exit 3)."""
    source, part, _ = small_book
    raw = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as package:
        start = package.start_dir
    at = raw.index(b"PK\x01\x02" , start)
    while raw[at + 46:at + 46 + int.from_bytes(raw[at + 28:at + 30], "little")] != part.encode():
        at = raw.index(b"PK\x01\x02", at + 4)
    raw[at + 8] |= 0x1                                  # general purpose flag bit 0: encrypted
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(raw))
    assert judge(path, bytes(raw)) == 2


def test_a_damaged_local_header_of_a_relationships_part_is_a_damaged_file(small_book, tmp_path):
    """Found by the fuzz: one flipped byte made a .rels entry's local extra-field length huge, so
    zipfile ran out of data reading it (EOFError) while the graft built the relationship graph: an
    internal error (exit 3) instead of "damaged" (exit 2, file unchanged)."""
    source, _, _ = small_book
    raw = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as package:
        rels = next(info for info in package.infolist() if info.filename.startswith("xl/worksheets/_rels/"))
    raw[rels.header_offset + 29] ^= 92                  # high byte of the local header's extra field length
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(raw))
    assert judge(path, bytes(raw)) == 2
