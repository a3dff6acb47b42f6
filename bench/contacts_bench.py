"""Contacts benchmark: refresh of a ledger with and without a large Contacts · 联络记录 sheet.

    python bench/contacts_bench.py                    # 100k ledger rows, 200k contacts
    python bench/contacts_bench.py --rows 10000 --contacts 20000

The bar (issue 11): with 200k contacts, refresh of a 100k-row ledger stays within 1.5× of
the same ledger without them.  Both runs are `xlsx-tools refresh` in a child process
(wall time, CPU time and peak RSS of that child alone), on byte-identical ledgers, the two
alternated and each the best of --repeat runs.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from refresh_bench import AS_OF, make_ledger, measure  # noqa: E402
from xlsx_tools.core import i18n  # noqa: E402
from xlsx_tools.core.tables import OutputColumn, OutputTable  # noqa: E402
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile  # noqa: E402


def add_contacts(path: Path, rows: int, customers: int, seed: int = 11) -> None:
    """`rows` contacts over the last 90 days for the ledger's customers, mostly in office hours:
    calls, e-mails, visits, promises, unanswered attempts, a few third parties, night calls and
    banned words, so every rule runs."""
    rng = np.random.default_rng(seed)
    days = pd.to_timedelta(rng.integers(0, 90, rows), unit="D")
    clock = np.where(rng.random(rows) < 0.002, rng.integers(22 * 3600 + 60, 23 * 3600, rows),   # a few night calls
                     rng.integers(8 * 3600 + 30 * 60, 19 * 3600, rows))
    stamps = pd.Timestamp(AS_OF) - days + pd.to_timedelta(clock, unit="s")
    channel = rng.choice(np.array(["电话", "电话", "电话", "邮件", "微信", "短信", "上门拜访", "函件"], dtype=object), rows)
    outcome = rng.choice(np.array(["其他", "未接通/未回复", "承诺还款", "拒绝还款", "提出异议", "已付款", "联系方式失效"],
                                  dtype=object), rows, p=[0.4, 0.25, 0.15, 0.08, 0.05, 0.06, 0.01])
    promise = outcome == "承诺还款"
    promised = (stamps.normalize() + pd.to_timedelta(rng.integers(1, 15, rows), unit="D")).strftime("%Y-%m-%d")
    relation = rng.choice(np.array([None, "财务部门", "上级负责人", "其他第三方"], dtype=object), rows,
                          p=[0.89, 0.06, 0.049, 0.001])
    frame = pd.DataFrame({
        "contact_time": stamps.strftime("%Y-%m-%d %H:%M:%S"),
        "customer_id": [f"C{n:05d}" for n in rng.integers(0, customers, rows)],
        "channel": channel,
        "relation": relation,
        "outcome": outcome,
        "promised_date": pd.Series(promised).where(promise, None),
        "promised_amount": pd.Series(rng.integers(100_00, 5_000_000_00, rows)).where(promise),
        "collector": rng.choice(np.array(["张伟", "王芳", "刘洋", None], dtype=object), rows),
        "note": rng.choice(np.array([None, "已提醒", "客户称下周付款", "威胁曝光"], dtype=object), rows,
                           p=[0.5, 0.3, 0.199, 0.001]),
    })
    labels = i18n.CONTACT_COLUMNS
    columns = tuple(OutputColumn(labels[key].zh, "money" if key == "promised_amount" else "text")
                    for key in ("contact_time", "customer_id", "channel", "relation", "outcome", "promised_date",
                                "promised_amount", "collector", "note"))
    frame = frame.rename(columns={"promised_amount": "amount"})
    book = WorkbookFile(path)
    book.write_table(OutputTable(i18n.SHEETS["contacts"].zh, columns, frame, autofilter=False),
                     replaces=i18n.SHEETS["contacts"].zh)
    book.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="ledger rows")
    parser.add_argument("--contacts", type=int, default=200_000, help="Contacts rows")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (alternated), the best is reported")
    args = parser.parse_args()
    refresh = [sys.executable, "-m", "xlsx_tools", "refresh"]
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain.xlsx"
        make_ledger(plain, args.rows)
        with_contacts = Path(folder) / "contacts.xlsx"
        with_contacts.write_bytes(plain.read_bytes())
        started = time.perf_counter()
        add_contacts(with_contacts, args.contacts, max(args.rows // 20, 1))
        print(f"built: {args.rows:,} ledger rows; + {args.contacts:,} contacts in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        runs: dict[str, list[tuple[float, float, float]]] = {"without Contacts": [], "with Contacts": []}
        for _ in range(args.repeat):              # alternated, so both see the same machine load
            for name, source in (("without Contacts", plain), ("with Contacts", with_contacts)):
                copy = source.with_name(f"run_{source.name}")
                copy.write_bytes(source.read_bytes())
                runs[name].append(measure(refresh + [str(copy), "--as-of", AS_OF.isoformat()]))
        best = {name: (min(r[0] for r in found), min(r[1] for r in found), min(r[2] for r in found))
                for name, found in runs.items()}
        for name, (wall, peak, cpu) in best.items():
            print(f"{name:>17}: {wall:7.1f} s wall  {cpu:7.1f} s CPU  peak {peak:7.0f} MB", flush=True)
    plain_run, contacts_run = best["without Contacts"], best["with Contacts"]
    print(f"\n| ledger rows | contacts | without (wall / CPU) | with (wall / CPU) | ratio wall | ratio CPU |\n"
          f"|---:|---:|---:|---:|---:|---:|\n"
          f"| {args.rows:,} | {args.contacts:,} | {plain_run[0]:.1f} s / {plain_run[2]:.1f} s | "
          f"{contacts_run[0]:.1f} s / {contacts_run[2]:.1f} s | {contacts_run[0] / plain_run[0]:.2f}× | "
          f"{contacts_run[2] / plain_run[2]:.2f}× |")

if __name__ == "__main__":
    main()
