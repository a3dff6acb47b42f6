"""Every user-facing name in both languages, organised by what it names.

- `labels`: Label, Message, Aliases and name folding (the building blocks);
- `sheets`: sheet names;
- `columns`: column headers, one table per sheet;
- `enums`: codes and their names, and the fixed words written into cells;
- `messages`: sentences (issue messages, letter notes, warnings, notes).

Callers use the package face, `i18n.NAME`; the modules only say where a name lives.
"""
from .columns import (AGING_COLUMNS, AGING_PROVISION_COLUMN, CASE_COLUMNS, COMPANY_COLUMNS, COMPANY_FIELDS,
                      CREDIT_COLUMNS, CUSTOMER_COLUMNS, DETAIL_COLUMNS, DETAIL_MONEY_LAW_COLUMNS, EVENT_COLUMNS,
                      FIVE_C_COLUMNS, ISSUE_COLUMNS, LEDGER_COLUMNS, LEDGER_COMPUTED_COLUMNS, LEDGER_RATE_COLUMNS,
                      LETTER_LOG_COLUMNS,
                      PAYMENT_COLUMNS, PLAN_COLUMNS, PLAN_SCHEDULE_COLUMNS, POLICY_COLUMNS, PRIORITY_COLUMNS,
                      PRIORITY_MONEY_LAW_COLUMNS, SNAPSHOT_COLUMNS)
from .enums import (ALL_INVOICES_WORDS, BLANK_LINE, BUCKET_NOT_DUE, CUSTOMER_TYPE_ALIASES, CUSTOMER_TYPES,
                    DEFAULT_ACTIONS, DEFAULT_OWNERS, DEMAND_SCOPES, EVENT_TYPE_ALIASES, EVENT_TYPES,
                    INSTALLMENT_STATUSES, INTEREST_BASES, LADDER_CODES, LETTER_KINDS, LETTER_STATUSES, LIMIT_BAND,
                    LIMIT_BAND_NONE, LIMITATION_STATES, NO_CONTRACT, NOT_YET_DUE, PAYMENT_ORDERS, PLAN_STATUSES,
                    PLAN_TYPES, SEVERITIES, SHARE_BANDS, STAGE_CODES, STAGE_NAMES, STATUSES, TAG_DOWNGRADED,
                    TAG_HIGH_RISK, TAG_KEY_TARGET, TAG_LIMITATION, TAG_LIMITATION_EXPIRED, TAG_OVER_LIMIT,
                    TAG_PLAN_BROKEN, TAG_RED_LINE, TIMELINE_WORDS, TOTAL, TOTAL_ROW_WORDS, YES_NO, bucket_labels)
from .group import (GROUP_AGING_COLUMNS, GROUP_KPI_COLUMNS, GROUP_KPI_MIXED_MONTHS, GROUP_KPI_NOTE,
                    GROUP_PRIORITY_COLUMNS, GROUP_TOTAL, SOURCE_COLUMNS,
                    SOURCE_NAME_SHARED, SOURCE_OK, SOURCE_UNUSABLE, SOURCE_WITH_ERRORS, SUBSIDIARY_TOTAL)
from .labels import LANGS, Aliases, Label, Lang, Message, match_names, name_lookup, normalise_name
from .messages import (INTEREST_BASIS_SHORT, INTEREST_BASIS_TEXT, LETTER_MESSAGES, MESSAGES, PRINT_FOOTER,
                       WARNINGS)
from .sheets import MONEY_LAW_INPUT_SHEETS, SHEETS, find_sheet
# the collector's week (issue 11)
from .columns import (CALL_COLUMNS, CHANNEL_COLUMNS, COMPLIANCE_COLUMNS, CONTACT_COLUMNS,  # noqa: E402
                      PRIORITY_CONTACT_COLUMNS, WEEKLY_COLUMNS)
from .enums import (CALL_REASONS, CHANNEL_ALIASES, CHANNELS, CONNECTED, CONNECTED_ALIASES,  # noqa: E402
                    CONTACT_RULES, DEFAULT_BANNED_WORDS, DPD_BANDS, NO_COLLECTOR, OUTCOME_ALIASES, OUTCOMES,
                    PROMISE_STATES, RELATION_ALIASES, RELATIONS, TAG_AVOIDING, TAG_ORDER_DROP, TAG_PROMISE_BROKEN,
                    WEEKLY_FLAGS)
from .messages import BEST_CHANNEL, NO_BEST_CHANNEL, PROMISE_SCRIPTS, SCRIPTS  # noqa: E402
# the legal hand-off (issue 11)
from .enums import DRAFT_BANNER, INTERRUPTION_NONE, INTERRUPTIONS, REPLY_STATES  # noqa: E402
# foreign currency (issue 12)
from .columns import DETAIL_FX_COLUMNS, FX_COLUMNS  # noqa: E402
