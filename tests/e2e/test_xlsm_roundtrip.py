"""A refresh of the shipped macro workbook keeps its VBA project, buttons and macro content type."""
import io
import shutil
from pathlib import Path

import pytest

from xlsx_tools.cli import main
from tests.e2e.conftest import AS_OF
from tests.workbooks import read_records, zip_parts

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "collections_zh.xlsm"
MACRO_PARTS = ("xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml", "xl/ctrlProps/ctrlProp1.xml")


@pytest.fixture
def macro_book(tmp_path):
    if not TEMPLATE.exists():
        pytest.fail(f"{TEMPLATE} is missing: run `xlsx-tools build-templates`")
    book = tmp_path / "collections.xlsm"
    shutil.copyfile(TEMPLATE, book)
    return book


def test_xlsm__refresh_keeps_vba_buttons_and_macro_content_type(macro_book):
    before = zip_parts(macro_book)
    code = main(["refresh", str(macro_book), "--as-of", AS_OF.isoformat()], out=io.StringIO(), err=io.StringIO())
    assert code == 0
    after = zip_parts(macro_book)
    for part in MACRO_PARTS:
        assert part in before, part
        assert after[part] == before[part], part
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert b"vbaProject" in after["xl/_rels/workbook.xml.rels"]
    assert [row for row in read_records(macro_book, "问题") if row["级别"] != "提示"] == []   # only info lines


def test_xlsm__olevba_reads_the_same_modules_after_refresh(macro_book, tmp_path):
    from oletools.olevba import VBA_Parser

    def modules(path: Path) -> dict[str, str]:
        parser = VBA_Parser(str(path))
        try:
            return {name: code for _, _, name, code in parser.extract_macros()}
        finally:
            parser.close()

    before = modules(macro_book)
    main(["refresh", str(macro_book), "--as-of", AS_OF.isoformat()], out=io.StringIO(), err=io.StringIO())
    after = modules(macro_book)
    assert after == before and len(before) >= 2
