"""Fixed sample contexts: template checks, golden files and benchmarks render them."""
from __future__ import annotations

import datetime as dt

from .. import i18n
from ..i18n import Lang
from ..rmb import format_letter_date


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
                     "email": "wangmin@hengxin.example", "individual": False},
        "company": {"name": "上海示例贸易有限公司" if zh else "Shanghai Example Trading Co., Ltd.",
                    "address": "上海市浦东新区世纪大道 100 号" if zh else "100 Century Avenue, Pudong New Area, Shanghai",
                    "contact": "李娜" if zh else "Li Na", "phone": "021-5555 0100", "email": "ar@example.com",
                    "payee_name": "上海示例贸易有限公司" if zh else "Shanghai Example Trading Co., Ltd.",
                    "bank_name": "中国工商银行上海浦东支行" if zh else "ICBC Shanghai Pudong Branch",
                    "bank_account": "1001 2345 6789 0123 456", "signatory": "财务部" if zh else "Finance Department",
                    "law_firm": "上海示例律师事务所" if zh else "Shanghai Example Law Firm",
                    "law_firm_address": "上海市静安区南京西路 1 号" if zh else "1 West Nanjing Road, Jing'an District, Shanghai",
                    "lawyer": "张伟" if zh else "Zhang Wei", "lawyer_phone": "021-6666 0200",
                    "dispute_resolution": "",
                    "court": "上海市浦东新区人民法院" if zh else "Shanghai Pudong New Area People's Court"},
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
        # (10,000.00 + 6,409.02) × 3.00% × 1.5 / 365 = 2.0230… -> 2.02 a day
        "daily_interest": "2.02",
        "claim_total": "16,467.03",
        "claim_total_words": "人民币壹万陆仟肆佰陆拾柒元零叁分",
        # one currency: the classic single table (issue 12 splits a letter's invoices by currency)
        "currency_tables": [{"code": "CNY", "name": "人民币" if zh else "CNY", "unit": "元" if zh else "CNY",
                             "is_cny": True, "invoices": invoices, "total": "16,409.02",
                             "words": "人民币壹万陆仟肆佰零玖元零贰分"}],
        "single_cny": True,
    }
    context["currency_tables"][0].update({key: context[key] for key in (
        "principal", "principal_words", "interest", "interest_words", "interest_basis", "has_interest",
        "daily_interest", "claim_total", "claim_total_words")})
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
        letters, events = i18n.TIMELINE_WORDS["letters"].get(lang), i18n.TIMELINE_WORDS["events"].get(lang)
        context["timeline"] = [
            {"date": format_letter_date(dt.date(2026, 10, 9), lang), "source": letters,
             "what": i18n.LETTER_KINDS["demand"].get(lang) + " CS-2026-000101",
             "detail": ("已送达；寄出 2026年10月10日；送达 2026年10月12日；单号 SF1234567890" if zh else
                        "delivered; sent 10 October 2026; delivered 12 October 2026; tracking SF1234567890")},
            {"date": format_letter_date(dt.date(2026, 10, 20), lang), "source": events,
             "what": i18n.EVENT_TYPES["promise_to_pay"].get(lang), "detail": "INV-2026-0101"},
            {"date": format_letter_date(dt.date(2026, 10, 21), lang), "source": i18n.TIMELINE_WORDS["contacts"].get(lang),
             "what": i18n.CHANNELS["phone"].get(lang) + " · " + i18n.OUTCOMES["promise"].get(lang),
             "detail": ("王敏；承诺 2026年10月31日 ¥10,000.00" if zh else
                        "Wang Min; promise 31 October 2026 ¥10,000.00")}]
    if kind in ("evidence", "payment_order"):
        context["evidence"] = sample_evidence(lang)
    return context


def sample_evidence(lang: Lang) -> dict:
    """The sample claim's evidence: one confirmation, a delivered demand and an undelivered lawyer's letter,
    one kept promise, the limitation clock of both invoices and the one gap (the undelivered letter)."""
    zh = lang == "zh"
    day = lambda *ymd: format_letter_date(dt.date(*ymd), lang)      # noqa: E731
    sha = "9f86d081884c7d65 9a2feaa0c55ad015 a3bf4f1b2b0b822c d15d6c15b0f00a08"
    return {
        "contracts": [{"no": "HT-2026-017", "invoices": ("、" if zh else ", ").join(["INV-2026-0101", "INV-2026-0135"]),
                       "amount": "18,409.02", "open": "16,409.02"}],
        "confirmations": [{"letter_no": "CS-2026-000090", "date": day(2026, 9, 20),
                           "status": i18n.LETTER_STATUSES["delivered"].get(lang),
                           "reply": i18n.REPLY_STATES["confirmed"].format(date=day(2026, 9, 25)).get(lang)}],
        "demands": [
            {"kind": i18n.LETTER_KINDS["demand"].get(lang), "letter_no": "CS-2026-000101", "date": day(2026, 10, 9),
             "sha256": sha, "sent": day(2026, 10, 10), "delivered": day(2026, 10, 12), "tracking": "SF1234567890"},
            {"kind": i18n.LETTER_KINDS["lawyer"].get(lang), "letter_no": "CS-2026-000118", "date": day(2026, 11, 2),
             "sha256": sha, "sent": day(2026, 11, 3), "delivered": "", "tracking": "EMS9876543210"}],
        "promises": [{"date": day(2026, 10, 21), "channel": i18n.CHANNELS["phone"].get(lang),
                      "person": "王敏" if zh else "Wang Min", "promised_date": day(2026, 10, 31),
                      "amount": "2,000.00", "status": i18n.PROMISE_STATES["kept"].get(lang)}],
        "limitation": [
            {"no": "INV-2026-0101", "due_date": day(2026, 10, 2),
             "event": i18n.INTERRUPTIONS["demand_delivered"].get(lang) + " " + day(2026, 10, 12),
             "expiry": day(2029, 10, 12), "days_left": "1066", "state": i18n.LIMITATION_STATES["running"].get(lang)},
            {"no": "INV-2026-0135", "due_date": day(2026, 10, 31), "event": i18n.INTERRUPTION_NONE.get(lang),
             "expiry": day(2029, 10, 31), "days_left": "1085", "state": i18n.LIMITATION_STATES["running"].get(lang)}],
        "gaps": [i18n.LETTER_MESSAGES["gap_undelivered"].format(kind=i18n.LETTER_KINDS["lawyer"],
                                                                letter_no="CS-2026-000118").get(lang)],
    }


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
        "has_fee": True,
        "start": format_letter_date(dt.date(2026, 11, 11), lang),
        "first_due": format_letter_date(dates[0], lang), "installments": "4", "interval": "30",
        "interest_free": "3", "daily_rate": "0.02%", "prepayment": "30%", "prepayment_amount": "4,922.71",
        "invoices": ("、" if zh else ", ").join(["INV-2026-0101", "INV-2026-0135"]),
        "total": "16,409.02", "total_words": "人民币壹万陆仟肆佰零玖元零贰分", "open_differs": False, "paid": "0.00",
        "has_paid": False, "principal_total": "16,409.02",
        "fee_total": "22.97", "amount_total": "16,431.99", "amount_total_words": "人民币壹万陆仟肆佰叁拾壹元玖角玖分",
        "grace_days": "7", "status": i18n.PLAN_STATUSES["active"].get(lang),
        "currency": "CNY", "is_cny": True, "unit": "元" if zh else "CNY",
    }
    return plan, schedule
