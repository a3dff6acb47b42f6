"""Atomic file writes: a reader sees the old file or the complete new one, never a half-written one.

    write_bytes(path, data)                    # small outputs held in memory
    with replacing(path) as temp:              # outputs a library or a program writes to a path
        document.save(temp)

The temporary file sits beside the target (a rename never crosses file systems), has a unique
name (two runs cannot write into each other's), is synced before the rename and removed on any
failure.  The new file keeps the mode of the file it replaces; a new file gets the mode the
user's umask gives any new file, not the owner-only mode of a temporary file.
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["new_file_mode", "fsync_dir", "replacing", "write_bytes", "temp_name_extra"]

_TEMP_RANDOM_CHARS = 8      # tempfile's random part of a name


def temp_name_extra(suffix: str = ".tmp") -> int:
    """Bytes the temporary file's name adds to its target's (`.{name}.` + random part + suffix): a
    target name may be at most this much shorter than the file system's 255 bytes."""
    return len("..") + _TEMP_RANDOM_CHARS + len(suffix.encode("utf-8"))


def new_file_mode() -> int:
    """The permission bits a new file gets here: 0o666 less the process's umask (0o644 under umask 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def mode_for(target: Path) -> int:
    """The mode a file written to `target` should have: the replaced file's, else a new file's."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return new_file_mode()


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (POSIX); a no-op where directories cannot be synced."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def replacing(target: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block ends without error, move it over `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temp, mode_for(target))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `target` atomically and return the target's path."""
    with replacing(target) as temp:
        temp.write_bytes(data)
    return Path(target)
