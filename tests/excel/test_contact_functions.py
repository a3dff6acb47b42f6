"""XT_LAST_CONTACT and XT_PROMISE_STATUS: the contact log as a refresh reads it, through range arguments."""
from __future__ import annotations

import datetime as dt

import pytest

from xlsx_tools.core import i18n
from xlsx_tools.excel import functions as f

AS_OF = dt.datetime(2026, 11, 28)
LEDGER = [
    ["Invoice No", "Customer ID", "Customer Name", "Invoice Date", "Due Date", "Amount", "Paid Amount"],
    ["INV-1", "C1", "Alpha", dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1), 5000.0, 1000.0],
    ["INV-2", "C2", "Beta", dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1), 8000.0, None],
    ["INV-3", "C3", "Gamma", dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1), 3000.0, None],
]
CONTACT_HEADER = ["Contact Time", "Customer ID", "Channel", "Connected", "Outcome", "Promised Date",
                  "Promised Amount", "Invoice No", "Collector"]


def contact(when: dt.datetime, customer: str, outcome: str = "other", promised: dt.datetime | None = None,
            amount: float | None = None, invoice: str | None = None) -> list:
    return [when, customer, "phone", "Y", outcome, promised, amount, invoice, "Wang"]


def contacts(*rows: list) -> list[list]:
    return [CONTACT_HEADER, *rows]


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    f._policy_cache.clear()
    yield
    f._policy_cache.clear()


# ------------------------------------------------------------------ XT_LAST_CONTACT
def test_last_contact_is_the_latest_time_on_or_before_the_as_of_date():
    log = contacts(contact(dt.datetime(2026, 11, 20, 9, 30), "C1"),
                   contact(dt.datetime(2026, 11, 27, 16, 5), "C1"),
                   contact(dt.datetime(2026, 11, 29, 10, 0), "C1"))        # after the as-of date: not yet
    assert f.XT_LAST_CONTACT("C1", log, LEDGER, AS_OF) == dt.datetime(2026, 11, 27, 16, 5)
    assert f.XT_LAST_CONTACT("C1", log, LEDGER, dt.datetime(2026, 11, 30)) == dt.datetime(2026, 11, 29, 10, 0)


def test_last_contact_blank_when_never_contacted_or_blank_id():
    log = contacts(contact(dt.datetime(2026, 11, 20, 9, 30), "C1"))
    assert f.XT_LAST_CONTACT("C2", log, LEDGER, AS_OF) is None
    assert f.XT_LAST_CONTACT(None, log, LEDGER, AS_OF) is None
    assert f.XT_LAST_CONTACT("C2", [CONTACT_HEADER], LEDGER, AS_OF) is None


def test_unknown_customer_is_a_bilingual_error():
    result = f.XT_LAST_CONTACT("C9", contacts(), LEDGER, AS_OF)
    assert result.startswith("#XT! customer_id: Customer ID 'C9' is in neither")
    assert "客户编号：" in result


def test_a_range_of_ids_gives_one_column_row_by_row():
    log = contacts(contact(dt.datetime(2026, 11, 20, 9, 30), "C1"), contact(dt.datetime(2026, 11, 21, 11, 0), "C3"))
    column = f.XT_LAST_CONTACT([["C1"], ["C2"], ["C9"], ["C3"]], log, LEDGER, AS_OF)
    assert column[0] == [dt.datetime(2026, 11, 20, 9, 30)] and column[1] == [None] and column[3] == [
        dt.datetime(2026, 11, 21, 11, 0)]
    assert column[2][0].startswith("#XT! ")


def test_no_ledger_rows_and_a_bad_as_of_are_errors():
    assert f.XT_LAST_CONTACT("C1", contacts(), [LEDGER[0]], AS_OF).startswith("#XT! no usable ledger rows")
    assert f.XT_LAST_CONTACT("C1", contacts(), LEDGER, "tomorrow").startswith("#XT! as_of: Date format")


# ------------------------------------------------------------------ XT_PROMISE_STATUS
PROMISED = dt.datetime(2026, 11, 20)


def promise_log(customer: str = "C2", amount: float = 2000.0, invoice: str | None = None) -> list[list]:
    return contacts(contact(dt.datetime(2026, 11, 10, 10, 0), customer, "promise", PROMISED, amount, invoice))


@pytest.mark.parametrize("as_of, expected", [
    (dt.datetime(2026, 11, 23), "open"),          # promised date + 3 grace days: still open
    (dt.datetime(2026, 11, 24), "broken"),        # the 4th day: broken
])
def test_promise_grace_boundary(as_of, expected):
    assert f.XT_PROMISE_STATUS("C2", promise_log(), LEDGER, None, as_of, "en") == expected


def test_promise_kept_by_a_payments_row_on_or_before_the_promised_date():
    payments = [["Invoice No", "Payment Date", "Payment Amount"], ["INV-2", dt.datetime(2026, 11, 20), 2000.0]]
    ledger = [LEDGER[0], LEDGER[1], LEDGER[2][:6] + [2000.0], LEDGER[3]]     # the ledger agrees with Payments
    assert f.XT_PROMISE_STATUS("C2", promise_log(), ledger, payments, AS_OF, "en") == "kept"
    late = [payments[0], ["INV-2", dt.datetime(2026, 11, 21), 2000.0]]
    assert f.XT_PROMISE_STATUS("C2", promise_log(), ledger, late, AS_OF, "en") == "broken"


def test_promise_status_in_the_language_asked_and_blank_without_promise():
    assert f.XT_PROMISE_STATUS("C2", promise_log(), LEDGER, None, AS_OF, "zh") == i18n.PROMISE_STATES["broken"].zh
    assert f.XT_PROMISE_STATUS("C1", promise_log(), LEDGER, None, AS_OF, "en") is None
    assert f.XT_PROMISE_STATUS("C2", promise_log(), LEDGER, None, AS_OF, "fr").startswith("#XT! lang:")


def test_the_latest_promise_counts():
    log = promise_log() + [contact(dt.datetime(2026, 11, 25, 9, 0), "C2", "promise", dt.datetime(2026, 12, 5), 500.0)]
    assert f.XT_PROMISE_STATUS("C2", log, LEDGER, None, AS_OF, "en") == "open"


# ------------------------------------------------------------------ the demo: the same answers as a refresh
def test_demo_answers_agree_with_the_refresh(input_book, demo_result):
    sheets = {sheet.name: sheet.values() for sheet in input_book.sheets}
    name = lambda key: i18n.find_sheet(list(sheets), key)           # noqa: E731
    log, ledger, payments = sheets[name("contacts")], sheets[name("ledger")], sheets.get(name("payments") or "")
    priority = demo_result.priority.set_index("customer_id")
    ids = list(priority.index)
    as_of = dt.datetime.combine(demo_result.as_of, dt.time())
    lang = demo_result.policy.lang
    last = f.XT_LAST_CONTACT([[c] for c in ids], log, ledger, as_of)
    states = f.XT_PROMISE_STATUS([[c] for c in ids], log, ledger, payments, as_of, lang)
    latest = demo_result.promises.sort_values(["contact_time", "row"]).drop_duplicates("customer_id", keep="last")
    expected_state = dict(zip(latest["customer_id"], latest["status"]))
    seen = set()
    for n, customer in enumerate(ids):
        stamp = priority.at[customer, "last_contact"]
        assert last[n][0] == (None if stamp is None or stamp != stamp else stamp.to_pydatetime()), customer
        code = expected_state.get(customer)
        assert states[n][0] == (None if code is None else i18n.PROMISE_STATES[code].get(lang)), customer
        seen.add(code)
    assert {"kept", "broken"} <= seen


def test_a_column_of_cells_with_the_same_ranges_reads_the_sheets_once(monkeypatch):
    calls = []
    real = f._read_contact_picture
    monkeypatch.setattr(f, "_read_contact_picture", lambda *args: calls.append(1) or real(*args))
    f._picture_cache.clear()
    log = promise_log()
    answers = [f.XT_PROMISE_STATUS(customer, log, LEDGER, None, AS_OF, "en") for customer in ("C1", "C2", "C3")]
    assert answers == [None, "broken", None] and len(calls) == 1
    log[1][6] = 1000.0                                   # a changed contact: read again
    f.XT_PROMISE_STATUS("C2", log, LEDGER, None, AS_OF, "en")
    assert len(calls) == 2
