"""Disk full: exit 2 'not changed' before the rename, a warning after it (issue 10, item 6)."""
from __future__ import annotations

import errno
import os

from xlsx_tools.errors import WorkbookUnusable
from xlsx_tools.io.write_faults import DiskFull, TidyWarning, device_of, is_disk_full, save_failed, tidy_failed


def _full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_before_the_rename_is_unusable_and_says_nothing_changed(tmp_path):
    problem = save_failed(_full(), tmp_path)
    assert isinstance(problem, DiskFull) and isinstance(problem, WorkbookUnusable)
    device = device_of(tmp_path)
    assert f"no space left on {device}; the workbook was not changed" in str(problem)
    assert f"{device} 上没有剩余空间，工作簿未被修改" in str(problem)


def test_another_write_error_before_the_rename_is_not_called_disk_full(tmp_path):
    problem = save_failed(PermissionError(errno.EACCES, "Permission denied"), tmp_path)
    assert not isinstance(problem, DiskFull)
    assert "Permission denied" in str(problem) and "the workbook was not changed" in str(problem)


def test_disk_full_after_the_rename_is_only_a_warning_that_the_save_stands(tmp_path):
    warning = tidy_failed(_full(), tmp_path)
    assert isinstance(warning, TidyWarning)
    assert "the workbook was saved; only tidying the letters journal" in str(warning)
    assert "not changed" not in str(warning)
    assert f"no space left on {device_of(tmp_path)}" in str(warning)


def test_disk_full_is_found_in_a_wrapped_cause():
    try:
        try:
            raise _full()
        except OSError as inner:
            raise RuntimeError("zip writer failed") from inner
    except RuntimeError as outer:
        assert is_disk_full(outer)
    assert not is_disk_full(RuntimeError("plain"))
    assert is_disk_full(OSError(errno.EDQUOT, "quota"))


def test_the_device_is_the_mount_point_holding_the_folder(tmp_path):
    device = device_of(tmp_path / "not" / "yet" / "there")
    assert os.path.ismount(device)
    assert str(tmp_path.resolve()).startswith(device)
