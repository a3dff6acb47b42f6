"""KPIs and charts benchmark: what the period figures and the native charts add to a refresh.

    python bench/kpis_bench.py              # 100,000 rows
    python bench/kpis_bench.py 10000

One full refresh of a template workbook whose Ledger holds N invoices (5 business lines,
12 owners, last payment dates spread over 15 months), with timers around the three steps
issue 12 added: the KPI pass (12 months rebuilt from dated payments, 3 splits, the owner
bonus, this month's Snapshots rows), the KPIs sheet and chart layouts, and putting the
charts into the package.  The rest of the refresh is the baseline they are compared with.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import xlsx_tools as xt  # noqa: E402
from xlsx_tools.build.templates import write_template  # noqa: E402
from xlsx_tools.core import i18n, refresh as core_refresh  # noqa: E402
from xlsx_tools.core.passes import kpis  # noqa: E402
from xlsx_tools.core.tables import OutputColumn, OutputTable  # noqa: E402
from xlsx_tools.io.xlsx import graft  # noqa: E402
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile  # noqa: E402
from xlsx_tools.present import sheets  # noqa: E402

AS_OF = dt.date(2026, 11, 28)
SPENT: dict[str, float] = defaultdict(float)


def make_ledger(path: Path, rows: int, seed: int = 12) -> Path:
    rng = np.random.default_rng(seed)
    write_template(path, "zh")
    invoice_dates = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.integers(0, 450, rows), unit="D")
    due_dates = invoice_dates + pd.to_timedelta(rng.choice([30, 45, 60, 90], rows), unit="D")
    amount = rng.integers(10_000, 50_000_000, rows)
    paid = np.where(rng.random(rows) < 0.5, amount, (amount * rng.random(rows) * 0.5).astype("int64"))
    paid_on = (due_dates + pd.to_timedelta(rng.integers(-20, 120, rows), unit="D")).where(paid > 0)
    paid_on = paid_on.where(paid_on <= pd.Timestamp(AS_OF), pd.Timestamp(AS_OF))
    labels = i18n.LEDGER_COLUMNS
    frame = pd.DataFrame({
        "invoice_no": [f"INV{n:08d}" for n in range(rows)],
        "customer_id": [f"C{n:05d}" for n in rng.integers(0, max(rows // 20, 1), rows)],
        "business_line": rng.choice(np.array(["华东分销", "华南零售", "工程项目", "电商平台", "海外业务"], dtype=object), rows),
        "sales_owner": rng.choice(np.array([f"销售{n:02d}" for n in range(12)], dtype=object), rows),
        "invoice_date": invoice_dates, "due_date": due_dates, "amount": amount, "paid": paid,
        "last_payment_date": paid_on,
    })
    columns = tuple(OutputColumn(labels[key].zh, kind) for key, kind in (
        ("invoice_no", "text"), ("customer_id", "text"), ("business_line", "text"), ("sales_owner", "text"),
        ("invoice_date", "date"), ("due_date", "date"), ("amount", "money"), ("paid_amount", "money"),
        ("last_payment_date", "date")))
    book = WorkbookFile(path)
    book.write_table(OutputTable(i18n.SHEETS["ledger"].zh, columns, frame, autofilter=False))
    book.commit()
    return path


def timed(name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - started
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    args = parser.parse_args()
    core_refresh.PASSES = tuple(core_refresh.Step(timed("KPI pass", step.run), step.reports)
                                if step.run is kpis.run else step for step in core_refresh.PASSES)
    sheets.kpis_table = timed("KPIs sheet layout", sheets.kpis_table)
    sheets.with_charts = timed("chart layouts", sheets.with_charts)
    graft._place_drawings = timed("charts into the package", graft._place_drawings)
    with tempfile.TemporaryDirectory() as folder:
        path = make_ledger(Path(folder) / "ledger.xlsx", args.rows)
        started = time.perf_counter()
        xt.refresh(xt.open_workbook(path), as_of=AS_OF)
        total = time.perf_counter() - started
    added = sum(SPENT.values())
    print(f"{args.rows:,} rows: refresh {total:.2f} s, of which issue 12 added {added:.2f} s "
          f"(+{added / (total - added):.1%} over the {total - added:.2f} s baseline)")
    for name, seconds in SPENT.items():
        print(f"  {name:<26} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
