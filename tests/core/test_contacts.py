"""The collector's week: Contacts reader, promises, avoidance, contact rules, call list,
key-customer weeks, channel analysis and the order-drop warning.  Every rule boundary."""
import datetime as dt

import pandas as pd
import pytest

from tests.sheets import raw_sheet
from xlsx_tools.core.passes.contact_rules import compliance_summary, contact_breaches
from xlsx_tools.core.read.contacts import read_contacts
from xlsx_tools.core.read.payments import customer_payments
from xlsx_tools.core.passes.promises import (avoiders, bumped_stage, contact_summary, next_action_stages,
                                      promise_status)

AS_OF = dt.date(2026, 11, 28)
HEADER = "联络时间 | 客户编号 | 渠道 | 对方身份 | 是否接通 | 联络结果 | 承诺还款日 | 承诺金额 | 单据号 | 催收人 | 备注"
EN_HEADER = ("Contact Time | Customer ID | Channel | Relation | Connected | Outcome | Promised Date | "
             "Promised Amount | Invoice No | Collector | Note")
LEDGER = pd.DataFrame({"invoice_no": ["INV1", "INV2", "INV3"], "customer_id": ["C1", "C1", "C2"]})
CUSTOMERS = pd.DataFrame(index=pd.Index(["C1", "C2", "C3"], name="customer_id"))


def contacts(rows: str, header: str = HEADER):
    log, issues = read_contacts(raw_sheet("联络记录", header + "\n" + rows.strip("\n")), LEDGER, CUSTOMERS)
    return log, issues


def payments(*rows):
    return pd.DataFrame(rows, columns=["invoice_no", "customer_id", "date", "amount_fen"]).astype(
        {"date": "datetime64[ns]", "amount_fen": "int64"})


# ----- reader ----------------------------------------------------------------------------------
def test_reader__both_languages_for_headers_and_codes():
    zh, zh_issues = contacts("2026-11-20 09:30:00 | C1 | 电话 | 财务部门 | 否 | 未接通/未回复 | | | INV1 | 王 |")
    en, en_issues = contacts("2026-11-20 09:30 | c1 | PHONE | finance | N | no_answer | | | INV1 | 王 |",
                             header=EN_HEADER.upper())
    assert zh_issues == [] and len(zh.frame) == 1
    assert [i.text("en") for i in en_issues] == ["联络记录!B2: Customer ID 'c1' is in neither the Ledger nor the "
                                                 "Customers sheet; row left out of all results"]
    en, en_issues = contacts("2026-11-20 09:30 | C1 | PHONE | finance | N | no_answer | | | INV1 | 王 |",
                             header=EN_HEADER)
    assert en_issues == []
    columns = ["channel", "relation", "connected", "outcome", "contact_time", "has_time", "invoice_no"]
    assert zh.frame[columns].to_dict("records") == en.frame[columns].to_dict("records")
    assert zh.frame.loc[0, "channel"] == "phone" and zh.frame.loc[0, "connected"] == False  # noqa: E712


@pytest.mark.parametrize("cell, time, has_time", [
    ("2026-11-20 09:30:00", "09:30:00", True),
    ("2026/11/20 9:30", "09:30:00", True),
    ("2026年11月20日 21:05", "21:05:00", True),
    ("46346.75", "18:00:00", True),
    ("2026-11-20", "00:00:00", False),
    ("2026-11-20 00:00:00", "00:00:00", False),
    ("20261120", "00:00:00", False),
])
def test_reader__date_time_or_date_only(cell, time, has_time):
    log, issues = contacts(f"{cell} | C1 | phone | | | other | | | | |")
    assert issues == []
    stamp = log.frame.loc[0, "contact_time"]
    assert stamp.date() == dt.date(2026, 11, 20) and stamp.strftime("%H:%M:%S") == time
    assert log.frame.loc[0, "has_time"] == has_time


def test_reader__connected_blank_is_yes_except_no_answer():
    log, _ = contacts("""
2026-11-20 09:30 | C1 | phone | | | other | | | | |
2026-11-20 09:31 | C1 | phone | | | no_answer | | | | |
2026-11-20 09:32 | C1 | phone | | 是 | no_answer | | | | |
""")
    assert log.frame["connected"].tolist() == [True, False, True]
    assert log.frame["relation"].tolist() == ["debtor"] * 3


@pytest.mark.parametrize("lang, expected", [
    ("zh", ["联络记录!A2: 联络时间无法识别 '2026-11-20 25:00'；该行未参与计算",
            "联络记录!C3: 渠道无法识别 'fax'（可用：电话、短信、邮件、微信、上门拜访、函件）；该行未参与计算",
            "联络记录!E4: 是否接通应填 是 或 否，实际为 'maybe'；该行未参与计算",
            "联络记录!F5: 联络结果无法识别 'later'（可用：承诺还款、已付款、提出异议、拒绝还款、未接通/未回复、联系方式失效、其他）；该行未参与计算",
            "联络记录!G6: 联络结果为承诺还款时必须填写承诺还款日；该行未参与计算",
            "联络记录!H7: 联络结果为承诺还款时必须填写承诺金额；该行未参与计算",
            "联络记录!B8: 客户编号 'C9' 既不在应收台账中，也不在客户档案中；该行未参与计算",
            "联络记录!I9: 单据 'INV3' 不是客户 C1 在台账中的单据，按客户整体处理",
            "联络记录!D10: 对方身份无法识别 'boss'（可用：债务人本人/经办人、财务部门、上级负责人、担保人、其他第三方）；该行未参与计算",
            "联络记录!H11: 承诺金额应为正数 '0'；该行未参与计算"]),
    ("en", ["联络记录!A2: Contact time not recognised '2026-11-20 25:00'; row left out of all results",
            "联络记录!C3: Unknown channel 'fax' (allowed: phone, sms, email, wechat, visit, letter); "
            "row left out of all results",
            "联络记录!E4: Connected must be Y or N, got 'maybe'; row left out of all results",
            "联络记录!F5: Unknown outcome 'later' (allowed: promise, paid, dispute, refused, no_answer, "
            "wrong_contact, other); row left out of all results",
            "联络记录!G6: Promised Date is required when the outcome is promise; row left out of all results",
            "联络记录!H7: Promised Amount is required when the outcome is promise; row left out of all results",
            "联络记录!B8: Customer ID 'C9' is in neither the Ledger nor the Customers sheet; "
            "row left out of all results",
            "联络记录!I9: Invoice 'INV3' is not an invoice of customer C1 in the ledger; the contact counts "
            "for the customer as a whole",
            "联络记录!D10: Unknown relation 'boss' (allowed: debtor, finance, superior, guarantor, third_party); "
            "row left out of all results",
            "联络记录!H11: Promised amount must be positive '0'; row left out of all results"]),
])
def test_reader__errors_name_the_cell_in_both_languages(lang, expected):
    log, issues = contacts("""
2026-11-20 25:00 | C1 | phone | | | other | | | | |
2026-11-20 09:00 | C1 | fax | | | other | | | | |
2026-11-20 09:00 | C1 | phone | | maybe | other | | | | |
2026-11-20 09:00 | C1 | phone | | | later | | | | |
2026-11-20 09:00 | C1 | phone | | | promise | | 100 | | |
2026-11-20 09:00 | C1 | phone | | | 承诺还款 | 2026-11-25 | | | |
2026-11-20 09:00 | C9 | phone | | | other | | | | |
2026-11-20 09:00 | C1 | phone | | | other | | | INV3 | |
2026-11-20 09:00 | C1 | phone | boss | | other | | | | |
2026-11-20 09:00 | C1 | phone | | | promise | 2026-11-25 | 0 | | |
""")
    assert [i.text(lang) for i in issues] == expected
    assert log.frame["row"].tolist() == [9]
    assert log.frame.loc[0, "invoice_no"] is None


def test_reader__missing_required_header_is_an_error_and_no_sheet_is_no_contacts():
    log, issues = read_contacts(raw_sheet("Contacts", "Contact Time | Customer ID | Channel\n2026-11-20 | C1 | phone"),
                                LEDGER, CUSTOMERS)
    assert len(log.frame) == 0
    assert [i.text("en") for i in issues] == [
        "Contacts!A1: Required column 'Outcome / 联络结果' not found in the header row"]
    log, issues = read_contacts(None, LEDGER, CUSTOMERS)
    assert len(log.frame) == 0 and issues == []


# ----- promises --------------------------------------------------------------------------------
PROMISE = "2026-11-10 10:00 | C1 | phone | | | promise | 2026-11-20 | 1000 | {invoice} | |"


@pytest.mark.parametrize("as_of, status", [
    (dt.date(2026, 11, 20), "open"),       # due today
    (dt.date(2026, 11, 23), "open"),       # day 3 after the promised date: still in grace
    (dt.date(2026, 11, 24), "broken"),     # day 4: broken
])
def test_promise__grace_days(as_of, status):
    log, _ = contacts(PROMISE.format(invoice=""))
    promises = promise_status(log.frame, payments(("INV1", "C1", "2026-11-20", 99999)), as_of)
    assert promises["status"].tolist() == [status]


@pytest.mark.parametrize("paid, status", [
    ([("INV1", "C1", "2026-11-20", 60000), ("INV2", "C1", "2026-11-15", 40000)], "kept"),
    ([("INV1", "C1", "2026-11-21", 100000)], "broken"),                     # after the promised date
    ([("INV1", "C1", "2026-11-09", 100000)], "broken"),                     # before the promise was made
    ([("INV3", "C2", "2026-11-15", 100000)], "broken"),                     # another customer
])
def test_promise__kept_when_payments_cover_it_by_the_promised_date(paid, status):
    log, _ = contacts(PROMISE.format(invoice=""))
    assert promise_status(log.frame, payments(*paid), dt.date(2026, 11, 28))["status"].tolist() == [status]


def test_promise__for_an_invoice_only_that_invoice_counts():
    log, _ = contacts(PROMISE.format(invoice="INV1"))
    other = payments(("INV2", "C1", "2026-11-15", 100000))
    mine = payments(("INV1", "C1", "2026-11-15", 100000))
    assert promise_status(log.frame, other, AS_OF)["status"].tolist() == ["broken"]
    assert promise_status(log.frame, mine, AS_OF)["status"].tolist() == ["kept"]


def test_promise__kept_by_a_ledger_payment_of_an_invoice_the_payments_sheet_does_not_list():
    """Payments are read invoice by invoice: with a Payments sheet, an invoice without Payments rows
    still has its ledger Paid Amount on its Last Payment Date (it was dropped, so a promise kept by
    that payment read 'broken')."""
    ledger = pd.DataFrame({"invoice_no": ["INV1", "INV2"], "customer_id": ["C1", "C1"],
                           "paid_fen": [100000, 5000], "last_payment_date": pd.to_datetime(["2026-11-15", None]).astype("datetime64[ns]")})
    sheet = pd.DataFrame({"invoice_no": ["INV2", "INV9"], "date": pd.to_datetime(["2026-11-01", "2026-11-02"]).astype("datetime64[ns]"),
                          "amount_fen": [5000, 7000]})
    paid = customer_payments(sheet, ledger)
    assert sorted(map(tuple, paid[["invoice_no", "customer_id", "amount_fen"]].to_numpy().tolist())) == [
        ("INV1", "C1", 100000), ("INV2", "C1", 5000)]           # INV9 is no ledger invoice; INV2 once
    log, _ = contacts(PROMISE.format(invoice="INV1"))
    assert promise_status(log.frame, paid, AS_OF)["status"].tolist() == ["kept"]


def test_summary__last_contact_open_promise_broken_count_and_bump():
    log, _ = contacts("""
2026-08-01 10:00 | C1 | phone | | | promise | 2026-08-20 | 500 | | |
2026-11-01 10:00 | C1 | phone | | | promise | 2026-11-05 | 700 | | |
2026-11-20 10:00 | C2 | phone | | | promise | 2026-11-28 | 300 | | |
2026-11-21 10:00 | C2 | email | | | promise | 2026-12-05 | 200 | | |
""")
    promises = promise_status(log.frame, payments(), AS_OF)
    summary = contact_summary(log.frame, promises, AS_OF)
    assert summary.loc["C1", "broken_promises"] == 1                # August's is older than 90 days
    assert summary.loc["C1", "promise_broken"] and not summary.loc["C2", "promise_broken"]
    assert summary.loc["C2", "open_promise_date"] == pd.Timestamp("2026-11-28")
    assert summary.loc["C2", "open_promise_fen"] == 30000 and summary.loc["C2", "promise_due_today"]
    assert summary.loc["C2", "last_contact"] == pd.Timestamp("2026-11-21 10:00")
    stages = next_action_stages(pd.Series({"C1": "S3", "C2": "S3"}), summary)
    assert stages.to_dict() == {"C1": "S4", "C2": "S3"}
    # a contact after the promise broke means it is no longer waiting
    later, _ = contacts("2026-11-10 10:00 | C1 | phone | | | other | | | | |")
    both = pd.concat([log.frame, later.frame], ignore_index=True)
    assert not contact_summary(both, promise_status(both, payments(), AS_OF), AS_OF).loc["C1", "promise_broken"]


@pytest.mark.parametrize("stage, bumped", [("S0", "S1"), ("S3", "S4"), ("S4", "S5"), ("S5", "S5"),
                                           ("HOLD", "HOLD"), ("PLAN", "PLAN")])
def test_bumped_stage(stage, bumped):
    assert bumped_stage(stage) == bumped


# ----- avoidance -------------------------------------------------------------------------------
def tries(days_and_times, outcome="no_answer", customer="C1"):
    rows = "\n".join(f"{day} {time} | {customer} | phone | | | {outcome} | | | | |" for day, time in days_and_times)
    return contacts(rows)[0].frame


OVERDUE = pd.Series({"C1": 100, "C2": 0})


@pytest.mark.parametrize("attempts, expected", [
    ([("2026-11-20", "10:00"), ("2026-11-20", "11:00"), ("2026-11-21", "10:00")], []),            # 3 attempts
    ([("2026-11-20", "10:00"), ("2026-11-20", "11:00"), ("2026-11-21", "10:00"),
      ("2026-11-21", "11:00")], ["C1"]),                                                            # 4 on 2 days
    ([("2026-11-20", f"1{n}:00") for n in range(6)], []),                                          # 6 on 1 day
    ([("2026-11-14", "10:00"), ("2026-11-20", "11:00"), ("2026-11-21", "10:00"),
      ("2026-11-21", "11:00")], []),                                                                # 1st is 15 days ago
    ([("2026-11-15", "10:00"), ("2026-11-20", "11:00"), ("2026-11-21", "10:00"),
      ("2026-11-21", "11:00")], ["C1"]),                                                            # 14 days ago counts
])
def test_avoidance__attempts_and_days(attempts, expected):
    assert list(avoiders(tries(attempts), OVERDUE, AS_OF)) == expected


def test_avoidance__one_connected_contact_clears_it_wrong_contact_flags_it_only_with_overdue():
    four = [("2026-11-20", "10:00"), ("2026-11-20", "11:00"), ("2026-11-21", "10:00"), ("2026-11-21", "11:00")]
    reached = pd.concat([tries(four), tries([("2026-11-22", "10:00")], outcome="other")], ignore_index=True)
    assert list(avoiders(reached, OVERDUE, AS_OF)) == []
    assert list(avoiders(tries([("2026-11-22", "10:00")], outcome="wrong_contact"), OVERDUE, AS_OF)) == ["C1"]
    assert list(avoiders(tries(four, customer="C2"), OVERDUE, AS_OF)) == []


# ----- contact rules ---------------------------------------------------------------------------
@pytest.mark.parametrize("time, breach", [("07:59", True), ("08:00", False), ("22:00", False), ("22:01", True),
                                          ("22:00:30", True), ("07:59:59", True)])
def test_rules__contact_window_inclusive(time, breach):
    """A breach within the window's end minute shows its seconds: "22:00:30", not "22:00" (which is allowed)."""
    log, _ = contacts(f"2026-11-20 {time} | C1 | email | | | other | | | | 王 |")
    found, issues = contact_breaches(log)
    assert found["rule"].tolist() == (["window"] if breach else [])
    if breach:
        assert issues[0].text("en") == f"联络记录!A2: Contact at {time}, outside 08:00–22:00"
        assert issues[0].text("zh") == f"联络记录!A2: 联络时间 {time} 不在 08:00–22:00 之内"


def test_rules__date_only_rows_skip_the_window():
    log, _ = contacts("2026-11-20 | C1 | email | | | other | | | | |")
    assert contact_breaches(log)[1] == []


def test_rules__fourth_connected_call_is_the_breach():
    rows = "\n".join(f"2026-11-20 1{n}:00 | C1 | phone | | Y | other | | | | |" for n in range(4))
    log, _ = contacts(rows)
    found, issues = contact_breaches(log)
    assert found[["row", "rule"]].values.tolist() == [[5, "connected_cap"]]
    assert issues[0].text("en") == "联络记录!A5: Connected call no. 4 with C1 on 2026-11-20 (at most 3 a day)"
    three, _ = contacts("\n".join(rows.splitlines()[:3]))
    assert contact_breaches(three)[1] == []


def test_rules__seventh_attempt_is_the_breach_per_customer_and_day():
    rows = [f"2026-11-20 1{n}:00 | C1 | phone | | N | no_answer | | | | |" for n in range(7)]
    rows.insert(0, "2026-11-21 09:00 | C1 | phone | | N | no_answer | | | | |")       # another day
    rows.insert(0, "2026-11-20 09:00 | C2 | phone | | N | no_answer | | | | |")       # another customer
    rows.insert(0, "2026-11-20 09:00 | C1 | sms | | N | no_answer | | | | |")         # not a call
    log, _ = contacts("\n".join(rows))
    found, issues = contact_breaches(log)
    assert found[["row", "rule"]].values.tolist() == [[11, "attempt_cap"]]
    assert issues[0].text("zh") == "联络记录!A11: 2026-11-20 对 C1 第 7 次拨打（每日最多 6 次）"
    six, _ = contacts("\n".join(rows[:-1]))
    assert contact_breaches(six)[1] == []


def test_rules__third_party_and_wording_name_their_cells_and_summary_by_collector():
    log, _ = contacts("""
2026-11-20 10:00 | C1 | phone | 其他第三方 | | other | | | | 王 |
2026-11-20 10:05 | C1 | phone | | | other | | | | 王 | 再不还钱就曝光你
2026-11-20 10:10 | C1 | phone | | | other | | | | | Told him we will SUE IMMEDIATELY
2026-11-20 10:15 | C1 | email | | | other | | | | 李 | promised to pay Friday
2026-10-20 23:15 | C1 | phone | | | other | | | | 李 |
""")
    found, issues = contact_breaches(log)
    assert [i.text("en") for i in issues] == [
        "联络记录!D2: Contact with a third party: only the debtor, finance, a superior or a guarantor may be "
        "asked to pay, and the debt must not be disclosed",
        "联络记录!K3: Note contains banned wording '曝光'",
        "联络记录!K4: Note contains banned wording 'sue immediately'",
        "联络记录!A6: Contact at 23:15, outside 08:00–22:00"]
    summary = compliance_summary(found, log.frame, AS_OF)
    assert summary[["month", "collector", "third_party", "wording", "window", "total"]].values.tolist() == [
        ["2026-11", "王", 1, 1, 0, 2], ["2026-11", None, 0, 1, 0, 1], ["2026-11", "李", 0, 0, 0, 0],
        ["2026-10", "李", 0, 0, 1, 1]]


def test_compliance__every_month_of_contacts_up_to_the_as_of_month_each_collector_who_made_contact():
    log, _ = contacts("""
2026-09-03 10:00 | C1 | phone | | | other | | | | 赵 |
2026-10-20 23:15 | C1 | phone | | | other | | | | 李 |
2026-11-20 10:15 | C1 | email | | | other | | | | 李 |
2026-12-01 23:30 | C1 | phone | | | other | | | | 李 |
""")
    found, _ = contact_breaches(log)
    summary = compliance_summary(found, log.frame, AS_OF)        # December is after the as-of month
    assert summary[["month", "collector", "window", "total"]].values.tolist() == [
        ["2026-11", "李", 0, 0], ["2026-10", "李", 1, 1], ["2026-09", "赵", 0, 0]]
    assert compliance_summary(found.iloc[:0], log.frame.iloc[:0], AS_OF).empty


# ----- today's call list -----------------------------------------------------------------------
from xlsx_tools.core.passes.calls import call_list  # noqa: E402
from xlsx_tools.core.passes.channels import best_channel_lines, channel_success  # noqa: E402
from xlsx_tools.core.passes.early_warning import order_drop_warnings  # noqa: E402
from xlsx_tools.core.read.weekly import empty_weeks  # noqa: E402
from xlsx_tools.core.passes.key_customers import (iso_week, key_customers, merge_weeks,  # noqa: E402
                                           weekly_block)


def priority(*rows):
    return pd.DataFrame(rows, columns=["customer_id", "customer_name", "stage", "key_target", "customer_type"])


def test_calls__who_is_on_it_in_priority_order_with_channel_and_script():
    log, _ = contacts("""
2026-11-20 10:00 | C1 | phone | | | promise | 2026-11-28 | 500 | | |
2026-11-26 10:00 | C2 | email | | | other | | | | |
2026-11-25 10:00 | C3 | email | | | other | | | | |
""")
    promises = promise_status(log.frame, payments(), AS_OF)
    summary = contact_summary(log.frame, promises, AS_OF)
    order = priority(("C3", "丙", "S2", False, "individual"), ("C2", "乙", "S2", False, "sme"),
                     ("C1", "甲", "S0", False, "large"), ("C4", "丁", "S1", True, None))
    calls = call_list(order, summary, promises, log.frame, AS_OF)
    # C3: S2, last contact 3 days ago -> due; C2: 2 days ago -> not due; C1: promise due today; C4: key target
    assert calls["customer_id"].tolist() == ["C3", "C1", "C4"]
    assert calls["reasons"].tolist() == [("ladder",), ("promise_due",), ("key_target",)]
    assert calls["channel"].tolist() == ["sms", "phone", "email"]
    assert calls.loc[1, "script"].en == "Promise of 500.00 due today: confirm the transfer."
    assert calls.loc[0, "script"].zh.startswith("由专属催收员友好提醒")


def test_calls__customers_at_the_day_caps_are_left_out():
    rows = "\n".join(f"2026-11-28 1{n}:00 | C1 | phone | | N | no_answer | | | | |" for n in range(6))
    log, _ = contacts(rows)
    promises = promise_status(log.frame, payments(), AS_OF)
    summary = contact_summary(log.frame, promises, AS_OF)
    order = priority(("C1", "甲", "S5", True, "sme"))
    assert call_list(order, summary, promises, log.frame, AS_OF).empty
    five, _ = contacts("\n".join(rows.splitlines()[:5]))
    assert len(call_list(order, summary, promises, five.frame, AS_OF)) == 1


# ----- key customers, weekly -------------------------------------------------------------------
def sales_ledger(rows):
    frame = pd.DataFrame(rows, columns=["invoice_no", "customer_id", "invoice_date", "amount_fen"])
    frame["invoice_date"] = pd.to_datetime(frame["invoice_date"])
    return frame


@pytest.mark.parametrize("amount, key", [(1_000_000_001, True), (1_000_000_000, False), (999_999_999, False)])
def test_key_customer__sales_over_the_threshold_not_at_it(amount, key):
    """collections-method.md §4: key customers have annual sales *over* 10 million."""
    ledger = sales_ledger([("A", "C1", "2025-11-29", amount // 2), ("B", "C1", "2026-11-28", amount - amount // 2),
                           ("C", "C1", "2025-11-28", 5_000_000_000)])          # 12 months ago exactly: outside
    assert (list(key_customers(ledger, pd.DataFrame(), AS_OF)) == ["C1"]) == key


def test_key_customer__annual_sales_decides_when_filled():
    ledger = sales_ledger([("A", "C1", "2026-06-01", 2_000_000_000), ("B", "C2", "2026-06-01", 100)])
    stated = pd.DataFrame({"annual_sales_fen": pd.array([100, 1_000_000_001], dtype="Int64")},
                          index=pd.Index(["C1", "C2"], name="customer_id"))
    assert list(key_customers(ledger, stated, AS_OF)) == ["C2"]


def test_key_customer__annual_sales_exactly_at_the_threshold_is_not_over_it():
    ledger = sales_ledger([("A", "C1", "2026-06-01", 100)])
    stated = pd.DataFrame({"annual_sales_fen": pd.array([1_000_000_000], dtype="Int64")},
                          index=pd.Index(["C1"], name="customer_id"))
    assert list(key_customers(ledger, stated, AS_OF)) == []


@pytest.mark.parametrize("day, week", [
    (dt.date(2025, 12, 29), "2026-W01"), (dt.date(2026, 1, 4), "2026-W01"),
    (dt.date(2026, 12, 31), "2026-W53"), (dt.date(2027, 1, 3), "2026-W53"), (dt.date(2027, 1, 4), "2027-W01"),
    (dt.date(2025, 12, 28), "2025-W52"),
])
def test_iso_week__year_boundaries(day, week):
    assert iso_week(day) == week


def test_weekly__week_across_new_year_compares_with_the_week_before_and_reruns_replace():
    keys = pd.Index(["C1", "C2"])
    balances = pd.DataFrame({"customer_name": ["甲", "乙"], "open_fen": [500, 300], "overdue_fen": [400, 100],
                             "stage": ["S3", "S1"]},
                            index=pd.Index(["C1", "C2"], name="customer_id"))
    log, _ = contacts("""
2026-12-28 10:00 | C1 | phone | | | other | | | | |
2027-01-02 10:00 | C1 | phone | | | promise | 2027-01-15 | 2 | | |
2026-12-27 10:00 | C2 | phone | | | other | | | | |
""")
    as_of = dt.date(2027, 1, 2)
    promises = promise_status(log.frame, payments(), as_of)
    summary = contact_summary(log.frame, promises, as_of)
    paid = payments(("INV1", "C1", "2026-12-28", 70), ("INV1", "C1", "2026-12-27", 999))
    history = empty_weeks()
    history = pd.concat([history, pd.DataFrame({"week": ["2026-W51", "2026-W52", "2026-W52"],
                                                "customer_id": ["C1", "C1", "C2"], "overdue_fen": [1, 300, 100]})],
                        ignore_index=True)
    block = weekly_block(keys, balances, paid, log.frame, summary, history, as_of)
    assert block["week"].unique().tolist() == ["2026-W53"]
    assert block["compared_with"].unique().tolist() == ["2026-W52"]
    assert block[["customer_id", "paid_week_fen", "contacts_week", "overdue_change_fen"]].values.tolist() == [
        ["C1", 70, 2, 100], ["C2", 0, 0, 0]]
    assert block["flags"].tolist() == [("overdue_grew",), ("no_contact",)]
    assert block.loc[0, "open_promise_fen"] == 200
    assert block["stage"].tolist() == ["S3", "S1"]
    merged = merge_weeks(history, block, "2026-W53")
    rerun = merge_weeks(merged, block.assign(overdue_fen=0), "2026-W53")
    assert rerun["week"].tolist() == ["2026-W51", "2026-W52", "2026-W52", "2026-W53", "2026-W53"]
    assert rerun[rerun["week"] == "2026-W53"]["overdue_fen"].tolist() == [0, 0]
    next_year = weekly_block(keys, balances, paid, log.frame, summary, rerun, dt.date(2027, 1, 4))
    assert next_year["week"].unique().tolist() == ["2027-W01"]
    assert next_year["compared_with"].unique().tolist() == ["2026-W53"]


# ----- channel analysis ------------------------------------------------------------------------
def test_channels__success_within_seven_days_by_band_and_best_channel():
    ledger = pd.DataFrame({"invoice_no": ["INV1", "INV2", "INV3"], "customer_id": ["C1", "C1", "C2"],
                           "invoice_date": pd.to_datetime(["2026-09-01", "2026-11-01", "2026-08-01"]),
                           "due_date": pd.to_datetime(["2026-10-01", "2026-12-01", "2026-08-15"]),
                           "amount_fen": [1000, 1000, 1000], "paid_fen": [0, 0, 1000],
                           "last_payment_date": pd.to_datetime([None, None, "2026-11-20"])})
    log, _ = contacts("""
2026-10-10 10:00 | C1 | phone | | | other | | | | |
2026-10-20 10:00 | C1 | email | | | other | | | | |
2026-11-20 10:00 | C1 | phone | | | other | | | INV2 | |
2026-11-01 10:00 | C2 | phone | | | other | | | | |
""")
    paid = payments(("INV1", "C1", "2026-10-17", 300), ("INV3", "C2", "2026-11-20", 1000))
    promises = promise_status(log.frame, paid, AS_OF)
    table = channel_success(log.frame, paid, promises, ledger)
    # C1 10-10: INV1 9 days past due, paid 7 days later -> success; 10-20: 19 days, no payment within 7
    # C1 11-20 about INV2: not due; C2 11-01: INV3 78 days past due, paid 19 days later -> failure
    assert table.values.tolist() == [["not_due", "phone", 1, 0, 0.0, 0], ["1-30", "phone", 1, 1, 1.0, 300],
                                     ["1-30", "email", 1, 0, 0.0, 0], ["31-90", "phone", 1, 0, 0.0, 0]]
    lines = best_channel_lines(table, min_attempts=1)
    assert lines[1].en == "1-30: phone works best (100% of 1 contacts succeeded)"
    assert lines[1].zh == "1-30天：电话效果最好（1 次联络成功率 100%）"
    assert best_channel_lines(table)[0].en.startswith("Not due: too few contacts")


# ----- order drop + sued -----------------------------------------------------------------------
@pytest.mark.parametrize("after, flagged", [(70_000, False), (69_999, True)])
def test_order_drop__more_than_30_percent_and_sued(after, flagged):
    ledger = sales_ledger([("A", "C1", "2026-01-10", 60_000), ("B", "C1", "2026-07-10", after),
                           ("C", "C1", "2026-05-28", 40_000),      # 6 months ago exactly: the earlier half
                           ("D", "C1", "2025-11-28", 50_000)])     # 12 months ago exactly: outside
    events = pd.DataFrame({"customer_id": ["C1"], "date": pd.to_datetime(["2026-09-01"]), "event": ["sued"]})
    found = order_drop_warnings(ledger, events, AS_OF)
    assert list(found.index) == (["C1"] if flagged else [])
    if flagged:
        assert found.loc["C1", "tag"].zh == "近6个月开票额下降 30.0%（1,000.00 → 699.99），且于 2026-09-01 被诉"
        assert order_drop_warnings(ledger, events.assign(event="suit_filed"), AS_OF).empty


def test_settings__contact_settings_are_in_the_registry_and_described_in_both_languages():
    from xlsx_tools.core.policy import SETTINGS_BY_KEY
    keys = ("promise_grace_days", "avoidance_days", "avoidance_attempts", "contact_window_start",
            "contact_window_end", "max_connected_calls", "max_call_attempts", "banned_words", "call_cadence.S2",
            "key_customer_sales", "order_drop_share")
    assert all(SETTINGS_BY_KEY[key].description.en and SETTINGS_BY_KEY[key].description.zh for key in keys)


@pytest.mark.parametrize("text, clock", [("08:00", dt.time(8)), ("8:30", dt.time(8, 30)), ("22:00:00", dt.time(22)),
                                         ("1899-12-30 07:45:00", dt.time(7, 45)), ("24:00", None), ("8h", None)])
def test_settings__contact_hours_are_read_as_clock_times(text, clock):
    from xlsx_tools.core.policy import load_policy
    policy, issues = load_policy(raw_sheet("Policy", f"Setting | Value\ncontact_window_start | {text}"))
    assert (policy["contact_window_start"], bool(issues)) == ((clock, False) if clock else (dt.time(8), True))


def test_channel_success_without_contacts_is_an_empty_table_of_the_same_shape():
    """No contact log: the table is empty with its columns and types (and the ledger is not scanned)."""
    from xlsx_tools.core.passes.channels import channel_success
    contacts = pd.DataFrame({"customer_id": pd.Series(dtype=object), "invoice_no": pd.Series(dtype=object),
                             "contact_date": pd.Series(dtype="datetime64[ns]"), "channel": pd.Series(dtype=object)})
    table = channel_success(contacts, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert list(table.columns) == ["band", "channel", "attempts", "successes", "rate", "collected_fen"]
    assert table.empty and str(table["attempts"].dtype) == "int64" and str(table["rate"].dtype) == "float64"
