"""The collector's week: Contacts reader, promises, avoidance, contact rules, call list,
key-customer weeks, channel analysis and the order-drop warning.  Every rule boundary."""
import datetime as dt

import pandas as pd
import pytest

from tests.sheets import raw_sheet
from xlsx_tools.core.contact_rules import compliance_summary, contact_breaches
from xlsx_tools.core.contacts_read import read_contacts
from xlsx_tools.core.promises import (avoiders, bumped_stage, contact_summary, next_action_stages,
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
        "Contacts!1: Required column 'Outcome / 联络结果' not found in the header row"]
    log, issues = read_contacts(None, LEDGER, CUSTOMERS)
    assert len(log.frame) == 0 and issues == []
