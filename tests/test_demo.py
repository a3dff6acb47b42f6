"""The demo workbook: size, realism, and that the core finds every stage and key targets in it."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import fastexcel
import pandas as pd
import pytest

from xlsx_tools.core import i18n
from xlsx_tools.core.cells import parse_dates, parse_money
from xlsx_tools.core.refresh import RefreshInputs, RefreshResult, compute
from xlsx_tools.core.tables import RawSheet, column_letter
from xlsx_tools.build.demo import DEMO_SEED, build_demo_workbook

AS_OF_ZH = dt.date(2026, 11, 28)
AS_OF_EN = dt.date(2027, 3, 1)     # another day: the demo must look the same relative to it


def raw_sheet(path, name: str) -> RawSheet:
    loaded = fastexcel.read_excel(path).load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
    letters = tuple(column_letter(c.absolute_index + 1) for c in loaded.available_columns())
    frame = loaded.to_pandas()
    frame.columns = list(letters)
    return RawSheet(name, frame, 1, letters)


def table(sheet: RawSheet, columns: dict[str, i18n.Label], lang: str) -> pd.DataFrame:
    """Data rows of a sheet with the contract keys as column names (header on row 1)."""
    frame = sheet.frame.copy()
    frame.columns = [i18n.normalise_name(v) for v in frame.iloc[0]]
    frame = frame.iloc[1:]
    names = {i18n.normalise_name(label.get(lang)): key for key, label in columns.items()}
    assert set(names) <= set(frame.columns)
    frame = frame[list(names)].rename(columns=names)
    return frame[frame.notna().any(axis=1)].reset_index(drop=True)


@dataclass
class Demo:
    lang: str
    as_of: dt.date
    path: object
    ledger: pd.DataFrame
    customers: pd.DataFrame
    result: RefreshResult


INPUTS = ("ledger", "customers", "policy", *i18n.MONEY_LAW_INPUT_SHEETS, "fx")


def make_demo(folder, lang: str, as_of: dt.date, seed: int = DEMO_SEED) -> Demo:
    path = build_demo_workbook(folder / f"demo_{lang}_{seed}.xlsx", as_of=as_of, seed=seed, lang=lang)
    sheets = {key: raw_sheet(path, i18n.SHEETS[key].get(lang)) for key in INPUTS}
    result = compute(RefreshInputs(**sheets), as_of=as_of)
    return Demo(lang, as_of, path, table(sheets["ledger"], i18n.LEDGER_COLUMNS, lang),
                table(sheets["customers"], i18n.CUSTOMER_COLUMNS, lang), result)


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> dict[str, Demo]:
    folder = tmp_path_factory.mktemp("demo")
    return {"zh": make_demo(folder, "zh", AS_OF_ZH), "en": make_demo(folder, "en", AS_OF_EN)}


@pytest.fixture(scope="module", params=["zh", "en"])
def demo(request, demos) -> Demo:
    return demos[request.param]


def invoices(demo: Demo) -> pd.DataFrame:
    words = demo.ledger["invoice_no"].str.strip().str.casefold().isin(i18n.TOTAL_ROW_WORDS)
    return demo.ledger[~words]


# ----- size and content --------------------------------------------------------------------
def test_demo_is_big_enough(demo):
    assert len(invoices(demo)) >= 560
    assert len(demo.customers) >= 64
    assert invoices(demo)["business_line"].nunique() >= 5
    assert invoices(demo)["sales_owner"].nunique() >= 5
    assert invoices(demo)["contract_no"].notna().sum() > 400


def test_every_status_word_appears_several_times(demo):
    counts = Counter(invoices(demo)["status"].dropna())
    for label in i18n.STATUSES.values():
        assert counts[label.get(demo.lang)] >= 3, label
    assert set(counts) <= {label.get(demo.lang) for label in i18n.STATUSES.values()}
    assert invoices(demo)["status"].isna().sum() > len(invoices(demo)) / 2    # most rows leave it blank


def test_exactly_one_total_row_at_the_end(demo):
    words = demo.ledger["invoice_no"].str.strip().str.casefold().isin(i18n.TOTAL_ROW_WORDS)
    assert words.sum() == 1
    assert words.iloc[-1]
    assert demo.ledger["invoice_no"].iloc[-1] == i18n.TOTAL.get(demo.lang)


def test_customers_cover_types_ratings_and_contacts(demo):
    types = Counter(demo.customers["customer_type"])
    assert set(types) == {label.get(demo.lang) for label in i18n.CUSTOMER_TYPES.values()}
    assert min(types.values()) >= 5
    master = demo.result.customers
    assert master["downgraded"].sum() >= 4
    first = pd.to_datetime(master["first_trade_date"])
    assert (first > pd.Timestamp(demo.as_of) - pd.DateOffset(months=12)).sum() >= 5   # new customers
    for key in ("credit_rating", "previous_rating", "credit_limit", "first_trade_date", "contact_name",
                "contact_phone", "address"):
        assert demo.customers[key].notna().all(), key
    assert demo.customers["contact_email"].str.contains("@").sum() >= 60
    assert demo.customers["customer_id"].is_unique and demo.customers["customer_name"].is_unique


def test_companies_have_chinese_style_names(demos):
    names = demos["zh"].customers["customer_name"]
    assert names.str.endswith("有限公司").sum() >= 50
    types = demos["zh"].customers["customer_type"]
    individuals = names[types == i18n.CUSTOMER_TYPES["individual"].zh]
    assert individuals.str.len().between(2, 4).all()
    assert demos["en"].customers["customer_name"].str.endswith("Co., Ltd.").sum() >= 50


def test_ledger_shows_the_accepted_forms(demo):
    rows = invoices(demo)
    amounts = rows["amount"]
    assert amounts.str.contains(",", regex=False).sum() >= 20            # "12,345.60"
    assert amounts.str.startswith("¥").sum() >= 10                       # "¥12,345.60"
    fen, bad = parse_money(amounts)
    assert not bad.any()
    assert (fen % 100 != 0).sum() > len(rows) / 3                         # amounts with cents
    assert (fen < 0).sum() >= 3                                           # credit notes
    assert (rows["due_date"].isna() & rows["terms_days"].notna()).sum() >= 50
    assert set(pd.to_numeric(rows["terms_days"].dropna()).astype(int)) == {30, 45, 60, 90}
    paid, _ = parse_money(rows["paid_amount"])
    assert ((paid > 0) & (paid < fen)).sum() >= 20                        # partial payments
    assert (paid == fen).sum() >= 200                                     # fully paid


def test_dates_are_relative_to_the_as_of_date(demo):
    dates, bad = parse_dates(invoices(demo)["invoice_date"])
    assert not bad.any()
    as_of = pd.Timestamp(demo.as_of)
    assert dates.max() <= as_of
    assert as_of - pd.Timedelta(days=470) <= dates.min() <= as_of - pd.Timedelta(days=365)
    hold = invoices(demo)["status"] == i18n.STATUSES["hold"].get(demo.lang)
    until, _ = parse_dates(invoices(demo)["hold_until"])
    assert (hold & (until < as_of)).sum() >= 2
    assert (hold & (until >= as_of)).sum() >= 2
    assert (hold & until.isna()).sum() >= 2


# ----- the core's view of the demo -----------------------------------------------------------------
def test_refresh_finds_no_errors_only_the_total_row_and_broken_plan_warnings(demo):
    issues = [i for i in demo.result.issues if i.severity != "info"]     # info: blank KPI figures
    assert not demo.result.has_errors
    assert [i.severity for i in issues] == ["warning", "warning"]
    assert issues[0].message == i18n.MESSAGES["total_row"].format()
    assert issues[1].message.en.startswith("Plan FQ-002 broken: installment 2")     # the demo's broken plan
    assert len(demo.result.detail) == len(invoices(demo))


def test_every_stage_occurs(demo):
    stages = Counter(demo.result.detail["stage"])
    for code in i18n.STAGE_CODES:
        assert stages[code] >= 3, code
    assert set(stages) == set(i18n.STAGE_CODES)


def test_at_least_two_key_targets(demo):
    priority = demo.result.priority
    keys = priority[priority["key_target"]]
    assert len(keys) >= 2
    assert (keys["max_days"] > 90).all() and (keys["share"] > 0.05).all() and keys["downgraded"].all()
    assert list(priority["rank"].head(len(keys))) == list(keys["rank"])   # ranked first
    assert priority["high_risk"].sum() > len(keys)


def test_some_line_shows_the_early_overdue_warning(demo):
    lines = demo.result.aging[~demo.result.aging["is_total"]]
    assert len(lines) >= 5
    assert lines["early_warning"].any()


# ----- money and law ------------------------------------------------------------------------------
def test_payments_sheet_holds_every_receipt_of_the_ledger(demo):
    sheet = raw_sheet(demo.path, i18n.SHEETS["payments"].get(demo.lang))
    payments = table(sheet, i18n.PAYMENT_COLUMNS, demo.lang)
    fen, bad = parse_money(payments["amount"])
    assert not bad.any() and (fen > 0).all()
    by_invoice = fen.groupby(payments["invoice_no"]).sum()
    paid, _ = parse_money(invoices(demo)["paid_amount"])
    ledger_paid = pd.Series(paid.fillna(0).to_numpy(), index=invoices(demo)["invoice_no"].to_numpy())
    assert by_invoice.to_dict() == ledger_paid[ledger_paid > 0].to_dict()       # so no 'paid differs' warning
    assert (payments["invoice_no"].value_counts() >= 2).sum() >= 10              # partial payments in parts
    assert payments["plan_no"].notna().sum() >= 3                                 # installments paid on plans
    # every paid invoice has Payments rows: no info line about the ledger (KPI and channel lines aside)
    assert not [i for i in demo.result.issues if i.severity == "info" and i.sheet not in ("kpis", "channels")]


def test_interest_and_limitation_show_in_detail_and_priority(demo):
    detail = demo.result.detail
    overdue = detail[(detail["days_past_due"] > 0) & detail["stage"].isin(i18n.LADDER_CODES)]
    assert (overdue["interest_fen"] > 0).all()
    assert demo.result.priority["interest_fen"].sum() > 0
    running = detail[(detail["open_fen"] > 0) & (detail["limitation_state"] == "running")]
    assert len(running) >= 100 and running["limitation_expiry"].notna().all()
    assert (detail["limitation_state"] == "frozen").sum() >= 3                 # litigation freezes the clock
    assert demo.result.priority["earliest_expiry"].notna().sum() >= 20


def test_two_plans_one_on_track_one_broken(demo):
    plans = demo.result.plan_schedule
    status = plans.groupby("plan_no")["plan_status"].first().to_dict()
    assert status == {"FQ-001": "active", "FQ-002": "broken"}
    sheet = table(raw_sheet(demo.path, i18n.SHEETS["plans"].get(demo.lang)), i18n.PLAN_COLUMNS, demo.lang)
    totals, _ = parse_money(sheet["total"])
    assert plans.groupby("plan_no")["principal_fen"].sum().tolist() == totals.tolist()    # exact to the fen
    on_track = plans[plans["plan_no"] == "FQ-001"]
    assert list(on_track["status"]) == ["paid", "paid", "not_due", "not_due"]
    assert on_track["fee_fen"].iloc[-1] > 0 and (on_track["fee_fen"].iloc[:3] == 0).all()   # 3 interest-free
    detail = demo.result.detail
    broken = detail[detail["plan_broken"]]
    assert len(broken) >= 1 and not (broken["stage"] == "PLAN").any()          # back on the ladder
    on_plan = detail[(detail["plan_no"] == "FQ-001") & (detail["open_fen"] > 0)]
    assert len(on_plan) >= 1 and (on_plan["stage"] == "PLAN").all()
    assert demo.result.priority["plan_broken"].sum() == 1


def test_events_restart_the_limitation_clock(demo):
    events = table(raw_sheet(demo.path, i18n.SHEETS["events"].get(demo.lang)), i18n.EVENT_COLUMNS, demo.lang)
    kinds = {label.get(demo.lang): key for key, label in i18n.EVENT_TYPES.items()}
    assert {kinds[e] for e in events["event"]} == {"demand_delivered", "acknowledgement", "promise_to_pay", "sued"}
    detail = demo.result.detail
    demand = events[events["event"] == i18n.EVENT_TYPES["demand_delivered"].get(demo.lang)].iloc[0]
    day, _ = parse_dates(pd.Series([demand["date"]], dtype="string"))
    rows = detail[(detail["customer_id"] == demand["customer_id"]) & (detail["open_fen"] > 0)]
    expected = day.iloc[0] + pd.DateOffset(years=3)
    assert (rows["limitation_expiry"] >= expected).all() and (rows["limitation_expiry"] == expected).any()


def test_export_invoices_in_three_currencies_converted_at_the_fx_sheet_rates(demo):
    detail = demo.result.detail
    foreign = detail[~detail["currency"].fillna("CNY").isin(["CNY", "RMB"])]
    assert sorted(set(foreign["currency"])) == ["EUR", "HKD", "USD"]
    assert foreign["open_cny_fen"].notna().all()                     # every one has a rate
    usd = foreign[foreign["currency"] == "USD"].iloc[0]
    assert 6.5 < usd["open_cny_fen"] / usd["open_fen"] < 8           # near the demo's level of 7.18
    # one customer owes in CNY and USD and is at S3: its payment demand has a table per currency
    mixed = detail[detail["customer_id"].isin(foreign["customer_id"])].groupby("customer_id")["currency"]
    two = [customer for customer, codes in mixed if {"CNY", "USD"} <= set(codes.fillna("CNY").replace("RMB", "CNY"))]
    assert len(two) == 1
    priority = demo.result.priority.set_index("customer_id")
    assert priority.loc[two[0], "stage"] == "S3"


def test_same_seed_gives_the_same_mix_on_any_day_and_language(demos):
    zh, en = demos["zh"], demos["en"]
    assert Counter(zh.result.detail["stage"]) == Counter(en.result.detail["stage"])
    assert list(zh.result.detail["open_fen"]) == list(en.result.detail["open_fen"])
    assert zh.result.priority["customer_id"].tolist() == en.result.priority["customer_id"].tolist()


def test_build_is_reproducible(demos, tmp_path):
    zh = demos["zh"]
    again = build_demo_workbook(tmp_path / "again.xlsx", as_of=zh.as_of, lang="zh")
    assert again.read_bytes() == zh.path.read_bytes()


def test_another_seed_still_covers_everything(tmp_path):
    other = make_demo(tmp_path, "en", dt.date(2028, 2, 29), seed=7)
    assert set(other.result.detail["stage"]) == set(i18n.STAGE_CODES)
    assert not other.result.has_errors
    assert other.result.priority["key_target"].sum() >= 2
    assert len(invoices(other)) >= 560 and len(other.customers) >= 64


# ----- printing --------------------------------------------------------------------------------
# Detail keeps its customer names on one line, 32 wide (a 15-character Chinese name), longer ones cut:
# one line per ledger row keeps a long ledger on as few pages as possible, and the Customer ID beside
# it is whole.
CUT_ON_PURPOSE = {("detail", "customer_name")}


def test_printed_output_sheets_show_every_text_whole(demo):
    """Found by the print audit: a text column of fixed width that does not wrap prints cut off where
    the next cell holds something (Calls' scripts at 60 of 111 characters, Aging's 'East China
    Distribution' at 16, the KPI figure 'Average collection cycle, amount-weighted (days)' at 34)."""
    from xlsx_tools.core.tables import display_width
    from xlsx_tools.io.xlsx.sheet_xml import SheetXml
    from xlsx_tools.present.sheets import output_tables
    cut = []
    for key, table in output_tables(demo.result, demo.lang).items():
        widths = SheetXml(table).column_widths()
        for position, (column, width) in enumerate(zip(table.columns, widths)):
            if column.kind != "text" or column.wrap or (key, table.frame.columns[position]) in CUT_ON_PURPOSE:
                continue
            texts = [str(value) for value in table.frame.iloc[:, position] if isinstance(value, str)]
            widest = max(texts, key=display_width, default="")
            if display_width(widest) > width:
                cut.append((key, column.header, width, widest))
    assert cut == []


def test_chinese_customer_names_print_on_one_line(demos):
    # a name wrapped to two lines doubles its row: at 28 wide the demo's 15-character names
    # (佛山东方供应链管理股份有限公司, 30 units) pushed zh Credit onto a second printed page of 5 rows
    from xlsx_tools.core.tables import display_width
    from xlsx_tools.io.xlsx.sheet_xml import SheetXml
    from xlsx_tools.present.sheets import output_tables
    for key, table in output_tables(demos["zh"].result, "zh").items():
        if "customer_name" in table.frame.columns:
            position = list(table.frame.columns).index("customer_name")
            names = [name for name in table.frame["customer_name"] if isinstance(name, str)]
            assert max(map(display_width, names), default=0) <= SheetXml(table).column_widths()[position], key
