"""End to end on the demo: refresh writes Calls, Compliance, Weekly and Channels, and each
agrees with a recomputation here from the Contacts, Payments and Priority sheets."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import openpyxl
import pytest

from tests.workbooks import read_records
from xlsx_tools.build.demo import build_demo_workbook
from xlsx_tools.core import i18n
from xlsx_tools.pipeline.refresh import refresh
from xlsx_tools.wiring import open_workbook

AS_OF = dt.date(2026, 11, 28)
LANG = "en"


def sheet(key: str) -> str:
    return i18n.SHEETS[key].get(LANG)


def header(columns: dict, key: str) -> str:
    return columns[key].get(LANG)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = build_demo_workbook(tmp_path_factory.mktemp("week") / "demo.xlsx", as_of=AS_OF, lang=LANG)
    outcome = refresh(open_workbook(path), as_of=AS_OF, lang=LANG)
    contacts = read_records(path, sheet("contacts"))
    return path, outcome.result, contacts


def test_demo_contacts__about_400_over_three_months(demo):
    _, result, contacts = demo
    times = [row[header(i18n.CONTACT_COLUMNS, "contact_time")] for row in contacts]
    assert 350 <= len(contacts) <= 450 and len(result.contacts) == len(contacts)
    assert (AS_OF - min(times).date()).days <= 92 and max(times).date() <= AS_OF
    channels = Counter(row[header(i18n.CONTACT_COLUMNS, "channel")] for row in contacts)
    assert {"phone", "email", "wechat", "visit", "letter"} <= set(channels)
    promises = Counter(result.promises["status"])
    assert promises["kept"] >= 10 and promises["broken"] >= 3 and promises["open"] >= 1


def test_compliance__one_breach_of_each_rule_recomputed_from_the_contacts(demo):
    path, result, contacts = demo
    column = {key: header(i18n.CONTACT_COLUMNS, key) for key in i18n.CONTACT_COLUMNS}
    outside = [row for row in contacts if row[column["contact_time"]].time() != dt.time(0)
               and not dt.time(8) <= row[column["contact_time"]].time() <= dt.time(22)]
    third = [row for row in contacts if row[column["relation"]] == "third_party"]
    words = [row for row in contacts if any(word in (row[column["note"]] or "").casefold()
                                            for word in i18n.DEFAULT_BANNED_WORDS)]
    calls = Counter((row[column["customer_id"]], row[column["contact_time"]].date()) for row in contacts
                    if row[column["channel"]] == "phone")
    connected = Counter((row[column["customer_id"]], row[column["contact_time"]].date()) for row in contacts
                        if row[column["channel"]] == "phone" and row[column["connected"]] != "N"
                        and row[column["outcome"]] != "no_answer")
    expected = {"window": len(outside), "third_party": len(third), "wording": len(words),
                "attempt_cap": sum(max(0, n - 6) for n in calls.values()),
                "connected_cap": sum(max(0, n - 3) for n in connected.values())}
    assert expected == dict.fromkeys(expected, 1)
    written = read_records(path, sheet("compliance"))
    totals = {rule: sum(row[header(i18n.COMPLIANCE_COLUMNS, rule)] for row in written) for rule in expected}
    assert totals == expected
    warnings = [item for item in result.issues if item.sheet == sheet("contacts")]
    assert len(warnings) == 5 and {item.severity for item in warnings} == {"warning"}


def test_weekly__contacts_and_payments_this_week_recomputed(demo):
    path, result, contacts = demo
    monday = AS_OF - dt.timedelta(days=AS_OF.weekday())
    written = read_records(path, sheet("weekly"))
    assert written and {row[header(i18n.WEEKLY_COLUMNS, "week")] for row in written} == {"2026-W48"}
    column = header(i18n.CONTACT_COLUMNS, "customer_id")
    time = header(i18n.CONTACT_COLUMNS, "contact_time")
    this_week = Counter(row[column] for row in contacts if monday <= row[time].date() <= AS_OF)
    for row in written:
        customer = row[header(i18n.WEEKLY_COLUMNS, "customer_id")]
        assert row[header(i18n.WEEKLY_COLUMNS, "contacts_week")] == this_week[customer]
        silent = this_week[customer] == 0
        assert (i18n.WEEKLY_FLAGS["no_contact"].en in (row[header(i18n.WEEKLY_COLUMNS, "flag")] or "")) == silent


def test_weekly__rerun_in_the_same_week_replaces_next_week_appends(demo, tmp_path):
    path, _, _ = demo
    copy = tmp_path / "again.xlsx"
    copy.write_bytes(path.read_bytes())
    refresh(open_workbook(copy), as_of=AS_OF, lang=LANG)
    first = read_records(copy, sheet("weekly"))
    assert len(first) == len(read_records(path, sheet("weekly")))
    later = refresh(open_workbook(copy), as_of=AS_OF + dt.timedelta(days=7), lang=LANG).result
    weeks = Counter(row[header(i18n.WEEKLY_COLUMNS, "week")] for row in read_records(copy, sheet("weekly")))
    assert weeks == {"2026-W48": len(first), "2026-W49": len(later.weekly[later.weekly["week"] == "2026-W49"])}
    compared = later.weekly[later.weekly["week"] == "2026-W49"]["compared_with"]
    assert set(compared) == {"2026-W48"}


def test_channels__attempts_add_up_to_the_contacts_per_channel(demo):
    path, result, contacts = demo
    written = read_records(path, sheet("channels"))
    attempts = Counter()
    for row in written:
        attempts[row[header(i18n.CHANNEL_COLUMNS, "channel")]] += row[header(i18n.CHANNEL_COLUMNS, "attempts")]
        rate = row[header(i18n.CHANNEL_COLUMNS, "rate")]
        assert rate == pytest.approx(row[header(i18n.CHANNEL_COLUMNS, "successes")]
                                     / row[header(i18n.CHANNEL_COLUMNS, "attempts")])
    assert attempts == Counter(row[header(i18n.CONTACT_COLUMNS, "channel")] for row in contacts)
    # the best-channel lines are info lines in Issues (data sheets hold data only, issue 9.16)
    lines = [item.message.en for item in result.issues if item.sheet == "channels" and item.severity == "info"]
    assert len(lines) == 4 and all("works best" in line or "too few" in line for line in lines)


def test_calls__promises_due_or_waiting_and_key_targets_are_on_the_list(demo):
    path, result, _ = demo
    written = read_records(path, sheet("calls"))
    listed = [row[header(i18n.CALL_COLUMNS, "customer_id")] for row in written]
    priority = result.priority
    must = set(priority.loc[priority["key_target"] | priority["promise_broken"], "customer_id"])
    due = result.promises[(result.promises["status"] == "open")
                          & (result.promises["promised_date"] == str(AS_OF))]["customer_id"]
    assert must | set(due) <= set(listed) and len(listed) == len(set(listed))
    order = {cid: n for n, cid in enumerate(priority["customer_id"])}
    assert listed == sorted(listed, key=order.get)
    assert all(row[header(i18n.CALL_COLUMNS, "script")] for row in written)


def test_priority__avoiders_are_high_risk_and_a_broken_promise_moves_next_action_up(demo):
    path, result, _ = demo
    priority = result.priority
    avoiding = priority[priority["avoiding"]]
    assert len(avoiding) == 2 and avoiding["high_risk"].all()
    waiting = priority[priority["promise_broken"]]
    assert len(waiting) >= 1
    ladder = list(i18n.LADDER_CODES)
    for stage, action in zip(waiting["stage"], waiting["action_stage"]):
        assert action == ladder[min(ladder.index(stage) + 1, len(ladder) - 1)]
    rows = {row[header(i18n.PRIORITY_COLUMNS, "customer_id")]: row for row in read_records(path, sheet("priority"))}
    for cid in avoiding["customer_id"]:
        assert i18n.TAG_AVOIDING.en in rows[cid][header(i18n.PRIORITY_COLUMNS, "tags")]
    dropped = priority[priority["order_drop"].notna()]["customer_id"]
    assert len(dropped) == 1 and "orders down" in rows[dropped.iloc[0]][header(i18n.PRIORITY_COLUMNS, "tags")]
    assert header(i18n.PRIORITY_CONTACT_COLUMNS, "broken_promises") in next(iter(rows.values()))


@pytest.mark.parametrize("key, columns", [("calls", i18n.CALL_COLUMNS), ("weekly", i18n.WEEKLY_COLUMNS)])
def test_calls_and_weekly_show_the_stage_name_beside_the_code(demo, key, columns):
    path, _, _ = demo
    written = read_records(path, sheet(key))
    assert written
    names = list(columns)
    assert names.index("stage_name") == names.index("stage") + 1
    for row in written:
        code = row[header(columns, "stage")]
        assert row[header(columns, "stage_name")] == (i18n.STAGE_NAMES[code].get(LANG) if code else None)


def test_the_stage_name_follows_the_sheet_language(demo):
    from xlsx_tools.present.collector import calls_table, weekly_table
    _, result, _ = demo
    for layout in (calls_table, weekly_table):
        table = layout(result, "zh")
        position = [column.header for column in table.columns].index("阶段名称")
        stage = table.frame.iloc[:, position - 1]
        assert table.frame.iloc[:, position].tolist() == [i18n.STAGE_NAMES[code].zh for code in stage]


def test_weekly_reads_back_its_stage_column(demo):
    from xlsx_tools.core.read.weekly import read_weekly
    from xlsx_tools.io.xlsx.workbook_file import WorkbookFile
    path, result, _ = demo
    history, issues = read_weekly(WorkbookFile(path).read_sheet(sheet("weekly")))
    assert not issues and history["stage"].tolist() == result.weekly["stage"].tolist()


def test_weekly_sheet_written_before_the_stage_column_still_reads():
    from xlsx_tools.core.read.weekly import read_weekly
    from xlsx_tools.io.workbook_xlwings import raw_sheet
    header_row = [i18n.WEEKLY_COLUMNS[key].en for key in ("week", "customer_id", "overdue")]
    history, issues = read_weekly(raw_sheet("Weekly", [header_row, ["2026-W47", "C1", 100.0]]))
    assert not issues and history["stage"].tolist() == [None] and history["overdue_fen"].tolist() == [10000]
