"""Zip and sheet bombs are refused before any reader inflates them (issue 10, items 4, 5).

Every bomb is generated here, at test time, streamed into the zip so the test stays small.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from xlsx_tools.errors import WorkbookUnusable
from xlsx_tools.io import zip_guard
from xlsx_tools.io.zip_guard import Limits, WorkbookTooLarge, guard_package, guard_sheet, scan_sheet

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Amount</t></is></c></row>'


def _package(path: Path, pieces, dimension: str = "A1:B1", extra: int = 0) -> Path:
    """A minimal workbook zip whose sheet part is streamed from `pieces` (bytes chunks)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(extra):
            package.writestr(f"xl/media/x{n}.bin", b"")
        with package.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(HEAD + f'<dimension ref="{dimension}"/><sheetData>'.encode())
            for piece in pieces:
                sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
    return path


def _dense_rows(rows: int, columns: str = "ABCDEFGHIJ"):
    for r in range(2, rows + 2):
        yield (f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in columns) + "</row>").encode()


# ---------------------------------------------------------------- package level
def test_a_part_of_spaces_inflating_far_past_its_size_is_refused_by_its_ratio(tmp_path):
    spaces = (b" " * (1 << 20) for _ in range(60))  # 60 MB of spaces, ~60 KB compressed
    book = _package(tmp_path / "spaces.xlsx", spaces)
    with pytest.raises(WorkbookTooLarge) as refused:
        guard_package(book)
    assert SHEET in str(refused.value) and "zip bomb" in str(refused.value) and "压缩炸弹" in str(refused.value)
    assert isinstance(refused.value, WorkbookUnusable)  # the CLI's exit 2


def test_a_highly_compressed_part_below_the_ratio_floor_is_fine(tmp_path):
    book = _package(tmp_path / "small.xlsx", [b" " * (10 << 20)])
    guard_package(book)


def test_a_part_above_the_size_limit_is_refused_and_the_override_lets_it_through(tmp_path):
    book = _package(tmp_path / "big.xlsx", _dense_rows(60_000))
    strict = Limits(max_part_mb=1, ratio_floor_mb=10_000)
    with pytest.raises(WorkbookTooLarge, match="--max-part-mb"):
        guard_package(book, strict)
    guard_package(book, Limits.raised_to(64))
    assert Limits.raised_to(5000).reader_budget_mb == 5000


def test_65536_entries_are_refused_up_front(tmp_path):
    book = _package(tmp_path / "entries.xlsx", [HEADER_ROW], extra=65_536 - 3)
    with zipfile.ZipFile(book) as package:
        assert len(package.infolist()) == 65_536
    with pytest.raises(WorkbookTooLarge, match="65,536 zip entries"):
        guard_package(book)


def test_the_entry_limit_boundary(tmp_path):
    book = _package(tmp_path / "few.xlsx", [HEADER_ROW], extra=7)  # 10 entries
    guard_package(book, Limits(max_entries=10))
    with pytest.raises(WorkbookTooLarge):
        guard_package(book, Limits(max_entries=9))


# ---------------------------------------------------------------- sheet level
def test_one_cell_at_xfd1048576_is_refused_and_named(tmp_path):
    book = _package(tmp_path / "far.xlsx", [HEADER_ROW, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
    with pytest.raises(WorkbookTooLarge) as refused:
        guard_sheet(book, SHEET, sheet_name="Ledger")
    message = str(refused.value)
    assert "XFD1048576" in message and "Ledger" in message and "单元格 XFD1048576" in message


def test_rows_out_of_order_still_count(tmp_path):
    book = _package(tmp_path / "hidden.xlsx",
                    [b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', HEADER_ROW])
    extent = scan_sheet(book, SHEET)
    assert (extent.rows, extent.columns, extent.farthest) == (1_048_576, 16_384, "XFD1048576")


def test_a_lying_dimension_alone_is_not_a_reason_to_refuse(tmp_path):
    book = _package(tmp_path / "dim.xlsx", [HEADER_ROW], dimension="A1:XFD1048576")
    extent = guard_sheet(book, SHEET)
    assert extent.dimension == "A1:XFD1048576"
    assert (extent.rows, extent.columns, extent.cells) == (1, 2, 2)


def test_a_stray_wide_cell_near_the_top_is_accepted(tmp_path):
    book = _package(tmp_path / "wide.xlsx", [HEADER_ROW, b'<row r="2"><c r="XFD2"><v>1</v></c></row>'])
    extent = guard_sheet(book, SHEET)
    assert (extent.rows, extent.columns, extent.farthest) == (2, 16_384, "XFD2")


def test_dense_cells_above_the_reader_budget_are_refused(tmp_path):
    book = _package(tmp_path / "dense.xlsx", _dense_rows(100_000))
    extent = scan_sheet(book, SHEET)
    assert (extent.rows, extent.columns, extent.cells) == (100_001, 10, 1_000_000)
    guard_sheet(book, SHEET, limits=Limits(reader_budget_mb=200))
    with pytest.raises(WorkbookTooLarge, match=r"100,001 rows × 10 columns"):
        guard_sheet(book, SHEET, limits=Limits(reader_budget_mb=50))


def test_cells_without_references_still_count(tmp_path):
    refless = (b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>" for _ in range(1000))
    extent = scan_sheet(_package(tmp_path / "refless.xlsx", refless), SHEET)
    assert extent.grid >= 1_000_000


def test_references_split_across_chunks_are_read_whole(tmp_path, monkeypatch):
    book = _package(tmp_path / "split.xlsx", list(_dense_rows(300, "ABCXYZ"))
                    + [b'<row r="777"><c r="AMJ777"><v>1</v></c></row>'], dimension="")  # no claim: exact scan
    whole = scan_sheet(book, SHEET)
    assert (whole.rows, whole.columns, whole.farthest) == (777, 1024, "AMJ777")
    for size in (5, 7, 13, 64):
        monkeypatch.setattr(zip_guard, "_CHUNK", size)
        assert scan_sheet(book, SHEET) == whole


def test_the_guard_itself_stays_small_on_a_big_bomb(tmp_path):
    """Peak memory of the guard, measured in a child process (ru_maxrss), on 400 MB of inflated XML."""
    row = b"<row>" + b"<c><v>1</v></c>" * 70_000 + b"</row>"
    book = _package(tmp_path / "huge.xlsx", (row for _ in range(400)))  # 28M cells, ~400 MB inflated
    code = textwrap.dedent("""
        import resource, sys
        from xlsx_tools.io.zip_guard import WorkbookTooLarge, guard_package, guard_sheet
        try:
            guard_package(sys.argv[1])
            guard_sheet(sys.argv[1], "xl/worksheets/sheet1.xml")
            print("accepted")
        except WorkbookTooLarge:
            print("refused")
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """)
    done = subprocess.run([sys.executable, "-c", code, str(book)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    verdict, peak_kb = done.stdout.split()
    assert verdict == "refused"
    assert int(peak_kb) < 1.5 * (1 << 20)  # ru_maxrss is in KiB on Linux
    print(f"guard peak: {int(peak_kb) / 1024:.0f} MB")


# ---------------------------------------------------------------- the fast path (a dimension to check against)
def test_a_true_dimension_is_checked_with_byte_searches_and_bounds_the_grid(tmp_path, monkeypatch):
    book = _package(tmp_path / "ledger.xlsx", [HEADER_ROW, *_dense_rows(20_000, "AB")], dimension="A1:B20001")
    monkeypatch.setattr(zip_guard._Scan, "feed", lambda *_: pytest.fail("the numpy decode ran"))
    extent = guard_sheet(book, SHEET)
    assert extent.columns == 2 and 20_001 <= extent.rows <= 99_999 and extent.dimension == "A1:B20001"


@pytest.mark.parametrize("stray", [b'<c r="C777"><v>1</v></c>', b'<c r="AB777"><v>1</v></c>',
                                   b'<c r="XFD777"><v>1</v></c>', b'<c r="A1048576"><v>1</v></c>',
                                   b'<c r="A3002"><v>1</v></c>'])
def test_a_cell_beyond_a_true_looking_dimension_is_found_wherever_it_hides(tmp_path, stray):
    rows = list(_dense_rows(3000, "AB"))
    rows[1500] = rows[1500].replace(b"</row>", stray + b"</row>")
    book = _package(tmp_path / "hidden.xlsx", [HEADER_ROW, *rows], dimension="A1:B3001")
    exact = scan_sheet(_package(tmp_path / "exact.xlsx", [HEADER_ROW, *rows], dimension=""), SHEET)
    extent = scan_sheet(book, SHEET)
    assert extent.columns >= exact.columns and extent.rows >= exact.rows and extent.grid >= exact.grid


def test_a_same_length_row_past_a_big_claim_is_searched_for(tmp_path):
    """A claim of 1,000,001 rows: rows 1,048,577..9,999,999 would be beyond Excel, so they are looked for."""
    book = _package(tmp_path / "rows.xlsx", [HEADER_ROW, b'<row r="9999999"><c r="A9999999"><v>1</v></c></row>'],
                    dimension="A1:B1000001")
    with pytest.raises(WorkbookTooLarge, match="A9999999"):
        guard_sheet(book, SHEET)


def test_greater_numbers_of_the_same_length():
    import re
    pattern = re.compile(zip_guard._greater_numbers("1048576") + b"$")
    for n in (1048576, 1048575, 999999, 1000000):
        assert not pattern.match(str(n).encode())
    for n in (1048577, 1048580, 1049000, 1100000, 2000000, 9999999):
        assert pattern.match(str(n).encode())


@pytest.mark.parametrize("chunk", [5, 7, 13, 64, 4096])
def test_a_cell_beyond_the_claim_split_by_a_chunk_seam_is_still_seen(tmp_path, monkeypatch, chunk):
    rows = list(_dense_rows(300, "AB"))
    rows[150] = rows[150].replace(b"</row>", b'<c r="XFD151"><v>1</v></c></row>')
    book = _package(tmp_path / "seam.xlsx", [HEADER_ROW, *rows], dimension="A1:B301")
    monkeypatch.setattr(zip_guard, "_CHUNK", chunk)
    extent = scan_sheet(book, SHEET)
    assert (extent.columns, extent.farthest) == (16_384, "XFD151")


def test_a_claim_whose_last_row_is_all_nines_needs_no_same_length_search(tmp_path):
    assert zip_guard._greater_numbers("999999") == b""
    book = _package(tmp_path / "nines.xlsx", [HEADER_ROW, *_dense_rows(50, "AB")], dimension="A1:B999999")
    extent = guard_sheet(book, SHEET)
    assert (extent.columns, extent.rows) == (2, 999_999)


def test_a_sheet_without_cells_has_no_extent(tmp_path):
    extent = scan_sheet(_package(tmp_path / "empty.xlsx", [], dimension="A1:B5"), SHEET)
    assert (extent.rows, extent.columns, extent.cells) == (0, 0, 0)
