"""Time the worksheet functions on whole columns against one call per cell (issue 14).

    python bench/udf_bench.py                 # 100,000-row range call, and 1,000 rows: range vs single
    python bench/udf_bench.py --rows 20000

Runs through the fake xlwings surface (tests/fakes): the ledger's columns are read from a
fake sheet as xlwings hands them to a UDF (datetime, float, str, None) and the answers are
written back to a fake sheet, so the conversions are part of the time.  The caller's Policy
sheet is read once per call (as inside Excel, the cache is emptied before each call).

Times are CPU seconds of this process (time.process_time), so that other jobs on the machine
count as little as possible.  Measured on the 2-core dev machine (2026-11, load average ~12):
    100,000-row XT_STAGE range call: 2.2-3.4 s, of which the function 0.5-0.6 s (target < 2 s)
    1,000 rows: range call 83 ms, 1,000 single-cell calls 47.6 s -> 576x (target >= 50x)
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlwings as xw  # noqa: E402

from tests.fakes.xlwings_fake import FakeBook  # noqa: E402
from xlsx_tools.excel import functions  # noqa: E402

AS_OF = dt.datetime(2026, 11, 28)
STATUSES = [None] * 14 + ["disputed", "hold", "plan", "litigation", "written_off", "争议"]


def ledger_book(rows: int, seed: int = 1) -> FakeBook:
    """A fake workbook with a Policy sheet and a Ledger of `rows` rows: Due Date, Open Amount,
    Status, Hold Until in columns A-D (one in fifty due dates blank, one in five hundred bad text)."""
    rng = np.random.default_rng(seed)
    book = FakeBook("C:/books/bench.xlsm")
    policy = book.sheets.add("Policy")
    policy.range("A1").value = [["Setting", "Value", "Description"], ["lang", "en", None]]
    ledger = book.sheets.add("Ledger", before=policy)
    days = rng.integers(-60, 400, rows)
    block = []
    for n in range(rows):
        due: Any = AS_OF - dt.timedelta(days=int(days[n]))
        if n % 50 == 7:
            due = None
        elif n % 500 == 11:
            due = "soon"
        status = STATUSES[n % len(STATUSES)]
        hold = AS_OF + dt.timedelta(days=5) if status == "hold" else None
        block.append([due, float(rng.integers(-500, 500_000)) / 100, status, hold])
    ledger.range("A2").value = block
    return book


def columns(book: FakeBook, rows: int) -> list[Any]:
    """The four columns as xlwings passes them to a UDF (a one-column range is a flat list)."""
    sheet = book.sheets["Ledger"]
    return [sheet.range((2, c), (rows + 1, c)).value for c in range(1, 5)]


def range_call(book: FakeBook, rows: int) -> tuple[float, list]:
    """Read the columns, one XT_STAGE call, spill the answers: the seconds and the answers."""
    functions._policy_cache.clear()
    start = time.process_time()
    due, amount, status, hold = columns(book, rows)
    called = time.process_time()
    answers = functions.XT_STAGE(due, amount, status, hold, AS_OF)
    range_call.function_seconds = time.process_time() - called      # the UDF alone, without conversions
    book.sheets["Ledger"].range("F2").value = answers
    return time.process_time() - start, answers


def single_calls(book: FakeBook, rows: int) -> tuple[float, list]:
    """One XT_STAGE call per row, each reading its cells and writing its answer."""
    functions._policy_cache.clear()
    sheet = book.sheets["Ledger"]
    answers = []
    start = time.process_time()
    for r in range(2, rows + 2):
        due, amount, status, hold = sheet.range((r, 1), (r, 4)).value
        answer = functions.XT_STAGE(due, amount, status, hold, AS_OF)
        sheet.range((r, 7)).value = answer
        answers.append([answer])
    return time.process_time() - start, answers


def best(run: Callable[[], tuple[float, list]], repeat: int) -> tuple[float, list]:
    results = [run() for _ in range(repeat)]
    return min(seconds for seconds, _ in results), results[0][1]


def measure(large: int = 100_000, small: int = 1_000) -> dict[str, float]:
    """The issue's two figures: seconds for a `large`-row range call; single/range ratio at `small` rows."""
    import pytest
    patch = pytest.MonkeyPatch()
    try:
        big = ledger_book(large)
        patch.setattr(xw.Book, "caller", classmethod(lambda cls: big))
        large_seconds, _ = best(lambda: range_call(big, large), 2)
        function_seconds = range_call.function_seconds
        few = ledger_book(small, seed=2)
        patch.setattr(xw.Book, "caller", classmethod(lambda cls: few))
        range_seconds, spilled = best(lambda: range_call(few, small), 3)
        single_seconds, one_by_one = single_calls(few, small)
        assert spilled == one_by_one, "the range call must equal the single-cell calls"
    finally:
        patch.undo()
    return {"large_rows": large, "large_seconds": large_seconds, "function_seconds": function_seconds,
            "small_rows": small,
            "small_range_seconds": range_seconds, "small_single_seconds": single_seconds,
            "speedup": single_seconds / range_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    found = measure(args.rows, args.small)
    print(f"{found['large_rows']:,}-row XT_STAGE range call: {found['large_seconds']:.2f} s "
          f"(the function itself {found['function_seconds']:.2f} s, the rest reading and writing cells)")
    print(f"{found['small_rows']:,} rows: range call {found['small_range_seconds'] * 1000:.1f} ms, "
          f"{found['small_rows']:,} single calls {found['small_single_seconds']:.2f} s "
          f"-> {found['speedup']:.0f}x faster")


if __name__ == "__main__":
    main()
