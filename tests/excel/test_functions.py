"""The worksheet functions, called as plain Python with the values Excel passes to a UDF."""
from __future__ import annotations

import datetime as dt
import importlib
import io
import sys
import types

import pytest

from tests.excel.conftest import TODAY
from tests.fakes.xlwings_fake import CellError, FakeBook, install_caller
from tests.fakes.xlwings_udf import (ComTime, com_arguments, com_value, install_windows_udfs, read_argument, udf_call,
                                      write_result)
from xlsx_tools.core import i18n
from xlsx_tools.core.policy import DEFAULT_POLICY
from xlsx_tools.excel import functions as f

AS_OF = dt.datetime(2026, 11, 28)          # a UDF receives dates as datetime
SERIAL_2026_10_01 = 46296.0                 # =DATE(2026,10,1)


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    f._policy_cache.clear()
    yield
    f._policy_cache.clear()


def day(n: int) -> dt.datetime:
    """The due date that is `n` days past due at AS_OF."""
    return AS_OF - dt.timedelta(days=n)


def error(result) -> bool:
    return isinstance(result, str) and result.startswith("#XT! ")


# ------------------------------------------------------------------ dates, serials, blanks, bad text
@pytest.mark.parametrize("due", [dt.datetime(2026, 10, 1), dt.date(2026, 10, 1), SERIAL_2026_10_01, 46296,
                                 46296.75, "2026-10-01", "2026/10/01", "2026.10.01", "2026年10月1日", "20261001",
                                 " 2026-10-01 "])
def test_days_past_due__accepts_excel_dates_serials_and_text(due):
    assert f.XT_DAYS_PAST_DUE(due, AS_OF) == 58


@pytest.mark.parametrize("as_of", [AS_OF, "2026-11-28", 46354.0])
def test_days_past_due__as_of_in_any_date_form(as_of):
    assert f.XT_DAYS_PAST_DUE(dt.datetime(2026, 12, 8), as_of) == -10


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_input_gives_a_blank_result(blank):
    assert f.XT_DAYS_PAST_DUE(blank, AS_OF) is None
    assert f.XT_BUCKET(blank, AS_OF) is None
    assert f.XT_STAGE(blank, blank, None, None, AS_OF) is None
    assert f.XT_STAGE_NAME(blank) is None
    assert f.XT_NEXT_ACTION(blank) is None
    assert f.XT_RMB_UPPER(blank) is None


def test_bad_text_gives_a_readable_error_in_both_languages():
    assert f.XT_DAYS_PAST_DUE("next week", AS_OF) == (
        "#XT! Due Date: Date format not recognised 'next week' / 到期日：日期格式无法识别 'next week'")
    assert f.XT_DAYS_PAST_DUE(60.0, AS_OF).startswith("#XT! Due Date: Date format not recognised '60'")  # 1900-02-29
    assert f.XT_DAYS_PAST_DUE(0.0, AS_OF).startswith("#XT! Due Date: Date format not recognised '0'")
    assert f.XT_DAYS_PAST_DUE(12.0, AS_OF) == 46341      # 1900-01-12, as Excel shows serial 12 and the reader reads it
    assert f.XT_DAYS_PAST_DUE(day(1), "soon").startswith("#XT! as_of: Date format not recognised 'soon'")
    assert error(f.XT_BUCKET(day(1), AS_OF, "fr")) and "zh or en" in f.XT_BUCKET(day(1), AS_OF, "fr")
    assert f.XT_STAGE(None, 100.0, None, None, AS_OF) == "#XT! Due Date is missing / 到期日缺失"
    assert f.XT_STAGE(day(1), None, None, None, AS_OF) == "#XT! Open Amount is missing / 未收金额缺失"
    assert f.XT_STAGE(day(1), "a lot", None, None, AS_OF).startswith("#XT! Open Amount: Amount not recognised")
    assert "Unknown status 'maybe'" in f.XT_STAGE(day(1), 100.0, "maybe", None, AS_OF)
    assert "unknown stage 'S9'" in f.XT_STAGE_NAME("S9")
    assert error(f.XT_RMB_UPPER(-1)) and error(f.XT_RMB_UPPER(1e20)) and error(f.XT_RMB_UPPER("abc"))


def test_a_range_where_one_cell_is_expected_is_an_error_not_a_crash():
    assert f.XT_DAYS_PAST_DUE([[day(1)]], AS_OF) == 1           # a 1x1 range is its value
    assert f.XT_DAYS_PAST_DUE([[day(1), day(2)]], AS_OF) == [[1], [2]]      # a data range: one column out
    assert f.XT_DAYS_PAST_DUE([day(1), day(2)], [AS_OF, AS_OF]) == [[error_text] for error_text in
                                                                     [f.XT_DAYS_PAST_DUE(day(1), [AS_OF, AS_OF])] * 2]
    assert error(f.XT_DAYS_PAST_DUE(day(1), [AS_OF, AS_OF]))     # as_of and lang stay single cells
    assert error(f.XT_STAGE([day(1), day(2)], [1.0, 2.0, 3.0]))   # ranges of different lengths


# ------------------------------------------------------------------ whole columns: ranges in, one column out
def test_ranges_give_one_column_with_blanks_and_a_bad_cell_in_place():
    due = [day(10), None, "next week", day(40), "2026-11-18"]
    assert f.XT_DAYS_PAST_DUE(due, AS_OF) == [[10], [None], [f.XT_DAYS_PAST_DUE("next week", AS_OF)], [40], [10]]
    assert f.XT_BUCKET(due, AS_OF, "en") == [["1-30"], [None], [f.XT_BUCKET("next week", AS_OF, "en")],
                                              ["31-60"], ["1-30"]]
    stages = f.XT_STAGE(due, [100.0, None, 100.0, "¥5.00", "lots"], [None, None, None, "争议", None], None, AS_OF)
    assert stages[0] == ["S3"] and stages[1] == [None] and stages[3] == ["HOLD"]
    assert stages[2][0].startswith("#XT! Due Date: Date format not recognised 'next week'")
    assert stages[4][0].startswith("#XT! Open Amount: Amount not recognised 'lots'")
    assert f.XT_STAGE_NAME(["S3", None, "S9", "s5"], "en") == [["Written demand"], [None],
                                                              [f.XT_STAGE_NAME("S9", "en")], ["Litigation"]]
    assert f.XT_NEXT_ACTION(["S4", "HOLD"], "en") == [["Lawyer's letter"], ["Resolve the dispute / wait for hold date"]]


def test_a_single_cell_in_a_range_call_is_repeated_for_every_row():
    assert f.XT_STAGE([day(10), day(100)], 100.0, "litigation", None, AS_OF) == [["S5"], ["S5"]]
    assert f.XT_STAGE([day(10), day(100)], [[100.0], [-5.0]], None, None, AS_OF) == [["S3"], ["CREDIT"]]
    assert error(f.XT_BUCKET([day(1), day(2)], AS_OF, "fr")[1][0])      # a bad lang fails every row


def near_an_edge(days) -> bool:
    """Days on, or one day either side of, a ladder step or a bucket edge of the default Policy."""
    policy = DEFAULT_POLICY
    edges = {*policy.ladder_from_days, *(edge + 1 for edge in policy.bucket_edges)}    # first day of each step
    return isinstance(days, int) and any(abs(days - edge) <= 1 for edge in edges)


def stratified(keys: list) -> list[int]:
    """The first row of each distinct key: every kind of row, one call each.

    A single-cell call costs milliseconds of pandas work, so calling it on each of the demo's
    rows took minutes; the range call still covers every row."""
    first: dict = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    return sorted(first.values())


def kind(value) -> str:
    return type(value).__name__


def test_every_kind_of_row_of_a_range_call_equals_the_single_cell_call_on_the_demo_ledger(input_book):
    """The demo ledger's own columns (dates, text dates, text amounts, statuses, blanks, the total row).

    The range calls cover every row; single-cell calls run on a sample holding every combination of
    input types, status, stage and bucket, and every row at or next to a ladder step or bucket edge."""
    ledger = input_book.sheets[i18n.SHEETS["ledger"].zh]
    rows = ledger.used_range.options(ndim=2).value
    header, data = rows[0], rows[1:]
    column = {key: [row[header.index(label.zh)] for row in data] for key, label in i18n.LEDGER_COLUMNS.items()}
    due, status, hold, amount = column["due_date"], column["status"], column["hold_until"], column["amount"]
    assert len(data) > 600
    spilled = {
        "days": f.XT_DAYS_PAST_DUE(due, AS_OF),
        "bucket": f.XT_BUCKET(due, AS_OF, "en"),
        "stage": f.XT_STAGE(due, amount, status, hold, AS_OF),
    }
    stage_column = [row[0] for row in spilled["stage"]]
    spilled["name"] = f.XT_STAGE_NAME(stage_column)
    spilled["action"] = f.XT_NEXT_ACTION(stage_column)
    single = {
        "days": lambda i: f.XT_DAYS_PAST_DUE(due[i], AS_OF),
        "bucket": lambda i: f.XT_BUCKET(due[i], AS_OF, "en"),
        "stage": lambda i: f.XT_STAGE(due[i], amount[i], status[i], hold[i], AS_OF),
        "name": lambda i: f.XT_STAGE_NAME(stage_column[i]),
        "action": lambda i: f.XT_NEXT_ACTION(stage_column[i]),
    }
    days = [row[0] for row in spilled["days"]]
    sample = stratified([(kind(due[i]), kind(amount[i]), kind(hold[i]), status[i], stage_column[i],
                          spilled["bucket"][i][0], days[i] if near_an_edge(days[i]) else None)
                         for i in range(len(data))])
    one_per_stage = stratified(stage_column)
    assert len(sample) < len(data) / 3
    for name, column_out in spilled.items():
        assert len(column_out) == len(data), name
        for i in (one_per_stage if name in ("name", "action") else sample):
            assert column_out[i] == [single[name](i)], (name, i + 2)
    sampled_stages = {stage_column[i] for i in sample}
    assert {"S1", "S3", "S5", "HOLD", "CLOSED", "CREDIT"} <= sampled_stages
    assert any(error(value) for value in sampled_stages) and None in sampled_stages   # the blank due dates
    assert sum(near_an_edge(days[i]) for i in sample) >= 5


# ------------------------------------------------------------------ the rules, through the core
@pytest.mark.parametrize("days, bucket_en, bucket_zh", [
    (-3, "Not due", "未到期"), (0, "Not due", "未到期"), (1, "1-30", "1-30天"), (30, "1-30", "1-30天"),
    (31, "31-60", "31-60天"), (90, "61-90", "61-90天"), (91, "91-180", "91-180天"), (366, ">365", "365天以上")])
def test_bucket__labels_in_both_languages(days, bucket_en, bucket_zh):
    assert f.XT_BUCKET(day(days), AS_OF, "en") == bucket_en
    assert f.XT_BUCKET(day(days), AS_OF, "ZH") == bucket_zh
    assert f.XT_BUCKET(day(days), AS_OF) == bucket_zh          # the default Policy language is zh


@pytest.mark.parametrize("days, stage", [(-16, "S0"), (-15, "S1"), (0, "S1"), (1, "S2"), (7, "S2"), (8, "S3"),
                                         (30, "S3"), (31, "S4"), (90, "S4"), (91, "S5")])
def test_stage__ladder_bounds_are_inclusive(days, stage):
    assert f.XT_STAGE(day(days), 100.0, None, None, AS_OF) == stage


@pytest.mark.parametrize("amount, status, hold_until, stage", [
    (100.0, "written_off", None, "CLOSED"), (100.0, "核销", None, "CLOSED"),
    (100.0, "litigation", None, "S5"), (100.0, "disputed", None, "HOLD"), (100.0, "争议", None, "HOLD"),
    (100.0, "hold", None, "HOLD"), (100.0, "Hold", dt.datetime(2026, 12, 1), "HOLD"),
    (100.0, "hold", dt.datetime(2026, 11, 1), "S3"),           # a hold that has passed falls back to the ladder
    (100.0, "plan", None, "PLAN"), (-50.0, None, None, "CREDIT"), (0.0, None, None, "CLOSED"),
    ("¥1,234.50", "open", None, "S3"), ("(12.00)", None, None, "CREDIT"), (0.004, None, None, "CLOSED"),
])
def test_stage__overlays_credit_notes_and_closed(amount, status, hold_until, stage):
    assert f.XT_STAGE(day(10), amount, status, hold_until, AS_OF) == stage


@pytest.mark.parametrize("never", [dt.datetime(9999, 12, 31), 2958465.0, "9999-12-31"])
def test_9999_12_31_is_open_ended_in_due_date_and_hold_until_as_refresh_reads_it(never):
    assert f.XT_STAGE(never, 100.0, None, None, AS_OF) == "S0"
    assert f.XT_STAGE(day(100), 100.0, "hold", never, AS_OF) == "HOLD"
    assert f.XT_DAYS_PAST_DUE(never, AS_OF) == (AS_OF - dt.datetime(2199, 12, 31)).days   # the reader's LAST_DATE
    assert f.XT_BUCKET([[never], [day(10)]], AS_OF, "en") == [["Not due"], ["1-30"]]
    assert error(f.XT_DAYS_PAST_DUE(day(10), never))                          # an as-of date is no "never"


def test_stage_name_and_next_action():
    assert f.XT_STAGE_NAME("s3") == "二次沟通+书面函告"
    assert f.XT_STAGE_NAME(" S3 ", "en") == "Written demand"
    assert f.XT_NEXT_ACTION("S4", "en") == "Lawyer's letter"
    assert f.XT_NEXT_ACTION("HOLD") == "处理争议或等待暂停到期"


def test_rmb_upper():
    assert f.XT_RMB_UPPER(16409.02) == "人民币壹万陆仟肆佰零玖元零贰分"
    assert f.XT_RMB_UPPER("¥10,005") == "人民币壹万零伍元整"
    assert f.XT_RMB_UPPER(1409.5) == "人民币壹仟肆佰零玖元伍角"
    assert f.XT_RMB_UPPER(0.005) == "人民币壹分"                   # half up to the fen


def test_outside_excel_the_defaults_apply_and_as_of_is_today():
    assert f.workbook_policy().lang == "zh"
    assert f.XT_DAYS_PAST_DUE(dt.datetime.combine(TODAY, dt.time()) - dt.timedelta(days=3)) == 3


# ------------------------------------------------------------------ defaults from the workbook's Policy sheet
def policy_book(rows: list[list]) -> FakeBook:
    book = FakeBook("C:/books/policy.xlsm")
    book.sheets.add("Ledger")
    sheet = book.sheets.add("Policy", after=book.sheets["Ledger"])
    sheet.range("A1").value = [["Setting", "Value", "Description"]] + rows
    return book


def test_policy_sheet_sets_as_of_language_ladder_and_actions(monkeypatch):
    install_caller(monkeypatch, policy_book([
        ["as_of", dt.datetime(2026, 11, 28), None], ["lang", "en", None],
        ["ladder_from_days", "-10, 1, 15, 31, 91", None], ["action.S3.en", "Phone them", None]]))
    assert f.XT_DAYS_PAST_DUE(dt.datetime(2026, 11, 18)) == 10           # Policy as_of, not today
    assert f.XT_DAYS_PAST_DUE(dt.datetime(2026, 11, 18), "2026-11-20") == 2   # an explicit as_of wins
    assert f.XT_BUCKET(dt.datetime(2026, 11, 18)) == "1-30"               # Policy language
    assert f.XT_STAGE(dt.datetime(2026, 11, 18), 5.0) == "S2"             # 10 days: S2 under this ladder
    assert f.XT_STAGE(dt.datetime(2026, 12, 10), 5.0) == "S0"             # 12 days before due: S1 by default
    assert f.XT_NEXT_ACTION("S3") == "Phone them"
    assert f.XT_STAGE_NAME("S3") == "Written demand"


def test_policy_sheet_in_chinese_and_invalid_values_keep_defaults(monkeypatch):
    install_caller(monkeypatch, policy_book([["as_of", "not a date", None], ["lang", "zh", None]]))
    assert f.XT_DAYS_PAST_DUE(dt.datetime.combine(TODAY, dt.time()) - dt.timedelta(days=1)) == 1   # today
    assert f.XT_BUCKET(dt.datetime.combine(TODAY, dt.time()) - dt.timedelta(days=1)) == "1-30天"


def test_policy_is_read_once_per_few_seconds_not_once_per_cell(monkeypatch):
    from xlsx_tools.io.workbook_xlwings import XlwingsWorkbook
    install_caller(monkeypatch, policy_book([["lang", "en", None]]))
    reads = []
    original = XlwingsWorkbook.read_sheet
    monkeypatch.setattr(XlwingsWorkbook, "read_sheet", lambda self, name: (reads.append(name), original(self, name))[1])
    assert [f.XT_STAGE_NAME("S1") for _ in range(50)] == ["Pre-due warning"] * 50
    assert reads == ["Policy"]


# ------------------------------------------------------------------ agreement with the CLI, row for row
def records(book: FakeBook, sheet: str) -> list[dict]:
    """The table's rows: from the header to the first blank row (notes may follow it)."""
    rows = book.sheets[sheet].values()
    out = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(rows[0], row)))
    return out


def test_udfs_agree_with_the_cli_detail_sheet_row_for_row(refreshed_book):
    """Every Detail row: days, bucket, stage, stage name and next action from the UDFs equal the CLI's.

    Range calls cover every row; single-cell calls (equal to the range call's rows, see above) run
    on a sample holding every stage, bucket and input kind.  A UDF sees one row, not the Plans
    sheet: rows of an installment plan listed there (Detail's Plan No) get their stage from the plan
    in the CLI, so for them only days and bucket are compared.
    """
    book = refreshed_book
    ledger = book.sheets[i18n.SHEETS["ledger"].zh]
    header = ledger.range("A1:O1").value
    status_col = header.index(i18n.LEDGER_COLUMNS["status"].zh) + 1
    hold_col = header.index(i18n.LEDGER_COLUMNS["hold_until"].zh) + 1
    due_col = header.index(i18n.LEDGER_COLUMNS["due_date"].zh) + 1
    as_of = dt.datetime.combine(TODAY, dt.time())
    detail = records(book, i18n.SHEETS["detail"].zh)
    assert len(detail) > 600
    col = {key: label.zh for key, label in {**i18n.DETAIL_COLUMNS, **i18n.DETAIL_MONEY_LAW_COLUMNS}.items()}
    ledger_rows = [int(row[col["row"]]) for row in detail]
    due = [row[col["due_date"]] for row in detail]
    open_amount = [row[col["open"]] for row in detail]
    status = [ledger.range((r, status_col)).value for r in ledger_rows]
    hold = [ledger.range((r, hold_col)).value for r in ledger_rows]
    own_due = [ledger.range((r, due_col)).value for r in ledger_rows]       # the ledger's own due-date cells
    in_plan = [row[col["plan_no"]] is not None for row in detail]
    days = [row[0] for row in f.XT_DAYS_PAST_DUE(due, as_of)]
    days_own = [row[0] for row in f.XT_DAYS_PAST_DUE(own_due, as_of)]
    buckets = [row[0] for row in f.XT_BUCKET(due, as_of)]
    stages = [row[0] for row in f.XT_STAGE(due, open_amount, status, hold, as_of)]
    names = [row[0] for row in f.XT_STAGE_NAME(stages)]
    actions = [row[0] for row in f.XT_NEXT_ACTION(stages)]
    for i, row in enumerate(detail):
        where = f"ledger row {ledger_rows[i]}"
        assert days[i] == row[col["days_past_due"]], where
        if own_due[i] is not None:
            assert days_own[i] == row[col["days_past_due"]], where
        assert buckets[i] == row[col["bucket"]], where
        if not in_plan[i]:
            assert (stages[i], names[i], actions[i]) == (row[col["stage"]], row[col["stage_name"]],
                                                         row[col["next_action"]]), where
    for i in stratified([(kind(due[i]), kind(own_due[i]), kind(hold[i]), status[i], row[col["stage"]],
                          row[col["bucket"]], in_plan[i]) for i, row in enumerate(detail)]):
        assert f.XT_DAYS_PAST_DUE(due[i], as_of) == days[i]
        assert f.XT_BUCKET(due[i], as_of) == buckets[i]
        if not in_plan[i]:
            assert f.XT_STAGE(due[i], open_amount[i], status[i], hold[i], as_of) == stages[i]
    for i in stratified(stages):
        assert (f.XT_STAGE_NAME(stages[i]), f.XT_NEXT_ACTION(stages[i])) == (names[i], actions[i])
    compared = {stage for stage, planned in zip(stages, in_plan) if not planned}
    assert compared >= {"S0", "S1", "S2", "S3", "S4", "S5", "HOLD", "PLAN", "CLOSED", "CREDIT"}
    assert sum(in_plan) < len(detail) / 50


def test_table_functions_give_the_cli_priority_and_aging_sheets(input_book, refreshed_book, monkeypatch):
    """Called from the demo workbook (its Payments, Plans, Events, Letters and Snapshots sheets are read
    as a refresh reads them), the table functions spill exactly the Priority and Aging sheets."""
    install_caller(monkeypatch, input_book)
    ledger = input_book.sheets[i18n.SHEETS["ledger"].zh].values()
    customers = input_book.sheets[i18n.SHEETS["customers"].zh].values()
    as_of = dt.datetime.combine(TODAY, dt.time())
    assert f.XT_PRIORITY(ledger, customers, as_of) == refreshed_book.sheets[i18n.SHEETS["priority"].zh].values()
    assert f.XT_AGING_TABLE(ledger, as_of) == refreshed_book.sheets[i18n.SHEETS["aging"].zh].values()
    assert f.XT_AGING_TABLE(ledger) == f.XT_AGING_TABLE(ledger, as_of)        # Policy as_of blank: today


def test_table_functions_on_small_ranges():
    ledger = [["Invoice No", "Customer ID", "Invoice Date", "Due Date", "Amount", "Business Line"],
              ["A-1", "C1", dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1), 1000.0, "East"],
              ["A-2", "C2", dt.datetime(2026, 11, 1), dt.datetime(2026, 12, 1), 500.0, "East"]]
    priority = f.XT_PRIORITY(ledger, None, AS_OF)
    assert priority[0][:3] == ["排名", "客户编号", "客户名称"]
    assert [row[1] for row in priority[1:]] == ["C1", "C2"]
    aging = f.XT_AGING_TABLE(ledger, AS_OF)
    assert aging[1][0] == "East" and aging[-1][0] == "合计"
    assert f.XT_AGING_TABLE([[None, None]], AS_OF) is None
    assert f.XT_AGING_TABLE([["no", "header"], ["here", 1.0]], AS_OF).startswith("#XT! Required column")


# ------------------------------------------------------------------ what Excel's "Import Functions" sees
@pytest.fixture
def windows_udfs(monkeypatch):
    """xlwings' real Windows UDF decorators (xlwings.udfs), with pywin32 stubbed: nothing is called."""
    udfs = install_windows_udfs(monkeypatch)
    module = importlib.reload(f)
    yield udfs, module
    monkeypatch.undo()
    importlib.reload(f)
    sys.modules.pop("xlwings.udfs", None)


NAMES = ["XT_AGING_TABLE", "XT_BUCKET", "XT_DAYS_PAST_DUE", "XT_LAST_CONTACT", "XT_NEXT_ACTION", "XT_PRIORITY",
         "XT_PROMISE_STATUS", "XT_RMB_UPPER", "XT_STAGE", "XT_STAGE_NAME"]


def test_excel_sees_ten_documented_functions_with_the_issue_signatures(windows_udfs):
    udfs, module = windows_udfs
    found = sorted(name for name in dir(module) if hasattr(getattr(module, name), "__xlfunc__"))
    assert found == NAMES
    for name in NAMES:
        info = getattr(module, name).__xlfunc__
        assert info["category"] == "xlsx_tools"
        assert len(info["ret"]["doc"]) <= 255 and any("\u4e00" <= ch <= "\u9fff" for ch in info["ret"]["doc"])
        assert "\n" not in info["ret"]["doc"]
        for arg in info["args"]:
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert len(arg["doc"]) <= 255 and any("\u4e00" <= ch <= "\u9fff" for ch in arg["doc"])
    assert module.XT_PRIORITY.__xlfunc__["argmap"]["ledger_range"]["options"] == {"ndim": 2}
    for name in ("contacts", "ledger", "payments"):
        assert module.XT_PROMISE_STATUS.__xlfunc__["argmap"][name]["options"] == {"ndim": 2}
    vba = io.StringIO()
    udfs.generate_vba_wrapper("xlsx_tools.excel.functions", module, vba, types.SimpleNamespace(Name="c.xlsm"))
    code = vba.getvalue()
    for signature in ("Function XT_DAYS_PAST_DUE(due_date, Optional as_of)",
                      "Function XT_BUCKET(due_date, Optional as_of, Optional lang)",
                      "Function XT_STAGE(due_date, open_amount, Optional status, Optional hold_until, Optional as_of, "
                      "Optional amount)",
                      "Function XT_STAGE_NAME(stage, Optional lang)", "Function XT_NEXT_ACTION(stage, Optional lang)",
                      "Function XT_RMB_UPPER(amount)", "Function XT_AGING_TABLE(ledger_range, Optional as_of)",
                      "Function XT_PRIORITY(ledger_range, customers_range, Optional as_of)",
                      "Function XT_LAST_CONTACT(customer_id, contacts, ledger, Optional as_of)",
                      "Function XT_PROMISE_STATUS(customer_id, contacts, ledger, Optional payments, Optional as_of, "
                      "Optional lang)"):
        assert signature in code
    assert module.XT_STAGE(day(10), 100.0, None, None, AS_OF) == "S3"     # still plain functions


# ------------------------------------------------------------------ through xlwings' UDF path, as Excel calls them
def excel_ledger() -> FakeBook:
    """Due dates, amounts and statuses as cells, with a blank row and error cells (#N/A, #DIV/0!)."""
    book = FakeBook("C:/books/udf.xlsm")
    sheet = book.sheets.add("Ledger")
    sheet.range("A1").value = [[day(10), 100.0, None], [None, None, None], [day(40), 5.0, "争议"],
                               [day(100), 7.0, None], [day(1), 3.0, None]]
    sheet.cells[(4, 1)] = CellError("#N/A")          # a due date looked up from a sheet that lacks it
    sheet.cells[(5, 3)] = CellError("#DIV/0!")
    return book


def test_range_arguments_arrive_raw_from_com_and_give_the_single_cell_answers(windows_udfs):
    """Range arguments are declared "raw": the function gets COM's values (a tuple of row tuples,
    dates as aware datetimes, error cells as int codes) and turns each into the refresh's cell
    text; an error cell fails its row only; blanks come back blank."""
    _, module = windows_udfs
    assert module.XT_STAGE.__xlfunc__["argmap"]["due_date"]["options"] == {"convert": "raw"}
    sheet = excel_ledger().sheets["Ledger"]
    due, amount, status = (sheet.range((1, c), (5, c)) for c in (1, 2, 3))
    arguments = com_arguments((due, amount, status, None, AS_OF))
    assert isinstance(arguments[0], tuple) and isinstance(arguments[0][0][0], ComTime)
    assert arguments[0][0][0].tzinfo is not None and type(arguments[0][3][0]) is int
    column = udf_call(module.XT_STAGE, arguments)
    assert column[0] == ["S3"] and column[1] == [""] and column[2] == ["HOLD"]
    assert column[3] == ["#XT! Due Date: Date format not recognised '#N/A' / 到期日：日期格式无法识别 '#N/A'"]
    assert column[4][0].startswith("#XT! Status: Unknown status '#DIV/0!'")
    for row in range(5):
        cells = com_arguments((sheet.range((row + 1, 1)), sheet.range((row + 1, 2)), sheet.range((row + 1, 3)),
                               None, AS_OF))
        assert udf_call(module.XT_STAGE, cells) == [column[row]]        # xlwings returns a 1x1 block
    days = udf_call(module.XT_DAYS_PAST_DUE, com_arguments((due, AS_OF)))
    assert days[0] == [10] and days[1] == [""]
    wrong = udf_call(module.XT_STAGE_NAME, com_arguments((sheet.range("A1"), "en")))[0][0]
    assert "unknown stage '2026-11-18 00:00:00'" in wrong              # the cell's own date, not UTC-stamped


def test_the_fake_udf_path_converts_as_xlwings_does():
    """The default converter (xlwings' own pipeline) rebuilds COM dates as naive datetimes and
    reads error cells as blanks; "raw" hands COM's values over; a result's None shows as ""."""
    sheet = excel_ledger().sheets["Ledger"]
    column = com_value(sheet.range("A1:A4"))
    assert read_argument(column, {}) == [day(10), None, day(40), None]
    assert read_argument(column, {"convert": "raw"}) is column
    assert read_argument(com_value(sheet.range("A1")), {}) == day(10)
    assert write_result([[1], [None]], {}) == [[1], [""]] and write_result(None, {}) == [[""]]


def test_stage__an_overpaid_invoice_is_closed_when_the_amount_is_given():
    """Refresh: an invoice paid beyond its amount is CLOSED (open amount below 0 on a positive amount);
    only a credit note (negative amount) is CREDIT.  The open amount alone cannot tell them apart, so
    XT_STAGE takes the ledger's Amount as an optional last argument, in single cells and in columns."""
    assert f.XT_STAGE(day(10), -10.0, None, None, AS_OF, 100.0) == "CLOSED"          # 100 billed, 110 paid
    assert f.XT_STAGE(day(10), -10.0, None, None, AS_OF, -100.0) == "CREDIT"         # a credit note, 90 applied
    assert f.XT_STAGE(day(10), -10.0, None, None, AS_OF) == "CREDIT"                 # no amount: a credit note
    assert f.XT_STAGE(day(10), 40.0, "open", None, AS_OF, "¥100.00") == "S3"
    assert f.XT_STAGE((day(10), day(10), day(10)), ((-10.0,), (-10.0,), (40.0,)), None, None, AS_OF,
                      ((100.0,), (-100.0,), (None,))) == [["CLOSED"], ["CREDIT"], ["S3"]]
    assert f.XT_STAGE(day(10), -10.0, None, None, AS_OF, "lots").startswith("#XT! Amount: Amount not recognised")
