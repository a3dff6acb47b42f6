"""The group's figures are the single-book refresh's, to the fen, with foreign-currency books too.

Two small books at 2026-06-30: Harbour (USD, EUR, HKD and CNY invoices and an FX sheet) and Inland
(CNY only).  Ocean Co is in both under one credit code.  Each book is refreshed on its own with
`xlsx-tools refresh --output`; the group run must show the same CNY amounts per subsidiary and their
sums for the group, and count warnings (not info lines) as refresh does.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.group.books import AS_OF, COMPANY, CUSTOMERS
from tests.workbooks import read_records, write_workbook
from xlsx_tools.cli import main

LEDGER = ["Invoice No", "Customer ID", "Customer Name", "Business Line", "Invoice Date", "Due Date", "Currency",
          "Amount", "Paid Amount", "Last Payment Date"]
OCEAN_CODE = "91440300MA5F000007"
BUCKETS = ("Not due", "1-30", "31-60", "61-90", "91-180", "181-365", ">365")
#: The Aging sheet's money columns and the same columns' names on Group Aging.
MONEY = {**{bucket: bucket for bucket in BUCKETS}, "Receivables": "Receivables", "Overdue Amount": "Overdue",
         "Provision": "Bad-debt Provision"}


def _write_books(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True)
    harbour = write_workbook(folder / "harbour.xlsx", {
        "Ledger": [LEDGER,
                   ["H-1", "C1", "Ocean Co", "Export", "2026-05-01", "2026-06-15", "USD", 1234.57, 0, None],
                   ["H-2", "C2", "Rhine GmbH", "Export", "2026-02-01", "2026-03-03", "EUR", 2000.33, 500.11,
                    "2026-04-02"],
                   ["H-3", "C1", "Ocean Co", "Domestic", "2026-06-20", "2026-07-20", "CNY", 5000, 0, None],
                   ["H-4", "C3", "Kowloon Ltd", "Export", "2026-06-01", "2026-06-10", "HKD", 999.99, 0, None]],
        "FX": [["Currency", "Date", "Rate to CNY"], ["USD", "2026-06-01", 7.1234], ["EUR", "2026-05-31", 7.8765],
               ["HKD", "2026-06-30", 0.9123]],
        "Customers": [CUSTOMERS, ["C1", "Ocean Co", 20000, OCEAN_CODE]],
        "Company": [COMPANY, ["name", "Harbour Trading"]],
    })
    inland = write_workbook(folder / "inland.xlsx", {
        "Ledger": [LEDGER,
                   ["I-1", "C9", "Ocean Co", "Domestic", "2026-04-01", "2026-05-01", None, 30000, 0, None],
                   ["I-2", "C8", "Hill Co", "Domestic", "2026-06-01", "2026-06-25", None, 1234.56, 0, None]],
        "Customers": [CUSTOMERS, ["C9", "Ocean Co", 10000, OCEAN_CODE]],
        "Company": [COMPANY, ["name", "Inland Sales"]],
    })
    return {"Harbour Trading": harbour, "Inland Sales": inland}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """One group run over both books (one worker) and one `refresh --output` of each book."""
    folder = tmp_path_factory.mktemp("group_fx")
    books = _write_books(folder / "books")
    out, err = io.StringIO(), io.StringIO()
    code = main(["group", *map(str, books.values()), "--out", str(folder / "group.xlsx"), "--as-of", AS_OF,
                 "--lang", "en", "--workers", "1"], out, err)
    assert code == 0, err.getvalue()
    single = {}
    for name, path in books.items():
        refreshed = folder / f"refreshed_{path.name}"
        assert main(["refresh", str(path), "--output", str(refreshed), "--as-of", AS_OF, "--lang", "en"],
                    io.StringIO(), io.StringIO()) == 0
        single[name] = refreshed
    return {"group": folder / "group.xlsx", "single": single, "out": out.getvalue()}


def _fen(value) -> int:
    return round((value or 0) * 100)


def _total(refreshed: Path) -> dict:
    """The total row of a refreshed book's Aging sheet."""
    return next(row for row in read_records(refreshed, "Aging") if row["Business Line"] == "Total")


def test_group_aging__each_subsidiarys_rows_are_its_refreshed_aging_rows_in_cny(runs):
    group = read_records(runs["group"], "Group Aging")
    for name, path in runs["single"].items():
        own = [[_fen(row[c]) for c in MONEY] for row in read_records(path, "Aging")]
        mine = [[_fen(row[c]) for c in MONEY.values()] for row in group if row["Subsidiary"] == name]
        assert mine == own, name


def test_group_aging__the_group_row_is_the_sum_of_the_refreshed_totals_to_the_fen(runs):
    totals = [_total(path) for path in runs["single"].values()]
    group = next(r for r in read_records(runs["group"], "Group Aging") if r["Subsidiary"] == "Group")
    assert [_fen(group[c]) for c in MONEY.values()] == [sum(_fen(t[c]) for t in totals) for c in MONEY]
    # USD 1,234.57 × 7.1234 = 8,794.34, HKD 999.99 × 0.9123 = 912.29 and Inland's 1,234.56 CNY are 1-30
    # days overdue; EUR 1,500.22 open × 7.8765 = 11,816.48 is 119 days (each rounded half up to the fen)
    assert _fen(group["1-30"]) == 879_434 + 91_229 + 123_456
    assert _fen(group["91-180"]) == 1_181_648


def test_group_kpis_and_priority__agree_with_the_refreshed_books(runs):
    kpis = {row["Subsidiary"]: row for row in read_records(runs["group"], "Group KPIs")}
    receivables = {name: _fen(_total(path)["Receivables"]) for name, path in runs["single"].items()}
    assert {name: _fen(kpis[name]["Receivables"]) for name in receivables} == receivables
    assert _fen(kpis["Group"]["Receivables"]) == sum(receivables.values())
    opened = sum(_fen(row["Open Balance"]) for path in runs["single"].values()
                 for row in read_records(path, "Priority"))
    assert sum(_fen(row["Open Balance"]) for row in read_records(runs["group"], "Group Priority")) == opened
    ocean = next(row for row in read_records(runs["group"], "Group Priority") if row["Customer Name"] == "Ocean Co")
    assert _fen(ocean["Open Balance"]) == 879_434 + 500_000 + 3_000_000


def test_sources__warnings_count_warnings_only_as_refresh_does(runs):
    sources = {row["Subsidiary"]: row for row in read_records(runs["group"], "Sources")}
    for name, path in runs["single"].items():
        issues = read_records(path, "Issues")
        severities = [row["Severity"] for row in issues]
        assert "info" in severities                       # the books have info lines, which are no warnings
        assert (sources[name]["Errors"], sources[name]["Warnings"]) == \
            (severities.count("error"), severities.count("warning")), name
        assert f"{name}: " in runs["out"] and f"{severities.count('warning')} warnings" in \
            next(line for line in runs["out"].splitlines() if f"{name}: " in line)
