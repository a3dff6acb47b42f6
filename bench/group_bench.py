"""Group view benchmark: `xlsx-tools group` over many books, local pool (1 and 2 workers) vs Dask.

    python bench/group_bench.py                  # 50 books x 20,000 rows
    python bench/group_bench.py --books 10 --rows 20000   # a loaded machine

The books are copies of a few distinct ledgers (customer IDs overlap across books, as in a group).
Each run is its own child process; a sampler follows that process and its children (pool
processes, or the LocalCluster's scheduler-side workers) and reports the parent's peak RSS and
the largest worker's peak RSS.  The per-book cost is the median of the Sources sheet's seconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from refresh_bench import AS_OF, make_ledger  # noqa: E402

DISTINCT = 5
DASK_RUN = r'''
import sys, datetime as dt
from distributed import Client, LocalCluster
from xlsx_tools.wiring import group_books
from xlsx_tools.io.group_files import find_books
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        group_books(find_books([sys.argv[1]]), sys.argv[2], as_of=dt.date.fromisoformat(sys.argv[3]),
                    scheduler=client)
'''


def measure(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, the command's own peak RSS MB, the largest child's peak RSS MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    peaks: dict[int, float] = {}
    root = psutil.Process(child.pid)
    while child.poll() is None:
        try:
            for process in [root, *root.children(recursive=True)]:
                try:
                    peaks[process.pid] = max(peaks.get(process.pid, 0), process.memory_info().rss / 2**20)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{command[:4]} failed: {child.stderr.read().decode()[-3000:]}")
    own = peaks.pop(child.pid, 0.0)
    return elapsed, own, max(peaks.values(), default=0.0)


def per_book_seconds(group: Path) -> float:
    from xlsx_tools.io.xlsx.workbook_file import WorkbookFile
    book = WorkbookFile(group)
    sources = book.read_sheet(book.sheet_names()[-1]).frame
    seconds = sorted(float(v) for v in sources.iloc[1:, 7].dropna())
    return seconds[len(seconds) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=50)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        books = Path(folder) / "books"
        books.mkdir()
        started = time.perf_counter()
        distinct = [make_ledger(Path(folder) / f"ledger_{n}.xlsx", args.rows, seed=n) for n in range(DISTINCT)]
        for n in range(args.books):
            shutil.copyfile(distinct[n % DISTINCT], books / f"sub_{n:03d}.xlsx")
        size = sum(p.stat().st_size for p in books.iterdir()) / 1e6
        print(f"{args.books} books x {args.rows:,} rows built in {time.perf_counter() - started:.0f} s "
              f"({size:.0f} MB), {os.cpu_count()} cores", flush=True)
        cli = [sys.executable, "-m", "xlsx_tools", "group", str(books), "--as-of", AS_OF.isoformat()]
        runs = {"local, --workers 1": cli + ["--workers", "1"],
                "local, --workers 2": cli + ["--workers", "2"],
                "Dask LocalCluster, 2 workers": [sys.executable, "-c", DASK_RUN, str(books), "{out}",
                                                 AS_OF.isoformat()]}
        print(f"| run | wall s | vs workers=1 | books/s | main process peak MB | largest worker peak MB | "
              f"per-book s (median) | load before |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        first = None
        for name, command in runs.items():
            load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
            out = Path(folder) / f"group_{len(name)}.xlsx"
            command = [part.replace("{out}", str(out)) for part in command]
            if "--workers" in command:
                command += ["--out", str(out)]
            wall, own, worker = measure(command)
            first = first or wall
            print(f"| {name} | {wall:.1f} | {first / wall:.2f}x | {args.books / wall:.2f} | {own:.0f} | {worker:.0f} | "
                  f"{per_book_seconds(out):.2f} | {load} |", flush=True)
        print("load average (1/5/15 min) after: " + " / ".join(f"{value:.1f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()
