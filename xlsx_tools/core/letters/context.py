"""Template contexts: every value a letter template may use, as display text (pure)."""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import format_money, parse_dates
from ..i18n import Lang
from ..interest import daily_interest_fen, interest_statements
from ..policy import percent_text
from ..read.letter_log import LetterLog
from ..refresh import RefreshResult
from ..read.fx import CNY, currency_code
from ..rmb import fen_capitals, format_letter_date
from ..words import amount_words, has_words
from ..tables import SerialDates
from .checks import customer_record
from .evidence import evidence_for
from .plan import LEGAL_KINDS, STAGE_KINDS, LetterJob


def _date_text(value: object, lang: Lang, serial_dates: SerialDates | None = None) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):     # NaT is a datetime too
        return ""
    if isinstance(value, str):
        parsed, bad = parse_dates(pd.Series([value], dtype="string"), serial_dates)
        if bad.iloc[0] or pd.isna(parsed.iloc[0]):
            return value
        value = parsed.iloc[0]
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return format_letter_date(value, lang)


def deadline_for(job: LetterJob, result: RefreshResult) -> dt.date:
    """The date a letter asks for: a pre-due letter's deadline is never after the first due date it lists
    (a reply after the due date cannot prevent a dispute); the others give `letters_deadline_days`."""
    policy, day = result.policy, result.as_of
    if job.kind in ("confirmation", "reminder"):
        rows = result.detail[result.detail["invoice_no"].isin(job.invoice_nos)]
        first_due = max(pd.Timestamp(rows["due_date"].min()).date(), day) if len(rows) else day
        if job.kind == "reminder":
            return first_due
        return min(day + dt.timedelta(days=int(policy["letters_reply_days"])), first_due)
    if job.kind in ("demand", "lawyer"):
        return day + dt.timedelta(days=int(policy["letters_deadline_days"]))
    return day


def letter_context(job: LetterJob, letter_no: str, result: RefreshResult, company: Mapping[str, str],
                   lang: Lang, log: LetterLog | None = None, cases: pd.DataFrame | None = None) -> dict:
    """Every value a template may use, as display text (see `CONTEXT_NAMES`)."""
    day = result.as_of
    detail = result.detail
    rows = detail[detail["invoice_no"].isin(job.invoice_nos)] if job.invoice_nos else detail.iloc[0:0]
    if job.invoice_nos:
        order = {no: n for n, no in enumerate(job.invoice_nos)}
        rows = rows.iloc[np.argsort(rows["invoice_no"].map(order).to_numpy(), kind="stable")]
    not_due = i18n.NOT_YET_DUE.get(lang)
    invoices = [{
        "no": str(r.invoice_no),
        "contract_no": "" if pd.isna(r.contract_no) else str(r.contract_no),
        "invoice_date": _date_text(r.invoice_date, lang),
        "due_date": _date_text(r.due_date, lang),
        "amount": format_money(int(r.amount_fen)),
        "paid": format_money(int(r.paid_fen)),
        "open": format_money(int(r.open_fen)),
        "days": str(int(r.days_past_due)) if int(r.days_past_due) > 0 else not_due,
        "interest": format_money(0 if pd.isna(r.interest_fen) else int(r.interest_fen)),
    } for r in rows.itertuples(index=False)]
    open_total = int(rows["open_fen"].sum()) if len(rows) else 0
    contracts = [c for c in dict.fromkeys(rows["contract_no"].dropna().astype(str)) if c] if len(rows) else []
    separator = "、" if lang == "zh" else ", "
    max_days = int(rows["days_past_due"].max()) if len(rows) else 0
    context = {
        "kind": job.kind,
        "title": i18n.LETTER_KINDS[job.kind].get(lang),
        "letter_no": letter_no,
        "date": format_letter_date(day, lang),
        "as_of": format_letter_date(day, lang),
        "deadline": format_letter_date(deadline_for(job, result), lang),
        "deadline_days": str(int(result.policy["letters_deadline_days"])),
        "reply_days": str(int(result.policy["letters_reply_days"])),
        "customer": customer_record(result, job),
        "company": {key: str(company.get(key, "") or "") for key in i18n.COMPANY_FIELDS},
        "invoices": invoices,
        "invoice_count": str(len(invoices)),
        "contracts": separator.join(contracts) if contracts else i18n.NO_CONTRACT.get(lang),
        "total": format_money(job.total_fen),
        "total_words": fen_capitals(job.total_fen),
        "open_total": format_money(open_total),
        "open_total_words": fen_capitals(max(open_total, 0)),
        "stage": job.stage,
        "stage_name": i18n.STAGE_NAMES[job.stage].get(lang) if job.stage in i18n.STAGE_NAMES else "",
        "max_days": str(max(max_days, 0)),
        **currency_tables(rows, invoices, lang, lambda part, words: _interest_context(job, part, result, lang, words)),
        **_interest_context(job, rows, result, lang),
    }
    if job.kind == "plan":
        context["plan"], context["schedule"] = _plan_context(job, result, lang, open_total)
    if job.kind == "case_review":
        context["case"] = _case_context(job, cases, day, lang)
        context["timeline"] = _timeline(job.customer_id, log, result.events, lang, result.contacts)
    if job.kind in LEGAL_KINDS:
        context["evidence"] = _evidence_context(job, result, log, lang)
    return context


def _sha_groups(text: object) -> str:
    """A SHA-256 in groups of 16, so a narrow table cell wraps it between groups."""
    value = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text).strip()
    return " ".join(value[i:i + 16] for i in range(0, len(value), 16))


def _evidence_context(job: LetterJob, result: RefreshResult, log: LetterLog | None, lang: Lang) -> dict:
    """The evidence checklist's lists (also the payment order's facts): contracts, confirmations with
    their reply, demands with number, SHA-256 and delivery, promises, limitation per invoice, gaps."""
    found = evidence_for(result, log, job.customer_id, job.invoice_nos)
    serial = log.serial_dates if log is not None else None
    separator = "、" if lang == "zh" else ", "
    invoices = found.invoices
    contracts = []
    if len(invoices):
        keyed = invoices.assign(_contract=invoices["contract_no"].fillna("").astype(str))
        for contract, rows in keyed.groupby("_contract", sort=False):
            contracts.append({"no": contract or i18n.NO_CONTRACT.get(lang),
                              "invoices": separator.join(rows["invoice_no"].astype(str)),
                              "amount": format_money(int(rows["amount_fen"].sum())),
                              "open": format_money(int(rows["open_fen"].sum()))})
    limitation = [{
        "no": str(r.invoice_no),
        "due_date": _date_text(r.due_date, lang),
        "event": (i18n.INTERRUPTIONS[r.limitation_event].get(lang) + " " + _date_text(r.limitation_anchor, lang)
                  if isinstance(r.limitation_event, str)
                  else i18n.LIMITATION_STATES["frozen"].get(lang) if r.limitation_state == "frozen"
                  else i18n.INTERRUPTION_NONE.get(lang)),
        "expiry": _date_text(r.limitation_expiry, lang),
        "days_left": "" if pd.isna(r.limitation_days_left) else str(int(r.limitation_days_left)),
        "state": i18n.LIMITATION_STATES[r.limitation_state].get(lang)
        if r.limitation_state in i18n.LIMITATION_STATES else "",
    } for r in invoices.itertuples(index=False)]
    confirmations = [{
        "letter_no": str(r.letter_no), "date": _date_text(r.date, lang),
        "status": i18n.LETTER_STATUSES[r.status].get(lang) if r.status in i18n.LETTER_STATUSES else str(r.status or ""),
        "reply": r.reply.get(lang),
    } for r in found.confirmations.itertuples(index=False)]
    demands = [{
        "kind": i18n.LETTER_KINDS[r.kind].get(lang) if r.kind in i18n.LETTER_KINDS else str(r.kind),
        "letter_no": str(r.letter_no), "date": _date_text(r.date, lang),
        "sha256": _sha_groups(r.sha256),
        "sent": _date_text(r.sent_date, lang, serial), "delivered": _date_text(r.delivered_date, lang, serial),
        "tracking": "" if r.tracking_no is None or pd.isna(r.tracking_no) else str(r.tracking_no),
    } for r in found.demands.itertuples(index=False)]
    promises = [{
        "date": _date_text(r.contact_date, lang),
        "channel": i18n.CHANNELS[r.channel].get(lang) if r.channel in i18n.CHANNELS else str(r.channel),
        "person": "" if not isinstance(r.contact_person, str) else r.contact_person,
        "promised_date": _date_text(r.promised_date, lang),
        "amount": format_money(int(r.promised_fen)),
        "status": i18n.PROMISE_STATES[r.status].get(lang) if r.status in i18n.PROMISE_STATES else str(r.status),
    } for r in found.promises.itertuples(index=False)]
    return {"contracts": contracts, "limitation": limitation, "confirmations": confirmations, "demands": demands,
            "promises": promises, "gaps": [gap.message.get(lang) for gap in found.gaps]}


def money_words(fen: int, code: str) -> str:
    """An amount in words for a letter: 大写 for CNY, English for USD/EUR/HKD, none for others."""
    if code == CNY:
        return fen_capitals(max(fen, 0))
    return amount_words(max(fen, 0), code) if has_words(code) else ""


# What a Chinese letter calls the currencies it has words for; others go by their code.
CURRENCY_NAMES_ZH = {CNY: "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港元"}


def currency_tables(rows: pd.DataFrame, invoices: list[dict], lang: Lang, interest=None) -> dict:
    """The invoices split by currency, CNY first (issue 12): letters keep the invoice currency, one
    table per currency with its own total, in 大写 for CNY and in English words for USD, EUR, HKD.
    `interest(rows, words)` adds each currency's principal, interest and claim (demand, lawyer).
    `single_cny`: the letter is in CNY only (then the classic one table and total lines apply)."""
    codes = [currency_code(code) for code in rows["currency"]] if len(rows) else []
    order = sorted(dict.fromkeys(codes), key=lambda code: code != CNY)
    tables = []
    for code in order:
        mine = [n for n, own in enumerate(codes) if own == code]
        total = int(rows["open_fen"].iloc[mine].sum())
        name = CURRENCY_NAMES_ZH.get(code, code) if lang == "zh" else code
        table = {"code": code, "name": name, "unit": ("元" if code == CNY else name) if lang == "zh" else code,
                 "is_cny": code == CNY, "invoices": [invoices[n] for n in mine],
                 "total": format_money(total), "words": money_words(total, code)}
        if interest is not None:
            table.update(interest(rows.iloc[mine], lambda fen, code=code: money_words(fen, code)))
        tables.append(table)
    return {"currency_tables": tables, "single_cny": order in ([], [CNY])}


def _interest_context(job: LetterJob, rows: pd.DataFrame, result: RefreshResult, lang: Lang,
                      words=fen_capitals) -> dict:
    """Principal, interest to the as-of date, its basis and the total of the invoices the letter lists
    (`words`: the amount in words of the rows' currency)."""
    statement = None
    if len(rows):
        statement = interest_statements(rows, result.policy, result.as_of, customer_ids=[job.customer_id],
                                        invoice_nos=job.invoice_nos).get(job.customer_id)
    if statement is None:
        principal, interest = 0, 0
        basis = i18n.INTEREST_BASIS_TEXT["none"].format()
    else:
        principal, interest = _fen(statement.principal), _fen(statement.interest)
        basis = statement.basis
    claim = principal + interest
    return {
        "principal": format_money(principal),
        "principal_words": words(max(principal, 0)),
        "interest": format_money(interest),
        "interest_words": words(max(interest, 0)),
        "interest_basis": basis.get(lang),
        "has_interest": interest > 0,
        "daily_interest": format_money(daily_interest_fen(rows) if len(rows) else 0),
        "claim_total": format_money(claim),
        "claim_total_words": words(max(claim, 0)),
    }


def _fen(amount) -> int:
    return int((amount * 100).to_integral_value())



def _plan_context(job: LetterJob, result: RefreshResult, lang: Lang,
                  open_total: int) -> tuple[dict, list[dict[str, str]]]:
    """The plan's terms and its schedule (from the refresh's Plan Schedule) for an agreement;
    `open_total` is what the letter's invoice table adds up to."""
    terms = next((plan for plan in result.plans if plan.plan_no == job.case_ref), None)
    if terms is None:
        raise ValueError(f"plan {job.case_ref} is not a valid row of the Plans sheet")
    table = result.plan_schedule
    rows = table[table["plan_no"] == terms.plan_no] if len(table) else table
    schedule = [{
        "n": str(int(r.installment)),
        "due_date": _date_text(r.due_date, lang),
        "principal": format_money(int(r.principal_fen)),
        "fee": format_money(int(r.fee_fen)),
        "amount": format_money(int(r.amount_fen)),
    } for r in rows.itertuples(index=False)]
    principal = int(rows["principal_fen"].sum()) if len(rows) else 0
    fees = int(rows["fee_fen"].sum()) if len(rows) else 0
    paid = int(rows["paid_fen"].sum()) if len(rows) else 0
    extension = terms.plan_type == "extension"
    listed = result.detail[result.detail["invoice_no"].isin(terms.invoices)]["currency"]
    code = currency_code(listed.iloc[0]) if len(listed) else CNY     # one currency (checks.ONE_CURRENCY_KINDS)
    separator = "、" if lang == "zh" else ", "
    status = str(rows["plan_status"].iloc[0]) if len(rows) else ""
    plan = {
        "no": terms.plan_no,
        "type": i18n.PLAN_TYPES[terms.plan_type].get(lang),
        "is_extension": extension,
        "has_fee": extension or terms.installments > terms.interest_free,
        "start": format_letter_date(terms.start, lang),
        "first_due": format_letter_date(terms.first_due, lang),
        "installments": str(terms.installments),
        "interval": str(terms.interval_days),
        "interest_free": "0" if extension else str(min(terms.interest_free, terms.installments)),
        "daily_rate": percent_text(terms.daily_rate),
        "prepayment": percent_text(terms.prepayment) if terms.prepayment is not None else "",
        "prepayment_amount": (format_money(int(rows["principal_fen"].iloc[0]))
                              if terms.prepayment is not None and len(rows) else ""),
        "invoices": separator.join(terms.invoices),
        "total": format_money(terms.total_fen),
        "total_words": money_words(terms.total_fen, code),
        # the invoice table totals today's open amounts; where the plan's total differs (paid under the
        # plan since it began, or fees agreed on top) the agreement states the plan total on its own line
        "open_differs": open_total != terms.total_fen,
        "paid": format_money(paid),
        "has_paid": paid > 0,
        "principal_total": format_money(principal),
        "fee_total": format_money(fees),
        "amount_total": format_money(principal + fees),
        "amount_total_words": money_words(principal + fees, code),
        "currency": code,
        "is_cny": code == CNY,
        "unit": ("元" if code == CNY else CURRENCY_NAMES_ZH.get(code, code)) if lang == "zh" else code,
        "grace_days": str(int(result.policy["plan_grace_days"])),
        "status": i18n.PLAN_STATUSES[status].get(lang) if status in i18n.PLAN_STATUSES else "",
    }
    return plan, schedule


def _case_context(job: LetterJob, cases: pd.DataFrame | None, day: dt.date, lang: Lang) -> dict[str, str]:
    record = None
    if cases is not None and len(cases):
        match = cases[cases["case_ref"] == job.case_ref]
        record = match.iloc[0] if len(match) else None
    if record is None:
        return {key: "" for key in ("ref", "no", "opened", "closed", "process", "solution", "result", "recovered",
                                    "recovered_words", "days", "lessons")}
    days = record["collection_days"]
    if pd.isna(days) and pd.notna(record["opened"]):
        end = record["closed"] if pd.notna(record["closed"]) else pd.Timestamp(day)
        days = (end - record["opened"]).days
    return {
        "ref": str(record["case_ref"]),
        "no": str(record["case_no"]),
        "opened": _date_text(record["opened"], lang),
        "closed": _date_text(record["closed"], lang),
        "process": str(record["process"]),
        "solution": str(record["solution"]),
        "result": str(record["result"]),
        "recovered": format_money(int(record["recovered_fen"])),
        "recovered_words": fen_capitals(int(record["recovered_fen"])),
        "days": "" if pd.isna(days) else str(int(days)),
        "lessons": str(record["lessons"]),
    }


def _timeline(customer_id: str, log: LetterLog | None, events: pd.DataFrame, lang: Lang,
              contacts: pd.DataFrame | None = None) -> list[dict[str, str]]:
    """What happened in a case, in date order: each letter of the Letters log (with its sending and
    delivery), each row of the Events sheet and each row of the Contacts sheet (channel, outcome, promise)."""
    def text(value: object) -> str:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    items: list[tuple[pd.Timestamp, int, dict[str, str]]] = []
    if log is not None and len(log.entries):
        letters = log.entries[log.entries["customer_id"] == customer_id]
        for r in letters.itertuples(index=False):
            kind = i18n.LETTER_KINDS[r.kind].get(lang) if r.kind in i18n.LETTER_KINDS else text(r.kind)
            status = (i18n.LETTER_STATUSES[r.status].get(lang) if r.status in i18n.LETTER_STATUSES
                      else text(r.status))
            detail = [status]
            if text(r.sent_date):
                detail.append(i18n.TIMELINE_WORDS["sent"].get(lang) + _date_text(r.sent_date, lang, log.serial_dates))
            if text(r.delivered_date):
                detail.append(i18n.TIMELINE_WORDS["delivered"].get(lang) + _date_text(r.delivered_date, lang, log.serial_dates))
            if text(r.tracking_no):
                detail.append(i18n.TIMELINE_WORDS["tracking"].get(lang) + text(r.tracking_no))
            items.append((pd.Timestamp(r.date), 0, {
                "date": _date_text(r.date, lang), "source": i18n.TIMELINE_WORDS["letters"].get(lang),
                "what": f"{kind} {text(r.letter_no)}".strip(), "detail": ("; " if lang == "en" else "；").join(
                    part for part in detail if part)}))
    if events is not None and len(events):
        mine = events[events["customer_id"] == customer_id]
        separator = ", " if lang == "en" else "、"
        for r in mine.itertuples(index=False):
            event = i18n.EVENT_TYPES[r.event].get(lang) if r.event in i18n.EVENT_TYPES else text(r.event)
            invoices = separator.join(r.invoices) if isinstance(r.invoices, tuple) else \
                i18n.TIMELINE_WORDS["all_invoices"].get(lang)
            items.append((pd.Timestamp(r.date), 1, {
                "date": _date_text(r.date, lang), "source": i18n.TIMELINE_WORDS["events"].get(lang),
                "what": event, "detail": invoices}))
    if contacts is not None and len(contacts):
        mine = contacts[contacts["customer_id"] == customer_id]
        for r in mine.itertuples(index=False):
            channel = i18n.CHANNELS[r.channel].get(lang) if r.channel in i18n.CHANNELS else text(r.channel)
            outcome = i18n.OUTCOMES[r.outcome].get(lang) if r.outcome in i18n.OUTCOMES else text(r.outcome)
            detail = [text(r.contact_person)]
            if r.outcome == "promise" and pd.notna(r.promised_date):
                detail.append(i18n.TIMELINE_WORDS["promise"].get(lang) + _date_text(r.promised_date, lang)
                              + ("" if pd.isna(r.promised_fen) else " ¥" + format_money(int(r.promised_fen))))
            items.append((pd.Timestamp(r.contact_date), 2, {
                "date": _date_text(r.contact_date, lang), "source": i18n.TIMELINE_WORDS["contacts"].get(lang),
                "what": f"{channel} · {outcome}", "detail": ("; " if lang == "en" else "；").join(
                    part for part in detail if part)}))
    items.sort(key=lambda item: (pd.Timestamp.max if pd.isna(item[0]) else item[0], item[1]))
    return [entry for _, _, entry in items]


# Top-level names a template of each kind may use; `--check-templates` reports others.
COMMON_NAMES = frozenset({"kind", "title", "letter_no", "date", "as_of", "deadline", "deadline_days", "reply_days",
                          "customer", "company", "invoices", "invoice_count", "contracts", "total", "total_words",
                          "open_total", "open_total_words", "stage", "stage_name", "max_days",
                          "principal", "principal_words", "interest", "interest_words", "interest_basis",
                          "has_interest", "claim_total", "claim_total_words", "daily_interest",
                          "currency_tables", "single_cny"})
CONTEXT_NAMES: dict[str, frozenset[str]] = {kind: COMMON_NAMES for kind in STAGE_KINDS}
CONTEXT_NAMES["case_review"] = COMMON_NAMES | {"case", "timeline"}
CONTEXT_NAMES["plan"] = COMMON_NAMES | {"plan", "schedule"}
CONTEXT_NAMES["evidence"] = COMMON_NAMES | {"evidence"}
CONTEXT_NAMES["payment_order"] = COMMON_NAMES | {"evidence"}
