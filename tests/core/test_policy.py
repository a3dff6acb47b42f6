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


def test_policy__contact_rule_and_priority_settings_out_of_range_are_located_errors_and_keep_the_default():
    """A negative daily cap flagged every connected call ('at most -1 a day'), a contact window
    ending before it starts (08:00-07:00) flagged every timed contact, and a key-target share of
    150% silently made Key Target impossible: all were taken without a word (found by the
    input-sheets audit). Each is now an error on its cell, and the default is kept."""
    policy, issues = load_policy(policy_sheet("""
    max_connected_calls | -1 |
    max_call_attempts | -2 |
    promise_grace_days | -3 |
    avoidance_attempts | 0 |
    avoidance_days | 0 |
    broken_promise_window_days | 0 |
    call_cadence.S2 | -1 |
    key_target_share | 150% |
    order_drop_share | 1.5 |
    warning_early_overdue_share | 101% |
    """))
    assert sorted(i.location() for i in issues) == sorted(f"催收策略!B{row}" for row in range(2, 12))
    assert all(i.severity == "error" for i in issues)
    defaults = ("max_connected_calls", "max_call_attempts", "promise_grace_days", "avoidance_attempts",
                "avoidance_days", "broken_promise_window_days", "call_cadence.S2", "key_target_share",
                "order_drop_share", "warning_early_overdue_share")
    assert all(policy[key] == DEFAULT_POLICY[key] for key in defaults)
    by_cell = {i.location(): i.text("en") for i in issues}
    assert by_cell["催收策略!B9"] == ("催收策略!B9: Invalid value '150%' for key_target_share: "
                                     "a share from 0 to 100% is expected")


def test_policy__a_contact_window_that_ends_before_it_starts_is_an_error_and_both_ends_keep_the_default():
    policy, issues = load_policy(policy_sheet("""
    contact_window_start | 08:00 |
    contact_window_end | 07:00 |
    """))
    assert [(i.severity, i.location()) for i in issues] == [("error", "催收策略!B2"), ("error", "催收策略!B3")]
    assert "ends before it starts" in issues[1].text("en") and "早于" in issues[1].text("zh")
    assert (policy["contact_window_start"], policy["contact_window_end"]) == (dt.time(8), dt.time(22))
    policy, issues = load_policy(policy_sheet("""
    contact_window_start | 25:00 |
    contact_window_end | 07:00 |
    """))       # the start is already an error of its own: one error on each cell, not two on B2
    assert [(i.location(), "ends before it starts" in i.text("en")) for i in issues] == [
        ("催收策略!B2", False), ("催收策略!B3", True)]
    policy, issues = load_policy(policy_sheet("""
    contact_window_start | 0:00 |
    max_connected_calls | 0 |
    contact_window_end | 23:59 |
    """))
    assert issues == [] and policy["contact_window_end"] == dt.time(23, 59) and policy["max_connected_calls"] == 0


def test_policy__setting_keys_are_read_in_any_letter_case_and_a_repeated_key_is_a_warning():
    """'MAX_CALL_ATTEMPTS' was an unknown setting while the headers and sheet names are read in any
    case; a second row for the same setting silently replaced the first (found by the input-sheets audit)."""
    policy, issues = load_policy(policy_sheet("""
    MAX_CALL_ATTEMPTS | 2 |
    Call_Cadence.s3 | 5 |
    max_call_attempts | 4 |
    """))
    assert [(i.severity, i.location()) for i in issues] == [("warning", "催收策略!A4")]
    assert issues[0].text("en") == ("催收策略!A4: Setting 'max_call_attempts' is already given in row 2; "
                                    "this row is ignored")
    assert policy["max_call_attempts"] == 2 and policy["call_cadence.S3"] == 5
