"""`xlsx-tools group`: the hand-computed group view, read-only books, a broken book reported."""
from __future__ import annotations

import re

import openpyxl
import pytest

from tests.group.books import HUATAI_CODE
from tests.workbooks import read_records


def test_group__books_are_byte_identical_after_the_run(group_run):
    assert {name: path.read_bytes() for name, path in group_run["books"].items()} == group_run["before"]


def test_group__broken_book_is_reported_and_the_others_go_on(group_run):
    assert group_run["code"] == 1
    assert "broken.xlsx: left out" in group_run["err"]
    sources = read_records(group_run["path"], "Sources")
    assert [s["Subsidiary"] for s in sources] == ["Alpha Trading Co.", "beta_books", "broken", "Gamma Ltd"]
    assert [s["Ledger Rows"] for s in sources] == [3, 2, None, 1]
    assert [s["Errors"] for s in sources] == [0, 0, None, 1]
    assert sources[3]["Status"] == "Included; input errors (valid rows used)"
    assert sources[2]["Status"].startswith("Left out: ")
    assert all(s["SHA-256"] and len(s["SHA-256"]) == 64 for s in sources)
    assert "Group view written to" in group_run["out"]


def test_group__one_progress_line_per_book_started_and_done_or_failed_on_stderr(group_run):
    lines = [line.split("] ", 1)[1] for line in group_run["err"].splitlines() if line.startswith("[")]
    for name in ("alpha.xlsx", "beta_books.xlsx", "broken.xlsx", "gamma.xlsx"):
        events = [line for line in lines if name in line]
        assert len(events) == 2 and events[0] == f"started: {name}", events
    done = [line for line in lines if "started: " not in line]
    assert [line.split("] ")[0] for line in done] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert any(re.fullmatch(r"\[\d/4\] done: alpha\.xlsx: 3 rows, \d+\.\ds", line) for line in done)
    assert any(re.fullmatch(r"\[\d/4\] done: gamma\.xlsx: 1 rows, \d+\.\ds", line) for line in done)
    assert any(line.startswith("[") and "] failed: broken.xlsx: " in line and "workbook" in line.lower()
               for line in done), done
    assert not any("started" in line or "done:" in line for line in group_run["out"].splitlines())


def test_group_priority__customers_matched_by_code_then_id_and_name(group_run):
    rows = read_records(group_run["path"], "Group Priority")
    by_name = {row["Customer Name"]: row for row in rows}
    assert [row["Customer Name"] for row in rows] == ["Huatai", "Delta Ltd", "Other Co"]
    huatai = by_name["Huatai"]
    assert huatai["Unified Social Credit Code"] == HUATAI_CODE
    assert huatai["Subsidiaries"] == "Alpha Trading Co., beta_books"
    assert (huatai["Books"], huatai["Open Balance"], huatai["Overdue"]) == (2, 130000, 130000)
    assert (huatai["Max Days Past Due"], huatai["Worst Stage"], huatai["Key Target"]) == (120, "S5", "Y")
    assert (huatai["Sum of Credit Limits"], huatai["Over Combined Limit"]) == (90000, "Y")
    assert huatai["Share of Group"] == pytest.approx(130000 / 245000)
    delta = by_name["Delta Ltd"]
    assert delta["Subsidiaries"] == "Alpha Trading Co., Gamma Ltd"
    assert (delta["Open Balance"], delta["Overdue"], delta["Max Days Past Due"], delta["Worst Stage"]) == \
        (100000, 60000, 90, "S4")
    assert (delta["Key Target"], delta["Sum of Credit Limits"], delta["Over Combined Limit"]) == (None, 100000, None)
    other = by_name["Other Co"]
    assert (other["Subsidiaries"], other["Open Balance"], other["Overdue"]) == ("beta_books", 15000, 15000)


def test_group_aging__subsidiary_by_bucket_and_line_with_group_total(group_run):
    rows = read_records(group_run["path"], "Group Aging")
    table = {(row["Subsidiary"], row["Business Line"]): row for row in rows}
    assert list(table) == [("Alpha Trading Co.", "Steel"), ("Alpha Trading Co.", "All lines"),
                           ("beta_books", "Chem"), ("beta_books", "All lines"),
                           ("Gamma Ltd", "Steel"), ("Gamma Ltd", "All lines"), ("Group", None)]
    group = table[("Group", None)]
    assert [group[b] for b in ("Not due", "1-30", "31-60", "61-90", "91-180", "181-365", ">365")] == \
        [40000, 115000, 0, 60000, 30000, 0, 0]
    assert (group["Receivables"], group["Overdue"]) == (245000, 205000)
    beta = table[("beta_books", "All lines")]
    assert (beta["1-30"], beta["91-180"], beta["Receivables"]) == (15000, 30000, 45000)


def test_group_kpis__per_subsidiary_and_group(group_run):
    rows = read_records(group_run["path"], "Group KPIs")
    assert [(r["Subsidiary"], r["Receivables"], r["Overdue balance"], r["Customers with a Balance"])
            for r in rows[:-1]] == [("Alpha Trading Co.", 140000, 100000, 2), ("beta_books", 45000, 45000, 2),
                                    ("Gamma Ltd", 60000, 60000, 1), ("Group", 245000, 205000, 3)]
    assert rows[-2]["Overdue share"] == pytest.approx(0.8367)
    assert rows[-2]["Key targets"] == 1


KPI_COLUMNS = ("Recovery rate", "Average collection cycle (days)", "DSO (days)", "CEI (%)", "Amounts collected",
               "Overdue amounts collected", "New overdue", "Overdue share")


def test_group_kpis__the_kpi_sheets_figures_and_the_group_recomputed_from_added_sums(group_run):
    """June 2026 by hand (see books.py).  Alpha: overdue at 31 May 20,000 (A-3) + fell overdue in June
    100,000 (A-1); collected 10,000 (A-2, before due) + 20,000 (A-3, 41 days late); open 120,000 at
    31 May, 140,000 at 30 June of which 40,000 not due; sales in June 50,000, in the 90 days to
    30 June 50,000 (A-1's 1 April is day 91).  Beta: 30,000 overdue at 31 May + 20,000 fell due;
    5,000 collected late; open 50,000 then 45,000; 90-day sales 20,000.  Gamma: 60,000 overdue,
    nothing collected, no sales (DSO blank)."""
    rows = {r["Subsidiary"]: r for r in read_records(group_run["path"], "Group KPIs")}
    figures = {name: tuple(rows[name][c] for c in KPI_COLUMNS) for name in ("Alpha Trading Co.", "beta_books",
                                                                             "Gamma Ltd", "Group")}
    assert figures["Alpha Trading Co."] == (0.1667, 41, 252, 23.08, 30000, 20000, 100000, 0.7143)
    assert figures["beta_books"] == (0.1, None, 202.5, 10, 5000, 5000, 20000, 1)
    assert figures["Gamma Ltd"] == (0, None, None, 0, 0, 0, 0, 1)
    # Group: 25,000 / (110,000 + 120,000); 245,000 / 70,000 × 90; (280,000 − 245,000) / (280,000 − 40,000)
    assert figures["Group"] == (0.1087, 41, 315, 14.58, 35000, 25000, 120000, 0.8367)
    # an average of the subsidiaries' ratios would give 0.0889 and 227.25 days
    note = list(rows)[-1]
    assert note.startswith("Note: ") and "not as an average of their ratios" in note


def test_group_workbook__opens_in_openpyxl_with_the_four_sheets_only(group_run):
    book = openpyxl.load_workbook(group_run["path"])
    assert book.sheetnames == ["Group Priority", "Group Aging", "Group KPIs", "Sources"]


def test_group_sheets__long_texts_wrap_and_lines_get_their_width(group_run):
    # found by the print audit: Group Aging's Warnings (48 wide, ~75 characters) did not wrap and its
    # Business Line was fixed at 16, so both printed cut off; Group Priority's names now wrap too
    book = openpyxl.load_workbook(group_run["path"])
    aging = book["Group Aging"]
    headers = [cell.value for cell in aging[1]]
    warnings_header = "Warnings (§4, the subsidiary's Policy)"
    column = headers.index(warnings_header)
    warnings = [row[column] for row in aging.iter_rows(min_row=2) if row[column].value]
    assert warnings and all(cell.alignment.wrap_text for cell in warnings)
    lines = [row[1].value for row in aging.iter_rows(min_row=2) if row[1].value]
    assert lines and aging.column_dimensions["B"].width >= max(len(line) for line in lines)
    priority = book["Group Priority"]
    names = [row[2] for row in priority.iter_rows(min_row=2) if row[2].value]
    assert priority.cell(1, 3).value == "Customer Name" and names and all(cell.alignment.wrap_text for cell in names)
