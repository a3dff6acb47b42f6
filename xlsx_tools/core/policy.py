"""The collections policy: every threshold, rate and label as editable data.

`SETTINGS` is the single registry of what the Policy sheet may hold: key, kind,
default and a description in both languages.  The workbook template is written
from it and the Policy sheet is read back through it, so a new setting needs one
line here and nothing else.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Callable, Literal, Mapping

import pandas as pd

from . import i18n
from .cells import clean_text, fen_to_decimal, parse_dates, parse_money
from .i18n import Label, Lang
from .issues import Issue, issue
from .sheet_rows import first_filled_row
from .tables import RawSheet, SerialDates

SettingKind = Literal["int", "ratio", "money", "date", "text", "lang", "int_list", "text_list", "optional_date",
                      "decimal", "ratio_list", "decimal_list", "rate_table",
                      "interest_basis", "payment_order", "demand_scope", "clock"]


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


# One-year LPR (% a year) from each date: the shipped history of prc-law-defaults.md.
LPR_1Y_HISTORY: tuple[tuple[dt.date, Decimal], ...] = tuple(
    (dt.date.fromisoformat(day), Decimal(rate)) for day, rate in (
        ("2019-08-20", "4.25"), ("2019-09-20", "4.20"), ("2019-11-20", "4.15"), ("2020-02-20", "4.05"),
        ("2020-04-20", "3.85"), ("2021-12-20", "3.80"), ("2022-01-20", "3.70"), ("2022-05-20", "3.70"),
        ("2022-08-22", "3.65"), ("2023-06-20", "3.55"), ("2023-08-21", "3.45"), ("2024-02-20", "3.45"),
        ("2024-07-22", "3.35"), ("2024-10-21", "3.10"), ("2025-05-20", "3.00")))


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
    Setting("bonus_threshold", "ratio", Decimal("0.80"),
            Label("Bonus (method's example scheme): recovery rate above which an owner earns it",
                  "回款奖励（方法示例方案）：回收率高于此值时计发")),
    Setting("bonus_rate", "ratio", Decimal("0.01"),
            Label("Bonus (method's example scheme): share of the overdue amount recovered",
                  "回款奖励（方法示例方案）：按逾期回收金额的比例")),
    Setting("new_customer_months", "int", 12,
            Label("A customer is new for this many months after the first trade", "首次合作后多少个月内视为新客户")),
    *_stage_text_settings(),
    # -- letters settings (issue 3) --
    Setting("letters_cooldown_days", "int", 7,
            Label("Letters: no second letter of the same kind, customer and stage within this many days",
                  "函件：同一客户、类型和阶段在此天数内不重复发函")),
    Setting("letters_number_prefix", "text", "CS",
            Label("Letters: number prefix, at most 20 characters (numbers read PREFIX-YEAR-000123)",
                  "函件：编号前缀，最多 20 个字符（编号形如 前缀-年份-000123）")),
    Setting("letters_deadline_days", "int", 7,
            Label("Letters: payment deadline, days after the letter date (demand, lawyer's letter)",
                  "函件：付款期限，发函日后天数（催款通知书、律师函）")),
    Setting("letters_reply_days", "int", 10,
            Label("Letters: reply deadline of a confirmation letter, days after the letter date",
                  "函件：账款确认函回复期限，发函日后天数")),
    Setting("letters_confirmation_stages", "text_list", ("S1",),
            Label("Letters: customer stages that get a confirmation letter", "函件：发送账款确认函的客户阶段")),
    Setting("letters_reminder_stages", "text_list", ("S1",),
            Label("Letters: customer stages that get a reminder (new or high-risk customers only)",
                  "函件：发送还款提醒函的客户阶段（仅新客户或高风险客户）")),
    Setting("letters_demand_stages", "text_list", ("S3",),
            Label("Letters: customer stages that get a payment demand notice", "函件：发送催款通知书的客户阶段")),
    Setting("letters_lawyer_stages", "text_list", ("S4",),
            Label("Letters: customer stages that get a lawyer's letter draft", "函件：起草律师函的客户阶段")),
    Setting("letters_evidence_stages", "text_list", ("S5",),
            Label("Letters: customer stages that get a litigation evidence checklist (--kind evidence)",
                  "函件：生成诉讼证据清单的客户阶段（--kind evidence）")),
    Setting("letters_payment_order_stages", "text_list", ("S5",),
            Label("Letters: customer stages that get a payment order application draft if the debt is "
                  "undisputed (--kind payment_order)",
                  "函件：债务无争议时起草支付令申请书的客户阶段（--kind payment_order）")),
    # -- letter timing windows (issue 9): a pre-due letter must still be able to prevent a dispute --
    Setting("letters_confirmation_from_days", "int", 15,
            Label("Letters: a confirmation covers invoices due in at most this many days",
                  "函件：账款确认函涵盖距到期日不超过此天数的单据")),
    Setting("letters_confirmation_to_days", "int", 7,
            Label("Letters: a confirmation covers invoices due in at least this many days",
                  "函件：账款确认函涵盖距到期日不少于此天数的单据")),
    Setting("letters_reminder_from_days", "int", 6,
            Label("Letters: a reminder covers invoices due in at most this many days",
                  "函件：还款提醒函涵盖距到期日不超过此天数的单据")),
    Setting("letters_reminder_to_days", "int", 1,
            Label("Letters: a reminder covers invoices due in at least this many days",
                  "函件：还款提醒函涵盖距到期日不少于此天数的单据")),
    Setting("letters_output_dir", "text", "letters",
            Label("Letters: output folder, relative to the workbook (--out wins)",
                  "函件：输出文件夹，相对于工作簿所在位置（命令行 --out 优先）")),
    Setting("letters_template_dir", "text", None,
            Label("Letters: folder of edited letter templates (blank = the shipped ones)",
                  "函件：自定义函件模板文件夹（空白 = 使用自带模板）")),
    # -- money and law settings (issue 5) --
    Setting("interest_basis", "interest_basis", "lpr",
            Label("Overdue interest basis: lpr (one-year LPR × multiplier), daily (fixed daily rate) or contract "
                  "(ledger column Interest Rate, annual %; blank rows use lpr)",
                  "逾期利息计算依据：lpr（一年期LPR×倍数）、daily（固定日利率）或 contract（台账“合同利率”列，年利率%；"
                  "未填的单据按 lpr）")),
    Setting("lpr_1y_history", "rate_table", LPR_1Y_HISTORY,
            Label("One-year LPR history, % a year from each date (date: rate; ...); add new fixings at the end",
                  "一年期LPR历史（自该日起执行的年利率%，格式 日期: 利率; ...）；新报价加在末尾")),
    Setting("lpr_multiplier", "decimal", Decimal("1.5"),
            Label("Overdue interest = one-year LPR in force the day after the due date × this multiplier",
                  "逾期利息 = 到期次日适用的一年期LPR × 此倍数")),
    Setting("interest_day_count", "int", 365,
            Label("Days in a year for annual rates (actual days / this number)", "年利率折算日利率的年天数（实际天数/此数）")),
    Setting("interest_daily_rate", "ratio", Decimal("0.0005"),
            Label("Daily rate for the 'daily' basis (SME payment regulation: 0.05% a day)",
                  "daily 依据的日利率（保障中小企业款项支付条例：每日万分之五）")),
    Setting("interest_payment_order", "payment_order", "principal_first",
            Label("How a payment is applied: principal_first or interest_first", "收款冲抵顺序：principal_first（先本后息）或 "
                  "interest_first（先息后本）")),
    Setting("foreign_interest_rate", "decimal", Decimal("5"),
            Label("Overdue interest on a debt in a foreign currency (USD, EUR, HKD ...), annual %: used instead of the "
                  "LPR, which is a CNY rate; a contract rate still comes first under the contract basis",
                  "外币欠款（USD、EUR、HKD 等）的逾期利息年利率（%）：LPR 为人民币利率，外币欠款改按此利率；"
                  "计息依据为 contract 时仍先按合同利率")),
    Setting("extension_fee_daily_rate", "ratio", Decimal("0.0003"),
            Label("Fund-occupation fee per day of an extension plan (term adjustment + fee)",
                  "展期方案的资金占用费日费率（调整账期+收费）")),
    Setting("plan_installments_min", "int", 3,
            Label("Installment plans: fewest installments (the prepayment counts as one)",
                  "分期方案：最少期数（首付款计为一期）")),
    Setting("plan_installments_max", "int", 6,
            Label("Installment and extension plans: most installments", "分期/展期方案：最多期数")),
    Setting("plan_interval_days", "int", 30,
            Label("Plans: days between installments when the plan row leaves it blank", "分期计划：每期间隔天数（计划表未填时）")),
    Setting("plan_interest_free_installments", "int", 3,
            Label("Plans: installments free of interest when the plan row leaves it blank",
                  "分期计划：免息期数（计划表未填时）")),
    Setting("plan_daily_rate", "ratio", Decimal("0.0002"),
            Label("Plans: daily rate on installments after the interest-free ones", "分期计划：免息期后各期的日利率")),
    Setting("plan_grace_days", "int", 7,
            Label("Plans: an installment unpaid this many days after its due date breaks the plan",
                  "分期计划：某期到期后超过此天数仍未还清即视为违约")),
    Setting("limitation_years", "int", 3,
            Label("Limitation period in years from the latest anchor (Civil Code art. 188)",
                  "诉讼时效期间（年），自最近的起算事件起（民法典第188条）")),
    Setting("limitation_cap_years", "int", 20,
            Label("Outer limit in years from the due date", "最长保护期（年），自到期日起")),
    Setting("limitation_alert_days", "int_list", (180, 90, 30),
            Label("Warn when the limitation period expires within these numbers of days",
                  "诉讼时效剩余天数达到这些天数时预警")),
    Setting("limitation_demand_scope", "demand_scope", "invoice",
            Label("Which debts a delivered demand interrupts: invoice (default: only the invoices it lists; a demand "
                  "listing none covers the customer), contract (also the other invoices of the same contract) or "
                  "customer (all of the customer's invoices). Courts treat each contract as its own claim (SPC "
                  "limitation provisions, art. 9): the wider scopes can show an expiry later than the real one, "
                  "so the claim may already be time-barred when the sheet says there is time",
                  "送达的催告中断哪些债务的诉讼时效：invoice（默认，仅函中所列单据；未列单据的视为针对该客户全部债务）、"
                  "contract（同一合同的其他单据）或 customer（该客户全部单据）。法院通常将每份合同视为独立债权"
                  "（《最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定》第九条）：范围放宽后显示的届满日"
                  "可能晚于实际，表上看似尚有时间，实际可能已过诉讼时效")),
    Setting("limitation_demand_letter_kinds", "text_list", ("demand", "lawyer"),
            Label("Letter kinds in the Letters log whose delivered date interrupts the period",
                  "函件记录中送达后可中断诉讼时效的函件类型")),
    Setting("limitation_enforcement_years", "int", 2,
            Label("After a judgment: years to apply for enforcement (counted from the judgment event date)",
                  "判决后申请强制执行的期限（年，自判决事件日期起算）")),
    Setting("credit_red_line_share", "ratio", Decimal("0.20"),
            Label("Red line: a new customer's credit limit must not exceed this share of registered capital",
                  "红线：新客户信用额度不得超过其注册资本的此比例")),
    Setting("credit_5c_weights", "ratio_list", (Decimal("0.2"),) * 5,
            Label("5C weights: Character, Capacity, Capital, Collateral, Conditions (sum 100%)",
                  "5C 权重：品格、能力、资本、担保、条件（合计 100%）")),
    Setting("credit_5c_band_edges", "decimal_list", (Decimal("2.5"), Decimal("3.5"), Decimal("4.5")),
            Label("5C score at which each higher limit band starts (scores run 1 to 5)",
                  "各较高额度档位的起始 5C 评分（评分 1 至 5）")),
    Setting("credit_5c_band_shares", "ratio_list", (Decimal("0"), Decimal("0.05"), Decimal("0.10"), Decimal("0.20")),
            Label("Suggested limit of each 5C band as a share of registered capital (examples, lowest band first)",
                  "各 5C 档位的建议额度占注册资本比例（示例，由低到高）")),
    Setting("provision_age_years", "int_list", (1, 2, 3, 4, 5),
            Label("Bad-debt provision: upper bounds in years of the age-since-invoice buckets",
                  "坏账准备：按开票账龄（年）分段的上限")),
    Setting("provision_rates", "ratio_list",
            (Decimal("0.05"), Decimal("0.10"), Decimal("0.30"), Decimal("0.50"), Decimal("0.80"), Decimal("1")),
            Label("Bad-debt provision rate per age bucket, youngest first: EXAMPLE rates, not law; calibrate them "
                  "(expected credit loss, CAS 22)",
                  "各账龄段坏账准备计提比例（由短到长）：仅为示例，非法定比例，请按企业历史损失率测算调整（预期信用损失，CAS 22）")),
    # ----- the collector's week (issue 11): promises, avoidance, contact rules, call list, key customers -----
    Setting("promise_grace_days", "int", 3,
            Label("Days after the promised date before an unkept promise counts as broken",
                  "承诺还款日后多少天仍未兑现即视为违约")),
    Setting("broken_promise_window_days", "int", 90,
            Label("Broken Promises counts promises due within this many days", "违约承诺次数统计最近多少天")),
    Setting("avoidance_days", "int", 14,
            Label("Days looked back for avoidance", "判断失联/回避时回看的天数")),
    Setting("avoidance_attempts", "int", 4,
            Label("Unanswered attempts (on 2 or more days) that make a customer an avoider",
                  "判定失联/回避所需的未接通联络次数（至少分布在2天）")),
    Setting("contact_window_start", "clock", dt.time(8, 0),
            Label("Earliest contact time (local, inclusive)", "最早联络时间（当地时间，含）")),
    Setting("contact_window_end", "clock", dt.time(22, 0),
            Label("Latest contact time (local, inclusive)", "最晚联络时间（当地时间，含）")),
    Setting("max_connected_calls", "int", 3,
            Label("Connected calls allowed per customer per day", "每个客户每日最多接通电话次数")),
    Setting("max_call_attempts", "int", 6,
            Label("Call attempts allowed per customer per day", "每个客户每日最多拨打次数")),
    Setting("banned_words", "text_list", i18n.DEFAULT_BANNED_WORDS,
            Label("Words not allowed in contact notes (threats, false claims)", "联络备注中禁止出现的用语（威胁、虚假陈述）")),
    *(Setting(f"call_cadence.{stage}", "int", days,
              Label(f"Follow up a stage {stage} customer after this many days without contact",
                    f"{stage} 阶段客户多少天未联络即列入今日待办"))
      for stage, days in (("S2", 3), ("S3", 7), ("S4", 7))),
    Setting("key_customer_sales", "money", Decimal("10000000"),
            Label("Key customer: invoiced over the trailing 12 months (or Annual Sales) more than",
                  "重点客户：近12个月开票额（或年销售额）高于")),
    Setting("channel_success_days", "int", 7,
            Label("A contact succeeds when a payment or kept promise follows within this many days",
                  "联络后多少天内有回款或承诺兑现即视为成功")),
    Setting("channel_min_attempts", "int", 5,
            Label("Contacts a channel needs before it can be named best", "渠道至少联络多少次才参与最佳渠道比较")),
    Setting("order_drop_share", "ratio", Decimal("0.30"),
            Label("Early warning: invoicing over the last 6 months fell by more than", "预警：近6个月开票额降幅超过")),
)
SETTINGS_BY_KEY: Mapping[str, Setting] = MappingProxyType({s.key: s for s in SETTINGS})
# The Setting cell is read in any letter case, like sheet and header names ('MAX_CALL_ATTEMPTS').
_SETTINGS_BY_FOLDED_KEY: Mapping[str, Setting] = MappingProxyType({s.key.casefold(): s for s in SETTINGS})


@dataclass(frozen=True)
class Policy:
    """Settings by key, defaults filled in; read through the typed properties."""

    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(
        {s.key: s.default for s in SETTINGS}))

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def with_values(self, **changes: Any) -> "Policy":
        """A copy with some settings replaced; an unknown key is a KeyError."""
        unknown = set(changes) - set(SETTINGS_BY_KEY)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        return Policy(MappingProxyType({**self.values, **changes}))

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

    @property
    def call_cadence(self) -> dict[str, int]:
        """Days without contact after which a stage's customer is on today's call list."""
        prefix = "call_cadence."
        return {key[len(prefix):]: days for key, days in self.values.items() if key.startswith(prefix)}

    def key_target_needs_downgrade(self) -> bool:
        return str(self.values["key_target_needs_downgrade"]).strip().upper() in {"Y", "YES", "是", "TRUE", "1"}


DEFAULT_POLICY = Policy()


def format_setting(setting: Setting, value: Any) -> object:
    """How a setting's value is shown in the Policy sheet."""
    if setting.kind in ("int_list", "text_list"):
        return ", ".join(str(v) for v in value)
    if setting.kind in ("ratio", "money"):
        return float(value)
    if setting.kind in ("decimal",):
        return float(value)
    if setting.kind == "ratio_list":
        return ", ".join(percent_text(v) for v in value)
    if setting.kind == "decimal_list":
        return ", ".join(_decimal_text(v) for v in value)
    if setting.kind == "clock":
        return value.strftime("%H:%M")
    if setting.kind == "rate_table":
        return "; ".join(f"{day.isoformat()}: {rate}" for day, rate in value)
    return value


def _decimal_text(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def percent_text(value: Decimal) -> str:
    """Decimal('0.0002') -> '0.02%', Decimal('0.8') -> '80%'."""
    return _decimal_text(Decimal(value) * 100) + "%"


class InvalidSetting(ValueError):
    """A setting value that cannot be used; `reason` says why in both languages."""

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
        raise InvalidSetting(Label("a number or percentage is expected", "应为数字或百分比")) from None
    if value < 0:
        raise InvalidSetting(Label("must not be negative", "不能为负数"))
    return value


def _parse_int(text: str) -> int:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidSetting(Label("a whole number is expected", "应为整数")) from None
    if number != number.to_integral_value():
        raise InvalidSetting(Label("a whole number is expected", "应为整数"))
    return int(number)


_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(text: str, serial_dates: SerialDates | None = None) -> dt.date:
    if _PLAIN_DATE.fullmatch(text) and "1678" <= text[:4] <= "2261":   # the usual form, without a pandas frame
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    parsed, bad = parse_dates(pd.Series([text], dtype="string"), serial_dates)
    if bad.iloc[0]:
        raise InvalidSetting(Label("a date such as 2026-11-28 is expected", "应为日期，如 2026-11-28"))
    return parsed.iloc[0].date()


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def parse_lang(text: str) -> str:
    """'zh' or 'en' from the words clerks type (中文, English, cn ...)."""
    folded = text.strip().lower()
    if folded in ("zh", "中文", "chinese", "cn"):
        return "zh"
    if folded in ("en", "english", "英文"):
        return "en"
    raise InvalidSetting(Label("zh or en is expected", "应为 zh 或 en"))


def _parse_money(text: str) -> Decimal:
    fen, bad = parse_money(pd.Series([text], dtype="string"))
    if bad.iloc[0] or fen.iloc[0] < 0:
        raise InvalidSetting(Label("an amount of 0 or more is expected", "应为不小于 0 的金额"))
    return fen_to_decimal(int(fen.iloc[0]))


_PARSERS: dict[str, Callable[[str], Any]] = {
    "int": _parse_int,
    "ratio": _parse_ratio,
    "money": _parse_money,
    "date": _parse_date,
    "optional_date": _parse_date,
    "text": lambda text: text,
    "lang": parse_lang,
    "int_list": lambda text: tuple(_parse_int(part) for part in _split_list(text)),
    "text_list": lambda text: tuple(_split_list(text)),
}


# ----- money and law setting kinds (issue 5) -----
def _parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidSetting(Label("a number is expected", "应为数字")) from None
    if not value.is_finite() or value < 0:
        raise InvalidSetting(Label("a number of 0 or more is expected", "应为不小于 0 的数字"))
    return value


def _parse_rate_table(text: str, serial_dates: SerialDates | None = None) -> tuple[tuple[dt.date, Decimal], ...]:
    """'2019-08-20: 4.25; 2019-09-20: 4.20' (also newlines, '；' and '：') -> ((date, % a year), ...)."""
    rows = []
    for part in text.replace("；", ";").replace("\n", ";").split(";"):
        part = part.strip().replace("：", ":")
        if not part:
            continue
        day, sep, rate = part.rpartition(":") if part.count(":") else ("", "", "")
        if not sep:
            raise InvalidSetting(Label("pairs 'date: rate' separated by ';' are expected",
                                 "应为以 ';' 分隔的 '日期: 利率'"))
        rows.append((_parse_date(day.strip(), serial_dates), _parse_decimal(rate.strip().rstrip("%"))))
    return tuple(rows)


def _choice_parser(choices: Mapping[str, Label]) -> Callable[[str], str]:
    aliases = {i18n.normalise_name(name): code for code, label in choices.items() for name in (code, *label.both())}

    def parse(text: str) -> str:
        code = aliases.get(i18n.normalise_name(text))
        if code is None:
            raise InvalidSetting(Label("one of " + ", ".join(choices) + " is expected",
                                 "应为以下之一：" + "、".join(f"{c}（{l.zh}）" for c, l in choices.items())))
        return code
    return parse


# Kinds whose parser reads dates, so takes the Policy sheet's `serial_dates`.
_DATED_KINDS = frozenset({"date", "optional_date", "rate_table"})

_PARSERS.update({
    "decimal": _parse_decimal,
    "ratio_list": lambda text: tuple(_parse_ratio(part) for part in _split_list(text)),
    "decimal_list": lambda text: tuple(_parse_decimal(part) for part in _split_list(text)),
    "rate_table": _parse_rate_table,
    "interest_basis": _choice_parser(i18n.INTEREST_BASES),
    "payment_order": _choice_parser(i18n.PAYMENT_ORDERS),
    "demand_scope": _choice_parser(i18n.DEMAND_SCOPES),
})


def _check_money_law(values: dict[str, Any]) -> dict[str, Label]:
    """Cross-field rules of the money and law settings (issue 5)."""
    problems: dict[str, Label] = {}
    table = values["lpr_1y_history"]
    days = [day for day, _ in table]
    if not table or days != sorted(set(days)):
        problems["lpr_1y_history"] = Label("at least one row, dates strictly increasing",
                                           "至少一行，日期须严格递增")
    if values["interest_day_count"] <= 0:
        problems["interest_day_count"] = Label("a positive whole number is expected", "应为正整数")
    low, high = values["plan_installments_min"], values["plan_installments_max"]
    if not 1 <= low <= high:
        problems["plan_installments_max"] = Label("at least the minimum number of installments",
                                                  "不得少于最少期数")
    for key in ("plan_interval_days", "limitation_years", "limitation_cap_years", "limitation_enforcement_years"):
        if values[key] <= 0:
            problems[key] = Label("a positive whole number is expected", "应为正整数")
    for key in ("plan_interest_free_installments", "plan_grace_days"):
        if values[key] < 0:
            problems[key] = Label("must not be negative", "不能为负数")
    alerts = values["limitation_alert_days"]
    if not alerts or any(a <= 0 for a in alerts):
        problems["limitation_alert_days"] = Label("positive whole numbers are expected", "应为正整数")
    weights = values["credit_5c_weights"]
    if len(weights) != 5 or sum(weights) != 1:
        problems["credit_5c_weights"] = Label("five weights adding up to 100% are expected",
                                              "应为合计 100% 的 5 个权重")
    edges = list(values["credit_5c_band_edges"])
    if edges != sorted(set(edges)):
        problems["credit_5c_band_edges"] = Label("increasing scores are expected", "应为递增的评分")
    if len(values["credit_5c_band_shares"]) != len(edges) + 1:
        problems["credit_5c_band_shares"] = Label("one share more than there are band edges is expected",
                                                  "比例个数应比档位分界数多 1")
    years = list(values["provision_age_years"])
    if not years or years != sorted(set(years)) or years[0] <= 0:
        problems["provision_age_years"] = Label("strictly increasing positive whole numbers are expected",
                                                "应为严格递增的正整数")
    rates = values["provision_rates"]
    if len(rates) != len(years) + 1 or any(r > 1 for r in rates):
        problems["provision_rates"] = Label("one rate (0-100%) more than there are age bounds is expected",
                                            "比例（0-100%）个数应比账龄分段上限数多 1")
    return problems


#: Characters of a letter number's prefix: the number starts every letter's file name, which must
#: stay within the file system's 255 bytes with the customer's part beside it.
LETTER_PREFIX_MAX = 20


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
    if len(values["letters_number_prefix"]) > LETTER_PREFIX_MAX:
        problems["letters_number_prefix"] = Label(f"1 to {LETTER_PREFIX_MAX} characters are expected",
                                                  f"应为 1 至 {LETTER_PREFIX_MAX} 个字符")
    problems.update(_check_money_law(values))
    problems.update(_check_collectors_week(values))
    return problems


# Settings that are counts or day spans (must not be negative) and those that need at least 1.
_NOT_NEGATIVE = ("max_connected_calls", "max_call_attempts", "promise_grace_days", "channel_success_days")
_AT_LEAST_ONE = ("avoidance_days", "avoidance_attempts", "broken_promise_window_days", "channel_min_attempts")
# Ratios that are shares of a whole, so above 100% can never be reached.
_SHARES = ("key_target_share", "warning_early_overdue_share", "order_drop_share")


def _check_collectors_week(values: dict[str, Any]) -> dict[str, Label]:
    """Ranges of the contact rules, promise and avoidance settings and the share thresholds: a
    negative daily cap or a window ending before it starts would flag every contact."""
    problems: dict[str, Label] = {}
    cadences = tuple(key for key in values if key.startswith("call_cadence."))
    for key in _NOT_NEGATIVE + cadences:
        if values[key] < 0:
            problems[key] = Label("must not be negative", "不能为负数")
    for key in _AT_LEAST_ONE:
        if values[key] < 1:
            problems[key] = Label("a positive whole number is expected", "应为正整数")
    for key in _SHARES:
        if not 0 <= values[key] <= 1:
            problems[key] = Label("a share from 0 to 100% is expected", "应为 0 至 100% 之间的比例")
    if values["contact_window_end"] < values["contact_window_start"]:
        reason = Label("the contact window ends before it starts", "联络时段的结束时间早于开始时间")
        problems["contact_window_start"] = problems["contact_window_end"] = reason
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
    header_pos = first_filled_row(frame)
    if header_pos is None:
        return DEFAULT_POLICY, []
    headers = {i18n.normalise_name(v): j for j, v in enumerate(frame.iloc[header_pos]) if pd.notna(v)}
    key_col = _find_column(headers, "key")
    value_col = _find_column(headers, "value")
    if key_col is None or value_col is None:
        header_start = f"{sheet.columns[min(headers.values())]}{sheet.first_row + header_pos}"
        issues.append(issue("error", sheet.name, header_start, "column_missing",
                            column="/".join(i18n.POLICY_COLUMNS["key" if key_col is None else "value"].both())))
        return DEFAULT_POLICY, issues
    cells: dict[str, str] = {}
    rows: dict[str, int] = {}
    typed: dict[str, object] = {}       # the value cells as typed, shown in a cross-field error
    failed: set[str] = set()            # keys whose cell is already an error (no second one for it)
    keys = clean_text(frame.iloc[header_pos + 1:, key_col])
    raw_values = clean_text(frame.iloc[header_pos + 1:, value_col])
    for position, (key, text) in enumerate(zip(keys, raw_values), start=header_pos + 1):
        if pd.isna(key):
            continue
        row = sheet.first_row + position
        setting = _SETTINGS_BY_FOLDED_KEY.get(str(key).casefold())
        if setting is None:
            issues.append(issue("warning", sheet.name, f"{sheet.columns[key_col]}{row}",
                                "policy_unknown_key", value=key))
            continue
        if setting.key in rows:      # the first row of a setting counts, as with duplicated IDs elsewhere
            issues.append(issue("warning", sheet.name, f"{sheet.columns[key_col]}{row}",
                                "policy_duplicate_key", value=setting.key, first=rows[setting.key]))
            continue
        rows[setting.key] = row
        cell = f"{sheet.columns[value_col]}{row}"
        cells[setting.key] = cell
        typed[setting.key] = text
        if pd.isna(text):
            if setting.kind == "optional_date":
                values[setting.key] = None
            continue
        try:
            parse = _PARSERS[setting.kind]
            values[setting.key] = (parse(str(text), serial_dates=sheet.serial_dates) if setting.kind in _DATED_KINDS
                                   else parse(str(text)))
        except InvalidSetting as invalid:
            failed.add(setting.key)
            issues.append(issue("error", sheet.name, cell, "policy_invalid", key=setting.key,
                                value=text, reason=invalid.reason))
    for key, reason in _check_consistency(values).items():
        shown = typed.get(key)
        if key not in failed:
            issues.append(issue("error", sheet.name, cells.get(key, ""), "policy_invalid", key=key,
                                value=format_setting(SETTINGS_BY_KEY[key], values[key]) if pd.isna(shown) else shown,
                                reason=reason))
        values[key] = DEFAULT_POLICY.values[key]
    return Policy(MappingProxyType(values)), issues


def _find_column(headers: dict[str, int], key: str) -> int | None:
    for name in i18n.POLICY_COLUMNS[key].both():
        if i18n.normalise_name(name) in headers:
            return headers[i18n.normalise_name(name)]
    return None


# ----- the collector's week setting kinds (issue 11) -----
def _parse_clock(text: str) -> dt.time:
    """'08:00', '8:00', '08:00:00' or a time cell read with its (ignored) date part -> a time of day."""
    match = re.search(r"(?:^|\s)(\d{1,2})[:：](\d{2})(?::\d{2})?$", text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidSetting(Label("a time of day such as 08:00 is expected", "应为时刻，如 08:00"))
    return dt.time(int(match[1]), int(match[2]))


_PARSERS["clock"] = _parse_clock
