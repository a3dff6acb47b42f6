"""Every user-facing name in both languages: sheets, headers, codes and messages.

Readers match names through `normalise_name`, so "INVOICE NO ", "invoice no" and
"账期（天）" / "账期(天)" all find their column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@dataclass(frozen=True)
class Label:
    en: str
    zh: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def both(self) -> tuple[str, str]:
        return (self.en, self.zh)


@dataclass(frozen=True)
class Message:
    """A bilingual message template; `{name}` fields are filled by `format`."""

    en: str
    zh: str

    def format(self, **values: object) -> Label:
        """Fill the fields; a value that is itself a Label is taken in the matching language."""
        en = {k: v.en if isinstance(v, Label) else v for k, v in values.items()}
        zh = {k: v.zh if isinstance(v, Label) else v for k, v in values.items()}
        return Label(self.en.format(**en), self.zh.format(**zh))


def normalise_name(text: object) -> str:
    """Fold a sheet or header name: NFKC (full-width -> half-width), trim, casefold, one space."""
    folded = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return re.sub(r"\s+", " ", folded)


def name_lookup(labels: dict[str, Label], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised name -> code, for every label in both languages plus extra spellings."""
    aliases = {normalise_name(name): code for code, label in labels.items() for name in label.both()}
    aliases.update({normalise_name(name): code for name, code in (extra or {}).items()})
    return aliases


def match_names(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """The code of each value (None when unknown); each distinct value is folded once."""
    lookup = {value: aliases.get(normalise_name(value)) for value in values.dropna().unique()}
    return values.map(lookup).astype(object)


SHEETS: dict[str, Label] = {
    "ledger": Label("Ledger", "应收台账"),
    "customers": Label("Customers", "客户档案"),
    "policy": Label("Policy", "催收策略"),
    "contacts": Label("Contacts", "联系人"),
    "instructions": Label("Instructions", "使用说明"),
    "detail": Label("Detail", "账龄明细"),
    "priority": Label("Priority", "催收优先级"),
    "aging": Label("Aging", "账龄分析"),
    "snapshots": Label("Snapshots", "月度快照"),
    "issues": Label("Issues", "问题"),
}
INPUT_SHEETS = ("ledger", "customers", "policy", "contacts")


def find_sheet(sheet_names: list[str], key: str) -> str | None:
    """The workbook's actual name for a sheet key, matching either language."""
    wanted = {normalise_name(name) for name in SHEETS[key].both()}
    for name in sheet_names:
        if normalise_name(name) in wanted:
            return name
    return None


LEDGER_COLUMNS: dict[str, Label] = {
    "invoice_no": Label("Invoice No", "单据号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "business_line": Label("Business Line", "业务线"),
    "sales_owner": Label("Sales Owner", "销售负责人"),
    "contract_no": Label("Contract No", "合同编号"),
    "invoice_date": Label("Invoice Date", "开票日期"),
    "due_date": Label("Due Date", "到期日"),
    "terms_days": Label("Terms (days)", "账期(天)"),
    "currency": Label("Currency", "币种"),
    "amount": Label("Amount", "金额"),
    "paid_amount": Label("Paid Amount", "已收金额"),
    "last_payment_date": Label("Last Payment Date", "最近收款日"),
    "status": Label("Status", "状态"),
    "hold_until": Label("Hold Until", "暂停至"),
}

CUSTOMER_COLUMNS: dict[str, Label] = {
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "customer_type": Label("Customer Type", "客户类型"),
    "credit_rating": Label("Credit Rating", "信用评级"),
    "previous_rating": Label("Previous Rating", "上期评级"),
    "credit_limit": Label("Credit Limit", "信用额度"),
    "registered_capital": Label("Registered Capital", "注册资本"),
    "annual_sales": Label("Annual Sales", "年销售额"),
    "first_trade_date": Label("First Trade Date", "首次合作日期"),
    "contact_name": Label("Contact", "联系人"),
    "contact_email": Label("Email", "邮箱"),
    "contact_phone": Label("Phone", "电话"),
    "address": Label("Address", "地址"),
}

POLICY_COLUMNS: dict[str, Label] = {
    "key": Label("Setting", "设置项"),
    "value": Label("Value", "值"),
    "description": Label("Description", "说明"),
}

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

SNAPSHOT_COLUMNS: dict[str, Label] = {
    "month": Label("Month", "月份"),
    "business_line": Label("Business Line", "业务线"),
    "receivables": Label("Receivables", "应收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "early_overdue": Label("Overdue 1-30 Days", "逾期30天内金额"),
    "as_of": Label("As-of Date", "基准日"),
}
DETAIL_COLUMNS: dict[str, Label] = {
    "row": Label("Ledger Row", "台账行号"),
    "invoice_no": Label("Invoice No", "单据号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "business_line": Label("Business Line", "业务线"),
    "invoice_date": Label("Invoice Date", "开票日期"),
    "due_date": Label("Due Date", "到期日"),
    "amount": Label("Amount", "金额"),
    "paid": Label("Paid Amount", "已收金额"),
    "open": Label("Open Amount", "未收金额"),
    "days_past_due": Label("Days Past Due", "逾期天数"),
    "bucket": Label("Aging Bucket", "账龄区间"),
    "stage": Label("Stage", "催收阶段"),
    "stage_name": Label("Stage Name", "阶段名称"),
    "next_action": Label("Next Action", "下一步动作"),
    "owner": Label("Owner", "责任人"),
    "status": Label("Status", "状态"),
}
PRIORITY_COLUMNS: dict[str, Label] = {
    "rank": Label("Rank", "排名"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "open": Label("Open Balance", "未收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "share": Label("Share", "占比"),
    "max_days": Label("Max Days Past Due", "最长逾期天数"),
    "stage": Label("Stage", "催收阶段"),
    "key_target": Label("Key Target", "重点催收对象"),
    "high_risk": Label("High Risk", "高风险"),
    "tags": Label("Tags", "标签"),
    "next_action": Label("Next Action", "下一步动作"),
    "owner": Label("Owner", "责任人"),
}
AGING_COLUMNS: dict[str, Label] = {
    "business_line": Label("Business Line", "业务线"),
    "receivables": Label("Receivables", "应收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "overdue_share": Label("Overdue %", "逾期占比"),
    "early_share": Label("Overdue 1-30 Days %", "逾期30天内占比"),
    "credits": Label("Credit Notes", "贷项"),
    "previous_overdue": Label("Overdue Last Month", "上月逾期金额"),
    "growth": Label("Overdue Change vs Last Month", "逾期金额环比"),
    "warnings": Label("Warnings", "预警"),
}
ISSUE_COLUMNS: dict[str, Label] = {
    "severity": Label("Severity", "级别"),
    "sheet": Label("Sheet", "工作表"),
    "cell": Label("Cell", "单元格"),
    "message": Label("Message", "问题说明"),
}
SEVERITIES: dict[str, Label] = {"error": Label("error", "错误"), "warning": Label("warning", "警告")}
WARNINGS: dict[str, Message] = {
    "early": Message("Overdue 1-{days} days is {share} of receivables (> {limit}): meet the department head",
                     "逾期{days}天内占应收 {share}（超过 {limit}）：约谈部门负责人"),
    "growth": Message("Overdue amount up {share} vs last month (> {limit}): meet the department head",
                      "逾期金额环比增长 {share}（超过 {limit}）：约谈部门负责人"),
}
SHARE_BANDS = (Label("share ≤{low}", "占比≤{low}"), Label("share {low}-{high}", "占比{low}-{high}"),
               Label("share >{high}", "占比>{high}"))
TAG_KEY_TARGET = Label("key target", "重点催收对象")
TAG_HIGH_RISK = Label("high risk", "高风险")
TAG_DOWNGRADED = Label("rating downgraded", "评级下调")

BLANK_LINE = Label("(blank)", "(未填)")
TOTAL = Label("Total", "合计")

BUCKET_NOT_DUE = Label("Not due", "未到期")


def bucket_labels(edges: tuple[int, ...]) -> list[Label]:
    """Labels for the buckets cut at `edges` (days past due, inclusive upper bounds)."""
    labels = [BUCKET_NOT_DUE]
    for low, high in zip(edges, edges[1:]):
        labels.append(Label(f"{low + 1}-{high}", f"{low + 1}-{high}天"))
    labels.append(Label(f">{edges[-1]}", f"{edges[-1]}天以上"))
    return labels


YES_NO: dict[bool, Label] = {True: Label("Y", "Y"), False: Label("N", "N")}


MESSAGES: dict[str, Message] = {
    "date_unrecognised": Message("Date format not recognised '{value}'", "日期格式无法识别 '{value}'"),
    "amount_unrecognised": Message("Amount not recognised '{value}'", "金额无法识别 '{value}'"),
    "integer_unrecognised": Message("Whole number expected, got '{value}'", "应为整数，实际为 '{value}'"),
    "required_missing": Message("{column} is missing", "{column}缺失"),
    "due_missing": Message("Due Date is missing and no Terms (days) given",
                           "到期日缺失，且未填写账期(天)"),
    "status_unknown": Message("Unknown status '{value}' (allowed: {allowed})",
                              "状态无法识别 '{value}'（可用：{allowed}）"),
    "duplicate_invoice": Message("Invoice No '{value}' duplicates row {first}",
                                 "单据号 '{value}' 与第 {first} 行重复"),
    "total_row": Message("Total row skipped", "合计行已跳过"),
    "column_missing": Message("Required column '{column}' not found in the header row",
                              "表头中找不到必需列 '{column}'"),
    "column_duplicate": Message("Column '{column}' appears twice; the first one is used",
                                "列 '{column}' 重复出现，使用第一列"),
    "no_header": Message("The sheet has no header row", "工作表没有表头行"),
    "overpaid": Message("Paid amount exceeds the amount by {value}", "已收金额超出金额 {value}"),
    "negative_paid": Message("Paid amount is negative '{value}'", "已收金额为负数 '{value}'"),
    "currency_mixed": Message("Currency {value} is summed with CNY without conversion",
                              "币种 {value} 未经折算即与人民币合计"),
    "unknown_customer": Message("Customer ID '{value}' is not in the Customers sheet",
                                "客户编号 '{value}' 不在客户档案中"),
    "customer_type_unknown": Message("Unknown customer type '{value}' (allowed: {allowed})",
                                     "客户类型无法识别 '{value}'（可用：{allowed}）"),
    "rating_unknown": Message("Unknown credit rating '{value}' (allowed: {allowed})",
                              "信用评级无法识别 '{value}'（可用：{allowed}）"),
    "duplicate_customer": Message("Customer ID '{value}' duplicates row {first}",
                                  "客户编号 '{value}' 与第 {first} 行重复"),
    "policy_unknown_key": Message("Unknown setting '{value}' ignored", "未知设置项 '{value}'，已忽略"),
    "policy_invalid": Message("Invalid value '{value}' for {key}: {reason}",
                              "设置项 {key} 的值 '{value}' 无效：{reason}"),
    "snapshot_invalid": Message("Snapshot row not understood and ignored", "快照行无法识别，已忽略"),
    "row_left_out": Message("; row left out of all results", "；该行未参与计算"),
}


# ----- letters (issue 3) -------------------------------------------------------------------------
LETTER_SHEETS: dict[str, Label] = {
    "company": Label("Company", "公司信息"),
    "cases": Label("Cases", "案例库"),
    "letters": Label("Letters", "函件记录"),
}
SHEETS.update(LETTER_SHEETS)

LETTER_KINDS: dict[str, Label] = {
    "confirmation": Label("Account confirmation", "账款确认函"),
    "reminder": Label("Payment reminder", "还款提醒函"),
    "demand": Label("Payment demand notice", "催款通知书"),
    "lawyer": Label("Lawyer's letter", "律师函"),
    "case_review": Label("Collection case review", "催收案例复盘记录"),
    "plan": Label("Installment payment agreement", "分期还款协议"),
}

COMPANY_COLUMNS: dict[str, Label] = {
    "key": Label("Item", "项目"),
    "value": Label("Value", "值"),
    "description": Label("Description", "说明"),
}
# key -> description; the Company sheet lists these keys in this order.
COMPANY_FIELDS: dict[str, Label] = {
    "name": Label("Company name (full legal name)", "公司名称（全称）"),
    "address": Label("Company address", "公司地址"),
    "contact": Label("Contact person for letters", "函件联系人"),
    "phone": Label("Contact phone", "联系电话"),
    "email": Label("Contact email", "联系邮箱"),
    "payee_name": Label("Payee account name", "收款账户户名"),
    "bank_name": Label("Payee bank", "收款开户行"),
    "bank_account": Label("Payee account number", "收款账号"),
    "signatory": Label("Signatory / department", "落款人或部门"),
    "law_firm": Label("Law firm (lawyer's letters)", "律师事务所（律师函）"),
    "law_firm_address": Label("Law firm address", "律师事务所地址"),
    "lawyer": Label("Lawyer", "承办律师"),
    "lawyer_phone": Label("Lawyer's phone", "律师电话"),
}

CASE_COLUMNS: dict[str, Label] = {
    "case_no": Label("Case No", "案例编号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "opened": Label("Opened", "立案日期"),
    "closed": Label("Closed", "结案日期"),
    "process": Label("Process Summary", "催收过程"),
    "solution": Label("Solution", "解决方案"),
    "result": Label("Result", "结果"),
    "recovered": Label("Recovered Amount", "回收金额"),
    "collection_days": Label("Collection Days", "催收天数"),
    "lessons": Label("Lessons", "经验教训"),
}

LETTER_LOG_COLUMNS: dict[str, Label] = {
    "letter_no": Label("Letter No", "函件编号"),
    "date": Label("Date", "日期"),
    "kind": Label("Kind", "函件类型"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "stage": Label("Stage", "催收阶段"),
    "invoices": Label("Invoices", "单据号"),
    "total": Label("Total", "金额合计"),
    "file": Label("File", "文件名"),
    "sha256": Label("SHA-256", "SHA-256"),
    "status": Label("Status", "状态"),
    "sent_date": Label("Sent Date", "寄出日期"),
    "delivered_date": Label("Delivered Date", "送达日期"),
    "tracking_no": Label("Tracking No", "快递单号"),
    "case_ref": Label("Case Ref", "案例引用"),
    "note": Label("Note", "备注"),
}
LETTER_STATUSES: dict[str, Label] = {
    "generated": Label("generated", "已生成"),
    "sent": Label("sent", "已寄出"),
    "delivered": Label("delivered", "已送达"),
    "returned": Label("returned", "退回"),
    "void": Label("void", "作废"),
}

NOT_YET_DUE = Label("not yet due", "未到期")
NO_CONTRACT = Label("—", "—")

LETTER_MESSAGES: dict[str, Message] = {
    "cooldown": Message("{kind} for {customer} at stage {stage} already generated on {date} ({letter_no}); "
                        "cool-down {days} days",
                        "{customer} 在 {stage} 阶段的{kind}已于 {date} 生成（{letter_no}），冷却期 {days} 天"),
    "case_done": Message("case {case} already reviewed in {letter_no}", "案例 {case} 已生成复盘记录（{letter_no}）"),
    "plan_done": Message("plan {plan} already rendered in {letter_no}", "分期计划 {plan} 已生成协议（{letter_no}）"),
    "no_plans": Message("no plan row for customer {customer} in the Plans sheet",
                        "分期计划表中没有客户 {customer} 的计划"),
    "no_letter_due": Message("no letter due for {customer} (stage {stage})", "{customer} 当前无需发函（阶段 {stage}）"),
    "not_in_ledger": Message("customer {customer} has no open balance", "客户 {customer} 没有未收余额"),
    "no_cases": Message("no case row for customer {customer} in the Cases sheet",
                        "案例库中没有客户 {customer} 的案例"),
    "company_missing": Message("Company sheet: {fields} missing (needed for {kind})",
                               "公司信息表缺少：{fields}（{kind}需要）"),
    "customer_missing": Message("customer {customer}: {fields} missing in the Customers sheet",
                                "客户 {customer}：客户档案缺少 {fields}"),
    "foreign_currency": Message("invoices in {currency}: letters state CNY amounts only",
                                "单据币种为 {currency}：函件只能列示人民币金额"),
    "render_failed": Message("rendering failed: {reason}", "生成失败：{reason}"),
    "template_broken": Message("template {template} cannot be used: {reason}", "模板 {template} 无法使用：{reason}"),
    "log_unknown_kind": Message("Unknown letter kind '{value}'", "函件类型无法识别 '{value}'"),
    "case_no_customer": Message("Case row without Customer ID ignored", "案例行缺少客户编号，已忽略"),
    "recovered_letter": Message("letter file found after an interrupted run; logged now",
                                "上次中断的批次已生成此函件，现补记"),
    "void_number": Message("number reserved by an interrupted run; no letter was written",
                           "上次中断的批次预留了此编号，但未生成函件"),
    "company_unknown_key": Message("Unknown company item '{value}' ignored", "未知公司信息项 '{value}'，已忽略"),
}


# ----- money and law (issue 5) -----------------------------------------------------------------
@dataclass(frozen=True)
class Aliases(Label):
    """A header Label that also accepts extra spellings (e.g. 'Date' for 'Payment Date')."""

    extra: tuple[str, ...] = ()

    def both(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.en, self.zh) + self.extra


MONEY_LAW_SHEETS: dict[str, Label] = {
    "payments": Label("Payments", "收款记录"),
    "plans": Label("Plans", "分期计划"),
    "events": Label("Events", "法律事件"),
    "plan_schedule": Label("Plan Schedule", "还款计划表"),
    "credit": Label("Credit", "信用管理"),
}
SHEETS.update(MONEY_LAW_SHEETS)
MONEY_LAW_INPUT_SHEETS = ("payments", "plans", "events")

# Optional Ledger column read by the interest pass (annual %, e.g. 6 or 6% or 0.06).
LEDGER_RATE_COLUMNS: dict[str, Label] = {
    "invoice_no": LEDGER_COLUMNS["invoice_no"],
    "interest_rate": Aliases("Interest Rate", "合同利率", ("Contract Rate", "年利率")),
}
# Optional 5C columns of the Customers sheet, each scored 1-5.
FIVE_C_COLUMNS: dict[str, Label] = {
    "character": Label("Character", "品格"),
    "capacity": Label("Capacity", "能力"),
    "capital": Label("Capital", "资本"),
    "collateral": Label("Collateral", "担保"),
    "conditions": Label("Conditions", "条件"),
}
PAYMENT_COLUMNS: dict[str, Label] = {
    "invoice_no": LEDGER_COLUMNS["invoice_no"],
    "date": Aliases("Payment Date", "收款日期", ("Date", "日期")),
    "amount": Aliases("Payment Amount", "收款金额", ("Amount", "金额")),
    "plan_no": Label("Plan No", "计划编号"),
    "reference": Label("Reference", "凭证号"),
}
PLAN_COLUMNS: dict[str, Label] = {
    "plan_no": Label("Plan No", "计划编号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "invoices": Aliases("Invoices", "涉及单据", ("Invoice No", "单据号")),
    "total": Aliases("Plan Total", "分期总额", ("Total", "总额")),
    "signed_date": Label("Signed Date", "签订日期"),
    "first_due": Label("First Due Date", "首期还款日"),
    "installments": Aliases("Installments", "期数", ("Number of Installments", "分期期数")),
    "interval": Label("Interval (days)", "间隔(天)"),
    "interest_free": Label("Interest-free Installments", "免息期数"),
    "daily_rate": Label("Daily Rate", "日利率"),
    "prepayment": Label("Prepayment Share", "首付比例"),
    "plan_type": Label("Plan Type", "方案类型"),
}
EVENT_COLUMNS: dict[str, Label] = {
    "date": Aliases("Date", "日期", ("Event Date", "事件日期")),
    "customer_id": Label("Customer ID", "客户编号"),
    "invoices": Aliases("Invoices", "涉及单据", ("Invoice No", "单据号")),
    "event": Aliases("Event", "事件类型", ("Event Type", "事件")),
    "evidence": Aliases("Evidence", "证据", ("Evidence Reference", "证据索引")),
}
# Words meaning "every invoice of the customer" in the Invoices cell of Plans and Events.
ALL_INVOICES_WORDS = frozenset({"all", "全部", "所有", "全部单据", "*"})

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

DETAIL_MONEY_LAW_COLUMNS: dict[str, Label] = {
    "interest": Label("Interest", "逾期利息"),
    "interest_basis": Label("Interest Basis", "计息依据"),
    "limitation_expiry": Label("Limitation Expiry", "诉讼时效届满日"),
    "days_left": Label("Days Left", "剩余天数"),
    "limitation_state": Label("Limitation Status", "时效状态"),
    "provision_rate": Label("Provision Rate", "计提比例"),
    "provision": Label("Provision", "坏账准备"),
    "plan_no": Label("Plan No", "计划编号"),
    "plan_broken": Label("Plan Broken", "分期违约"),
}
PRIORITY_MONEY_LAW_COLUMNS: dict[str, Label] = {
    "interest": Label("Interest", "逾期利息"),
    "earliest_expiry": Label("Earliest Limitation Expiry", "最早诉讼时效届满日"),
    "days_left": Label("Days Left", "剩余天数"),
    "plan_broken": Label("Plan Broken", "分期违约"),
}
AGING_PROVISION_COLUMN = Label("Provision", "坏账准备")
PLAN_SCHEDULE_COLUMNS: dict[str, Label] = {
    "plan_no": Label("Plan No", "计划编号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "installment": Label("Installment", "期次"),
    "due_date": Label("Due Date", "应还日期"),
    "principal": Label("Principal", "本金"),
    "fee": Label("Interest / Fee", "利息/费用"),
    "amount": Label("Amount", "应还金额"),
    "paid": Label("Paid", "已还金额"),
    "status": Label("Status", "状态"),
    "plan_status": Label("Plan Status", "计划状态"),
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
CREDIT_COLUMNS: dict[str, Label] = {
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "credit_limit": Label("Credit Limit", "信用额度"),
    "exposure": Label("Exposure", "风险敞口"),
    "utilisation": Label("Utilisation", "额度使用率"),
    "over_limit": Label("Over Limit", "超额度"),
    "over_by": Label("Over Limit By", "超出金额"),
    "first_trade_date": Label("First Trade Date", "首次合作日期"),
    "new_customer": Label("New Customer", "新客户"),
    "registered_capital": Label("Registered Capital", "注册资本"),
    "red_line": Label("Red Line Limit", "红线额度"),
    "red_line_breach": Label("Red Line Breach", "突破红线"),
    "score": Label("5C Score", "5C评分"),
    "band": Label("Limit Band", "额度档位"),
    "suggested_limit": Label("Suggested Limit", "建议额度"),
}
LIMITATION_STATES: dict[str, Label] = {
    "running": Label("running", "计算中"),
    "frozen": Label("frozen (proceedings)", "中止（诉讼程序中）"),
    "expired": Label("expired", "已届满"),
    "judgment": Label("enforcement deadline", "申请执行期限"),
    "closed": Label("", ""),
}
LIMIT_BAND_NONE = Label("cash / prepayment only", "现款或预付")
LIMIT_BAND = Message("up to {share} of registered capital", "不超过注册资本的{share}")

TAG_LIMITATION = Message("limitation ≤{days} days", "时效≤{days}天")
TAG_LIMITATION_EXPIRED = Label("limitation expired", "时效已届满")
TAG_OVER_LIMIT = Label("over credit limit", "超信用额度")
TAG_RED_LINE = Label("limit above red line", "额度超红线")
TAG_PLAN_BROKEN = Label("plan broken", "分期违约")

INTEREST_BASIS_SHORT: dict[str, Message] = {
    "lpr": Message("LPR {rate} × {multiplier}", "一年期LPR {rate}×{multiplier}"),
    "daily": Message("{rate} per day", "每日{rate}"),
    "contract": Message("contract {rate} a year", "合同年利率{rate}"),
}
INTEREST_BASIS_TEXT: dict[str, Message] = {
    "lpr": Message("at {multiplier} times the one-year LPR of {rate}", "按一年期LPR {rate}的{multiplier}倍计算"),
    "lpr_mixed": Message("at {multiplier} times the one-year LPR in force the day after each due date ({rate})",
                         "按各笔逾期次日适用的一年期LPR（{rate}）的{multiplier}倍计算"),
    "daily": Message("at {rate} per day", "按每日{rate}计算"),
    "contract": Message("at the contract rate of {rate} a year", "按合同约定年利率{rate}计算"),
    "mixed": Message("at the agreed or statutory rate of each invoice ({rate})", "按各笔单据约定或法定利率（{rate}）计算"),
    "none": Message("no overdue interest", "无逾期利息"),
}
NOTE_PAID_FROM_LEDGER = Label(
    "Interest: no Payments sheet, so each Paid Amount is taken as received on the due date.",
    "逾期利息：未提供收款记录表，已收金额视为于到期日收到。")
NOTE_PAYMENTS_USED = Label(
    "Interest: Paid Amount and interest come from the Payments sheet; interest accrues on each balance "
    "for the days it was outstanding.",
    "逾期利息：已收金额和利息按收款记录表计算，按每段未收余额的实际天数计息。")

MONEY_LAW_MESSAGES: dict[str, Message] = {
    "ratio_unrecognised": Message("Rate not recognised '{value}'", "利率无法识别 '{value}'"),
    "lpr_missing": Message("{count} receivable(s) fell due before the first LPR in the Policy table ({first}); "
                           "no interest computed for them",
                           "{count} 笔单据在策略表首个LPR日期（{first}）之前到期，未计算利息"),
    "contract_rate_missing": Message("{count} receivable(s) have no contract rate; the LPR basis is used",
                                     "{count} 笔单据未填合同利率，按LPR计算"),
    "payment_unknown_invoice": Message("Invoice No '{value}' is not in the ledger", "单据号 '{value}' 不在应收台账中"),
    "payment_not_positive": Message("Payment amount must be positive '{value}'", "收款金额应为正数 '{value}'"),
    "payment_overpaid": Message("Payments exceed amount and interest by {value}", "收款超出本金和利息 {value}"),
    "paid_differs": Message("Paid Amount {value} differs from the Payments sheet total {total}; "
                            "the Payments sheet is used",
                            "已收金额 {value} 与收款记录合计 {total} 不一致，以收款记录为准"),
    "plan_invalid_count": Message("Installments must be between {low} and {high}, got '{value}'",
                                  "期数应在 {low} 到 {high} 之间，实际为 '{value}'"),
    "plan_invalid_share": Message("Prepayment share must be between 0 and 100%, got '{value}'",
                                  "首付比例应在 0 到 100% 之间，实际为 '{value}'"),
    "plan_type_unknown": Message("Unknown plan type '{value}' (allowed: {allowed})",
                                 "方案类型无法识别 '{value}'（可用：{allowed}）"),
    "plan_invoice_unknown": Message("Invoice '{value}' of the plan is not an invoice of customer {customer} "
                                    "in the ledger; left out of the plan",
                                    "计划中的单据 '{value}' 不是客户 {customer} 在台账中的单据，已排除"),
    "plan_invoice_twice": Message("Invoice '{value}' is already in plan {first}; left out of this plan",
                                  "单据 '{value}' 已在计划 {first} 中，本计划不再包含"),
    "plan_no_invoices": Message("The plan covers no invoice of the ledger", "该计划未涵盖台账中的任何单据"),
    "plan_duplicate": Message("Plan No '{value}' duplicates row {first}", "计划编号 '{value}' 与第 {first} 行重复"),
    "plan_broken": Message("Plan {plan} broken: installment {n} due {due} unpaid after {grace} grace days; "
                           "its invoices return to the ladder",
                           "分期计划 {plan} 违约：第 {n} 期（{due} 到期）宽限 {grace} 天后仍未还清，相关单据恢复按逾期天数催收"),
    "event_unknown": Message("Unknown event type '{value}' (allowed: {allowed})",
                             "事件类型无法识别 '{value}'（可用：{allowed}）"),
    "event_invoice_unknown": Message("Invoice '{value}' is not an invoice of customer {customer} in the ledger",
                                     "单据 '{value}' 不是客户 {customer} 在台账中的单据"),
    "limitation_alert": Message("Limitation period of {invoice} expires on {date} ({days} days left; "
                                "alert at {limit} days)",
                                "单据 {invoice} 的诉讼时效将于 {date} 届满（剩余 {days} 天，{limit} 天预警）"),
    "limitation_expired": Message("Limitation period of {invoice} expired on {date}",
                                  "单据 {invoice} 的诉讼时效已于 {date} 届满"),
    "enforcement_alert": Message("Enforcement of the judgment on {invoice} must be applied for by {date} "
                                 "({days} days left)",
                                 "单据 {invoice} 的判决须于 {date} 前申请强制执行（剩余 {days} 天）"),
    "score_invalid": Message("5C score must be a whole number 1-5, got '{value}'", "5C 评分应为 1-5 的整数，实际为 '{value}'"),
}
MESSAGES.update(MONEY_LAW_MESSAGES)
