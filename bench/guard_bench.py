"""Zip guard benchmark: the guard's cost beside the read it protects.

    python bench/guard_bench.py                  # 100k rows, best of 5
    python bench/guard_bench.py 100000 1000000 --repeat 7

For each size one Ledger workbook is built (bench/refresh_bench.make_ledger), then, side
by side in one process, N times each: the read the workbook adapter does (fastexcel
loading the Ledger as text) and the guard that runs before it (`guard_package` +
`guard_sheet` on the Ledger part).  Wall and CPU seconds are the best of N (the machine is
shared: the fastest run is the least disturbed); the ratio is guard / read.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import fastexcel  # noqa: E402

from refresh_bench import make_ledger  # noqa: E402
from tests.workbooks import sheet_part_names  # noqa: E402
from xlsx_tools.core import i18n  # noqa: E402
from xlsx_tools.io import zip_guard  # noqa: E402


def read(path: Path, sheet: str) -> None:
    loaded = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, dtypes="string", skip_rows=0)
    loaded.to_arrow_with_errors()


def guard(path: Path, sheet: str, part: str) -> None:
    zip_guard.guard_package(path)
    zip_guard.guard_sheet(path, part, sheet_name=sheet)


def timed(action, *args) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs per measurement")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    sheet = i18n.SHEETS["ledger"].zh
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = make_ledger(Path(folder) / f"ledger_{size}.xlsx", size)
            part = sheet_part_names(path)[sheet]
            reads, guards = [], []
            for _ in range(args.repeat):
                reads.append(timed(read, path, sheet))
                guards.append(timed(guard, path, sheet, part))
            read_wall, read_cpu = min(w for w, _ in reads), min(c for _, c in reads)
            guard_wall, guard_cpu = min(w for w, _ in guards), min(c for _, c in guards)
            rows.append((size, read_wall, read_cpu, guard_wall, guard_cpu))
            print(f"{size:>9,} rows: read {read_wall:.3f} s wall / {read_cpu:.3f} s cpu; guard {guard_wall:.3f} s "
                  f"wall / {guard_cpu:.3f} s cpu", flush=True)
    print("\n| rows | read (wall / cpu) | guard (wall / cpu) | guard / read (wall / cpu) |")
    print("|---:|---:|---:|---:|")
    for size, read_wall, read_cpu, guard_wall, guard_cpu in rows:
        print(f"| {size:,} | {read_wall:.2f} s / {read_cpu:.2f} s | {guard_wall:.3f} s / {guard_cpu:.3f} s "
              f"| {guard_wall / read_wall:.1%} / {guard_cpu / read_cpu:.1%} |")


if __name__ == "__main__":
    main()
