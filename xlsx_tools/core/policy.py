"""The collections policy: every threshold, rate and label as editable data.

`SETTINGS` is the single registry of what the Policy sheet may hold: key, kind,
default and a description in both languages.  The workbook template is written
from it and the Policy sheet is read back through it, so a new setting needs one
line here and nothing else.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Callable, Literal, Mapping

import pandas as pd

from . import i18n
from .cells import clean_text, fen_to_decimal, parse_dates, parse_money
from .i18n import Label, Lang
from .issues import Issue, issue
from .tables import RawSheet

SettingKind = Literal["int", "ratio", "money", "date", "text", "lang", "int_list", "text_list", "optional_date"]


@dataclass(frozen=True)
class Setting:
    key: str
    kind: SettingKind
    default: Any
    description: Label


def _stage_text_settings() -> list[Setting]:
    rows = []
    for code in i18n.STAGE_CODES:
        for lang in i18n.LANGS:
            rows.append(Setting(f"owner.{code}.{lang}", "text", i18n.DEFAULT_OWNERS[code].get(lang),
                                Label(f"Owner of stage {code} ({lang})", f"{code} 阶段责任人（{lang}）")))
            rows.append(Setting(f"action.{code}.{lang}", "text", i18n.DEFAULT_ACTIONS[code].get(lang),
                                Label(f"Next action at stage {code} ({lang})", f"{code} 阶段下一步动作（{lang}）")))
    return rows


SETTINGS: tuple[Setting, ...] = (
    Setting("as_of", "optional_date", None,
            Label("As-of date for aging (blank = today; --as-of wins)", "账龄基准日（空白=今天；命令行 --as-of 优先）")),
    Setting("lang", "lang", "zh", Label("Language of written sheets: zh or en", "输出语言：zh 或 en")),
    Setting("ladder_from_days", "int_list", (-15, 1, 8, 31, 91),
            Label("First day past due of stages S1, S2, S3, S4, S5 (negative = before due)",
                  "S1、S2、S3、S4、S5 各阶段起始逾期天数（负数为到期前）")),
    Setting("bucket_edges", "int_list", (0, 30, 60, 90, 180, 365),
            Label("Upper bounds (days past due) of the aging buckets", "账龄区间上限（逾期天数）")),
    Setting("rating_order", "text_list", ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"),
            Label("Credit ratings, best first", "信用评级，由好到差")),
    Setting("key_target_days", "int", 90,
            Label("Key target: max days past due greater than", "重点催收对象：最长逾期天数大于")),
    Setting("key_target_share", "ratio", Decimal("0.05"),
            Label("Key target: share of total open balance greater than", "重点催收对象：占总未收余额比例大于")),
    Setting("key_target_needs_downgrade", "text", "Y",
            Label("Key target also needs a downgraded rating (Y/N)", "重点催收对象须评级下调（Y/N）")),
    Setting("high_risk_days", "int", 90,
            Label("High risk: max days past due greater than", "高风险：最长逾期天数大于")),
    Setting("share_tag_edges", "text_list", ("0.01", "0.05"),
            Label("Amount-share tag bands (ratios)", "金额占比标签分档（比例）")),
    Setting("warning_early_overdue_share", "ratio", Decimal("0.15"),
            Label("Warn when overdue 1-30 days exceeds this share of a line's receivables",
                  "业务线逾期30天内金额占其应收比例超过此值时预警")),
    Setting("warning_early_overdue_days", "int", 30,
            Label("Early overdue means 1 to this many days past due", "逾期天数在 1 至此值之间视为逾期初期")),
    Setting("warning_overdue_growth", "ratio", Decimal("0.20"),
            Label("Warn when a line's overdue amount grows more than this vs last month",
                  "业务线逾期金额环比增长超过此值时预警")),
    Setting("closed_tolerance", "money", Decimal("0.00"),
            Label("Open amounts at or below this (yuan) count as closed", "未收金额不超过此值（元）视为结清")),
    Setting("new_customer_months", "int", 12,
            Label("A customer is new for this many months after the first trade", "首次合作后多少个月内视为新客户")),
    *_stage_text_settings(),
    # -- letters settings (issue 3) --
    # -- money and law settings (issue 5) --
)
SETTINGS_BY_KEY: Mapping[str, Setting] = MappingProxyType({s.key: s for s in SETTINGS})


@dataclass(frozen=True)
class Policy:
    """Settings by key, defaults filled in; read through the typed properties."""

    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(
        {s.key: s.default for s in SETTINGS}))

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def with_values(self, **changes: Any) -> "Policy":
        """A copy with some settings replaced (keys use '_' for '.')."""
        merged = dict(self.values)
        for key, value in changes.items():
            real = key if key in SETTINGS_BY_KEY else key.replace("_", ".", 2)
            if real not in SETTINGS_BY_KEY:
                raise KeyError(key)
            merged[real] = value
        return Policy(MappingProxyType(merged))

    @property
    def lang(self) -> Lang:
        return self.values["lang"]

    @property
    def ladder_from_days(self) -> tuple[int, ...]:
        return tuple(self.values["ladder_from_days"])

    @property
    def bucket_edges(self) -> tuple[int, ...]:
        return tuple(self.values["bucket_edges"])

    @property
    def rating_order(self) -> tuple[str, ...]:
        return tuple(self.values["rating_order"])

    @property
    def share_tag_edges(self) -> tuple[Decimal, ...]:
        return tuple(Decimal(v) for v in self.values["share_tag_edges"])

    def owner(self, code: str, lang: Lang) -> str:
        return self.values[f"owner.{code}.{lang}"]

    def action(self, code: str, lang: Lang) -> str:
        return self.values[f"action.{code}.{lang}"]

    def key_target_needs_downgrade(self) -> bool:
        return str(self.values["key_target_needs_downgrade"]).strip().upper() in {"Y", "YES", "是", "TRUE", "1"}


DEFAULT_POLICY = Policy()


def format_setting(setting: Setting, value: Any) -> object:
    """How a setting's value is shown in the Policy sheet."""
    if setting.kind in ("int_list", "text_list"):
        return ", ".join(str(v) for v in value)
    if setting.kind in ("ratio", "money"):
        return float(value)
    return value


class _Invalid(ValueError):
    def __init__(self, reason: Label):
        super().__init__(reason.en)
        self.reason = reason


def _parse_ratio(text: str) -> Decimal:
    try:
        if text.endswith("%"):
            value = Decimal(text[:-1].strip()) / 100
        else:
            value = Decimal(text)
    except InvalidOperation:
        raise _Invalid(Label("a number or percentage is expected", "应为数字或百分比")) from None
    if value < 0:
        raise _Invalid(Label("must not be negative", "不能为负数"))
    return value


def _parse_int(text: str) -> int:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Invalid(Label("a whole number is expected", "应为整数")) from None
    if number != number.to_integral_value():
        raise _Invalid(Label("a whole number is expected", "应为整数"))
    return int(number)


def _parse_date(text: str) -> dt.date:
    parsed, bad = parse_dates(pd.Series([text], dtype="string"))
    if bad.iloc[0]:
        raise _Invalid(Label("a date such as 2026-11-28 is expected", "应为日期，如 2026-11-28"))
    return parsed.iloc[0].date()


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def _parse_lang(text: str) -> str:
    folded = text.strip().lower()
    if folded in ("zh", "中文", "chinese", "cn"):
        return "zh"
    if folded in ("en", "english", "英文"):
        return "en"
    raise _Invalid(Label("zh or en is expected", "应为 zh 或 en"))


def _parse_money(text: str) -> Decimal:
    fen, bad = parse_money(pd.Series([text], dtype="string"))
    if bad.iloc[0] or fen.iloc[0] < 0:
        raise _Invalid(Label("an amount of 0 or more is expected", "应为不小于 0 的金额"))
    return fen_to_decimal(int(fen.iloc[0]))


_PARSERS: dict[str, Callable[[str], Any]] = {
    "int": _parse_int,
    "ratio": _parse_ratio,
    "money": _parse_money,
    "date": _parse_date,
    "optional_date": _parse_date,
    "text": lambda text: text,
    "lang": _parse_lang,
    "int_list": lambda text: tuple(_parse_int(part) for part in _split_list(text)),
    "text_list": lambda text: tuple(_split_list(text)),
}


def _check_consistency(values: dict[str, Any]) -> dict[str, Label]:
    """Cross-field rules; returns reasons by key."""
    problems: dict[str, Label] = {}
    ladder = values["ladder_from_days"]
    if len(ladder) != 5 or list(ladder) != sorted(set(ladder)):
        problems["ladder_from_days"] = Label("five strictly increasing whole numbers are expected",
                                             "应为 5 个严格递增的整数")
    edges = values["bucket_edges"]
    if len(edges) < 1 or edges[0] != 0 or list(edges) != sorted(set(edges)):
        problems["bucket_edges"] = Label("strictly increasing whole numbers starting with 0 are expected",
                                         "应为从 0 开始严格递增的整数")
    if len(values["rating_order"]) < 2:
        problems["rating_order"] = Label("at least two ratings are expected", "至少需要两个评级")
    try:
        bands = [Decimal(v) for v in values["share_tag_edges"]]
        if bands != sorted(set(bands)) or any(b <= 0 or b >= 1 for b in bands):
            raise InvalidOperation
    except InvalidOperation:
        problems["share_tag_edges"] = Label("increasing ratios between 0 and 1 are expected",
                                            "应为 0 到 1 之间递增的比例")
    return problems


def load_policy(sheet: RawSheet | None) -> tuple[Policy, list[Issue]]:
    """Read the Policy sheet (key / value / description rows) over the defaults.

    Invalid values keep their default and become errors naming the cell.
    """
    if sheet is None:
        return DEFAULT_POLICY, []
    values = dict(DEFAULT_POLICY.values)
    issues: list[Issue] = []
    frame = sheet.frame
    non_empty = frame.notna().any(axis=1).to_numpy()
    if not non_empty.any():
        return DEFAULT_POLICY, []
    header_pos = int(non_empty.argmax())
    headers = {i18n.normalise_name(v): j for j, v in enumerate(frame.iloc[header_pos]) if pd.notna(v)}
    key_col = _find_column(headers, "key")
    value_col = _find_column(headers, "value")
    if key_col is None or value_col is None:
        issues.append(issue("error", sheet.name, f"{sheet.first_row + header_pos}", "column_missing",
                            column="/".join(i18n.POLICY_COLUMNS["key" if key_col is None else "value"].both())))
        return DEFAULT_POLICY, issues
    cells: dict[str, str] = {}
    keys = clean_text(frame.iloc[header_pos + 1:, key_col])
    raw_values = clean_text(frame.iloc[header_pos + 1:, value_col])
    for position, (key, text) in enumerate(zip(keys, raw_values), start=header_pos + 1):
        if pd.isna(key):
            continue
        row = sheet.first_row + position
        setting = SETTINGS_BY_KEY.get(str(key))
        if setting is None:
            issues.append(issue("warning", sheet.name, f"{sheet.columns[key_col]}{row}",
                                "policy_unknown_key", value=key))
            continue
        cell = f"{sheet.columns[value_col]}{row}"
        cells[setting.key] = cell
        if pd.isna(text):
            if setting.kind == "optional_date":
                values[setting.key] = None
            continue
        try:
            values[setting.key] = _PARSERS[setting.kind](str(text))
        except _Invalid as invalid:
            issues.append(issue("error", sheet.name, cell, "policy_invalid", key=setting.key,
                                value=text, reason=invalid.reason))
    for key, reason in _check_consistency(values).items():
        issues.append(issue("error", sheet.name, cells.get(key, ""), "policy_invalid", key=key,
                            value=format_setting(SETTINGS_BY_KEY[key], values[key]), reason=reason))
        values[key] = DEFAULT_POLICY.values[key]
    return Policy(MappingProxyType(values)), issues


def _find_column(headers: dict[str, int], key: str) -> int | None:
    for name in i18n.POLICY_COLUMNS[key].both():
        if i18n.normalise_name(name) in headers:
            return headers[i18n.normalise_name(name)]
    return None
