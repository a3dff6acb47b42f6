"""The group view's pure rules: customer matching, the join, and the group's key-target and limit flags."""
from __future__ import annotations

import pandas as pd

from xlsx_tools.core.group import (CUSTOMER_ROW_COLUMNS, NAME_SEPARATOR, group_priority, join_customers,
                                   match_keys, merge_names)
from xlsx_tools.core.read.customers import credit_codes


def rows(*records: dict) -> pd.DataFrame:
    base = {"customer_name": "", "credit_code": "", "subsidiaries": "A", "open_fen": 0, "overdue_fen": 0,
            "max_days": 0, "stage_rank": 0, "credit_limit_fen": 0, "limits_known": 0}
    frame = pd.DataFrame([{**base, **r} for r in records])
    frame["match_key"] = match_keys(frame["customer_id"], frame["customer_name"],
                                    frame["credit_code"].replace("", None))
    return frame[list(CUSTOMER_ROW_COLUMNS)]


def test_credit_codes__half_width_upper_case_without_spaces():
    typed = pd.Series([" 91310000ma1k 000001 ", "９１３１０000MA1K000001", "  ", None], dtype=object)
    assert credit_codes(typed).tolist() == ["91310000MA1K000001", "91310000MA1K000001", None, None]


def test_match_keys__code_first_else_id_and_folded_name():
    keys = match_keys(pd.Series(["C1", "C9", "C2", "C2", "C2"]),
                      pd.Series(["Huatai", "Other", "Delta  LTD", "delta ltd", "Delta Trading"]),
                      pd.Series(["X1", "X1", None, None, None], dtype=object))
    assert keys[0] == keys[1]               # same code, different IDs and names
    assert keys[2] == keys[3]               # same ID, same name once folded
    assert keys[2] != keys[4]               # same ID, another name: another customer


def test_merge_names__union_sorted_of_packed_values():
    assert merge_names(["b", f"a{NAME_SEPARATOR}b", "c"]) == NAME_SEPARATOR.join(["a", "b", "c"])


def test_join__sums_balances_and_limits_keeps_worst_stage_and_longest_days():
    joined = join_customers(rows(
        {"customer_id": "C1", "credit_code": "X1", "subsidiaries": "B", "open_fen": 100, "overdue_fen": 40,
         "max_days": 10, "stage_rank": 3, "credit_limit_fen": 50, "limits_known": 1},
        {"customer_id": "Z7", "credit_code": "X1", "subsidiaries": "A", "open_fen": 30, "overdue_fen": 30,
         "max_days": 95, "stage_rank": 7},
        {"customer_id": "C2", "customer_name": "D", "open_fen": 5}))
    first = joined[joined["credit_code"] == "X1"].iloc[0]
    assert (first["open_fen"], first["overdue_fen"], first["max_days"], first["stage_rank"]) == (130, 70, 95, 7)
    assert (first["credit_limit_fen"], first["limits_known"], first["customer_id"]) == (50, 1, "C1")
    assert first["subsidiaries"] == NAME_SEPARATOR.join(["A", "B"])
    assert len(joined) == 2


def test_group_priority__key_target_needs_share_above_5_percent_and_over_90_days():
    # group total 10,000 fen: 500 is exactly 5 %, 501 is above
    joined = join_customers(rows(
        {"customer_id": "AT", "open_fen": 500, "max_days": 200},
        {"customer_id": "ABOVE", "open_fen": 501, "max_days": 91},
        {"customer_id": "DAYS90", "open_fen": 4000, "max_days": 90},
        {"customer_id": "REST", "open_fen": 4999, "max_days": 0}))
    ranked = group_priority(joined).set_index("customer_id")
    assert ranked["key_target"].to_dict() == {"ABOVE": True, "AT": False, "DAYS90": False, "REST": False}
    assert ranked.loc["ABOVE", "rank"] == 1
    assert ranked["share"].sum() == 1.0


def test_group_priority__over_limits_only_above_the_known_limits():
    joined = join_customers(rows(
        {"customer_id": "EQUAL", "open_fen": 100, "credit_limit_fen": 100, "limits_known": 1},
        {"customer_id": "ABOVE", "open_fen": 101, "credit_limit_fen": 100, "limits_known": 1},
        {"customer_id": "NONE", "open_fen": 999}))
    ranked = group_priority(joined).set_index("customer_id")
    assert ranked["over_limits"].to_dict() == {"ABOVE": True, "EQUAL": False, "NONE": False}
