"""The KPIs · 关键指标 sheet's words: the splits, the figures, why a figure is blank, the bonus note."""
from __future__ import annotations

from .labels import Label, Message

SPLIT_LABELS: dict[str, Label] = {
    "all": Label("Overall", "全部"),
    "business_line": Label("Business line", "业务线"),
    "owner": Label("Owner", "责任人"),
}
FIGURES: dict[str, Label] = {
    "recovery_rate": Label("Recovery rate", "逾期账款回收率"),
    "cycle_days": Label("Average collection cycle (days)", "平均催收周期（天）"),
    "cycle_days_weighted": Label("Average collection cycle, amount-weighted (days)", "平均催收周期（金额加权，天）"),
    "dso_days": Label("DSO (days)", "应收账款周转天数"),
    "cei": Label("CEI (%)", "催收有效性指数（%）"),
    "overdue_fen": Label("Overdue balance", "逾期余额"),
    "overdue_share": Label("Overdue share", "逾期占比"),
    "collected_fen": Label("Amounts collected", "回款金额"),
    "overdue_collected_fen": Label("Overdue amounts collected", "逾期账款回收金额"),
    "new_overdue_fen": Label("New overdue", "新增逾期金额"),
    "key_targets": Label("Key targets", "重点催收对象数"),
}
REASONS: dict[str, Message] = {
    "before_ledger": Message("the month ends before the ledger's first invoice date",
                             "该月早于台账中最早的开票日期"),
    "undated_payments": Message("{count} receivables have a paid amount without a payment date, so balances "
                                "before the as-of date cannot be rebuilt",
                                "{count} 笔应收账款有已收金额但无收款日期，无法还原基准日之前的余额"),
    "no_overdue_base": Message("nothing was overdue at the start of the month and nothing fell overdue during it",
                               "月初无逾期余额，当月也无新增逾期"),
    "no_late_full_payment": Message("no receivable was paid in full after its due date in this month",
                                    "当月没有逾期后全额收回的应收账款"),
    "no_credit_sales": Message("no credit sales in the 90 days to the month end", "截至月末的 90 天内没有赊销"),
    "no_cei_base": Message("opening receivables plus credit sales less current receivables is not positive",
                           "月初应收加当月赊销减未到期应收不为正数"),
    "no_receivables": Message("no receivables at the month end", "月末没有应收余额"),
    "no_key_target_count": Message("no snapshot holds the number of key targets for this month",
                                   "没有记录该月重点催收对象数的快照"),
}
NOTE_WRITTEN_OFF = Message("{count} written-off receivables are left out of the period figures",
                           "{count} 笔已核销应收账款未计入期间指标")
BONUS_SCHEME = Message("Example scheme of the collections method (§5): recovery rate above {threshold} "
                       "earns {rate} of the amount recovered",
                       "催收方法（§5）示例方案：回收率高于 {threshold} 时，奖励回收金额的 {rate}")

BLANK_FIGURE = Message("{split}: {cells} cells left blank ({figures}; months {months}) because {reason}",
                       "{split}：{cells} 格留空（{figures}；月份 {months}），原因：{reason}")
KPI_COLUMNS: dict[str, Label] = {
    "split": Label("Split", "维度"),
    "group": Label("Line / owner", "业务线/责任人"),
    "figure": Label("Figure", "指标"),
}
BONUS_COLUMNS: dict[str, Label] = {
    "owner": Label("Owner", "责任人"),
    "recovery_rate": Label("Recovery rate", "逾期账款回收率"),
    "recovered": Label("Overdue amount recovered", "逾期回收金额"),
    "earned": Label("Above threshold", "达到奖励线"),
    "bonus": Label("Bonus", "奖励金额"),
}
BONUS_TITLE = Message("Recovery bonus by owner, {month}", "责任人回款奖励（{month}）")
CHART_TITLES: dict[str, Label] = {
    "aging": Label("Open receivables by line and aging bucket", "各业务线账龄分布"),
    "trend": Label("Overdue balance and recovery rate (%) by month", "逾期余额与回收率（%）月度趋势"),
    "priority": Label("Top 10 customers by overdue amount (priority order)", "优先催收前十名客户逾期金额"),
}
