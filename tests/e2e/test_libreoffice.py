"""LibreOffice, a real spreadsheet engine, opens refreshed workbooks and reads our numbers back."""
import csv
import io
from decimal import Decimal

import pytest

from xlsx_tools.cli import main
from xlsx_tools.build.demo import build_demo_workbook
from tests.e2e.conftest import AS_OF
from tests.libreoffice import convert_to_csv, soffice_or_skip
from tests.workbooks import read_records


@pytest.fixture(scope="module")
def refreshed_demo(tmp_path_factory):
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("lo")
    book = build_demo_workbook(folder / "demo.xlsx", as_of=AS_OF, lang="en")
    assert main(["refresh", str(book), "--as-of", AS_OF.isoformat()], out=io.StringIO(), err=io.StringIO()) == 0
    sheets = convert_to_csv(book, folder / "csv", folder / "profile")
    return book, sheets


def csv_records(sheets, name):
    path = next(p for stem, p in sheets.items() if stem.endswith(f"-{name}"))
    records = []
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if not any(record.values()):
                break  # the table ends at the first blank row; note lines may follow
            records.append(record)
    return records


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else Decimal(0)


def test_libreoffice__detail_numbers_read_back_equal(refreshed_demo):
    book, sheets = refreshed_demo
    ours = read_records(book, "Detail")
    theirs = csv_records(sheets, "Detail")
    assert len(theirs) == len(ours) > 500
    for mine, lo in zip(ours, theirs):
        assert lo["Invoice No"] == mine["Invoice No"]
        assert money(lo["Open Amount"]) == Decimal(str(mine["Open Amount"])).quantize(Decimal("0.01"))
        assert int(lo["Days Past Due"]) == mine["Days Past Due"]
        assert lo["Stage"] == mine["Stage"]
        assert lo["Due Date"] == mine["Due Date"].date().isoformat()


def test_libreoffice__priority_numbers_read_back_equal(refreshed_demo):
    book, sheets = refreshed_demo
    ours = read_records(book, "Priority")
    theirs = csv_records(sheets, "Priority")
    assert [r["Customer ID"] for r in theirs] == [r["Customer ID"] for r in ours]
    for mine, lo in zip(ours, theirs):
        assert money(lo["Open Balance"]) == Decimal(str(mine["Open Balance"])).quantize(Decimal("0.01"))
        assert money(lo["Overdue Amount"]) == Decimal(str(mine["Overdue Amount"])).quantize(Decimal("0.01"))
        assert lo["Key Target"] == mine["Key Target"]
    assert sum(money(r["Open Balance"]) for r in theirs) == \
        sum(Decimal(str(r["Open Balance"])).quantize(Decimal("0.01")) for r in ours)
