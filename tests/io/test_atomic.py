"""Atomic writes: the replaced file's mode is kept, a new file gets the umask's mode (not the owner-only
mode of a temporary file), and a failure leaves the old file and no temporary file behind."""
from __future__ import annotations

import io
import os
import stat

import pytest

from tests.group.books import write_books
from xlsx_tools.cli import main
from xlsx_tools.io.atomic import new_file_mode, replacing, write_bytes


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture()
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_write_bytes__a_new_file_gets_the_umasks_mode(tmp_path, umask_022):
    target = write_bytes(tmp_path / "new" / "a.bin", b"data")
    assert target.read_bytes() == b"data" and _mode(target) == 0o644 == new_file_mode()


def test_write_bytes__a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and _mode(target) == 0o640


def test_replacing__a_failure_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with replacing(target) as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_group__a_new_group_workbook_is_readable_by_colleagues_as_any_new_file(tmp_path, umask_022):
    write_books(tmp_path / "books")
    out = tmp_path / "group.xlsx"
    main(["group", str(tmp_path / "books"), "--out", str(out), "--workers", "1"], io.StringIO(), io.StringIO())
    assert _mode(out) == 0o644
