"""Small helpers that write and read real workbook files for adapter and end-to-end tests."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write sheets of rows with openpyxl (first sheet first); '=...' strings stay text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def read_rows(path: Path, sheet: str) -> list[list]:
    """Every row of a sheet as values (openpyxl), header included."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def read_records(path: Path, sheet: str) -> list[dict]:
    """Header-keyed rows of the table at the top of a sheet; it ends at the first blank row
    (output sheets may carry note lines below it)."""
    rows = read_rows(path, sheet)
    records = []
    for row in rows[1:]:
        if all(value is None for value in row):
            break
        records.append(dict(zip(rows[0], row)))
    return records


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sheet_part_names(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet part, from workbook.xml and its rels (via openpyxl's reader)."""
    from openpyxl.reader.excel import ExcelReader
    reader = ExcelReader(str(path), read_only=True)
    reader.read_manifest()
    reader.read_workbook()
    return {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
