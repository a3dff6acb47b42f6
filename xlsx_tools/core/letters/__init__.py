"""Letters, pure: which a refresh result calls for (`plan`), the checks before a number is
reserved (`checks`), their numbers (`numbering`), template contexts (`context`) and the
fixed sample context (`samples`).

A letter is one customer and one kind:

| kind         | trigger (policy defaults)                                        |
|--------------|------------------------------------------------------------------|
| confirmation | customer stage in `letters_confirmation_stages` (S1)             |
| reminder     | stage in `letters_reminder_stages` (S1) and the customer is new  |
|              | (first trade < `new_customer_months` ago) or high-risk           |
| demand       | stage in `letters_demand_stages` (S3)                            |
| lawyer       | stage in `letters_lawyer_stages` (S4)                            |
| case_review  | on request: one per row of the Cases sheet not yet reviewed       |
| plan         | on request: one 分期还款协议 per row of the Plans sheet not yet    |
|              | rendered (the plan no is logged in the Case Ref column)          |
| evidence     | on request: stage in `letters_evidence_stages` (S5): the 诉讼证据清单 |
|              | of the overdue invoices, with its gaps (`evidence`)              |
| payment_order| on request: stage in `letters_payment_order_stages` (S5) and the  |
|              | debt undisputed (no Contacts `dispute`, no open `disputed` row)  |

Idempotency: a letter is skipped when the Letters log already holds one for the
same customer, kind and stage dated less than `letters_cooldown_days` before the
letter date (void rows do not count).  Numbers read `PREFIX-YEAR-000123`,
sequential per prefix and year, and are never reused: the caller passes every
number ever seen (log, journal, files) to `next_sequence`.

Demand notices and lawyer's letters state the principal, the interest up to the as-of date
(`core.interest.interest_statements` over the invoices the letter lists), its basis and the
total; every context carries these figures, and each invoice row its own interest.

Everything here is data in, data out: the adapters render, write and fsync.  The Company,
Cases and Letters log sheets are read by `core.read`; the log sheet is laid out by
`present.letter_log`.
"""
from __future__ import annotations

from .checks import check_job
from .context import CONTEXT_NAMES, letter_context
from .numbering import format_letter_no, next_sequence, parse_letter_no
from .plan import KINDS, LetterJob, LetterNote, plan_letters
from .samples import sample_context

__all__ = ["KINDS", "LetterJob", "LetterNote", "plan_letters", "check_job", "letter_context", "CONTEXT_NAMES",
           "format_letter_no", "next_sequence", "parse_letter_no", "sample_context"]
