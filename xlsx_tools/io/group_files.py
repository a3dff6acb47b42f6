"""Files of the group view: which books a command line names, their fingerprints, and the fresh
workbook the group sheets are grafted into when --out does not exist yet."""
from __future__ import annotations

import glob
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Sequence

BOOK_SUFFIXES = (".xlsx", ".xlsm")


def find_books(given: Sequence[str | os.PathLike], leave_out: Path | None = None) -> list[str]:
    """Paths, globs and folders (their .xlsx/.xlsm files) -> distinct book paths, in the order given.

    Excel's lock files (~$name) and `leave_out` (the group workbook itself) are skipped; a
    path that names no file is kept, so that its run reports it as unusable.
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
    skip = Path(os.path.realpath(leave_out)) if leave_out is not None else None
    books: dict[Path, str] = {}
    for path in found:
        real = Path(os.path.realpath(path))
        if path.name.startswith("~$") or real == skip or real in books:
            continue
        books[real] = str(path)
    return list(books.values())


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
    return save_workbook(workbook, name)
