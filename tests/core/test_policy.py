"""Policy sheet: defaults, overrides, and located errors for invalid values."""
import dataclasses
import datetime as dt
from decimal import Decimal

from xlsx_tools.core.policy import DEFAULT_POLICY, SETTINGS, load_policy
from xlsx_tools.core.refresh import RefreshInputs, compute
from tests.sheets import ledger, raw_sheet


def policy_sheet(rows: str):
    return raw_sheet("催收策略", "设置项 | 值 | 说明\n" + rows.strip("\n"))


def test_policy__defaults_match_the_shared_docs():
    assert DEFAULT_POLICY.ladder_from_days == (-15, 1, 8, 31, 91)
    assert DEFAULT_POLICY.bucket_edges == (0, 30, 60, 90, 180, 365)
    assert DEFAULT_POLICY["key_target_days"] == 90
    assert DEFAULT_POLICY["key_target_share"] == Decimal("0.05")
    assert DEFAULT_POLICY["warning_early_overdue_share"] == Decimal("0.15")
    assert DEFAULT_POLICY["warning_overdue_growth"] == Decimal("0.20")
    assert DEFAULT_POLICY.rating_order[0] == "AAA" and DEFAULT_POLICY.rating_order[-1] == "D"
    assert DEFAULT_POLICY.owner("S4", "zh") == "法务"
    assert len({s.key for s in SETTINGS}) == len(SETTINGS)


def test_policy__missing_sheet_means_defaults():
    assert load_policy(None) == (DEFAULT_POLICY, [])


def test_policy__values_override_defaults_in_any_accepted_form():
    policy, issues = load_policy(policy_sheet("""
    as_of | 2026-10-31 |
    key_target_share | 8% |
    warning_overdue_growth | 0.25 |
    ladder_from_days | -10，1，15，45，120 |
    lang | English |
    action.S3.zh | 电话+函件 |
    """))
    assert issues == []
    assert policy["as_of"] == dt.date(2026, 10, 31)
    assert policy["key_target_share"] == Decimal("0.08")
    assert policy["warning_overdue_growth"] == Decimal("0.25")
    assert policy.ladder_from_days == (-10, 1, 15, 45, 120)
    assert policy.lang == "en"
    assert policy.action("S3", "zh") == "电话+函件"


def test_policy__invalid_values_are_located_errors_and_keep_the_default():
    policy, issues = load_policy(policy_sheet("""
    key_target_days | ninety |
    ladder_from_days | 1, 8, 31 |
    no_such_setting | 1 |
    """))
    assert [(i.severity, i.location()) for i in issues] == [
        ("error", "催收策略!B2"), ("warning", "催收策略!A4"), ("error", "催收策略!B3")]
    assert issues[0].text() == "催收策略!B2: 设置项 key_target_days 的值 'ninety' 无效：应为整数"
    assert issues[0].text("en") == "催收策略!B2: Invalid value 'ninety' for key_target_days: a whole number is expected"
    assert policy["key_target_days"] == 90 and policy.ladder_from_days == (-15, 1, 8, 31, 91)


def test_policy__as_of_from_sheet_is_used_unless_given():
    sheet = ledger("I1 | C1 | A | 2025-01-01 | 2026-10-01 | 100 | | |")
    pol = policy_sheet("as_of | 2026-10-09 |")
    assert compute(RefreshInputs(sheet, policy=pol), today=dt.date(2030, 1, 1)).detail["stage"].iloc[0] == "S3"
    assert compute(RefreshInputs(sheet, policy=pol), as_of=dt.date(2026, 10, 2)).detail["stage"].iloc[0] == "S2"
    assert compute(RefreshInputs(sheet), today=dt.date(2026, 10, 1)).detail["stage"].iloc[0] == "S1"


def test_policy__a_letter_number_prefix_longer_than_twenty_characters_is_refused_at_its_cell():
    """Letter file names start with the number: a 200-character prefix made every letter fail with
    'File name too long' (found by an outside audit)."""
    policy, issues = load_policy(policy_sheet(f"letters_number_prefix | {'P' * 21} |"))
    assert [(i.severity, i.location()) for i in issues] == [("error", "催收策略!B2")]
    assert "1 to 20 characters" in issues[0].text("en") and policy["letters_number_prefix"] == "CS"
    policy, issues = load_policy(policy_sheet(f"letters_number_prefix | {'应收' * 10} |"))
    assert issues == [] and policy["letters_number_prefix"] == "应收" * 10


def test_policy__a_sheet_without_a_value_column_names_the_header_cell():
    _, issues = load_policy(raw_sheet("催收策略", "设置项 | 说明\nlang | en"))
    assert [(i.severity, i.location()) for i in issues] == [("error", "催收策略!A1")]


def test_policy__a_row_holding_only_spaces_above_the_header_is_empty():
    """The header is the first non-empty row; a row of spaces above it is blank (found by the contract audit)."""
    sheet = raw_sheet("催收策略", "SPACE |\n设置项 | 值\nlang | en")
    sheet = dataclasses.replace(sheet, frame=sheet.frame.replace({"SPACE": "  \u200b"}))
    policy, issues = load_policy(sheet)
    assert issues == [] and policy["lang"] == "en"
