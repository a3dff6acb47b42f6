"""Amounts in Chinese capitals (大写) and dates as written in letters.

The capitals follow the People's Bank of China rules for filling in bills and
settlement vouchers (《正确填写票据和结算凭证的基本规定》):

- the text starts with 人民币;
- 整 follows 元 when there are neither 角 nor 分; nothing follows 分 (and we write
  no 整 after 角 either, which the rules allow);
- a run of zeros between two non-zero digits is written as one 零, also across the
  万/亿 boundaries and between 元 and 角/分: ¥1409.50 -> 壹仟肆佰零玖元伍角,
  ¥6007.14 -> 陆仟零柒元壹角肆分, ¥16409.02 -> 壹万陆仟肆佰零玖元零贰分,
  ¥10005 -> 壹万零伍元整;
- 拾 always carries its digit: ¥10 -> 壹拾元整, ¥1010 -> 壹仟零壹拾元整;
- amounts under one yuan start at the first non-zero unit: ¥0.05 -> 人民币伍分.

Amounts are rounded half up to the fen (off-the-shelf converters truncate);
negative amounts are refused.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")
PREFIX = "人民币"
MAX_YUAN = 10 ** 16 - 1     # 玖仟玖佰玖拾玖万亿…: the largest amount with a unit name

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def to_decimal_yuan(amount: Decimal | int | float | str) -> Decimal:
    """Yuan as an exact Decimal rounded half up to the fen; ValueError for junk or negatives."""
    if isinstance(amount, bool):
        raise ValueError(f"not an amount: {amount!r}")
    try:
        value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    if value < 0:
        raise ValueError(f"negative amounts have no capital form: {amount!r}")
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rmb_capitals(amount: Decimal | int | float | str) -> str:
    """Yuan (Decimal, str, int or float) -> '人民币壹万陆仟肆佰零玖元零贰分'."""
    value = to_decimal_yuan(amount)
    return fen_capitals(int(value * 100))


def fen_capitals(fen: int) -> str:
    """Integer fen -> the capital form; ValueError for negatives or amounts beyond 万亿."""
    fen = int(fen)
    if fen < 0:
        raise ValueError(f"negative amounts have no capital form: {fen} fen")
    yuan, rest = divmod(fen, 100)
    if yuan > MAX_YUAN:
        raise ValueError(f"amount too large for capitals: {yuan} yuan")
    jiao, fen_digit = divmod(rest, 10)
    if fen == 0:
        return PREFIX + "零元整"
    # Every digit from the highest down to 分, each with its unit; zeros are handled
    # uniformly: one 零 for a run of zeros that has a non-zero digit after it.
    places: list[tuple[int, str, bool]] = []   # (digit, unit, closes a 万/亿 group)
    yuan_text = str(yuan) if yuan else ""
    width = len(yuan_text)
    for position, char in enumerate(yuan_text):
        small = (width - 1 - position) % 4
        places.append((int(char), SMALL_UNITS[small], small == 0))
    out: list[str] = []
    pending_zero = False
    started = False
    for position, (digit, unit, group_end) in enumerate(places):
        power = width - 1 - position
        if digit:
            if pending_zero:
                out.append("零")
            out.append(DIGITS[digit] + unit)
            pending_zero = False
            started = True
        elif started:
            pending_zero = True
        if group_end and power:
            # Name the group (万, 亿, 万亿) when any of its four digits is non-zero.
            group = power // 4
            group_digits = yuan_text[max(0, position - 3):position + 1]
            if group_digits.strip("0"):
                out.append(GROUP_UNITS[group])
    if yuan:
        out.append("元")
    if jiao == 0 and fen_digit == 0:
        return PREFIX + "".join(out) + "整"
    # 元位 zero (or 角 zero with 分 present) after a written integer part: one 零.
    if yuan and (yuan % 10 == 0 or jiao == 0):
        out.append("零")
    if jiao:
        out.append(DIGITS[jiao] + "角")
    if fen_digit:
        out.append(DIGITS[fen_digit] + "分")
    return PREFIX + "".join(out)


def format_date_zh(day: dt.date) -> str:
    """2026-03-05 -> '2026年3月5日' (the form used in letters)."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_date_en(day: dt.date) -> str:
    """2026-03-05 -> '5 March 2026'."""
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def format_letter_date(day: dt.date, lang: str) -> str:
    return format_date_zh(day) if lang == "zh" else format_date_en(day)
