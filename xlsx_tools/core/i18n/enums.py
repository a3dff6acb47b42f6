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
    "running": Label("running", "计算中"),
    "frozen": Label("frozen (proceedings)", "中止（诉讼程序中）"),
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

NOT_YET_DUE = Label("not yet due", "未到期")

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
