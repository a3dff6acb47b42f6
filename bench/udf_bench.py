"""Time the worksheet functions on whole columns against one call per cell (issue 14).

    python bench/udf_bench.py                 # 100,000-row range call, and 1,000 rows: range vs single
    python bench/udf_bench.py --rows 20000
    python bench/udf_bench.py --no-freeze     # let the garbage collector sweep the fake workbooks too

Each call goes the way Excel calls a UDF through classic xlwings (tests/fakes/xlwings_udf.py):
the ranges' values as pywin32 hands them over (a tuple of row tuples, dates as aware datetimes,
error cells as int codes), xlwings' own conversion pipeline for the options the function
declares (its range arguments are "raw"; as_of goes through the default converter), the
function, and xlwings' own write pipeline for the result (None -> "" per cell).  "Python time"
is the conversions and the function: what the xlwings COM server spends per call.  The fake's
stand-in for COM (building pywin32's values from the fake sheet, storing the answers as Excel
shows them) is C code in pywin32 and Excel, so it is counted apart.  The caller's Policy sheet
is read once per call (the cache is emptied before each call).  The fake workbooks are frozen
out of Python's garbage collector: in Excel the cells live in Excel's process.

Times are CPU seconds of this process (time.process_time), the best of 3 for the range calls,
so that other jobs on the machine count as little as possible.  Measured on the 2-core dev
machine (2026-11-30, load average about 3 from other jobs):
    100,000-row XT_STAGE range call: 0.83 s of Python (target < 2 s): the function 0.62 s,
        xlwings' conversions 0.21 s; the fake's COM stand-in 1.68 s more
    1,000 rows: range call 64.7 ms, 1,000 single-cell calls 32.8 s -> 506x (target >= 50x)
    three runs: 0.83-0.85 s for 100,000 rows; 478x-826x at 1,000 rows
    --no-freeze (load about 4): 100,000 rows 1.23 s of Python
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlwings as xw  # noqa: E402

from tests.fakes.xlwings_fake import FakeBook  # noqa: E402
from tests.fakes.xlwings_udf import com_arguments, install_windows_udfs, shown, spill, udf_call  # noqa: E402
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
    as_of_cell(book).value = AS_OF
    return book


def as_of_cell(book: FakeBook) -> Any:
    """The cell holding the as-of date (a formula would refer to it)."""
    return book.sheets["Ledger"].range("H1")


class Timed:
    """The UDF with its own seconds recorded (xlwings reads ``__xlfunc__`` off it, as off the UDF)."""

    def __init__(self, function: Callable) -> None:
        self.function, self.__xlfunc__, self.seconds = function, function.__xlfunc__, 0.0

    def __call__(self, *arguments: Any) -> Any:
        start = time.process_time()
        try:
            return self.function(*arguments)
        finally:
            self.seconds += time.process_time() - start


def excel_calls(book: FakeBook, calls: list[tuple[list, Any]]) -> dict[str, Any]:
    """Excel calling XT_STAGE once per (argument ranges, answer cell): CPU seconds of the Python
    side (xlwings' conversions and the function), of the function alone, and of the fake's
    stand-in for COM (pywin32 reading the ranges and Excel storing the answers), and the answers."""
    functions._policy_cache.clear()          # inside Excel the Policy is read once per call
    udf = Timed(functions.XT_STAGE)
    python = com = 0.0
    answers = []
    for ranges, target in calls:
        start = time.process_time()
        arguments = com_arguments(ranges)
        got = time.process_time()
        result = udf_call(udf, arguments)
        done = time.process_time()
        cells = shown(result)
        spill(target, cells)
        com += (got - start) + (time.process_time() - done)
        python += done - got
        answers.extend(cells)
    return {"python": python, "function": udf.seconds, "com": com, "answers": answers}


def range_call(book: FakeBook, rows: int) -> dict[str, Any]:
    """One XT_STAGE call over whole columns, spilling the answers from F2."""
    sheet = book.sheets["Ledger"]
    ranges = [sheet.range((2, c), (rows + 1, c)) for c in range(1, 5)] + [as_of_cell(book)]
    return excel_calls(book, [(ranges, sheet.range("F2"))])


def single_calls(book: FakeBook, rows: int) -> dict[str, Any]:
    """One XT_STAGE call per row (column G), each on that row's cells."""
    sheet = book.sheets["Ledger"]
    return excel_calls(book, [([sheet.range((r, c)) for c in range(1, 5)] + [as_of_cell(book)], sheet.range((r, 7)))
                              for r in range(2, rows + 2)])


def best(run: Callable[[], dict[str, Any]], repeat: int) -> dict[str, Any]:
    """The run with the least Python time."""
    return min((run() for _ in range(repeat)), key=lambda found: found["python"])


def measure(large: int = 100_000, small: int = 1_000, repeat: int = 3, freeze: bool = True) -> dict[str, Any]:
    """The issue's two figures: a `large`-row range call (best of `repeat`); single/range ratio at `small` rows."""
    global functions
    import pytest
    patch = pytest.MonkeyPatch()
    try:
        install_windows_udfs(patch)                    # xlwings' real decorators: the declared converters
        functions = importlib.reload(functions)
        big, few = ledger_book(large), ledger_book(small, seed=2)
        # The cells live in Excel's process, not Python's: keep the fake books out of the
        # garbage collector's sweeps, which would otherwise scan their million objects.
        if freeze:
            gc.collect()
            gc.freeze()
        patch.setattr(xw.Book, "caller", classmethod(lambda cls: big))
        large_run = best(lambda: range_call(big, large), repeat)
        patch.setattr(xw.Book, "caller", classmethod(lambda cls: few))
        small_run = best(lambda: range_call(few, small), repeat)
        single_run = single_calls(few, small)
        assert small_run["answers"] == single_run["answers"], "the range call must equal the single-cell calls"
    finally:
        gc.unfreeze()
        patch.undo()
        functions = importlib.reload(functions)
    return {"large_rows": large, "large": large_run, "small_rows": small, "small": small_run, "single": single_run,
            "speedup": single_run["python"] / small_run["python"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--no-freeze", action="store_true",
                        help="let the garbage collector sweep the fake workbooks too (slower, less like Excel)")
    args = parser.parse_args()
    found = measure(args.rows, args.small, freeze=not args.no_freeze)
    large, small, single = found["large"], found["small"], found["single"]
    conversions = large["python"] - large["function"]
    print(f"{found['large_rows']:,}-row XT_STAGE range call: {large['python']:.2f} s of Python "
          f"(the function {large['function']:.2f} s, xlwings' conversions {conversions:.2f} s); "
          f"the fake's COM stand-in {large['com']:.2f} s more")
    print(f"{found['small_rows']:,} rows: range call {small['python'] * 1000:.1f} ms, "
          f"{found['small_rows']:,} single calls {single['python']:.2f} s -> {found['speedup']:.0f}x faster")


if __name__ == "__main__":
    main()
