"""Time the xlsx graft: generate + graft an output sheet into a workbook holding a ledger.

    python bench/write_bench.py 100000 1000000          # graft only
    python bench/write_bench.py 100000 --openpyxl       # also openpyxl load+save (slow)
    python bench/write_bench.py 1000000 --levels        # deflate level 1 vs 6 on the sheet XML

The input workbook (a 9-column ledger of N rows) is itself built with the graft.

Measured on the 2-core dev machine (2026-11, 15 columns, ~10% filled rows):
    100k rows: stage 0.04 s + commit 0.4-0.6 s        (openpyxl load+append+save: 38.6 s)
    1M rows:   stage 0.3 s  + commit 3.3-3.7 s (820 MB of sheet XML, 171 MB deflated)
    deflate of that XML, one thread: level 1 4.0 s -> 171 MB, level 6 13.5 s -> 133 MB
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlsx_tools.core.tables import OutputColumn, OutputTable  # noqa: E402
from xlsx_tools.io.xlsx.sheet_xml import SheetXml  # noqa: E402
from xlsx_tools.io.xlsx.styles import merge_styles  # noqa: E402
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile  # noqa: E402

KINDS15 = ["text", "text", "money", "int", "date", "text", "money", "money", "percent",
           "decimal", "text", "int", "money", "text", "date"]


def make_table(name: str, n: int, kinds: list[str], seed: int = 1, fills: bool = True) -> OutputTable:
    rng = np.random.default_rng(seed)
    names = np.array([f"客户{i:04d}有限公司" for i in range(2000)], dtype=object)
    data = {}
    for j, kind in enumerate(kinds):
        if kind == "text":
            data[f"c{j}"] = pd.Series(names[rng.integers(0, 2000, n)], dtype="str")
        elif kind == "money":
            data[f"c{j}"] = pd.array(rng.integers(-10**8, 10**9, n), dtype="Int64")
        elif kind == "int":
            data[f"c{j}"] = rng.integers(-100, 1000, n)
        elif kind == "date":
            data[f"c{j}"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
        else:
            data[f"c{j}"] = rng.random(n)
    cols = tuple(OutputColumn(f"列{j}", k) for j, k in enumerate(kinds))
    row_fills = pd.Series(np.where(rng.random(n) < 0.1, "FFF2CC", None)) if fills else None
    cell_fills = {2: pd.Series(np.where(rng.random(n) < 0.05, "FFC7CE", None))} if fills else {}
    return OutputTable(name, cols, pd.DataFrame(data), row_fills=row_fills, cell_fills=cell_fills)


def build_input(folder: Path, n: int) -> Path:
    path = folder / f"ledger_{n}.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Policy"
    wb.active["A1"] = "as_of"
    wb.save(path)
    ledger = make_table("应收台账", n, ["text", "text", "text", "text", "date", "date", "money", "money", "text"],
                        seed=7, fills=False)
    f = WorkbookFile(path)
    f.write_table(ledger)
    f.commit()
    return path


def bench(n: int, folder: Path, openpyxl_too: bool) -> None:
    src = build_input(folder, n)
    table = make_table("账龄明细", n, KINDS15)
    for run in range(2):
        work = folder / f"work_{n}_{run}.xlsx"
        shutil.copyfile(src, work)
        t0 = time.perf_counter()
        f = WorkbookFile(work)
        f.write_table(table)
        t1 = time.perf_counter()
        f.commit()
        t2 = time.perf_counter()
        print(f"{n:>9,} rows x 15 cols  stage {t1 - t0:5.2f} s  commit {t2 - t1:5.2f} s  "
              f"total {t2 - t0:5.2f} s  (input {src.stat().st_size / 1e6:.0f} MB, "
              f"output {work.stat().st_size / 1e6:.0f} MB)", flush=True)
        t0 = time.perf_counter()
        WorkbookFile(work).read_sheet("账龄明细")
        print(f"{'':>9}  read back with fastexcel {time.perf_counter() - t0:5.2f} s", flush=True)
    if openpyxl_too:
        work = folder / f"work_{n}_openpyxl.xlsx"
        shutil.copyfile(src, work)
        t0 = time.perf_counter()
        wb = openpyxl.load_workbook(work)
        ws = wb.create_sheet("账龄明细")
        for row in table.frame.head(n).itertuples(index=False):
            ws.append([None if pd.isna(v) else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
                       for v in row])
        wb.save(work)
        print(f"{n:>9,} openpyxl load + append + save {time.perf_counter() - t0:6.2f} s", flush=True)


def levels(n: int) -> None:
    sheet = SheetXml(make_table("账龄明细", n, KINDS15))
    _, xf = merge_styles(None, sheet.styles_needed())
    t0 = time.perf_counter()
    data = b"".join(bytes(p) for p in sheet.render(xf))
    print(f"generate {n:,} x 15: {time.perf_counter() - t0:.2f} s, {len(data) / 1e6:.0f} MB XML")
    for level in (1, 6):
        t0 = time.perf_counter()
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        size = len(comp.compress(data)) + len(comp.flush())
        print(f"deflate level {level} (1 thread): {time.perf_counter() - t0:.2f} s -> {size / 1e6:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int, nargs="+")
    ap.add_argument("--openpyxl", action="store_true")
    ap.add_argument("--levels", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.rows:
            if args.levels:
                levels(n)
            else:
                bench(n, Path(tmp), args.openpyxl)


if __name__ == "__main__":
    main()
