"""Fuzz: hypothesis-generated Ledger cells of every type, and random byte flips in a small workbook.

Whatever the input: never exit 3, never a traceback, and the input parts stay byte-identical
(a refused run leaves the whole file as it was).  The pipeline runs in-process: 500 examples
(FUZZ_SCALE scales them).
"""
from __future__ import annotations

import io
import os
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
# 500 examples in all: a full refresh per Ledger example, while most byte flips are refused early.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
CELLS = settings(max_examples=max(1, int(60 * SCALE)), deadline=None, suppress_health_check=QUIET)
FLIPS = settings(max_examples=max(1, int(440 * SCALE)), deadline=None, suppress_health_check=QUIET)


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
@given(rows=st.lists(st.lists(_cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=4))
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
@FLIPS
@given(data=st.data())
def test_random_byte_flips_never_crash_and_a_refused_file_stays_as_it_was(small_book, tmp_path, data):
    source, _, _ = small_book
    raw = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        at = data.draw(st.integers(0, len(raw) - 1), label="offset")
        raw[at] ^= data.draw(st.integers(1, 255), label="mask")
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(raw))
    judge(path, bytes(raw))
