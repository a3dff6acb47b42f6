"""The KPI pass inside a refresh: Snapshots rows by line, owner and total, old Snapshots sheets,
key-target counts carried month to month, and `info` issues for blank figures."""
import datetime as dt

from xlsx_tools.core.refresh import RefreshInputs, compute
from tests.sheets import ledger, raw_sheet

AS_OF = dt.date(2026, 3, 31)
HEADER = "单据号 | 客户编号 | 业务线 | 销售负责人 | 开票日期 | 到期日 | 金额 | 已收金额 | 最近收款日"
ROWS = """
A1 | K1 | 华东 | 王 | 2025-12-01 | 2026-01-10 | 1000 | | 
B1 | K2 | 华南 | 李 | 2026-01-20 | 2026-02-19 | 4000 | 1000 | 2026-03-01
A4 | K3 | 华东 | 王 | 2026-03-25 | 2026-04-24 | 500 | |
"""
OLD_SNAPSHOTS = """月份 | 业务线 | 应收余额 | 逾期金额 | 逾期30天内金额 | 基准日
2026-02 | 华东 | 1000 | 1000 | 1000 | 2026-02-28
2026-02 | 华南 | 4000 | 1000 | 1000 | 2026-02-28"""


def run(snapshots: str | None = None):
    sheet = raw_sheet("月度快照", snapshots) if snapshots else None
    return compute(RefreshInputs(ledger(ROWS, HEADER), snapshots=sheet), as_of=AS_OF)


def rows(result, month, split):
    snaps = result.snapshots
    return snaps[(snaps["month"] == month) & (snaps["split"] == split)]


def test_this_month__one_row_per_line_per_owner_and_a_total_with_buckets_and_key_targets():
    result = run()
    lines = rows(result, "2026-03", "business_line")
    assert list(lines["business_line"]) == ["华东", "华南"]
    assert list(lines["overdue_fen"]) == [100000, 300000]
    owners = rows(result, "2026-03", "owner")
    assert list(owners["owner"]) == ["李", "王"] and list(owners["receivables_fen"]) == [300000, 150000]
    total = rows(result, "2026-03", "all").iloc[0]
    assert total["receivables_fen"] == 450000 and total["bucket_0"] == 50000     # A4 is not yet due
    # B1 is 40 days past due (31-60), A1 80 days (61-90)
    assert (total["bucket_1"], total["bucket_2"], total["bucket_3"]) == (0, 300000, 100000)
    keys = result.priority.set_index("customer_id")["key_target"]
    assert total["key_targets"] == int(keys.sum())


def test_old_snapshots__read_as_line_rows_and_kept_with_their_figures_blank():
    result = run(OLD_SNAPSHOTS)
    old = rows(result, "2026-02", "business_line")
    assert list(old["business_line"]) == ["华东", "华南"] and list(old["overdue_fen"]) == [100000, 100000]
    assert old["key_targets"].isna().all() and old["bucket_0"].isna().all()
    assert not rows(result, "2026-02", "owner").shape[0]
    # the growth warning still compares with last month's line rows
    east = result.aging[result.aging["business_line"] == "华东"].iloc[0]
    assert east["previous_overdue_fen"] == 100000
    assert result.kpis.value("key_targets", "2026-02") is None


def test_new_snapshots__key_targets_of_past_months_are_read_back():
    sheet = """月份 | 维度 | 业务线 | 责任人 | 应收余额 | 逾期金额 | 逾期30天内金额 | 重点催收对象数 | 基准日
2026-02 | 业务线 | 华东 | | 1000 | 1000 | 1000 | 1 | 2026-02-28
2026-02 | 责任人 | | 王 | 1000 | 1000 | 1000 | 1 | 2026-02-28
2026-02 | 全部 | | | 5000 | 2000 | 2000 | 2 | 2026-02-28"""
    result = run(sheet)
    assert result.kpis.value("key_targets", "2026-02") == 2
    assert result.kpis.value("key_targets", "2026-02", "owner", "王") == 1
    assert result.kpis.value("key_targets", "2026-02", "business_line", "华东") == 1
    assert result.kpis.value("key_targets", "2026-02", "business_line", "华南") is None
    east = result.aging[result.aging["business_line"] == "华东"].iloc[0]
    assert east["previous_overdue_fen"] == 100000           # the owner and total rows are not lines


def test_blank_figures__info_issues_never_zero():
    result = run()
    assert result.kpis.value("overdue_fen", "2025-06") is None
    infos = [i for i in result.issues if i.severity == "info" and i.sheet != "应收台账"]
    assert infos and all(i.sheet == "kpis" for i in infos)
    assert any("2025-06" in i.message.en and "Overdue balance" in i.message.en and "Overall" in i.message.en
               for i in infos)
    assert not result.has_errors


def test_bonus__one_row_per_owner_from_the_policy_threshold():
    result = run()
    assert set(result.bonus["owner"]) == {"王", "李"}
