"""The demo's collector's week: about 400 contacts over the last 3 months, seeded.

Drawn from the demo ledger so the stories hold together (build/demo.py calls `add_contacts`
after the ledger, payments and events are made, with its own random stream so the rest of
the demo stays as it was):
- routine follow-up of every overdue customer by stage: e-mail and SMS early, calls later,
  visits and letters for the oldest debts, from three collectors in office hours;
- a call a few days before many receipts, some of them a promise that the receipt keeps;
- broken promises (old and recent, one still waiting for a call), open promises, one due today;
- two avoiders: five or more unanswered attempts on several days in the last two weeks;
- one breach of each contact rule: a call at 22:30, a 4th connected call in a day, a 7th call
  attempt in a day, a third party asked to pay, a note with banned wording;
- a lawsuit against the customer whose orders fell the most (Events type 被诉), for the
  order-drop early warning; and a key-customer threshold (Policy) that the demo's biggest
  customers reach, so the Weekly sheet has rows.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ..core import i18n
from ..core.i18n import Lang

CONTACT_DAYS = 90
COLLECTORS = (("张伟", "Zhang Wei"), ("王芳", "Wang Fang"), ("刘洋", "Liu Yang"))
KEY_CUSTOMERS = 5                       # the demo's threshold lets its 5 biggest customers through
_NOTES = {
    "promise": ("客户承诺按期付款", "customer promised to pay"),
    "refused": ("称资金紧张，暂不付款", "says cash is tight, will not pay yet"),
    "dispute": ("对货物质量提出异议，待核实", "raises a quality dispute, to be checked"),
    "other": ("已提醒金额和到期日", "reminded of amount and due date"),
    "no_answer": ("无人接听", "no answer"),
    "paid": ("确认已安排付款", "confirms payment is arranged"),
    "wrong_contact": ("号码为空号", "number no longer in service"),
}


@dataclass
class DemoContact:
    day: int                            # days before as-of
    minute: int                         # minutes after midnight
    customer: object                    # demo._Customer
    channel: str
    outcome: str
    collector: int
    connected: bool | None = None       # None = leave blank (the reader's default)
    relation: str | None = None
    promised_day: int | None = None     # days before as-of (negative = future)
    promised_fen: int | None = None
    invoice: object | None = None       # demo._Invoice
    note: tuple[str, str] | None = None


def _office_minute(rng: random.Random) -> int:
    return rng.randint(9 * 60, 17 * 60 + 45)


def _channel_for(rng: random.Random, days_past_due: int, ctype: str) -> str:
    if days_past_due <= 30:
        return rng.choice(("sms", "email", "phone") if ctype == "individual" else ("email", "email", "phone", "wechat"))
    if days_past_due <= 90:
        return rng.choice(("phone", "phone", "wechat", "email"))
    return rng.choice(("phone", "phone", "visit", "letter") if ctype != "individual" else ("phone", "sms", "letter"))


class ContactMaker:
    """Builds the demo contacts from a finished demo builder."""

    def __init__(self, builder, seed: int):
        self.rng = random.Random(seed)
        self.builder = builder
        self.contacts: list[DemoContact] = []
        self.reserved: set[tuple[int, int]] = set()     # (customer, day) kept free for a rule breach
        self.quiet: set[int] = set()                    # the avoiders: nobody reaches them
        self.overdue = self._overdue_customers()

    def _overdue_customers(self) -> dict[int, list]:
        """Customer number -> its open past-due invoices (ordinary statuses)."""
        found: dict[int, list] = {}
        for inv in self.builder.invoices:
            if inv.open_fen > 0 and inv.days_past_due >= 1 and inv.status in (None, "open", "disputed"):
                found.setdefault(inv.customer.number, []).append(inv)
        return found

    def add(self, *args, **kwargs) -> DemoContact:
        contact = DemoContact(*args, **kwargs)
        self.contacts.append(contact)
        return contact

    def routine(self, skip: set[int]) -> None:
        """Follow-up every 6-12 days while a receivable is past due, in office hours."""
        rng = self.rng
        outcomes = ("other", "other", "refused", "no_answer", "dispute", "paid")
        for customer in self.builder.customers:
            invoices = self.overdue.get(customer.number)
            if not invoices or customer.number in skip:
                continue
            oldest = max(inv.days_past_due for inv in invoices)
            day = min(CONTACT_DAYS, oldest - 1) - rng.randint(0, 5)
            while day > 4:
                dpd = oldest - day
                channel = _channel_for(rng, dpd, customer.ctype)
                outcome = rng.choice(outcomes) if channel in ("phone", "visit", "wechat") else "other"
                self.add(day, _office_minute(rng), customer, channel, outcome, customer.number % 3,
                         connected=False if outcome == "no_answer" else None,
                         invoice=rng.choice(invoices) if rng.random() < 0.3 else None,
                         note=_NOTES[outcome])
                day -= rng.randint(4, 9)
                while (customer.number, day) in self.reserved:
                    day -= 1

    def before_receipts(self) -> None:
        """A contact 1-5 days before receipts of the last 3 months; a third are promises the receipt keeps."""
        rng = self.rng
        for payment in sorted(self.builder.payments, key=lambda p: (p.day, p.invoice.number)):
            customer = payment.invoice.customer
            if not 8 <= payment.day <= CONTACT_DAYS - 5 or rng.random() < 0.2 or customer.number in self.quiet:
                continue
            lead = rng.randint(1, 5)
            channel = rng.choice(("phone", "phone", "email", "wechat", "visit"))
            if rng.random() < 0.35 and channel != "email":
                self.add(payment.day + lead, _office_minute(rng), customer, channel, "promise",
                         customer.number % 3, promised_day=payment.day - rng.randint(0, 2),
                         promised_fen=payment.amount_fen, note=_NOTES["promise"])
            else:
                self.add(payment.day + lead, _office_minute(rng), customer, channel,
                         "other" if channel == "email" else rng.choice(("other", "paid")), customer.number % 3,
                         invoice=payment.invoice, note=_NOTES["other"])

    def key_accounts(self) -> None:
        """A weekly call or visit to the biggest customers but the last, who was not reached this week."""
        rng = self.rng
        for customer in self.biggest()[:KEY_CUSTOMERS - 1]:
            for day in range(rng.randint(1, 4), CONTACT_DAYS, 7):
                channel = rng.choice(("phone", "phone", "visit", "wechat"))
                self.add(day, _office_minute(rng), customer, channel, rng.choice(("other", "paid", "refused")),
                         customer.number % 3, relation=rng.choice(("finance", "superior", None)),
                         note=_NOTES["other"])

    def biggest(self) -> list:
        """Customers by invoicing over the last 12 months, largest first."""
        sales = trailing_sales(self.builder)
        ranked = sorted(sales, key=lambda n: (-sales[n], n))
        customers = {c.number: c for c in self.builder.customers}
        return [customers[n] for n in ranked if n not in self.quiet]

    def promises(self, pool: list) -> None:
        """Broken promises (old, and recent ones still waiting), open promises and one due today."""
        rng = self.rng
        plans = ((60, 52), (45, 38), (20, 12), (14, 7), (11, 6), (3, -4), (5, -2), (2, 0))
        for (made, due), customer in zip(plans, pool):
            open_fen = sum(inv.open_fen for inv in self.overdue[customer.number])
            amount = max(100_00, open_fen * rng.randint(20, 60) // 100 // 100 * 100)
            self.add(made, _office_minute(rng), customer, "phone", "promise", customer.number % 3,
                     promised_day=due, promised_fen=amount, note=_NOTES["promise"])

    def avoiders(self, pool: list) -> None:
        """Five or six unanswered attempts on three or more days in the last two weeks."""
        rng = self.rng
        for customer in pool:
            for day in sorted(rng.sample(range(1, 13), 3), reverse=True):
                for _ in range(2):
                    self.add(day, _office_minute(rng), customer, rng.choice(("phone", "phone", "wechat")),
                             "no_answer", customer.number % 3, connected=False, note=_NOTES["no_answer"])

    def breaches(self, pool: list) -> None:
        """One breach of each contact rule."""
        rng = self.rng
        late, talkative, redial, third, rude = pool
        self.add(16, 22 * 60 + 30, late, "phone", "refused", 0, note=_NOTES["refused"])
        for n in range(4):                                   # the 4th connected call of the day
            self.add(19, 10 * 60 + 90 * n, talkative, "phone", "other", 1, note=_NOTES["other"])
        for n in range(7):                                   # the 7th attempt of the day
            self.add(22, 9 * 60 + 60 * n, redial, "phone", "no_answer", 2, connected=False,
                     note=_NOTES["no_answer"])
        self.add(25, _office_minute(rng), third, "phone", "other", 1, relation="third_party",
                 note=("联系其邻居，请其转告付款", "called a neighbour and asked them to pass on the demand"))
        self.add(24, _office_minute(rng), rude, "phone", "refused", 0,
                 note=("称不付款就曝光其欠款", "said the debt would be exposed on social media if unpaid"))

    def make(self) -> list[DemoContact]:
        rng = self.rng
        customers = {c.number: c for c in self.builder.customers}
        owing = [customers[n] for n in sorted(self.overdue)]
        rng.shuffle(owing)
        avoiding, promising, breaching = owing[:2], owing[2:10], owing[10:15]
        self.quiet = {c.number for c in avoiding}
        self.reserved = {(breaching[1].number, 19), (breaching[2].number, 22)}
        self.routine(skip=self.quiet)
        self.key_accounts()
        self.before_receipts()
        self.promises(promising)
        self.avoiders(avoiding)
        self.breaches(breaching)
        return sorted(self.contacts, key=lambda c: (-c.day, c.minute, c.customer.number))


def add_order_drop_lawsuit(builder, event_type) -> None:
    """Events type 被诉 for the customer still owing whose invoicing fell the most (last 6 months vs the 6 before)."""
    owing = {inv.customer.number for inv in builder.invoices if inv.open_fen > 0}
    before: dict[int, int] = {}
    after: dict[int, int] = {}
    for inv in builder.invoices:
        if inv.amount_fen > 0 and inv.invoice_day < 360:
            bucket = after if inv.invoice_day < 175 else before
            bucket[inv.customer.number] = bucket.get(inv.customer.number, 0) + inv.amount_fen
    drops = sorted(((1 - after.get(n, 0) / total, n) for n, total in before.items() if total > 0 and n in owing), reverse=True)
    share, number = drops[0]
    if share < 0.5:
        raise AssertionError(f"demo: no customer's orders fell enough ({share:.0%})")
    customer = next(c for c in builder.customers if c.number == number)
    builder.events.append(event_type(20, customer, None, "sued",
                                     ("法院传票（第三方起诉该客户）", "court summons (a third party sued the customer)")))


def trailing_sales(builder) -> dict[int, int]:
    """Invoiced fen per customer number over the last 12 months (a few days' margin)."""
    sales: dict[int, int] = {}
    for inv in builder.invoices:
        if inv.amount_fen > 0 and inv.invoice_day < 360:
            sales[inv.customer.number] = sales.get(inv.customer.number, 0) + inv.amount_fen
    return sales


def key_customer_threshold(builder) -> int:
    """A round Policy threshold (yuan) the demo's KEY_CUSTOMERS biggest customers reach over 12 months."""
    fifth = sorted(trailing_sales(builder).values(), reverse=True)[KEY_CUSTOMERS - 1]
    return fifth // 100 // 100_000 * 100_000


def contact_rows(contacts: list[DemoContact], as_of: dt.date, lang: Lang) -> list[dict[str, object]]:
    en = lang == "en"

    def day(offset: int) -> dt.date:
        return as_of - dt.timedelta(days=offset)

    rows = []
    for c in contacts:
        stamp = dt.datetime.combine(day(c.day), dt.time()) + dt.timedelta(minutes=c.minute)
        rows.append({
            "contact_time": stamp,
            "customer_id": c.customer.customer_id,
            "channel": i18n.CHANNELS[c.channel].get(lang),
            "contact_person": c.customer.contact[en] if c.relation != "third_party" else None,
            "relation": i18n.RELATIONS[c.relation].get(lang) if c.relation else None,
            "connected": None if c.connected is None else i18n.CONNECTED["Y" if c.connected else "N"].get(lang),
            "outcome": i18n.OUTCOMES[c.outcome].get(lang),
            "promised_date": day(c.promised_day) if c.promised_day is not None else None,
            "promised_amount": c.promised_fen / 100 if c.promised_fen is not None else None,
            "invoice_no": c.invoice.number if c.invoice is not None else None,
            "collector": COLLECTORS[c.collector][en],
            "note": c.note[en] if c.note else None,
        })
    return rows


def set_policy_value(ws, key: str, value: object) -> None:
    """Write `value` into the Policy sheet row of setting `key` (column A key, column B value)."""
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == key:
            ws.cell(row=row, column=2, value=value)
            return
    raise KeyError(key)
