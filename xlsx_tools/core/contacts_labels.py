"""Every user-facing name of the collector's week in both languages: the Contacts sheet,
its codes, the contact-rule messages, the call-list scripts and the derived sheets' headers.

Kept apart from `i18n` while that module is being split; at integration these dicts are
folded into the i18n package unchanged.  Importing this module registers its messages in
`i18n.MESSAGES`, so the shared row-issue collector (`sheet_rows.RowIssues`) can use them.
"""
from __future__ import annotations

from .i18n import MESSAGES, Label, Message

CONTACTS_SHEET = Label("Contacts", "联络记录")

CONTACT_COLUMNS: dict[str, Label] = {
    "contact_time": Label("Contact Time", "联络时间"),
    "customer_id": Label("Customer ID", "客户编号"),
    "channel": Label("Channel", "渠道"),
    "contact_person": Label("Contact Person", "联系人"),
    "relation": Label("Relation", "对方身份"),
    "connected": Label("Connected", "是否接通"),
    "outcome": Label("Outcome", "联络结果"),
    "promised_date": Label("Promised Date", "承诺还款日"),
    "promised_amount": Label("Promised Amount", "承诺金额"),
    "invoice_no": Label("Invoice No", "单据号"),
    "collector": Label("Collector", "催收人"),
    "note": Label("Note", "备注"),
}

CHANNELS: dict[str, Label] = {
    "phone": Label("phone", "电话"),
    "sms": Label("sms", "短信"),
    "email": Label("email", "邮件"),
    "wechat": Label("wechat", "微信"),
    "visit": Label("visit", "上门拜访"),
    "letter": Label("letter", "函件"),
}
CHANNEL_ALIASES: dict[str, str] = {
    "call": "phone", "telephone": "phone", "tel": "phone", "e-mail": "email", "mail": "email",
    "weixin": "wechat", "上门": "visit", "拜访": "visit", "信函": "letter", "text": "sms",
}

RELATIONS: dict[str, Label] = {
    "debtor": Label("debtor", "债务人本人/经办人"),
    "finance": Label("finance", "财务部门"),
    "superior": Label("superior", "上级负责人"),
    "guarantor": Label("guarantor", "担保人"),
    "third_party": Label("third_party", "其他第三方"),
}
RELATION_ALIASES: dict[str, str] = {
    "债务人": "debtor", "本人": "debtor", "经办人": "debtor", "财务": "finance", "上级": "superior",
    "担保": "guarantor", "第三方": "third_party", "third party": "third_party",
}

CONNECTED: dict[str, Label] = {"Y": Label("Y", "是"), "N": Label("N", "否")}
CONNECTED_ALIASES: dict[str, str] = {"yes": "Y", "no": "N", "true": "Y", "false": "N", "1": "Y", "0": "N",
                                     "已接通": "Y", "未接通": "N"}

OUTCOMES: dict[str, Label] = {
    "promise": Label("promise", "承诺还款"),
    "paid": Label("paid", "已付款"),
    "dispute": Label("dispute", "提出异议"),
    "refused": Label("refused", "拒绝还款"),
    "no_answer": Label("no_answer", "未接通/未回复"),
    "wrong_contact": Label("wrong_contact", "联系方式失效"),
    "other": Label("other", "其他"),
}
OUTCOME_ALIASES: dict[str, str] = {
    "no answer": "no_answer", "未接通": "no_answer", "未回复": "no_answer", "wrong contact": "wrong_contact",
    "空号": "wrong_contact", "promise to pay": "promise", "承诺": "promise",
}

PROMISE_STATES: dict[str, Label] = {
    "open": Label("open", "待兑现"),
    "kept": Label("kept", "已兑现"),
    "broken": Label("broken", "已违约"),
}

CONTACT_RULES: dict[str, Label] = {
    "window": Label("Outside contact hours", "联络时段违规"),
    "connected_cap": Label("Too many connected calls", "接通次数超限"),
    "attempt_cap": Label("Too many call attempts", "拨打次数超限"),
    "third_party": Label("Third party contacted", "联系第三方"),
    "wording": Label("Banned wording", "违规用语"),
}

# The Policy word list's default: threats, exposure, false legal claims (prc-law-defaults.md).
DEFAULT_BANNED_WORDS: tuple[str, ...] = (
    "威胁", "曝光", "上门堵", "通讯录", "坐牢", "马上起诉",
    "threat", "expose", "jail", "prison", "block the door", "address book", "sue immediately",
)

# The Events type meaning "a lawsuit against the customer" (someone else sued it).
SUED_EVENT = "sued"
SUED_EVENT_LABEL = Label("sued", "被诉")
SUED_EVENT_ALIASES: dict[str, str] = {"被起诉": "sued", "被告": "sued", "lawsuit against": "sued",
                                      "defendant": "sued"}

TAG_AVOIDING = Label("avoiding contact", "失联/回避")
TAG_PROMISE_BROKEN = Label("promise broken", "承诺违约")
TAG_ORDER_DROP = Message("orders down {share} ({before} → {after}, 6 months) and sued on {date}",
                         "近6个月开票额下降 {share}（{before} → {after}），且于 {date} 被诉")

CONTACT_MESSAGES: dict[str, Message] = {
    "contact_time_unrecognised": Message("Contact time not recognised '{value}'", "联络时间无法识别 '{value}'"),
    "channel_unknown": Message("Unknown channel '{value}' (allowed: {allowed})",
                               "渠道无法识别 '{value}'（可用：{allowed}）"),
    "relation_unknown": Message("Unknown relation '{value}' (allowed: {allowed})",
                                "对方身份无法识别 '{value}'（可用：{allowed}）"),
    "connected_unknown": Message("Connected must be Y or N, got '{value}'", "是否接通应填 是 或 否，实际为 '{value}'"),
    "outcome_unknown": Message("Unknown outcome '{value}' (allowed: {allowed})",
                               "联络结果无法识别 '{value}'（可用：{allowed}）"),
    "promise_field_missing": Message("{column} is required when the outcome is promise",
                                     "联络结果为承诺还款时必须填写{column}"),
    "promise_not_positive": Message("Promised amount must be positive '{value}'", "承诺金额应为正数 '{value}'"),
    "contact_unknown_customer": Message("Customer ID '{value}' is in neither the Ledger nor the Customers sheet",
                                        "客户编号 '{value}' 既不在应收台账中，也不在客户档案中"),
    "contact_invoice_foreign": Message("Invoice '{value}' is not an invoice of customer {customer} in the "
                                       "ledger; the contact counts for the customer as a whole",
                                       "单据 '{value}' 不是客户 {customer} 在台账中的单据，按客户整体处理"),
    "rule_window": Message("Contact at {time}, outside {start}–{end}", "联络时间 {time} 不在 {start}–{end} 之内"),
    "rule_connected_cap": Message("Connected call no. {n} with {customer} on {date} (at most {limit} a day)",
                                  "{date} 与 {customer} 第 {n} 次接通电话（每日最多 {limit} 次）"),
    "rule_attempt_cap": Message("Call attempt no. {n} to {customer} on {date} (at most {limit} a day)",
                                "{date} 对 {customer} 第 {n} 次拨打（每日最多 {limit} 次）"),
    "rule_third_party": Message("Contact with a third party: only the debtor, finance, a superior or a guarantor "
                                "may be asked to pay, and the debt must not be disclosed",
                                "联系了第三方：只能向债务人、财务部门、上级负责人或担保人催收，且不得向第三方披露债务"),
    "rule_wording": Message("Note contains banned wording '{word}'", "备注含违规用语 '{word}'"),
}
MESSAGES.update(CONTACT_MESSAGES)

# ----- derived tables ----------------------------------------------------------------------------
PRIORITY_CONTACT_COLUMNS: dict[str, Label] = {
    "last_contact": Label("Last Contact", "最近联络"),
    "open_promise_date": Label("Open Promise Date", "待兑现承诺日期"),
    "open_promise": Label("Open Promise", "待兑现承诺"),
    "broken_promises": Label("Broken Promises", "违约承诺次数"),
}

OUTPUT_SHEETS: dict[str, Label] = {
    "calls": Label("Calls", "今日待办"),
    "compliance": Label("Compliance", "合规检查"),
    "weekly": Label("Weekly", "重点客户周跟踪"),
    "channels": Label("Channels", "渠道分析"),
}

COMPLIANCE_COLUMNS: dict[str, Label] = {
    "month": Label("Month", "月份"),
    "collector": Label("Collector", "催收人"),
    **CONTACT_RULES,
    "total": Label("Total", "合计"),
}
NO_COLLECTOR = Label("(blank)", "(未填)")

CALL_COLUMNS: dict[str, Label] = {
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "stage": Label("Stage", "催收阶段"),
    "reasons": Label("Why Today", "今日原因"),
    "channel": Label("Suggested Channel", "建议渠道"),
    "script": Label("Script", "话术"),
    "last_contact": Label("Last Contact", "最近联络"),
    "open_promise_date": Label("Open Promise Date", "待兑现承诺日期"),
    "open_promise": Label("Open Promise", "待兑现承诺"),
}
CALL_REASONS: dict[str, Label] = {
    "promise_due": Label("promise due today", "承诺今日到期"),
    "promise_broken": Label("promise broken", "承诺违约"),
    "ladder": Label("stage follow-up due", "阶段跟进到期"),
    "key_target": Label("key target", "重点催收对象"),
}

# Script lines by customer type and stage group (collections-method.md §3); "other" = type unknown.
SCRIPTS: dict[tuple[str, str], Label] = {
    ("large", "early"): Label("Check where the invoice is in their approval flow and who signs next; offer to "
                              "send any missing document today.",
                              "了解发票在对方审批流程中的位置和下一位审批人，主动补送所缺单据。"),
    ("large", "mid"): Label("Ask the finance head for a payment date; mention that future orders and terms "
                            "depend on settling this.",
                            "请财务负责人给出付款日期，说明后续订单和账期安排取决于本笔结清。"),
    ("large", "late"): Label("Arrange a senior-level visit to agree a settlement; keep the tone cooperative "
                             "and record what is agreed.",
                             "安排高层拜访商定结清方案，保持合作语气，并记录达成的事项。"),
    ("sme", "early"): Label("Remind them of the amount and due date; ask whether cash flow allows paying on "
                            "time.", "提醒金额和到期日，询问资金周转能否按时付款。"),
    ("sme", "mid"): Label("Offer a plan: part payment now and the rest within 15 days, or 3-6 installments.",
                          "提出方案：先付一部分，余款15天内付清，或分3-6期还款。"),
    ("sme", "late"): Label("Propose restructuring: installments, goods or assets in lieu of payment; state the "
                           "next legal step plainly.",
                           "提出债务重组：分期、以货抵债或以资产抵债；如实说明下一步法律措施。"),
    ("individual", "early"): Label("A friendly personal reminder from the same agent: amount, due date and how "
                                   "to pay.", "由专属催收员友好提醒：金额、到期日和付款方式。"),
    ("individual", "mid"): Label("Personal call: pay in full this week and part of the late fee is waived.",
                                 "专人致电：本周内付清可减免部分滞纳金。"),
    ("individual", "late"): Label("Explain calmly that unpaid debts are reported to credit records; offer a "
                                  "fee waiver for paying now.",
                                  "平和说明欠款会影响信用记录；现在还款可减免部分费用。"),
    ("other", "early"): Label("Remind them of the amount and due date and confirm the payment arrangement.",
                              "提醒金额和到期日，确认付款安排。"),
    ("other", "mid"): Label("Ask for a firm payment date and amount; offer a short plan if needed.",
                            "请对方给出明确的付款日期和金额，必要时提出短期分期方案。"),
    ("other", "late"): Label("State the next step (lawyer's letter or suit) plainly and ask for settlement.",
                             "如实说明下一步措施（律师函或诉讼），要求结清欠款。"),
}
PROMISE_SCRIPTS: dict[str, Message] = {
    "promise_due": Message("Promise of {amount} due today: confirm the transfer.",
                           "承诺今日还款 {amount}：确认是否已转账。"),
    "promise_broken": Message("Promise of {amount} due {date} was not kept: ask why and for a new firm date.",
                              "承诺 {date} 还款 {amount} 未兑现：询问原因并要求新的明确日期。"),
}

WEEKLY_COLUMNS: dict[str, Label] = {
    "week": Label("Week", "周次"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "open": Label("Open Balance", "未收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "paid_week": Label("Paid This Week", "本周回款"),
    "contacts_week": Label("Contacts This Week", "本周联络次数"),
    "open_promise_date": Label("Open Promise Date", "待兑现承诺日期"),
    "open_promise": Label("Open Promise", "待兑现承诺"),
    "compared_with": Label("Compared With", "对比周次"),
    "overdue_change": Label("Overdue Change", "逾期金额变化"),
    "flag": Label("Flag", "提示"),
}
WEEKLY_FLAGS: dict[str, Label] = {
    "overdue_grew": Label("overdue grew", "逾期增加"),
    "no_contact": Label("no contact this week", "本周未联络"),
}

DPD_BANDS: dict[str, Label] = {
    "not_due": Label("Not due", "未到期"),
    "1-30": Label("1-30", "1-30天"),
    "31-90": Label("31-90", "31-90天"),
    ">90": Label(">90", "90天以上"),
}
CHANNEL_COLUMNS: dict[str, Label] = {
    "band": Label("Days Past Due", "逾期天数"),
    "channel": Label("Channel", "渠道"),
    "attempts": Label("Attempts", "联络次数"),
    "successes": Label("Successes", "成功次数"),
    "rate": Label("Success Rate", "成功率"),
    "collected": Label("Amount Collected", "回收金额"),
}
BEST_CHANNEL = Message("{band}: {channel} works best ({rate} of {attempts} contacts succeeded)",
                       "{band}：{channel}效果最好（{attempts} 次联络成功率 {rate}）")
NO_BEST_CHANNEL = Message("{band}: too few contacts to compare channels (fewer than {minimum} per channel)",
                          "{band}：各渠道联络次数不足 {minimum} 次，无法比较")
