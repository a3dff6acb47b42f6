"""sheet_xml: cell encoding rules of the generated worksheet XML."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from xlsx_tools.core.tables import CellRange, ChartSeries, OutputChart, OutputColumn, OutputTable
from xlsx_tools.io.xlsx.sheet_xml import CellStyle, SheetXml, _RowRefs, normalize_fill
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile
from tests.workbooks import write_workbook

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def render(table: OutputTable, **kw) -> etree._Element:
    sheet = SheetXml(table, date1904=kw.pop("date1904", False))
    xf = {style: i for i, style in enumerate(sorted(sheet.styles_needed(), key=repr), start=1)}
    return etree.fromstring(sheet.to_bytes(xf, **kw))


def one_column(values, kind: str, **kw) -> OutputTable:
    return OutputTable("T", (OutputColumn("H", kind),), pd.DataFrame({"v": values}), **kw)


def cell_values(root: etree._Element) -> dict[str, str | None]:
    """r -> <v> text or inline string text (rows > 1)."""
    out = {}
    for c in root.iterfind(".//m:sheetData/m:row/m:c", NS):
        if c.get("r").endswith("1") and c.getparent().get("r") == "1":
            continue
        v = c.find("m:v", NS)
        t = c.find("m:is/m:t", NS)
        out[c.get("r")] = v.text if v is not None else (t.text if t is not None else None)
    return out


def test_money__fen_become_exact_decimal_text_with_integer_arithmetic() -> None:
    rng = np.random.default_rng(5)
    fen = np.concatenate([rng.integers(-10**15, 10**15, 2000), [0, 1, -1, 99, -99, 100, -100, 2**62, -(2**62), 2**63 - 1, -(2**63)]])
    root = render(one_column(pd.array(fen, dtype="Int64"), "money"))
    got = cell_values(root)
    for i, value in enumerate(fen.tolist()):
        q, r = divmod(abs(value), 100)
        assert got[f"A{i + 2}"] == f"{'-' if value < 0 else ''}{q}.{r:02d}"


def test_money__accepts_object_and_float_fen_and_rejects_fractions() -> None:
    got = cell_values(render(one_column(pd.Series([123457, None, 10**20 + 1], dtype=object), "money")))
    assert got == {"A2": "1234.57", "A4": "1000000000000000000.01"}
    got = cell_values(render(one_column([5.0, np.nan, -105.0], "money")))
    assert got == {"A2": "0.05", "A4": "-1.05"}
    with pytest.raises(ValueError, match="whole numbers"):
        SheetXml(one_column([1.5], "money"))


def test_floats__written_text_reads_back_as_the_same_double() -> None:
    rng = np.random.default_rng(9)
    values = np.concatenate([rng.random(500), rng.normal(0, 1e6, 500), 10.0 ** rng.integers(-300, 300, 200),
                             [0.1 + 0.2, 1 / 3, -0.0, 5e-324, 1e16]])
    got = cell_values(render(one_column(values, "decimal")))
    for i, value in enumerate(values.tolist()):
        assert float(got[f"A{i + 2}"]) == value
    got = cell_values(render(one_column([np.nan, np.inf, 0.5], "percent")))
    assert got == {"A4": "0.5"}


def test_dates__excel_serials_in_both_date_systems() -> None:
    dates = pd.to_datetime(["1900-01-01", "1900-02-28", "1900-03-01", "2026-11-28", None, "2026-11-28 18:00"],
                           format="ISO8601")
    got = cell_values(render(one_column(dates, "date")))
    assert got == {"A2": "1", "A3": "59", "A4": "61", "A5": "46354", "A7": "46354.75"}
    got = cell_values(render(one_column([dt.date(1904, 1, 2), dt.date(2026, 11, 28)], "date"), date1904=True))
    assert got == {"A2": "1", "A3": str(46354 - 1462)}


def test_text__escaped_and_never_a_formula() -> None:
    values = ["=1+1", "a&b<c>d\"e'", "bad\x00\x08\x0b\x1f\ufffechars", "_x0041_", " lead", "trail ", "a  b",
              "tab\there", "line\nbreak", "", None, "中文（全角）", "x" * 40000]
    root = render(one_column(pd.Series(values, dtype=object), "text"))
    cells = {c.get("r"): c for c in root.iterfind(".//m:sheetData/m:row/m:c", NS)}
    texts = {r: c.find("m:is/m:t", NS).text for r, c in cells.items() if r != "A1"}
    assert all(cells[r].get("t") == "inlineStr" for r in texts)
    assert root.find(".//m:f", NS) is None
    assert texts["A2"] == "=1+1" and texts["A3"] == "a&b<c>d\"e'"
    assert texts["A4"] == "bad_x0000__x0008__x000B__x001F__xFFFE_chars"
    assert texts["A5"] == "_x005F_x0041_"  # Excel would otherwise read it as "A"
    assert texts["A13"] == "中文（全角）" and len(texts["A14"]) == 32767
    assert "A12" not in texts and "A11" not in texts  # empty strings and None: no cell
    space = "{http://www.w3.org/XML/1998/namespace}space"
    preserved = {r for r, c in cells.items() if c.find("m:is/m:t", NS).get(space) == "preserve"}
    assert {"A6", "A7", "A8", "A9", "A10"} <= preserved
    assert not preserved & {"A2", "A3", "A13"}
    assert texts["A6"] == " lead" and texts["A9"] == "tab\there"


# Text XML 1.0 cannot carry, stored as Excel stores it: forbidden controls as _xHHHH_, the '_' of a literal _xHHHH_
# (or of _xHHHH closed by a control's escape) as _x005F_, carriage returns as a character reference.
CONTROL_TEXTS = ["Acme\x0bTrading\x01Ltd", "\x00\x08\x0c\x0e\x1f", "_x0001_", "_x0041\x01", "_x0001_x0001_",
                 "\x01x0041_", "_x0041abc", "&\x01<", "a\rb\r\nc", "tab\tline\n", "\x0b", "_x000b_ \x7f"]
NONCHARACTERS = "\ufffe\uffff"   # fastexcel (calamine) leaves their escape as written; Excel, LibreOffice decode it


def test_text__forbidden_control_characters_are_written_as_excels_escape_and_read_back_unchanged(tmp_path) -> None:
    values = [*CONTROL_TEXTS, NONCHARACTERS]
    table = OutputTable("T", (OutputColumn("Name\x0bEN", "text"),), pd.DataFrame({"v": values}))
    root = render(table)
    texts = [t.text for t in root.iterfind(".//m:sheetData/m:row/m:c/m:is/m:t", NS)]
    assert texts == ["Name_x000B_EN", "Acme_x000B_Trading_x0001_Ltd", "_x0000__x0008__x000C__x000E__x001F_",
                     "_x005F_x0001_", "_x005F_x0041_x0001_", "_x005F_x0001_x005F_x0001_", "_x0001_x0041_", "_x0041abc",
                     "&_x0001_<", "a\rb\r\nc", "tab\tline\n", "_x000B_", "_x005F_x000b_ \x7f", "_xFFFE__xFFFF_"]
    book = write_workbook(tmp_path / "book.xlsx", {"Input": [["x"]]})
    writer = WorkbookFile(book)
    writer.write_table(table)
    writer.commit()
    assert WorkbookFile(book).read_sheet("T").frame["A"].tolist()[:-1] == ["Name\x0bEN", *CONTROL_TEXTS]   # fastexcel
    stored = [row[0] for row in load_workbook(book)["T"].iter_rows(values_only=True)]
    # openpyxl hands inline strings over with Excel's escapes in place; its own unescape decodes them
    assert [unescape(text) for text in stored] == ["Name\x0bEN", *values]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="_x0041AbF \x01\x0b\x1f\r\n\t&<\ufffe", max_size=16), min_size=1, max_size=8))
def test_text__any_mix_of_escapes_decodes_back_and_headers_are_written_like_cells(texts) -> None:
    table = OutputTable("T", (OutputColumn("H", "text"),), pd.DataFrame({"v": texts}))
    sheet = SheetXml(table)
    root = etree.fromstring(sheet.to_bytes({style: 1 for style in sheet.styles_needed()}))
    written = {c.get("r"): c.find("m:is/m:t", NS).text for c in root.iterfind(".//m:sheetData/m:row/m:c", NS)}
    assert [unescape(written.get(f"A{i + 2}") or "") for i in range(len(texts))] == texts
    for text in texts:
        header = OutputTable("T", (OutputColumn(text or "h", "text"),), pd.DataFrame({"v": [text]}))
        root = etree.fromstring(SheetXml(header).to_bytes({style: 1 for style in SheetXml(header).styles_needed()}))
        cells = [t.text or "" for t in root.iterfind(".//m:sheetData/m:row/m:c/m:is/m:t", NS)]
        assert cells == [cells[0]] * len(cells)


def test_fills__cell_fill_wins_and_filled_empty_cells_keep_the_colour() -> None:
    table = OutputTable(
        "T", (OutputColumn("a"), OutputColumn("b", "int")),
        pd.DataFrame({"a": ["x", None, "z"], "b": pd.array([1, None, None], dtype="Int64")}),
        row_fills=pd.Series(["FFF2CC", "fff2cc", None], index=[10, 11, 12]),
        cell_fills={1: pd.Series([None, "#FF0000", None])},
    )
    sheet = SheetXml(table)
    assert sheet.fills == ["FFFFF2CC", "FFFF0000"]
    xf = {style: i for i, style in enumerate(sorted(sheet.styles_needed(), key=repr), start=1)}
    root = etree.fromstring(sheet.to_bytes(xf))
    s = {c.get("r"): int(c.get("s")) for c in root.iterfind(".//m:c", NS)}
    inv = {i: style for style, i in xf.items()}
    assert inv[s["A2"]] == CellStyle(None, "FFFFF2CC") and inv[s["B2"]] == CellStyle("#,##0", "FFFFF2CC")
    assert inv[s["A3"]] == CellStyle(None, "FFFFF2CC")  # empty but filled: styled cell without value
    assert inv[s["B3"]] == CellStyle("#,##0", "FFFF0000")
    assert "A4" in s and "B4" not in s  # empty, no fill: omitted
    assert inv[s["A1"]].bold


def test_layout__dimension_frozen_pane_autofilter_widths_and_refs() -> None:
    table = OutputTable("T", (OutputColumn("客户名称"), OutputColumn("Amount", "money", width=20.5)),
                        pd.DataFrame({"a": ["长长长长长长长长长长长长长长长", "b"], "m": [1, 2]}))
    root = render(table)
    assert root.find("m:dimension", NS).get("ref") == "A1:B3"
    pane = root.find(".//m:pane", NS)
    assert pane.attrib == {"ySplit": "1", "topLeftCell": "A2", "activePane": "bottomLeft", "state": "frozen"}
    assert root.find("m:autoFilter", NS).get("ref") == "A1:B3"
    widths = [float(c.get("width")) for c in root.iterfind(".//m:col", NS)]
    assert widths[1] == 20.5 and widths[0] >= 30  # 15 CJK characters count double
    assert [r.get("r") for r in root.iterfind(".//m:row", NS)] == ["1", "2", "3"]
    order = [etree.QName(el).localname for el in root]
    assert order == ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "autoFilter",
                     "pageMargins", "pageSetup", "headerFooter"]
    plain = render(OutputTable("T", (OutputColumn("a"),), pd.DataFrame({"a": ["x"]}),
                               freeze_header=False, autofilter=False))
    assert plain.find(".//m:pane", NS) is None and plain.find("m:autoFilter", NS) is None


def test_render__chunking_does_not_change_the_xml() -> None:
    n = 257
    rng = np.random.default_rng(3)
    table = OutputTable(
        "T", (OutputColumn("t"), OutputColumn("m", "money"), OutputColumn("d", "date"), OutputColumn("p", "percent")),
        pd.DataFrame({"t": np.where(rng.random(n) < 0.2, None, "v"), "m": pd.array(
            np.where(rng.random(n) < 0.2, None, rng.integers(-999, 999, n)), dtype="Int64"),
            "d": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 99, n), unit="D"),
            "p": np.where(rng.random(n) < 0.2, np.nan, rng.random(n))}),
        row_fills=pd.Series(np.where(rng.random(n) < 0.3, "FFF2CC", None)),
        cell_fills={2: pd.Series(np.where(rng.random(n) < 0.3, "FF0000", None))},
    )
    sheet = SheetXml(table)
    xf = {style: i for i, style in enumerate(sorted(sheet.styles_needed(), key=repr))}
    whole = b"".join(bytes(p) for p in sheet.render(xf, chunk_rows=10_000))
    chunked = b"".join(bytes(p) for p in sheet.render(xf, chunk_rows=7))
    assert whole == chunked
    root = etree.fromstring(whole)
    assert len(root.findall(".//m:row", NS)) == n + 1
    assert all(re.fullmatch(r"[A-D]\d+", c.get("r")) for c in root.iterfind(".//m:c", NS))


def test_render__row_numbers_wrapped_across_digit_counts() -> None:
    refs = _RowRefs(7, 1_000)  # 7..1006: one, two, three and four digits
    wrapped = refs.wrap('<c r="AB', '" s="3"><v>')
    wrapped.validate(full=True)
    assert wrapped.to_pylist() == [f'<c r="AB{row}" s="3"><v>' for row in range(7, 1_007)]
    assert _RowRefs(999_998, 5).wrap("", "").to_pylist() == ["999998", "999999", "1000000", "1000001", "1000002"]


def test_render__threaded_chunks_come_out_in_order_and_empty_columns_stay_empty() -> None:
    n = 120  # rows 2..121: the row number grows from one to three digits inside the chunks
    table = OutputTable(
        "T", (OutputColumn("i", "int"), OutputColumn("none"), OutputColumn("banded"), OutputColumn("t")),
        pd.DataFrame({"i": np.arange(n), "none": [None] * n, "banded": [None] * n,
                      "t": [f"v{k}" if k % 3 else None for k in range(n)]}),
        cell_fills={2: pd.Series(["FFF2CC"] * n)},
    )
    sheet = SheetXml(table)
    xf = {style: i for i, style in enumerate(sorted(sheet.styles_needed(), key=repr))}
    whole = b"".join(bytes(p) for p in sheet.render(xf, chunk_rows=10_000))
    assert whole == b"".join(bytes(p) for p in sheet.render(xf, chunk_rows=4))
    root = etree.fromstring(whole)
    refs = [c.get("r") for c in root.iterfind(".//m:row/m:c", NS)]
    assert not any(r.startswith("B") for r in refs[4:])  # empty, unstyled: no cells
    assert [r for r in refs if r.startswith("C")][1:] == [f"C{row}" for row in range(2, n + 2)]  # filled: all kept
    assert [row.get("r") for row in root.iterfind(".//m:row", NS)] == [str(k) for k in range(1, n + 2)]
    assert cell_values(root)["A121"] == "119" and cell_values(root)["D121"] == "v119" and "D119" not in refs


@pytest.mark.parametrize("bad", [
    lambda: OutputTable("T", (OutputColumn("a"), OutputColumn("b")), pd.DataFrame({"a": [1]})),
    lambda: OutputTable("a/b", (OutputColumn("a"),), pd.DataFrame({"a": [1]})),
    lambda: OutputTable("x" * 32, (OutputColumn("a"),), pd.DataFrame({"a": [1]})),
    lambda: OutputTable("T", (OutputColumn("a"),), pd.DataFrame({"a": [1]}), row_fills=pd.Series(["red"])),
    lambda: OutputTable("T", (OutputColumn("a"),), pd.DataFrame({"a": [1]}), row_fills=pd.Series([None, None])),
    lambda: OutputTable("T", (OutputColumn("a"),), pd.DataFrame({"a": [1]}), cell_fills={3: pd.Series([None])}),
    lambda: OutputTable("T", (OutputColumn("a", "int"),), pd.DataFrame({"a": ["x"]})),
])
def test_sheet__invalid_tables_are_rejected_before_writing(bad) -> None:
    with pytest.raises(ValueError):
        SheetXml(bad())


def test_normalize_fill() -> None:
    assert normalize_fill("fff2cc") == "FFFFF2CC" and normalize_fill("#80FF0000") == "80FF0000"
    assert normalize_fill(None) is None and normalize_fill(np.nan) is None and normalize_fill("") is None


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_text__the_cell_limit_counts_utf16_units_like_excel_and_never_splits_a_pair() -> None:
    # issue 9.20: an emoji is one code point but two UTF-16 units; Excel's 32,767 counts units
    values = ["😀" * 20000, "a" + "😀" * 16383 + "b", "x" * 32767, "中" * 32767 + "文"]
    root = render(one_column(pd.Series(values, dtype=object), "text"))
    texts = {c.get("r"): c.find("m:is/m:t", NS).text for c in root.iterfind(".//m:sheetData/m:row/m:c", NS)}
    assert utf16_units(texts["A2"]) == 32766 and texts["A2"] == "😀" * 16383       # the odd unit would split a pair
    assert texts["A3"] == "a" + "😀" * 16383                                        # 32,767 units exactly
    assert texts["A4"] == "x" * 32767
    assert texts["A5"] == "中" * 32767


def test_print__landscape_a4_one_page_wide_with_a_footer_and_wrapped_long_text() -> None:
    # issue 9.14/9.15: a manager prints these sheets; long text wraps instead of being cut off
    table = OutputTable("T", (OutputColumn("Tags", width=30, wrap=True), OutputColumn("N", "int")),
                        pd.DataFrame({"t": ["a long tag; another long tag & more"], "n": [1]}),
                        footer="As of 2026-11-28 & later")
    sheet = SheetXml(table)
    root = render(table)
    assert root.find("m:sheetPr/m:pageSetUpPr", NS).get("fitToPage") == "1"
    setup = root.find("m:pageSetup", NS)
    assert (setup.get("paperSize"), setup.get("orientation"), setup.get("fitToWidth"), setup.get("fitToHeight")) == \
        ("9", "landscape", "1", "0")
    footer = root.find("m:headerFooter/m:oddFooter", NS).text
    assert footer == "&L&A&CAs of 2026-11-28 && later&R&P / &N"
    assert CellStyle(None, None, False, True) in sheet.styles_needed()       # the wrapped text column
    order = [etree.QName(child).localname for child in root]
    assert order.index("sheetPr") == 0 and order.index("pageMargins") < order.index("pageSetup") < \
        order.index("headerFooter")


def test_print__rows_with_wrapped_text_get_the_height_of_their_lines() -> None:
    # issue 9.15: readers do not grow rows on open, so wrapped text would still be cut off
    table = OutputTable("T", (OutputColumn("Tags", width=11, wrap=True), OutputColumn("N", "int")),
                        pd.DataFrame({"t": ["short", "a" * 25, "中" * 12, None], "n": [1, 2, 3, 4]}))
    rows = {r.get("r"): r for r in render(table).iterfind(".//m:sheetData/m:row", NS)}
    # 10 characters fit a line of a width-11 column: 25 -> 3 lines; 12 wide characters (24) -> 3 lines
    assert rows["2"].get("ht") is None and rows["5"].get("ht") is None
    assert (rows["3"].get("ht"), rows["3"].get("customHeight")) == ("45", "1")
    assert rows["4"].get("ht") == "45"


def wide_table(columns: int, titles: int) -> OutputTable:
    """`columns` money columns of 15 characters after an ID and a name column."""
    heads = (OutputColumn("ID", "text", 10), OutputColumn("Name", "text", 32),
             *(OutputColumn(f"M{n}", "money", 15) for n in range(columns)))
    frame = pd.DataFrame({"id": ["C1"], "name": ["Acme"], **{f"m{n}": [100] for n in range(columns)}})
    return OutputTable("Wide", heads, frame, print_title_columns=titles)


@pytest.mark.parametrize("columns, pages", [
    (10, 1),      # 1,404 pixels: one page wide prints at 73%
    (15, 2),      # 1,954 pixels would print at 53%, below the 55% floor: two pages, ID and name on each
    (30, 3),      # 3,604 pixels: 28% on one page; three pages wide
])
def test_print__a_sheet_too_wide_for_a_readable_scale_prints_over_several_pages_wide(columns, pages) -> None:
    """One page wide shrank Priority to 27% and Detail to 30% (3-point figures); below 55% the sheet
    prints over several pages wide instead, each repeating its title columns."""
    setup = render(wide_table(columns, titles=2)).find("m:pageSetup", NS)
    assert (setup.get("fitToWidth"), setup.get("fitToHeight")) == (str(pages), "0")
    assert setup.get("pageOrder") == (None if pages == 1 else "overThenDown")   # a row's pages in sequence


def test_print__charts_beside_the_table_count_in_the_printed_width() -> None:
    table = wide_table(10, titles=2)
    assert SheetXml(table).pages_wide() == 1
    cells = CellRange("Wide", 2, 3, 2, 3)
    chart = OutputChart("c", "top_bars", "T", (ChartSeries("s", cells, ("a",), cells, (1.0,), cells),),
                        (14, 1, 30, 20))                 # 16 default-width columns to the table's right
    assert SheetXml(replace(table, charts=(chart,))).pages_wide() == 2
