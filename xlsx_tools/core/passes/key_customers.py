"""Key customers and their weekly tracking (Weekly · 重点客户周跟踪, collections-method.md §4).

A key customer invoiced more than `key_customer_sales` over the trailing 12 months, or states
Annual Sales above it in the Customers sheet (when filled, Annual Sales decides): the method
says "annual sales over 10 million", so exactly 10 million is not a key customer.
The sheet holds one block per ISO week ("2026-W53"); refreshing again in the same week
replaces that week's block, earlier weeks are kept like Snapshots.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from ..policy import DEFAULT_POLICY
from ..read.weekly import WEEKLY_FIELDS
from .limitation import add_months
from ..issues import Issue
from ..read import Inputs
from . import State
from .fx import in_cny, payments_in_cny

KEY_CUSTOMER_SALES_FEN = int(DEFAULT_POLICY["key_customer_sales"] * 100)


def iso_week(day: dt.date) -> str:
    """ISO year-week key, e.g. 2027-01-02 -> '2026-W53', 2027-01-04 -> '2027-W01'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def invoiced_between(ledger: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Invoiced amount (positive documents only) per customer, invoice dates in (start, end]."""
    sold = (ledger["amount_fen"] > 0) & (ledger["invoice_date"] > start) & (ledger["invoice_date"] <= end)
    rows = ledger.loc[sold, ["customer_id", "amount_fen"]]     # only these: a row filter copies every column
    return rows.groupby("customer_id")["amount_fen"].sum().astype("int64")


def key_customers(ledger: pd.DataFrame, customers: pd.DataFrame, as_of: dt.date,
                  key_customer_sales_fen: int = KEY_CUSTOMER_SALES_FEN) -> pd.Index:
    """Customer IDs whose trailing-12-month invoicing, or filled Annual Sales, is over the threshold."""
    day = pd.Timestamp(as_of)
    year_ago = add_months(pd.Series([day]), -12).iloc[0]
    sales = invoiced_between(ledger, year_ago, day)
    stated = customers["annual_sales_fen"].dropna() if "annual_sales_fen" in customers else pd.Series(dtype="Int64")
    sales = sales.drop(stated.index, errors="ignore")
    measured = pd.concat([sales, stated.astype("int64")])
    return pd.Index(sorted(measured.index[measured > key_customer_sales_fen]), name="customer_id")


def weekly_block(keys: pd.Index, balances: pd.DataFrame, payments: pd.DataFrame, contacts: pd.DataFrame,
                 summary: pd.DataFrame, history: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """This ISO week's rows (WEEKLY_FIELDS), one per key customer in `keys` order.

    `balances`: indexed by customer_id with customer_name, stage, open_fen, overdue_fen (customers
    with nothing open may be absent: zero, no stage).  Paid and contacts count from Monday to as_of.  The change
    is against the latest earlier week in `history`; flags: overdue_grew, no_contact.
    """
    week = iso_week(as_of)
    monday, day = pd.Timestamp(week_start(as_of)), pd.Timestamp(as_of)
    here = balances.reindex(keys)
    paid = payments[(payments["date"] >= monday) & (payments["date"] <= day)].groupby("customer_id")["amount_fen"]
    talked = contacts[(contacts["contact_date"] >= monday) & (contacts["contact_date"] <= day)].groupby("customer_id")
    info = summary.reindex(keys)
    earlier = history[history["week"] < week]
    previous_week = earlier["week"].max() if len(earlier) else None
    before = earlier[earlier["week"] == previous_week].set_index("customer_id")["overdue_fen"].reindex(keys)
    block = pd.DataFrame({
        "week": week,
        "customer_id": keys.to_numpy(),
        "customer_name": here["customer_name"].to_numpy(),
        "stage": here["stage"].astype(object).where(here["stage"].notna(), None).to_numpy(),
        "open_fen": here["open_fen"].fillna(0).astype("int64").to_numpy(),
        "overdue_fen": here["overdue_fen"].fillna(0).astype("int64").to_numpy(),
        "paid_week_fen": paid.sum().reindex(keys).fillna(0).astype("int64").to_numpy(),
        "contacts_week": talked.size().reindex(keys).fillna(0).astype("int64").to_numpy(),
        "open_promise_date": info["open_promise_date"].to_numpy(),
        "open_promise_fen": info["open_promise_fen"].astype("Int64").to_numpy(),
        "compared_with": previous_week,
    })
    block["overdue_change_fen"] = (block["overdue_fen"] - before.to_numpy()).astype("Int64")
    grew = (block["overdue_change_fen"] > 0).fillna(False).to_numpy(dtype=bool)
    silent = (block["contacts_week"] == 0).to_numpy()
    block["flags"] = [tuple(flag for flag, on in (("overdue_grew", g), ("no_contact", s)) if on)
                      for g, s in zip(grew, silent)]
    return block[list(WEEKLY_FIELDS)]


def merge_weeks(history: pd.DataFrame, block: pd.DataFrame, week: str) -> pd.DataFrame:
    """Earlier weeks plus this week's block; rows of the same week in `history` are replaced
    (also when the block is empty).  Weeks in order."""
    kept = history[history["week"] != week]
    merged = pd.concat([kept, block], ignore_index=True) if len(kept) else block.reset_index(drop=True)
    return merged.sort_values("week", kind="stable").reset_index(drop=True)



def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """This week's block of the key customers, merged into the earlier weeks of the Weekly sheet."""
    ledger = inputs.ledger.frame
    keys = key_customers(in_cny(state.detail), inputs.customers.frame, state.as_of,      # sales in CNY
                         int(inputs.policy["key_customer_sales"] * 100))
    balances = state.priority.set_index("customer_id")[["customer_name", "stage", "open_fen", "overdue_fen"]]
    names = ledger.groupby("customer_id")["customer_name"].first()
    balances = balances.reindex(balances.index.union(keys))
    balances["customer_name"] = balances["customer_name"].fillna(names.reindex(balances.index))
    block = weekly_block(keys, balances, payments_in_cny(inputs.paid, state), inputs.contacts.frame,
                         state.contact_summary, inputs.weekly, state.as_of)
    return replace(state, weekly=merge_weeks(inputs.weekly, block, iso_week(state.as_of))), ()
