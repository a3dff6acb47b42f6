"""The live-Excel adapter over the xlwings fake, and the fake itself against xlwings' documented behaviour."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tests.fakes.xlwings_fake import FakeBook, Formula
from tests.workbooks import write_workbook
from xlsx_tools.core.tables import OutputColumn, OutputTable
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile
from xlsx_tools.io.workbook_xlwings import (XlwingsWorkbook, cell_text, fill_areas, raw_sheet, table_rows,
                                            union_addresses)


def book_with(rows: list[list], name: str = "S") -> FakeBook:
    book = FakeBook("C:/books/test.xlsx")
    sheet = book.sheets.add(name)
    sheet.range("A1").value = rows
    return book


# ------------------------------------------------------------------ the fake follows xlwings
def test_fake__value_shapes_follow_xlwings():
    book = book_with([[1, 2, 3], [4, 5, 6]])
    sheet = book.sheets["S"]
    assert sheet.range("A1").value == 1.0                     # numbers come back as float
    assert isinstance(sheet.range("A1").value, float)
    assert sheet.range("A1:C1").value == [1.0, 2.0, 3.0]      # one row: a flat list
    assert sheet.range("A1:A2").value == [1.0, 4.0]           # one column: a flat list
    assert sheet.range("A1:C2").value == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert sheet.range("A1").options(ndim=2).value == [[1.0]]
    assert sheet.range("A1:C1").options(ndim=2).value == [[1.0, 2.0, 3.0]]
    assert sheet.range("D9").value is None                    # empty cells are None


def test_fake__dates_come_back_as_datetime_and_blocks_are_set_from_the_anchor():
    book = book_with([["x"]])
    sheet = book.sheets["S"]
    sheet.range("B2").value = [[dt.date(2026, 11, 28), None], ["a", 2]]
    assert sheet.range("B2").value == dt.datetime(2026, 11, 28)
    assert sheet.range("B2:C3").value == [[dt.datetime(2026, 11, 28), None], ["a", 2.0]]
    sheet.range("B2").value = None
    assert sheet.range("B2").value is None


def test_fake__strings_are_parsed_like_typed_entries_unless_protected():
    book = book_with([["x"]])
    sheet = book.sheets["S"]
    sheet.range("A1").value = [["00123", "=SUM(1,2)", "2026-11-28", "'00123", "'=SUM(1,2)", "12%", "text"]]
    assert sheet.range("A1:G1").value[:3] == [123.0, Formula("=SUM(1,2)"), dt.datetime(2026, 11, 28)]
    assert sheet.range("A1:G1").value[3:] == ["00123", "=SUM(1,2)", 0.12, "text"]
    sheet.range("A2").number_format = "@"
    sheet.range("A2").value = "00123"
    assert sheet.range("A2").value == "00123"


def test_fake__used_range_counts_formats_and_is_A1_when_empty():
    book = book_with([["x"]])
    sheet = book.sheets.add("Empty")
    assert (sheet.used_range.row, sheet.used_range.column, sheet.used_range.shape) == (1, 1, (1, 1))
    sheet.range("C3").value = 5
    sheet.range("E7").number_format = "0.00"
    used = sheet.used_range
    assert (used.row, used.column, used.shape) == (3, 3, (5, 3))
    sheet.clear()
    assert sheet.used_range.shape == (1, 1) and sheet.range("C3").value is None


def test_fake__errors_are_none_unless_err_to_str(tmp_path):
    path = write_workbook(tmp_path / "e.xlsx", {"S": [["a", "b"], [1, 2]]})
    import openpyxl
    wb = openpyxl.load_workbook(path)
    wb["S"]["B2"] = "#N/A"
    wb["S"]["B2"].data_type = "e"
    wb.save(path)
    book = FakeBook.from_xlsx(path)
    assert book.sheets["S"].range("B2").value is None
    assert book.sheets["S"].range("B2").options(err_to_str=True).value == "#N/A"


def test_fake__sheet_names_are_unique_and_add_inserts_where_asked():
    book = book_with([["x"]], "First")
    second = book.sheets.add("Second", after=book.sheets["First"])
    assert [s.name for s in book.sheets] == ["First", "Second"]
    with pytest.raises(ValueError):
        book.sheets.add("second")
    with pytest.raises(ValueError):
        second.name = "FIRST"
    second.delete()
    assert [s.name for s in book.sheets] == ["First"]


# ------------------------------------------------------------------ reading: same text as the file adapter
ODD_VALUES = [
    100, 100.5, 1234567890123.45, -3.25, 1e-7, 1000000000.01, 0,
    dt.datetime(2026, 11, 28), dt.datetime(2026, 11, 28, 13, 45, 10), dt.date(2026, 1, 5),
    True, False, "text", " pad ", "2026年11月28日", "¥1,234.50", None,
]


def test_read_sheet__gives_the_file_adapters_text(tmp_path):
    rows = [["head", "other"]] + [[value, None] for value in ODD_VALUES] + [[None, "last"]]
    path = write_workbook(tmp_path / "odd.xlsx", {"S": rows})
    from_file = WorkbookFile(path).read_sheet("S")
    from_excel = XlwingsWorkbook(FakeBook.from_xlsx(path)).read_sheet("S")
    assert from_excel.columns == from_file.columns and from_excel.first_row == from_file.first_row
    pd.testing.assert_frame_equal(from_excel.frame.astype(object), from_file.frame.astype(object),
                                  check_dtype=False, check_column_type=False, check_index_type=False)


def test_read_sheet__a_serial_number_in_a_1904_book_is_read_in_its_date_system(tmp_path):
    """A number typed into a date column counts from the book's epoch, as the file adapter reads it:
    in a 1904 book 44591 is 2026-01-31, not 2022-01-31 (Excel tells through COM's Workbook.Date1904)."""
    path = write_workbook(tmp_path / "mac.xlsx", {"S": [["due"], [44591.0]]})
    book = openpyxl.load_workbook(path)
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.save(path)
    from_file = WorkbookFile(path).read_sheet("S")
    from_excel = XlwingsWorkbook(FakeBook.from_xlsx(path)).read_sheet("S")
    assert from_excel.serial_dates(44591.0) == from_file.serial_dates(44591.0) == pd.Timestamp("2026-01-31")
    book = FakeBook("C:/b.xlsx")
    book.sheets.add("S")
    book.api = object()                       # no Date1904 to ask (Excel on macOS): the 1900 system
    assert XlwingsWorkbook(book).read_sheet("S").serial_dates(44591.0) == pd.Timestamp("2022-01-30")


def test_read_sheet__a_block_away_from_A1_keeps_its_coordinates():
    book = FakeBook("C:/b.xlsx")
    sheet = book.sheets.add("S")
    sheet.range("C4").value = [["单据号", "金额"], ["INV-1", 12.5]]
    raw = XlwingsWorkbook(book).read_sheet("S")
    assert raw.first_row == 4 and raw.columns == ("C", "D")
    assert raw.frame.iloc[1].tolist() == ["INV-1", "12.5"]


def test_raw_sheet__drops_trailing_blank_rows_and_columns():
    raw = raw_sheet("S", [["a", None, None], [None, "b", None], [None, None, None]])
    assert raw.columns == ("A", "B") and len(raw.frame) == 2
    assert raw_sheet("S", [[None]]).frame.empty


def test_cell_text__serials_dates_and_floats():
    assert cell_text(46000.0) == "46000" and cell_text(46000.5) == "46000.5"
    assert cell_text(dt.datetime(2026, 1, 1, 10, 0, 0, 500000)) == "2026-01-01 10:00:00.500"
    assert cell_text(np.float64(0.1) + np.float64(0.2)) == "0.30000000000000004"
    assert cell_text("") is None and cell_text(float("nan")) is None


# ------------------------------------------------------------------ writing
def table(name="Out", rows=2) -> OutputTable:
    frame = pd.DataFrame({
        "t": pd.Series(["=SUM(1,2)", "00123"][:rows], dtype=object),
        "m": pd.array([123457, -5][:rows], dtype="Int64"),
        "d": pd.to_datetime(["2026-11-28", None][:rows]),
        "p": [0.125, float("nan")][:rows],
        "i": pd.array([3, None][:rows], dtype="Int64"),
    })
    columns = (OutputColumn("Text"), OutputColumn("Money", "money"), OutputColumn("Date", "date"),
               OutputColumn("Share", "percent"), OutputColumn("Days", "int"))
    fills = pd.Series(["FFF2CC", None][:rows], dtype=object)
    return OutputTable(name, columns, frame, row_fills=fills, cell_fills={1: pd.Series([None, "FF9F9F"][:rows])})


def test_table_rows__excel_values_per_kind():
    assert table_rows(table()) == [
        ["Text", "Money", "Date", "Share", "Days"],
        ["=SUM(1,2)", 1234.57, dt.datetime(2026, 11, 28), 0.125, 3],
        ["00123", -0.05, None, None, None],
    ]


def test_write_table__text_stays_text_and_formats_fills_are_set():
    book = FakeBook("C:/b.xlsx")
    book.sheets.add("Input")
    port = XlwingsWorkbook(book)
    port.write_table(table())
    assert "Out" not in book.sheets          # staged only
    assert port.commit() is None             # not saved
    sheet = book.sheets["Out"]
    assert sheet.range("A1:E3").value == table_rows(table())
    assert sheet.range("B2").number_format == "#,##0.00" and sheet.range("C3").number_format == "yyyy-mm-dd"
    assert sheet.range("D2").number_format == "0.00%" and sheet.range("E2").number_format == "#,##0"
    assert sheet.range("A1").color == (0xDD, 0xEB, 0xF7)                     # header
    assert sheet.range("A2").color == sheet.range("B2").color == (0xFF, 0xF2, 0xCC)   # row fill
    assert sheet.range("B3").color == (0xFF, 0x9F, 0x9F) and sheet.range("A3").color is None  # cell fill wins
    assert sheet.range("A1").column_width > 0
    assert book.saved_to == []


def test_write_table__replaces_in_place_renames_and_appends():
    book = FakeBook("C:/b.xlsx")
    for name in ("Ledger", "Detail", "Mine"):
        book.sheets.add(name, after=list(book.sheets)[-1] if len(book.sheets) else None)
    book.sheets["Detail"].range("A1").value = [["old"] * 9] * 30
    port = XlwingsWorkbook(book)
    port.write_table(table("账龄明细"), replaces="Detail")
    port.write_table(table("New"))
    port.commit()
    assert [s.name for s in book.sheets] == ["Ledger", "账龄明细", "Mine", "New"]
    assert book.sheets["账龄明细"].used_range.shape == (3, 5)       # the old block is gone


def test_write_table__an_old_namesake_goes_like_in_the_file_adapter():
    book = FakeBook("C:/b.xlsx")
    for name in ("Detail", "账龄明细"):
        book.sheets.add(name, after=list(book.sheets)[-1] if len(book.sheets) else None)
    port = XlwingsWorkbook(book)
    port.write_table(table("账龄明细"), replaces="Detail")
    port.commit()
    assert [s.name for s in book.sheets] == ["账龄明细"]


def test_commit__saves_when_asked():
    book = FakeBook("/tmp/never-written.xlsx")
    book.sheets.add("S")
    book.save = lambda path=None: book.saved_to.append(path)      # no file needed here
    assert XlwingsWorkbook(book, save_on_commit=True).commit() is not None
    assert book.saved_to == [None]


def test_write_table__validates_like_the_file_adapter():
    with pytest.raises(ValueError):
        XlwingsWorkbook(FakeBook("C:/b.xlsx")).write_table(table("bad:name"))


def test_union_addresses_stay_within_excels_255_characters():
    areas = [f"M{n}:M{n + 1}" for n in range(2, 2000, 3)]
    joined = union_addresses(areas)
    assert all(len(a) <= 255 for a in joined)
    assert ",".join(joined).split(",") == areas


def test_fill_areas__runs_of_equal_fill_per_column():
    areas = fill_areas(table())
    assert areas["FFFFF2CC"] == ["A2", "B2", "C2", "D2", "E2"]
    assert areas["FFFF9F9F"] == ["B3"]


# ------------------------------------------------------------------ print setup, as the file writer sets it
def printed_table() -> OutputTable:
    frame = pd.DataFrame({"id": ["C1", "C2"], "tags": ["overdue & disputed; " * 8, "short"]})
    return OutputTable("Priority", (OutputColumn("ID", "text"), OutputColumn("Tags", "text", 20, wrap=True)),
                       frame, footer="As of 2026-11-28 & later")


def test_commit__prints_like_the_file_writer_landscape_a4_one_page_wide_titles_footer_wrap():
    book = book_with([["x"]])
    port = XlwingsWorkbook(book)
    port.write_table(printed_table())
    port.commit()
    sheet = book.sheets["Priority"]
    setup = sheet.api.PageSetup
    assert (setup.Orientation, setup.PaperSize) == (2, 9)            # xlLandscape, xlPaperA4
    assert (setup.Zoom, setup.FitToPagesWide, setup.FitToPagesTall) == (False, 1, False)
    assert setup.PrintTitleRows == "$1:$1"
    assert (setup.LeftFooter, setup.CenterFooter, setup.RightFooter) == ("&A", "As of 2026-11-28 && later", "&P / &N")
    # the same footer as the file writer's <oddFooter>
    from xlsx_tools.io.xlsx.sheet_xml import SheetXml
    assert SheetXml(printed_table()).footer_codes() == "&L&A&CAs of 2026-11-28 && later&R&P / &N"
    assert sheet.range("B2").wrap_text and sheet.range("B3").wrap_text and not sheet.range("A2").wrap_text
    assert sheet.autofitted_rows == [(2, 3)]                         # wrapped rows get their height
    assert book.app.api.PrintCommunication is True                   # switched off while setting, then back on


def test_commit__without_wrapped_columns_no_row_autofit_and_page_setup_failure_does_not_stop_the_write():
    book = book_with([["x"]])
    port = XlwingsWorkbook(book)
    table = OutputTable("Aging", (OutputColumn("Line", "text"),), pd.DataFrame({"line": ["East"]}))
    port.write_table(table)
    book.app.api.fail_print_setup = True                             # e.g. no printer driver, or Excel on macOS
    port.commit()
    sheet = book.sheets["Aging"]
    assert sheet.range("A2").value == "East" and sheet.autofitted_rows == []


def test_commit__a_sheet_too_wide_for_one_readable_page_prints_pages_wide_with_title_columns():
    """Live Excel gets the file writer's choice: pages wide and the title columns repeated."""
    heads = (OutputColumn("ID", "text", 10), OutputColumn("Name", "text", 32),
             *(OutputColumn(f"M{n}", "money", 15) for n in range(30)))
    frame = pd.DataFrame({"id": ["C1"], "name": ["Acme"], **{f"m{n}": [100] for n in range(30)}})
    wide = OutputTable("Wide", heads, frame, print_title_columns=2)
    book = book_with([["x"]])
    port = XlwingsWorkbook(book)
    port.write_table(wide)
    port.write_table(replace(printed_table(), print_title_columns=1))
    port.commit()
    setup = book.sheets["Wide"].api.PageSetup
    assert (setup.FitToPagesWide, setup.PrintTitleColumns, setup.PrintTitleRows, setup.Order) == (3, "$A:$B", "$1:$1", 2)
    narrow = book.sheets["Priority"].api.PageSetup
    assert (narrow.FitToPagesWide, narrow.PrintTitleColumns, narrow.Order) == (1, "", 1)


def test_commit__headers_bold_and_figure_headers_aligned_right_as_the_file_writer_writes_them():
    """A long header left-aligned over right-aligned figures reads as the next column's header."""
    table = OutputTable("KPIs", (OutputColumn("Subsidiary", "text"), OutputColumn("Average collection cycle (days)",
                                                                                   "decimal"),
                                 OutputColumn("Receivables", "money"), OutputColumn("As-of Date", "date")),
                        pd.DataFrame({"s": ["North"], "c": [31.83], "r": [100], "d": [dt.date(2026, 11, 28)]}))
    book = book_with([["x"]])
    port = XlwingsWorkbook(book)
    port.write_table(table)
    port.commit()
    sheet = book.sheets["KPIs"]
    assert sheet.range("A1:D1").font.bold is True and sheet.range("A2").font.bold is False
    assert [sheet.range(f"{c}1").api.HorizontalAlignment for c in "ABCD"] == [1, -4152, -4152, -4152]  # xlGeneral, xlRight
    assert sheet.range("B2").api.HorizontalAlignment == 1           # figures keep Excel's own (right) alignment


def test_commit__on_macos_header_alignment_stays_excels_and_the_write_goes_on(caplog):
    book = book_with([["x"]])
    book.app.on_mac = True                                           # range.api is an appscript reference there
    port = XlwingsWorkbook(book)
    port.write_table(OutputTable("T", (OutputColumn("Amount", "money"),), pd.DataFrame({"a": [5]})))
    port.commit()
    assert book.sheets["T"].range("A2").value == 0.05 and book.sheets["T"].range("A1").font.bold is True
    assert "header alignment of T left at Excel's default" in caplog.text
