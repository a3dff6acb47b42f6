"""Say what a failed write really did: nothing written, or saved with only the tidy-up failing.

    try:
        written = book.commit(output)
    except OSError as exc:
        raise save_failed(exc, folder) from None          # WorkbookUnusable: exit 2
    try:
        journal.compact(...)
    except OSError as exc:
        warnings.append(tidy_failed(exc, journal_folder))  # the run keeps its status
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from xlsx_tools.errors import WorkbookUnusable

__all__ = ["DiskFull", "TidyWarning", "is_disk_full", "device_of", "save_failed", "tidy_failed"]

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


class DiskFull(WorkbookUnusable):
    """No room to write the workbook; it was not changed (CLI exit 2)."""


@dataclass(frozen=True)
class TidyWarning:
    """The save succeeded; a later housekeeping write failed. A warning, never an error."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def is_disk_full(exc: BaseException) -> bool:
    """True for 'no space left' and 'quota exceeded' in any OSError (or its cause)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in _FULL:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def device_of(path: str | os.PathLike) -> str:
    """The mount point holding `path` (the 'device' a clerk can free space on)."""
    here = Path(os.path.realpath(path))
    while not here.exists() and here != here.parent:
        here = here.parent
    while not os.path.ismount(here) and here != here.parent:
        here = here.parent
    return str(here)


def save_failed(exc: OSError, folder: str | os.PathLike) -> WorkbookUnusable:
    """The exception for a write that failed BEFORE the atomic rename: nothing was changed."""
    if is_disk_full(exc):
        device = device_of(folder)
        return DiskFull(f"{device} 上没有剩余空间，工作簿未被修改 / "
                        f"no space left on {device}; the workbook was not changed")
    reason = exc.strerror or str(exc)
    return WorkbookUnusable(f"无法写入 {folder}（{reason}），工作簿未被修改 / "
                            f"cannot write in {folder} ({reason}); the workbook was not changed")


def tidy_failed(exc: OSError, folder: str | os.PathLike) -> TidyWarning:
    """The warning for a write that failed AFTER the atomic rename: the save itself stands."""
    reason = (f"{device_of(folder)} 上没有剩余空间", f"no space left on {device_of(folder)}") \
        if is_disk_full(exc) else (exc.strerror or str(exc),) * 2
    return TidyWarning(f"工作簿已保存；仅整理函件日志（{folder}）失败：{reason[0]}，下次运行会自动补做",
                       f"the workbook was saved; only tidying the letters journal in {folder} failed "
                       f"({reason[1]}); the next run will finish it")
