"""The demo's export business (issue 12): a few invoices in USD, EUR and HKD, and the FX sheet.

Two companies (overseas ones first) are picked from the seeded demo: one at stage S3 gets two overdue USD
invoices beside its CNY ones (its payment demand notice has a table per currency), one at S4 gets
an overdue EUR invoice and an HKD invoice not yet due.  The stages stay as they were, and the
export invoices have their own number series (EXP-), so every CNY row, total and letter of the
demo is the same with or without them.  The FX sheet holds a month-end rate per currency over the
demo's history, a seeded walk around a plausible level; the as-of rate is the latest month end.
Foreign invoices stay out of the Customers sheet's annual sales (a CNY figure the clerk types).
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Callable

from ..core.read.fx import CNY, currency_code

FX_SEED_OFFSET = 23
# currency -> (level, monthly step as a share of the level)
FX_LEVELS = {"USD": (Decimal("7.18"), 0.006), "EUR": (Decimal("7.82"), 0.008), "HKD": (Decimal("0.9210"), 0.005)}
FX_MONTHS = 16                  # month-end rates over the demo's ~15 months of invoices
# (customer stage, [(currency, days before as-of of the invoice, terms, amount in cents)])
EXPORT_INVOICES = (
    ("S3", [("USD", 58, 30, 1_845_000), ("USD", 41, 30, 926_550)]),
    ("S4", [("EUR", 100, 60, 1_230_000), ("HKD", 20, 60, 8_640_000)]),
)


def fx_rows(as_of: dt.date, seed: int) -> list[dict[str, object]]:
    """One rate per currency at each of the last `FX_MONTHS` month ends on or before `as_of`."""
    rng = random.Random(seed + FX_SEED_OFFSET)
    month_ends = []
    day = as_of.replace(day=1) - dt.timedelta(days=1)
    for _ in range(FX_MONTHS):
        month_ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    rows = []
    for code, (level, step) in FX_LEVELS.items():
        rate = float(level)
        for day in reversed(month_ends):
            rate *= 1 + rng.uniform(-step, step)
            rows.append({"currency": code, "date": day, "rate": float(Decimal(str(rate)).quantize(Decimal("0.0001")))})
    return rows


def add_export_invoices(builder, invoice_class: Callable, invoice_stages: Callable[[list], list[str]],
                        overseas_line: int) -> list:
    """The export invoices (see module doc), numbered EXP-0001…; `invoice_stages(invoices)` gives each
    invoice's stage.  The builder's own invoices are left as they are."""
    def customer_stages(invoices: list) -> dict[int, str]:
        worst: dict[int, str] = {}
        for invoice, stage in zip(invoices, invoice_stages(invoices)):
            if stage in LADDER and stage > worst.get(invoice.customer.number, ""):
                worst[invoice.customer.number] = stage
        return worst

    stages = customer_stages(builder.invoices)
    exports = []
    used: set[int] = set()
    for stage, specs in EXPORT_INVOICES:
        candidates = [c for c in builder.customers if c.number not in used and stages.get(c.number) == stage
                      and _plain_company(builder, c)]
        customer = min(candidates, key=lambda c: (c.line != overseas_line, c.number))   # overseas first
        used.add(customer.number)
        for code, invoice_day, terms, cents in specs:
            exports.append(invoice_class(customer, customer.line, invoice_day, terms, cents, currency=code))
    for n, invoice in enumerate(exports, start=1):
        invoice.number = f"EXP-{n:04d}"
    if customer_stages(builder.invoices + exports) != stages:
        raise AssertionError("demo export invoices changed a customer's stage")
    return exports


LADDER = ("S0", "S1", "S2", "S3", "S4", "S5")


def _plain_company(builder, customer) -> bool:
    """A company whose invoices are all CNY, without a status (plan, dispute, hold…) or credit note."""
    mine = [inv for inv in builder.invoices if inv.customer is customer]
    return (customer.ctype != "individual" and bool(mine)
            and all(inv.status in (None, "open") and not inv.credit_note and currency_code(inv.currency) == CNY
                    for inv in mine))
