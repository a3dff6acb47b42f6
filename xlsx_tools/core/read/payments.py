"""The Payments sheet: one row per payment received, checked against the clean ledger."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import parse_dates, parse_money
from ..issues import Issue
from ..sheet_rows import read_rows
from ..tables import RawSheet


def empty_payments() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "invoice_no": pd.Series(dtype=object),
                         "date": pd.Series(dtype="datetime64[ns]"), "amount_fen": pd.Series(dtype="int64"),
                         "plan_no": pd.Series(dtype=object)})


def read_payments(sheet: RawSheet | None, ledger: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Issue]]:
    """Payments rows (invoice no, date, amount, optional plan no); None when the sheet is absent or
    has no data rows (then the ledger's Paid Amount is used).

    Missing or unreadable cells and non-positive amounts are errors (row left out); an invoice
    not in the ledger is a warning (row kept for plan tracking, ignored by the interest pass).
    """
    if sheet is None:
        return None, []
    rows, issues = read_rows(sheet, i18n.PAYMENT_COLUMNS, ("invoice_no", "date", "amount"))
    if rows is None:
        return empty_payments(), issues
    if rows.empty:
        return None, issues          # a sheet with headers only (as the template ships it) is no payment data
    text, found = rows.text, rows.found
    dates, bad = parse_dates(text["date"], sheet.serial_dates)
    found.add(bad, "date", "date_unrecognised")
    amount, bad = parse_money(text["amount"])
    found.add(bad, "amount", "amount_unrecognised")
    found.add((amount <= 0).fillna(False).astype(bool), "amount", "payment_not_positive")
    known = set(ledger["invoice_no"])
    unknown = text["invoice_no"].notna() & ~text["invoice_no"].isin(known) & ~found.bad_rows
    found.add(unknown, "invoice_no", "payment_unknown_invoice", severity="warning")
    good = ~found.bad_rows
    frame = pd.DataFrame({
        "row": text["invoice_no"].index.to_numpy()[good.to_numpy()],
        "invoice_no": text["invoice_no"][good].astype(object).to_numpy(),
        "date": dates[good].to_numpy(),
        "amount_fen": amount[good].astype("int64").to_numpy(),
        "plan_no": text["plan_no"][good].astype(object).to_numpy(),
    })
    frame["plan_no"] = frame["plan_no"].where(frame["plan_no"].notna(), None)
    return frame, issues + found.sorted()


# ----- payments by customer (issue 11: promises, weekly tracking, channel analysis) -----
def attach_customers(payments: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Payments sheet rows with the customer of their invoice; rows of unknown invoices dropped."""
    owner = ledger.drop_duplicates("invoice_no").set_index("invoice_no")["customer_id"]
    out = payments[["invoice_no", "date", "amount_fen"]].copy()
    out["customer_id"] = out["invoice_no"].map(owner)
    return out[out["customer_id"].notna()].reset_index(drop=True)


def ledger_payments(ledger: pd.DataFrame) -> pd.DataFrame:
    """Each row's Paid Amount as one payment on its Last Payment Date (undated amounts left out)."""
    paid = ledger[(ledger["paid_fen"] > 0) & ledger["last_payment_date"].notna()]
    return pd.DataFrame({"invoice_no": paid["invoice_no"].to_numpy(), "customer_id": paid["customer_id"].to_numpy(),
                         "date": paid["last_payment_date"].to_numpy(),
                         "amount_fen": paid["paid_fen"].astype("int64").to_numpy()})


def customer_payments(payments: pd.DataFrame | None, ledger: pd.DataFrame) -> pd.DataFrame:
    """Every payment with its customer, read invoice by invoice as the interest pass reads them:
    an invoice with Payments rows takes them, any other its ledger Paid Amount (`ledger_payments`)."""
    if payments is None:
        return ledger_payments(ledger)
    listed = attach_customers(payments, ledger)
    unlisted = ledger_payments(ledger[~ledger["invoice_no"].isin(listed["invoice_no"])])
    if unlisted.empty:
        return listed
    return pd.concat([listed, unlisted[listed.columns]], ignore_index=True)
