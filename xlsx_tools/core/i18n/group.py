"""Names of the group view (issue 13): its four sheets' columns and the words written in them."""
from __future__ import annotations

from .columns import CUSTOMER_COLUMNS
from .labels import Label, Message

GROUP_PRIORITY_COLUMNS: dict[str, Label] = {
    "rank": Label("Rank", "排名"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "credit_code": CUSTOMER_COLUMNS["credit_code"],
    "subsidiaries": Label("Subsidiaries", "涉及子公司"),
    "books": Label("Books", "账簿数"),
    "open": Label("Open Balance", "未收余额"),
    "overdue": Label("Overdue", "逾期金额"),
    "share": Label("Share of Group", "占集团比例"),
    "max_days": Label("Max Days Past Due", "最长逾期天数"),
    "stage": Label("Worst Stage", "最严重阶段"),
    "key_target": Label("Key Target", "重点对象"),
    "credit_limits": Label("Sum of Credit Limits", "信用额度合计"),
    "over_limits": Label("Over Combined Limit", "超合计额度"),
}

GROUP_AGING_COLUMNS: dict[str, Label] = {
    "subsidiary": Label("Subsidiary", "子公司"),
    "business_line": Label("Business Line", "业务线"),
    # bucket columns follow, named by the group's aging buckets
    "receivables": Label("Receivables", "应收余额"),
    "overdue": Label("Overdue", "逾期金额"),
    "overdue_share": Label("Overdue Share", "逾期占比"),
    "provision": Label("Bad-debt Provision", "坏账准备"),
    "warnings": Label("Warnings (§4, the subsidiary's Policy)", "预警（第4节，按子公司策略）"),
}

#: Group KPIs' own columns; the KPI sheet's figures (i18n.kpis.FIGURES) sit between share_of_group
#: and over_limit.
GROUP_KPI_COLUMNS: dict[str, Label] = {
    "subsidiary": Label("Subsidiary", "子公司"),
    "as_of": Label("As-of Date", "基准日"),
    "customers": Label("Customers with a Balance", "有余额客户数"),
    "receivables": Label("Receivables", "应收余额"),
    "share_of_group": Label("Share of Group Receivables", "占集团应收比例"),
    "over_limit": Label("Customers over Limit", "超额度客户数"),
    "interest": Label("Overdue Interest", "逾期利息"),
    "provision": Label("Bad-debt Provision", "坏账准备"),
}

SOURCE_COLUMNS: dict[str, Label] = {
    "subsidiary": Label("Subsidiary", "子公司"),
    "path": Label("Path", "路径"),
    "sha256": Label("SHA-256", "SHA-256"),
    "as_of": Label("As-of Date", "基准日"),
    "rows": Label("Ledger Rows", "台账行数"),
    "errors": Label("Errors", "错误数"),
    "warnings": Label("Warnings", "警告数"),
    "seconds": Label("Seconds", "耗时(秒)"),
    "status": Label("Status", "状态"),
}

GROUP_TOTAL = Label("Group", "集团合计")
SUBSIDIARY_TOTAL = Label("All lines", "全部业务线")
SOURCE_OK = Label("Included", "已汇总")
SOURCE_WITH_ERRORS = Label("Included; input errors (valid rows used)", "已汇总；有输入错误（仅用有效行）")
SOURCE_UNUSABLE = Label("Left out", "未汇总")
SOURCE_NAME_SHARED = Message("; the subsidiary name is also that of {paths}", "；子公司名称与 {paths} 相同")

GROUP_KPI_NOTE = Label(
    "Note: the figures are the KPI sheet's, for the as-of month. The Group row adds up amounts and recomputes "
    "every ratio (recovery rate, collection cycles, DSO, CEI, overdue share) from the subsidiaries' added "
    "numerators and denominators, not as an average of their ratios; its customers, key targets and customers "
    "over limit are counted once, on Group Priority. Overdue share here is overdue ÷ receivables net of credit notes; "
    "on Group Aging it is overdue ÷ open receivables, hence a small difference where there are credit notes. "
    "A blank figure cannot be computed (see each book's KPI sheet).",
    "注：各项指标取自各账簿的关键指标表（基准日所在月）。集团合计行将金额相加，各比率（回收率、催收周期、"
    "周转天数、催收有效性指数、逾期占比）均由各子公司的分子、分母分别加总后重新计算，而非对比率取平均；"
    "客户数、重点对象数和超额度客户数按集团催收优先级表去重计数。本表逾期占比以扣除贷项后的应收余额为分母，"
    "集团账龄分析表则以未收应收余额为分母，有贷项时两者略有差异。空白表示无法计算（见各账簿的关键指标表）。")
GROUP_KPI_MIXED_MONTHS = Label(
    "The books have different as-of dates, so the Group row adds up different months.",
    "各账簿的基准日不同，集团合计行汇总的是不同月份的数据。")
