"""The group view: every subsidiary's book computed like `refresh`, then joined into four sheets.

    outcome = group(paths, engine, task=partial(book_task, open_workbook, file_sha256), progress=print)
    write_group(open_or_new(out), outcome, lang)

Books are read, never written.  A book that cannot be used is listed in Sources and left out;
the others go on.  `engine` runs one `task` per book (a local process pool, or a Dask cluster)
and joins the customers; everything after the join is the same code whichever engine ran.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Callable, Protocol, Sequence

import pandas as pd

from ..core import group as core
from ..core.group import BookOutcome, GroupOutcome
from ..core import i18n
from ..core.i18n import Label, Lang
from ..core.issues import counts
from ..core.read.company import read_company
from ..errors import WorkbookUnusable
from ..present.group_sheets import group_tables
from ..present.sheets import aging_warning_texts
from ..present import texts
from .ports import Progress, WorkbookPort, quiet
from .refresh import check, read_sheet



class GroupEngine(Protocol):
    """Runs the per-book tasks and the cross-book join."""

    def run_books(self, task: Callable[[str], BookOutcome], paths: Sequence[str], started: Callable[[str], None],
                  done: Callable[[BookOutcome], None]) -> tuple[list[BookOutcome], Any]:
        """Every book's outcome in `paths` order, and a handle on the customer rows for `join`.
        `started(path)` is called as a book is handed to a free worker, `done` as each finishes."""

    def join(self, customer_rows: Any) -> pd.DataFrame:
        """`core.finish_join` of the groupby of `core.JOIN_AGGREGATES` over every book's customer rows."""



def summarise(book: WorkbookPort, fallback_name: str, as_of: dt.date | None = None,
              today: dt.date | None = None) -> core.BookFigures:
    """Compute one book like `check` and keep what the group needs (no detail rows)."""
    result = check(book, as_of=as_of, today=today)
    company, _ = read_company(read_sheet(book, book.sheet_names(), "company", lambda _: None))
    subsidiary = company["name"] or fallback_name
    aging_warnings = [Label(en, zh) for en, zh in zip(*(aging_warning_texts(result.aging, result.policy, lang)
                                                         for lang in ("en", "zh")))]
    errors, warnings = counts(result.issues)      # info lines are neither, as refresh counts them
    return core.BookFigures(subsidiary, result.as_of, len(result.detail), errors, warnings,
                            core.book_customers(result, subsidiary),
                            core.book_aging(result, subsidiary, aging_warnings),
                            core.book_kpis(result), result.kpis.as_of_sums, result.kpis.as_of_lost)


def book_task(opener: Callable[[str], WorkbookPort], fingerprint: Callable[[str], str], path: str,
              as_of: dt.date | None = None, today: dt.date | None = None) -> BookOutcome:
    """One book, start to end, never raising: an unusable book or a defect becomes its `problem`."""
    started = time.perf_counter()
    sha256 = None
    try:
        sha256 = fingerprint(path)
        figures = summarise(opener(path), PurePath(path).stem, as_of, today)
        return BookOutcome(path, PurePath(path).stem, sha256, time.perf_counter() - started, figures)
    except WorkbookUnusable as unusable:
        problem = Label(str(unusable), str(unusable))
    except OSError as error:
        problem = texts.BOOK_UNREADABLE.format(error=error.strerror or error)
    except Exception as error:  # a defect of ours on this book: say so, go on with the others
        problem = texts.BOOK_FAILED.format(error=f"{type(error).__name__}: {error}")
    return BookOutcome(path, PurePath(path).stem, sha256, time.perf_counter() - started, None, problem)


def book_progress(progress: Progress, total: int, lang: Lang) -> tuple[Callable[[str], None],
                                                                       Callable[[BookOutcome], None]]:
    """The engine's `started` and `done` callbacks, as one progress line per event."""
    finished = 0

    def started(path: str) -> None:
        progress(texts.GROUP_BOOK_STARTED.format(name=PurePath(path).name).get(lang))

    def done(book: BookOutcome) -> None:
        nonlocal finished
        finished += 1
        name = PurePath(book.path).name
        if book.figures is None:
            line = texts.GROUP_BOOK_FAILED.format(count=finished, total=total, name=name, problem=book.problem)
        else:
            line = texts.GROUP_BOOK_DONE.format(count=finished, total=total, name=name, rows=book.figures.rows,
                                                seconds=book.seconds)
        progress(line.get(lang))

    return started, done


def copies_of_earlier(paths: Sequence[str], fingerprint: Callable[[str], str]) -> dict[str, tuple[str, str]]:
    """Books whose content equals an earlier one's: path -> (that earlier path, SHA-256).  A file
    that cannot be read is not a copy; its own task reports it."""
    first: dict[str, str] = {}
    copies: dict[str, tuple[str, str]] = {}
    for path in paths:
        try:
            digest = fingerprint(path)
        except OSError:
            continue
        if digest in first:
            copies[path] = (first[digest], digest)
        else:
            first[digest] = path
    return copies


def group(paths: Sequence[str], engine: GroupEngine, task: Callable[[str], BookOutcome],
          progress: Progress = quiet, lang: Lang = "zh",
          fingerprint: Callable[[str], str] | None = None) -> GroupOutcome:
    """Run every book (a progress line as each starts and ends), join the customers, and compute
    the group's priority, aging and KPIs.  With `fingerprint`, a book with the same content as an
    earlier one is left out: counting a copy would count its subsidiary twice."""
    copies = copies_of_earlier(paths, fingerprint) if fingerprint is not None else {}
    started, done = book_progress(progress, len(paths), lang)
    run, customer_rows = engine.run_books(task, [path for path in paths if path not in copies], started, done)
    outcomes = iter(run)
    books = []
    for path in paths:
        if path in copies:
            earlier, digest = copies[path]
            books.append(BookOutcome(path, PurePath(path).stem, digest, 0.0, None,
                                     texts.BOOK_COPY.format(path=earlier)))
            started(path)
            done(books[-1])
        else:
            books.append(next(outcomes))
    usable = [book.figures for book in books if book.figures is not None]
    joined = engine.join(customer_rows) if usable else core.finish_join(
        pd.DataFrame(columns=list(core.CUSTOMER_ROW_COLUMNS)).set_index("match_key"))
    prioritised = core.group_priority(joined)
    return GroupOutcome(books, prioritised, core.group_aging(usable), core.group_kpis(usable, prioritised),
                        tuple(i18n.bucket_labels(core.GROUP_POLICY.bucket_edges)))


def write_group(book: WorkbookPort, outcome: GroupOutcome, lang: Lang,
                output: str | os.PathLike | None = None) -> Path | None:
    """Stage the four group sheets (replacing ones of the same name in either language) and commit."""
    names = book.sheet_names()
    for key, table in group_tables(outcome, lang).items():
        book.write_table(table, replaces=i18n.find_sheet(names, key))
    return book.commit(output)


