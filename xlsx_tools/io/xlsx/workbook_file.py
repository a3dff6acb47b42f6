"""The xlsx/xlsm file adapter: fast sheet reading and raw-copy grafting of output sheets.

    wb = WorkbookFile("collections.xlsm")
    ledger = wb.read_sheet("应收台账")              # RawSheet, every cell as text
    wb.write_table(detail, replaces="账龄明细")      # stage an output sheet
    wb.commit()                                     # atomic, in place

Reading goes through fastexcel (calamine).  Writing never re-saves the
workbook through openpyxl: the staged sheets are generated as XML and grafted
into the zip, every other part is copied byte for byte (see `graft`).
"""
from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import fastexcel
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from xlsx_tools.core.tables import OutputTable, RawSheet, column_letter
from xlsx_tools.errors import WorkbookUnusable  # the one shared exception (CLI exit code 2)
from xlsx_tools.io import locks, signals, write_faults, zip_guard
from xlsx_tools.io.atomic import fsync_dir
from xlsx_tools.io.xlsx.dates import serial_dates, workbook_uses_1904
from xlsx_tools.io.xlsx.graft import StagedSheet, graft
from xlsx_tools.io.xlsx.opc import NS_MAIN, PackageError, Relationships, SourcePackage, parse_xml, rels_part_for, \
    resolve_target
from xlsx_tools.io.xlsx.rawzip import ZipTooLarge, ZipWriter
from xlsx_tools.io.xlsx.sheet_xml import SheetXml, validate_sheet_name

__all__ = ["WorkbookFile", "WorkbookUnusable"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ERROR_TEXT = {
    "Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
    "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA",
}
_ERROR_RE = re.compile(r"Error\((\w+)\)")
# A styled number cell and its value; beyond this many days the reader's date conversion overflows.
_STYLED_NUMBER = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?\bs="[0-9]+"[^>]*>(?:<f>[^<]*</f>)?<v>([^<]*)</v>')
_NO_CALENDAR_DAYS = 1e8


def _unusable(zh: str, en: str) -> WorkbookUnusable:
    return WorkbookUnusable(f"{zh} / {en}")


def _calamine_date1904(workbook: etree._Element) -> bool:
    """The date system fastexcel's calamine reads dates in: it takes every element named `workbookPr`,
    whatever its namespace, and the last one wins, so Excel 2013+'s `<x15:workbookPr>` in the extension
    list turns a 1904 book's dates into 1900-system ones, 1462 days early (calamine issue 706)."""
    found = [element for element in workbook.iter()
             if isinstance(element.tag, str) and etree.QName(element).localname == "workbookPr"]
    return bool(found) and found[-1].get("date1904") in ("1", "true")


def require_workbook_path(path: Path) -> None:
    """Refuse a folder or a missing file by name, before anything (a run's lock file included) is
    made beside it."""
    if path.is_dir():
        raise _unusable(f"{path.name} 是文件夹，不是工作簿", f"{path.name} is a folder, not a workbook")
    if not path.exists():
        raise _unusable(f"找不到工作簿 {path}", f"Workbook not found: {path}")


class WorkbookFile:
    """An xlsx/xlsm workbook on disk."""

    def __init__(self, path: str | os.PathLike, *, limits: zip_guard.Limits = zip_guard.Limits(),
                 force: bool = False) -> None:
        """`limits`: the size guards (`--max-part-mb`); `force`: replace a read-only workbook anyway."""
        self.path = Path(path)
        self._limits = limits
        self._force = force
        self._reader = None
        self._names: list[str] | None = None
        self._parts: dict[str, str] = {}          # sheet name -> worksheet part
        self._guarded: set[str] = set()
        self._date1904: bool | None = None
        self._calamine_misdates = False           # see _calamine_date1904
        self._workbook_part = ""
        self._strict = False
        self._staged: dict[str, StagedSheet] = {}
        self._validate()

    def __repr__(self) -> str:
        return f"WorkbookFile({str(self.path)!r})"

    # ------------------------------------------------------------ validation
    def _validate(self) -> None:
        p = self.path
        name = p.name
        require_workbook_path(p)
        owner = locks.owner_lock(p)
        if owner is not None:
            raise locks.WorkbookBusy(owner.message())
        try:
            with open(p, "rb") as fp:
                head = fp.read(8)
        except PermissionError:
            raise _unusable(f"无法读取工作簿 {name}（没有权限）",
                            f"Cannot read the workbook {name} (permission denied)") from None
        except OSError as exc:
            raise _unusable(f"无法读取工作簿 {name}（{exc.strerror or exc}）",
                            f"Cannot read the workbook {name} ({exc.strerror or exc})") from None
        if head.startswith(_OLE_MAGIC):
            raise _unusable(
                f"{name} 是旧版 .xls 文件或设置了打开密码，请另存为 .xlsx/.xlsm（不设打开密码）",
                f"{name} is a legacy .xls file or is password-protected; "
                f"save it as .xlsx/.xlsm without an open password",
            )
        not_workbook = _unusable(f"{name} 不是有效的 Excel 工作簿（.xlsx/.xlsm）",
                                 f"{name} is not a valid Excel workbook (.xlsx/.xlsm)")
        try:
            zip_guard.guard_package(p, self._limits)  # sizes, ratios, entry count: before anything inflates
            with open(p, "rb") as fp:
                try:
                    source = SourcePackage(fp)
                except PackageError:
                    raise not_workbook from None
                if source.workbook_part.lower().endswith(".bin"):
                    raise _unusable("不支持 .xlsb 二进制工作簿，请另存为 .xlsx/.xlsm",
                                    "Binary .xlsb workbooks are not supported; save as .xlsx/.xlsm")
                self._workbook_part = source.workbook_part
                self._parse_workbook(source.read(source.workbook_part))
                self._parts = self._sheet_parts(source)
        except (zipfile.BadZipFile, zlib.error, EOFError, etree.XMLSyntaxError, KeyError, ValueError,
                NotImplementedError):  # zipfile: a damaged 'version needed' or compression method
            raise not_workbook from None
        except OSError as exc:
            raise _unusable(f"无法读取工作簿 {name}（{exc.strerror or exc}）",
                            f"Cannot read the workbook {name} ({exc.strerror or exc})") from None

    def _parse_workbook(self, data: bytes | None) -> None:
        if not data:
            raise ValueError("empty workbook part")
        root = parse_xml(data)
        ns = etree.QName(root).namespace
        if etree.QName(root).localname != "workbook":
            raise ValueError("not a workbook part")
        self._names = [el.get("name", "") for el in root.iter(f"{{{ns}}}sheet")]
        self._date1904 = workbook_uses_1904(root)
        self._calamine_misdates = _calamine_date1904(root) != self._date1904
        self._strict = ns != NS_MAIN

    def _sheet_parts(self, source: SourcePackage) -> dict[str, str]:
        """Sheet name -> its worksheet part in the zip, through the workbook's relationships."""
        root = parse_xml(source.read(source.workbook_part))
        rels = Relationships(source.read(rels_part_for(source.workbook_part)))
        parts = {}
        for sheet in root.iter(f"{{{etree.QName(root).namespace}}}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if etree.QName(k).localname == "id"), None)
            rel = rels.by_id(rid) if rid else None
            if rel is not None and not rel.external:
                found = source.find(resolve_target(source.workbook_part, rel.target))
                if found:
                    parts[sheet.get("name", "")] = found
        return parts

    # ------------------------------------------------------------ reading
    def sheet_names(self) -> list[str]:
        """Sheet names in workbook (tab) order."""
        return list(self._names or [])

    def _get_reader(self):
        if self._reader is None:
            try:
                source = self._package_for_calamine() if self._calamine_misdates else str(self.path)
                self._reader = fastexcel.read_excel(source)
            except fastexcel.FastExcelError as exc:
                raise _unusable(f"工作簿 {self.path.name} 已损坏，无法读取",
                                f"The workbook {self.path.name} is damaged and can't be read ({exc})") from None
        return self._reader

    def _package_for_calamine(self) -> bytes:
        """The package in memory with a workbook.xml whose date system calamine reads as Excel does:
        only the main `workbookPr` keeps its name (see `_calamine_date1904`); every other part is copied."""
        root = parse_xml(self._read_part(self._workbook_part))
        for element in root.iter():
            if isinstance(element.tag, str) and etree.QName(element).localname == "workbookPr":
                if element.getparent() is root:
                    element.set("date1904", "1" if self._date1904 else "0")
                else:
                    element.tag = f"{{{etree.QName(element).namespace}}}workbookPrIgnored"
        buffer = io.BytesIO()
        with open(self.path, "rb") as stream, zipfile.ZipFile(stream) as package:
            writer = ZipWriter(buffer)
            for info in package.infolist():
                if info.filename == self._workbook_part:
                    writer.write_bytes(info.filename, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
                else:
                    writer.copy_raw(stream, info)
            writer.close()
        return buffer.getvalue()

    def _read_part(self, part: str) -> bytes:
        with zipfile.ZipFile(self.path) as package:
            return package.read(part)

    def read_sheet(self, name: str) -> RawSheet:
        """The used area of sheet `name` as text; KeyError(name) if there is no such sheet.

        Row 0 of the frame is Excel row 1; the frame's columns are the Excel
        column letters.  Values are str or pd.NA: numbers as "1234.5", dates as
        "2026-11-28 00:00:00", booleans as "true"/"false", error cells as their
        Excel text ("#N/A", "#DIV/0!", ...), formulas as their cached value
        (none if the file was never calculated), times as "1899-12-31 hh:mm:ss"
        (a calamine quirk).  fastexcel renders numbers with at most 9 decimals;
        its noisy text for big values ("1000000000.00999999") is turned back
        into the shortest text of the same double ("1000000000.01").
        Trailing empty rows are dropped; an empty sheet gives an empty frame.
        """
        if name not in self.sheet_names():
            raise KeyError(name)
        self._guard(name)
        reader = self._get_reader()
        try:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            batch, errors = sheet.to_arrow_with_errors()
        except fastexcel.SheetNotFoundError:
            raise KeyError(name) from None
        except fastexcel.FastExcelError as exc:
            raise _unusable(f"无法读取工作表 {name}（文件可能已损坏）",
                            f"Cannot read sheet {name} (the file may be damaged): {exc}") from None
        except BaseException as exc:  # a panic inside the Rust reader (pyo3's PanicException is no Exception)
            if type(exc).__name__ != "PanicException":
                raise
            raise self._reader_panic(name) from None
        letters = [column_letter(c.absolute_index + 1) for c in sheet.available_columns()]
        arrays = [_clean_float_text(batch.column(j)) for j in range(batch.num_columns)]
        if errors is not None:
            arrays = _apply_cell_errors(arrays, errors)
        nrows = batch.num_rows
        if arrays and nrows:
            valid = np.zeros(nrows, dtype=bool)
            for arr in arrays:
                if arr.null_count < len(arr):
                    valid |= pc.is_valid(arr).to_numpy(zero_copy_only=False)
            used = np.flatnonzero(valid)
            nrows = int(used[-1]) + 1 if len(used) else 0
        columns = {}
        if nrows == 0:
            arrays = []
        for letter, arr in zip(letters, arrays):
            arr = arr.slice(0, nrows)
            if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
                arr = arr.cast(pa.string())
            columns[letter] = pd.Series(pd.arrays.ArrowStringArray(arr), copy=False)
        frame = pd.DataFrame(columns, index=pd.RangeIndex(nrows)) if columns else pd.DataFrame(index=pd.RangeIndex(0))
        if not columns:
            letters = []
        return RawSheet(name=name, frame=frame, first_row=1, columns=tuple(letters),
                        serial_dates=serial_dates(bool(self._date1904)))

    def _reader_panic(self, name: str) -> WorkbookUnusable:
        """The reader gave up on a cell: name the cells it most likely choked on (a number formatted
        as a date, so large that no calendar holds it), so the clerk can fix them."""
        cells = []
        part = self._parts.get(name)
        if part is not None:
            with zipfile.ZipFile(self.path) as package:
                xml = package.read(part)
            for ref, value in _STYLED_NUMBER.findall(xml):
                try:
                    if abs(float(value)) >= _NO_CALENDAR_DAYS:
                        cells.append(ref.decode())
                except ValueError:
                    continue
        where = "、".join(cells[:5]) or "?"
        where_en = ", ".join(cells[:5]) or "?"
        return _unusable(f"工作表 {name} 的单元格 {where} 是设为日期格式的数字，但数值过大，不是任何日期；请在 Excel 中修正后再试",
                         f"Sheet {name}, cell {where_en}: a number formatted as a date, too large to be any date; "
                         f"correct it in Excel and try again")

    def _guard(self, name: str) -> None:
        """Refuse a sheet whose used range would exhaust the reader's memory (once per sheet)."""
        part = self._parts.get(name)
        if part is None or part in self._guarded:
            return
        try:
            zip_guard.guard_sheet(self.path, part, sheet_name=name, limits=self._limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, NotImplementedError) as exc:
            raise _unusable(f"工作簿 {self.path.name} 已损坏，无法读取",
                            f"The workbook {self.path.name} is damaged and can't be read ({exc})") from None
        self._guarded.add(part)

    # ------------------------------------------------------------ writing
    def write_table(self, table: OutputTable, replaces: str | None = None) -> None:
        """Stage `table` to be written by the next commit().

        `replaces` names an existing sheet to replace in place (same tab
        position; it may differ from table.name).  Without it, a sheet called
        table.name (compared case-insensitively, like Excel) is replaced.
        Otherwise the sheet is appended at the end of the tab order.  Staging a
        table with the name of an already staged one replaces the staged one.
        The table is validated and its numeric columns converted now.
        """
        validate_sheet_name(table.name)
        if replaces is not None and not isinstance(replaces, str):
            raise TypeError("replaces must be a sheet name or None")
        sheet = SheetXml(table, date1904=bool(self._date1904))
        self._staged[table.name.strip().casefold()] = StagedSheet(sheet, replaces)

    def commit(self, output: str | os.PathLike | None = None,
               progress: Callable[[str], None] | None = None, status_if_saved: int | None = None) -> Path:
        """Write all staged tables; `output` None = in place.  Returns the written path.

        Atomic: the result is written to a temporary file in the destination
        folder, fsynced and moved over the destination with os.replace; on any
        error the temporary file is removed and the destination is untouched.
        `status_if_saved` is the run's exit code should Ctrl-C/SIGTERM land after
        the rename (signals.mark_saved, set with no gap after it).
        """
        say = progress or (lambda _msg: None)
        dest = Path(output) if output is not None else self.path
        if output is not None and dest.is_dir():
            dest = dest / self.path.name
        if not self._staged and output is None:
            return self.path
        self._validate()  # still there, still not open in Excel
        if self._strict:
            raise _unusable("不支持“Strict Open XML”格式的工作簿，请另存为普通 Excel 工作簿 (.xlsx/.xlsm)",
                            "Strict Open XML workbooks are not supported; save as a normal Excel workbook")
        if dest.exists():
            locks.check_can_replace(dest, force=self._force)
        real_dest = Path(os.path.realpath(dest))
        mode_source = real_dest if real_dest.exists() else self.path
        mode = stat.S_IMODE(os.stat(mode_source).st_mode)
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{real_dest.name}.", suffix=".tmp", dir=real_dest.parent)
        except OSError as exc:
            raise write_faults.save_failed(exc, real_dest.parent) from None
        tmp = Path(tmp_name)
        in_place = real_dest == Path(os.path.realpath(self.path))
        try:
            with os.fdopen(fd, "w+b") as dst, open(self.path, "rb") as src:
                try:
                    graft(src, dst, list(self._staged.values()), progress=say)
                except (PackageError, ZipTooLarge) as exc:
                    raise _unusable(f"无法处理工作簿 {self.path.name} 的结构",
                                    f"Can't update the structure of {self.path.name} ({exc})") from None
                except (zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, EOFError) as exc:
                    raise _unusable(f"工作簿 {self.path.name} 已损坏，无法读取",
                                    f"The workbook {self.path.name} is damaged and can't be read ({exc})") from None
                dst.flush()
                os.fsync(dst.fileno())
            os.chmod(tmp, mode)
            if in_place:
                self._reader = None  # release any handle on the file being replaced
            say(f"saving {real_dest.name} …")
            with signals.critical_section():  # a signal now waits until the rename and its status are done
                try:
                    os.replace(tmp, real_dest)
                except PermissionError as exc:
                    raise _unusable(f"无法覆盖 {dest}（文件可能正被其他程序打开）",
                                    f"Cannot replace {dest}; it may be open in another program ({exc.strerror})") \
                        from None
                if status_if_saved is not None:
                    signals.mark_saved(status_if_saved)
        except BaseException as failure:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
            if isinstance(failure, OSError) and not isinstance(failure, WorkbookUnusable):
                raise write_faults.save_failed(failure, real_dest.parent) from None
            raise
        fsync_dir(real_dest.parent)
        self._staged.clear()
        if in_place:
            self._reader = None
            self._validate()  # refresh sheet names
        return dest

    @property
    def staged_names(self) -> list[str]:
        """Names of the tables staged for the next commit (in staging order)."""
        return [s.sheet.name for s in self._staged.values()]


_NOISY_FLOAT_RE2 = r"^-?[0-9]+\.[0-9]{7,9}$"


def _clean_float_text(arr: pa.Array) -> pa.Array:
    """Undo fastexcel's fixed 9-decimal float text where it is noisy.

    With dtypes="string" fastexcel renders a number cell like format(v, ".9f")
    with trailing zeros trimmed, so 1000000000.01 arrives as
    "1000000000.00999999".  Such text is replaced by the shortest decimal that
    reads back as the same double ("1000000000.01").  For |v| >= 2**23 the
    9-decimal text pins the double exactly, so this restores the cell value;
    below that nothing noisy is produced for values with few decimals.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) == 0 or arr.null_count == len(arr) or not pa.types.is_string(arr.type) \
            and not pa.types.is_large_string(arr.type):
        return arr
    # cheap pre-filter on the raw buffer: a '.' 8 to 10 bytes before the end of the value
    bufs = arr.buffers()
    if bufs[2] is None:
        return arr
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offs = np.frombuffer(bufs[1], dtype=width, count=len(arr) + 1, offset=arr.offset * np.dtype(width).itemsize)
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    if not len(data):
        return arr
    starts, ends = offs[:-1].astype(np.int64), offs[1:].astype(np.int64)
    dot = np.zeros(len(arr), dtype=bool)
    for back in (8, 9, 10):
        pos = np.maximum(ends - back, starts)  # short values: look at their first byte (harmless)
        np.minimum(pos, len(data) - 1, out=pos)
        dot |= data[pos] == 0x2E
    if not dot.any():
        return arr
    candidates = np.flatnonzero(dot)
    hits = pc.fill_null(pc.match_substring_regex(arr.take(pa.array(candidates)), _NOISY_FLOAT_RE2), False)
    if not pc.any(hits).as_py():
        return arr
    idx = candidates[hits.to_numpy(zero_copy_only=False)]
    noisy = arr.take(pa.array(idx))
    # shortest round-trip text; Arrow switches to exponent notation for big values
    short = pc.cast(pc.cast(noisy, pa.float64()), arr.type)
    exp = pc.match_substring(short, "e").to_numpy(zero_copy_only=False)
    if exp.any():
        values = short.to_pylist()
        for k in np.flatnonzero(exp):
            values[k] = np.format_float_positional(float(values[k]), unique=True, trim="-")
        short = pa.array(values, type=arr.type)
    mask = np.zeros(len(arr), dtype=bool)
    mask[idx] = True
    return pc.replace_with_mask(arr, pa.array(mask), short)


def _apply_cell_errors(arrays: list[pa.Array], errors) -> list[pa.Array]:
    """Put the Excel error text ('#N/A', ...) where fastexcel left nulls for error cells."""
    by_col: dict[int, list[tuple[int, str]]] = {}
    for err in errors.errors:
        m = _ERROR_RE.search(err.detail or "")
        if not m:
            continue
        row, col = err.position
        by_col.setdefault(int(col), []).append((int(row), _ERROR_TEXT.get(m.group(1), "#" + m.group(1).upper())))
    out = list(arrays)
    for col, items in by_col.items():
        if not 0 <= col < len(out):
            continue
        arr = out[col]
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        mask = np.zeros(len(arr), dtype=bool)
        values = []
        for row, text in sorted(items):
            if 0 <= row < len(arr) and not mask[row]:
                mask[row] = True
                values.append(text)
        if values:
            out[col] = pc.replace_with_mask(arr, pa.array(mask), pa.array(values, type=arr.type))
    return out
