"""A seeded, realistic demo workbook: the template filled with a Chinese B2B ledger.

Every date is an offset from `as_of`, so the demo looks current whatever day it is
built and the mix of stages is the same for any as-of date.  The same seed and
as-of date give a byte-identical file.

What the data shows (see `build_demo_workbook`):
- ~70 customers of all three types (large / sme / individual) over five business
  lines, with ratings, downgrades, credit limits and contacts; some are new;
- ~600 invoices over the last 15 months with terms of 30/45/60/90 days (some rows
  give only the terms), partial and full payments, amounts as numbers and as text
  ("12,345.60", "¥12,345.60"), a few text dates, and credit notes;
- every status (正常, 争议, 暂停 with and without 暂停至, 分期, 诉讼, 核销) and every
  stage S0-S5, HOLD, PLAN, CLOSED, CREDIT;
- two key collection targets (> 90 days overdue, > 5% of the open balance,
  rating downgraded) and one total row at the end, which refresh skips with a
  warning.  No row produces an error;
- money and law: a Payments sheet holding every receipt of the ledger (some partial
  payments in two parts), so interest runs on each balance for the days it was
  outstanding; two installment plans on the Plans sheet, one on track (30% first,
  a fee on the last installment) and one broken (its one warning: the invoices go
  back to the ladder); and an Events sheet with a delivered demand, an
  acknowledgement and a promise to pay, which restart the limitation clock;
- the collector's week (build/demo_contacts.py): ~400 contacts over 3 months with kept and
  broken promises, two avoiders and one breach of each contact rule, a lawsuit against the
  customer whose orders fell, and a key-customer threshold its biggest customers reach;
- export invoices in USD, EUR and HKD for two companies, one at S3 owing in CNY and USD (its
  demand has a table per currency), and month-end rates on the FX sheet (build/demo_fx.py).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from os import PathLike
from pathlib import Path

import pandas as pd

from ..core import i18n
from ..core.i18n import Label, Lang
from ..core.passes.plans import schedule
from ..core.policy import DEFAULT_POLICY
from ..core.passes.stages import assign_stages
from ..core.read.plans import PlanTerms
from .ledger_formulas import add_aging_columns
from .demo_fx import add_export_invoices, fx_rows
from .demo_contacts import (ContactMaker, add_order_drop_lawsuit, contact_rows, key_customer_threshold,
                            set_policy_value)
from .templates import build_template, save_workbook

__all__ = ["build_demo_workbook", "DEMO_SEED"]

DEMO_SEED = 20261128
HISTORY_DAYS = 455             # invoices over the last ~15 months
N_LARGE, N_SME, N_INDIVIDUAL = 14, 42, 12
KEY_TARGET_SHARE = 0.10        # each key target's overdue cluster, as a share of the rest
MIN_PER_LADDER_STAGE = 10
EARLY_WARNING_SHARE = 0.22     # one line shows the early-overdue warning (threshold 15%)

# (zh, en) pairs.  Cities carry an area code and a few districts.
CITIES = {
    "east": [
        ("上海", "Shanghai", "021", [("浦东新区", "Pudong New Area"), ("闵行区", "Minhang District"),
                                     ("徐汇区", "Xuhui District")]),
        ("苏州", "Suzhou", "0512", [("工业园区", "Industrial Park"), ("吴中区", "Wuzhong District")]),
        ("杭州", "Hangzhou", "0571", [("西湖区", "Xihu District"), ("滨江区", "Binjiang District")]),
        ("宁波", "Ningbo", "0574", [("鄞州区", "Yinzhou District"), ("北仑区", "Beilun District")]),
        ("南京", "Nanjing", "025", [("江宁区", "Jiangning District"), ("鼓楼区", "Gulou District")]),
        ("合肥", "Hefei", "0551", [("蜀山区", "Shushan District"), ("包河区", "Baohe District")]),
    ],
    "south": [
        ("广州", "Guangzhou", "020", [("天河区", "Tianhe District"), ("番禺区", "Panyu District")]),
        ("深圳", "Shenzhen", "0755", [("南山区", "Nanshan District"), ("宝安区", "Bao'an District"),
                                      ("龙岗区", "Longgang District")]),
        ("东莞", "Dongguan", "0769", [("长安镇", "Chang'an Town"), ("松山湖", "Songshan Lake")]),
        ("佛山", "Foshan", "0757", [("顺德区", "Shunde District"), ("南海区", "Nanhai District")]),
        ("厦门", "Xiamen", "0592", [("思明区", "Siming District"), ("湖里区", "Huli District")]),
    ],
    "other": [
        ("武汉", "Wuhan", "027", [("江汉区", "Jianghan District"), ("东湖高新区", "East Lake High-tech Zone")]),
        ("成都", "Chengdu", "028", [("高新区", "High-tech Zone"), ("武侯区", "Wuhou District")]),
        ("天津", "Tianjin", "022", [("滨海新区", "Binhai New Area"), ("河西区", "Hexi District")]),
        ("青岛", "Qingdao", "0532", [("黄岛区", "Huangdao District"), ("市南区", "Shinan District")]),
        ("长沙", "Changsha", "0731", [("岳麓区", "Yuelu District"), ("雨花区", "Yuhua District")]),
        ("重庆", "Chongqing", "023", [("渝北区", "Yubei District"), ("九龙坡区", "Jiulongpo District")]),
        ("西安", "Xi'an", "029", [("雁塔区", "Yanta District"), ("未央区", "Weiyang District")]),
    ],
}
WORDS = [("恒信", "Hengxin"), ("华泰", "Huatai"), ("瑞丰", "Ruifeng"), ("宏达", "Hongda"), ("鑫源", "Xinyuan"),
         ("博远", "Boyuan"), ("中盛", "Zhongsheng"), ("永安", "Yong'an"), ("金桥", "Jinqiao"), ("海川", "Haichuan"),
         ("创联", "Chuanglian"), ("嘉禾", "Jiahe"), ("东方", "Dongfang"), ("新锐", "Xinrui"), ("天成", "Tiancheng"),
         ("同力", "Tongli"), ("汇通", "Huitong"), ("裕隆", "Yulong"), ("星辰", "Xingchen"), ("启明", "Qiming"),
         ("卓越", "Zhuoyue"), ("盛世", "Shengshi"), ("德润", "Derun"), ("安泰", "Antai"), ("百川", "Baichuan"),
         ("远航", "Yuanhang"), ("广源", "Guangyuan"), ("长城", "Changcheng")]
INDUSTRIES = [("电子科技", "Electronic Technology"), ("建材", "Building Materials"), ("商贸", "Trading"),
              ("机械设备", "Machinery"), ("物流", "Logistics"), ("化工", "Chemical"),
              ("医疗器械", "Medical Devices"), ("食品", "Foods"), ("新能源", "New Energy"),
              ("信息技术", "Information Technology"), ("建筑工程", "Construction Engineering"),
              ("纺织", "Textiles"), ("汽车零部件", "Auto Parts"), ("家居", "Home Furnishing"),
              ("包装材料", "Packaging Materials"), ("供应链管理", "Supply Chain Management")]
EXPORT_INDUSTRY = ("进出口贸易", "Import & Export")
SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
            ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
            ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
            ("罗", "Luo"), ("高", "Gao"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song")]
GIVEN_NAMES = [("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("秀英", "Xiuying"), ("敏", "Min"), ("静", "Jing"),
               ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"),
               ("艳", "Yan"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀兰", "Xiulan"),
               ("霞", "Xia"), ("平", "Ping"), ("建华", "Jianhua"), ("志强", "Zhiqiang"), ("海燕", "Haiyan"),
               ("晓东", "Xiaodong"), ("文博", "Wenbo"), ("雅婷", "Yating"), ("子涵", "Zihan"), ("国栋", "Guodong")]
ROADS = [("中山路", "Zhongshan Road"), ("人民路", "Renmin Road"), ("建设路", "Jianshe Road"),
         ("解放路", "Jiefang Road"), ("科技路", "Keji Road"), ("长江路", "Changjiang Road"),
         ("黄河路", "Huanghe Road"), ("和平路", "Heping Road"), ("新华路", "Xinhua Road"),
         ("工业大道", "Gongye Avenue"), ("创新大道", "Chuangxin Avenue"), ("滨江大道", "Binjiang Avenue")]
# Business lines: (zh, en, region of its customers, sales owners as (zh, en)).
LINES = [
    ("华东分销", "East China Distribution", "east", [("王磊", "Wang Lei"), ("陈静", "Chen Jing")]),
    ("华南零售", "South China Retail", "south", [("黄志强", "Huang Zhiqiang"), ("林晓燕", "Lin Xiaoyan")]),
    ("工程项目", "Engineering Projects", "other", [("赵刚", "Zhao Gang"), ("孙丽", "Sun Li")]),
    ("电商平台", "E-commerce Platform", "any", [("刘洋", "Liu Yang"), ("何敏", "He Min")]),
    ("海外业务", "Overseas Business", "any", [("周杰", "Zhou Jie"), ("吴婷", "Wu Ting")]),
]
LINE_EAST, LINE_SOUTH, LINE_PROJECTS, LINE_ONLINE, LINE_OVERSEAS = range(5)
MOBILE_PREFIXES = ("138", "139", "135", "136", "137", "150", "151", "158", "186", "187", "188", "189", "177", "199")
MAIL_HOSTS = ("163.com", "qq.com", "126.com", "sina.com")


@dataclass
class _Customer:
    number: int
    ctype: str                      # large / sme / individual
    line: int
    profile: str                    # good / slow / bad / plan / litigation / key
    name: tuple[str, str] = ("", "")
    city: tuple = ()
    rating: str = ""
    previous_rating: str = ""
    credit_limit_fen: int = 0
    registered_capital_fen: int | None = None
    first_trade_days: int = 0       # days before as-of
    contact: tuple[str, str] = ("", "")
    email: str | None = None
    phone: str = ""
    address: tuple[str, str] = ("", "")
    terms: int = 30
    owner: int = 0

    @property
    def customer_id(self) -> str:
        return f"C{self.number:04d}"


@dataclass
class _Invoice:
    customer: _Customer
    line: int
    invoice_day: int                # days before as-of (0 = as-of)
    terms: int
    amount_fen: int
    paid_fen: int = 0
    payment_day: int | None = None  # days before as-of of the last payment
    status: str | None = None       # key of i18n.STATUSES, None = blank
    hold_until_day: int | None = None   # days AFTER as-of (negative = past)
    give_due_date: bool = True
    amount_form: str = "number"     # number / text / yen / bracket
    date_form: str = "date"         # date / slash / chinese / compact / dotted
    show_name: bool = True
    currency: str | None = "CNY"
    credit_note: bool = False
    number: str = ""

    @property
    def due_day(self) -> int:
        """Days before as-of of the due date (negative = due in the future)."""
        return self.invoice_day - self.terms

    @property
    def days_past_due(self) -> int:
        return self.due_day

    @property
    def open_fen(self) -> int:
        return self.amount_fen - self.paid_fen


@dataclass
class _Payment:
    invoice: _Invoice
    day: int                        # days before as-of
    amount_fen: int
    plan: "_Plan | None" = None


@dataclass
class _Plan:
    number: int
    customer: _Customer
    invoices: list[_Invoice]
    total_fen: int
    signed_day: int                 # days before as-of
    first_due_day: int
    installments: int
    interval: int
    prepayment: float | None = None

    @property
    def plan_no(self) -> str:
        return f"FQ-{self.number:03d}"


@dataclass
class _Event:
    day: int
    customer: _Customer
    invoices: list[_Invoice] | None  # None = all
    event: str                      # key of i18n.EVENT_TYPES
    evidence: tuple[str, str]


# Stages compare days with as-of only, so the generator checks them against any fixed day.
_ANY_AS_OF = dt.date(2000, 1, 1)

# Demo plans: (signed, first due) in days before as-of, installments, interval, prepayment share,
# installments paid (each two days before its due date).  The second plan stops paying: broken.
DEMO_PLANS = ((50, 40, 4, 30, 0.3, 2), (110, 90, 3, 30, None, 1))


def _stages(invoices: list[_Invoice]) -> list[str]:
    """Each invoice's stage by the core's rules (`stages.assign_stages`) with the default policy."""
    as_of = pd.Timestamp(_ANY_AS_OF)
    aged = pd.DataFrame({
        "status": pd.Series([inv.status for inv in invoices], dtype=object),
        "amount_fen": [inv.amount_fen for inv in invoices],
        "open_fen": [inv.open_fen for inv in invoices],
        "days_past_due": [inv.days_past_due for inv in invoices],
        "hold_until": pd.to_datetime([None if inv.hold_until_day is None
                                      else as_of + pd.Timedelta(days=inv.hold_until_day) for inv in invoices]),
    })
    return list(assign_stages(aged, _ANY_AS_OF, DEFAULT_POLICY))


def _round_to(value: float, unit: int) -> int:
    return max(unit, int(round(value / unit)) * unit)


class _DemoBuilder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.customers: list[_Customer] = []
        self.invoices: list[_Invoice] = []
        self._used_names: set[str] = set()
        self.payments: list[_Payment] = []
        self.plans: list[_Plan] = []
        self.events: list[_Event] = []

    # ----- customers -------------------------------------------------------------
    def person(self) -> tuple[str, str]:
        surname, given = self.rng.choice(SURNAMES), self.rng.choice(GIVEN_NAMES)
        return surname[0] + given[0], f"{surname[1]} {given[1]}"

    def company_name(self, ctype: str, line: int, city: tuple) -> tuple[tuple[str, str], tuple[str, str]]:
        while True:
            word = self.rng.choice(WORDS)
            industry = EXPORT_INDUSTRY if line == LINE_OVERSEAS and self.rng.random() < 0.7 \
                else self.rng.choice(INDUSTRIES)
            if ctype == "large":
                zh_suffix, en_suffix = self.rng.choice([("集团有限公司", "Group Co., Ltd."),
                                                        ("股份有限公司", "Co., Ltd.")])
            else:
                zh_suffix, en_suffix = "有限公司", "Co., Ltd."
            zh = f"{city[0]}{word[0]}{industry[0]}{zh_suffix}"
            if zh not in self._used_names:
                self._used_names.add(zh)
                return (zh, f"{city[1]} {word[1]} {industry[1]} {en_suffix}"), word

    def individual_name(self) -> tuple[str, str]:
        while True:
            name = self.person()
            if name[0] not in self._used_names:
                self._used_names.add(name[0])
                return name

    def city_for(self, line: int) -> tuple:
        region = LINES[line][2]
        if region == "any":
            region = self.rng.choice(list(CITIES))
        return self.rng.choice(CITIES[region])

    def address(self, city: tuple, company: bool) -> tuple[str, str]:
        district = self.rng.choice(city[3])
        road = self.rng.choice(ROADS)
        number = self.rng.randint(1, 1288)
        if company and self.rng.random() < 0.6:
            building, floor = self.rng.choice("ABCD"), self.rng.randint(2, 28)
            return (f"{city[0]}市{district[0]}{road[0]}{number}号{building}座{floor}层",
                    f"Floor {floor}, Block {building}, No. {number} {road[1]}, {district[1]}, {city[1]}")
        return (f"{city[0]}市{district[0]}{road[0]}{number}号",
                f"No. {number} {road[1]}, {district[1]}, {city[1]}")

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def make_customers(self) -> None:
        rng = self.rng
        types = ["large"] * N_LARGE + ["sme"] * N_SME + ["individual"] * N_INDIVIDUAL
        rng.shuffle(types)
        companies = [n for n, t in enumerate(types) if t != "individual"]
        # Every line gets companies: the first ten companies go round the lines twice.
        forced_line = {n: k % len(LINES) for k, n in enumerate(companies[:2 * len(LINES)])}
        larges = [n for n, t in enumerate(types) if t == "large"]
        smes = [n for n, t in enumerate(types) if t == "sme"]
        key_targets = set(rng.sample(larges, 2))
        special = rng.sample(smes, 4)
        plan_customers, litigation_customer = set(special[:3]), special[3]
        new_candidates = [n for n in range(len(types)) if n not in key_targets and n not in special]
        new_customers = set(rng.sample(new_candidates, 12))
        ratings = DEFAULT_POLICY.rating_order
        for n, ctype in enumerate(types):
            if n in forced_line:
                line = forced_line[n]
            elif ctype == "individual":
                line = LINE_ONLINE if rng.random() < 0.7 else LINE_SOUTH
            elif ctype == "large":
                line = rng.choice([LINE_EAST, LINE_PROJECTS, LINE_PROJECTS, LINE_OVERSEAS, LINE_SOUTH])
            else:
                line = rng.choice(range(len(LINES)))
            if n in key_targets:
                profile = "key"
            elif n in plan_customers:
                profile = "plan"
            elif n == litigation_customer:
                profile = "litigation"
            else:
                weights = {"large": (60, 40, 0), "sme": (45, 40, 15), "individual": (50, 30, 20)}[ctype]
                profile = rng.choices(("good", "slow", "bad"), weights)[0]
            customer = _Customer(number=n + 1, ctype=ctype, line=line, profile=profile)
            customer.city = self.city_for(line)
            if ctype == "individual":
                customer.name = self.individual_name()
                customer.contact = customer.name
            else:
                customer.name, word = self.company_name(ctype, line, customer.city)
                customer.contact = self.person()
            # Ratings: index into the policy order, best first.
            base = {"large": (0, 3), "sme": (2, 5), "individual": (3, 6)}[ctype]
            current = rng.randint(*base)
            previous = current
            if profile in ("key", "litigation"):
                current = max(current, 2)
                previous = current - rng.randint(1, 2)
            elif profile == "bad" and rng.random() < 0.5:
                previous = max(0, current - 1)
            elif rng.random() < 0.10:
                previous = min(len(ratings) - 1, current + 1)      # an upgrade
            elif rng.random() < 0.06:
                previous = max(0, current - 1)                     # a downgrade
            if profile == "bad" and ctype != "large":
                current = min(len(ratings) - 1, current + 1)
            customer.rating, customer.previous_rating = ratings[current], ratings[previous]
            # Money: registered capital, credit limit within 20% of it for companies.
            if ctype == "large":
                customer.registered_capital_fen = _round_to(rng.uniform(1e8, 5e9), 10_000_000) * 100
                customer.credit_limit_fen = _round_to(rng.uniform(3e6, 2.5e7), 100_000) * 100
                customer.terms = rng.choice((60, 90, 90))
            elif ctype == "sme":
                capital = _round_to(rng.uniform(1e6, 5e7), 100_000)
                customer.registered_capital_fen = capital * 100
                customer.credit_limit_fen = _round_to(min(capital * 0.2, rng.uniform(2e5, 3e6)), 10_000) * 100
                customer.terms = rng.choice((30, 45, 45, 60))
            else:
                customer.credit_limit_fen = _round_to(rng.uniform(1e4, 8e4), 1_000) * 100
                customer.terms = 30
            if n in new_customers:
                customer.first_trade_days = rng.randint(40, 330)
            elif profile in ("key", "litigation", "plan"):
                customer.first_trade_days = rng.randint(600, 3000)
            else:
                customer.first_trade_days = rng.randint(470, 3600)
            # Contacts.
            if ctype == "individual":
                customer.phone = self.mobile()
                if rng.random() < 0.75:
                    pinyin = customer.name[1].replace(" ", "").replace("'", "").lower()
                    customer.email = f"{pinyin}{rng.randint(10, 99)}@{rng.choice(MAIL_HOSTS)}"
                customer.address = self.address(customer.city, company=False)
            else:
                surname, given = customer.contact[1].split(" ")
                domain = word[1].replace("'", "").lower() + rng.choice(("", "-group", "tech", "corp"))
                customer.email = f"{given.lower()}.{surname.lower()}@{domain}.com.cn"
                customer.phone = (f"{customer.city[2]}-{rng.randint(5_000_0000, 8_999_9999)}"
                                  if rng.random() < 0.55 else self.mobile())
                customer.address = self.address(customer.city, company=True)
            customer.owner = rng.randrange(len(LINES[line][3]))
            self.customers.append(customer)

    # ----- invoices --------------------------------------------------------------
    def amount_fen(self, ctype: str) -> int:
        rng = self.rng
        centre = {"large": 260_000, "sme": 38_000, "individual": 4_800}[ctype]
        yuan = rng.lognormvariate(0, 0.65) * centre
        fen = int(yuan * 100)
        if rng.random() < 0.3:
            fen = fen // 10_000 * 10_000          # some round figures
        return max(fen, 30_000)

    def payment_delay(self, profile: str) -> int | None:
        """Days after the due date the invoice gets paid; None = not (yet) paid at all."""
        rng = self.rng
        if profile == "good":
            return rng.randint(-12, 10)
        if profile in ("slow", "plan", "key"):
            return rng.randint(0, 55) if rng.random() < 0.9 else None
        if profile == "litigation":
            return rng.randint(10, 80) if rng.random() < 0.5 else None
        return rng.randint(20, 150) if rng.random() < 0.55 else None   # bad

    def add_invoice(self, customer: _Customer, invoice_day: int, terms: int | None = None,
                    amount_fen: int | None = None, **values) -> _Invoice:
        line = customer.line
        if customer.ctype == "large" and self.rng.random() < 0.15:
            line = self.rng.choice([LINE_EAST, LINE_PROJECTS, LINE_OVERSEAS])
        invoice = _Invoice(customer=customer, line=line, invoice_day=invoice_day,
                           terms=customer.terms if terms is None else terms,
                           amount_fen=amount_fen if amount_fen is not None else self.amount_fen(customer.ctype),
                           **values)
        self.invoices.append(invoice)
        return invoice

    def partial_payment(self, invoice: _Invoice, low: float = 0.2, high: float = 0.7) -> None:
        if invoice.invoice_day < 15:
            return
        share = self.rng.uniform(low, high)
        invoice.paid_fen = _round_to(invoice.amount_fen * share / 100, 100) * 100
        if invoice.paid_fen >= invoice.amount_fen:
            invoice.paid_fen = invoice.amount_fen // 2
        invoice.payment_day = self.rng.randint(1, invoice.invoice_day - 7)

    def make_invoices(self) -> None:
        rng = self.rng
        for customer in self.customers:
            count = {"large": rng.randint(12, 19), "sme": rng.randint(7, 12), "individual": rng.randint(2, 5)}
            window = min(HISTORY_DAYS, customer.first_trade_days)
            for _ in range(count[customer.ctype]):
                terms = customer.terms
                if customer.ctype != "individual" and rng.random() < 0.15:
                    terms = rng.choice((30, 45, 60, 90))
                invoice = self.add_invoice(customer, rng.randint(0, window), terms)
                delay = self.payment_delay(customer.profile)
                if delay is not None:
                    # Paid `delay` days after the due date, never before the invoice date.
                    paid_day = min(invoice.due_day - delay, invoice.invoice_day - 3)
                    if paid_day >= 1:
                        invoice.paid_fen, invoice.payment_day = invoice.amount_fen, paid_day
                        continue
                if rng.random() < 0.22:
                    self.partial_payment(invoice)

    def ensure_ladder_coverage(self) -> None:
        """Add ordinary invoices until each ladder stage has a healthy number of rows."""
        rng = self.rng
        windows = {"S0": (-70, -16), "S1": (-15, 0), "S2": (1, 7), "S3": (8, 30), "S4": (31, 90),
                   "S5": (91, 240)}
        regular = [c for c in self.customers if c.profile in ("good", "slow", "bad")]
        for code, (low, high) in windows.items():
            while _stages(self.invoices).count(code) < MIN_PER_LADDER_STAGE:
                customer = rng.choice(regular)
                terms = customer.terms
                days = rng.randint(low, high)
                invoice_day = days + terms
                if invoice_day < 0 or invoice_day > customer.first_trade_days:
                    continue
                self.add_invoice(customer, invoice_day, terms)

    def assign_statuses(self) -> None:
        rng = self.rng
        # Installment plans: overdue invoices of the plan customers, partly paid.
        for customer in [c for c in self.customers if c.profile == "plan"]:
            overdue = [inv for inv in self.invoices if inv.customer is customer and inv.open_fen > 0
                       and inv.days_past_due >= 1]
            while len(overdue) < 2:
                overdue.append(self.add_invoice(customer, customer.terms + rng.randint(20, 120)))
            for inv in overdue:
                inv.status = "plan"
                self.partial_payment(inv, 0.15, 0.5)
        # Litigation: the old overdue invoices of one customer.
        customer = next(c for c in self.customers if c.profile == "litigation")
        old = [inv for inv in self.invoices if inv.customer is customer and inv.open_fen > 0
               and inv.days_past_due > 60]
        while len(old) < 3:
            old.append(self.add_invoice(customer, customer.terms + rng.randint(100, 300)))
        for inv in old:
            inv.status = "litigation"
        # Written off: old balances of small debtors, partly recovered.
        candidates = [inv for inv in self.invoices if inv.status is None and inv.open_fen > 0
                      and inv.days_past_due > 200 and inv.customer.profile == "bad"]
        rng.shuffle(candidates)
        for inv in candidates[:5]:
            inv.status = "written_off"
        regular = [c for c in self.customers if c.profile in ("bad", "slow") and c.ctype != "large"]
        while sum(inv.status == "written_off" for inv in self.invoices) < 5:
            customer = rng.choice(regular)
            if customer.first_trade_days < 330:
                continue
            inv = self.add_invoice(customer, rng.randint(300, min(HISTORY_DAYS, customer.first_trade_days)))
            self.partial_payment(inv, 0.1, 0.4)
            inv.status = "written_off"

        def pick(count: int, condition) -> list[_Invoice]:
            pool = [inv for inv in self.invoices if inv.status is None and inv.open_fen > 0
                    and not inv.credit_note and inv.customer.profile in ("good", "slow", "bad")
                    and condition(inv)]
            return rng.sample(pool, min(count, len(pool)))

        for inv in pick(7, lambda inv: inv.days_past_due > -20):
            inv.status = "disputed"
        for inv in pick(4, lambda inv: inv.days_past_due >= 1):
            inv.status, inv.hold_until_day = "hold", rng.randint(7, 60)      # hold until a future date
        for inv in pick(3, lambda inv: 1 <= inv.days_past_due <= 60):
            inv.status, inv.hold_until_day = "hold", -rng.randint(3, 30)     # hold has lapsed
        for inv in pick(3, lambda inv: inv.days_past_due >= 1):
            inv.status = "hold"                                              # hold, no end date
        # Clerks write 正常 / open on some rows and leave most blank.
        for inv in self.invoices:
            if inv.status is None and rng.random() < 0.12:
                inv.status = "open"

    def add_credit_notes(self) -> None:
        rng = self.rng
        companies = [c for c in self.customers if c.ctype != "individual" and c.profile != "key"]
        for n in range(7):
            customer = rng.choice(companies)
            day = rng.randint(3, min(150, customer.first_trade_days))
            amount = -_round_to(rng.uniform(800, 45_000), 1) * 100 - rng.randint(0, 99)
            inv = self.add_invoice(customer, day, terms=0, amount_fen=amount, credit_note=True)
            inv.line = customer.line
            inv.amount_form = "bracket" if n == 0 else "number"

    def add_early_overdue_warning(self) -> None:
        """Push one retail line over the early-overdue warning (method §4): its invoices
        1-30 days overdue make up more than 15% of its receivables."""
        rng = self.rng
        key_lines = {c.line for c in self.customers if c.profile == "key"}
        line = next(n for n in (LINE_ONLINE, LINE_SOUTH) if n not in key_lines)
        debtors = [c for c in self.customers if c.line == line and c.profile in ("good", "slow", "bad")]

        def ratio() -> float:
            live = [inv for inv, stage in zip(self.invoices, _stages(self.invoices))
                    if inv.line == line and inv.open_fen > 0 and stage != "CLOSED"]
            early = sum(inv.open_fen for inv in live if 1 <= inv.days_past_due <= 30)
            return early / max(1, sum(inv.open_fen for inv in live))

        for _ in range(200):
            if ratio() > EARLY_WARNING_SHARE:
                break
            customer = rng.choice(debtors)
            invoice_day = customer.terms + rng.randint(2, 28)
            if invoice_day <= customer.first_trade_days:
                self.add_invoice(customer, invoice_day).line = line

    def add_key_target_clusters(self) -> None:
        """Large, long-overdue balances for the key targets, sized against the rest of the ledger."""
        rng = self.rng
        rest = sum(inv.open_fen for inv, stage in zip(self.invoices, _stages(self.invoices)) if stage != "CLOSED")
        for n, customer in enumerate(c for c in self.customers if c.profile == "key"):
            target = int(rest * KEY_TARGET_SHARE * rng.uniform(1.0, 1.3))
            weights = [rng.uniform(0.6, 1.4) for _ in range(rng.randint(4, 6))]
            for k, weight in enumerate(weights):
                amount = int(target * weight / sum(weights)) // 100 * 100 + rng.randint(0, 99)
                days = rng.randint(95, 230)
                inv = self.add_invoice(customer, days + customer.terms, amount_fen=amount)
                inv.line = customer.line
                if n == 1 and k == 0:
                    inv.status = "litigation"
                elif k == 1:
                    self.partial_payment(inv, 0.1, 0.3)

    def finish(self) -> None:
        """Presentation: order by date, number the rows, vary how values are written."""
        rng = self.rng
        self.invoices.sort(key=lambda inv: (-inv.invoice_day, inv.customer.number, inv.amount_fen))
        seq = credit_seq = 0
        for inv in self.invoices:
            if inv.credit_note:
                credit_seq += 1
                inv.number = f"CN-{credit_seq:04d}"
                inv.give_due_date = True
            else:
                seq += 1
                inv.number = f"INV-{seq:05d}"
                inv.give_due_date = rng.random() < 0.8
                draw = rng.random()
                inv.amount_form = "text" if draw < 0.1 else "yen" if draw < 0.17 else "number"
            draw = rng.random()
            inv.date_form = ("slash" if draw < 0.015 else "chinese" if draw < 0.03 else
                             "compact" if draw < 0.04 else "dotted" if draw < 0.05 else "date")
            inv.show_name = rng.random() < 0.9
            draw = rng.random()
            inv.currency = "CNY" if draw < 0.85 else None if draw < 0.95 else "RMB"

    # ----- money and law -----------------------------------------------------------
    def add_money_law(self) -> None:
        """Payments for every receipt, two plans (one broken) and a few legal events."""
        rng = self.rng
        plan_customers = [c for c in self.customers if c.profile == "plan"]
        chosen: list[tuple[_Customer, list[_Invoice], tuple]] = []
        for customer, spec in zip(plan_customers, DEMO_PLANS):
            signed = spec[0]
            covered = []
            for inv in self.invoices:
                if inv.customer is not customer or inv.status != "plan" or inv.open_fen <= 0 or inv.due_day <= signed:
                    continue
                if inv.paid_fen and inv.payment_day <= signed:
                    if inv.invoice_day - 1 < signed + 1:
                        continue                  # paid after the signing: left out of the plan
                    inv.payment_day = rng.randint(signed + 1, inv.invoice_day - 1)
                covered.append(inv)
            chosen.append((customer, covered, spec))
        self.add_receipts()
        for number, (customer, covered, spec) in enumerate(chosen, start=1):
            self.add_plan(number, customer, covered, spec)
        self.add_events()

    def add_receipts(self) -> None:
        """One Payments row per paid invoice; some partial payments arrive in two parts."""
        rng = self.rng
        for inv in self.invoices:
            if inv.paid_fen <= 0 or inv.payment_day is None:
                continue
            partial = inv.paid_fen < inv.amount_fen
            room = inv.invoice_day - 3 - (inv.payment_day + 3)
            if partial and room >= 0 and inv.paid_fen >= 200 and rng.random() < 0.4:
                first = _round_to(inv.paid_fen * rng.uniform(0.3, 0.6) / 100, 1) * 100
                first = min(first, inv.paid_fen - 100)
                day = rng.randint(inv.payment_day + 3, inv.invoice_day - 3)
                self.payments.append(_Payment(inv, day, first))
                self.payments.append(_Payment(inv, inv.payment_day, inv.paid_fen - first))
            else:
                self.payments.append(_Payment(inv, inv.payment_day, inv.paid_fen))

    def add_plan(self, number: int, customer: _Customer, covered: list[_Invoice], spec: tuple) -> None:
        signed, first_due, installments, interval, prepayment, paid_count = spec
        if not covered:
            raise AssertionError(f"demo plan {number}: no invoice to cover")
        total = sum(inv.open_fen for inv in covered)
        base = dt.date(2000, 1, 1)        # only the day differences matter for the schedule
        terms = PlanTerms(f"FQ-{number:03d}", customer.customer_id, tuple(str(id(inv)) for inv in covered), total,
                          base + dt.timedelta(days=signed - first_due), installments, interval,
                          int(DEFAULT_POLICY["plan_interest_free_installments"]), DEFAULT_POLICY["plan_daily_rate"],
                          None if prepayment is None else Decimal(str(prepayment)),
                          signed_date=base)
        plan = _Plan(number, customer, covered, total, signed, first_due, installments, interval, prepayment)
        self.plans.append(plan)
        amounts = schedule(terms)["amount_fen"].tolist()
        for k in range(paid_count):
            day = first_due - k * interval + 2          # two days before the installment is due
            left = int(amounts[k])
            for inv in covered:
                part = min(left, inv.open_fen)
                if part <= 0:
                    continue
                inv.paid_fen += part
                inv.payment_day = day if inv.payment_day is None else min(inv.payment_day, day)
                self.payments.append(_Payment(inv, day, part, plan))
                left -= part
            if left:
                raise AssertionError(f"demo plan {number}: installment {k + 1} exceeds the open amount")

    def add_events(self) -> None:
        """A delivered demand (all invoices), an acknowledgement of one invoice and a promise to pay."""
        rng = self.rng
        regular = [c for c in self.customers if c.profile in ("slow", "bad")]

        def overdue(customer: _Customer, low: int, high: int, day: int) -> list[_Invoice]:
            return [inv for inv in self.invoices if inv.customer is customer and inv.status in (None, "open")
                    and inv.open_fen > 0 and low <= inv.days_past_due <= high and inv.due_day > day]

        used: set[int] = set()
        for event, day, (low, high), invoices, evidence in (
                ("demand_delivered", 15, (31, 90), None, ("EMS 1097 2233 4455 签收", "EMS 1097 2233 4455, signed")),
                ("acknowledgement", 25, (31, 120), "one", ("对账确认函回执", "signed balance confirmation")),
                ("promise_to_pay", 8, (8, 60), None, ("微信聊天记录截图", "WeChat message screenshot"))):
            candidates = [c for c in regular if c.number not in used and overdue(c, low, high, day)]
            customer = rng.choice(candidates)
            used.add(customer.number)
            listed = [rng.choice(overdue(customer, low, high, day))] if invoices == "one" else None
            self.events.append(_Event(day, customer, listed, event, evidence))

    def check(self) -> None:
        stages = set(_stages(self.invoices))
        missing = set(i18n.STAGE_CODES) - stages
        statuses = [inv.status for inv in self.invoices]
        thin = [key for key in i18n.STATUSES if statuses.count(key) < 3]
        if missing or thin or len(self.invoices) < 560 or len(self.customers) < 64:
            raise AssertionError(f"demo data incomplete: stages {missing}, statuses {thin}")

    def build(self) -> None:
        self.make_customers()
        self.make_invoices()
        self.assign_statuses()
        self.ensure_ladder_coverage()
        self.add_credit_notes()
        self.add_early_overdue_warning()
        self.add_key_target_clusters()
        self.finish()
        self.add_money_law()
        self.check()


# ----- writing -----------------------------------------------------------------------
def _date_value(day: dt.date, form: str) -> object:
    if form == "slash":
        return f"{day:%Y/%m/%d}"
    if form == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if form == "compact":
        return f"{day:%Y%m%d}"
    if form == "dotted":
        return f"{day:%Y.%m.%d}"
    return day


def _money_value(fen: int, form: str) -> object:
    if form == "text":
        return f"{fen / 100:,.2f}"
    if form == "yen":
        return f"¥{fen / 100:,.2f}"
    if form == "bracket" and fen < 0:
        return f"({-fen / 100:,.2f})"
    return fen / 100


def _ledger_rows(invoices: list[_Invoice], as_of: dt.date, lang: Lang) -> list[dict[str, object]]:
    def day(offset: int) -> dt.date:
        return as_of - dt.timedelta(days=offset)

    rows = []
    for inv in invoices:
        customer = inv.customer
        invoice_date = day(inv.invoice_day)
        contract = None
        if customer.ctype != "individual" or inv.number.endswith(("1", "3", "5")):
            prefix = "CT" if lang == "en" else "HT"        # 合同 = contract
            contract = f"{prefix}-{invoice_date.year}-{customer.number:03d}{'' if inv.line == customer.line else 'B'}"
        rows.append({
            "invoice_no": inv.number,
            "customer_id": customer.customer_id,
            "customer_name": customer.name[lang == "en"] if inv.show_name else None,
            "business_line": LINES[inv.line][lang == "en"],
            "sales_owner": LINES[inv.line][3][customer.owner % len(LINES[inv.line][3])][lang == "en"],
            "contract_no": None if inv.credit_note else contract,
            "invoice_date": _date_value(invoice_date, inv.date_form),
            "due_date": day(inv.due_day) if inv.give_due_date else None,
            "terms_days": None if inv.credit_note else inv.terms,
            "currency": inv.currency,
            "amount": _money_value(inv.amount_fen, inv.amount_form),
            "paid_amount": inv.paid_fen / 100 if inv.paid_fen else None,
            "last_payment_date": day(inv.payment_day) if inv.payment_day is not None and inv.paid_fen else None,
            "status": i18n.STATUSES[inv.status].get(lang) if inv.status else None,
            "hold_until": (as_of + dt.timedelta(days=inv.hold_until_day)) if inv.hold_until_day is not None
            else None,
        })
    rows.append({
        "invoice_no": i18n.TOTAL.get(lang),
        "amount": sum(inv.amount_fen for inv in invoices) / 100,
        "paid_amount": sum(inv.paid_fen for inv in invoices) / 100,
    })
    return rows


def _customer_rows(customers: list[_Customer], invoices: list[_Invoice], as_of: dt.date,
                   lang: Lang) -> list[dict[str, object]]:
    en = lang == "en"
    sales: dict[int, int] = {}
    for inv in invoices:
        if inv.invoice_day < 365 and inv.amount_fen > 0:
            sales[inv.customer.number] = sales.get(inv.customer.number, 0) + inv.amount_fen
    return [{
        "customer_id": c.customer_id,
        "customer_name": c.name[en],
        "customer_type": i18n.CUSTOMER_TYPES[c.ctype].get(lang),
        "credit_rating": c.rating,
        "previous_rating": c.previous_rating,
        "credit_limit": c.credit_limit_fen / 100,
        "registered_capital": c.registered_capital_fen / 100 if c.registered_capital_fen else None,
        "annual_sales": sales.get(c.number, 0) / 100,
        "first_trade_date": as_of - dt.timedelta(days=c.first_trade_days),
        "contact_name": c.contact[en],
        "contact_email": c.email,
        "contact_phone": c.phone,
        "address": c.address[en],
    } for c in customers]


def _fill(ws, columns: dict[str, i18n.Label], rows: list[dict[str, object]]) -> None:
    position = {key: n for n, key in enumerate(columns, start=1)}
    for r, values in enumerate(rows, start=2):
        for key, value in values.items():
            if value is not None:
                ws.cell(row=r, column=position[key], value=value)


def _payment_rows(payments: list[_Payment], as_of: dt.date) -> list[dict[str, object]]:
    rows = []
    ordered = sorted(payments, key=lambda p: (-p.day, p.invoice.number, p.amount_fen))
    for n, payment in enumerate(ordered, start=1):
        day = as_of - dt.timedelta(days=payment.day)
        rows.append({"invoice_no": payment.invoice.number, "date": day, "amount": payment.amount_fen / 100,
                     "plan_no": payment.plan.plan_no if payment.plan else None,
                     "reference": f"BK{day:%Y%m%d}-{n:04d}"})
    return rows


def _plan_rows(plans: list[_Plan], as_of: dt.date, lang: Lang) -> list[dict[str, object]]:
    def day(offset: int) -> dt.date:
        return as_of - dt.timedelta(days=offset)

    return [{
        "plan_no": plan.plan_no, "customer_id": plan.customer.customer_id,
        "invoices": ", ".join(inv.number for inv in plan.invoices), "total": plan.total_fen / 100,
        "signed_date": day(plan.signed_day), "first_due": day(plan.first_due_day),
        "installments": plan.installments, "interval": plan.interval, "prepayment": plan.prepayment,
        "plan_type": i18n.PLAN_TYPES["installment"].get(lang),
    } for plan in plans]


def _event_rows(events: list[_Event], as_of: dt.date, lang: Lang) -> list[dict[str, object]]:
    everything = "全部" if lang == "zh" else "all"
    return [{
        "date": as_of - dt.timedelta(days=event.day), "customer_id": event.customer.customer_id,
        "invoices": everything if event.invoices is None else ", ".join(inv.number for inv in event.invoices),
        "event": i18n.EVENT_TYPES[event.event].get(lang), "evidence": event.evidence[lang == "en"],
    } for event in sorted(events, key=lambda e: -e.day)]


# A fictional creditor so the demo's letters have a sender, payee account and law firm.
DEMO_COMPANY: dict[str, Label] = {
    "name": Label("Hangzhou Mingde Trading Co., Ltd. (demo)", "杭州明德贸易有限公司（演示）"),
    "address": Label("88 Wensan Road, Xihu District, Hangzhou", "杭州市西湖区文三路88号"),
    "contact": Label("Li Na, Credit Control", "信用管理部 李娜"),
    "phone": Label("0571-8888 0000", "0571-8888 0000"),
    "email": Label("ar@mingde.example", "ar@mingde.example"),
    "payee_name": Label("Hangzhou Mingde Trading Co., Ltd.", "杭州明德贸易有限公司"),
    "bank_name": Label("ICBC Hangzhou Wensan Road Sub-branch", "中国工商银行杭州文三路支行"),
    "bank_account": Label("1202 0000 0000 0000 000", "1202 0000 0000 0000 000"),
    "signatory": Label("Finance Department", "财务部"),
    "law_firm": Label("Zhejiang Zhengyi Law Firm (demo)", "浙江正义律师事务所（演示）"),
    "law_firm_address": Label("1 Qianjiang Road, Hangzhou", "杭州市钱江路1号"),
    "lawyer": Label("Zhou Ming", "周明"),
    "lawyer_phone": Label("0571-8777 0000", "0571-8777 0000"),
    "court": Label("Hangzhou Xihu District People's Court", "杭州市西湖区人民法院"),
}


def _fill_company(ws, lang: Lang) -> None:
    """Values next to the template's Company keys (column A key, column B value)."""
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if key in DEMO_COMPANY:
            ws.cell(row=row, column=2, value=DEMO_COMPANY[key].get(lang))


def build_demo_workbook(path: str | PathLike[str], as_of: dt.date, seed: int = DEMO_SEED,
                        lang: Lang = "zh") -> Path:
    """Write the template filled with a seeded demo ledger and customer file; return the path."""
    builder = _DemoBuilder(seed)
    builder.build()
    contacts = ContactMaker(builder, seed + 11).make()
    add_order_drop_lawsuit(builder, _Event)
    exports = add_export_invoices(builder, _Invoice, _stages, LINE_OVERSEAS)
    wb = build_template(lang)
    ledger_rows = _ledger_rows(builder.invoices + exports, as_of, lang)
    _fill(wb[i18n.SHEETS["ledger"].get(lang)], i18n.LEDGER_COLUMNS, ledger_rows)
    add_aging_columns(wb[i18n.SHEETS["ledger"].get(lang)], lang, last_row=len(ledger_rows) + 1)
    _fill(wb[i18n.SHEETS["customers"].get(lang)], i18n.CUSTOMER_COLUMNS,
          _customer_rows(builder.customers, builder.invoices, as_of, lang))
    _fill_company(wb[i18n.SHEETS["company"].get(lang)], lang)
    _fill(wb[i18n.SHEETS["payments"].get(lang)], i18n.PAYMENT_COLUMNS, _payment_rows(builder.payments, as_of))
    _fill(wb[i18n.SHEETS["plans"].get(lang)], i18n.PLAN_COLUMNS, _plan_rows(builder.plans, as_of, lang))
    _fill(wb[i18n.SHEETS["events"].get(lang)], i18n.EVENT_COLUMNS, _event_rows(builder.events, as_of, lang))
    _fill(wb[i18n.SHEETS["contacts"].get(lang)], i18n.CONTACT_COLUMNS, contact_rows(contacts, as_of, lang))
    _fill(wb[i18n.SHEETS["fx"].get(lang)], i18n.FX_COLUMNS, fx_rows(as_of, seed))
    set_policy_value(wb[i18n.SHEETS["policy"].get(lang)], "key_customer_sales", key_customer_threshold(builder))
    wb.properties.title = ("应收账款催收工作簿（演示数据）" if lang == "zh" else "Collections workbook (demo data)")
    return save_workbook(wb, path)
