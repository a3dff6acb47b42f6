"""`group --out` naming one of its own books is refused (exit 2) before anything is read or written:
the group view never writes to its books."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.group.books import write_books
from xlsx_tools.cli import main
from xlsx_tools.errors import WorkbookUnusable
from xlsx_tools.io.group_files import is_a_book
from xlsx_tools.wiring import group_books


@pytest.fixture()
def books(tmp_path) -> Path:
    folder = tmp_path / "books"
    write_books(folder)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _refused(argv: list[str], folder: Path) -> str:
    before = _snapshot(folder)
    out, err = io.StringIO(), io.StringIO()
    assert main(["group", *argv, "--lang", "en", "--workers", "1"], out, err) == 2, err.getvalue()
    assert _snapshot(folder) == before
    assert "started:" not in err.getvalue() and out.getvalue() == ""
    return err.getvalue()


def test_group_out__naming_a_book_is_refused_before_reading_and_the_book_is_untouched(books):
    message = _refused([str(books / "alpha.xlsx"), str(books / "gamma.xlsx"), "--out", str(books / "alpha.xlsx")],
                       books.parent)
    assert "alpha.xlsx" in message
    assert "one of the books" in message and "账簿之一" in message        # zh / en, like every refusal


def test_group_out__a_book_of_a_folder_given_is_refused_too(books):
    _refused([str(books), "--out", str(books / "gamma.xlsx")], books.parent)


def test_group_out__a_new_file_in_a_folder_given_would_be_read_next_time_and_is_refused(books):
    _refused([str(books), "--out", str(books / "group.xlsx")], books.parent)
    assert not (books / "group.xlsx").exists()


def test_group_out__a_glob_that_matches_it_is_refused(books):
    _refused([str(books / "*.xlsx"), "--out", str(books / "alpha.xlsx")], books.parent)


def test_group_out__the_same_file_by_another_path_is_refused(books, monkeypatch):
    link = books.parent / "link.xlsx"
    os.symlink(books / "beta_books.xlsx", link)
    monkeypatch.chdir(books.parent)
    _refused(["books/beta_books.xlsx", "books/gamma.xlsx", "--out", "link.xlsx"], books.parent)
    _refused(["link.xlsx", "--out", "books/../books/beta_books.xlsx"], books.parent)


def test_group_out__outside_the_books_is_not_one_of_them(books):
    given = [str(books), str(books / "*.xlsx"), str(books / "alpha.xlsx")]
    assert not is_a_book(books.parent / "group.xlsx", given)              # beside the folder, not in it
    assert not is_a_book(books / "group.csv", given)                      # not a workbook name
    assert not is_a_book(books / "sub" / "group.xlsx", [str(books / "*.xlsx")])
    assert is_a_book(books / "new.xlsm", [str(books.parent / "b*" / "*.xlsm")])   # a glob of folders


def test_group_books__refuses_an_out_among_its_paths_for_callers_of_the_api_too(books):
    before = _snapshot(books)
    with pytest.raises(WorkbookUnusable, match="one of the books"):
        group_books([str(books / "alpha.xlsx")], books / "alpha.xlsx", workers=1)
    assert _snapshot(books) == before
