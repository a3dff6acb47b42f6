"""Amounts in English words for letters in USD, EUR and HKD (issue 12), from exact integer cents.

'One million US dollars and fifty cents'.  Short scale (a billion is 10⁹), no "and" inside the
whole number, cents always in words, the first letter capitalised.  Written here rather than taken
from a library: the rules fit in a page, they work from integer cents (never a float), and the
wording of the three currencies is ours to fix.  CNY letters use the Chinese capitals (`rmb`).
"""
from __future__ import annotations

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen").split()
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SCALES = ("", "thousand", "million", "billion", "trillion")
# currency -> (one unit, units, one cent, cents)
UNITS = {
    "USD": ("US dollar", "US dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "HKD": ("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
}


def has_words(currency: str) -> bool:
    return currency in UNITS


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        parts.append(TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    elif rest:
        parts.append(ONES[rest])
    return " ".join(parts)


def number_words(n: int) -> str:
    """0..10¹⁵-1 in words: 1000000 -> 'one million', 1234 -> 'one thousand two hundred thirty-four'."""
    if n < 0 or n >= 1000 ** len(SCALES):
        raise ValueError(f"no words for {n}")
    if n == 0:
        return "zero"
    groups, scale = [], 0
    while n:
        n, group = divmod(n, 1000)
        if group:
            groups.append(_below_thousand(group) + (f" {SCALES[scale]}" if scale else ""))
        scale += 1
    return " ".join(reversed(groups))


def amount_words(cents: int, currency: str) -> str:
    """Integer cents of USD/EUR/HKD in words; ValueError for negatives or another currency."""
    if currency not in UNITS:
        raise ValueError(f"no English words for currency {currency!r}")
    if cents < 0:
        raise ValueError(f"negative amounts have no words: {cents}")
    one, many, cent, cents_name = UNITS[currency]
    whole, rest = divmod(int(cents), 100)
    text = f"{number_words(whole)} {one if whole == 1 else many}"
    if rest:
        text += f" and {number_words(rest)} {cent if rest == 1 else cents_name}"
    return text[0].upper() + text[1:]
