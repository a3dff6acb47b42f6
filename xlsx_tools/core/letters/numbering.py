"""Letter numbers `PREFIX-YEAR-000123`: sequential per prefix and year, never reused.

The caller passes every number ever seen (log, journal, files) to `next_sequence`.
"""
from __future__ import annotations

import re
from typing import Iterable

_LETTER_NO = re.compile(r"^(?P<prefix>.*?)-(?P<year>\d{4})-(?P<seq>\d+)$")


def parse_letter_no(text: str) -> tuple[str, int, int] | None:
    """'CS-2026-000123' -> ('CS', 2026, 123); None if it is not of that form."""
    match = _LETTER_NO.match(str(text).strip())
    if not match:
        return None
    return match.group("prefix"), int(match.group("year")), int(match.group("seq"))


def format_letter_no(prefix: str, year: int, sequence: int, digits: int = 6) -> str:
    return f"{prefix}-{year}-{sequence:0{digits}d}"


def next_sequence(used: Iterable[str], prefix: str, year: int) -> int:
    """1 + the highest sequence among `used` numbers of this prefix and year."""
    highest = 0
    for text in used:
        parsed = parse_letter_no(text)
        if parsed and parsed[0] == prefix and parsed[1] == year:
            highest = max(highest, parsed[2])
    return highest + 1
