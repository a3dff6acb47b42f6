"""The monthly report's words (`xlsx-tools report`, the Monthly report button): column heads,
the promise summary and the lines shown when a list is empty or cut short."""
from __future__ import annotations

from .labels import Label, Message

REPORT_TITLE = Message("Collections monthly report {month}", "应收账款催收月报 {month}")
REPORT_SUBTITLE = Message("As of {as_of} · KPIs of {month} against {previous} · prepared {today}",
                          "基准日 {as_of} · {month} 指标对比 {previous} · 编制日期 {today}")
KPI_HEADS: dict[str, Label] = {
    "figure": Label("Figure", "指标"),
    "month": Label("This month", "本月"),
    "previous": Label("Last month", "上月"),
    "change": Label("Change", "环比变化"),
}
POINTS = Label(" pp", " 个百分点")
NO_PREVIOUS = Label("—", "—")
TARGET_HEADS: dict[str, Label] = {
    "rank": Label("Rank", "排名"),
    "customer": Label("Customer", "客户"),
    "overdue": Label("Overdue", "逾期金额"),
    "max_days": Label("Max days", "最长逾期天数"),
    "stage": Label("Stage", "阶段"),
    "flags": Label("Flags", "标记"),
}
FLAGS: dict[str, Label] = {"key_target": Label("key target", "重点催收"), "high_risk": Label("high risk", "高风险")}
PROMISE_SUMMARY = Message("Promises to pay: {total} in the log; {kept} kept, {open} open, {broken} broken "
                          "({broken_month} broken in {month}).",
                          "付款承诺：记录共 {total} 条；已履约 {kept} 条，未到期 {open} 条，已违约 {broken} 条"
                          "（其中 {month} 违约 {broken_month} 条）。")
NO_CONTACTS = Label("No Contacts sheet: promises are not tracked yet.", "无联系记录工作表：尚未跟踪付款承诺。")
BROKEN_HEADS: dict[str, Label] = {
    "customer": Label("Customer", "客户"),
    "promised_date": Label("Promised date", "承诺日期"),
    "promised": Label("Promised", "承诺金额"),
    "paid": Label("Paid", "已付金额"),
    "broken_on": Label("Broken on", "违约日期"),
}
EXPIRY_HEADS: dict[str, Label] = {
    "customer": Label("Customer", "客户"),
    "invoice": Label("Invoice", "发票号"),
    "expiry": Label("Limitation expires", "诉讼时效届满日"),
    "days_left": Label("Days left", "剩余天数"),
    "open": Label("Open amount", "未收金额"),
}
NONE_LISTED = Label("None.", "无。")
MORE_ROWS = Message("… and {count} more (see the workbook).", "……另有 {count} 项（见工作簿）。")
NO_WARNINGS = Label("No business line triggered a §4 warning this month.", "本月没有业务线触发 §4 预警。")
PROVISION_TOTAL = Message("Bad-debt provision, all business lines: {amount} yuan. Overdue share in this table is "
                          "overdue ÷ open receivables; in section 1 it is overdue ÷ receivables net of credit "
                          "notes, hence the small difference.",
                          "全部业务线坏账准备合计：{amount} 元。本表逾期占比 = 逾期金额 ÷ 未收应收余额；第一部分的逾期占比"
                          "以扣除贷项后的应收余额为分母，故两者略有差异。")
