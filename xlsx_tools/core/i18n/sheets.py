"""Sheet names in both languages: every sheet the tool reads or writes, in one table."""
from __future__ import annotations

from .labels import Label, normalise_name

SHEETS: dict[str, Label] = {
    "ledger": Label("Ledger", "应收台账"),
    "customers": Label("Customers", "客户档案"),
    "policy": Label("Policy", "催收策略"),
    "contacts": Label("Contacts", "联络记录"),
    "instructions": Label("Instructions", "使用说明"),
    "detail": Label("Detail", "账龄明细"),
    "priority": Label("Priority", "催收优先级"),
    "aging": Label("Aging", "账龄分析"),
    "snapshots": Label("Snapshots", "月度快照"),
    "issues": Label("Issues", "问题"),
    "company": Label("Company", "公司信息"),
    "cases": Label("Cases", "案例库"),
    "letters": Label("Letters", "函件记录"),
    "payments": Label("Payments", "收款记录"),
    "plans": Label("Plans", "分期计划"),
    "events": Label("Events", "法律事件"),
    "fx": Label("FX", "汇率"),                   # rates to CNY by date (issue 12)
    "plan_schedule": Label("Plan Schedule", "还款计划表"),
    "credit": Label("Credit", "信用管理"),
    "kpis": Label("KPIs", "关键指标"),
    "calls": Label("Calls", "今日待办"),
    "compliance": Label("Compliance", "合规检查"),
    "weekly": Label("Weekly", "重点客户周跟踪"),
    "channels": Label("Channels", "渠道分析"),
    # the group view (issue 13)
    "group_priority": Label("Group Priority", "集团催收优先级"),
    "group_aging": Label("Group Aging", "集团账龄分析"),
    "group_kpis": Label("Group KPIs", "集团关键指标"),
    "sources": Label("Sources", "数据来源"),
}

MONEY_LAW_INPUT_SHEETS = ("payments", "plans", "events")


def find_sheet(sheet_names: list[str], key: str) -> str | None:
    """The workbook's actual name for a sheet key, matching either language."""
    wanted = {normalise_name(name) for name in SHEETS[key].both()}
    for name in sheet_names:
        if normalise_name(name) in wanted:
            return name
    return None
