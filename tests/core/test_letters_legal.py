"""Issue 11, the legal hand-off: who gets an evidence checklist and a payment order, the undisputed
rule, each evidence gap, the court issue, Contacts in the case-review timeline, and the log rows."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.memory_port import FakeLetterTools, MemoryWorkbook
from tests.sheets import raw_sheet
from xlsx_tools.core import i18n
from xlsx_tools.core.letters import LetterJob, letter_context, plan_letters
from xlsx_tools.core.letters.checks import court_issue
from xlsx_tools.core.letters.evidence import evidence_for
from xlsx_tools.core.read.company import read_company
from xlsx_tools.core.read.letter_log import read_letter_log
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.pipeline.letters import generate_letters

AS_OF = dt.date(2026, 11, 30)
HEADER = "单据号 | 客户编号 | 业务线 | 开票日期 | 到期日 | 金额 | 已收金额 | 状态 | 合同编号"
# L1 undisputed S5; L2 S5 with a dispute in Contacts; L3 S5 with a disputed open invoice; L4 at S3.
# L1's limitation boundaries: INV-A3 expires 2027-05-29 (180 days left: a gap), INV-A4 2027-05-30 (181: none).
LEDGER = f"""{HEADER}
INV-A1 | L1 | A | 2026-04-01 | 2026-06-01 | 5000.00 |  |  | HT-1
INV-A2 | L1 | A | 2026-04-01 | 2026-06-01 | 3000.00 |  |  |
INV-A3 | L1 | A | 2024-04-01 | 2024-05-29 | 1000.00 |  |  | HT-1
INV-A4 | L1 | A | 2024-04-01 | 2024-05-30 | 1000.00 |  |  | HT-1
INV-B1 | L2 | A | 2026-04-01 | 2026-06-01 | 4000.00 |  |  | HT-2
INV-C1 | L3 | A | 2026-04-01 | 2026-06-01 | 4000.00 |  |  | HT-3
INV-C2 | L3 | A | 2026-04-01 | 2026-06-02 | 1000.00 |  | 争议 | HT-3
INV-D1 | L4 | A | 2026-09-01 | 2026-10-21 | 2000.00 |  |  | HT-4
"""
CUSTOMERS = """
客户编号 | 客户名称 | 地址
L1 | 甲公司 | 杭州 1 号
L2 | 乙公司 | 杭州 2 号
L3 | 丙公司 | 杭州 3 号
L4 | 丁公司 | 杭州 4 号
"""
CONTACTS = """
联络时间 | 客户编号 | 渠道 | 对方身份 | 是否接通 | 联络结果 | 承诺还款日 | 承诺金额 | 单据号 | 催收人 | 备注
2026-11-02 10:00 | L1 | 电话 | 财务部门 | 是 | 承诺还款 | 2026-11-10 | 2000 |  | 张三 | 月初付款
2026-11-03 11:00 | L2 | 电话 | 财务部门 | 是 | 提出异议 |  |  |  | 张三 | 质量问题
"""
LOG = """
函件编号 | 日期 | 函件类型 | 客户编号 | 单据号 | SHA-256 | 状态 | 寄出日期 | 送达日期 | 快递单号
CS-2026-000001 | 2026-07-01 | 账款确认函 | L1 | INV-A1 | aa | 已送达 | 2026-07-02 | 2026-07-04 | SF1
CS-2026-000002 | 2026-08-01 | 催款通知书 | L1 | INV-A1 | bb | 已送达 | 2026-08-02 | 2026-08-05 | SF2
CS-2026-000003 | 2026-09-01 | 律师函 | L1 | INV-A1 | cc | 已寄出 | 2026-09-02 |  | SF3
"""
EVENTS = """
日期 | 客户编号 | 单据号 | 事件
2026-07-10 | L1 | INV-A1 | 债务确认
"""


@pytest.fixture(scope="module")
def legal():
    log = raw_sheet("函件记录", LOG)
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", LEDGER), customers=raw_sheet("客户档案", CUSTOMERS),
                                   contacts=raw_sheet("联络记录", CONTACTS), letters=log,
                                   events=raw_sheet("法律事件", EVENTS)), as_of=AS_OF)
    return result, read_letter_log(log)[0]


def _jobs(legal, kind):
    result, log = legal
    return plan_letters(result, log, kinds=[kind])


def test_every_s5_customer_gets_an_evidence_checklist_and_no_one_else(legal):
    jobs, _ = _jobs(legal, "evidence")
    assert sorted(job.customer_id for job in jobs) == ["L1", "L2", "L3"]
    (l1,) = [job for job in jobs if job.customer_id == "L1"]
    assert set(l1.invoice_nos) == {"INV-A1", "INV-A2", "INV-A3", "INV-A4"} and l1.total_fen == 1000000


def test_payment_order_only_for_an_undisputed_debt(legal):
    jobs, notes = _jobs(legal, "payment_order")
    assert [job.customer_id for job in jobs] == ["L1"]
    reasons = {note.customer_id: note.reason.en for note in notes}
    assert "Contacts row 3: dispute on 2026-11-03" in reasons["L2"]
    assert "invoice INV-C2 is disputed in the Ledger" in reasons["L3"]
    assert "L4" not in reasons                       # not at S5: nothing to say


def test_legal_drafts_are_only_on_request(legal):
    result, log = legal
    jobs, _ = plan_letters(result, log)
    assert not {job.kind for job in jobs} & {"evidence", "payment_order"}


def test_each_gap(legal):
    result, log = legal
    found = evidence_for(result, log, "L1", ("INV-A1", "INV-A2", "INV-A3", "INV-A4"))
    assert [(gap.code, gap.subject) for gap in found.gaps] == [
        ("undelivered", "CS-2026-000003"),            # the lawyer's letter was sent, never delivered
        ("no_contract", "INV-A2"),
        ("expiry", "INV-A3")]                         # 180 days left; INV-A4 has 181
    # dated as the letters date everything (the checklist and the payment order print the gaps)
    assert found.gaps[2].message.zh == "单据 INV-A3：诉讼时效于 2027年5月29日 届满，剩余 180 天"
    assert found.gaps[2].message.en == "invoice INV-A3: limitation expires on 29 May 2027, in 180 days"


def test_evidence_lists_letters_replies_promises_and_the_last_interruption(legal):
    result, log = legal
    job = LetterJob("evidence", "L1", "甲公司", "S5", ("INV-A1", "INV-A2"), 800000)
    evidence = letter_context(job, "CS-9", result, {}, "zh", log)["evidence"]
    assert [c["reply"] for c in evidence["confirmations"]] == ["客户已于2026年7月10日确认（法律事件：债务确认）"]
    assert [(d["letter_no"], d["sha256"], d["delivered"], d["tracking"]) for d in evidence["demands"]] == [
        ("CS-2026-000002", "bb", "2026年8月5日", "SF2"), ("CS-2026-000003", "cc", "", "SF3")]
    assert [(p["promised_date"], p["amount"], p["status"]) for p in evidence["promises"]] == [
        ("2026年11月10日", "2,000.00", "已违约")]
    # INV-A1: the demand delivered on 08-05 and then the acknowledgement of 07-10 -> the demand is the latest
    assert evidence["limitation"][0]["event"] == "催款函送达 2026年8月5日"
    assert evidence["limitation"][0]["expiry"] == "2029年8月5日"
    assert evidence["contracts"][0] == {"no": "HT-1", "invoices": "INV-A1", "amount": "5,000.00", "open": "5,000.00"}


def test_case_review_timeline_has_the_contacts(legal):
    result, log = legal
    job = LetterJob("case_review", "L1", "甲公司", "S5", (), 0, "CASE-1")
    timeline = letter_context(job, "CS-9", result, {}, "en", log, None)["timeline"]
    contact = [t for t in timeline if t["source"] == "Contacts"]
    assert contact == [{"date": "2 November 2026", "source": "Contacts", "what": "phone · promise",
                        "detail": "promise 10 November 2026 ¥2,000.00"}]
    assert [t["date"] for t in timeline] == sorted(
        [t["date"] for t in timeline], key=lambda text: dt.datetime.strptime(text, "%d %B %Y"))


def test_a_missing_court_is_a_warning_at_its_cell():
    company, _ = read_company(raw_sheet("公司信息", "项目 | 值\nname | 甲\ncourt | "))
    found = court_issue(company, "CS-2026-000009")
    assert (found.severity, found.sheet, found.cell) == ("warning", "公司信息", "B3")
    assert "CS-2026-000009" in found.message.zh
    company["court"] = "杭州市西湖区人民法院"
    assert court_issue(company, "CS-2026-000009") is None


COMPANY = "项目 | 值\nname | 上海示例贸易有限公司\naddress | 上海市浦东新区\ncourt | "


def test_both_drafts_are_logged_like_any_letter_with_number_and_sha256():
    tools = FakeLetterTools()
    workbook = MemoryWorkbook([raw_sheet("应收台账", LEDGER), raw_sheet("客户档案", CUSTOMERS),
                               raw_sheet("联络记录", CONTACTS), raw_sheet("公司信息", COMPANY)], tools.events)
    outcome = generate_letters(workbook, "out", adapters=tools.adapters(), as_of=AS_OF,
                               kinds=["evidence", "payment_order"], customers=["L1"])
    assert [(g.letter_no, g.kind) for g in outcome.generated] == [("CS-2026-000001", "evidence"),
                                                                   ("CS-2026-000002", "payment_order")]
    log = workbook.committed[i18n.SHEETS["letters"].zh]
    assert list(log.frame["c0"]) == ["CS-2026-000001", "CS-2026-000002"]
    assert list(log.frame["c2"]) == ["诉讼证据清单", "支付令申请书"]
    assert all(g.sha256 for g in outcome.generated)
    court = [i for i in outcome.result.issues if i.sheet == "公司信息" and "CS-2026-000002" in i.message.zh]
    assert [(i.severity, i.cell) for i in court] == [("warning", "B4")]


def test_an_invoice_in_proceedings_says_so_in_the_last_interruption_column():
    ledger = f"{HEADER}\nINV-L1 | L1 | A | 2025-01-01 | 2025-03-01 | 5000.00 |  | 诉讼 | HT-9\n"
    result = compute(RefreshInputs(ledger=raw_sheet("应收台账", ledger), customers=raw_sheet("客户档案", CUSTOMERS)),
                     as_of=AS_OF)
    assert result.detail["limitation_state"].tolist() == ["frozen"]
    job = LetterJob("evidence", "L1", "甲公司", "S5", ("INV-L1",), 500000)
    (row,) = letter_context(job, "CS-9", result, {}, "zh", None)["evidence"]["limitation"]
    assert row["event"] == "诉讼中，时效中断" and row["state"] == "诉讼中，时效中断"
