"""Files of the group view: which books a command line names, their fingerprints, and the fresh
workbook the group sheets are grafted into when --out does not exist yet."""
from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Sequence

from .atomic import new_file_mode

BOOK_SUFFIXES = (".xlsx", ".xlsm")


def find_books(given: Sequence[str | os.PathLike]) -> list[str]:
    """Paths, globs and folders (their .xlsx/.xlsm files) -> distinct book paths, in the order given.

    Excel's lock files (~$name) are skipped; a path that names no file is kept, so that its run
    reports it as unusable.
    """
    found: list[Path] = []
    for item in given:
        text = str(item)
        if Path(text).is_dir():
            found += sorted(p for p in Path(text).iterdir() if p.suffix.lower() in BOOK_SUFFIXES)
        elif glob.has_magic(text):
            found += [Path(p) for p in sorted(glob.glob(text)) if Path(p).is_file()]
        else:
            found.append(Path(text))
    books: dict[Path, str] = {}
    for path in found:
        real = Path(os.path.realpath(path))
        if path.name.startswith("~$") or real in books:
            continue
        books[real] = str(path)
    return list(books.values())


def same_file(first: str | os.PathLike, second: str | os.PathLike) -> bool:
    """Whether two paths name one file: by the file system when both exist (symlinks, hard links,
    its case rules), else by their resolved paths."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.normcase(os.path.realpath(first)) == os.path.normcase(os.path.realpath(second))


def is_a_book(out: str | os.PathLike, given: Sequence[str | os.PathLike]) -> bool:
    """Whether `out` is one of the books `given` names, or would be once written: the same file by
    any path, or a workbook name in a folder given or matching a glob given."""
    out = Path(out)
    if any(same_file(out, book) for book in find_books(given)):
        return True
    if out.name.startswith("~$") or out.suffix.lower() not in BOOK_SUFFIXES:
        return False
    for item in given:
        text = str(item)
        if Path(text).is_dir() and same_file(out.parent, text):
            return True
        if not Path(text).is_dir() and glob.has_magic(text):
            folder, pattern = os.path.split(text)
            folders = glob.glob(folder) if glob.has_magic(folder) else [folder or os.curdir]
            if fnmatch.fnmatch(out.name, pattern) and any(same_file(out.parent, f) for f in folders):
                return True
    return False


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_workbook(folder: Path, first_sheet: str) -> Path:
    """A reproducible one-sheet workbook in `folder` (a temporary file the caller removes)."""
    from openpyxl import Workbook  # only when a group workbook is made: keeps `import xlsx_tools` light

    from ..build.templates import FIXED_TIMESTAMP, save_workbook
    workbook = Workbook()
    workbook.active.title = first_sheet
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    handle, name = tempfile.mkstemp(prefix=".group-", suffix=".xlsx", dir=folder)
    os.close(handle)
    os.chmod(name, new_file_mode())  # the group workbook is made from this file and keeps its mode
    return save_workbook(workbook, name)
