"""The letter-number journal: numbers are reserved on disk (fsync) before any letter is rendered.

A batch writes letters first and logs them in the workbook last (one atomic commit).
If it dies in between, the numbers it handed out are in this journal, so

- the next run never hands them out again, and
- the next run reconciles them into the Letters log: a letter whose file exists is
  logged as generated (with its SHA-256), a number without a file is logged void.

The journal lives in the letters output folder as JSON lines:

    {"event": "reserve", "letter_no": "CS-2026-000124", "book": "/path/book.xlsx", "row": {...log row...}}
    {"event": "mark", "prefix": "CS", "year": 2026, "seq": 131}

After a successful commit it is compacted to one `mark` per prefix and year: the
highest number ever issued, which stays a floor even if log rows are deleted.

Each workbook also keeps, beside itself, the list of folders it has reserved numbers
in (`LetterFolders`), so a run with a different output folder still sees, recovers and
never reissues the numbers an interrupted run reserved elsewhere.

Two workbooks may write into one folder.  The workbook's run lock does not guard that,
so a `BookJournal` holds each of its folders' locks (`RunLock(folder=True)`, a hidden file
beside the folder) from the moment it reads the journals until it is closed: the second
workbook's batch waits, numbers after the first one's letters, or exits 2 naming the folder.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..core.letters.numbering import format_letter_no, parse_letter_no
from ..core.read.letter_log import LogRow
from .letter_files import file_sha256, is_complete_docx, numbers_in_folder
from .locks import DEFAULT_WAIT_SECONDS, RunLock
from .atomic import fsync_dir, replacing

JOURNAL_NAME = "letters-journal.jsonl"


@dataclass
class JournalState:
    reserved: dict[str, LogRow] = field(default_factory=dict)      # letter_no -> planned log row
    marks: dict[tuple[str, int], int] = field(default_factory=dict)
    books: dict[str, str] = field(default_factory=dict)            # letter_no -> workbook it was for

    def reserved_for(self, book: str) -> dict[str, LogRow]:
        """Reservations made for `book` (or for an unnamed one): only those belong in its log."""
        return {no: row for no, row in self.reserved.items() if self.books.get(no, "") in ("", book)}

    def numbers(self) -> list[str]:
        """Every number the journal knows was issued (reservations and high-water marks)."""
        marks = [format_letter_no(prefix, year, seq) for (prefix, year), seq in self.marks.items()]
        return list(self.reserved) + marks


def _row_to_json(row: LogRow) -> dict:
    data = asdict(row)
    data["date"] = row.date.isoformat()
    return data


def _row_from_json(data: dict) -> LogRow:
    values = dict(data)
    values["date"] = dt.date.fromisoformat(values["date"])
    return LogRow(**values)


class LettersJournal:
    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.path = self.folder / JOURNAL_NAME

    def read(self) -> JournalState:
        state = JournalState()
        if not self.path.exists():
            return state
        for line in self.path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue    # a torn last line from a crash mid-write: that reservation never completed
            if record.get("event") == "reserve":
                row = _row_from_json(record["row"])
                state.reserved[row.letter_no] = row
                state.books[row.letter_no] = str(record.get("book", ""))
            elif record.get("event") == "mark":
                key = (str(record["prefix"]), int(record["year"]))
                state.marks[key] = max(state.marks.get(key, 0), int(record["seq"]))
        return state

    def reserve(self, rows: Sequence[LogRow], book: str = "") -> None:
        """Append the reservations and fsync them (and the folder) before returning."""
        if not rows:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        lines = "".join(json.dumps({"event": "reserve", "letter_no": row.letter_no, "book": book,
                                    "row": _row_to_json(row)}, ensure_ascii=False) + "\n" for row in rows)
        with open(self.path, "a", encoding="utf-8") as stream:
            stream.write(lines)
            stream.flush()
            os.fsync(stream.fileno())
        if created:
            fsync_dir(self.folder)

    def compact(self, issued: Iterable[str], book: str = "") -> None:
        """After a successful commit for `book`: its reservations become high-water marks.

        Reservations of other workbooks sharing the folder stay until their own next run.
        """
        state = self.read()
        issued = set(issued)
        marks = dict(state.marks)
        for number in issued | set(state.reserved):
            parsed = parse_letter_no(number)
            if parsed:
                key = (parsed[0], parsed[1])
                marks[key] = max(marks.get(key, 0), parsed[2])
        mine = state.reserved_for(book)
        others = {no: row for no, row in state.reserved.items() if no not in mine and no not in issued}
        if not marks and not others and not self.path.exists():
            return
        with replacing(self.path) as temp, open(temp, "w", encoding="utf-8") as stream:
            for (prefix, year), seq in sorted(marks.items()):
                stream.write(json.dumps({"event": "mark", "prefix": prefix, "year": year, "seq": seq},
                                        ensure_ascii=False) + "\n")
            for no, row in others.items():
                stream.write(json.dumps({"event": "reserve", "letter_no": no, "book": state.books.get(no, ""),
                                         "row": _row_to_json(row)}, ensure_ascii=False) + "\n")


class LetterFolders:
    """The output folders a workbook has reserved letter numbers in, kept beside the workbook
    as `.<book name>.letter-folders` (one absolute path a line).  Without a workbook path
    (e.g. a live Excel book never saved) it only knows the current folder."""

    def __init__(self, book: str):
        self.path = Path(book).with_name(f".{Path(book).name}.letter-folders") if book else None

    def read(self) -> list[Path]:
        if self.path is None or not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Path(line) for line in dict.fromkeys(line.strip() for line in lines) if line]

    def add(self, folder: Path) -> None:
        """Record `folder` (fsync) before any number is reserved in it."""
        folder = folder.resolve()
        if self.path is None or folder in self.read():
            return
        created = not self.path.exists()
        with open(self.path, "a", encoding="utf-8") as stream:
            stream.write(f"{folder}\n")
            stream.flush()
            os.fsync(stream.fileno())
        if created:
            fsync_dir(self.path.parent)


class BookJournal:
    """The pipeline's `NumberJournal` for one workbook: the journals of every folder it reserved
    numbers in (`LetterFolders`), the current letters folder first.

    It locks those folders (in one global order, so two batches never wait on each other)
    before reading them, and keeps them locked until `close()`: numbers are chosen, reserved,
    rendered and settled while no other workbook's batch can use the same folder.  A dry run
    (`locked=False`) only reads what is there: it creates no folder and no lock file."""

    def __init__(self, folder: Path, book: str, wait_seconds: float = DEFAULT_WAIT_SECONDS, *, locked: bool = True):
        self.folder = folder
        self.book = book
        self.registry = LetterFolders(book)
        self.folders = list(dict.fromkeys([folder.resolve(), *self.registry.read()]))
        self.locks = [RunLock(each, command="letters", wait_seconds=wait_seconds, folder=True)
                      for each in sorted(self.folders)] if locked else []
        try:
            for lock in self.locks:
                lock.path.parent.mkdir(parents=True, exist_ok=True)
                lock.acquire()
            self.journals = [LettersJournal(each) for each in self.folders]
            self.states = [each.read() for each in self.journals]
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the folders' locks (the batch is over, or failed)."""
        for lock in reversed(self.locks):
            lock.release()

    def __enter__(self) -> "BookJournal":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def unlogged(self, logged: set[str]) -> list[tuple[LogRow, str | None]]:
        found = []
        for folder, state in zip(self.folders, self.states):
            for letter_no, row in state.reserved_for(self.book).items():
                if letter_no in logged:
                    continue
                path = folder / row.file
                complete = bool(row.file) and path.exists() and is_complete_docx(path)
                found.append((row, file_sha256(path) if complete else None))
        return found

    def used_numbers(self) -> list[str]:
        return [number for folder, state in zip(self.folders, self.states)
                for number in state.numbers() + numbers_in_folder(folder)]

    def reserve(self, rows: Sequence[LogRow]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if rows:
            self.registry.add(self.folder)
        self.journals[0].reserve(rows, self.book)

    def settle(self, letter_numbers: Sequence[str]) -> None:
        for each in self.journals:
            each.compact(letter_numbers, self.book)
