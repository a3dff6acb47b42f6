"""The evidence behind an S5 claim (pure): what the litigation evidence checklist and the payment
order list, and what is missing.

Everything comes from what refresh already computed or read: the claimed invoices with their
interest and limitation clock (`limitation_expiry`, `limitation_event`), the Letters log, the
Events sheet and the promises of the Contacts sheet.  Gaps are what a lawyer would ask for first:

- a demand or lawyer's letter with no delivered date (a demand interrupts the period only from
  delivery, SPC limitation rules art. 8);
- an invoice with no contract number;
- an invoice whose limitation period expires within the largest `limitation_alert_days` (180),
  or has expired.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import i18n
from ..i18n import Label
from ..read.letter_log import LetterLog
from ..refresh import RefreshResult
from ..rmb import format_letter_date
from .plan import _msg

DEMAND_KINDS = ("demand", "lawyer")


@dataclass(frozen=True)
class Gap:
    """Missing evidence: `code` is undelivered / no_contract / expiry / expired, `subject` the letter
    or invoice number."""

    code: str
    subject: str
    message: Label


@dataclass(frozen=True)
class Evidence:
    """The claim's invoices (detail rows), the customer's letters and promises, and the gaps."""

    invoices: pd.DataFrame
    confirmations: pd.DataFrame     # Letters log rows of kind confirmation, with `reply` (a Label)
    demands: pd.DataFrame           # Letters log rows of a demand kind
    promises: pd.DataFrame          # result.promises rows, with channel and contact person
    gaps: tuple[Gap, ...]


def customer_letters(log: LetterLog | None, customer_id: str, kinds: tuple[str, ...]) -> pd.DataFrame:
    """The customer's non-void Letters log rows of `kinds`, oldest first."""
    if log is None or not len(log.entries):
        return pd.DataFrame(columns=list(log.entries.columns) if log is not None else [])
    entries = log.entries
    mine = entries[(entries["customer_id"] == customer_id) & entries["kind"].isin(kinds)
                   & (entries["status"] != "void")]
    return mine.sort_values(["date", "letter_no"], kind="mergesort")


def _letter_day(value) -> Label:
    """A date as the letters write it: 2026年11月28日 / 28 November 2026."""
    day = pd.Timestamp(value).date()
    return Label(format_letter_date(day, "en"), format_letter_date(day, "zh"))


def reply_state(entry, events: pd.DataFrame) -> Label:
    """A confirmation's reply: the first acknowledgement event on or after its date, else returned / none."""
    if events is not None and len(events) and pd.notna(entry.date):
        acknowledged = events[(events["customer_id"] == entry.customer_id) & (events["event"] == "acknowledgement")
                              & (events["date"] >= entry.date)]
        if len(acknowledged):
            return i18n.REPLY_STATES["confirmed"].format(date=_letter_day(acknowledged["date"].min()))
    return i18n.REPLY_STATES["returned" if entry.status == "returned" else "none"].format()


def evidence_gaps(invoices: pd.DataFrame, demands: pd.DataFrame, alert_days: int) -> tuple[Gap, ...]:
    """Each undelivered demand, each invoice without a contract number, each expiry within `alert_days`."""
    gaps = [Gap("undelivered", str(r.letter_no), _msg(
        "gap_undelivered", kind=i18n.LETTER_KINDS[r.kind] if r.kind in i18n.LETTER_KINDS else r.kind,
        letter_no=r.letter_no)) for r in demands.itertuples(index=False) if pd.isna(r.delivered_on)]
    for r in invoices.itertuples(index=False):
        if not isinstance(r.contract_no, str) or not r.contract_no.strip():
            gaps.append(Gap("no_contract", str(r.invoice_no), _msg("gap_no_contract", invoice=r.invoice_no)))
    for r in invoices.itertuples(index=False):
        if pd.isna(r.limitation_days_left) or pd.isna(r.limitation_expiry):
            continue
        date = _letter_day(r.limitation_expiry)
        days = int(r.limitation_days_left)
        if days < 0:
            gaps.append(Gap("expired", str(r.invoice_no), _msg("gap_expired", invoice=r.invoice_no, date=date)))
        elif days <= alert_days:
            gaps.append(Gap("expiry", str(r.invoice_no), _msg("gap_expiry", invoice=r.invoice_no, date=date,
                                                              days=days)))
    return tuple(gaps)


def evidence_for(result: RefreshResult, log: LetterLog | None, customer_id: str,
                 invoice_nos: tuple[str, ...]) -> Evidence:
    """The evidence of one customer's claim over `invoice_nos`, in the job's invoice order."""
    detail = result.detail
    invoices = detail[detail["invoice_no"].isin(invoice_nos) & (detail["customer_id"] == customer_id)]
    order = {no: n for n, no in enumerate(invoice_nos)}
    invoices = invoices.assign(_order=invoices["invoice_no"].map(order)).sort_values("_order", kind="mergesort")
    confirmations = customer_letters(log, customer_id, ("confirmation",))
    if len(confirmations):
        confirmations = confirmations.assign(reply=[reply_state(r, result.events)
                                                    for r in confirmations.itertuples(index=False)])
    demands = customer_letters(log, customer_id, DEMAND_KINDS)
    promises = result.promises
    if len(promises):
        promises = promises[promises["customer_id"] == customer_id]
        contacts = result.contacts[["row", "channel", "contact_person"]]
        promises = promises.merge(contacts, on="row", how="left").sort_values(["contact_time", "row"])
    alert_days = max((int(v) for v in result.policy["limitation_alert_days"]), default=0)
    return Evidence(invoices, confirmations, demands, promises, evidence_gaps(invoices, demands, alert_days))
