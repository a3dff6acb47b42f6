"""The Policy settings of the collector's week, ready to join `policy.SETTINGS` at integration.

Each default is the constant the core function uses as its argument default, so the two
cannot drift apart.  Money is in yuan (Decimal) as in every Policy money setting.
"""
from __future__ import annotations

from decimal import Decimal

from .calls import STAGE_CADENCE_DAYS
from .channels import CHANNEL_MIN_ATTEMPTS, SUCCESS_DAYS
from .contact_rules import MAX_CALL_ATTEMPTS, MAX_CONNECTED_CALLS, WINDOW_END, WINDOW_START
from .contacts_labels import DEFAULT_BANNED_WORDS
from .early_warning import ORDER_DROP_SHARE
from .i18n import Label
from .key_customers import KEY_CUSTOMER_SALES_FEN
from .policy import Setting
from .promises import AVOIDANCE_ATTEMPTS, AVOIDANCE_DAYS, BROKEN_PROMISE_WINDOW_DAYS, PROMISE_GRACE_DAYS

CONTACT_SETTINGS: tuple[Setting, ...] = (
    Setting("promise_grace_days", "int", PROMISE_GRACE_DAYS,
            Label("Days after the promised date before an unkept promise counts as broken",
                  "承诺还款日后多少天仍未兑现即视为违约")),
    Setting("broken_promise_window_days", "int", BROKEN_PROMISE_WINDOW_DAYS,
            Label("Broken Promises counts promises due within this many days", "违约承诺次数统计最近多少天")),
    Setting("avoidance_days", "int", AVOIDANCE_DAYS,
            Label("Days looked back for avoidance", "判断失联/回避时回看的天数")),
    Setting("avoidance_attempts", "int", AVOIDANCE_ATTEMPTS,
            Label("Unanswered attempts (on 2 or more days) that make a customer an avoider",
                  "判定失联/回避所需的未接通联络次数（至少分布在2天）")),
    Setting("contact_window_start", "text", WINDOW_START.strftime("%H:%M"),
            Label("Earliest contact time (local, inclusive)", "最早联络时间（当地时间，含）")),
    Setting("contact_window_end", "text", WINDOW_END.strftime("%H:%M"),
            Label("Latest contact time (local, inclusive)", "最晚联络时间（当地时间，含）")),
    Setting("max_connected_calls", "int", MAX_CONNECTED_CALLS,
            Label("Connected calls allowed per customer per day", "每个客户每日最多接通电话次数")),
    Setting("max_call_attempts", "int", MAX_CALL_ATTEMPTS,
            Label("Call attempts allowed per customer per day", "每个客户每日最多拨打次数")),
    Setting("banned_words", "text_list", DEFAULT_BANNED_WORDS,
            Label("Words not allowed in contact notes (threats, false claims)", "联络备注中禁止出现的用语（威胁、虚假陈述）")),
    *(Setting(f"call_cadence.{stage}", "int", days,
              Label(f"Follow up a stage {stage} customer after this many days without contact",
                    f"{stage} 阶段客户多少天未联络即列入今日待办"))
      for stage, days in STAGE_CADENCE_DAYS.items()),
    Setting("key_customer_sales", "money", Decimal(KEY_CUSTOMER_SALES_FEN).scaleb(-2),
            Label("Key customer: invoiced over the trailing 12 months (or Annual Sales) at least",
                  "重点客户：近12个月开票额（或年销售额）不低于")),
    Setting("channel_success_days", "int", SUCCESS_DAYS,
            Label("A contact succeeds when a payment or kept promise follows within this many days",
                  "联络后多少天内有回款或承诺兑现即视为成功")),
    Setting("channel_min_attempts", "int", CHANNEL_MIN_ATTEMPTS,
            Label("Contacts a channel needs before it can be named best", "渠道至少联络多少次才参与最佳渠道比较")),
    Setting("order_drop_share", "ratio", ORDER_DROP_SHARE,
            Label("Early warning: invoicing over the last 6 months fell by more than", "预警：近6个月开票额降幅超过")),
)
