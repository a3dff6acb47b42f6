"""Amounts in Chinese capitals (bank rules) and letter dates."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xlsx_tools.core.rmb import fen_capitals, format_date_en, format_date_zh, rmb_capitals


@pytest.mark.parametrize("amount, words", [
    # the cases
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("0.05", "人民币伍分"),
    ("10.00", "人民币壹拾元整"),
    ("100000.10", "人民币壹拾万元零壹角"),
    ("1000000001.01", "人民币壹拾亿零壹元零壹分"),
    # zero filling
    ("10005", "人民币壹万零伍元整"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("100010", "人民币壹拾万零壹拾元整"),
    ("100010000", "人民币壹亿零壹万元整"),
    ("10100", "人民币壹万零壹佰元整"),
    # the People's Bank examples
    ("1409.50", "人民币壹仟肆佰零玖元伍角"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "人民币壹拾万零柒仟元零伍角叁分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    # 整 only when there are neither 角 nor 分
    ("0", "人民币零元整"),
    ("0.50", "人民币伍角"),
    ("2.5", "人民币贰元伍角"),
    ("20", "人民币贰拾元整"),
    ("100000000", "人民币壹亿元整"),
    ("1100000000", "人民币壹拾壹亿元整"),
    ("10000000000000", "人民币壹拾万亿元整"),
])
def test_capitals__bank_rules(amount, words):
    assert rmb_capitals(amount) == words


def test_capitals__never_整_after_分_or_角():
    for fen in range(1, 100_000, 7):
        words = fen_capitals(fen)
        assert words.startswith("人民币")
        if fen % 100:
            assert not words.endswith("整")
        else:
            assert words.endswith("元整")
        assert "零零" not in words


@pytest.mark.parametrize("amount, words", [
    ("0.005", "人民币壹分"),         # half up, not truncated
    ("0.004", "人民币零元整"),
    ("1.995", "人民币贰元整"),
    ("16409.015", "人民币壹万陆仟肆佰零玖元零贰分"),
    (Decimal("99.999"), "人民币壹佰元整"),
    (0.125, "人民币壹角叁分"),          # a float is taken as written, then rounded half up
])
def test_capitals__round_half_up_to_the_fen(amount, words):
    assert rmb_capitals(amount) == words


@pytest.mark.parametrize("amount", ["-0.01", "-5", Decimal("-16409.02"), "abc", "NaN", "Infinity", True])
def test_capitals__negatives_and_junk_are_refused(amount):
    with pytest.raises(ValueError):
        rmb_capitals(amount)
    if isinstance(amount, str) and amount.startswith("-"):
        with pytest.raises(ValueError):
            fen_capitals(int(Decimal(amount) * 100))


def test_capitals__too_large_is_refused():
    with pytest.raises(ValueError):
        fen_capitals(10 ** 16 * 100)


def test_dates__written_as_in_letters():
    assert format_date_zh(dt.date(2026, 11, 30)) == "2026年11月30日"
    assert format_date_zh(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert format_date_en(dt.date(2026, 3, 5)) == "5 March 2026"
