"""The Ledger sheet: raw text -> the clean ledger, its column letters and contract rates.

The header is located once; everything the passes need from the sheet comes from that scan.
The clean ledger frame has one row per usable receivable, in sheet order, with:
row (Excel row), invoice_no, customer_id, customer_name, business_line, sales_owner,
contract_no, invoice_date, due_date, currency, amount_fen, paid_fen,
last_payment_date, status (code), hold_until.  Rows with an error are left out and
reported; warnings keep the row.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Mapping

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import clean_text, parse_dates_checked, parse_integers, parse_money
from ..i18n import Label
from ..issues import Issue
from ..sheet_rows import LocatedTable, RowIssues, locate_columns
from ..tables import RawSheet, SerialDates

LEDGER_REQUIRED = ("invoice_no", "customer_id", "invoice_date", "amount")
# The optional contract-rate column, read by the interest pass (annual %, e.g. 6 or 6% or 0.06).
RATE_COLUMN = {"interest_rate": i18n.LEDGER_RATE_COLUMNS["interest_rate"]}


@dataclass(frozen=True)
class Ledger:
    """What the refresh needs from the Ledger sheet, read once."""

    frame: pd.DataFrame                 # the clean rows (see the module docstring)
    sheet: str                          # the sheet's name, for issues the passes locate
    letters: Mapping[str, str]          # column key -> letter, e.g. "paid_amount" -> "L"
    contract_rates: pd.Series | None    # annual % (Decimal or None) per clean row; None without the column
TEXT_FIELDS = ("invoice_no", "customer_id", "customer_name", "business_line", "sales_owner",
               "contract_no", "currency")
DATE_FIELDS = ("invoice_date", "due_date", "last_payment_date", "hold_until")
OPEN_ENDED_DATES = ("due_date", "hold_until")  # 9999-12-31 there means "never"
MAX_TERMS_DAYS = 3_650  # ten years: LAST_DATE plus this stays inside the computable dates


def status_codes(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Status code per cell (blank = open) and the mask of words that are no known status."""
    codes = i18n.match_names(text, i18n.name_lookup(i18n.STATUSES)).where(text.notna(), "open")
    return codes.astype(object), text.notna() & codes.isna()


def read_ledger(sheet: RawSheet, customers: pd.DataFrame | None = None
                ) -> tuple[Ledger, list[Issue]]:
    """The clean ledger plus every problem found, each with its cell.

    With `customers` (from `read_customers`), unknown customer IDs are warned
    about once each and missing customer names are filled from the master data.
    """
    located, issues = locate_columns(sheet, i18n.LEDGER_COLUMNS, LEDGER_REQUIRED, optional=RATE_COLUMN)
    if located is None:
        return Ledger(empty_ledger(), sheet.name, {}, None), issues
    clean, found = _clean_rows(located.select(i18n.LEDGER_COLUMNS), customers, sheet.serial_dates)
    rates, rate_issues = _contract_rates(located, clean)
    return Ledger(clean, sheet.name, dict(located.letters), rates), issues + found + rate_issues


def _clean_rows(located: LocatedTable, customers: pd.DataFrame | None,
                serial_dates: SerialDates | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Typed, checked ledger rows; rows with an error left out."""
    raw = located.frame
    text = {key: clean_text(raw[key]) if key in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
            for key in i18n.LEDGER_COLUMNS}
    keep = ~pd.concat(text.values(), axis=1).isna().all(axis=1)   # blank: every cell empty once trimmed
    text = {key: series[keep] for key, series in text.items()}
    table = LocatedTable(located.sheet, raw[keep], located.letters)
    found = RowIssues(table)

    total_row = _total_rows(text["invoice_no"])
    found.add(total_row, "invoice_no", "total_row", severity="warning")
    live = ~total_row

    out = pd.DataFrame(index=text["invoice_no"].index)
    out["row"] = out.index.to_numpy()
    for key in TEXT_FIELDS:
        out[key] = text[key]
    dates = {}
    for key in DATE_FIELDS:
        dates[key], bad, outside = parse_dates_checked(text[key], serial_dates, open_ended=key in OPEN_ENDED_DATES)
        found.add(bad & live, key, "date_unrecognised")
        found.add(outside & live, key, "date_out_of_range")
    amount, bad_amount = parse_money(text["amount"])
    found.add(bad_amount & live, "amount", "amount_unrecognised")
    paid, bad_paid = parse_money(text["paid_amount"])
    found.add(bad_paid & live, "paid_amount", "amount_unrecognised")
    terms, bad_terms = parse_integers(text["terms_days"])
    found.add(bad_terms & live, "terms_days", "integer_unrecognised")
    negative_terms = (terms < 0).fillna(False).astype(bool)
    long_terms = (terms > MAX_TERMS_DAYS).fillna(False).astype(bool)
    found.add(negative_terms & live, "terms_days", "terms_negative")
    found.add(long_terms & live, "terms_days", "terms_out_of_range")
    bad_terms = bad_terms | negative_terms | long_terms
    terms = terms.mask(negative_terms | long_terms)
    status, bad_status = status_codes(text["status"])
    allowed = Label(", ".join(i18n.STATUSES), "、".join(label.zh for label in i18n.STATUSES.values()))
    found.add(bad_status & live, "status", "status_unknown", allowed=allowed)

    for key in ("invoice_no", "customer_id"):
        found.add(text[key].isna() & live, key, "required_missing", column=i18n.LEDGER_COLUMNS[key])
    found.add(text["invoice_date"].isna() & live, "invoice_date", "required_missing",
              column=i18n.LEDGER_COLUMNS["invoice_date"])
    found.add(text["amount"].isna() & live, "amount", "required_missing", column=i18n.LEDGER_COLUMNS["amount"])

    due = dates["due_date"].fillna(dates["invoice_date"] + pd.to_timedelta(terms.astype("float64"), unit="D"))
    due_missing = text["due_date"].isna() & due.isna() & ~bad_terms & dates["invoice_date"].notna()
    found.add(due_missing & live, "due_date", "due_missing")
    found.add((due < dates["invoice_date"]).fillna(False).astype(bool) & live, "due_date", "due_before_invoice",
              severity="warning")

    paid = paid.fillna(0)
    # A credit note (negative amount) is applied with a negative paid amount, up to its amount: only
    # a negative paid on an invoice, or beyond the credit note's amount, is suspect.
    negative_paid = (paid < 0) & ((amount >= 0) | (paid < amount)).fillna(True)
    found.add(negative_paid.fillna(False).astype(bool) & live, "paid_amount", "negative_paid", severity="warning")
    overpaid_by = (paid - amount).where((amount >= 0) & (paid > amount))
    found.add(overpaid_by.notna() & live, "paid_amount", "overpaid", severity="warning",
              value=lambda row: f"{int(overpaid_by.loc[row]) / 100:.2f}")
    currency = text["currency"].str.upper()     # converted to CNY by the FX pass (issue 12)

    # Unique over every row that is not a total row: a number repeated on a row with another error is a
    # duplicate all the same (else it is reported only once that row is mended).
    first_seen = text["invoice_no"].where(live)
    duplicated = first_seen.duplicated(keep="first") & first_seen.notna()
    if duplicated.any():            # the row of each first occurrence: only worth grouping when needed
        first_row = pd.Series(first_seen.index, index=first_seen.index).groupby(first_seen).transform("min")
        found.add(duplicated, "invoice_no", "duplicate_invoice", first=lambda row: int(first_row.loc[row]))

    out["invoice_date"] = dates["invoice_date"]
    out["due_date"] = due
    out["last_payment_date"] = dates["last_payment_date"]
    out["hold_until"] = dates["hold_until"]
    out["amount_fen"] = amount
    out["paid_fen"] = paid
    out["status"] = status
    out["currency"] = currency.fillna("CNY")
    usable = live & ~found.bad_rows
    if customers is not None and len(customers):
        unknown = usable & ~out["customer_id"].isin(customers.index)
        found.add(unknown & ~out["customer_id"].duplicated(), "customer_id", "unknown_customer",
                  severity="warning")
        out["customer_name"] = out["customer_name"].fillna(out["customer_id"].map(customers["customer_name"]))
    clean = out[usable].copy()
    clean["amount_fen"] = clean["amount_fen"].astype("int64")
    clean["paid_fen"] = clean["paid_fen"].astype("int64")
    clean = clean.reset_index(drop=True)
    return clean, found.sorted()


def _total_rows(invoice_no: pd.Series) -> pd.Series:
    """The rows whose invoice number is a totals word (合计, Total, ...), in any case.  Case
    folding never shortens text, so only cells as short as the longest word are folded."""
    longest = max(map(len, i18n.TOTAL_ROW_WORDS))
    short = (invoice_no.str.len() <= longest).fillna(False).to_numpy(dtype=bool)
    total = np.zeros(len(invoice_no), dtype=bool)
    total[short] = invoice_no[short].str.casefold().isin(i18n.TOTAL_ROW_WORDS).to_numpy(dtype=bool)
    return pd.Series(total, index=invoice_no.index)


def _contract_rates(located: LocatedTable, ledger: pd.DataFrame) -> tuple[pd.Series | None, list[Issue]]:
    """The optional `Interest Rate · 合同利率` column as annual % (Decimal), aligned to `ledger`.

    '6' and '6%' mean 6 % a year; a bare number below 1 is a fraction (a percent-formatted
    cell holding 0.06 is 6 %).  Unreadable rates are warnings; the row then uses the LPR.
    """
    if "interest_rate" not in located.letters:
        return None, []
    text = clean_text(located.frame["interest_rate"])
    percent = text.str.endswith("%").fillna(False).astype(bool)
    stripped = text.str.rstrip("%").str.strip()
    values = pd.Series(None, index=text.index, dtype=object)
    bad = pd.Series(False, index=text.index)
    for row in stripped[stripped.notna()].index:
        try:
            number = Decimal(stripped.loc[row])
        except InvalidOperation:
            bad.loc[row] = True
            continue
        if not number.is_finite() or number < 0:
            bad.loc[row] = True
            continue
        values.loc[row] = number if (percent.loc[row] or number >= 1) else number * 100
    found = RowIssues(located)
    used = pd.Series(False, index=text.index)
    used.loc[used.index.intersection(ledger["row"].to_numpy())] = True
    found.add(bad & used, "interest_rate", "ratio_unrecognised", severity="warning")
    aligned = pd.Series(values.reindex(ledger["row"].to_numpy()).to_numpy(), index=ledger.index, dtype=object)
    return aligned, found.sorted()


def empty_ledger() -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series(dtype="string") for key in TEXT_FIELDS})
    for key in DATE_FIELDS:
        frame[key] = pd.Series(dtype="datetime64[ns]")
    frame["row"] = pd.Series(dtype="int64")
    frame["amount_fen"] = pd.Series(dtype="int64")
    frame["paid_fen"] = pd.Series(dtype="int64")
    frame["status"] = pd.Series(dtype=object)
    return frame
