"""The same book given twice (a copy in another folder, last month's file beside this month's) would
count one subsidiary twice: the second copy is left out by its content; two different books with one
subsidiary name are both counted, and Sources says the name is shared."""
from __future__ import annotations

import io
import shutil

import pytest
from openpyxl import load_workbook

from tests.group.books import AS_OF, write_books
from xlsx_tools.cli import main


def _group(paths, out) -> tuple[int, str, dict]:
    err = io.StringIO()
    code = main(["group", *map(str, paths), "--out", str(out), "--as-of", AS_OF, "--lang", "en", "--workers", "1"],
                io.StringIO(), err)
    book = load_workbook(out)
    sheets = {name: [row for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    return code, err.getvalue(), sheets


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dups")
    return folder, write_books(folder / "books")


def test_group__an_identical_copy_of_a_book_is_left_out_not_counted_twice(books):
    folder, paths = books
    copy = folder / "copy" / "alpha (copy).xlsx"
    copy.parent.mkdir()
    shutil.copyfile(paths["alpha"], copy)
    _, _, once = _group([paths["alpha"]], folder / "once.xlsx")
    code, err, twice = _group([paths["alpha"], copy], folder / "twice.xlsx")
    assert twice["Group Aging"] == once["Group Aging"] and twice["Group Priority"] == once["Group Priority"]
    sources = {row[1]: row for row in twice["Sources"][1:]}
    assert sources[str(copy)][-1] == f"Left out: the same content as {paths['alpha']} (SHA-256 equal)"
    assert code == 1 and "alpha (copy).xlsx" in err


def test_group__two_books_with_one_subsidiary_name_are_both_counted_and_said_to_share_it(books):
    folder, paths = books
    other = folder / "alpha_again.xlsx"
    book = load_workbook(paths["alpha"])
    book["Ledger"]["G2"] = 90000          # another book (other content) under the same Company name
    book.save(other)
    code, _, sheets = _group([paths["alpha"], other], folder / "names.xlsx")
    statuses = {row[1]: row[-1] for row in sheets["Sources"][1:]}
    assert statuses[str(other)] == f"Included; the subsidiary name is also that of {paths['alpha']}"
    assert statuses[str(paths["alpha"])] == f"Included; the subsidiary name is also that of {other}"
    assert len([row for row in sheets["Group Aging"] if row[0] == "Alpha Trading Co."]) >= 4
