"""Ledger and Customers normalisation: raw sheet text -> clean typed frames + located issues.

The clean ledger frame has one row per usable receivable, in sheet order, with:
row (Excel row), invoice_no, customer_id, customer_name, business_line, sales_owner,
contract_no, invoice_date, due_date, currency, amount_fen, paid_fen,
last_payment_date, status (code), hold_until.  Rows with an error are left out and
reported; warnings keep the row.
"""
from __future__ import annotations

import pandas as pd

from . import i18n
from .cells import clean_text, parse_dates, parse_integers, parse_money
from .i18n import Label
from .issues import Issue
from .policy import Policy
from .sheet_rows import LocatedTable, RowIssues, locate_columns, read_rows
from .tables import RawSheet

LEDGER_REQUIRED = ("invoice_no", "customer_id", "invoice_date", "amount")
CUSTOMER_REQUIRED = ("customer_id",)
TEXT_FIELDS = ("invoice_no", "customer_id", "customer_name", "business_line", "sales_owner",
               "contract_no", "currency")
DATE_FIELDS = ("invoice_date", "due_date", "last_payment_date", "hold_until")


def status_codes(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Status code per cell (blank = open) and the mask of words that are no known status."""
    codes = i18n.match_names(text, i18n.name_lookup(i18n.STATUSES)).where(text.notna(), "open")
    return codes.astype(object), text.notna() & codes.isna()


def normalise_ledger(sheet: RawSheet, policy: Policy, customers: pd.DataFrame | None = None
                     ) -> tuple[pd.DataFrame, list[Issue]]:
    """Clean ledger rows plus every problem found, each with its cell.

    With `customers` (from `normalise_customers`), unknown customer IDs are warned
    about once each and missing customer names are filled from the master data.
    """
    located, issues = locate_columns(sheet, i18n.LEDGER_COLUMNS, LEDGER_REQUIRED)
    if located is None:
        return empty_ledger(), issues
    raw = located.frame
    text = {key: clean_text(raw[key]) if key in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
            for key in i18n.LEDGER_COLUMNS}
    blank = pd.concat(text.values(), axis=1).isna().all(axis=1) & raw.isna().all(axis=1)
    keep = ~blank
    text = {key: series[keep] for key, series in text.items()}
    table = LocatedTable(located.sheet, raw[keep], located.letters)
    found = RowIssues(table)

    total_row = text["invoice_no"].str.casefold().isin(i18n.TOTAL_ROW_WORDS).fillna(False).astype(bool)
    found.add(total_row, "invoice_no", "total_row", severity="warning")
    live = ~total_row

    out = pd.DataFrame(index=text["invoice_no"].index)
    out["row"] = out.index.to_numpy()
    for key in TEXT_FIELDS:
        out[key] = text[key]
    dates = {}
    for key in DATE_FIELDS:
        dates[key], bad = parse_dates(text[key])
        found.add(bad & live, key, "date_unrecognised")
    amount, bad_amount = parse_money(text["amount"])
    found.add(bad_amount & live, "amount", "amount_unrecognised")
    paid, bad_paid = parse_money(text["paid_amount"])
    found.add(bad_paid & live, "paid_amount", "amount_unrecognised")
    terms, bad_terms = parse_integers(text["terms_days"])
    found.add(bad_terms & live, "terms_days", "integer_unrecognised")
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

    paid = paid.fillna(0)
    found.add((paid < 0).fillna(False) & live, "paid_amount", "negative_paid", severity="warning")
    overpaid_by = (paid - amount).where((amount >= 0) & (paid > amount))
    found.add(overpaid_by.notna() & live, "paid_amount", "overpaid", severity="warning",
              value=lambda row: f"{int(overpaid_by.loc[row]) / 100:.2f}")
    currency = text["currency"].str.upper()
    foreign = currency.notna() & (currency != "CNY") & (currency != "RMB") & (currency != "人民币")
    found.add(foreign & live, "currency", "currency_mixed", severity="warning")

    first_seen = text["invoice_no"].where(live & ~found.bad_rows)
    duplicated = first_seen.duplicated(keep="first") & first_seen.notna()
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
    return clean, issues + found.sorted()


def empty_ledger() -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series(dtype="string") for key in TEXT_FIELDS})
    for key in DATE_FIELDS:
        frame[key] = pd.Series(dtype="datetime64[ns]")
    frame["row"] = pd.Series(dtype="int64")
    frame["amount_fen"] = pd.Series(dtype="int64")
    frame["paid_fen"] = pd.Series(dtype="int64")
    frame["status"] = pd.Series(dtype=object)
    return frame


CUSTOMER_FIELDS = tuple(i18n.CUSTOMER_COLUMNS)
CUSTOMER_OUTPUT = ("customer_id", "customer_name", "contact_name", "contact_email", "contact_phone", "address",
                   "customer_type", "credit_rating", "previous_rating", "downgraded", "credit_limit_fen",
                   "registered_capital_fen", "annual_sales_fen", "first_trade_date")


def normalise_customers(sheet: RawSheet | None, policy: Policy) -> tuple[pd.DataFrame, list[Issue]]:
    """Customer master data keyed by customer_id; ratings checked against the policy order."""
    empty = pd.DataFrame({key: pd.Series(dtype=object) for key in CUSTOMER_OUTPUT}).set_index("customer_id")
    if sheet is None:
        return empty, []
    rows, issues = read_rows(sheet, i18n.CUSTOMER_COLUMNS, CUSTOMER_REQUIRED)
    if rows is None:
        return empty, issues
    text, found = rows.text, rows.found

    ctype = i18n.match_names(text["customer_type"],
                             i18n.name_lookup(i18n.CUSTOMER_TYPES, i18n.CUSTOMER_TYPE_ALIASES))
    allowed_types = Label(", ".join(i18n.CUSTOMER_TYPES), "、".join(l.zh for l in i18n.CUSTOMER_TYPES.values()))
    found.add(text["customer_type"].notna() & ctype.isna(), "customer_type", "customer_type_unknown",
              severity="warning", allowed=allowed_types)

    order = {rating.upper(): n for n, rating in enumerate(policy.rating_order)}
    allowed_ratings = ", ".join(policy.rating_order)
    ranks = {}
    for key in ("credit_rating", "previous_rating"):
        upper = text[key].str.upper()
        ranks[key] = upper.map(order)
        found.add(upper.notna() & ranks[key].isna(), key, "rating_unknown", severity="warning",
                  allowed=allowed_ratings)

    out = pd.DataFrame(index=text["customer_id"].index)
    for key in ("customer_id", "customer_name", "contact_name", "contact_email", "contact_phone", "address"):
        out[key] = text[key]
    out["customer_type"] = ctype
    out["credit_rating"] = text["credit_rating"].str.upper().where(ranks["credit_rating"].notna())
    out["previous_rating"] = text["previous_rating"].str.upper().where(ranks["previous_rating"].notna())
    out["downgraded"] = (ranks["credit_rating"] > ranks["previous_rating"]).fillna(False).astype(bool)
    for key in ("credit_limit", "registered_capital", "annual_sales"):
        out[f"{key}_fen"], bad = parse_money(text[key])
        found.add(bad, key, "amount_unrecognised", severity="warning")
    out["first_trade_date"], bad = parse_dates(text["first_trade_date"])
    found.add(bad, "first_trade_date", "date_unrecognised", severity="warning")

    ids = out["customer_id"].where(~found.bad_rows)
    duplicated = ids.duplicated(keep="first") & ids.notna()
    first_row = pd.Series(ids.index, index=ids.index).groupby(ids).transform("min")
    found.add(duplicated, "customer_id", "duplicate_customer", first=lambda row: int(first_row.loc[row]))
    clean = out.loc[~found.bad_rows, list(CUSTOMER_OUTPUT)].set_index("customer_id")
    return clean, issues + found.sorted()
