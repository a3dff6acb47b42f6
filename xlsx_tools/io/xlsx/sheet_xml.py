"""Fast worksheet XML (SpreadsheetML) generation for an `OutputTable`.

The XML is produced without a Python call per cell: every column is turned into
an Arrow string array of ready-made ``<c>`` elements with vectorised Arrow
compute kernels (`binary_join_element_wise`, `take`, `coalesce`), the columns
are joined into ``<row>`` strings, and the contiguous UTF-8 data buffer of that
row array is handed out as-is.  Rows are processed in chunks so a 1M-row table
never sits in memory as one XML string.

Cell encoding:

* text     -> ``t="inlineStr"`` (capped at 32767 UTF-16 units as Excel counts them, never
              splitting a surrogate pair; XML-escaped; stored as Excel stores text: a literal
              ``_xHHHH_`` gets its ``_`` written ``_x005F_``, the control characters XML 1.0
              forbids are written ``_xHHHH_`` and a carriage return ``&#13;``, so readers get
              the text back unchanged).  Strings that look like formulas (``=…``) are
              therefore always plain text.
* money    -> integer fen written as an exact decimal (123457 -> ``1234.57``),
              integer arithmetic only.
* int      -> integer text.
* date     -> Excel serial number (1900 or 1904 date system, see `dates`).
* percent / decimal / figure -> shortest round-trip text of the float.
* empty / NA values: no ``<c>`` element, unless the cell has a fill, in which
  case a value-less styled ``<c r=".." s=".."/>`` keeps the colour band intact.
"""
from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xlsx_tools.core.tables import OutputColumn, OutputTable, column_letter, display_width
from xlsx_tools.io.xlsx.dates import dates_to_serials
from xlsx_tools.io.xlsx.opc import NS_MAIN, NS_R

__all__ = [
    "CellStyle",
    "FOOTER_LEFT",
    "FOOTER_RIGHT",
    "HEADER_FILL",
    "NUMBER_FORMATS",
    "PAPER_A4",
    "footer_centre",
    "SheetXml",
    "normalize_fill",
    "validate_sheet_name",
    "xstring_xml",
]

#: Number format code per column kind (None = General).
NUMBER_FORMATS: dict[str, str | None] = {
    "text": None,
    "int": "#,##0",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "percent": "0.00%",
    "decimal": "0.0000",
    "figure": "#,##0.00",
}

#: Light grey-blue header background (ARGB).
HEADER_FILL = "FFDDEBF7"

#: Print setup of every output sheet (the live-Excel adapter sets the same through PageSetup):
#: A4 landscape, one page wide, the header row repeated, and a footer of sheet name (left),
#: the table's footer text (centre) and page / pages (right), in Excel's header/footer codes.
PAPER_A4 = 9
FOOTER_LEFT = "&A"
FOOTER_RIGHT = "&P / &N"


def header_right(column: OutputColumn) -> bool:
    """A header sits right, over its figures, unless its column holds text."""
    return column.kind != "text"


def footer_centre(text: str) -> str:
    """The table's footer text as a footer section (a literal '&' doubled)."""
    return text.replace("&", "&&")


MAX_CELL_CHARS = 32767
ROW_HEIGHT = 15  # points per line of text, the sheets' default row height
#: The smallest print scale a sheet is shrunk to on one page wide; a wider sheet prints over
#: several pages wide instead (at 27% an 11-point figure prints 3 points tall).
PRINT_MIN_SCALE = 0.55
#: Landscape A4 less the 0.5-inch side margins, in screen pixels (96 per inch).
PRINT_WIDTH_PIXELS = (11.69 - 1.0) * 96
_EMPTY_COLUMN_WIDTH = 8.43         # a spreadsheet's default column width, beside the table (charts)
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
#: Chunks of rows rendered side by side (this machine and most laptops have 2+ cores).
RENDER_THREADS = 2

_LS = pa.large_string()
#: The characters XML 1.0 forbids, written as Excel's escape _xHHHH_ (uppercase hex): as a Python
#: character class, the set of them, and the class in RE2's syntax (Arrow's kernels).
_FORBIDDEN_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_FORBIDDEN_XML = frozenset(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
_FORBIDDEN_XML_PY = re.compile(f"[{_FORBIDDEN_CLASS}]")
_FORBIDDEN_RE2 = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{fffe}\\x{ffff}"
_FORBIDDEN_XML_RE2 = f"[{_FORBIDDEN_RE2}]"
_SURROGATE_PY = re.compile("[\ud800-\udfff]")   # half of a pair: not text UTF-8 can hold
#: A literal _xHHHH_, or _xHHHH before a forbidden character (whose escape would close it): readers
#: would decode it, so its '_' is written _x005F_.  The lookahead leaves the closing '_' free to open
#: the next one ("_x0001_x0001_"); RE2 has none, so Arrow only finds the rows (`_ESCAPE_X_RE2`).
_LITERAL_ESCAPE_PY = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}[_{_FORBIDDEN_CLASS}])")
_ESCAPE_X_RE2 = f"_x[0-9A-Fa-f]{{4}}[_{_FORBIDDEN_RE2}]"
_NEEDS_PRESERVE_RE = r"^\s|\s$|\s\s|[\t\n\r]"
_HEX_RE = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


_DEFAULT_WIDTH = {"text": 10.0, "int": 10.0, "money": 15.0, "date": 11.0,
                  "percent": 9.0, "decimal": 11.0, "figure": 13.0}


class CellStyle(NamedTuple):
    """What a generated cell needs from styles.xml (mapped to a cellXfs index)."""

    num_format: str | None  # format code; None = General
    fill: str | None  # ARGB like "FFFFF2CC"; None = no fill
    bold: bool = False
    wrap: bool = False  # wrap long text within the cell
    right: bool = False  # aligned right (a figure column's header, over its figures)


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, _LS)


def normalize_fill(value: object) -> str | None:
    """'FFF2CC' / '#fff2cc' / 'FFFFF2CC' -> 'FFFFF2CC'; None/NA/'' -> None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    if not text:
        return None
    m = _HEX_RE.match(text)
    if not m:
        raise ValueError(f"invalid fill colour {value!r}: expected hex RGB such as 'FFF2CC'")
    hexpart = m.group(1).upper()
    return hexpart if len(hexpart) == 8 else "FF" + hexpart


def validate_sheet_name(name: str) -> None:
    """Raise ValueError if Excel would refuse `name` as a sheet name."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("sheet name must be a non-empty string")
    if len(name) > 31:
        raise ValueError(f"sheet name {name!r} is longer than 31 characters")
    if _BAD_SHEET_CHARS.search(name):
        raise ValueError(f"sheet name {name!r} contains one of []:*?/\\")
    if name.startswith("'") or name.endswith("'"):
        raise ValueError(f"sheet name {name!r} starts or ends with an apostrophe")
    if name.casefold() == "history":
        raise ValueError("'History' is a reserved sheet name")


def _column_pixels(width: float) -> float:
    """A column's width on screen: `width` characters of Calibri 11 (7 pixels) plus 5 of padding."""
    return width * 7 + 5


def _cap_utf16(text: str) -> str:
    """`text` cut to Excel's cell limit, counted in UTF-16 units (a character beyond U+FFFF takes
    two), without leaving half of a pair."""
    if len(text) * 2 <= MAX_CELL_CHARS:
        return text
    units = text.encode("utf-16-le")
    if len(units) // 2 <= MAX_CELL_CHARS:
        return text
    return units[:MAX_CELL_CHARS * 2].decode("utf-16-le", errors="ignore")


def _control_escape(character: str) -> str:
    return f"_x{ord(character):04X}_"


def xstring_xml(text: str) -> str:
    """One string as cell text, the way `_text_values` writes a column (headers, footers, and the
    cached strings of charts, also Excel's escaped strings)."""
    text = _cap_utf16(_SURROGATE_PY.sub("", text))
    text = _LITERAL_ESCAPE_PY.sub("_x005F_", text)
    text = _FORBIDDEN_XML_PY.sub(lambda match: _control_escape(match.group()), text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _positional(series: pd.Series | None, n: int, what: str) -> np.ndarray | None:
    if series is None:
        return None
    values = series.to_numpy(dtype=object) if isinstance(series, pd.Series) else np.asarray(series, dtype=object)
    if len(values) != n:
        raise ValueError(f"{what} has {len(values)} entries, the frame has {n} rows")
    return values


def _fill_codes(values: np.ndarray, fills: list[str], index: dict[str, int], missing: int) -> np.ndarray:
    """Per-row fill code (1-based into `fills`); `missing` where no fill is set."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=np.int32)
    table[-1] = missing  # sentinel -1 indexes the last slot
    for k, raw in enumerate(uniques):
        argb = normalize_fill(raw)
        if argb is None:
            table[k] = missing
        else:
            if argb not in index:
                fills.append(argb)
                index[argb] = len(fills)
            table[k] = index[argb]
    return table[codes]


# ---------------------------------------------------------------- value conversion
def _as_int64(series: pd.Series, what: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(values, na_mask) as int64, or None when the values don't fit int64."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        mask = series.isna().to_numpy()
        return series.fillna(False).to_numpy(dtype=np.int64), mask
    if pd.api.types.is_integer_dtype(dtype):
        mask = series.isna().to_numpy()
        if mask.any():
            return series.to_numpy(dtype=np.int64, na_value=0), mask
        return series.to_numpy(dtype=np.int64), mask
    if pd.api.types.is_float_dtype(dtype):
        arr = series.to_numpy(dtype=np.float64, na_value=np.nan)
        mask = ~np.isfinite(arr)
        if np.isinf(arr).any():
            raise ValueError(f"{what}: infinite value")
        vals = np.where(mask, 0.0, arr)
        if not np.array_equal(vals, np.floor(vals)):
            bad = arr[~mask & (vals != np.floor(vals))][0]
            raise ValueError(f"{what}: expected whole numbers, got {bad!r}")
        if np.abs(vals).max(initial=0.0) >= 2.0**63:
            return None
        return vals.astype(np.int64), mask
    # object / anything else: validate per value (only small frames take this path)
    values = series.to_numpy(dtype=object)
    out = np.zeros(len(values), dtype=np.int64)
    mask = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            mask[i] = True
            continue
        try:
            iv = int(v)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: expected an integer, got {v!r}") from None
        if iv != v:
            raise ValueError(f"{what}: expected an integer, got {v!r}")
        if not -(2**63) <= iv < 2**63:
            return None
        out[i] = iv
    return out, mask


def _big_int_strings(series: pd.Series, money: bool, what: str) -> pa.Array:
    """Slow exact path for integers beyond int64 (Python ints)."""
    out: list[str | None] = []
    for v in series.to_numpy(dtype=object):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
            continue
        iv = int(v)
        if iv != v:
            raise ValueError(f"{what}: expected an integer, got {v!r}")
        if money:
            q, r = divmod(abs(iv), 100)
            out.append(f"{'-' if iv < 0 else ''}{q}.{r:02d}")
        else:
            out.append(str(iv))
    return pa.array(out, type=_LS)


def _money_strings(values: np.ndarray, mask: np.ndarray) -> pa.Array:
    """Fen as yuan text ('-1234.05'), exact: the fen are laid out as the 128-bit integers of
    Arrow decimals with two places (low word, then the sign-extended high word), whose text
    Arrow writes in one cast."""
    words = np.empty(2 * len(values), dtype=np.int64)
    words[0::2] = values
    words[1::2] = values >> 63
    validity = pa.array(~mask).buffers()[1] if mask.any() else None
    yuan = pa.Array.from_buffers(pa.decimal128(38, 2), len(values), [validity, pa.py_buffer(words)])
    return yuan.cast(_LS)


def _float_strings(series: pd.Series, what: str) -> pa.Array:
    try:
        arr = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: expected numbers") from None
    mask = ~np.isfinite(arr)
    return pa.array(np.where(mask, 0.0, arr), mask=mask).cast(_LS)


def _to_arrow_text(series: pd.Series) -> pa.Array:
    try:
        arr = pa.array(series, type=_LS, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        out = []
        for v in series.to_numpy(dtype=object):
            if v is None or (not isinstance(v, (str, bytes)) and _scalar_isna(v)):
                out.append(None)
            else:
                text = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                out.append(_SURROGATE_PY.sub("", text))
        arr = pa.array(out, type=_LS)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def _scalar_isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


_BYTE_CLASS = np.zeros(256, dtype=np.uint8)
_BYTE_CLASS[:0x20] |= 1  # control characters (incl. tab/newline)
_BYTE_CLASS[[0x26, 0x3C, 0x3E]] |= 2  # & < >
_BYTE_CLASS[0x5F] |= 4  # _ (possible _xHHHH_)
_BYTE_CLASS[0xEF] |= 8  # lead byte of U+F000..U+FFFF (U+FFFE/U+FFFF are forbidden)
_BYTE_CLASS[0x0D] |= 16  # carriage return
_BYTE_CLASS[[byte for byte in range(0x20) if byte not in (0x09, 0x0A, 0x0D)]] |= 32  # forbidden controls
_WS = np.zeros(256, dtype=bool)
_WS[[0x20, 0x09, 0x0A, 0x0D]] = True


def _has_noncharacter(data: np.ndarray) -> bool:
    """Whether UTF-8 bytes hold U+FFFE or U+FFFF (EF BF BE / EF BF BF)."""
    lead = np.flatnonzero(data[:-2] == 0xEF)
    return bool(((data[lead + 1] == 0xBF) & (data[lead + 2] >= 0xBE)).any())


def _utf8_view(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(data bytes, value offsets rebased to `data`) of a large_string array."""
    bufs = arr.buffers()
    offs = np.frombuffer(bufs[1], dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    if bufs[2] is None:
        return np.zeros(0, dtype=np.uint8), offs - offs[0]
    data = np.frombuffer(bufs[2], dtype=np.uint8)[int(offs[0]):int(offs[-1])]
    return data, offs - offs[0]


def _escape_forbidden(arr: pa.Array, rows: pa.Array) -> pa.Array:
    """`arr` with each character XML 1.0 forbids written _xHHHH_, in the `rows` that hold one:
    those rows are taken out and one replace runs per forbidden character they contain."""
    dirty = arr.filter(rows)
    data, _ = _utf8_view(dirty)
    present = {chr(byte) for byte in np.unique(data[data < 0x20]).tolist()}
    lead = np.flatnonzero((data[:-2] == 0xEF) & (data[1:-1] == 0xBF))       # U+FFC0..U+FFFF
    present |= {chr(0xFFC0 + (byte & 0x3F)) for byte in np.unique(data[lead + 2]).tolist()}
    for character in sorted(present & _FORBIDDEN_XML):
        dirty = pc.replace_substring(dirty, character, _control_escape(character))
    return pc.replace_with_mask(arr, rows, dirty)


def _text_values(series: pd.Series) -> tuple[pa.Array, pa.Array | None]:
    """Escaped text values (nulls for empty) and a per-value 'needs xml:space' mask or None.

    The raw UTF-8 buffer is scanned once with a byte-class table so the costly
    regex passes only run on columns that contain the characters they handle.
    The escapes go in this order: a literal _xHHHH_ first, then the forbidden characters
    (whose own _xHHHH_ must stay as written), then & < >, whose entities a carriage
    return's &#13; must not be caught by.
    """
    arr = _to_arrow_text(series)
    if len(arr) == 0:
        return arr, None
    data, offs = _utf8_view(arr)
    bits = int(np.bitwise_or.reduce(_BYTE_CLASS[data])) if len(data) else 0
    forbidden_rows = None
    if bits & 32 or bits & 8 and _has_noncharacter(data):
        forbidden_rows = pc.fill_null(pc.match_substring_regex(arr, _FORBIDDEN_XML_RE2), False)
        if not pc.any(forbidden_rows).as_py():
            forbidden_rows = None
    lengths = pc.binary_length(arr)
    if (pc.max(lengths).as_py() or 0) > MAX_CELL_CHARS:      # UTF-16 units never outnumber UTF-8 bytes
        long = pc.greater(lengths, MAX_CELL_CHARS)
        capped = pa.array([_cap_utf16(text) for text in arr.filter(long).to_pylist()], type=_LS)
        arr = pc.replace_with_mask(arr, pc.fill_null(long, False), capped)
        lengths = pc.binary_length(arr)
    if bits & 4:
        literal_rows = pc.fill_null(pc.match_substring_regex(arr, _ESCAPE_X_RE2), False)
        if pc.any(literal_rows).as_py():           # rare: a few rows, one Python call each
            escaped = [_LITERAL_ESCAPE_PY.sub("_x005F_", text) for text in arr.filter(literal_rows).to_pylist()]
            arr = pc.replace_with_mask(arr, literal_rows, pa.array(escaped, type=_LS))
    if forbidden_rows is not None:
        arr = _escape_forbidden(arr, forbidden_rows)
    if bits & 2:
        arr = pc.replace_substring(arr, "&", "&amp;")
        arr = pc.replace_substring(arr, "<", "&lt;")
        arr = pc.replace_substring(arr, ">", "&gt;")
    if bits & 16:
        arr = pc.replace_substring(arr, "\r", "&#13;")     # a raw CR would reach readers as a line feed
    empty = pc.equal(lengths, 0)
    if pc.any(empty).as_py():
        arr = pc.if_else(empty, pa.scalar(None, _LS), arr)
    # xml:space="preserve" only where leading/trailing/double whitespace or tab/newline occurs
    preserve = None
    data, offs = _utf8_view(arr)
    if len(data):
        starts, ends = offs[:-1], offs[1:]
        nonempty = ends > starts
        edge_ws = _WS[data[starts[nonempty]]].any() or _WS[data[ends[nonempty] - 1]].any()
        if edge_ws or bits & 1 or ((data[:-1] == 0x20) & (data[1:] == 0x20)).any():
            preserve = pc.fill_null(pc.match_substring_regex(arr, _NEEDS_PRESERVE_RE), False)
            if not pc.any(preserve).as_py():
                preserve = None
    return arr, preserve


def _joined_bytes(arr: pa.Array) -> memoryview:
    """The concatenation of all values of a null-free large_string array, zero-copy."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:
        raise AssertionError("row XML must not contain nulls")
    bufs = arr.buffers()
    if len(arr) == 0 or bufs[2] is None:
        return memoryview(b"")
    offs = np.frombuffer(bufs[1], dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    return memoryview(bufs[2])[int(offs[0]):int(offs[-1])]


class _RowRefs:
    """The sheet row numbers of one chunk, to be wrapped in literal text without a kernel call.

    `binary_join_element_wise` costs about as much per literal argument as per array, and every
    cell reference used to take three (`<c r="B` + row + `" s="3"><v>`).  Consecutive row numbers
    come in runs of equal digit count, each a fixed-width byte matrix, so `wrap` lays out
    prefix|digits|suffix with numpy and hands Arrow the buffers: one argument instead of three.
    """

    def __init__(self, first: int, count: int) -> None:
        numbers = pa.array(np.arange(first, first + count, dtype=np.int64)).cast(_LS)
        data, offsets = _utf8_view(numbers)
        widths = np.diff(offsets)
        cuts = [0, *(np.flatnonzero(np.diff(widths)) + 1).tolist(), count]
        self.count = count
        self.runs = [data[offsets[a]:offsets[b]].reshape(b - a, int(widths[a])) for a, b in zip(cuts, cuts[1:])]

    def wrap(self, prefix: str, suffix: str) -> pa.Array:
        """prefix + row number + suffix, for every row."""
        head, tail = prefix.encode(), suffix.encode()
        widths = [len(head) + digits.shape[1] + len(tail) for digits in self.runs]
        data = np.empty(sum(len(digits) * width for digits, width in zip(self.runs, widths)), dtype=np.uint8)
        offsets = np.empty(self.count + 1, dtype=np.int64)
        offsets[0] = row = start = 0
        for digits, width in zip(self.runs, widths):
            count, size = len(digits), digits.shape[1]
            # whole records (numpy 'V' items) copy as one memcpy each: far faster than byte columns
            block = data[start:start + count * width].view(f"V{width}")
            block[:] = np.frombuffer(head + b"0" * size + tail, dtype=f"V{width}")[0]
            field = np.dtype({"names": ["d"], "formats": [f"V{size}"], "offsets": [len(head)], "itemsize": width})
            block.view(field)["d"] = digits.reshape(-1).view(f"V{size}")
            offsets[row + 1:row + count + 1] = np.arange(start + width, start + (count + 1) * width, width)
            row, start = row + count, start + count * width
        return pa.Array.from_buffers(_LS, self.count, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


_pools: dict[int, ThreadPoolExecutor] = {}


def _render_pool() -> ThreadPoolExecutor:
    """The threads that render chunks, kept for the process (per pid: a forked child makes its own).

    Arrow's allocator keeps freed memory per thread, so fresh threads for every sheet let the
    process grow with each save; the same few threads reuse what they freed.
    """
    pool = _pools.get(os.getpid())
    if pool is None:
        pool = _pools[os.getpid()] = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="sheet-xml")
    return pool


#: Stands in a piece list for the row number, wrapped with its neighbouring literals by `_RowRefs`.
_ROW = object()


# ---------------------------------------------------------------- the sheet
class SheetXml:
    """Validated, pre-converted form of one `OutputTable`, ready to stream as XML."""

    def __init__(self, table: OutputTable, *, date1904: bool = False) -> None:
        validate_sheet_name(table.name)
        frame = table.frame
        ncols = len(table.columns)
        if frame.shape[1] != ncols:
            raise ValueError(
                f"table {table.name!r}: frame has {frame.shape[1]} columns, {ncols} OutputColumns given")
        if ncols > MAX_COLS:
            raise ValueError(f"table {table.name!r}: {ncols} columns exceed Excel's {MAX_COLS}")
        nrows = len(frame)
        if nrows + 1 > MAX_ROWS:
            raise ValueError(f"table {table.name!r}: {nrows} rows exceed Excel's {MAX_ROWS - 1} data rows")
        for col in table.columns:
            if col.kind not in NUMBER_FORMATS:
                raise ValueError(f"table {table.name!r}: unknown column kind {col.kind!r}")
        self.table = table
        self._widths: list[float] | None = None      # column widths, measured once when first asked
        self._pages_wide: int | None = None
        self.name = table.name
        self.nrows = nrows
        self.ncols = ncols
        self.date1904 = date1904
        self.letters = [column_letter(j + 1) for j in range(ncols)]
        self.last_row = nrows + 1
        last_col = self.letters[-1] if ncols else "A"
        self.ref = f"A1:{last_col}{self.last_row}" if ncols else "A1"

        # fills: code 0 = none, k >= 1 -> self.fills[k-1]
        self.fills: list[str] = []
        index: dict[str, int] = {}
        row_vals = _positional(table.row_fills, nrows, "row_fills")
        row_codes = _fill_codes(row_vals, self.fills, index, 0) if row_vals is not None else None
        self._codes: list[np.ndarray | None] = [row_codes] * ncols
        for j, series in (table.cell_fills or {}).items():
            if not isinstance(j, (int, np.integer)) or not 0 <= j < ncols:
                raise ValueError(f"table {table.name!r}: cell_fills key {j!r} is not a column position")
            vals = _positional(series, nrows, f"cell_fills[{j}]")
            cell = _fill_codes(vals, self.fills, index, -1)
            base = row_codes if row_codes is not None else np.zeros(nrows, dtype=np.int32)
            self._codes[int(j)] = np.where(cell >= 0, cell, base).astype(np.int32)
        self._used_codes: list[list[int]] = []
        cache: dict[int, list[int]] = {}
        for codes in self._codes:
            if codes is None:
                self._used_codes.append([0])
            else:
                key = id(codes)
                if key not in cache:
                    cache[key] = [int(c) for c in np.unique(codes)] if len(codes) else [0]
                self._used_codes.append(cache[key])

        # numeric columns are converted (and validated) up front
        self._prepared: list[object] = []
        for j, col in enumerate(table.columns):
            series = frame.iloc[:, j]
            what = f"table {table.name!r} column {col.header!r}"
            if col.kind in ("int", "money"):
                conv = _as_int64(series, what)
                self._prepared.append(conv if conv is not None else _big_int_strings(series, col.kind == "money", what))
            elif col.kind == "date":
                self._prepared.append(dates_to_serials(series, date1904, what).cast(_LS))
            elif col.kind in ("percent", "decimal", "figure"):
                self._prepared.append(_float_strings(series, what))
            else:
                self._prepared.append(None)  # text: converted chunk by chunk

    # ------------------------------------------------------------ styles
    def header_style(self, j: int) -> CellStyle:
        """Column j's header cell: bold on the header fill, aligned right over a column of figures
        (a long header left-aligned over right-aligned figures reads as the next column's)."""
        return CellStyle(None, HEADER_FILL, True, False, header_right(self.table.columns[j]))

    def _style(self, j: int, code: int) -> CellStyle:
        column = self.table.columns[j]
        return CellStyle(NUMBER_FORMATS[column.kind], self.fills[code - 1] if code else None, False, column.wrap)

    def styles_needed(self) -> set[CellStyle]:
        needed = set()
        for j in range(self.ncols):
            needed.add(self.header_style(j))
            for code in self._used_codes[j]:
                needed.add(self._style(j, code))
        return needed

    # ------------------------------------------------------------ layout
    def pages_wide(self) -> int:
        """How many pages wide the sheet prints: one, unless its columns and the charts beside them
        would then print below `PRINT_MIN_SCALE`; each page also repeats the title columns."""
        if self._pages_wide is None:
            widths = [_column_pixels(w) for w in self.column_widths()]
            right = max((chart.anchor[2] for chart in self.table.charts), default=0)
            widths += [_column_pixels(_EMPTY_COLUMN_WIDTH)] * max(0, right - len(widths))
            titles = sum(widths[:self.table.print_title_columns])
            room = PRINT_WIDTH_PIXELS / PRINT_MIN_SCALE - titles
            self._pages_wide = max(1, -(-int(sum(widths) - titles) // int(room)))
        return self._pages_wide

    def title_columns_ref(self) -> str:
        """The columns every printed page repeats ('$A:$C'): the table's title columns when the sheet
        prints over several pages wide, else none ('')."""
        titles = min(self.table.print_title_columns, self.ncols)
        return f"$A:${self.letters[titles - 1]}" if titles and self.pages_wide() > 1 else ""

    def column_widths(self) -> list[float]:
        """Each column's width in characters: its fixed width, else as wide as its header and the
        first 2,000 values (measured once per sheet)."""
        if self._widths is None:
            self._widths = self._measure_widths()
        return list(self._widths)

    def _measure_widths(self) -> list[float]:
        widths = []
        sample_n = min(self.nrows, 2000)
        for j, col in enumerate(self.table.columns):
            if col.width is not None:
                widths.append(float(col.width))
                continue
            header_w = display_width(str(col.header)) + (3.0 if self.table.autofilter else 1.0)
            body_w = _DEFAULT_WIDTH[col.kind]
            if col.kind == "text" and sample_n:
                arr = _to_arrow_text(self.table.frame.iloc[:sample_n, j])
                chars = pc.utf8_length(arr)
                nbytes = pc.binary_length(arr)
                # 3-byte UTF-8 characters (CJK) are displayed about twice as wide
                wide = pc.divide(pc.subtract(nbytes, chars), 2)
                w = pc.max(pc.add(chars, wide)).as_py()
                if w is not None:
                    body_w = max(body_w, float(w) + 1.0)
            elif col.kind == "money":
                prepared = self._prepared[j]
                if isinstance(prepared, tuple):
                    vals = prepared[0][:sample_n] if sample_n else prepared[0][:0]
                    big = int(np.abs(vals).max(initial=0)) // 100
                    digits = len(str(big))
                    body_w = max(body_w, digits + (digits - 1) // 3 + 5.0)
            widths.append(round(min(max(header_w, body_w), 60.0), 2))
        return widths

    def _head(self, xf: Mapping[CellStyle, int], tab_selected: bool) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="{self.ref}"/>',
            "<sheetViews><sheetView",
            ' tabSelected="1"' if tab_selected else "",
            ' workbookViewId="0">',
        ]
        if self.table.freeze_header:
            parts.append('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                         '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
        parts.append(f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="{ROW_HEIGHT}"/>')
        if self.ncols:
            parts.append("<cols>")
            for j, w in enumerate(self.column_widths()):
                parts.append(f'<col min="{j + 1}" max="{j + 1}" width="{w:g}" customWidth="1"/>')
            parts.append("</cols>")
        parts.append("<sheetData>")
        if self.ncols:
            parts.append('<row r="1">')
            for j, (letter, col) in enumerate(zip(self.letters, self.table.columns)):
                hs = xf[self.header_style(j)]
                text = xstring_xml(str(col.header))
                if text:
                    parts.append(f'<c r="{letter}1" s="{hs}" t="inlineStr"><is><t xml:space="preserve">'
                                 f"{text}</t></is></c>")
                else:
                    parts.append(f'<c r="{letter}1" s="{hs}"/>')
            parts.append("</row>")
        return "".join(parts).encode("utf-8")

    def _tail(self, drawing_rel: str | None = None) -> bytes:
        """The end of the sheet; `drawing_rel` is the relationship id of the sheet's drawing (charts)."""
        parts = ["</sheetData>"]
        pages_wide = self.pages_wide()
        # several pages wide: a row's pages follow each other (Excel's default goes down first)
        order = ' pageOrder="overThenDown"' if pages_wide > 1 else ""
        if self.table.autofilter and self.ncols:
            parts.append(f'<autoFilter ref="{self.ref}"/>')
        parts.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" footer="0.3"/>'
                     f'<pageSetup paperSize="{PAPER_A4}"{order} orientation="landscape" fitToWidth="{pages_wide}" '
                     'fitToHeight="0"/>'
                     f"<headerFooter><oddFooter>{xstring_xml(self.footer_codes())}</oddFooter></headerFooter>")
        if drawing_rel:
            parts.append(f'<drawing r:id="{drawing_rel}"/>')
        parts.append("</worksheet>")
        return "".join(parts).encode("utf-8")

    def footer_codes(self) -> str:
        """The printed footer: sheet name on the left, the table's footer text in the centre
        (a literal '&' doubled), page / pages on the right."""
        return f"&L{FOOTER_LEFT}&C{footer_centre(self.table.footer)}&R{FOOTER_RIGHT}"

    # ------------------------------------------------------------ body
    def _values(self, j: int, a: int, b: int) -> tuple[pa.Array, pa.Array | None]:
        kind = self.table.columns[j].kind
        prepared = self._prepared[j]
        if kind == "text":
            return _text_values(self.table.frame.iloc[a:b, j])
        if isinstance(prepared, tuple):
            vals, mask = prepared[0][a:b], prepared[1][a:b]
            if kind == "money":
                return _money_strings(vals, mask), None
            return pa.array(vals, mask=mask).cast(_LS), None
        return prepared.slice(a, b - a), None

    def _mid_strings(self, j: int, xf: Mapping[CellStyle, int], preserve: bool) -> list[str]:
        """Per fill code: the text between the row number and the value of a cell."""
        text = self.table.columns[j].kind == "text"
        used = self._used_codes[j]
        out = []
        for code in range(len(self.fills) + 1):
            s = xf[self._style(j, code)] if code in used else 0
            if text:
                space = ' xml:space="preserve"' if preserve else ""
                out.append(f'" s="{s}" t="inlineStr"><is><t{space}>')
            else:
                out.append(f'" s="{s}"><v>')
        return out

    def _column_pieces(self, j: int, refs: _RowRefs, a: int, b: int,
                       xf: Mapping[CellStyle, int]) -> list[object]:
        """The pieces of column j's cells for one chunk, to be joined element-wise.

        Pieces are literal strings, `_ROW` (the row number) or per-row arrays; they never
        contain nulls (a null anywhere would null the whole row in the final join).
        """
        letter = self.letters[j]
        close = "</t></is></c>" if self.table.columns[j].kind == "text" else "</v></c>"
        vals, preserve = self._values(j, a, b)
        codes = self._codes[j]
        used = self._used_codes[j]
        uniform = codes is None or len(used) == 1
        if uniform and not used[0] and vals.null_count == len(vals):
            return []  # nothing but unstyled empty cells: none written
        plain = self._mid_strings(j, xf, False)
        keep = self._mid_strings(j, xf, True) if preserve is not None else None
        if uniform:
            code = used[0]
            mid: str | pa.Array = plain[code]
            if preserve is not None:
                mid = pc.if_else(preserve, _s(keep[code]), _s(plain[code]))
        else:
            idx = pa.array(codes[a:b])
            mid = pc.take(pa.array(plain, type=_LS), idx)
            if preserve is not None:
                mid = pc.if_else(preserve, pc.take(pa.array(keep, type=_LS), idx), mid)
        if not vals.null_count:
            return [f'<c r="{letter}', _ROW, mid, vals, close]

        if isinstance(mid, str):
            cells = pc.binary_join_element_wise(refs.wrap(f'<c r="{letter}', mid), vals, _s(close), _s(""))
        else:
            cells = pc.binary_join_element_wise(refs.wrap(f'<c r="{letter}', ""), mid, vals, _s(close), _s(""))
        if uniform:
            code = used[0]
            if code:
                return [pc.coalesce(cells, refs.wrap(f'<c r="{letter}', f'" s="{xf[self._style(j, code)]}"/>'))]
            return [pc.coalesce(cells, _s(""))]
        empties = [None] + [
            f'" s="{xf[self._style(j, code)]}"/>' if code in used else None
            for code in range(1, len(self.fills) + 1)
        ]
        empty = pc.binary_join_element_wise(
            refs.wrap(f'<c r="{letter}', ""), pc.take(pa.array(empties, type=_LS), idx), _s(""))
        return [pc.coalesce(cells, empty, _s(""))]

    def _row_heights(self, a: int, b: int) -> str | pa.Array:
        """Row attributes giving rows a height for the lines of their wrapped text ('' for one line).

        Readers keep the default height on open, so without it wrapped text stays cut off."""
        wrapped = [j for j, column in enumerate(self.table.columns) if column.wrap and column.kind == "text"]
        if not wrapped:
            return ""
        widths = self.column_widths()
        lines = np.ones(b - a, dtype=np.int64)
        for j in wrapped:
            arr = _to_arrow_text(self.table.frame.iloc[a:b, j])
            chars = pc.utf8_length(arr)
            shown = pc.add(chars, pc.divide(pc.subtract(pc.binary_length(arr), chars), 2))  # CJK count double
            per_line = max(widths[j] - 1.0, 1.0)
            need = np.ceil(pc.fill_null(shown, 0).to_numpy(zero_copy_only=False) / per_line).astype(np.int64)
            lines = np.maximum(lines, need)
        counts, which = np.unique(lines, return_inverse=True)      # a few distinct line counts
        if counts[-1] == 1:
            return ""
        attributes = ["" if n == 1 else f' ht="{n * ROW_HEIGHT}" customHeight="1"' for n in counts.tolist()]
        return pc.take(pa.array(attributes, type=_LS), pa.array(which.astype(np.int32)))

    def chunk_rows(self) -> int:
        """Rows per chunk: about 375,000 cells (~15 MB of XML), so the chunks being rendered
        side by side and the one being deflated stay within the 1M-row run's memory budget."""
        return max(1024, min(65536, 375_000 // max(self.ncols, 1)))

    def _chunk(self, a: int, b: int, xf: Mapping[CellStyle, int]) -> memoryview:
        """The XML of data rows a..b-1 (0-based), as one zero-copy buffer."""
        refs = _RowRefs(a + 2, b - a)
        pieces: list[object] = ['<row r="', _ROW, '"', self._row_heights(a, b), '>']
        for j in range(self.ncols):
            pieces.extend(self._column_pieces(j, refs, a, b, xf))
        pieces.append("</row>")
        merged: list[object] = []
        for piece in pieces:  # merge adjacent literals: fewer kernel arguments
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            elif not (isinstance(piece, str) and not piece):
                merged.append(piece)
        args: list[pa.Scalar | pa.Array] = []
        i = 0
        while i < len(merged):  # each row number with the literals either side of it: one array
            piece = merged[i]
            if piece is _ROW:
                prefix = ""
                if args and isinstance(args[-1], pa.Scalar):
                    prefix = args.pop().as_py()
                suffix = ""
                if i + 1 < len(merged) and isinstance(merged[i + 1], str):
                    suffix = merged[i + 1]
                    i += 1
                args.append(refs.wrap(prefix, suffix))
            else:
                args.append(_s(piece) if isinstance(piece, str) else piece)
            i += 1
        args.append(_s(""))  # separator
        return _joined_bytes(pc.binary_join_element_wise(*args))

    def render(self, xf: Mapping[CellStyle, int], *, tab_selected: bool = False,
               chunk_rows: int | None = None, drawing_rel: str | None = None) -> Iterator[bytes | memoryview]:
        """Yield the worksheet XML in pieces (bytes or zero-copy memoryviews).

        Chunks are rendered RENDER_THREADS at a time (Arrow's kernels release the GIL) and
        yielded in order; at most that many are rendered or waiting beside the one yielded.
        """
        missing = self.styles_needed() - set(xf)
        if missing:
            raise KeyError(f"no cell style index for {sorted(missing, key=repr)[:3]}")
        yield self._head(xf, tab_selected)
        if self.ncols and self.nrows:
            step = chunk_rows or self.chunk_rows()
            bounds = [(a, min(self.nrows, a + step)) for a in range(0, self.nrows, step)]
            if len(bounds) == 1:
                yield self._chunk(*bounds[0], xf)
            else:
                pool = _render_pool()
                ahead: deque[Future[memoryview]] = deque()
                try:
                    for a, b in bounds:
                        ahead.append(pool.submit(self._chunk, a, b, xf))
                        if len(ahead) >= RENDER_THREADS:
                            yield ahead.popleft().result()
                    while ahead:
                        yield ahead.popleft().result()
                finally:
                    for future in ahead:
                        future.cancel()
                    for future in ahead:
                        if not future.cancelled():
                            future.exception()  # wait: no chunk keeps running after the sheet is done
        yield self._tail(drawing_rel)

    def to_bytes(self, xf: Mapping[CellStyle, int], *, tab_selected: bool = False) -> bytes:
        """The whole sheet XML at once (tests and small tables)."""
        return b"".join(bytes(p) for p in self.render(xf, tab_selected=tab_selected))
