"""Who else has this workbook: our own run lock, Excel/LibreOffice owner files, read-only files.

    with RunLock("collections.xlsx", command="letters"):   # waits, then WorkbookBusy
        check_can_replace(path, force=args.force)            # owner files, read-only
        remove_stale_temp_files(path)                        # leftovers of killed runs
        ... read, compute, write letters, commit ...

Everything is judged beside the REAL file (symlinks resolved), because that is
the file an atomic save replaces and where Excel keeps its owner file.  The run
lock is an OS lock (``fcntl.flock`` / ``msvcrt.locking``) on a hidden file
beside the workbook: the OS drops it when the process dies, so a killed run
never leaves the workbook locked.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from xlsx_tools.errors import WorkbookUnusable

__all__ = ["RunLock", "WorkbookBusy", "OwnerLock", "owner_lock", "check_can_replace",
           "stale_temp_files", "remove_stale_temp_files", "real_path", "DEFAULT_WAIT_SECONDS"]

#: How long a second run waits for the first before giving up (seconds).
DEFAULT_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05
#: A run that gives up waits at most this much longer for the holder's record, so its message names it.
_RECORD_GRACE_SECONDS = 1.0
#: Windows locks a byte range; lock one byte far past the record so readers can still read it.
_WINDOWS_LOCK_OFFSET = 1 << 30


class WorkbookBusy(WorkbookUnusable):
    """Another run or another program has the workbook; nothing was written (CLI exit 2)."""


def real_path(path: str | os.PathLike) -> Path:
    """The file an atomic save would replace: every symlink resolved."""
    return Path(os.path.realpath(path))


def lock_file_of(path: str | os.PathLike) -> Path:
    """The run-lock file of a workbook (or a letters folder): hidden, beside the real one."""
    real = real_path(path)
    return real.with_name(f".{real.name}.xlsx-tools.lock")


@dataclass(frozen=True)
class LockHolder:
    """What the lock file says about the run holding it."""

    pid: int | None
    started: dt.datetime | None
    command: str

    def since(self) -> str:
        return self.started.strftime("%H:%M") if self.started else "?"


def _read_holder(lock_path: Path) -> LockHolder:
    try:
        data = json.loads(lock_path.read_text(encoding="utf-8") or "{}")
        started = dt.datetime.fromisoformat(data["started"]) if data.get("started") else None
        return LockHolder(data.get("pid"), started, str(data.get("command", "")))
    except (OSError, ValueError, TypeError, AttributeError):
        return LockHolder(None, None, "")


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl
        fcntl.flock(fd, fcntl.LOCK_UN)


def busy_message(book: str, holder: LockHolder, folder: bool = False) -> str:
    """The clerk's message when another run holds the lock (zh / en); `folder`: a letters folder's lock."""
    who = f"{holder.command} " if holder.command else ""
    pid = f"，进程 {holder.pid}" if holder.pid else ""
    pid_en = f", process {holder.pid}" if holder.pid else ""
    place, place_en = (f"信件文件夹 {book}", f"the letters folder {book}") if folder else (f"工作簿 {book}", book)
    return (f"{place} 上另一个 {who}运行正在进行（自 {holder.since()} 起{pid}），请等它结束后再试 / "
            f"another {who}run is in progress on {place_en} since {holder.since()}{pid_en}; "
            f"try again when it has finished")


class RunLock:
    """An exclusive lock on one workbook for a whole run (letters batch or refresh).

    A second run waits up to `wait_seconds`, then raises WorkbookBusy naming
    the holder's command and start time.  With `folder=True` it locks a letters
    folder (journal and letter files) that several workbooks may share.  The lock file records pid, start
    time and command; it is never deleted (deleting a lock file that another
    process has just opened would let two runs lock two different files).
    """

    def __init__(self, workbook: str | os.PathLike, command: str = "letters",
                 wait_seconds: float = DEFAULT_WAIT_SECONDS, *, folder: bool = False) -> None:
        self.workbook = real_path(workbook)
        self.path = lock_file_of(workbook)
        self.command = command
        self.wait_seconds = wait_seconds
        self.folder = folder  # a letters folder shared by workbooks, named by its full path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WorkbookUnusable(
                f"无法在 {self.path.parent} 中创建锁文件（{exc.strerror or exc}） / "
                f"cannot create the lock file in {self.path.parent} ({exc.strerror or exc})") from None
        deadline = time.monotonic() + max(self.wait_seconds, 0.0)
        while not _try_lock(fd):
            now = time.monotonic()
            if now >= deadline:
                if now < deadline + _RECORD_GRACE_SECONDS and _read_holder(self.path).started is None:
                    time.sleep(_POLL_SECONDS)  # the holder has locked but not yet written who it is
                    continue
                os.close(fd)
                shown = str(self.workbook) if self.folder else self.workbook.name
                raise WorkbookBusy(busy_message(shown, _read_holder(self.path), self.folder))
            time.sleep(_POLL_SECONDS)
        record = json.dumps({"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds"),
                             "command": self.command, "workbook": str(self.workbook)}).encode("utf-8")
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, record)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # an empty record: nobody holds it
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


# ---------------------------------------------------------------- other programs
@dataclass(frozen=True)
class OwnerLock:
    """An owner file another program keeps beside a workbook it has open."""

    file: Path
    program: str  # "Excel" or "LibreOffice"

    def message(self) -> str:
        name = self.file.name
        if self.program == "LibreOffice":
            return (f"工作簿正被 LibreOffice 打开（发现锁文件 {name}），请关闭后重试；若 LibreOffice 并未打开，请删除该锁文件 / "
                    f"The workbook is open in LibreOffice (lock file {name} found); close it and try again. "
                    f"If LibreOffice is not running, delete the lock file")
        return (f"工作簿正被 Excel 打开（发现锁文件 {name}），请关闭后重试；若 Excel 并未打开，请删除该锁文件 / "
                f"The workbook is open in Excel (lock file {name} found); close it and try again. "
                f"If Excel is not running, delete the lock file")


def _owner_candidates(path: Path) -> list[OwnerLock]:
    name = path.name
    found = [OwnerLock(path.with_name("~$" + name), "Excel")]
    if len(name) > 2:  # Excel shortens long names: ~$ replaces the first two characters
        found.append(OwnerLock(path.with_name("~$" + name[2:]), "Excel"))
    found.append(OwnerLock(path.with_name(f".~lock.{name}#"), "LibreOffice"))
    return found


def owner_lock(path: str | os.PathLike) -> OwnerLock | None:
    """The first owner file beside the real file or beside the path as given, if any."""
    given = Path(path).absolute()
    places = list(dict.fromkeys([real_path(given), given]))
    for place in places:
        for candidate in _owner_candidates(place):
            if candidate.file != place and candidate.file.exists():
                return candidate
    return None


def check_can_replace(path: str | os.PathLike, *, force: bool = False) -> None:
    """Raise WorkbookBusy when the workbook is open in another program or read-only.

    Read-only means no owner-write bit (0444) or no write access for this
    user; Excel refuses to save such a file, and so do we unless `force`.
    """
    lock = owner_lock(path)
    if lock is not None:
        raise WorkbookBusy(lock.message())
    real = real_path(path)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return
    if force:
        return
    if not mode & stat.S_IWUSR or not os.access(real, os.W_OK):
        raise WorkbookBusy(
            f"工作簿 {real.name} 是只读文件，未作任何修改；请取消只读属性，或使用 --force 覆盖 / "
            f"The workbook {real.name} is read-only and was not changed; clear the read-only "
            f"attribute, or use --force to replace it anyway")


# ---------------------------------------------------------------- stale temp files
def _temp_pattern(real: Path) -> re.Pattern[str]:
    # WorkbookFile.commit: tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp") -> 8 random characters
    return re.compile(re.escape(f".{real.name}.") + r"[a-z0-9_]{8}" + re.escape(".tmp"))


def stale_temp_files(path: str | os.PathLike) -> list[Path]:
    """Temp files an atomic save of this workbook left behind (beside the real file)."""
    real = real_path(path)
    pattern = _temp_pattern(real)
    try:
        entries = list(os.scandir(real.parent))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False))


def remove_stale_temp_files(path: str | os.PathLike, lock: RunLock) -> list[Path]:
    """Remove this workbook's leftover temp files; only the holder of its run lock may.

    Every writer holds the run lock while its temp file exists, so a temp file
    seen by the lock holder belongs to no live process.  Returns what was removed.
    """
    if not lock.held or lock.workbook != real_path(path):
        raise RuntimeError("remove_stale_temp_files needs the workbook's run lock held")
    removed = []
    for leftover in stale_temp_files(path):
        try:
            leftover.unlink()
        except FileNotFoundError:
            continue
        except OSError:  # e.g. no permission: not worth failing the run over
            continue
        removed.append(leftover)
    return removed
