"""Which letters a refresh result calls for, cool-down, numbering, file names, context and log (pure core)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from tests.sheets import ledger, raw_sheet
from xlsx_tools.core import i18n
from xlsx_tools.core.letters import (LetterJob, check_job, format_letter_no, letter_context, next_sequence,
                                     parse_letter_no, plan_letters)
from xlsx_tools.core.read.cases import read_cases
from xlsx_tools.core.read.company import read_company
from xlsx_tools.core.read.letter_log import LogRow, LogUnreadable, read_letter_log, with_rows
from xlsx_tools.io.atomic import write_bytes
from xlsx_tools.io.letter_files import letter_file_name, safe_file_part
from xlsx_tools.present.letter_log import log_table
from xlsx_tools.core.policy import DEFAULT_POLICY
from xlsx_tools.core.refresh import RefreshInputs, compute

AS_OF = dt.date(2026, 11, 30)

# Days past due at 2026-11-30: due 2026-11-10 -> 20 (S3), 2026-11-25 -> 5 (S2), 2026-10-01 -> 60 (S4),
# 2026-12-10 -> -10 (S1), 2027-03-01 -> S0, 2026-08-01 -> 121 (S5).
LEDGER = """
INV-101 | C001 | A | 2026-10-01 | 2026-11-10 | 12000.00 | 2000 |  |
INV-102 | C001 | A | 2026-10-26 | 2026-11-25 | 6409.02  |      |  |
INV-201 | C002 | A | 2026-08-01 | 2026-10-01 | 30800    |      |  |
INV-301 | C003 | A | 2026-11-10 | 2026-12-10 | 8800     |      |  |
INV-401 | C004 | A | 2026-11-05 | 2026-12-05 | 5000     |      |  |
INV-501 | C005 | A | 2026-11-05 | 2026-12-05 | 100      |      |  |
INV-502 | C005 | A | 2026-08-01 | 2026-09-01 | 900      |      | 争议 |
INV-601 | C006 | A | 2026-11-20 | 2027-03-01 | 999      |      |  |
INV-701 | C007 | A | 2026-06-01 | 2026-08-01 | 999      |      |  |
INV-801 | C008 | A | 2026-06-01 | 2026-08-01 | 999      |      | 分期 |
INV-901 | C009 | A | 2026-11-10 | 2026-11-25 | 999      |      |  |
"""
CUSTOMERS = """
客户编号 | 客户名称 | 首次合作日期 | 信用评级 | 上期评级 | 地址 | 联系人
C001 | Old Mill & Sons <Ltd> | 2019-03-01 | A | A | 1 Mill Lane | 王敏
C002 | 重庆瑞丰化工有限公司 | 2018-01-01 | A | A | 重庆 | 赵强
C003 | 新客户有限公司 | 2026-06-01 | A | A | 杭州 |
C004 | 老客户有限公司 | 2015-05-05 | A | A | 苏州 |
C005 | 降级客户有限公司 | 2015-05-05 | B | A | 上海 |
"""


@pytest.fixture(scope="module")
def result():
    return compute(RefreshInputs(ledger=ledger(LEDGER), customers=raw_sheet("客户档案", CUSTOMERS)), as_of=AS_OF)


def kinds_by_customer(jobs) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for job in jobs:
        found.setdefault(job.customer_id, []).append(job.kind)
    return found


def log_with(*rows: LogRow):
    log, _ = read_letter_log(None)
    return with_rows(log, list(rows))


def row(letter_no="CS-2026-000001", day=AS_OF, kind="demand", customer="C001", stage="S3", status="generated",
        case_ref=""):
    return LogRow(letter_no, day, kind, customer, "x", stage, "INV-101", 100, "f.docx", "0" * 64, status, case_ref)


# ----- triggers ------------------------------------------------------------------------------------------
def test_plan__stages_call_for_their_letters(result):
    jobs, notes = plan_letters(result, log_with())
    assert kinds_by_customer(jobs) == {
        "C002": ["lawyer"],                     # S4
        "C001": ["demand"],                     # S3
        "C003": ["confirmation"],               # S1, due in 10 days: confirmation window 15..7
        "C005": ["reminder"],                   # S1, due in 5 days, high risk (downgraded, disputed row)
    }                                           # C004: due in 5 days, old and not high risk: nothing
    assert notes == []


def test_plan__s3_demand_lists_every_overdue_invoice_once(result):
    jobs, _ = plan_letters(result, log_with(), kinds=["demand"])
    (demand,) = jobs
    assert demand.invoice_nos == ("INV-101", "INV-102")
    assert demand.total_fen == 1_640_902 and demand.stage == "S3"


def test_plan__pre_due_letters_list_only_pre_due_invoices(result):
    jobs, _ = plan_letters(result, log_with(), customers=["C005"])
    assert {job.invoice_nos for job in jobs} == {("INV-501",)}      # the disputed row is not claimed


def test_plan__s0_s2_s5_hold_and_plan_get_no_letter(result):
    jobs, notes = plan_letters(result, log_with(), customers=["C006", "C007", "C008", "C009"])
    assert jobs == []
    assert {note.customer_id for note in notes} == {"C006", "C007", "C008", "C009"}
    assert all("无需发函" in note.reason.zh for note in notes)


def test_plan__policy_stages_are_data(result):
    policy = result.policy.with_values(letters_demand_stages=("S2", "S3"), new_customer_months=1)
    changed = compute(RefreshInputs(ledger=ledger(LEDGER), customers=raw_sheet("客户档案", CUSTOMERS)),
                      as_of=AS_OF, policy=policy)
    jobs, _ = plan_letters(changed, log_with())
    by = kinds_by_customer(jobs)
    assert by["C009"] == ["demand"]                    # S2 now gets a demand
    assert by["C003"] == ["confirmation"]              # no longer new after one month


def test_plan__unknown_kind_is_refused(result):
    with pytest.raises(ValueError):
        plan_letters(result, log_with(), kinds=["fax"])


# ----- idempotency -------------------------------------------------------------------------------------------
def test_cooldown__same_day_rerun_is_skipped_with_reason(result):
    jobs, notes = plan_letters(result, log_with(row()), kinds=["demand"])
    assert jobs == []
    (note,) = notes
    assert note.letter_no == "CS-2026-000001"
    assert "CS-2026-000001" in note.reason.en and "cool-down 7 days" in note.reason.en


@pytest.mark.parametrize("days_ago, skipped", [(0, True), (6, True), (7, False), (30, False), (-1, True)])
def test_cooldown__window_is_policy_days(result, days_ago, skipped):
    earlier = row(day=AS_OF - dt.timedelta(days=days_ago))
    jobs, _ = plan_letters(result, log_with(earlier), kinds=["demand"])
    assert (jobs == []) is skipped


def test_cooldown__is_per_customer_kind_and_stage(result):
    log = log_with(row(stage="S2"), row(kind="lawyer", stage="S3"), row(customer="C002"))
    jobs, _ = plan_letters(result, log, kinds=["demand"])
    assert [job.customer_id for job in jobs] == ["C001"]


def test_cooldown__void_rows_do_not_count(result):
    jobs, _ = plan_letters(result, log_with(row(status="void")), kinds=["demand"])
    assert [job.customer_id for job in jobs] == ["C001"]


def test_cooldown__policy_value_is_used(result):
    changed = type(result)(**{**result.__dict__, "policy": result.policy.with_values(letters_cooldown_days=30)})
    jobs, _ = plan_letters(changed, log_with(row(day=AS_OF - dt.timedelta(days=20))), kinds=["demand"])
    assert jobs == []


# ----- case reviews ----------------------------------------------------------------------------------------------
CASES = """
案例编号 | 客户编号 | 立案日期 | 结案日期 | 回收金额 | 经验教训
CASE-1 | C001 | 2026-10-01 | 2026-11-20 | 5,000.00 | 合同应约定逾期利息
       | C099 | 2026-01-01 |            | 100      |
       |      | 2026-01-01 |            | 100      |
"""


def test_cases__refs_and_warnings():
    cases, issues = read_cases(raw_sheet("案例库", CASES))
    assert list(cases["case_ref"]) == ["CASE-1", "C099@2026-01-01"]
    assert list(cases["recovered_fen"]) == [500_000, 10_000]
    assert len(issues) == 1 and issues[0].cell == "B4"


def test_case_review__only_on_request_and_once_per_case(result):
    cases, _ = read_cases(raw_sheet("案例库", CASES))
    jobs, _ = plan_letters(result, log_with(), cases)
    assert "case_review" not in {job.kind for job in jobs}
    jobs, _ = plan_letters(result, log_with(), cases, kinds=["case_review"])
    assert [(job.customer_id, job.case_ref, job.total_fen) for job in jobs] == [
        ("C001", "CASE-1", 500_000), ("C099", "C099@2026-01-01", 10_000)]
    done = row(kind="case_review", stage="S3", case_ref="CASE-1")
    jobs, notes = plan_letters(result, log_with(done), cases, kinds=["case_review"])
    assert [job.case_ref for job in jobs] == ["C099@2026-01-01"]
    assert notes[0].letter_no == "CS-2026-000001"


# ----- numbers and file names ---------------------------------------------------------------------------------------
def test_numbers__sequential_per_prefix_and_year():
    used = ["CS-2026-000007", "CS-2026-000123", "CS-2025-000999", "XX-2026-000500", "junk", ""]
    assert next_sequence(used, "CS", 2026) == 124
    assert next_sequence(used, "CS", 2027) == 1
    assert format_letter_no("CS", 2026, 124) == "CS-2026-000124"
    assert parse_letter_no("CS-2026-000124") == ("CS", 2026, 124)
    assert parse_letter_no("A-B-2026-000001") == ("A-B", 2026, 1)
    assert parse_letter_no("nope") is None


@pytest.mark.parametrize("customer", ["../../etc/passwd", "C:\\x", 'a<b>c:"d"|e?f*g', "..", "  ", "\x00\x1f",
                                      "CON", "客户/一号"])
def test_file_names__are_sanitised(customer):
    name = letter_file_name("CS-2026-000001", "demand", customer)
    assert name.startswith("CS-2026-000001_demand_") and name.endswith(".docx")
    assert not any(ch in name for ch in '/\\:*?"<>|\x00\x1f')
    assert ".." not in name
    assert safe_file_part(customer) != ""


@pytest.mark.parametrize("letter_no, customer", [
    ("CS-2026-000001", "😀" * 100),                 # 4 bytes a character in UTF-8
    ("CS-2026-000001", "𠀀" * 80),                  # CJK extension B, 4 bytes
    ("CS-2026-000001", "长" * 300),                  # 3 bytes
    ("催收函件编号前缀很长很长很长-2026-000001", "客户" * 100),
], ids=["emoji", "cjk-ext-b", "cjk", "cjk-prefix"])
def test_file_names__fit_one_file_name_with_the_temp_file_decoration(letter_no, customer, tmp_path):
    name = letter_file_name(letter_no, "payment_order", customer)
    assert write_bytes(tmp_path / name, b"letter").read_bytes() == b"letter"   # its temp file's name fits too
    assert name.startswith(f"{letter_no}_payment_order_") and name.endswith(".docx")
    assert ".." not in name


def test_file_names__keep_the_whole_letter_number_so_colliding_customer_parts_stay_apart():
    prefix = "P" * 70                                     # a long Policy letters_number_prefix
    names = {letter_file_name(f"{prefix}-2026-00000{n}", "demand", customer)
             for n, customer in enumerate(["a/b", "a:b", "a*b"])}
    assert len(names) == 3
    assert all(f"{prefix}-2026-00000" in name for name in names)


# ----- company, checks, context -------------------------------------------------------------------------------------
COMPANY = """
项目 | 值 | 说明
name | 上海示例贸易有限公司 |
收款账号 | 1001234567890123456 |
bank_name | 工行 |
payee_name | 上海示例贸易有限公司 |
address | 上海 |
contact | 李娜 |
phone | 021 |
fax | 123 |
"""


def test_company__keys_or_labels_and_unknown_items_warned():
    company, issues = read_company(raw_sheet("公司信息", COMPANY))
    assert company["name"] == "上海示例贸易有限公司"
    assert company["bank_account"] == "1001234567890123456"
    assert company["law_firm"] == ""
    assert [issue.cell for issue in issues] == ["A9"]


def test_check_job__names_what_is_missing(result):
    company, _ = read_company(raw_sheet("公司信息", COMPANY))
    demand = LetterJob("demand", "C001", "x", "S3", ("INV-101",), 100)
    assert check_job(demand, result, company) is None
    lawyer = LetterJob("lawyer", "C002", "x", "S4", ("INV-201",), 100)
    assert "law_firm" in check_job(lawyer, result, company).en
    no_address = LetterJob("demand", "C006", "x", "S3", ("INV-601",), 100)
    assert "Address" in check_job(no_address, result, company).en


TWO_CURRENCIES = """单据号 | 客户编号 | 开票日期 | 到期日 | 金额 | 已收金额 | 币种
INV-1 | C001 | 2026-10-01 | 2026-11-10 | 1000.00 | 0 | CNY
INV-2 | C001 | 2026-10-01 | 2026-11-10 | 2500.50 | 500 | USD
INV-3 | C001 | 2026-10-01 | 2026-10-31 | 100 | 0 | USD
"""


@pytest.fixture(scope="module")
def two_currencies():
    fx = raw_sheet("汇率", "币种 | 日期 | 折合人民币汇率\nUSD | 2026-11-01 | 7.1\n")
    return compute(RefreshInputs(ledger=raw_sheet("应收台账", TWO_CURRENCIES), customers=raw_sheet("客户档案", CUSTOMERS),
                                 fx=fx), as_of=AS_OF)


@pytest.mark.parametrize("kind, refused", [("demand", None), ("lawyer", None), ("confirmation", None),
                                           ("reminder", None), ("case_review", None),
                                           ("evidence", "foreign_currency"), ("plan", "plan_currencies")])
def test_check_job__foreign_invoices_by_kind(two_currencies, kind, refused):
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    reason = check_job(LetterJob(kind, "C001", "x", "S3", ("INV-1", "INV-2"), 100), two_currencies, company)
    if refused is None:
        assert reason is None
    else:
        expected = i18n.LETTER_MESSAGES[refused].en.split("{")[0]
        assert reason.en.startswith(expected) and "USD" in reason.en
    one_currency = check_job(LetterJob(kind, "C001", "x", "S3", ("INV-2", "INV-3"), 100), two_currencies, company)
    assert (one_currency is None) == (kind != "evidence")


def test_case_review__a_customer_in_cny_and_usd_gets_a_table_and_total_per_currency(two_currencies):
    cases, _ = read_cases(raw_sheet("案例库", CASES))
    (job,) = [job for job in plan_letters(two_currencies, log_with(), cases, kinds=["case_review"])[0]
              if job.customer_id == "C001"]
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    assert check_job(job, two_currencies, company) is None
    context = letter_context(job, "CS-2026-000001", two_currencies, company, "en", cases=cases)
    assert not context["single_cny"] and context["total"] == "5,000.00"             # recovered, from Cases
    assert [(t["code"], [inv["no"] for inv in t["invoices"]], t["total"]) for t in context["currency_tables"]] == [
        ("CNY", ["INV-1"], "1,000.00"), ("USD", ["INV-2", "INV-3"], "2,100.50")]


def test_context__one_table_and_claim_per_currency(two_currencies):
    job = LetterJob("demand", "C001", "x", "S3", ("INV-2", "INV-1", "INV-3"), 0)
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    zh = letter_context(job, "CS-2026-000001", two_currencies, company, "zh")
    assert not zh["single_cny"]
    cny, usd = zh["currency_tables"]
    assert (cny["code"], cny["unit"], [inv["no"] for inv in cny["invoices"]]) == ("CNY", "元", ["INV-1"])
    assert (usd["code"], usd["unit"], [inv["no"] for inv in usd["invoices"]]) == ("USD", "美元", ["INV-2", "INV-3"])
    assert cny["total"] == "1,000.00" and cny["words"] == "人民币壹仟元整"
    assert usd["total"] == "2,100.50" and usd["words"] == "Two thousand one hundred US dollars and fifty cents"
    # USD at the foreign rate of the Policy (default), in dollars: 2,000.50 for 20 days and 100 for 30
    assert usd["has_interest"] and "外币" in usd["interest_basis"]
    assert usd["principal"] == "2,100.50"
    claim = int(usd["claim_total"].replace(",", "").replace(".", ""))
    assert claim == 210_050 + int(usd["interest"].replace(",", "").replace(".", ""))
    assert usd["claim_total_words"].endswith("cents") or usd["claim_total_words"].endswith("dollars")
    assert cny["claim_total_words"].startswith("人民币")
    cny_only = letter_context(LetterJob("demand", "C001", "x", "S3", ("INV-1",), 0), "n", two_currencies, company, "en")
    assert cny_only["single_cny"] and cny_only["currency_tables"][0]["unit"] == "CNY"


def test_context__amounts_dates_and_text_values(result):
    jobs, _ = plan_letters(result, log_with(), kinds=["demand"])
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    zh = letter_context(jobs[0], "CS-2026-000001", result, company, "zh")
    assert zh["customer"]["name"] == "Old Mill & Sons <Ltd>"
    assert zh["total"] == "16,409.02" and zh["total_words"] == "人民币壹万陆仟肆佰零玖元零贰分"
    assert zh["date"] == "2026年11月30日" and zh["deadline"] == "2026年12月7日"
    assert [inv["no"] for inv in zh["invoices"]] == ["INV-101", "INV-102"]
    assert zh["invoices"][0]["open"] == "10,000.00" and zh["invoices"][0]["days"] == "20"
    assert zh["invoices"][0]["due_date"] == "2026年11月10日"
    en = letter_context(jobs[0], "CS-2026-000001", result, company, "en")
    assert en["date"] == "30 November 2026" and en["title"] == "Payment demand notice"
    pre_due, _ = plan_letters(result, log_with(), kinds=["confirmation"], customers=["C003"])
    context = letter_context(pre_due[0], "CS-2026-000002", result, company, "zh")
    assert context["invoices"][0]["days"] == "未到期"
    assert context["deadline"] == "2026年12月10日"        # reply within letters_reply_days


# ----- the log sheet -------------------------------------------------------------------------------------------------
LOG = """
函件编号 | 日期 | 函件类型 | 客户编号 | 催收阶段 | 金额合计 | 状态 | 寄出日期 | 送达日期 | 快递单号 | 我的备注
CS-2026-000001 | 2026-11-01 00:00:00 | 催款通知书 | C001 | S3 | 16409.02 | 已寄出 | 2026-11-02 00:00:00 | 11月5日 | SF123 | 加急
CS-2026-000002 | 2026-11-01 00:00:00 | lawyer | C002 | S4 | 30800 | void | | | |
"""


def test_log__read_back_with_codes():
    log, issues = read_letter_log(raw_sheet("函件记录", LOG))
    assert issues == []
    assert list(log.entries["kind"]) == ["demand", "lawyer"]
    assert list(log.entries["status"]) == ["sent", "void"]
    assert log.letter_numbers() == ["CS-2026-000001", "CS-2026-000002"]


def test_log__without_letter_no_column_is_unreadable():
    with pytest.raises(LogUnreadable):
        read_letter_log(raw_sheet("函件记录", "日期 | 客户编号\n2026-11-01 | C001\n"))


def test_log_table__keeps_every_old_cell_and_appends():
    log, _ = read_letter_log(raw_sheet("函件记录", LOG))
    new = LogRow("CS-2026-000003", AS_OF, "demand", "C001", "Old Mill & Sons <Ltd>", "S3", "INV-101, INV-102",
                 1_640_902, "CS-2026-000003_demand_C001.docx", "ab" * 32)
    table = log_table(log, [new], "zh")
    headers = [column.header for column in table.columns]
    assert headers[:11] == ["函件编号", "日期", "函件类型", "客户编号", "催收阶段", "金额合计", "状态", "寄出日期",
                            "送达日期", "快递单号", "我的备注"]
    assert set(headers[11:]) == {"客户名称", "单据号", "文件名", "SHA-256", "案例引用", "备注"}
    frame = table.frame
    kinds = {column.header: column.kind for column in table.columns}
    assert kinds["日期"] == "date" and kinds["金额合计"] == "money" and kinds["寄出日期"] == "date"
    assert kinds["送达日期"] == "text"                         # '11月5日' is kept as typed
    assert list(frame.iloc[:, 8]) == ["11月5日", None, None]
    assert list(frame.iloc[:, 10]) == ["加急", None, None]       # the clerk's own column survives
    assert frame.iloc[0, 6] == "已寄出" and frame.iloc[2, 6] == "已生成"
    assert list(frame.iloc[:, 5]) == [1_640_902, 3_080_000, 1_640_902]
    assert frame.iloc[2, 0] == "CS-2026-000003"
    assert frame.iloc[2, 1] == pd.Timestamp(AS_OF)
    assert pd.isna(frame.iloc[2, 7]) and frame.iloc[2, 9] is None


def test_log_table__fresh_sheet_has_the_contract_columns():
    table = log_table(read_letter_log(None)[0], [], "en")
    assert table.name == "Letters"
    assert [column.header for column in table.columns] == [label.en for label in i18n.LETTER_LOG_COLUMNS.values()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_log_table__prints_kinds_names_and_headers_whole(lang):
    # found by the print audit: the printed log cut 'Payment demand notice' at 16 ('Payment demand no'),
    # 51-character customer names and invoice lists at 30, and the header 'Delivered Date' at 12
    from xlsx_tools.core.tables import display_width
    from xlsx_tools.io.xlsx.sheet_xml import SheetXml
    new = [row(f"CS-2026-00000{n}", kind=kind) for n, kind in enumerate(i18n.LETTER_KINDS, start=1)]
    new = [dataclasses.replace(item, customer_name="Hangzhou Baichuan Supply Chain Management Co., Ltd.",
                               invoices="INV-00495, INV-00511, INV-00522, EXP-0001, EXP-0002") for item in new]
    table = log_table(read_letter_log(None)[0], new, lang)
    widths = SheetXml(table).column_widths()
    for position, (column, width) in enumerate(zip(table.columns, widths)):
        assert display_width(column.header) + 1 <= width, column.header
        if column.kind == "text" and column.header != "SHA-256":
            texts = [value for value in table.frame.iloc[:, position] if isinstance(value, str)]
            assert column.wrap or max(map(display_width, texts), default=0) <= width, column.header


def test_policy__letter_settings_have_defaults():
    assert DEFAULT_POLICY["letters_cooldown_days"] == 7
    assert DEFAULT_POLICY["letters_number_prefix"] == "CS"
    assert DEFAULT_POLICY["letters_deadline_days"] == 7


# ----- interest in demand notices and lawyer's letters (issue 5) -------------------------------------------------
def test_context__demand_states_principal_interest_basis_and_total(result):
    """Hand-checked, default policy (one-year LPR 3.00% in force since 2025-05-20, × 1.5, actual/365):
    INV-101 open 10,000.00, due 2026-11-10, 20 days: 10,000.00 × 4.5% × 20 / 365 = 24.6575… -> 24.66;
    INV-102 open 6,409.02, due 2026-11-25, 5 days: 6,409.02 × 4.5% × 5 / 365 = 3.9507… -> 3.95.
    Interest 28.61; principal + interest = 16,409.02 + 28.61 = 16,437.63."""
    jobs, _ = plan_letters(result, log_with(), kinds=["demand"])
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    zh = letter_context(jobs[0], "CS-2026-000001", result, company, "zh")
    assert [inv["interest"] for inv in zh["invoices"]] == ["24.66", "3.95"]
    assert zh["principal"] == "16,409.02" and zh["interest"] == "28.61" and zh["has_interest"] is True
    assert zh["interest_basis"] == "按一年期LPR 3.00%的1.5倍计算"
    assert zh["claim_total"] == "16,437.63" and zh["claim_total_words"] == "人民币壹万陆仟肆佰叁拾柒元陆角叁分"
    assert zh["interest_words"] == "人民币贰拾捌元陆角壹分"
    en = letter_context(jobs[0], "CS-2026-000001", result, company, "en")
    assert en["interest_basis"] == "at 1.5 times the one-year LPR of 3.00%" and en["claim_total"] == "16,437.63"


def test_context__pre_due_letters_carry_no_interest(result):
    jobs, _ = plan_letters(result, log_with(), kinds=["confirmation"], customers=["C003"])
    context = letter_context(jobs[0], "CS-2026-000002", result, {k: "x" for k in i18n.COMPANY_FIELDS}, "zh")
    assert context["interest"] == "0.00" and context["has_interest"] is False
    assert context["claim_total"] == context["total"] == "8,800.00"
    assert context["interest_basis"] == "无逾期利息"


# ----- plan agreements (issue 5) -------------------------------------------------------------------------------------
PLANS = """
计划编号 | 客户编号 | 涉及单据 | 分期总额 | 签订日期 | 首期还款日 | 期数 | 间隔(天) | 免息期数 | 首付比例
FQ-1 | C002 | INV-201 | 30800 | 2026-11-20 | 2026-12-20 | 3 | 30 | 2 |
FQ-2 | C007 | INV-701 | 999 | 2026-11-25 | 2026-12-25 | 3 | 15 |  | 30%
"""


@pytest.fixture(scope="module")
def with_plans():
    return compute(RefreshInputs(ledger=ledger(LEDGER), customers=raw_sheet("客户档案", CUSTOMERS),
                                 plans=raw_sheet("分期计划", PLANS)), as_of=AS_OF)


def test_plan_letters__only_on_request_one_per_plan_row(with_plans):
    jobs, _ = plan_letters(with_plans, log_with())
    assert "plan" not in {job.kind for job in jobs}
    jobs, notes = plan_letters(with_plans, log_with(), kinds=["plan"])
    assert [(j.kind, j.customer_id, j.case_ref, j.invoice_nos, j.total_fen) for j in jobs] == [
        ("plan", "C002", "FQ-1", ("INV-201",), 3_080_000), ("plan", "C007", "FQ-2", ("INV-701",), 99_900)]
    assert notes == []


def test_plan_letters__rendered_plans_are_skipped_void_ones_are_not(with_plans):
    done = row(kind="plan", customer="C002", stage="PLAN", case_ref="FQ-1", letter_no="CS-2026-000007")
    jobs, notes = plan_letters(with_plans, log_with(done), kinds=["plan"])
    assert [job.case_ref for job in jobs] == ["FQ-2"]
    assert notes[0].letter_no == "CS-2026-000007" and "FQ-1" in notes[0].reason.en
    void = row(kind="plan", customer="C002", stage="PLAN", case_ref="FQ-1", status="void")
    jobs, _ = plan_letters(with_plans, log_with(void), kinds=["plan"])
    assert [job.case_ref for job in jobs] == ["FQ-1", "FQ-2"]
    jobs, notes = plan_letters(with_plans, log_with(), kinds=["plan"], customers=["C001"])
    assert jobs == [] and [n.reason.en for n in notes] == ["no plan row for customer C001 in the Plans sheet"]


def test_plan_context__schedule_and_sum_line_hand_checked(with_plans):
    """FQ-1: 30,800.00 in 3 installments of 30 days from 2026-12-20: 30,800.00 / 3 = 10,266.666… -> 10,266.67,
    10,266.67 and the last absorbs the rounding: 10,266.66.  Two interest-free installments; the third carries
    10,266.66 × 0.02% × 30 days = 61.59996 -> 61.60.  Payable 30,800.00 + 61.60 = 30,861.60."""
    jobs, _ = plan_letters(with_plans, log_with(), kinds=["plan"])
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    zh = letter_context(jobs[0], "CS-2026-000001", with_plans, company, "zh")
    assert [(s["n"], s["due_date"], s["principal"], s["fee"], s["amount"]) for s in zh["schedule"]] == [
        ("1", "2026年12月20日", "10,266.67", "0.00", "10,266.67"),
        ("2", "2027年1月19日", "10,266.67", "0.00", "10,266.67"),
        ("3", "2027年2月18日", "10,266.66", "61.60", "10,328.26")]
    plan = zh["plan"]
    assert plan["no"] == "FQ-1" and plan["total"] == plan["principal_total"] == "30,800.00"
    assert plan["fee_total"] == "61.60" and plan["amount_total"] == "30,861.60"
    assert plan["amount_total_words"] == "人民币叁万零捌佰陆拾壹元陆角"
    assert "signed_date" not in plan and plan["prepayment"] == "" and plan["interest_free"] == "2"
    assert plan["daily_rate"] == "0.02%" and plan["has_fee"] is True and plan["is_extension"] is False
    assert zh["total"] == "30,800.00" and zh["total_words"] == "人民币叁万零捌佰元整"
    # FQ-2: 30% first = 299.70, then 699.30 / 2 = 349.65 twice; all three interest-free by default.
    second = letter_context(jobs[1], "CS-2026-000002", with_plans, company, "en")
    assert [s["principal"] for s in second["schedule"]] == ["299.70", "349.65", "349.65"]
    assert second["plan"]["prepayment"] == "30%" and second["plan"]["prepayment_amount"] == "299.70"
    assert second["plan"]["has_fee"] is False and second["schedule"][0]["due_date"] == "25 December 2026"


def test_check_job__plan_needs_the_payee_account(with_plans):
    jobs, _ = plan_letters(with_plans, log_with(), kinds=["plan"])
    company = {key: "x" for key in i18n.COMPANY_FIELDS}
    assert check_job(jobs[0], with_plans, company) is None
    assert "bank_account" in check_job(jobs[0], with_plans, dict(company, bank_account="")).en


def test_a_foreign_currency_plans_job_total_is_in_cny_like_every_job(two_currencies):
    from types import SimpleNamespace
    from xlsx_tools.core.letters.plan import _plan_total_cny
    usd_plan = SimpleNamespace(total_fen=200_000, invoices=("INV-2", "INV-3"))       # USD 2,000.00 at 7.1
    assert _plan_total_cny(two_currencies, usd_plan) == 1_420_000
    cny_plan = SimpleNamespace(total_fen=100_000, invoices=("INV-1",))
    assert _plan_total_cny(two_currencies, cny_plan) == 100_000


def test_plan_context__a_plan_paid_in_part_says_so_beside_its_open_amounts():
    """FQ-3 covers INV-701 (open 999.00) for 1,500.00: without a Payments sheet the plan pass counts
    the 501.00 no longer open as paid under the plan; the agreement's invoice table totals 999.00 and
    the plan's total is stated apart (`open_differs`), with what was paid."""
    plans = PLANS.replace("FQ-2 | C007 | INV-701 | 999 |", "FQ-3 | C007 | INV-701 | 1500 |")
    result = compute(RefreshInputs(ledger=ledger(LEDGER), customers=raw_sheet("客户档案", CUSTOMERS),
                                   plans=raw_sheet("分期计划", plans)), as_of=AS_OF)
    jobs, _ = plan_letters(result, log_with(), kinds=["plan"], customers=["C007"])
    context = letter_context(jobs[0], "CS-2026-000001", result, {key: "x" for key in i18n.COMPANY_FIELDS}, "en")
    assert context["open_total"] == "999.00" and context["plan"]["total"] == "1,500.00"
    assert context["plan"]["open_differs"] is True
    assert context["plan"]["paid"] == "501.00" and context["plan"]["has_paid"] is True


# ----- credit notes the customer holds (audit 4) --------------------------------------------------
def test_unapplied_credit__a_letter_stating_a_debt_warns_at_the_customers_credit_note():
    """A demand claims the overdue invoices; a credit note the customer holds is not deducted, so the
    clerk is told, at the credit note's cell, before signing a figure the customer will dispute."""
    from xlsx_tools.core.letters.checks import unapplied_credit_issue
    from xlsx_tools.core.read.ledger import read_ledger
    sheet = ledger(LEDGER + "CN-9 | C002 | A | 2026-11-01 | 2026-11-01 | -800.50 | | |\n"
                            "CN-8 | C002 | A | 2026-11-02 | 2026-11-02 | -100 | -100 | |\n")
    result = compute(RefreshInputs(ledger=sheet, customers=raw_sheet("客户档案", CUSTOMERS)), as_of=AS_OF)
    jobs, _ = plan_letters(result, log_with())
    demand = next(job for job in jobs if job.customer_id == "C002")
    found = unapplied_credit_issue(demand, result, read_ledger(sheet)[0], "CS-2026-000007")
    assert (found.severity, found.sheet, found.cell) == ("warning", "应收台账", "F13")
    assert found.message.en == ("Letter CS-2026-000007 does not deduct the credit note(s) C002 holds: CN-9 "
                                "(800.50); check the amount before it goes out")
    assert "CN-9" in found.message.zh and "800.50" in found.message.zh
    other = next(job for job in jobs if job.customer_id == "C001")
    assert unapplied_credit_issue(other, result, read_ledger(sheet)[0], "CS-2026-000008") is None
