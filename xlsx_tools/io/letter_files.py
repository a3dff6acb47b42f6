"""Letter files in an output folder: their names, and what an interrupted run left there."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from pathlib import Path

from .atomic import temp_name_extra

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
NAME_MAX_BYTES = 255                    # one file name on Linux, macOS and Windows file systems (UTF-8 bytes)


def safe_file_part(text: str, limit: int = 60, max_bytes: int = 90) -> str:
    """A piece of a file name: no path separators, reserved or control characters, no leading or
    trailing dots; at most `limit` characters and `max_bytes` UTF-8 bytes."""
    cleaned = unicodedata.normalize("NFC", str(text))
    cleaned = _UNSAFE.sub("_", cleaned)
    cleaned = re.sub(r"\s+", "_", cleaned).strip("._ ")
    cleaned = cleaned[:limit].encode("utf-8")[:max_bytes].decode("utf-8", "ignore").strip("._ ")
    return cleaned or "_"


def letter_file_name(letter_no: str, kind: str, customer_id: str) -> str:
    """`{letter_no}_{kind}_{customer_id}.docx`, every part sanitised. The letter number is never cut (it
    alone tells two letters apart); the customer part is cut so that the name and its temp file's name fit
    in NAME_MAX_BYTES."""
    head = f"{safe_file_part(letter_no, limit=NAME_MAX_BYTES, max_bytes=NAME_MAX_BYTES)}_{safe_file_part(kind)}_"
    room = max(1, NAME_MAX_BYTES - temp_name_extra() - len(head.encode("utf-8")) - len(".docx"))
    return f"{head}{safe_file_part(customer_id, max_bytes=room)}.docx"


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
