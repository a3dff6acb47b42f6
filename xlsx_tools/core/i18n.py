"""Every user-facing name in both languages: sheets, headers, codes and messages.

Readers match names through `normalise_name`, so "INVOICE NO ", "invoice no" and
"账期（天）" / "账期(天)" all find their column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

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
