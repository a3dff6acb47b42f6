"""Refresh benchmark: xlsx-tools refresh vs a bare fastexcel read and the naive openpyxl/pandas approach.

    python bench/refresh_bench.py                 # 10k and 100k both ways, 1M fast only
    python bench/refresh_bench.py 10000 --naive-max 10000 --repeat 3

Each measurement runs in its own child process so wall time and peak memory (the
child's max RSS from wait4) belong to that run alone; with --repeat N each is the best
of N runs (on a shared machine the fastest run is the least disturbed one).  The read
baseline is the floor no refresh can beat: fastexcel loading the Ledger as text, as the
workbook adapter does, and nothing else; the ratio is refresh time / read time.  The naive approach is what a
script usually does: pandas.read_excel(engine="openpyxl"), a Python loop over the rows
for days/bucket/stage, then openpyxl load_workbook + a new Detail sheet + save.
"""
from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlsx_tools.core import i18n  # noqa: E402
from xlsx_tools.core.tables import OutputColumn, OutputTable  # noqa: E402
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile  # noqa: E402
from xlsx_tools.build.templates import write_template  # noqa: E402

AS_OF = dt.date(2026, 11, 28)


def make_ledger(path: Path, rows: int, seed: int = 7) -> Path:
    """A template workbook whose Ledger holds `rows` realistic invoices (written by the graft)."""
    rng = np.random.default_rng(seed)
    write_template(path, "zh")
    invoice_dates = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.integers(0, 500, rows), unit="D")
    due_dates = invoice_dates + pd.to_timedelta(rng.choice([30, 45, 60, 90], rows), unit="D")
    amount = rng.integers(10_000, 50_000_000, rows)
    paid = np.where(rng.random(rows) < 0.5, amount, (amount * rng.random(rows) * 0.5).astype("int64"))
    status = rng.choice(np.array(["", "", "", "", "", "", "争议", "暂停", "分期", "诉讼", "核销"], dtype=object), rows)
    frame = pd.DataFrame({
        "invoice_no": [f"INV{n:08d}" for n in range(rows)],
        "customer_id": [f"C{n:05d}" for n in rng.integers(0, max(rows // 20, 1), rows)],
        "business_line": rng.choice(np.array(["华东分销", "华南零售", "工程项目", "电商平台", "海外业务"], dtype=object), rows),
        "invoice_date": invoice_dates,
        "due_date": due_dates,
        "amount": amount,
        "paid": paid,
        "status": pd.Series(status).replace("", None),
    })
    labels = i18n.LEDGER_COLUMNS
    columns = (OutputColumn(labels["invoice_no"].zh), OutputColumn(labels["customer_id"].zh),
               OutputColumn(labels["business_line"].zh), OutputColumn(labels["invoice_date"].zh, "date"),
               OutputColumn(labels["due_date"].zh, "date"), OutputColumn(labels["amount"].zh, "money"),
               OutputColumn(labels["paid_amount"].zh, "money"), OutputColumn(labels["status"].zh))
    book = WorkbookFile(path)
    book.write_table(OutputTable(i18n.SHEETS["ledger"].zh, columns, frame, autofilter=False))
    book.commit()
    return path


READ_ONLY = r'''
import sys, fastexcel
sheet = fastexcel.read_excel(sys.argv[1]).load_sheet(sys.argv[2], header_row=None, dtypes="string", skip_rows=0)
sheet.to_arrow_with_errors()
'''

NAIVE = r'''
import datetime as dt, sys
import openpyxl, pandas as pd
path, as_of = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
ledger = pd.read_excel(path, sheet_name="应收台账", engine="openpyxl")
rows = []
for _, row in ledger.iterrows():
    open_amount = row["金额"] - (0 if pd.isna(row["已收金额"]) else row["已收金额"])
    days = (pd.Timestamp(as_of) - pd.Timestamp(row["到期日"])).days
    status = row["状态"] if isinstance(row["状态"], str) else ""
    if status == "核销" or open_amount <= 0: stage = "CLOSED"
    elif status == "诉讼": stage = "S5"
    elif status in ("争议", "暂停"): stage = "HOLD"
    elif status == "分期": stage = "PLAN"
    elif days < -15: stage = "S0"
    elif days <= 0: stage = "S1"
    elif days <= 7: stage = "S2"
    elif days <= 30: stage = "S3"
    elif days <= 90: stage = "S4"
    else: stage = "S5"
    bucket = next((label for edge, label in ((0, "未到期"), (30, "1-30天"), (60, "31-60天"), (90, "61-90天"),
                   (180, "91-180天"), (365, "181-365天")) if days <= edge), "365天以上")
    rows.append([row["单据号"], row["客户编号"], open_amount, days, bucket, stage])
book = openpyxl.load_workbook(path)
if "账龄明细" in book.sheetnames:
    del book["账龄明细"]
sheet = book.create_sheet("账龄明细")
sheet.append(["单据号", "客户编号", "未收金额", "逾期天数", "账龄区间", "催收阶段"])
for row in rows:
    sheet.append(row)
book.save(path)
'''


def measure(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds (user + system)) of one child process.

    On a loaded machine wall time mostly measures the other jobs; CPU time much less so."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{command[:3]} failed: {child.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def best_of(runs: int, command: list[str], path: Path, source: Path) -> tuple[float, float, float]:
    """The fastest of `runs` runs, each on a fresh copy of `source` (a refresh rewrites its workbook):
    the least wall time (with that run's peak memory) and the least CPU time."""
    timings = []
    for _ in range(runs):
        path.write_bytes(source.read_bytes())
        timings.append(measure(command))
    wall, peak, _ = min(timings)
    return wall, peak, min(cpu for _, _, cpu in timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size also run the naive way")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per measurement")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    # Bytecode as an installed package has it (pip compiles on install): without it every run
    # would compile ~100 modules (~0.6 s), which PYTHONDONTWRITEBYTECODE would repeat each time.
    compileall.compile_dir(ROOT / "xlsx_tools", quiet=1)
    env_python = [sys.executable]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            base = Path(folder) / f"ledger_{size}.xlsx"
            started = time.perf_counter()
            make_ledger(base, size)
            print(f"{size:>9,} rows: ledger built in {time.perf_counter() - started:.1f} s "
                  f"({base.stat().st_size / 1e6:.1f} MB)", flush=True)
            read = best_of(args.repeat, env_python + ["-c", READ_ONLY, str(base), i18n.SHEETS["ledger"].zh],
                           base.with_name(f"read_{size}.xlsx"), base)
            print(f"           bare fastexcel read: {read[0]:7.1f} s  peak {read[1]:7.0f} MB  cpu {read[2]:6.1f} s",
                  flush=True)
            fast_copy = base.with_name(f"fast_{size}.xlsx")
            fast = best_of(args.repeat, env_python + ["-m", "xlsx_tools", "refresh", str(fast_copy), "--as-of",
                                                      AS_OF.isoformat()], fast_copy, base)
            print(f"           xlsx-tools refresh: {fast[0]:7.1f} s  peak {fast[1]:7.0f} MB  cpu {fast[2]:6.1f} s  "
                  f"({fast[0] / read[0]:.1f}× the read; cpu {fast[2] / read[2]:.1f}×)", flush=True)
            naive = None
            if size <= args.naive_max:
                naive_copy = base.with_name(f"naive_{size}.xlsx")
                naive = best_of(args.repeat, env_python + ["-c", NAIVE, str(naive_copy), AS_OF.isoformat()],
                                naive_copy, base)
                print(f"           naive openpyxl/pandas: {naive[0]:7.1f} s  peak {naive[1]:7.0f} MB  cpu {naive[2]:6.1f} s",
                      flush=True)
            results.append((size, read, fast, naive))
            for path in Path(folder).glob(f"*_{size}.xlsx"):
                path.unlink()
    print("\n| rows | fastexcel read | xlsx-tools refresh | refresh / read | cpu refresh / read | peak memory "
          "| naive approach | naive peak | speed-up | cpu speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, read, fast, naive in results:
        naive_cells = (f"{naive[0]:.1f} s | {naive[1]:.0f} MB | {naive[0] / fast[0]:.1f}× | {naive[2] / fast[2]:.1f}×"
                       if naive else "not run | — | — | —")
        print(f"| {size:,} | {read[0]:.1f} s | {fast[0]:.1f} s | {fast[0] / read[0]:.1f}× | {fast[2] / read[2]:.1f}× "
              f"| {fast[1]:.0f} MB "
              f"| {naive_cells} |")


if __name__ == "__main__":
    main()
