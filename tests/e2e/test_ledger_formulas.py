"""The Ledger's native formula columns, recalculated by LibreOffice, equal refresh's Detail.

Three as-of dates (set in the Policy sheet, as an accountant would), on the demo workbook
and, where the dataset is present, on a ledger of the IBM late-payment histories; one variant
also edits the Policy's ladder and bucket edges, which the Stage and Bucket columns must
follow; a small ledger types its amounts as text in every form the reader accepts.  All
workbooks go through a single LibreOffice call.

Rows of an installment plan listed on the Plans sheet (Detail's Plan No) get their stage
from the plan pass, which a formula seeing one row cannot know: for them only the days and
the bucket are compared (the same limit as XT_STAGE, docs/windows-setup.md).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.e2e.test_real_data import DATASET
from tests.libreoffice import recalculated
from xlsx_tools.build.demo import build_demo_workbook
from xlsx_tools.build.ledger_formulas import add_aging_columns
from xlsx_tools.build.templates import build_template, save_workbook
from xlsx_tools.core import i18n
from xlsx_tools.core.refresh import RefreshResult
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile
from xlsx_tools.pipeline import refresh as refresh_steps

DEMO_BUILT = dt.date(2026, 11, 28)
DEMO_AS_OF = [dt.date(2026, 11, 28), dt.date(2026, 12, 20), dt.date(2027, 3, 1)]
IBM_AS_OF = [dt.date(2012, 6, 30), dt.date(2013, 3, 31), dt.date(2013, 11, 30)]
EDITED_POLICY = {"ladder_from_days": "-10, 1, 15, 45, 120", "bucket_edges": "0, 15, 45, 90, 365, 730"}
# (amount, paid amount) typed as text in the forms the ledger reader accepts, with due dates from
# 10 days ahead to 120 days past the as-of date
TEXT_AMOUNTS = [("RMB 1,000.00", None), ("cny1000", "Cny 250.50"), ("1,000.00元", "1,000.00 元"),
                ("￥1，000.00", "rmb\u3000999.99"), ("(1,000.00)", None), ("(RMB 1,000.00)", "(cny400)"),
                ("(1,000.00)", "(RMB1,000.00)"), ("¥ 12,345.67", "￥1\u00a0000"), (1000, "RMB 1,000.00"),
                ("1000", "RMB 1,000.00"), ("Rmb1,000", "100"), ("  CNY 1,000.00  ", "  ")]
TEXT_DAYS = [-10, 0, 5, 20, 45, 120]


def set_policy(path: Path, settings: dict[str, object]) -> Path:
    """Type values into the Policy sheet's Value column, as a clerk would."""
    wb = openpyxl.load_workbook(path)
    lang = "en" if i18n.SHEETS["policy"].en in wb.sheetnames else "zh"
    ws = wb[i18n.SHEETS["policy"].get(lang)]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for key, value in settings.items():
        ws.cell(row=rows[key], column=2, value=value)
    wb.save(path)
    return path


def ibm_workbook(path: Path) -> Path:
    """Every invoice of the dataset on the English template; those settled by mid-2013 paid."""
    data = pd.read_csv(DATASET, dtype=str)
    wb = build_template("en")
    ws = wb[i18n.SHEETS["ledger"].en]
    column = {key: n for n, key in enumerate(i18n.LEDGER_COLUMNS, start=1)}
    for r, row in enumerate(data.itertuples(), start=2):
        invoice = dt.datetime.strptime(row.InvoiceDate, "%m/%d/%Y").date()
        due = dt.datetime.strptime(row.DueDate, "%m/%d/%Y").date()
        settled = dt.datetime.strptime(row.SettledDate, "%m/%d/%Y").date()
        amount = float(row.InvoiceAmount)
        values = {"invoice_no": row.invoiceNumber, "customer_id": row.customerID, "invoice_date": invoice,
                  # text and date cells, as in test_real_data
                  "due_date": due if r % 2 else due.strftime("%Y/%m/%d"), "amount": amount,
                  "paid_amount": amount if settled <= dt.date(2013, 6, 30) else None,
                  "status": "disputed" if row.Disputed == "Yes" else None}
        for key, value in values.items():
            ws.cell(row=r, column=column[key], value=value)
    add_aging_columns(ws, "en", last_row=len(data) + 1)
    return save_workbook(wb, path)


def text_amounts_workbook(path: Path, as_of: dt.date) -> Path:
    """The English template with one row per TEXT_AMOUNTS entry (no dataset needed)."""
    wb = build_template("en")
    ws = wb[i18n.SHEETS["ledger"].en]
    column = {key: n for n, key in enumerate(i18n.LEDGER_COLUMNS, start=1)}
    for r, (amount, paid) in enumerate(TEXT_AMOUNTS, start=2):
        due = as_of - dt.timedelta(days=TEXT_DAYS[r % len(TEXT_DAYS)])
        values = {"invoice_no": f"TEXT-{r}", "customer_id": "TEXT-AMOUNTS", "due_date": due,
                  "invoice_date": due - dt.timedelta(days=30), "amount": amount, "paid_amount": paid}
        for key, value in values.items():
            ws.cell(row=r, column=column[key], value=value)
    add_aging_columns(ws, "en", last_row=len(TEXT_AMOUNTS) + 1)
    return set_policy(save_workbook(wb, path), {"as_of": as_of})


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> list[tuple[str, Path, Path]]:
    """(name, workbook, its LibreOffice-recalculated copy) for every case; the IBM cases only
    where the dataset is present (a clean checkout has none)."""
    folder = tmp_path_factory.mktemp("formulas")
    demo = build_demo_workbook(folder / "demo.xlsx", as_of=DEMO_BUILT)
    cases = [("text amounts", text_amounts_workbook(folder / "text_amounts.xlsx", DEMO_AS_OF[0]))]
    for n, day in enumerate(DEMO_AS_OF):
        copy = folder / f"demo_{day:%Y%m%d}.xlsx"
        copy.write_bytes(demo.read_bytes())
        cases.append((f"demo {day}", set_policy(copy, {"as_of": day})))
    edited = folder / "demo_edited_policy.xlsx"
    edited.write_bytes(demo.read_bytes())
    cases.append(("demo, edited ladder and buckets", set_policy(edited, {"as_of": DEMO_AS_OF[0], **EDITED_POLICY})))
    if DATASET.exists():
        ibm = ibm_workbook(folder / "ibm.xlsx")
        for day in IBM_AS_OF:
            copy = folder / f"ibm_{day:%Y%m%d}.xlsx"
            copy.write_bytes(ibm.read_bytes())
            cases.append((f"ibm {day}", set_policy(copy, {"as_of": day})))
    copies = recalculated([path for _, path in cases], folder / "recalculated", folder / "profile")
    return [(name, path, copy) for (name, path), copy in zip(cases, copies)]


def formula_columns(copy: Path) -> dict[int, tuple]:
    """Excel row -> (days, bucket, stage) as LibreOffice computed them."""
    wb = openpyxl.load_workbook(copy, data_only=True, read_only=True)
    ws = next(wb[name] for name in wb.sheetnames if name in i18n.SHEETS["ledger"].both())
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    positions = [header.index(label) for key in i18n.LEDGER_COMPUTED_COLUMNS
                 for label in i18n.LEDGER_COMPUTED_COLUMNS[key].both() if label in header]
    assert len(positions) == 3, header
    found = {r: tuple(row[p] for p in positions) for r, row in enumerate(rows, start=2)}
    wb.close()
    return found


def test_formula_columns_equal_the_refresh_detail_on_every_row(workbooks):
    seen: dict[str, set] = {"demo": set(), "ibm": set()}
    for name, path, copy in (case for case in workbooks if case[0] != "text amounts"):
        result: RefreshResult = refresh_steps.check(WorkbookFile(path))
        detail = result.detail
        labels = [label.get(result.policy.lang) for label in i18n.bucket_labels(result.policy.bucket_edges)]
        computed = formula_columns(copy)
        assert len(detail) > 600, name
        in_plans = 0
        for row in detail.itertuples():
            days, bucket, stage = computed[row.row]
            where = f"{name}, ledger row {row.row}"
            assert days == row.days_past_due, where
            assert bucket == labels[row.bucket], where
            if "plan_no" in detail and isinstance(row.plan_no, str) and row.plan_no:
                in_plans += 1
                continue
            assert stage == row.stage, where
        assert in_plans < len(detail) / 50, name
        seen["ibm" if name.startswith("ibm") else "demo"] |= set(detail["stage"])
    assert seen["demo"] >= {"S0", "S1", "S2", "S3", "S4", "S5", "HOLD", "PLAN", "CLOSED", "CREDIT"}
    if DATASET.exists():
        assert seen["ibm"] >= {"S1", "S2", "S3", "S4", "S5", "HOLD", "CLOSED"}


def test_the_edited_policy_moves_the_stage_and_bucket_columns(workbooks):
    (_, _, plain), (_, _, edited) = [case for case in workbooks if case[0].startswith("demo 2026-11-28")
                                     or "edited" in case[0]]
    before, after = formula_columns(plain), formula_columns(edited)
    assert sum(before[r][2] != after[r][2] for r in before) > 10
    assert {after[r][1] for r in after} >= {"16-45天", "366-730天"}      # the demo's oldest is 420 days


def test_amount_text_rows_get_the_refresh_stage(workbooks):
    """Every contract form of amount text (RMB, CNY in any case, 元, full-width comma, spaces,
    brackets) is read by the Stage formula as by the refresh, on both amount columns."""
    stages = set()
    for name, path, copy in workbooks:
        if name != "text amounts":
            continue
        detail = refresh_steps.check(WorkbookFile(path)).detail
        typed = detail[detail["customer_id"] == "TEXT-AMOUNTS"].sort_values("row")
        assert len(typed) == len(TEXT_AMOUNTS), name              # the refresh reads every form
        computed = formula_columns(copy)
        for row, amounts in zip(typed.itertuples(), TEXT_AMOUNTS):
            assert computed[row.row][2] == row.stage, (name, amounts)
            stages.add(row.stage)
    assert stages >= {"S3", "S5", "CLOSED", "CREDIT"}
