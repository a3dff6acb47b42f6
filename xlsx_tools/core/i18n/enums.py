"""Codes and their names in both languages (statuses, stages, kinds, states), and the fixed
words and short templates written into cells (tags, bucket names, totals)."""
from __future__ import annotations

from .labels import Label, Message

STATUSES: dict[str, Label] = {
    "open": Label("open", "正常"),
    "disputed": Label("disputed", "争议"),
    "hold": Label("hold", "暂停"),
    "plan": Label("plan", "分期"),
    "litigation": Label("litigation", "诉讼"),
    "written_off": Label("written_off", "核销"),
}

CUSTOMER_TYPES: dict[str, Label] = {
    "large": Label("large", "国企/大型企业"),
    "sme": Label("sme", "中小微企业"),
    "individual": Label("individual", "个人"),
}

# Extra spellings clerks use for customer types.
CUSTOMER_TYPE_ALIASES: dict[str, str] = {
    "国企": "large", "大型企业": "large", "国有企业": "large", "large enterprise": "large",
    "state-owned": "large", "soe": "large", "中小企业": "sme", "小微企业": "sme",
    "个体工商户": "sme", "small and medium": "sme", "b2c": "individual", "person": "individual",
}

TOTAL_ROW_WORDS = frozenset({"合计", "总计", "小计", "total", "subtotal"})

# Words meaning "every invoice of the customer" in the Invoices cell of Plans and Events.
ALL_INVOICES_WORDS = frozenset({"all", "全部", "所有", "全部单据", "*"})

STAGE_NAMES: dict[str, Label] = {
    "S0": Label("Not due", "未到期"),
    "S1": Label("Pre-due warning", "预警期"),
    "S2": Label("Friendly reminder", "首次友好提醒"),
    "S3": Label("Written demand", "二次沟通+书面函告"),
    "S4": Label("Lawyer's letter / agency", "律师函/第三方"),
    "S5": Label("Litigation", "诉讼"),
    "HOLD": Label("On hold", "暂停催收"),
    "PLAN": Label("Installment plan", "分期还款"),
    "CLOSED": Label("Closed", "已结清"),
    "CREDIT": Label("Credit note", "贷项"),
}

LADDER_CODES = ("S0", "S1", "S2", "S3", "S4", "S5")

STAGE_CODES = LADDER_CODES + ("HOLD", "PLAN", "CLOSED", "CREDIT")

DEFAULT_OWNERS: dict[str, Label] = {
    "S0": Label("—", "—"),
    "S1": Label("Sales manager", "销售经理"),
    "S2": Label("Sales", "销售"),
    "S3": Label("Collector", "催收专员"),
    "S4": Label("Legal", "法务"),
    "S5": Label("Legal", "法务"),
    "HOLD": Label("Finance", "财务"),
    "PLAN": Label("Collector", "催收专员"),
    "CLOSED": Label("—", "—"),
    "CREDIT": Label("Finance", "财务"),
}

DEFAULT_ACTIONS: dict[str, Label] = {
    "S0": Label("None", "无"),
    "S1": Label("Confirmation letter; reminder letter for new or high-risk customers",
                "发送账款确认函；新客户或高风险客户加发还款提醒函"),
    "S2": Label("Email/SMS reminder", "邮件/短信提醒"),
    "S3": Label("Payment demand notice", "发送催款通知书"),
    "S4": Label("Lawyer's letter", "发送律师函"),
    "S5": Label("Evidence check, suit or payment order", "核查证据，起诉或申请支付令"),
    "HOLD": Label("Resolve the dispute / wait for hold date", "处理争议或等待暂停到期"),
    "PLAN": Label("Track installments", "跟踪分期还款"),
    "CLOSED": Label("None", "无"),
    "CREDIT": Label("Apply against open invoices", "冲抵未结发票"),
}

SEVERITIES: dict[str, Label] = {"error": Label("error", "错误"), "warning": Label("warning", "警告"),
                                "info": Label("info", "提示")}

LETTER_KINDS: dict[str, Label] = {
    "confirmation": Label("Account confirmation", "账款确认函"),
    "reminder": Label("Payment reminder", "还款提醒函"),
    "demand": Label("Payment demand notice", "催款通知书"),
    "lawyer": Label("Lawyer's letter", "律师函"),
    "case_review": Label("Collection case review", "催收案例复盘记录"),
    "plan": Label("Installment payment agreement", "分期还款协议"),
    # the legal hand-off at S5 (issue 11): drafts for the legal department
    "evidence": Label("Litigation evidence checklist", "诉讼证据清单"),
    "payment_order": Label("Application for a payment order", "支付令申请书"),
}

LETTER_STATUSES: dict[str, Label] = {
    "generated": Label("generated", "已生成"),
    "sent": Label("sent", "已寄出"),
    "delivered": Label("delivered", "已送达"),
    "returned": Label("returned", "退回"),
    "void": Label("void", "作废"),
}

EVENT_TYPES: dict[str, Label] = {
    "demand_delivered": Label("demand delivered", "催款函送达"),
    "acknowledgement": Label("acknowledgement", "债务确认"),
    "promise_to_pay": Label("promise to pay", "承诺还款"),
    "plan_signed": Label("plan signed", "签订分期协议"),
    "suit_filed": Label("suit filed", "提起诉讼"),
    "payment_order": Label("payment order", "申请支付令"),
    "judgment": Label("judgment", "判决生效"),
    "sued": Label("sued", "被诉"),   # a lawsuit against the customer by someone else (early warning)
}

EVENT_TYPE_ALIASES: dict[str, str] = {
    "demand": "demand_delivered", "demand_delivered": "demand_delivered", "催款": "demand_delivered",
    "催告送达": "demand_delivered", "催收函送达": "demand_delivered", "律师函送达": "demand_delivered",
    "acknowledgment": "acknowledgement", "acknowledgement": "acknowledgement", "确认": "acknowledgement",
    "对账确认": "acknowledgement", "promise": "promise_to_pay", "promise_to_pay": "promise_to_pay",
    "还款承诺": "promise_to_pay", "plan": "plan_signed", "plan_signed": "plan_signed", "分期协议": "plan_signed",
    "suit": "suit_filed", "suit_filed": "suit_filed", "lawsuit": "suit_filed", "起诉": "suit_filed",
    "诉讼": "suit_filed", "仲裁": "suit_filed", "arbitration": "suit_filed", "payment_order": "payment_order",
    "支付令": "payment_order", "judgment": "judgment", "judgement": "judgment", "判决": "judgment",
    "生效判决": "judgment",
    "被起诉": "sued", "被告": "sued", "lawsuit against": "sued", "defendant": "sued",
}

PLAN_TYPES: dict[str, Label] = {
    "installment": Label("installment", "分期"),
    "extension": Label("extension", "展期"),
}

INTEREST_BASES: dict[str, Label] = {
    "lpr": Label("lpr", "LPR"),
    "daily": Label("daily", "日利率"),
    "contract": Label("contract", "合同利率"),
}

PAYMENT_ORDERS: dict[str, Label] = {
    "principal_first": Label("principal_first", "先本后息"),
    "interest_first": Label("interest_first", "先息后本"),
}

DEMAND_SCOPES: dict[str, Label] = {
    "customer": Label("customer", "客户"),
    "contract": Label("contract", "合同"),
    "invoice": Label("invoice", "单据"),
}

INSTALLMENT_STATUSES: dict[str, Label] = {
    "paid": Label("paid", "已还清"),
    "partly_paid": Label("partly paid", "部分已还"),
    "not_due": Label("not due", "未到期"),
    "due": Label("due (in grace)", "已到期（宽限期内）"),
    "overdue": Label("overdue", "逾期"),
}

PLAN_STATUSES: dict[str, Label] = {
    "active": Label("active", "履行中"),
    "completed": Label("completed", "已履行完毕"),
    "broken": Label("broken", "已违约"),
}

LIMITATION_STATES: dict[str, Label] = {
    "running": Label("running, not expired", "未届满"),
    "frozen": Label("interrupted by proceedings", "诉讼中，时效中断"),
    "expired": Label("expired", "已届满"),
    "judgment": Label("enforcement deadline", "申请执行期限"),
    "closed": Label("", ""),
}

YES_NO: dict[bool, Label] = {True: Label("Y", "Y"), False: Label("N", "N")}

BUCKET_NOT_DUE = Label("Not due", "未到期")


def bucket_labels(edges: tuple[int, ...]) -> list[Label]:
    """Labels for the buckets cut at `edges` (days past due, inclusive upper bounds)."""
    labels = [BUCKET_NOT_DUE]
    for low, high in zip(edges, edges[1:]):
        labels.append(Label(f"{low + 1}-{high}", f"{low + 1}-{high}天"))
    labels.append(Label(f">{edges[-1]}", f"{edges[-1]}天以上"))
    return labels

BLANK_LINE = Label("(blank)", "(未填)")

TOTAL = Label("Total", "合计")

NOT_YET_DUE = Label("not due", "未到期")

NO_CONTRACT = Label("—", "—")

SHARE_BANDS = (Label("share ≤{low}", "占比≤{low}"), Label("share {low}-{high}", "占比{low}-{high}"),
               Label("share >{high}", "占比>{high}"))


TAG_KEY_TARGET = Label("key target", "重点催收对象")

TAG_HIGH_RISK = Label("high risk", "高风险")

TAG_DOWNGRADED = Label("rating downgraded", "评级下调")

TAG_LIMITATION = Message("limitation ≤{days} days", "时效≤{days}天")

TAG_LIMITATION_EXPIRED = Label("limitation expired", "时效已届满")

TAG_OVER_LIMIT = Label("over credit limit", "超信用额度")

TAG_RED_LINE = Label("limit above red line", "额度超红线")

TAG_PLAN_BROKEN = Label("plan broken", "分期违约")

LIMIT_BAND_NONE = Label("cash / prepayment only", "现款或预付")

LIMIT_BAND = Message("up to {share} of registered capital", "不超过注册资本的{share}")

# Case-review timeline (letters): where a line comes from and how its details read.
TIMELINE_WORDS: dict[str, Label] = {
    "letters": Label("Letters log", "函件记录"),
    "events": Label("Events", "法律事件"),
    "sent": Label("sent ", "寄出 "),
    "delivered": Label("delivered ", "送达 "),
    "tracking": Label("tracking ", "单号 "),
    "all_invoices": Label("all invoices", "全部单据"),
    "contacts": Label("Contacts", "联络记录"),
    "promise": Label("promise ", "承诺 "),
}

# ----- the collector's week (issue 11): Contacts codes, tags and bands -----
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

TAG_AVOIDING = Label("avoiding contact", "失联/回避")

TAG_PROMISE_BROKEN = Label("promise broken", "承诺违约")

TAG_ORDER_DROP = Message("orders down {share} ({before} → {after}, 6 months) and sued on {date}",
                         "近6个月开票额下降 {share}（{before} → {after}），且于 {date} 被诉")

NO_COLLECTOR = Label("(blank)", "(未填)")

CALL_REASONS: dict[str, Label] = {
    "promise_due": Label("promise due today", "承诺今日到期"),
    "promise_broken": Label("promise broken", "承诺违约"),
    "ladder": Label("stage follow-up due", "阶段跟进到期"),
    "key_target": Label("key target", "重点催收对象"),
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



# ----- the legal hand-off (issue 11): evidence checklist and payment order -----
# The act that last interrupted an invoice's limitation period (limitation pass `limitation_event`).
INTERRUPTIONS: dict[str, Label] = {
    **EVENT_TYPES,
    "payment": Label("partial payment", "部分付款"),
}
INTERRUPTION_NONE = Label("none: runs from the due date", "无（自到期日起算）")

# How a confirmation letter's reply reads in the evidence checklist.
REPLY_STATES: dict[str, Message] = {
    "confirmed": Message("confirmed by the customer on {date} (acknowledgement in Events)",
                       "客户已于{date}确认（法律事件：债务确认）"),
    "returned": Message("returned undelivered", "退回未送达"),
    "none": Message("no reply recorded", "未记录回函"),
}

DRAFT_BANNER = Label("DRAFT FOR LEGAL REVIEW", "草稿，供法务审核")
