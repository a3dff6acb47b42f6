"""A small collections workbook for the letter tests, built from the real template.

As of 2026-11-30 the customers are:

| id       | stage | why                                   | letters            |
|----------|-------|---------------------------------------|--------------------|
| C001     | S3    | 20 and 5 days overdue                 | demand (16,409.02) |
| C002     | S4    | 60 days overdue                       | lawyer             |
| C003     | S1    | due in 10 and 3 days, new customer    | confirmation (10), reminder (3) |
| C004     | S1    | due in 8 days, old customer           | confirmation       |
| C005     | S3    | no address in Customers: bad record   | demand fails       |
| C/007    | S3    | an ID with a path separator           | demand             |
| C006     | S0    | due next year                         | none               |
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from xlsx_tools.core import i18n
from xlsx_tools.build.templates import build_template, save_workbook

AS_OF = dt.date(2026, 11, 30)
OLD_MILL = "Old Mill & Sons <Ltd>"

COMPANY = {
    "name": "上海示例贸易有限公司", "address": "上海市浦东新区世纪大道 100 号", "contact": "李娜",
    "phone": "021-5555 0100", "email": "ar@example.com", "payee_name": "上海示例贸易有限公司",
    "bank_name": "中国工商银行上海浦东支行", "bank_account": "1001234567890123456", "signatory": "财务部",
    "law_firm": "上海示例律师事务所", "law_firm_address": "上海市静安区南京西路 1 号", "lawyer": "张伟",
    "lawyer_phone": "021-6666 0200",
}

CUSTOMERS = [
    {"customer_id": "C001", "customer_name": OLD_MILL, "address": "1 Mill Lane\nNingbo", "contact_name": "王敏",
     "contact_phone": "0574-88881234", "first_trade_date": dt.date(2019, 3, 1), "customer_type": "sme"},
    {"customer_id": "C002", "customer_name": "重庆瑞丰化工有限公司", "address": "重庆市渝北区 8 号",
     "contact_name": "赵强", "first_trade_date": dt.date(2018, 1, 1)},
    {"customer_id": "C003", "customer_name": "杭州新锐电子科技有限公司", "address": "杭州市滨江区 3 号",
     "contact_name": "陈静", "first_trade_date": dt.date(2026, 6, 1)},
    {"customer_id": "C004", "customer_name": "苏州裕隆物流有限公司", "address": "苏州工业园区 5 号",
     "first_trade_date": dt.date(2015, 5, 5)},
    {"customer_id": "C005", "customer_name": "无地址客户有限公司"},
    {"customer_id": "C006", "customer_name": "天津同力纺织有限公司", "address": "天津市河西区 6 号"},
    {"customer_id": "C/007", "customer_name": "斜杠: 贸易 * 公司", "address": "广州市天河区 7 号"},
]


def _due(days_past_due: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_past_due)


LEDGER = [
    # invoice_no, customer_id, contract_no, invoice_date, due_date, amount, paid
    ("INV-101", "C001", "HT-017", _due(50), _due(20), "12000.00", "2000.00"),
    ("INV-102", "C001", "HT-017", _due(35), _due(5), "6409.02", None),
    ("INV-201", "C002", "HT-020", _due(90), _due(60), "30800.00", None),
    ("INV-301", "C003", "HT-031", _due(20), _due(-10), "8800.00", None),
    ("INV-302", "C003", "HT-031", _due(10), _due(-3), "1200.50", None),    # reminder window 6..1
    ("INV-401", "C004", None, _due(25), _due(-8), "5000.00", None),         # confirmation window 15..7
    ("INV-501", "C005", None, _due(40), _due(10), "700.00", None),
    ("INV-601", "C006", None, _due(5), _due(-60), "999.00", None),
    ("INV-701", "C/007", None, _due(40), _due(12), "1234.56", None),
]

CASES = [
    {"case_no": "CASE-1", "customer_id": "C001", "opened": dt.date(2026, 10, 1), "closed": dt.date(2026, 11, 20),
     "process": "电话两次，发出催款通知书", "solution": "首付 30%", "result": "部分收回", "recovered": 5000.00,
     "lessons": "合同应约定逾期利息"},
]


def _fill(ws, columns: dict[str, i18n.Label], rows: list[dict]) -> None:
    position = {key: n for n, key in enumerate(columns, start=1)}
    for r, values in enumerate(rows, start=2):
        for key, value in values.items():
            if value is not None:
                ws.cell(row=r, column=position[key], value=value)


_DEFAULT_BOOKS: dict[str, bytes] = {}


def write_letters_book(path: Path, lang: str = "zh", *, company: dict | None = None,
                       cases: list[dict] | None = None, ledger=LEDGER, customers=CUSTOMERS) -> Path:
    default = company is None and cases is None and ledger is LEDGER and customers is CUSTOMERS
    if default and lang in _DEFAULT_BOOKS:
        path.write_bytes(_DEFAULT_BOOKS[lang])
        return path
    written = _build_letters_book(path, lang, company=company, cases=cases, ledger=ledger, customers=customers)
    if default:
        _DEFAULT_BOOKS[lang] = written.read_bytes()
    return written


def _build_letters_book(path: Path, lang: str, *, company, cases, ledger, customers) -> Path:
    wb = build_template(lang)
    sheet = {key: wb[i18n.SHEETS[key].get(lang)] for key in ("ledger", "customers", "company", "cases")}
    _fill(sheet["ledger"], i18n.LEDGER_COLUMNS, [
        {"invoice_no": no, "customer_id": cid, "contract_no": contract, "invoice_date": issued, "due_date": due,
         "amount": float(amount), "paid_amount": float(paid) if paid else None}
        for no, cid, contract, issued, due, amount, paid in ledger])
    _fill(sheet["customers"], i18n.CUSTOMER_COLUMNS, customers)
    values = COMPANY if company is None else company
    for row in sheet["company"].iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    _fill(sheet["cases"], i18n.CASE_COLUMNS, CASES if cases is None else cases)
    return save_workbook(wb, path)


def log_records(path: Path, lang: str = "zh") -> list[dict]:
    """The Letters log as dicts keyed by log keys."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in book[i18n.SHEETS["letters"].get(lang)].iter_rows(values_only=True)]
    finally:
        book.close()
    names = {label.get(lang): key for key, label in i18n.LETTER_LOG_COLUMNS.items()}
    header = [names.get(h, h) for h in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:] if any(v is not None for v in row)]
