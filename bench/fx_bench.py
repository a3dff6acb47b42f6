"""What the FX pass (issue 12) costs a refresh: the core `compute` on one ledger with and
without the pass, side by side.

    python bench/fx_bench.py                      # 100k rows, best of 5
    python bench/fx_bench.py 20000 --repeat 3 --foreign 0.1

Two ledgers of the same rows: one all CNY (what every existing workbook pays for the pass) and
one with a share of USD/EUR/HKD rows and an FX sheet of month-end rates.  The sheets are built
in memory (no xlsx reading or writing: that part does not change), and after one warm-up run
the two set-ups are run alternately so a busy machine slows both alike; each figure is the best
of N.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlsx_tools.core import refresh  # noqa: E402
from xlsx_tools.core.passes import fx  # noqa: E402
from xlsx_tools.core.refresh import RefreshInputs, compute  # noqa: E402
from xlsx_tools.core.tables import RawSheet, column_letter  # noqa: E402

AS_OF = dt.date(2026, 11, 28)


def raw(name: str, header: list[str], columns: list[list[str]]) -> RawSheet:
    frame = pd.DataFrame({n: [title] + list(values) for n, (title, values) in enumerate(zip(header, columns))},
                         dtype="string")
    letters = tuple(column_letter(n + 1) for n in range(len(header)))
    frame.columns = list(letters)
    return RawSheet(name, frame, 1, letters)


def ledger(rows: int, foreign: float, seed: int = 7) -> RawSheet:
    rng = np.random.default_rng(seed)
    invoice = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.integers(0, 500, rows), unit="D")
    due = invoice + pd.to_timedelta(rng.choice([30, 45, 60, 90], rows), unit="D")
    amount = rng.integers(10_000, 50_000_000, rows)
    paid = np.where(rng.random(rows) < 0.5, amount, (amount * rng.random(rows) * 0.5).astype("int64"))
    currency = np.where(rng.random(rows) < foreign, rng.choice(np.array(["USD", "EUR", "HKD"]), rows), "CNY")
    return raw("应收台账", ["单据号", "客户编号", "业务线", "开票日期", "到期日", "币种", "金额", "已收金额"], [
        [f"INV{n:08d}" for n in range(rows)],
        [f"C{n:05d}" for n in rng.integers(0, max(rows // 20, 1), rows)],
        list(rng.choice(np.array(["华东分销", "华南零售", "工程项目", "电商平台", "海外业务"]), rows)),
        [d.date().isoformat() for d in invoice], [d.date().isoformat() for d in due], list(currency),
        [f"{a / 100:.2f}" for a in amount], [f"{p / 100:.2f}" for p in paid]])


def fx_sheet() -> RawSheet:
    ends = pd.date_range(end=pd.Timestamp(AS_OF), periods=18, freq="ME")
    rows = [(code, day.date().isoformat(), f"{level * (1 + 0.002 * n):.4f}")
            for code, level in (("USD", 7.18), ("EUR", 7.82), ("HKD", 0.921)) for n, day in enumerate(ends)]
    return raw("汇率", ["币种", "日期", "折合人民币汇率"], [list(column) for column in zip(*rows)])


def timed(inputs: RefreshInputs, passes) -> float:
    refresh.PASSES = passes
    start = time.perf_counter()
    compute(inputs, as_of=AS_OF)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--foreign", type=float, default=0.1, help="share of foreign-currency rows")
    args = parser.parse_args(argv)
    with_fx = refresh.PASSES
    without_fx = tuple(step for step in with_fx if step.run is not fx.run)
    cases = {"CNY only": RefreshInputs(ledger=ledger(args.rows, 0.0)),
             f"{args.foreign:.0%} foreign + FX sheet": RefreshInputs(ledger=ledger(args.rows, args.foreign),
                                                                     fx=fx_sheet())}
    print(f"{args.rows:,} rows, core compute, best of {args.repeat} (s)")
    print(f"{'ledger':<26}{'without FX pass':>17}{'with FX pass':>14}{'cost':>9}")
    for name, inputs in cases.items():
        best = {"without": float("inf"), "with": float("inf")}
        timed(inputs, without_fx)                                 # warm-up: first-call caches
        for _ in range(args.repeat):
            best["without"] = min(best["without"], timed(inputs, without_fx))
            best["with"] = min(best["with"], timed(inputs, with_fx))
        refresh.PASSES = with_fx
        cost = best["with"] - best["without"]
        print(f"{name:<26}{best['without']:>17.2f}{best['with']:>14.2f}{cost:>+8.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
