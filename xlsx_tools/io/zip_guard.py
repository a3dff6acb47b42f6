"""Refuse a workbook that would exhaust memory, before any reader inflates it.

    guard_package(path)                       # central directory only: sizes, ratios, entry count
    guard_sheet(path, "xl/worksheets/sheet1.xml", sheet_name="Ledger")

The Rust reader (calamine, behind fastexcel) allocates a dense grid from A1 to
the farthest cell it meets, whatever `<dimension>` says: one cell at
XFD1048576 asks for 549 GB and aborts the process.  fastexcel's `use_columns`
and `n_rows` only trim after that grid exists, so trimming cannot happen in the
reader; the guard measures the grid first and refuses, naming the cell.

The sheet is streamed through the zip inflater in 1 MiB chunks (memory stays
flat whatever the part's size) and scanned with byte searches, not parsed:
cells are counted, and every ` r="..."` reference of a row or cell is decoded
with numpy to find the farthest column and row (rows may come in any order).  Measured reader cost on
this machine: about 44 bytes per grid cell plus 26 per written cell.

Zip64: the writer (xlsx_package.ZipWriter) writes no zip64 records, so a
package with 65,535 or more entries, or a part of 4 GB or more, is refused up
front rather than failing at save after all the work.
"""
from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlsx_tools.core.tables import column_letter
from xlsx_tools.errors import WorkbookUnusable

__all__ = ["Limits", "WorkbookTooLarge", "SheetExtent", "guard_package", "scan_sheet", "guard_sheet"]

MB = 1 << 20
_ZIP32_LIMIT_MB = 4095          # the largest part the writer can copy without zip64
_CHUNK = 1 << 20
_CARRY = 256                    # a tag split across chunks is carried over if it starts this near the end
_GRID_BYTES, _CELL_BYTES = 44, 26
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384


class WorkbookTooLarge(WorkbookUnusable):
    """Too big, too compressed or too wide to read safely; nothing was read or written (exit 2)."""


@dataclass(frozen=True)
class Limits:
    """What the guard accepts. `--max-part-mb N` maps to `Limits.raised_to(N)`."""

    max_part_mb: int = 2048          # uncompressed size of any one part
    max_ratio: float = 200.0         # uncompressed : compressed ...
    ratio_floor_mb: int = 50         # ... judged only on parts above this size
    max_entries: int = 65_534        # 65,535+ entries would need zip64 at save
    reader_budget_mb: int = 1200     # estimated reader memory for one sheet

    @classmethod
    def raised_to(cls, max_part_mb: int) -> "Limits":
        """The clerk's override: a larger part limit, and a reader budget to match."""
        default = cls()
        return cls(max_part_mb=max_part_mb, reader_budget_mb=max(default.reader_budget_mb, max_part_mb))


def _refuse(zh: str, en: str) -> WorkbookTooLarge:
    return WorkbookTooLarge(f"{zh} / {en}")


def guard_package(path: str | os.PathLike, limits: Limits = Limits()) -> None:
    """Check the entry count and each part's declared size and compression ratio."""
    name = Path(path).name
    with zipfile.ZipFile(path) as package:
        infos = package.infolist()
    if len(infos) > limits.max_entries:
        raise _refuse(f"工作簿 {name} 含 {len(infos):,} 个内部条目，超过可安全保存的 {limits.max_entries:,} 个，未作任何处理",
                      f"The workbook {name} holds {len(infos):,} zip entries, more than the {limits.max_entries:,} "
                      f"that can be saved safely; nothing was read or written")
    part_limit = min(limits.max_part_mb, _ZIP32_LIMIT_MB)
    for info in infos:
        size_mb = info.file_size / MB
        if size_mb > part_limit:
            raise _refuse(f"工作簿 {name} 的部件 {info.filename} 解压后有 {size_mb:,.0f} MB，超过上限 {part_limit:,} MB"
                          f"（可用 --max-part-mb 提高，最多 {_ZIP32_LIMIT_MB:,}）",
                          f"The part {info.filename} of {name} inflates to {size_mb:,.0f} MB, above the "
                          f"{part_limit:,} MB limit (raise it with --max-part-mb, up to {_ZIP32_LIMIT_MB:,})")
        if size_mb > limits.ratio_floor_mb:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _refuse(f"工作簿 {name} 的部件 {info.filename} 压缩比 {ratio:,.0f}:1 异常（{size_mb:,.0f} MB），"
                              f"疑似压缩炸弹，未作任何处理",
                              f"The part {info.filename} of {name} is compressed {ratio:,.0f}:1 ({size_mb:,.0f} MB), "
                              f"which looks like a zip bomb; nothing was read or written")


@dataclass(frozen=True)
class SheetExtent:
    """What a sheet part holds, as the reader will see it."""

    part: str
    dimension: str | None     # the <dimension ref> the file claims (the reader ignores it)
    rows: int                 # farthest row of any cell or row tag
    columns: int              # farthest column of any cell reference
    cells: int                # cell elements
    farthest: str             # the cell in the farthest column, e.g. "XFD1048576"

    @property
    def grid(self) -> int:
        """Grid cells the reader allocates; cells without a reference still take one each."""
        return max(self.rows * self.columns, self.cells)

    @property
    def reader_mb(self) -> float:
        return (self.grid * _GRID_BYTES + self.cells * _CELL_BYTES) / MB


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_REF_MARK = np.frombuffer(b' r="', dtype=np.uint8)
_PAD = 12  # ' r="' + 3 letters + up to 9 digits may run past the slice end: pad with NUL


class _Scan:
    """Running maxima over the ` r="..."` attributes of rows and cells, vectorised with numpy."""

    def __init__(self) -> None:
        self.dimension: str | None = None
        self.rows = self.columns = self.cells = 0
        self.far_column_row = 0   # the row of the cell that set `columns`

    def feed(self, data: bytes) -> None:
        if self.dimension is None:
            found = _DIMENSION.search(data)
            if found:
                self.dimension = found.group(1).decode("ascii", "replace")
        self.cells += data.count(b"<c")  # also counts the few <col>/<cfRule>: errs on the safe side
        a = np.frombuffer(data + b"\0" * _PAD, dtype=np.uint8)
        n = len(data)
        if n < 4:
            return
        hits = (a[:n - 3] == _REF_MARK[0]) & (a[1:n - 2] == _REF_MARK[1]) \
            & (a[2:n - 1] == _REF_MARK[2]) & (a[3:n] == _REF_MARK[3])
        at = np.flatnonzero(hits) + 4
        if not len(at):
            return
        column = np.zeros(len(at), dtype=np.int64)
        letters = np.zeros(len(at), dtype=np.int64)
        going = np.ones(len(at), dtype=bool)
        for k in range(3):
            byte = a[at + k].astype(np.int64)
            going &= (byte >= 65) & (byte <= 90)
            column = np.where(going, column * 26 + byte - 64, column)
            letters += going
        row = np.zeros(len(at), dtype=np.int64)
        going = np.ones(len(at), dtype=bool)
        for k in range(9):
            byte = a[at + letters + k].astype(np.int64)
            going &= (byte >= 48) & (byte <= 57)
            row = np.where(going, row * 10 + byte - 48, row)
        self.rows = max(self.rows, int(row.max()))
        widest = int(np.argmax(column))
        if column[widest] > self.columns:
            self.columns, self.far_column_row = int(column[widest]), int(row[widest])


def scan_sheet(path: str | os.PathLike, part: str) -> SheetExtent:
    """Stream one worksheet part and measure the grid the reader would build."""
    scan = _Scan()
    with zipfile.ZipFile(path) as package, package.open(part) as stream:
        carry = b""
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                scan.feed(data)
                break
            cut = data.rfind(b"<")
            if cut < len(data) - _CARRY:
                cut = len(data)
            scan.feed(data[:cut])
            carry = data[cut:]
    columns = max(scan.columns, 1 if scan.cells else 0)
    rows = scan.rows if scan.cells else 0
    farthest = f"{column_letter(columns)}{max(scan.far_column_row, 1)}" if columns else ""
    return SheetExtent(part, scan.dimension, rows, columns, scan.cells, farthest)


def guard_sheet(path: str | os.PathLike, part: str, sheet_name: str | None = None,
                limits: Limits = Limits()) -> SheetExtent:
    """Scan a sheet part and refuse it when the reader would need more than the budget."""
    extent = scan_sheet(path, part)
    sheet = sheet_name or part
    if extent.columns > _EXCEL_COLUMNS or extent.rows > _EXCEL_ROWS:
        raise _refuse(f"工作表 {sheet} 的单元格 {extent.farthest} 超出 Excel 的范围，文件已损坏",
                      f"Sheet {sheet} has a cell at {extent.farthest}, beyond Excel's grid; the file is damaged")
    if extent.reader_mb > limits.reader_budget_mb:
        raise _refuse(
            f"工作表 {sheet} 的已用区域延伸到单元格 {extent.farthest}（{extent.rows:,} 行 × {extent.columns:,} 列），"
            f"读取约需 {extent.reader_mb:,.0f} MB 内存，超过上限 {limits.reader_budget_mb:,} MB；"
            f"请在 Excel 中删除 {extent.farthest} 等多余单元格（或整行整列）后保存再试",
            f"The used range of sheet {sheet} reaches cell {extent.farthest} ({extent.rows:,} rows × "
            f"{extent.columns:,} columns); reading it would take about {extent.reader_mb:,.0f} MB, above the "
            f"{limits.reader_budget_mb:,} MB limit. Delete the stray cells such as {extent.farthest} "
            f"(or whole rows/columns) in Excel, save, and try again")
    return extent
