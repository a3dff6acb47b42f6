"""Three small subsidiaries' books with overlapping customers, and one broken book.

Hand-computed at 2026-06-30:
- Huatai is in Alpha (C001) and Beta (H-9) under the same credit code (Beta's typed in lower case
  with spaces): open 100,000.00 + 30,000.00 = 130,000.00, all overdue (30 and 120 days);
  credit limits 80,000.00 + 10,000.00 = 90,000.00, so it is over its combined limit.
- Delta Ltd is C002 in Alpha and Gamma, no code: open 40,000.00 (not due) + 60,000.00 (90 days)
  = 100,000.00, overdue 60,000.00; only Alpha has a limit (100,000.00): not over.
- Beta's C002 is another company (Other Co): open 15,000.00 overdue (10 days), on its own.
Gamma's second row has no usable due date: an input error, left out like refresh does.
Group open 245,000.00; overdue 205,000.00.
"""
from __future__ import annotations

from pathlib import Path

from tests.workbooks import write_workbook

AS_OF = "2026-06-30"
HUATAI_CODE = "91310000MA1K000001"
LEDGER = ["Invoice No", "Customer ID", "Customer Name", "Business Line", "Invoice Date", "Due Date", "Amount",
          "Paid Amount", "Last Payment Date"]
CUSTOMERS = ["Customer ID", "Customer Name", "Credit Limit", "Unified Social Credit Code"]
COMPANY = ["Item", "Value"]


def write_books(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    alpha = write_workbook(folder / "alpha.xlsx", {
        "Ledger": [LEDGER,
                   ["A-1", "C001", "Huatai", "Steel", "2026-04-01", "2026-05-31", 100000, 0, None],
                   ["A-2", "C002", "Delta Ltd", "Steel", "2026-06-15", "2026-07-15", 50000, 10000, "2026-06-20"],
                   ["A-3", "C001", "Huatai", "Steel", "2026-03-01", "2026-04-30", 20000, 20000, "2026-06-10"]],
        "Customers": [CUSTOMERS, ["C001", "Huatai", 80000, HUATAI_CODE], ["C002", "Delta Ltd", 100000, None]],
        "Company": [COMPANY, ["name", "Alpha Trading Co."]],
    })
    beta = write_workbook(folder / "beta_books.xlsx", {
        "Ledger": [LEDGER,
                   ["B-1", "H-9", "Huatai (Shanghai)", "Chem", "2026-01-01", "2026-03-02", 30000, 0, None],
                   ["B-2", "C002", "Other Co", "Chem", "2026-05-20", "2026-06-20", 20000, 5000, "2026-06-25"]],
        "Customers": [CUSTOMERS, ["H-9", "Huatai (Shanghai)", 10000, " 91310000ma1k 000001 "]],
    })
    gamma = write_workbook(folder / "gamma.xlsx", {
        "Ledger": [LEDGER, ["G-1", "C002", "Delta Ltd", "Steel", "2026-03-01", "2026-04-01", 60000, 0, None],
                   ["G-2", "C002", "Delta Ltd", "Steel", "2026-03-01", "someday", 999, 0, None]],  # an input error
        "Company": [COMPANY, ["name", "Gamma Ltd"]],
    })
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "broken": broken}
