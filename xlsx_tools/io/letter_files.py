"""Letter files in an output folder: their names, and what an interrupted run left there."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from pathlib import Path

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_file_part(text: str, limit: int = 60) -> str:
    """A piece of a file name: no path separators, reserved or control characters, no leading dots."""
    cleaned = unicodedata.normalize("NFC", str(text))
    cleaned = _UNSAFE.sub("_", cleaned)
    cleaned = re.sub(r"\s+", "_", cleaned).strip("._ ")
    return cleaned[:limit] or "_"


def letter_file_name(letter_no: str, kind: str, customer_id: str) -> str:
    """`{letter_no}_{kind}_{customer_id}.docx`, every part sanitised."""
    return f"{safe_file_part(letter_no)}_{safe_file_part(kind)}_{safe_file_part(customer_id)}.docx"


def numbers_in_folder(folder: Path) -> list[str]:
    """The letter numbers the `.docx` files in `folder` carry (their names start with the number)."""
    if not folder.is_dir():
        return []
    return [entry.name.split("_", 1)[0] for entry in os.scandir(folder)
            if entry.name.endswith(".docx") and "_" in entry.name]


def is_complete_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            return "word/document.xml" in package.namelist() and package.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
