"""Which letters a refresh result calls for, their numbers, contexts and log rows (pure).

A letter is one customer and one kind:

| kind         | trigger (policy defaults)                                        |
|--------------|------------------------------------------------------------------|
| confirmation | customer stage in `letters_confirmation_stages` (S1)             |
| reminder     | stage in `letters_reminder_stages` (S1) and the customer is new  |
|              | (first trade < `new_customer_months` ago) or high-risk           |
| demand       | stage in `letters_demand_stages` (S3)                            |
| lawyer       | stage in `letters_lawyer_stages` (S4)                            |
| case_review  | on request: one per row of the Cases sheet not yet reviewed       |
| plan         | on request: one 分期还款协议 per row of the Plans sheet not yet    |
|              | rendered (the plan no is logged in the Case Ref column)          |

Idempotency: a letter is skipped when the Letters log already holds one for the
same customer, kind and stage dated less than `letters_cooldown_days` before the
letter date (void rows do not count).  Numbers read `PREFIX-YEAR-000123`,
sequential per prefix and year, and are never reused: the caller passes every
number ever seen (log, journal, files) to `next_sequence`.

Demand notices and lawyer's letters state the principal, the interest up to the as-of date
(`core.interest.interest_statements` over the invoices the letter lists), its basis and the
total; every context carries these figures, and each invoice row its own interest.

Everything here is data in, data out: the adapters render, write and fsync.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import i18n
from .cells import clean_text, format_money, parse_dates, parse_integers, parse_money
from .i18n import Label, Lang
from .interest import interest_statements
from .issues import Issue
from .sheet_rows import locate_columns
from .policy import Policy
from .refresh import RefreshResult
from .rmb import fen_capitals, format_letter_date
from .tables import OutputColumn, OutputTable, RawSheet

KINDS: tuple[str, ...] = tuple(i18n.LETTER_KINDS)
STAGE_KINDS: tuple[str, ...] = ("confirmation", "reminder", "demand", "lawyer")
DEFAULT_KINDS = STAGE_KINDS                 # case reviews and plan agreements only on request
ON_REQUEST_KINDS = ("case_review", "plan")
PRE_DUE_KINDS = ("confirmation", "reminder")

# Data a letter cannot go out without (Company sheet keys, Customers fields).
COMPANY_REQUIRED: dict[str, tuple[str, ...]] = {
    "confirmation": ("name", "address", "contact", "phone", "payee_name", "bank_name", "bank_account"),
    "reminder": ("name", "address", "contact", "phone", "payee_name", "bank_name", "bank_account"),
    "demand": ("name", "address", "contact", "phone", "payee_name", "bank_name", "bank_account"),
    "lawyer": ("name", "payee_name", "bank_name", "bank_account", "law_firm", "lawyer"),
    "case_review": ("name",),
    "plan": ("name", "address", "payee_name", "bank_name", "bank_account"),
}
CUSTOMER_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "confirmation": ("name", "address"),
    "reminder": ("name", "address"),
    "demand": ("name", "address"),
    "lawyer": ("name", "address"),
    "case_review": ("name",),
    "plan": ("name", "address"),
}
CUSTOMER_FIELD_LABELS: dict[str, Label] = {
    "name": i18n.CUSTOMER_COLUMNS["customer_name"],
    "address": i18n.CUSTOMER_COLUMNS["address"],
}
CNY_WORDS = frozenset({"CNY", "RMB", "人民币"})
_LETTER_NO = re.compile(r"^(?P<prefix>.*?)-(?P<year>\d{4})-(?P<seq>\d+)$")


def _msg(code: str, **values: object) -> Label:
    return i18n.LETTER_MESSAGES[code].format(**values)


def _issue(severity: str, sheet: str, cell: str, code: str, **values: object) -> Issue:
    return Issue(severity, sheet, cell, _msg(code, **values))  # type: ignore[arg-type]


# ----- Company sheet ------------------------------------------------------------------------------
def load_company(sheet: RawSheet | None) -> tuple[dict[str, str], list[Issue]]:
    """Company data from the key/value `Company · 公司信息` sheet; blanks are ''.

    The Item column holds the key (`name`, `bank_account`, ...) or its description
    in either language.
    """
    company = {key: "" for key in i18n.COMPANY_FIELDS}
    if sheet is None or not len(sheet.frame):
        return company, []
    located, issues = locate_columns(sheet, {k: v for k, v in i18n.COMPANY_COLUMNS.items() if k != "description"},
                                     ("key", "value"))
    if located is None:
        return company, issues
    aliases = {i18n.normalise_name(key): key for key in i18n.COMPANY_FIELDS}
    aliases.update({i18n.normalise_name(name): key for key, label in i18n.COMPANY_FIELDS.items()
                    for name in label.both()})
    keys = clean_text(located.frame["key"])
    values = clean_text(located.frame["value"])
    for row, key in keys.items():
        if pd.isna(key):
            continue
        found = aliases.get(i18n.normalise_name(key))
        if found is None:
            issues.append(_issue("warning", sheet.name, f"{located.letters['key']}{row}", "company_unknown_key",
                                 value=key))
            continue
        value = values.loc[row]
        company[found] = "" if pd.isna(value) else _tidy(str(value))
    return company, issues


def _tidy(text: str) -> str:
    """Cell text as written in a letter: a float-looking account number stays as typed."""
    return text.strip()


# ----- Cases sheet ---------------------------------------------------------------------------------
CASE_FIELDS = ("case_ref", "case_no", "customer_id", "customer_name", "opened", "closed", "process", "solution",
               "result", "recovered_fen", "collection_days", "lessons", "row")


def read_cases(sheet: RawSheet | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Case rows with a customer; `case_ref` is the Case No, else `customer_id@opened`."""
    empty = pd.DataFrame({key: pd.Series(dtype=object) for key in CASE_FIELDS})
    if sheet is None or not len(sheet.frame) or not sheet.frame.notna().to_numpy().any():
        return empty, []
    located, issues = locate_columns(sheet, i18n.CASE_COLUMNS, ("customer_id",))
    if located is None:
        return empty, issues
    raw = located.frame
    text = {key: clean_text(raw[key]) if key in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
            for key in i18n.CASE_COLUMNS}
    filled = pd.concat(text.values(), axis=1).notna().any(axis=1)
    no_customer = filled & text["customer_id"].isna()
    for row in no_customer[no_customer].index:
        issues.append(_issue("warning", sheet.name, f"{located.letters['customer_id']}{row}", "case_no_customer"))
    keep = filled & text["customer_id"].notna()
    out = pd.DataFrame(index=text["customer_id"].index[keep])
    out["row"] = out.index.to_numpy()
    for key in ("case_no", "customer_id", "customer_name", "process", "solution", "result", "lessons"):
        out[key] = text[key][keep].astype(object).where(text[key][keep].notna(), "")
    for key in ("opened", "closed"):
        dates, bad = parse_dates(text[key][keep])
        for row in bad[bad].index:
            issues.append(Issue("warning", sheet.name, f"{located.letters[key]}{row}",
                                i18n.MESSAGES["date_unrecognised"].format(value=text[key].loc[row])))
        out[key] = dates
    recovered, bad = parse_money(text["recovered"][keep])
    for row in bad[bad].index:
        issues.append(Issue("warning", sheet.name, f"{located.letters['recovered']}{row}",
                            i18n.MESSAGES["amount_unrecognised"].format(value=text["recovered"].loc[row])))
    out["recovered_fen"] = recovered.fillna(0).astype("int64")
    days, _ = parse_integers(text["collection_days"][keep])
    out["collection_days"] = days
    opened_text = out["opened"].dt.strftime("%Y-%m-%d")
    fallback = out["customer_id"].astype(str) + "@" + opened_text.where(out["opened"].notna(),
                                                                         "row" + out["row"].astype(str))
    out["case_ref"] = out["case_no"].where(out["case_no"] != "", fallback)
    return out[list(CASE_FIELDS)].reset_index(drop=True), issues


# ----- Letters log ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogRow:
    """One row of the Letters log, as generated (the clerk fills the last three later)."""

    letter_no: str
    date: dt.date
    kind: str
    customer_id: str
    customer_name: str
    stage: str
    invoices: str
    total_fen: int
    file: str
    sha256: str
    status: str = "generated"
    case_ref: str = ""
    note: str = ""


@dataclass(frozen=True)
class LetterLog:
    """The Letters log as read: every cell kept as text for the rewrite, plus a parsed view.

    `header` is the header row (None for a blank header cell), `rows` the data rows
    (lists of text or None, same width), `keys` maps log keys to column positions.
    `entries` has one row per data row: letter_no, date, kind, customer_id, stage,
    status, case_ref, sent_date, delivered_date, tracking_no.
    """

    sheet_name: str | None = None
    header: tuple[str | None, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    keys: Mapping[str, int] = field(default_factory=dict)
    entries: pd.DataFrame = field(default_factory=lambda: _empty_entries())

    def letter_numbers(self) -> list[str]:
        return [no for no in self.entries["letter_no"] if isinstance(no, str) and no]


ENTRY_COLUMNS = ("letter_no", "date", "kind", "customer_id", "customer_name", "stage", "status", "case_ref",
                 "sent_date", "delivered_date", "tracking_no", "invoices", "total")


def _empty_entries() -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series(dtype=object) for key in ENTRY_COLUMNS})
    frame["date"] = pd.Series(dtype="datetime64[ns]")
    return frame


class LogUnreadable(ValueError):
    """The Letters log exists but has no Letter No column: appending could reuse numbers."""

    def __init__(self, label: Label):
        super().__init__(f"{label.zh} / {label.en}")
        self.label = label


def _kind_code(text: object) -> str | None:
    if text is None or pd.isna(text):
        return None
    folded = i18n.normalise_name(text)
    for code, label in i18n.LETTER_KINDS.items():
        if folded in (code, i18n.normalise_name(label.en), i18n.normalise_name(label.zh)):
            return code
    return None


def _status_code(text: object) -> str:
    if text is None or pd.isna(text):
        return ""
    folded = i18n.normalise_name(text)
    for code, label in i18n.LETTER_STATUSES.items():
        if folded in (code, i18n.normalise_name(label.zh)):
            return code
    return folded


def read_letter_log(sheet: RawSheet | None) -> tuple[LetterLog, list[Issue]]:
    """The log sheet as text rows plus a parsed view; raises LogUnreadable without a Letter No column."""
    if sheet is None:
        return LetterLog(), []
    frame = sheet.frame
    if not len(frame) or not frame.notna().to_numpy().any():
        return LetterLog(sheet_name=sheet.name), []
    located, issues = locate_columns(sheet, i18n.LETTER_LOG_COLUMNS, ("letter_no",))
    if located is None:
        column = " / ".join(i18n.LETTER_LOG_COLUMNS["letter_no"].both())
        raise LogUnreadable(Label(f"The {sheet.name} sheet has no '{column}' column in its header row; "
                                  f"fix the header before generating letters",
                                  f"“{sheet.name}”表头中没有“{column}”列，请先修正表头再生成函件"))
    non_empty = frame.notna().to_numpy().any(axis=1)
    header_pos = int(non_empty.argmax())
    width = len(frame.columns)
    header = tuple(None if pd.isna(v) else str(v) for v in frame.iloc[header_pos])
    body = frame.iloc[header_pos + 1:]
    body = body[body.notna().to_numpy().any(axis=1)] if len(body) else body
    rows = tuple(tuple(None if pd.isna(v) else str(v) for v in record) for record in body.itertuples(index=False))
    letter_to_position = {letter: n for n, letter in enumerate(sheet.columns[:width])}
    keys = {key: letter_to_position[letter] for key, letter in located.letters.items()}

    def column(key: str) -> pd.Series:
        if key not in keys:
            return pd.Series([None] * len(rows), dtype=object)
        return pd.Series([row[keys[key]] for row in rows], dtype=object)

    entries = pd.DataFrame({key: column(key) for key in ENTRY_COLUMNS if key != "date"})
    entries["letter_no"] = entries["letter_no"].map(lambda v: v.strip() if isinstance(v, str) else v)
    entries["customer_id"] = entries["customer_id"].map(lambda v: v.strip() if isinstance(v, str) else v)
    dates, _ = parse_dates(column("date").astype("string"))
    entries["date"] = dates.to_numpy()
    entries["kind"] = column("kind").map(_kind_code)
    entries["status"] = column("status").map(_status_code)
    entries["stage"] = column("stage").map(lambda v: v.strip().upper() if isinstance(v, str) else v)
    return LetterLog(sheet.name, header, rows, keys, entries[list(ENTRY_COLUMNS)]), issues


def with_rows(log: LetterLog, new_rows: Sequence[LogRow]) -> LetterLog:
    """The log's parsed view with rows appended (for idempotency checks within one run)."""
    if not new_rows:
        return log
    added = pd.DataFrame({
        "letter_no": [r.letter_no for r in new_rows],
        "date": pd.to_datetime([r.date for r in new_rows]),
        "kind": [r.kind for r in new_rows],
        "customer_id": [r.customer_id for r in new_rows],
        "customer_name": [r.customer_name for r in new_rows],
        "stage": [r.stage for r in new_rows],
        "status": [r.status for r in new_rows],
        "case_ref": [r.case_ref for r in new_rows],
        "sent_date": [None] * len(new_rows), "delivered_date": [None] * len(new_rows),
        "tracking_no": [None] * len(new_rows),
        "invoices": [r.invoices for r in new_rows],
        "total": [format_money(r.total_fen) for r in new_rows],
    })
    entries = added if not len(log.entries) else pd.concat([log.entries, added], ignore_index=True)
    return replace(log, entries=entries)


# ----- numbering and file names -------------------------------------------------------------------
def parse_letter_no(text: str) -> tuple[str, int, int] | None:
    """'CS-2026-000123' -> ('CS', 2026, 123); None if it is not of that form."""
    match = _LETTER_NO.match(str(text).strip())
    if not match:
        return None
    return match.group("prefix"), int(match.group("year")), int(match.group("seq"))


def format_letter_no(prefix: str, year: int, sequence: int, digits: int = 6) -> str:
    return f"{prefix}-{year}-{sequence:0{digits}d}"


def next_sequence(used: Iterable[str], prefix: str, year: int) -> int:
    """1 + the highest sequence among `used` numbers of this prefix and year."""
    highest = 0
    for text in used:
        parsed = parse_letter_no(text)
        if parsed and parsed[0] == prefix and parsed[1] == year:
            highest = max(highest, parsed[2])
    return highest + 1


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_file_part(text: str, limit: int = 60) -> str:
    """A piece of a file name: no path separators, reserved or control characters, no leading dots."""
    cleaned = unicodedata.normalize("NFC", str(text))
    cleaned = _UNSAFE.sub("_", cleaned)
    cleaned = re.sub(r"\s+", "_", cleaned).strip("._ ")
    return cleaned[:limit] or "_"


def letter_file_name(letter_no: str, kind: str, customer_id: str) -> str:
    """`{letter_no}_{kind}_{customer_id}.docx`, every part sanitised."""
    return f"{safe_file_part(letter_no)}_{safe_file_part(kind)}_{safe_file_part(customer_id)}.docx"


# ----- planning -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LetterJob:
    """A letter the batch will write (numbered later)."""

    kind: str
    customer_id: str
    customer_name: str
    stage: str
    invoice_nos: tuple[str, ...]
    total_fen: int
    case_ref: str = ""


@dataclass(frozen=True)
class LetterNote:
    """A letter not written: skipped (nothing to do) or failed (something is wrong)."""

    kind: str
    customer_id: str
    reason: Label
    letter_no: str = ""


def kind_stages(policy: Policy, kind: str) -> frozenset[str]:
    return frozenset(str(code).strip().upper() for code in policy[f"letters_{kind}_stages"])


def _months_before(day: dt.date, months: int) -> pd.Timestamp:
    return pd.Timestamp(day) - pd.DateOffset(months=months)


def new_customers(result: RefreshResult) -> set[str]:
    """Customers whose first trade is less than `new_customer_months` before the as-of date.

    Without a First Trade Date, the earliest invoice date in the ledger stands in.
    """
    first = result.detail.groupby("customer_id")["invoice_date"].min().astype("datetime64[ns]")
    if "first_trade_date" in result.customers and len(result.customers):
        known = result.customers["first_trade_date"].dropna().astype("datetime64[ns]")
        first = known.combine_first(first)
    cutoff = _months_before(result.as_of, int(result.policy["new_customer_months"]))
    return set(first[first > cutoff].index)


def _rows_for(detail: pd.DataFrame, kind: str, stages: frozenset[str]) -> pd.DataFrame:
    live = detail[detail["open_fen"] > 0]
    if kind in PRE_DUE_KINDS:
        return live[live["stage"].isin(stages)]
    if kind in ("demand", "lawyer"):
        return live[live["stage"].isin(i18n.LADDER_CODES) & (live["days_past_due"] >= 1)]
    return live[live["stage"].isin(i18n.LADDER_CODES + ("PLAN", "HOLD"))]


def in_cooldown(log: LetterLog, customer_id: str, kind: str, stage: str, day: dt.date,
                days: int) -> pd.Series | None:
    """The latest non-void log entry for customer+kind+stage dated less than `days` before `day`."""
    entries = log.entries
    if not len(entries):
        return None
    same = entries[(entries["customer_id"] == customer_id) & (entries["kind"] == kind)
                   & (entries["stage"] == stage) & (entries["status"] != "void") & entries["date"].notna()]
    if not len(same):
        return None
    age = (pd.Timestamp(day) - same["date"]).dt.days
    recent = same[age < days]
    if not len(recent):
        return None
    return recent.sort_values("date").iloc[-1]


def plan_letters(result: RefreshResult, log: LetterLog, cases: pd.DataFrame | None = None, *,
                 kinds: Sequence[str] | None = None, customers: Sequence[str] | None = None
                 ) -> tuple[list[LetterJob], list[LetterNote]]:
    """Letters due at `result.as_of`, in priority order, and those skipped with reasons.

    `kinds` defaults to the stage-triggered kinds; case reviews and plan agreements only when asked for.
    `customers` restricts the batch; a requested customer with nothing due is reported.
    """
    policy, day = result.policy, result.as_of
    wanted_kinds = tuple(kinds) if kinds else DEFAULT_KINDS
    unknown = [k for k in wanted_kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown letter kind(s): {', '.join(unknown)} (known: {', '.join(KINDS)})")
    wanted_customers = None if not customers else {str(c).strip() for c in customers}
    cooldown = int(policy["letters_cooldown_days"])
    jobs: list[LetterJob] = []
    notes: list[LetterNote] = []
    detail = result.detail
    by_customer = dict(tuple(detail.groupby("customer_id", sort=False))) if len(detail) else {}
    priority = result.priority
    newcomers = new_customers(result) if "reminder" in wanted_kinds else set()
    served: set[str] = set()
    for row in priority.itertuples(index=False):
        customer_id = str(row.customer_id)
        if wanted_customers is not None and customer_id not in wanted_customers:
            continue
        rows = by_customer.get(row.customer_id, detail.iloc[0:0])
        name = row.customer_name if isinstance(row.customer_name, str) else customer_id
        for kind in wanted_kinds:
            if kind in ON_REQUEST_KINDS:
                continue
            stages = kind_stages(policy, kind)
            if row.stage not in stages:
                continue
            if kind == "reminder" and not (bool(row.high_risk) or customer_id in newcomers):
                continue
            concerned = _rows_for(rows, kind, stages)
            if not len(concerned):
                continue
            served.add(customer_id)
            recent = in_cooldown(log, customer_id, kind, row.stage, day, cooldown)
            if recent is not None:
                notes.append(LetterNote(kind, customer_id, _msg(
                    "cooldown", kind=i18n.LETTER_KINDS[kind], customer=customer_id, stage=row.stage,
                    date=pd.Timestamp(recent["date"]).date().isoformat(), letter_no=recent["letter_no"],
                    days=cooldown), recent["letter_no"]))
                continue
            jobs.append(LetterJob(kind, customer_id, name, row.stage, tuple(concerned["invoice_no"].astype(str)),
                                  int(concerned["open_fen"].sum())))
    if "case_review" in wanted_kinds:
        jobs_cases, notes_cases = _plan_case_reviews(result, log, cases, wanted_customers)
        jobs += jobs_cases
        notes += notes_cases
        served |= {job.customer_id for job in jobs_cases} | {n.customer_id for n in notes_cases}
    if "plan" in wanted_kinds:
        jobs_plans, notes_plans = _plan_agreements(result, log, wanted_customers)
        jobs += jobs_plans
        notes += notes_plans
        served |= {job.customer_id for job in jobs_plans} | {n.customer_id for n in notes_plans}
    if wanted_customers is not None:
        stage_of = dict(zip(priority["customer_id"].astype(str), priority["stage"]))
        for customer_id in sorted(wanted_customers - served):
            if customer_id in stage_of:
                notes.append(LetterNote("", customer_id, _msg("no_letter_due", customer=customer_id,
                                                              stage=stage_of[customer_id])))
            elif not set(wanted_kinds) <= set(ON_REQUEST_KINDS):
                notes.append(LetterNote("", customer_id, _msg("not_in_ledger", customer=customer_id)))
    return jobs, notes


def _plan_case_reviews(result: RefreshResult, log: LetterLog, cases: pd.DataFrame | None,
                       wanted: set[str] | None) -> tuple[list[LetterJob], list[LetterNote]]:
    jobs: list[LetterJob] = []
    notes: list[LetterNote] = []
    if cases is None or not len(cases):
        for customer_id in sorted(wanted or ()):
            notes.append(LetterNote("case_review", customer_id, _msg("no_cases", customer=customer_id)))
        return jobs, notes
    entries = log.entries
    done = entries[(entries["kind"] == "case_review") & (entries["status"] != "void")] if len(entries) else entries
    done_refs = dict(zip(done["case_ref"], done["letter_no"])) if len(done) else {}
    stage_of = dict(zip(result.priority["customer_id"].astype(str), result.priority["stage"]))
    detail = result.detail
    seen: set[str] = set()
    for case in cases.itertuples(index=False):
        customer_id = str(case.customer_id)
        if wanted is not None and customer_id not in wanted:
            continue
        seen.add(customer_id)
        if case.case_ref in done_refs:
            notes.append(LetterNote("case_review", customer_id, _msg("case_done", case=case.case_ref,
                                                                     letter_no=done_refs[case.case_ref]),
                                    done_refs[case.case_ref]))
            continue
        if case.case_ref in {job.case_ref for job in jobs}:
            continue
        rows = detail[(detail["customer_id"] == customer_id) & (detail["open_fen"] > 0)]
        name = case.customer_name or _customer_name(result, customer_id)
        jobs.append(LetterJob("case_review", customer_id, name, stage_of.get(customer_id, ""),
                              tuple(rows["invoice_no"].astype(str)), int(case.recovered_fen), case.case_ref))
    for customer_id in sorted((wanted or set()) - seen):
        notes.append(LetterNote("case_review", customer_id, _msg("no_cases", customer=customer_id)))
    return jobs, notes


def _plan_agreements(result: RefreshResult, log: LetterLog, wanted: set[str] | None
                     ) -> tuple[list[LetterJob], list[LetterNote]]:
    """One agreement per valid Plans row not yet rendered (a non-void `plan` log row with its plan no)."""
    jobs: list[LetterJob] = []
    notes: list[LetterNote] = []
    entries = log.entries
    done = entries[(entries["kind"] == "plan") & (entries["status"] != "void")] if len(entries) else entries
    done_refs = dict(zip(done["case_ref"], done["letter_no"])) if len(done) else {}
    stage_of = dict(zip(result.priority["customer_id"].astype(str), result.priority["stage"]))
    seen: set[str] = set()
    for terms in result.plans:
        customer_id = str(terms.customer_id)
        if wanted is not None and customer_id not in wanted:
            continue
        seen.add(customer_id)
        if terms.plan_no in done_refs:
            notes.append(LetterNote("plan", customer_id, _msg("plan_done", plan=terms.plan_no,
                                                              letter_no=done_refs[terms.plan_no]),
                                    done_refs[terms.plan_no]))
            continue
        jobs.append(LetterJob("plan", customer_id, _customer_name(result, customer_id), stage_of.get(customer_id, ""),
                              tuple(terms.invoices), int(terms.total_fen), terms.plan_no))
    for customer_id in sorted((wanted or set()) - seen):
        notes.append(LetterNote("plan", customer_id, _msg("no_plans", customer=customer_id)))
    return jobs, notes


def _customer_name(result: RefreshResult, customer_id: str) -> str:
    customers = result.customers
    if customer_id in customers.index:
        name = customers.loc[customer_id, "customer_name"]
        if isinstance(name, str) and name:
            return name
    names = result.detail.loc[result.detail["customer_id"] == customer_id, "customer_name"].dropna()
    return str(names.iloc[0]) if len(names) else customer_id


# ----- checks before a number is reserved -------------------------------------------------------------
def _customer_record(result: RefreshResult, job: LetterJob) -> dict[str, str]:
    customers = result.customers
    record = customers.loc[job.customer_id] if job.customer_id in customers.index else None

    def get(key: str) -> str:
        if record is None:
            return ""
        value = record.get(key)
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()

    return {"id": job.customer_id, "name": get("customer_name") or (job.customer_name or ""),
            "address": get("address"), "contact": get("contact_name"), "phone": get("contact_phone"),
            "email": get("contact_email")}


def check_job(job: LetterJob, result: RefreshResult, company: Mapping[str, str]) -> Label | None:
    """Why this letter cannot be written (a Label), or None when its data is complete."""
    missing_company = [key for key in COMPANY_REQUIRED[job.kind] if not company.get(key)]
    if missing_company:
        fields = Label(", ".join(missing_company),
                       "、".join(f"{key}（{i18n.COMPANY_FIELDS[key].zh}）" for key in missing_company))
        return _msg("company_missing", fields=fields, kind=i18n.LETTER_KINDS[job.kind])
    customer = _customer_record(result, job)
    missing = [key for key in CUSTOMER_REQUIRED_FIELDS[job.kind] if not customer.get(key)]
    if missing:
        fields = Label(", ".join(CUSTOMER_FIELD_LABELS[k].en for k in missing),
                       "、".join(CUSTOMER_FIELD_LABELS[k].zh for k in missing))
        return _msg("customer_missing", customer=job.customer_id, fields=fields)
    if job.invoice_nos:
        rows = result.detail[result.detail["invoice_no"].isin(job.invoice_nos)]
        foreign = sorted(set(rows["currency"].fillna("CNY").str.upper()) - CNY_WORDS)
        if foreign:
            return _msg("foreign_currency", currency=", ".join(foreign))
    return None


# ----- the template context ------------------------------------------------------------------------------
def _date_text(value: object, lang: Lang) -> str:
    if value is None or (not isinstance(value, (dt.date, str)) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        parsed, bad = parse_dates(pd.Series([value], dtype="string"))
        if bad.iloc[0] or pd.isna(parsed.iloc[0]):
            return value
        value = parsed.iloc[0]
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return format_letter_date(value, lang)


def deadline_for(job: LetterJob, result: RefreshResult) -> dt.date:
    policy, day = result.policy, result.as_of
    if job.kind == "confirmation":
        return day + dt.timedelta(days=int(policy["letters_reply_days"]))
    if job.kind == "reminder":
        rows = result.detail[result.detail["invoice_no"].isin(job.invoice_nos)]
        if len(rows):
            return max(pd.Timestamp(rows["due_date"].min()).date(), day)
        return day
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
        "customer": _customer_record(result, job),
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
        **_interest_context(job, rows, result, lang),
    }
    if job.kind == "plan":
        context["plan"], context["schedule"] = _plan_context(job, result, lang)
    if job.kind == "case_review":
        context["case"] = _case_context(job, cases, day, lang)
        context["timeline"] = _timeline(job.customer_id, log, lang)
    return context


def _interest_context(job: LetterJob, rows: pd.DataFrame, result: RefreshResult, lang: Lang) -> dict:
    """Principal, interest to the as-of date, its basis and the total of the invoices the letter lists."""
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
        "principal_words": fen_capitals(max(principal, 0)),
        "interest": format_money(interest),
        "interest_words": fen_capitals(max(interest, 0)),
        "interest_basis": basis.get(lang),
        "has_interest": interest > 0,
        "claim_total": format_money(claim),
        "claim_total_words": fen_capitals(max(claim, 0)),
    }


def _fen(amount) -> int:
    return int((amount * 100).to_integral_value())


def _percent_text(ratio) -> str:
    """Decimal('0.0002') -> '0.02%', Decimal('0.3') -> '30%'."""
    text = format((ratio * 100).normalize(), "f")
    return f"{text}%"


def _plan_context(job: LetterJob, result: RefreshResult, lang: Lang) -> tuple[dict, list[dict[str, str]]]:
    """The plan's terms and its schedule (from the refresh's Plan Schedule) for an agreement."""
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
    extension = terms.plan_type == "extension"
    separator = "、" if lang == "zh" else ", "
    status = str(rows["plan_status"].iloc[0]) if len(rows) else ""
    plan = {
        "no": terms.plan_no,
        "type": i18n.PLAN_TYPES[terms.plan_type].get(lang),
        "is_extension": extension,
        "has_fee": extension or terms.installments > terms.interest_free,
        "signed_date": format_letter_date(terms.signed_date, lang) if terms.signed_date else "",
        "start": format_letter_date(terms.start, lang),
        "first_due": format_letter_date(terms.first_due, lang),
        "installments": str(terms.installments),
        "interval": str(terms.interval_days),
        "interest_free": "0" if extension else str(min(terms.interest_free, terms.installments)),
        "daily_rate": _percent_text(terms.daily_rate),
        "prepayment": _percent_text(terms.prepayment) if terms.prepayment is not None else "",
        "prepayment_amount": (format_money(int(rows["principal_fen"].iloc[0]))
                              if terms.prepayment is not None and len(rows) else ""),
        "invoices": separator.join(terms.invoices),
        "total": format_money(terms.total_fen),
        "total_words": fen_capitals(terms.total_fen),
        "principal_total": format_money(principal),
        "fee_total": format_money(fees),
        "amount_total": format_money(principal + fees),
        "amount_total_words": fen_capitals(principal + fees),
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


def _timeline(customer_id: str, log: LetterLog | None, lang: Lang) -> list[dict[str, str]]:
    if log is None or not len(log.entries):
        return []
    rows = log.entries[log.entries["customer_id"] == customer_id].sort_values("date", kind="stable")

    def text(value: object) -> str:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    return [{
        "date": _date_text(r.date, lang),
        "letter_no": text(r.letter_no),
        "kind": i18n.LETTER_KINDS[r.kind].get(lang) if r.kind in i18n.LETTER_KINDS else "",
        "stage": text(r.stage),
        "status": i18n.LETTER_STATUSES[r.status].get(lang) if r.status in i18n.LETTER_STATUSES else text(r.status),
        "sent_date": _date_text(r.sent_date, lang),
        "delivered_date": _date_text(r.delivered_date, lang),
        "tracking_no": text(r.tracking_no),
    } for r in rows.itertuples(index=False)]


# Top-level names a template of each kind may use; `--check-templates` reports others.
COMMON_NAMES = frozenset({"kind", "title", "letter_no", "date", "as_of", "deadline", "deadline_days", "reply_days",
                          "customer", "company", "invoices", "invoice_count", "contracts", "total", "total_words",
                          "open_total", "open_total_words", "stage", "stage_name", "max_days",
                          "principal", "principal_words", "interest", "interest_words", "interest_basis",
                          "has_interest", "claim_total", "claim_total_words"})
CONTEXT_NAMES: dict[str, frozenset[str]] = {kind: COMMON_NAMES for kind in STAGE_KINDS}
CONTEXT_NAMES["case_review"] = COMMON_NAMES | {"case", "timeline"}
CONTEXT_NAMES["plan"] = COMMON_NAMES | {"plan", "schedule"}


def sample_context(kind: str, lang: Lang) -> dict:
    """A complete context with fixed sample data: template checks and golden files use it."""
    zh = lang == "zh"
    invoices = [
        {"no": "INV-2026-0101", "contract_no": "HT-2026-017", "invoice_date": format_letter_date(dt.date(2026, 8, 3), lang),
         "due_date": format_letter_date(dt.date(2026, 10, 2), lang), "amount": "12,000.00", "paid": "2,000.00",
         "open": "10,000.00", "days": "40", "interest": "49.32"},
        {"no": "INV-2026-0135", "contract_no": "HT-2026-017", "invoice_date": format_letter_date(dt.date(2026, 9, 1), lang),
         "due_date": format_letter_date(dt.date(2026, 10, 31), lang), "amount": "6,409.02", "paid": "0.00",
         "open": "6,409.02", "days": "11", "interest": "8.69"},
    ]
    context = {
        "kind": kind,
        "title": i18n.LETTER_KINDS[kind].get(lang),
        "letter_no": "CS-2026-000123",
        "date": format_letter_date(dt.date(2026, 11, 11), lang),
        "as_of": format_letter_date(dt.date(2026, 11, 11), lang),
        "deadline": format_letter_date(dt.date(2026, 11, 30), lang),
        "deadline_days": "7", "reply_days": "10",
        "customer": {"id": "C0042", "name": "宁波恒信电子科技有限公司" if zh else "Ningbo Hengxin Electronic Technology Co., Ltd.",
                     "address": "浙江省宁波市鄞州区天童南路 588 号" if zh else "588 Tiantong South Road, Yinzhou District, Ningbo",
                     "contact": "王敏" if zh else "Wang Min", "phone": "0574-8888 1234",
                     "email": "wangmin@hengxin.example"},
        "company": {"name": "上海示例贸易有限公司" if zh else "Shanghai Example Trading Co., Ltd.",
                    "address": "上海市浦东新区世纪大道 100 号" if zh else "100 Century Avenue, Pudong New Area, Shanghai",
                    "contact": "李娜" if zh else "Li Na", "phone": "021-5555 0100", "email": "ar@example.com",
                    "payee_name": "上海示例贸易有限公司" if zh else "Shanghai Example Trading Co., Ltd.",
                    "bank_name": "中国工商银行上海浦东支行" if zh else "ICBC Shanghai Pudong Branch",
                    "bank_account": "1001 2345 6789 0123 456", "signatory": "财务部" if zh else "Finance Department",
                    "law_firm": "上海示例律师事务所" if zh else "Shanghai Example Law Firm",
                    "law_firm_address": "上海市静安区南京西路 1 号" if zh else "1 West Nanjing Road, Jing'an District, Shanghai",
                    "lawyer": "张伟" if zh else "Zhang Wei", "lawyer_phone": "021-6666 0200"},
        "invoices": invoices,
        "invoice_count": "2",
        "contracts": "HT-2026-017",
        "total": "16,409.02",
        "total_words": "人民币壹万陆仟肆佰零玖元零贰分",
        "open_total": "16,409.02",
        "open_total_words": "人民币壹万陆仟肆佰零玖元零贰分",
        "stage": "S3",
        "stage_name": i18n.STAGE_NAMES["S3"].get(lang),
        "max_days": "40",
        # 10,000.00 × 3.00% × 1.5 × 40 / 365 = 49.32 and 6,409.02 × 3.00% × 1.5 × 11 / 365 = 8.69
        "principal": "16,409.02",
        "principal_words": "人民币壹万陆仟肆佰零玖元零贰分",
        "interest": "58.01",
        "interest_words": "人民币伍拾捌元零壹分",
        "interest_basis": "按一年期LPR 3.00%的1.5倍计算" if zh else "at 1.5 times the one-year LPR of 3.00%",
        "has_interest": True,
        "claim_total": "16,467.03",
        "claim_total_words": "人民币壹万陆仟肆佰陆拾柒元零叁分",
    }
    if kind == "plan":
        context["plan"], context["schedule"] = sample_plan(lang)
    if kind == "case_review":
        context["case"] = {"ref": "CASE-2026-007", "no": "CASE-2026-007",
                           "opened": format_letter_date(dt.date(2026, 10, 9), lang),
                           "closed": format_letter_date(dt.date(2026, 11, 10), lang),
                           "process": "电话催收两次，发出催款通知书。" if zh else "Two calls, then a payment demand notice.",
                           "solution": "首付 30%，余款 15 天内付清。" if zh else "30% now, the rest within 15 days.",
                           "result": "全额收回。" if zh else "Recovered in full.",
                           "recovered": "16,409.02", "recovered_words": "人民币壹万陆仟肆佰零玖元零贰分",
                           "days": "32",
                           "lessons": "合同应约定逾期利息。" if zh else "Contracts should fix late interest."}
        context["timeline"] = [{"date": format_letter_date(dt.date(2026, 10, 9), lang), "letter_no": "CS-2026-000101",
                                "kind": i18n.LETTER_KINDS["demand"].get(lang), "stage": "S3",
                                "status": i18n.LETTER_STATUSES["delivered"].get(lang),
                                "sent_date": format_letter_date(dt.date(2026, 10, 10), lang),
                                "delivered_date": format_letter_date(dt.date(2026, 10, 12), lang),
                                "tracking_no": "SF1234567890"}]
    return context


def sample_plan(lang: Lang) -> tuple[dict, list[dict[str, str]]]:
    """The sample agreement's plan: 16,409.02 in 4 installments 30 days apart from 2026-11-30, 30% first,
    3 interest-free, then 0.02% a day.  Principal 4,922.71 + 3 × 3,828.77; the 4th installment's fee is
    3,828.77 × 0.02% × 30 = 22.97."""
    dates = [dt.date(2026, 11, 30), dt.date(2026, 12, 30), dt.date(2027, 1, 29), dt.date(2027, 2, 28)]
    principal = ["4,922.71", "3,828.77", "3,828.77", "3,828.77"]
    fees = ["0.00", "0.00", "0.00", "22.97"]
    amounts = ["4,922.71", "3,828.77", "3,828.77", "3,851.74"]
    schedule = [{"n": str(n), "due_date": format_letter_date(day, lang), "principal": p, "fee": f, "amount": a}
                for n, (day, p, f, a) in enumerate(zip(dates, principal, fees, amounts), start=1)]
    zh = lang == "zh"
    plan = {
        "no": "FQ-2026-003", "type": i18n.PLAN_TYPES["installment"].get(lang), "is_extension": False,
        "has_fee": True, "signed_date": format_letter_date(dt.date(2026, 11, 11), lang),
        "start": format_letter_date(dt.date(2026, 11, 11), lang),
        "first_due": format_letter_date(dates[0], lang), "installments": "4", "interval": "30",
        "interest_free": "3", "daily_rate": "0.02%", "prepayment": "30%", "prepayment_amount": "4,922.71",
        "invoices": ("、" if zh else ", ").join(["INV-2026-0101", "INV-2026-0135"]),
        "total": "16,409.02", "total_words": "人民币壹万陆仟肆佰零玖元零贰分", "principal_total": "16,409.02",
        "fee_total": "22.97", "amount_total": "16,431.99", "amount_total_words": "人民币壹万陆仟肆佰叁拾壹元玖角玖分",
        "grace_days": "7", "status": i18n.PLAN_STATUSES["active"].get(lang),
    }
    return plan, schedule


# ----- the log sheet ------------------------------------------------------------------------------------------
LOG_DATE_KEYS = ("date", "sent_date", "delivered_date")
LOG_MONEY_KEYS = ("total",)
LOG_WIDTHS = {"letter_no": 17, "date": 12, "kind": 16, "customer_id": 12, "customer_name": 30, "stage": 8,
              "invoices": 30, "total": 15, "file": 40, "sha256": 20, "status": 10, "sent_date": 12,
              "delivered_date": 12, "tracking_no": 18, "case_ref": 16, "note": 40}


def log_row_values(row: LogRow, lang: Lang) -> dict[str, object]:
    """A new log row as typed cell values by key."""
    return {
        "letter_no": row.letter_no, "date": pd.Timestamp(row.date), "kind": i18n.LETTER_KINDS[row.kind].get(lang),
        "customer_id": row.customer_id, "customer_name": row.customer_name, "stage": row.stage,
        "invoices": row.invoices, "total": row.total_fen, "file": row.file, "sha256": row.sha256,
        "status": i18n.LETTER_STATUSES[row.status].get(lang) if row.status in i18n.LETTER_STATUSES else row.status,
        "sent_date": None, "delivered_date": None, "tracking_no": None, "case_ref": row.case_ref or None,
        "note": row.note or None,
    }


def log_table(log: LetterLog, new_rows: Sequence[LogRow], lang: Lang) -> OutputTable:
    """The whole log: existing rows exactly as they were (every column, the clerk's edits),
    then the new rows.  Existing columns keep their order and header text; missing log
    columns are added at the end.  A date or amount column is typed when every value in
    it is understood, else it is written as text so nothing the clerk typed is lost."""
    name = log.sheet_name or i18n.SHEETS["letters"].get(lang)
    header = list(log.header)
    keys = dict(log.keys)
    for key in i18n.LETTER_LOG_COLUMNS:
        if key not in keys:
            keys[key] = len(header)
            header.append(i18n.LETTER_LOG_COLUMNS[key].get(lang))
    width = len(header)
    old = [list(row) + [None] * (width - len(row)) for row in log.rows]
    position_key = {position: key for key, position in keys.items()}
    new_values = [log_row_values(row, lang) for row in new_rows]
    columns: list[OutputColumn] = []
    data: dict[str, pd.Series] = {}
    for position in range(width):
        key = position_key.get(position)
        old_text = pd.Series([row[position] for row in old], dtype="string")
        fresh = [values[key] for values in new_values] if key else [None] * len(new_values)
        title = header[position] if header[position] is not None else ""
        kind, series = "text", None
        if key in LOG_DATE_KEYS:
            parsed, bad = parse_dates(old_text)
            if not bad.any():
                kind = "date"
                series = pd.concat([parsed, pd.Series(pd.to_datetime(fresh), dtype="datetime64[ns]")],
                                   ignore_index=True)
        elif key in LOG_MONEY_KEYS:
            fen, bad = parse_money(old_text)
            if not bad.any():
                kind = "money"
                series = pd.concat([fen, pd.Series(fresh, dtype="Int64")], ignore_index=True)
        if series is None:
            old_values = [None if pd.isna(v) else str(v) for v in old_text]
            series = pd.Series(old_values + [_as_text(v) for v in fresh], dtype=object)
        columns.append(OutputColumn(title, kind, LOG_WIDTHS.get(key or "", 14)))
        data[f"c{position}"] = series.reset_index(drop=True)
    frame = pd.DataFrame(data)
    return OutputTable(name, tuple(columns), frame)


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (int, np.integer)):
        return format_money(int(value))
    return str(value)
