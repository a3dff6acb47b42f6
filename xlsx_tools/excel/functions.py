"""Worksheet functions (xlwings UDFs): aging and stages inside the ledger.

Every function is a thin wrapper: it turns Excel values into the cell text the readers
understand (`io.workbook_xlwings.cell_text`), parses them with the same core parsers as
the ledger reader, and calls the same core functions as `refresh` (`aging.days_past_due`,
`aging.bucket_index`, `stages.assign_stages`, `refresh.compute`, the `sheets` layout).
No rule is implemented twice.

* Excel dates, serial numbers (e.g. =DATE(...) results), text dates in the contract's forms
  and datetime values are accepted; a blank input gives a blank result.
* Bad input gives a readable error string, in English and Chinese:
  ``#XT! Due Date: Date format not recognised 'abc' / 到期日：日期格式无法识别 'abc'``.
  An error cell (``#N/A``, ``#DIV/0!`` …) is bad input too, as Refresh reads it.
* Defaults (as-of date, language, ladder, buckets, owners and actions) come from the
  calling workbook's Policy sheet when there is one (read through `xw.Book.caller()`,
  cached for a few seconds), else from the shipped defaults.  After editing the Policy
  sheet, recalculate with Ctrl+Alt+F9.
* The table functions take the ledger and customers from their ranges and the calling
  workbook's other input sheets (Payments, Plans, Events, Letters, Snapshots) as `refresh`
  reads them, so they give exactly the Priority and Aging sheets.  `XT_STAGE` sees one row
  and so not the Plans sheet.

In Excel: the `xlwings.conf` sheet names this module under "UDF Modules"; "Import
Functions" on the xlwings ribbon tab makes the functions available (docs/windows-setup.md).
Do not add type hints to the UDF parameters: xlwings reads them as converters.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
import xlwings as xw

from ..core import i18n
from ..core.passes.aging import age_receivables, bucket_index, days_past_due
from ..core.passes.promises import contact_summary, latest_promises, promise_status
from ..core.cells import parse_dates, parse_money
from ..core.i18n import Label, Lang
from ..core.read.ledger import status_codes          # the ledger reader's own status rule
from ..core.policy import DEFAULT_POLICY, Policy, InvalidSetting, parse_lang, load_policy
from ..core.read import read_inputs
from ..core.refresh import RefreshInputs, compute, resolve_as_of
from ..core.rmb import fen_capitals
from ..core.passes.stages import assign_stages
from ..io.xlsx.dates import SERIAL_DATES_1900
from ..io.workbook_xlwings import XlwingsWorkbook, cell_text, raw_sheet, table_rows
from ..present import texts
from ..present.sheets import aging_table, priority_table, stage_texts
from .ranges import Columns, is_range

CATEGORY = "xlsx_tools"
POLICY_TTL_SECONDS = 5.0
# Argument descriptions for Excel's function wizard (at most 255 characters each).
# Numbers in date arguments count in Excel for Windows' 1900 date system.
_parse_excel_dates = functools.partial(parse_dates, serial_dates=SERIAL_DATES_1900)
# Due Date and Hold Until as the Ledger reads them (its OPEN_ENDED_DATES): 9999-12-31 means "never".
_parse_open_ended_dates = functools.partial(_parse_excel_dates, open_ended=True)

DUE_DATE_DOC = "Due date: a date, serial number or text such as 2026-11-28. 到期日：日期、序列号或 2026-11-28 等文本。"
AS_OF_DOC = "Optional as-of date; blank = Policy sheet, else today. 可选基准日；空白＝催收策略表，否则今天。"
LANG_DOC = "Optional language: zh or en; blank = Policy sheet. 可选语言：zh 或 en；空白＝催收策略表。"
STAGE_DOC = "Stage code: S0-S5, HOLD, PLAN, CLOSED, CREDIT. 催收阶段代码。"

__all__ = ["XT_DAYS_PAST_DUE", "XT_BUCKET", "XT_STAGE", "XT_STAGE_NAME", "XT_NEXT_ACTION", "XT_RMB_UPPER",
           "XT_AGING_TABLE", "XT_PRIORITY", "XT_LAST_CONTACT", "XT_PROMISE_STATUS", "workbook_policy"]


# ---------------------------------------------------------------- errors
class BadInput(Exception):
    """An argument the function cannot use; becomes the `#XT! …` result."""

    def __init__(self, message: Label, argument: Label | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.argument = argument

    def text(self) -> str:
        if self.argument is None:
            return f"{texts.ERROR_PREFIX} {self.message.en} / {self.message.zh}"
        return (f"{texts.ERROR_PREFIX} {self.argument.en}: {self.message.en} / "
                f"{self.argument.zh}：{self.message.zh}")


def _guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn BadInput (and any surprise) into a `#XT! …` string instead of Excel's #VALUE!."""
    @functools.wraps(function)
    def wrapper(*args):
        try:
            return function(*args)
        except BadInput as bad:
            return bad.text()
        except Exception as exc:  # a UDF must answer with a value, never crash the cell
            message = texts.UNEXPECTED.format(error=f"{type(exc).__name__}: {exc}")
            return f"{texts.ERROR_PREFIX} {message.en} / {message.zh}"
    # Excel's function wizard shows the docstring (xlwings passes the first 255 characters): one line
    wrapper.__doc__ = " ".join((function.__doc__ or "").split())
    return wrapper


# ---------------------------------------------------------------- the workbook's policy
_policy_cache: dict[str, tuple[float, Policy]] = {}


def _caller_book() -> Any | None:
    """The workbook whose cell is being calculated; None outside Excel."""
    try:
        return xw.Book.caller()
    except Exception:          # plain Python, tests, or no Excel on this OS
        return None


def workbook_policy() -> Policy:
    """The calling workbook's Policy sheet over the defaults; the defaults outside Excel.

    Invalid Policy values keep their defaults (a refresh lists them in the Issues sheet).
    """
    book = _caller_book()
    if book is None:
        return DEFAULT_POLICY
    key = str(getattr(book, "fullname", "") or id(book))
    now = time.monotonic()
    cached = _policy_cache.get(key)
    if cached is not None and now - cached[0] < POLICY_TTL_SECONDS:
        return cached[1]
    port = XlwingsWorkbook(book)
    name = i18n.find_sheet(port.sheet_names(), "policy")
    policy = load_policy(port.read_sheet(name))[0] if name is not None else DEFAULT_POLICY
    _policy_cache[key] = (now, policy)
    return policy


# ---------------------------------------------------------------- arguments
def _text(value: Any) -> str | None:
    """An argument as the cell text the readers see (None when blank)."""
    if isinstance(value, (list, tuple)):        # a multi-cell range where one cell was expected
        flat = [v for row in value for v in (row if isinstance(row, (list, tuple)) else [row])]
        value = flat[0] if len(flat) == 1 else value
        if isinstance(value, (list, tuple)):
            raise BadInput(Label("one cell is expected, not a range", "应为单个单元格，而不是区域"))
    text = cell_text(value)
    if text is None:
        return None
    text = text.strip()
    return text or None


@functools.lru_cache(maxsize=8192)
def _date_from_text(text: str) -> pd.Timestamp | None:
    parsed, bad = _parse_excel_dates(pd.Series([text], dtype="string"))
    return None if bad.iloc[0] else parsed.iloc[0]


def _parsed(value: Any, argument: Label, from_text: Callable[[str], Any], message: str) -> Any:
    """A cell argument through a core parser: None when blank, BadInput naming the argument
    when the text is not understood."""
    text = _text(value)
    if text is None:
        return None
    parsed = from_text(text)
    if parsed is None:
        raise BadInput(i18n.MESSAGES[message].format(value=text), argument)
    return parsed


def _date(value: Any, argument: Label) -> pd.Timestamp | None:
    """A date argument: date cell, serial number or text; None when blank."""
    return _parsed(value, argument, _date_from_text, "date_unrecognised")


@functools.lru_cache(maxsize=8192)
def _fen_from_text(text: str) -> int | None:
    fen, bad = parse_money(pd.Series([text], dtype="string"))
    return None if bad.iloc[0] else int(fen.iloc[0])


def _fen(value: Any, argument: Label) -> int | None:
    """An amount argument as integer fen (numbers, or text such as ¥1,234.50); None when blank."""
    return _parsed(value, argument, _fen_from_text, "amount_unrecognised")


def _lang(value: Any, policy: Policy) -> Lang:
    text = _text(value)
    if text is None:
        return policy.lang
    try:
        return parse_lang(text)          # the Policy sheet's own rule for zh / en
    except InvalidSetting:
        raise BadInput(texts.LANG_EXPECTED, texts.ARG_LANG) from None


def _as_of(value: Any, policy: Policy) -> dt.date:
    day = _date(value, texts.ARG_AS_OF)
    return resolve_as_of(day.date() if day is not None else None, policy, dt.date.today())


# ---------------------------------------------------------------- one cell or whole columns
def _columns(*arguments: Any) -> Columns:
    return Columns(list(arguments), lambda: BadInput(texts.RANGES_DIFFER))


def _error_text(message: Label, argument: Label | None = None) -> str:
    return BadInput(message, argument).text()


def _setting(columns: Columns, read: Callable[[], Any]) -> Any:
    """A one-cell argument (as_of, lang) read after the columns: when it is bad, every row not
    failed yet shows its error, as the single-cell call reports the columns' errors first."""
    try:
        return read()
    except BadInput as bad:
        columns.fail_where(np.ones(columns.length, dtype=bool), bad.text())
        return None


def _answer(columns: Columns, values: Any, where: np.ndarray, arguments: tuple) -> Any:
    """One value for single cells, a spilled column when any argument is a range."""
    column = columns.answers(values, where)
    return column if any(is_range(argument) for argument in arguments) else column[0][0]


def _due_dates(columns: Columns, due_date: Any) -> pd.Series:
    return columns.parse(due_date, i18n.LEDGER_COLUMNS["due_date"], _parse_open_ended_dates, "date_unrecognised",
                         _error_text)


def _day_counts(due: pd.Series, ok: np.ndarray, as_of: dt.date | None) -> np.ndarray:
    """Days past due of the rows in `ok` (the aging pass's own rule); 0 elsewhere."""
    days = np.zeros(len(due), dtype=np.int64)
    if ok.any():
        days[ok] = days_past_due(due[ok], as_of).to_numpy()
    return days


def _stage_codes(columns: Columns, stage: Any) -> pd.Series:
    """Stage codes (upper-cased); unknown codes fail their row."""
    text = columns.cells(stage)
    codes = text.str.upper()
    unknown = (codes.notna() & ~codes.isin(list(i18n.STAGE_NAMES))).to_numpy(dtype=bool)
    for position in np.flatnonzero(unknown):
        message = texts.STAGE_UNKNOWN.format(value=text.iloc[position], allowed=", ".join(i18n.STAGE_CODES))
        columns.fail(position, _error_text(message, texts.ARG_STAGE))
    return codes


# ---------------------------------------------------------------- the functions
# Each takes single cells or ranges (a column, a row or a block, e.g. Ledger[Due Date]); with a
# range it returns one column, row i answering for cell i (see `ranges`).
RANGE_NOTE = " A range gives one column. 区域参数返回一列。"
# Range arguments arrive "raw", as COM hands them over (a tuple of row tuples; dates as aware
# datetimes, error cells as int codes), not through xlwings' default converter, which rebuilds
# every cell in Python (about 0.5 s per 100,000 date cells): `ranges.Columns` turns each
# distinct value into cell text once, and `cell_text` reads error codes as Refresh reads
# error cells.
RAW = "raw"


@xw.func(category=CATEGORY)
@xw.arg("due_date", RAW, doc=DUE_DATE_DOC + RANGE_NOTE)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def XT_DAYS_PAST_DUE(due_date, as_of=None):
    """Days past due: as-of date minus due date, negative before the due date.
    逾期天数：基准日减到期日，到期前为负数。"""
    policy = workbook_policy()
    columns = _columns(due_date)
    due = _due_dates(columns, due_date)
    day = _setting(columns, lambda: _as_of(as_of, policy))
    ok = columns.ok & due.notna().to_numpy()
    return _answer(columns, _day_counts(due, ok, day), ok, (due_date,))


@xw.func(category=CATEGORY)
@xw.arg("due_date", RAW, doc=DUE_DATE_DOC + RANGE_NOTE)
@xw.arg("as_of", doc=AS_OF_DOC)
@xw.arg("lang", doc=LANG_DOC)
@_guarded
def XT_BUCKET(due_date, as_of=None, lang=None):
    """Aging bucket of a due date (Not due, 1-30, 31-60, ... as set in Policy).
    账龄区间（未到期、1-30天……，按催收策略表）。"""
    policy = workbook_policy()
    columns = _columns(due_date)
    due = _due_dates(columns, due_date)
    language = _setting(columns, lambda: _lang(lang, policy))
    day = _setting(columns, lambda: _as_of(as_of, policy))
    ok = columns.ok & due.notna().to_numpy()
    labels = np.array([label.get(language or policy.lang) for label in i18n.bucket_labels(policy.bucket_edges)],
                      dtype=object)
    buckets = labels[bucket_index(_day_counts(due, ok, day), policy.bucket_edges)]
    return _answer(columns, buckets, ok, (due_date,))


@xw.func(category=CATEGORY)
@xw.arg("due_date", RAW, doc=DUE_DATE_DOC + RANGE_NOTE)
@xw.arg("open_amount", RAW, doc="Open amount (amount minus paid); negative = credit note. "
                               "未收金额（金额减已收）；负数为贷项。")
@xw.arg("status", RAW, doc="Optional status: open, disputed, hold, plan, litigation, written_off (or 正常、争议…). "
                          "可选状态。")
@xw.arg("hold_until", RAW, doc="Optional hold-until date (for status hold). 可选暂停至日期（状态为暂停时）。")
@xw.arg("as_of", doc=AS_OF_DOC)
@xw.arg("amount", RAW, doc="Optional invoice amount: with an open amount below 0 it tells an overpaid invoice "
                          "(CLOSED) from a credit note (CREDIT). 可选金额：未收金额为负时区分多收的发票与贷项。")
@_guarded
def XT_STAGE(due_date, open_amount, status=None, hold_until=None, as_of=None, amount=None):
    """Collection stage code: S0-S5, HOLD, PLAN, CLOSED or CREDIT, by the ladder and status overlays.
    催收阶段代码（S0-S5、HOLD、PLAN、CLOSED、CREDIT）。"""
    policy = workbook_policy()
    arguments = (due_date, open_amount, status, hold_until, amount)
    columns = _columns(*arguments)
    due = _due_dates(columns, due_date)
    fen = columns.parse(open_amount, i18n.DETAIL_COLUMNS["open"], parse_money, "amount_unrecognised", _error_text)
    codes, unknown, text = columns.each(status, lambda text: (*status_codes(text), text))   # the reader's rule
    allowed = Label(", ".join(i18n.STATUSES), "、".join(label.zh for label in i18n.STATUSES.values()))
    for position in np.flatnonzero(unknown.to_numpy(dtype=bool)):
        message = i18n.MESSAGES["status_unknown"].format(value=text.iloc[position], allowed=allowed)
        columns.fail(position, _error_text(message, i18n.LEDGER_COLUMNS["status"]))
    hold = columns.parse(hold_until, i18n.LEDGER_COLUMNS["hold_until"], _parse_open_ended_dates, "date_unrecognised",
                         _error_text)
    billed = columns.parse(amount, i18n.LEDGER_COLUMNS["amount"], parse_money, "amount_unrecognised", _error_text)
    day = _setting(columns, lambda: _as_of(as_of, policy))
    no_due, no_fen = due.isna().to_numpy(), fen.isna().to_numpy()
    blank = no_due & no_fen
    columns.fail_where(~blank & no_due, _error_text(
        i18n.MESSAGES["required_missing"].format(column=i18n.LEDGER_COLUMNS["due_date"])))
    columns.fail_where(~blank & no_fen, _error_text(
        i18n.MESSAGES["required_missing"].format(column=i18n.DETAIL_COLUMNS["open"])))
    ok = columns.ok & ~blank
    stages = np.full(columns.length, None, dtype=object)
    if ok.any():
        rows = pd.DataFrame({
            "due_date": due[ok].astype("datetime64[ns]"),
            "hold_until": hold[ok].astype("datetime64[ns]"),
            # without the amount, the open amount stands for it: a negative one is a credit note
            "amount_fen": billed[ok].fillna(fen[ok]).astype("int64"),
            "paid_fen": (billed[ok].fillna(fen[ok]) - fen[ok]).astype("int64"),
            "status": codes[ok].astype(object),
        })
        aged = age_receivables(rows, day, policy)           # the aging pass, then the stage pass
        stages[ok] = assign_stages(aged, day, policy).to_numpy()
    return _answer(columns, stages, ok, arguments)


def _stage_words(stage: Any, lang: Any, words: Callable[[pd.Series, Lang, Policy], pd.Series]) -> Any:
    """XT_STAGE_NAME and XT_NEXT_ACTION: one text per stage code."""
    policy = workbook_policy()
    columns = _columns(stage)
    codes = _stage_codes(columns, stage)
    language = _setting(columns, lambda: _lang(lang, policy))
    ok = columns.ok & codes.notna().to_numpy()
    found = np.full(columns.length, None, dtype=object)
    if ok.any():
        found[ok] = words(codes[ok].astype(object), language, policy).to_numpy()
    return _answer(columns, found, ok, (stage,))


@xw.func(category=CATEGORY)
@xw.arg("stage", RAW, doc=STAGE_DOC + RANGE_NOTE)
@xw.arg("lang", doc=LANG_DOC)
@_guarded
def XT_STAGE_NAME(stage, lang=None):
    """Name of a stage code, e.g. S3 -> Written demand / 二次沟通+书面函告. 催收阶段名称。"""
    return _stage_words(stage, lang, lambda codes, language, policy: codes.map(
        {code: label.get(language) for code, label in i18n.STAGE_NAMES.items()}))


@xw.func(category=CATEGORY)
@xw.arg("stage", RAW, doc=STAGE_DOC + RANGE_NOTE)
@xw.arg("lang", doc=LANG_DOC)
@_guarded
def XT_NEXT_ACTION(stage, lang=None):
    """Next action for a stage, as set in the Policy sheet (action.S3.zh ...).
    该阶段的下一步动作（按催收策略表）。"""
    return _stage_words(stage, lang, lambda codes, language, policy: stage_texts(codes, policy, language)[0])


@xw.func(category=CATEGORY)
@xw.arg("amount", doc="Amount in yuan (number or text such as ¥1,234.50); rounded half up to the fen. "
                          "金额（元），四舍五入到分。")
@_guarded
def XT_RMB_UPPER(amount):
    """Amount in Chinese capitals for bills and letters, e.g. 人民币壹万陆仟肆佰零玖元零贰分.
    人民币大写金额。"""
    fen = _fen(amount, texts.ARG_AMOUNT)
    if fen is None:
        return None
    if fen < 0:
        raise BadInput(texts.NEGATIVE_CAPITALS, texts.ARG_AMOUNT)
    try:
        return fen_capitals(fen)
    except ValueError:
        raise BadInput(texts.TOO_LARGE_CAPITALS, texts.ARG_AMOUNT) from None


def _table(ledger_range: Any, customers_range: Any, as_of: Any, layout: Callable) -> Any:
    """Run the whole refresh computation on ranges (header row first) and lay out one output table."""
    policy = workbook_policy()
    day = _as_of(as_of, policy)
    lang = policy.lang
    ledger = raw_sheet(i18n.SHEETS["ledger"].get(lang), _rows(ledger_range))
    if not len(ledger.frame):
        return None
    customers = raw_sheet(i18n.SHEETS["customers"].get(lang), _rows(customers_range))
    inputs = RefreshInputs(ledger=ledger, customers=customers if len(customers.frame) else None,
                           **_workbook_inputs())
    result = compute(inputs, as_of=day, policy=policy)
    if not len(result.detail):
        first = next((item for item in result.issues if item.severity == "error"), None)
        raise BadInput(first.message if first is not None else texts.NO_LEDGER_ROWS)
    return table_rows(layout(result, lang))


#: The inputs a refresh reads besides the Ledger, Customers and Policy (Snapshots, Payments, Plans, Events, Letters).
OTHER_INPUTS = tuple(field.name for field in dataclasses.fields(RefreshInputs)
                     if field.name not in ("ledger", "customers", "policy"))


def _workbook_inputs() -> dict[str, Any]:
    """The calling workbook's other input sheets, read as `refresh` reads them (none outside Excel).

    With them the table functions give exactly the Priority and Aging sheets of a refresh:
    plans, payments, events and last month's snapshot change stages, interest and warnings.
    """
    book = _caller_book()
    if book is None:
        return {}
    port = XlwingsWorkbook(book)
    names = port.sheet_names()
    found = {}
    for key in OTHER_INPUTS:
        name = i18n.find_sheet(names, key) if key in i18n.SHEETS else None
        if name is not None:
            found[key] = port.read_sheet(name)
    return found


def _rows(values: Any) -> list[list[Any]]:
    """A range argument as rows (xlwings passes ndim=2 lists; a lone value is one cell)."""
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        return [[values]]
    if values and not isinstance(values[0], (list, tuple)):
        return [list(values)]
    return [list(row) for row in values]


@xw.func(category=CATEGORY)
@xw.arg("ledger_range", ndim=2, doc="The ledger with its header row (Invoice No, Customer ID, ... in either "
                                        "language). 含表头的应收台账区域。")
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def XT_AGING_TABLE(ledger_range, as_of=None):
    """Dynamic array: business line x aging bucket totals, shares and warnings, as the Aging sheet.
    动态数组：账龄分析表。"""
    return _table(ledger_range, None, as_of, aging_table)


@xw.func(category=CATEGORY)
@xw.arg("ledger_range", ndim=2, doc="The ledger with its header row. 含表头的应收台账区域。")
@xw.arg("customers_range", ndim=2, doc="The customer file with its header row (may be blank). "
                                           "含表头的客户档案区域（可空白）。")
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def XT_PRIORITY(ledger_range, customers_range, as_of=None):
    """Dynamic array: the ranked collection priority list, as the Priority sheet.
    动态数组：催收优先级列表。"""
    return _table(ledger_range, customers_range, as_of, priority_table)


# ---------------------------------------------------------------- the contact log
# The contact functions take every sheet they read as a range argument (header row first), so
# Excel recalculates them when a contact or payment is added: a function that read the other
# sheets by itself would keep its old answer until a full recalculation (Ctrl+Alt+F9).
CUSTOMER_DOC = "Customer ID (a cell or a column of IDs). 客户编号（单元格或一列编号）。"
CONTACTS_DOC = ("The Contacts sheet with its header row, e.g. 'Contacts'!A1:M2000. "
                "含表头的联络记录区域，例如 '联络记录'!A1:M2000。")
LEDGER_DOC = ("The ledger with its header row (knows the customers; its Paid Amount counts when a "
              "Payments row is missing). 含表头的应收台账区域。")
PAYMENTS_DOC = "Optional: the Payments sheet with its header row. 可选：含表头的收款记录区域。"


_PICTURE_CACHE_SIZE = 4
_picture_cache: dict[tuple, tuple[Policy, tuple[pd.DataFrame, pd.DataFrame, pd.Index]]] = {}


def _frozen(values: Any) -> tuple:
    """A range argument as a hashable cache key (xlwings passes ndim=2 ranges as lists of lists)."""
    if isinstance(values, list) and values and isinstance(values[0], list):
        return tuple(map(tuple, values))
    return tuple(map(tuple, _rows(values)))


def _contact_picture(contacts_range: Any, ledger_range: Any, payments_range: Any, day: dt.date,
                     policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame, pd.Index]:
    """`_read_contact_picture`, remembered for the last few argument sets: a column of cells
    calling one function with the same ranges reads the sheets once, not once per cell."""
    key = (_frozen(contacts_range), _frozen(ledger_range), _frozen(payments_range), day, id(policy))
    known = _picture_cache.get(key)
    if known is not None and known[0] is policy:
        return known[1]
    picture = _read_contact_picture(contacts_range, ledger_range, payments_range, day, policy)
    if len(_picture_cache) >= _PICTURE_CACHE_SIZE:
        _picture_cache.pop(next(iter(_picture_cache)))
    _picture_cache[key] = (policy, picture)
    return picture


def _read_contact_picture(contacts_range: Any, ledger_range: Any, payments_range: Any, day: dt.date,
                          policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame, pd.Index]:
    """(promises, per-customer summary, known customer IDs) exactly as a refresh derives them:
    the same readers (rows with errors are left out, as Check lists them) and the same passes."""
    lang = policy.lang
    ledger = raw_sheet(i18n.SHEETS["ledger"].get(lang), _rows(ledger_range))
    payments = raw_sheet(i18n.SHEETS["payments"].get(lang), _rows(payments_range))
    contacts = raw_sheet(i18n.SHEETS["contacts"].get(lang), _rows(contacts_range))
    inputs = read_inputs(RefreshInputs(ledger=ledger, contacts=contacts,
                                       payments=payments if len(payments.frame) else None), policy)
    if not len(inputs.ledger.frame):
        first = next((item for item in inputs.issues["ledger"] if item.severity == "error"), None)
        raise BadInput(first.message if first is not None else texts.NO_LEDGER_ROWS)
    promises = promise_status(inputs.contacts.frame, inputs.paid, day, policy["promise_grace_days"])
    summary = contact_summary(inputs.contacts.frame, promises, day, policy["broken_promise_window_days"])
    return promises, summary, pd.Index(inputs.ledger.frame["customer_id"].unique())


def _per_customer(customer_id: Any, contacts_range: Any, ledger_range: Any, payments_range: Any, as_of: Any,
                  lang: Any, answer: Callable[[pd.Series, pd.DataFrame, pd.DataFrame, Lang], pd.Series]) -> Any:
    """XT_LAST_CONTACT and XT_PROMISE_STATUS: one answer per customer ID (blank ID, blank answer);
    an ID the ledger does not know is an error on its row."""
    policy = workbook_policy()
    columns = _columns(customer_id)
    ids = columns.cells(customer_id)
    language = _setting(columns, lambda: _lang(lang, policy))
    day = _setting(columns, lambda: _as_of(as_of, policy))
    if day is None:
        return _answer(columns, np.full(columns.length, None, dtype=object), columns.ok, (customer_id,))
    promises, summary, known = _contact_picture(contacts_range, ledger_range, payments_range, day, policy)
    unknown = (ids.notna() & ~ids.isin(known)).to_numpy(dtype=bool)
    for position in np.flatnonzero(unknown):
        message = i18n.MESSAGES["contact_unknown_customer"].format(value=ids.iloc[position])
        columns.fail(position, _error_text(message, texts.ARG_CUSTOMER))
    ok = columns.ok & ids.notna().to_numpy()
    found = np.full(columns.length, None, dtype=object)
    if ok.any():
        found[ok] = answer(ids[ok].astype(object), promises, summary, language or policy.lang).to_numpy(dtype=object)
    return _answer(columns, found, ok, (customer_id,))


def _last_contacts(ids: pd.Series, promises: pd.DataFrame, summary: pd.DataFrame, lang: Lang) -> pd.Series:
    last = summary["last_contact"].reindex(ids.to_numpy())
    return pd.Series([None if pd.isna(stamp) else stamp.to_pydatetime() for stamp in last], dtype=object)


def _promise_states(ids: pd.Series, promises: pd.DataFrame, summary: pd.DataFrame, lang: Lang) -> pd.Series:
    words = {code: label.get(lang) for code, label in i18n.PROMISE_STATES.items()}
    latest = latest_promises(promises)["status"].map(words).reindex(ids.to_numpy())
    return pd.Series([None if pd.isna(word) else word for word in latest], dtype=object)


@xw.func(category=CATEGORY)
@xw.arg("customer_id", doc=CUSTOMER_DOC)
@xw.arg("contacts", ndim=2, doc=CONTACTS_DOC)
@xw.arg("ledger", ndim=2, doc=LEDGER_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def XT_LAST_CONTACT(customer_id, contacts, ledger, as_of=None):
    """Date and time of the customer's last contact on or before the as-of date (blank: none yet).
    客户最近一次联络的时间（基准日及以前；空白＝尚无联络）。"""
    return _per_customer(customer_id, contacts, ledger, None, as_of, None, _last_contacts)


@xw.func(category=CATEGORY)
@xw.arg("customer_id", doc=CUSTOMER_DOC)
@xw.arg("contacts", ndim=2, doc=CONTACTS_DOC)
@xw.arg("ledger", ndim=2, doc=LEDGER_DOC)
@xw.arg("payments", ndim=2, doc=PAYMENTS_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@xw.arg("lang", doc=LANG_DOC)
@_guarded
def XT_PROMISE_STATUS(customer_id, contacts, ledger, payments=None, as_of=None, lang=None):
    """State of the customer's latest promise to pay: open, kept or broken (after the Policy grace days); blank: no promise.
    客户最近一次付款承诺的状态：待兑现、已兑现或已违约；空白＝无承诺。"""
    return _per_customer(customer_id, contacts, ledger, payments, as_of, lang, _promise_states)
