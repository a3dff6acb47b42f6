"""Read once, then compute: every input sheet turned into typed frames and located issues.

One reader per input sheet (`ledger`, `customers`, `payments`, `plans`, `events`,
`snapshots`, `letter_log`, `contacts`, `weekly`, `fx`; the Policy sheet is read by `policy.load_policy`, next to
its settings registry).  `read_inputs` runs them in dependency order, once: the Customers sheet
before the Ledger (unknown customers, missing names), the Ledger before the sheets that
name its invoices.  Passes receive the result, `Inputs`, and never parse a cell.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from ..issues import Issue
from ..policy import Policy, load_policy
from ..tables import RawSheet
from .contacts import ContactLog, read_contacts
from .customers import Customers, read_customers
from .events import read_events
from .fx import FxRates, read_fx
from .ledger import Ledger, read_ledger
from .letter_log import LetterLog, read_letter_log
from .payments import customer_payments, read_payments
from .plans import PlanRows, read_plans
from .snapshots import read_snapshots
from .weekly import read_weekly


@dataclass(frozen=True)
class RefreshInputs:
    """The raw input sheets, as an adapter reads them; only the Ledger is required."""

    ledger: RawSheet
    customers: RawSheet | None = None
    policy: RawSheet | None = None
    snapshots: RawSheet | None = None
    payments: RawSheet | None = None
    plans: RawSheet | None = None
    events: RawSheet | None = None
    letters: RawSheet | None = None     # the Letters · 函件记录 log: delivered demands interrupt the limitation
    contacts: RawSheet | None = None    # the Contacts · 联络记录 log (issue 11)
    weekly: RawSheet | None = None      # the tool's own Weekly · 重点客户周跟踪 history
    fx: RawSheet | None = None          # the FX · 汇率 rates to CNY (issue 12)


@dataclass(frozen=True)
class Inputs:
    """Every input of a refresh, read and checked once."""

    policy: Policy
    ledger: Ledger
    customers: Customers
    payments: pd.DataFrame | None       # None: no Payments data, the ledger's Paid Amount counts
    plans: PlanRows
    events: pd.DataFrame
    snapshots: pd.DataFrame
    letters: LetterLog                  # the Letters log: delivered demands (limitation), letters written
    contacts: ContactLog
    paid: pd.DataFrame                  # every payment with its customer (customer_payments)
    weekly: pd.DataFrame                # earlier weeks of the Weekly sheet
    # Each reading's issues by name ("policy", "customers", "ledger", ...), reported by the pass
    # that first uses it (see refresh.PASSES); the log's ("letters") only by the letters pipeline.
    issues: Mapping[str, tuple[Issue, ...]]
    fx: FxRates = FxRates()             # rates to CNY by currency and date (issue 12)


def read_inputs(raw: RefreshInputs, policy: Policy | None = None) -> Inputs:
    """Read every sheet once; a given `policy` replaces the Policy sheet."""
    policy_issues: list[Issue] = []
    if policy is None:
        policy, policy_issues = load_policy(raw.policy)
    customers, customer_issues = read_customers(raw.customers, policy)
    ledger, ledger_issues = read_ledger(raw.ledger, customers.frame if raw.customers is not None else None)
    payments, payment_issues = read_payments(raw.payments, ledger.frame)
    events, event_issues = read_events(raw.events, ledger.frame)
    snapshots, snapshot_issues = read_snapshots(raw.snapshots, policy)
    letters, letter_issues = read_letter_log(raw.letters, numbered=False)
    contacts, contact_issues = read_contacts(raw.contacts, ledger.frame, customers.frame)
    weekly, weekly_issues = read_weekly(raw.weekly)
    fx, fx_issues = read_fx(raw.fx)
    issues = {"policy": policy_issues, "customers": customer_issues, "ledger": ledger_issues,
              "payments": payment_issues, "events": event_issues, "scores": customers.score_issues,
              "snapshots": snapshot_issues, "letters": letter_issues, "contacts": contact_issues,
              "weekly": weekly_issues, "fx": fx_issues}
    return Inputs(policy, ledger, customers, payments, read_plans(raw.plans, policy), events, snapshots, letters,
                  contacts, customer_payments(payments, ledger.frame), weekly,
                  MappingProxyType({name: tuple(found) for name, found in issues.items()}), fx)
