"""Checks before a number is reserved: a letter whose data is incomplete gets no number."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from .. import i18n
from ..i18n import Label
from ..issues import Issue
from ..cells import format_money
from ..read.fx import CNY, currency_code
from ..read.ledger import Ledger
from ..refresh import RefreshResult
from .plan import LetterJob, _msg

# Data a letter cannot go out without (Company sheet keys, Customers fields).  A payment order's
# court is not among them: the draft leaves it blank and `court_issue` reports it.
COMPANY_REQUIRED: dict[str, tuple[str, ...]] = {
    "confirmation": ("name", "address", "contact", "phone", "payee_name", "bank_name", "bank_account"),
    "reminder": ("name", "address", "contact", "phone", "payee_name", "bank_name", "bank_account"),
    "demand": ("name", "address", "contact", "phone", "payee_name", "bank_name", "bank_account"),
    "lawyer": ("name", "payee_name", "bank_name", "bank_account", "law_firm", "lawyer"),
    "case_review": ("name",),
    "plan": ("name", "address", "payee_name", "bank_name", "bank_account"),
    "evidence": ("name",),
    "payment_order": ("name", "address"),
}
CUSTOMER_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "confirmation": ("name", "address"),
    "reminder": ("name", "address"),
    "demand": ("name", "address"),
    "lawyer": ("name", "address"),
    "case_review": ("name",),
    "plan": ("name", "address"),
    "evidence": ("name",),
    "payment_order": ("name", "address"),
}
CUSTOMER_FIELD_LABELS: dict[str, Label] = {
    "name": i18n.CUSTOMER_COLUMNS["customer_name"],
    "address": i18n.CUSTOMER_COLUMNS["address"],
}
# Letters whose template states each currency in its own table (issue 12); an installment
# agreement is in one currency, whichever it is; the S5 legal drafts state CNY only.
PER_CURRENCY_KINDS = frozenset({"reminder", "demand", "lawyer", "confirmation", "case_review"})
ONE_CURRENCY_KINDS = frozenset({"plan"})

def customer_record(result: RefreshResult, job: LetterJob) -> dict[str, str]:
    customers = result.customers
    record = customers.loc[job.customer_id] if job.customer_id in customers.index else None

    def get(key: str) -> str:
        if record is None:
            return ""
        value = record.get(key)
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()

    return {"id": job.customer_id, "name": get("customer_name") or (job.customer_name or ""),
            "address": get("address"), "contact": get("contact_name"), "phone": get("contact_phone"),
            "email": get("contact_email"), "individual": get("customer_type") == "individual"}


def check_job(job: LetterJob, result: RefreshResult, company: Mapping[str, str]) -> Label | None:
    """Why this letter cannot be written (a Label), or None when its data is complete."""
    missing_company = [key for key in COMPANY_REQUIRED[job.kind] if not company.get(key)]
    if missing_company:
        fields = Label(", ".join(missing_company),
                       "、".join(f"{key}（{i18n.COMPANY_FIELDS[key].zh}）" for key in missing_company))
        return _msg("company_missing", fields=fields, kind=i18n.LETTER_KINDS[job.kind])
    customer = customer_record(result, job)
    missing = [key for key in CUSTOMER_REQUIRED_FIELDS[job.kind] if not customer.get(key)]
    if missing:
        fields = Label(", ".join(CUSTOMER_FIELD_LABELS[k].en for k in missing),
                       "、".join(CUSTOMER_FIELD_LABELS[k].zh for k in missing))
        return _msg("customer_missing", customer=job.customer_id, fields=fields)
    if job.invoice_nos and job.kind not in PER_CURRENCY_KINDS:
        rows = result.detail[result.detail["invoice_no"].isin(job.invoice_nos)]
        codes = sorted(set(map(currency_code, rows["currency"])))
        if job.kind in ONE_CURRENCY_KINDS:
            if len(codes) > 1:
                return _msg("plan_currencies", currency=", ".join(codes))
        elif set(codes) - {CNY}:
            return _msg("foreign_currency", currency=", ".join(sorted(set(codes) - {CNY})))
    return None


def court_issue(company: Mapping[str, str], letter_no: str) -> Issue | None:
    """A warning naming the Company sheet's court cell when a payment order is drafted without a court."""
    if str(company.get("court", "") or "").strip():
        return None
    sheet = getattr(company, "sheet", "") or i18n.SHEETS["company"].zh
    cell = getattr(company, "cells", {}).get("court", "")
    return Issue("warning", sheet, cell, _msg("court_missing", letter_no=letter_no))


#: Letters that state what the customer owes (a case review or an evidence list states no claim).
DEBT_KINDS = frozenset({"confirmation", "reminder", "demand", "lawyer", "plan", "payment_order"})


def unapplied_credit_issue(job: LetterJob, result: RefreshResult, ledger: Ledger, letter_no: str) -> Issue | None:
    """A warning at the first credit note the letter's customer still holds: the letter states the
    customer's debts without deducting it, so its figure is to be checked before it goes out."""
    if job.kind not in DEBT_KINDS:
        return None
    detail = result.detail
    credits = detail[(detail["customer_id"] == job.customer_id) & (detail["stage"] == "CREDIT")]
    if credits.empty:
        return None
    notes = ", ".join(f"{row.invoice_no} ({'' if currency_code(row.currency) == CNY else currency_code(row.currency) + ' '}"
                      f"{format_money(-int(row.open_fen))})" for row in credits.itertuples())
    cell = f"{ledger.letters.get('amount', 'A')}{int(credits['row'].iloc[0])}"
    return Issue("warning", ledger.sheet, cell,
                 _msg("credit_not_deducted", letter_no=letter_no, customer=job.customer_id, notes=notes))
