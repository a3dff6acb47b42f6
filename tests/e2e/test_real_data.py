"""Refresh a ledger built from the IBM late-payment histories and check it against the data.

The ledger at an as-of date holds the invoices issued on/before that day and settled after
it (so still open).  Expected ages and stages are derived here from the dataset's own dates
with a plain reading of the contract's ladder, independent of the product's code.
"""
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from xlsx_tools.cli import main
from tests.workbooks import read_records, write_workbook

DATASET_NAME = Path("shared") / "datasets" / "ibm_late_payment_histories.csv"
# The shared/ folder lies beside the checkout (here and in CI); XLSX_TOOLS_SHARED overrides.
_CANDIDATES = [Path(os.environ["XLSX_TOOLS_SHARED"]) / DATASET_NAME.relative_to("shared")] \
    if os.environ.get("XLSX_TOOLS_SHARED") else []
_CANDIDATES += [folder / DATASET_NAME for folder in Path(__file__).resolve().parents]
DATASET = next((path for path in _CANDIDATES if path.exists()), _CANDIDATES[0])


def expected_stage(days: int, disputed: bool) -> str:
    if disputed:
        return "HOLD"
    if days < -15:
        return "S0"
    if days <= 0:
        return "S1"
    if days <= 7:
        return "S2"
    if days <= 30:
        return "S3"
    if days <= 90:
        return "S4"
    return "S5"


@pytest.fixture(scope="module")
def dataset() -> pd.DataFrame:
    if not DATASET.exists():
        pytest.skip(f"dataset not found at {DATASET}")
    data = pd.read_csv(DATASET, dtype=str)
    for column in ("InvoiceDate", "DueDate", "SettledDate"):
        data[column] = pd.to_datetime(data[column], format="%m/%d/%Y").dt.date
    return data


@pytest.mark.parametrize("as_of", [dt.date(2012, 6, 30), dt.date(2013, 3, 31), dt.date(2013, 11, 30)])
def test_real_data__refresh_matches_the_datasets_dates_and_amounts(dataset, as_of, tmp_path):
    open_rows = dataset[(dataset["InvoiceDate"] <= as_of) & (dataset["SettledDate"] > as_of)]
    assert len(open_rows) > 50
    ledger = [["Invoice No", "Customer ID", "Business Line", "Invoice Date", "Due Date", "Amount", "Status"]]
    for n, row in enumerate(open_rows.itertuples()):
        # Alternate date cells and text dates so both reader paths see real data.
        due = row.DueDate if n % 2 else row.DueDate.strftime("%Y/%m/%d")
        ledger.append([row.invoiceNumber, row.customerID, f"Country {row.countryCode}", row.InvoiceDate, due,
                       float(row.InvoiceAmount), "disputed" if row.Disputed == "Yes" else ""])
    book = write_workbook(tmp_path / "ibm.xlsx", {"Ledger": ledger})
    assert main(["refresh", str(book), "--as-of", as_of.isoformat(), "--lang", "en"]) == 0

    detail = {r["Invoice No"]: r for r in read_records(book, "Detail")}
    assert len(detail) == len(open_rows)
    for row in open_rows.itertuples():
        got = detail[row.invoiceNumber]
        days = (as_of - row.DueDate).days
        assert got["Days Past Due"] == days
        assert got["Stage"] == expected_stage(days, row.Disputed == "Yes")
        assert Decimal(str(got["Open Amount"])) == Decimal(row.InvoiceAmount).quantize(Decimal("0.01"))

    priority = {r["Customer ID"]: r for r in read_records(book, "Priority")}
    for customer, rows in open_rows.groupby("customerID"):
        amounts = [Decimal(a) for a in rows["InvoiceAmount"]]
        late = [Decimal(a) for a, due in zip(rows["InvoiceAmount"], rows["DueDate"]) if (as_of - due).days >= 1]
        got = priority[customer]
        assert Decimal(str(got["Open Balance"])) == sum(amounts)
        assert Decimal(str(got["Overdue Amount"])) == sum(late, Decimal(0))
        assert got["Max Days Past Due"] == max((as_of - due).days for due in rows["DueDate"])
    assert [r["Rank"] for r in read_records(book, "Priority")] == list(range(1, len(priority) + 1))

    aging = {r["Business Line"]: r for r in read_records(book, "Aging")}
    assert Decimal(str(aging["Total"]["Receivables"])) == sum(Decimal(a) for a in open_rows["InvoiceAmount"])
