"""The group view (issue 13): one subsidiary's figures, the cross-book join of customers, and the
group's priority, aging and KPI frames.  Pure: the engines that run the books live outside the core.

Customers are the same across books when their Unified Social Credit Codes are equal; a customer
without a code is the same only where another book has the same Customer ID *and* name.  The
join is one groupby with the aggregations in `JOIN_AGGREGATES`, so pandas (local runs) and dask
(cluster runs) compute it from the same definition; `finish_join` makes both results identical.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from .i18n import Label, normalise_name
from .i18n.kpis import FIGURES
from .passes.aging import bucket_index
from .passes.analysis import aging_table
from .passes.fx import in_cny
from .passes.kpis import SUM_KEYS, figures_from_sums
from .passes.priority import share_exceeds
from .passes.stages import STAGE_RANK
from .policy import Policy
from .refresh import RefreshResult

#: The Policy the group's own rules use: aging buckets and key-target thresholds (the defaults).
GROUP_POLICY = Policy()
#: Separates subsidiary names inside one joined cell while the join runs (never shown).
NAME_SEPARATOR = "\x1f"

CUSTOMER_ROW_COLUMNS = ("match_key", "customer_id", "customer_name", "credit_code", "subsidiaries",
                        "open_fen", "overdue_fen", "max_days", "stage_rank", "credit_limit_fen", "limits_known")
NUMBERS = ("open_fen", "overdue_fen", "max_days", "stage_rank", "credit_limit_fen", "limits_known")


def merge_names(values: Iterable[str]) -> str:
    """The distinct names packed in `values` (each may already hold several), sorted and packed again."""
    names = {name for value in values for name in str(value).split(NAME_SEPARATOR) if name}
    return NAME_SEPARATOR.join(sorted(names))


def unpack_names(value: str) -> list[str]:
    return [name for name in value.split(NAME_SEPARATOR) if name]


#: One row per customer of the group from the rows of every book; `merge_names` joins subsidiaries.
JOIN_AGGREGATES = {"customer_id": "min", "customer_name": "min", "credit_code": "max", "open_fen": "sum",
                   "overdue_fen": "sum", "max_days": "max", "stage_rank": "max", "credit_limit_fen": "sum",
                   "limits_known": "sum"}


def match_keys(customer_id: pd.Series, customer_name: pd.Series, credit_code: pd.Series) -> pd.Series:
    """'USCC <code>' where the code is known, else 'ID <customer id> <folded name>'."""
    names = customer_name.fillna("").map(normalise_name)
    by_id = "ID " + customer_id.astype(str) + NAME_SEPARATOR + names
    return ("USCC " + credit_code.astype(object).fillna("").astype(str)).where(credit_code.notna(), by_id)


@dataclass(frozen=True)
class BookFigures:
    """What the group needs from one computed book; small, picklable, no detail rows."""

    subsidiary: str
    as_of: dt.date
    rows: int
    errors: int
    warnings: int
    customers: pd.DataFrame      # CUSTOMER_ROW_COLUMNS, one row per customer with an open balance
    aging: pd.DataFrame          # line rows + the subsidiary's total row, group buckets (see `book_aging`)
    kpis: dict                   # see `book_kpis`
    kpi_sums: dict[str, int]     # the KPI pass's as-of month sums (overall), added up for the group
    kpi_lost: tuple[str, ...] = ()  # KPI figures those sums cannot give (payments without a date)


def book_customers(result: RefreshResult, subsidiary: str) -> pd.DataFrame:
    """One row per customer with an open balance, ready for the cross-book join."""
    priority = result.priority
    known = result.customers.reindex(priority["customer_id"])
    codes = known["credit_code"].reset_index(drop=True) if "credit_code" in known else \
        pd.Series(None, index=priority.index, dtype=object)
    limits = known["credit_limit_fen"].reset_index(drop=True).astype("Int64")
    names = priority["customer_name"].fillna("").astype(object)
    frame = pd.DataFrame({
        "match_key": match_keys(priority["customer_id"], names, codes),
        "customer_id": priority["customer_id"].astype(object),
        "customer_name": names,
        "credit_code": codes.fillna("").astype(object),
        "subsidiaries": subsidiary,
        "open_fen": priority["open_fen"].astype("int64"),
        "overdue_fen": priority["overdue_fen"].astype("int64"),
        "max_days": priority["max_days"].astype("int64"),
        "stage_rank": priority["stage"].map(STAGE_RANK).astype("int64"),
        "credit_limit_fen": limits.fillna(0).astype("int64"),
        "limits_known": limits.notna().astype("int64"),
    })
    return frame.reset_index(drop=True)


def book_aging(result: RefreshResult, subsidiary: str, warnings: list[Label]) -> pd.DataFrame:
    """The book's lines and its total row in the group's aging buckets, with its own §4 warnings.

    Amounts are in CNY (`in_cny`), as on the book's own Aging sheet; rows are bucketed again at
    the group's edges, whatever edges the book's Policy sets.  `warnings` are the texts of the
    book's Aging rows (same rows, same order), made under the book's own Policy.
    """
    staged = in_cny(result.detail)
    staged = staged.assign(bucket=bucket_index(staged["days_past_due"], GROUP_POLICY.bucket_edges))
    buckets = aging_table(staged, GROUP_POLICY, result.snapshots.iloc[0:0])
    frame = buckets[["business_line", "is_total"]].copy()
    bucket_columns = [c for c in buckets.columns if c.startswith("bucket_")]
    for column in bucket_columns + ["receivables_fen", "overdue_fen"]:
        frame[column] = buckets[column].astype("int64")
    frame["provision_fen"] = result.aging["provision_fen"].astype("int64").to_numpy()
    frame["warnings"] = warnings
    frame.insert(0, "subsidiary", subsidiary)
    return frame.reset_index(drop=True)


#: The KPI sheet's figures on Group KPIs, in the KPI sheet's order.
KPI_FIGURES = tuple(FIGURES)


def book_kpis(result: RefreshResult) -> dict:
    """The subsidiary's row of Group KPIs: balances and counts (integers in fen), and the KPI
    sheet's figures for the as-of month, overall, exactly as that sheet shows them."""
    total = result.aging[result.aging["is_total"]].iloc[0]
    priority = result.priority
    return {"customers": len(priority), "receivables_fen": int(total["receivables_fen"]),
            "over_limit": int(priority["over_limit"].sum()), "interest_fen": int(priority["interest_fen"].fillna(0).sum()),
            "provision_fen": int(total["provision_fen"]),
            **{figure: result.kpis.value(figure) for figure in KPI_FIGURES}}


def join_customers(rows: pd.DataFrame) -> pd.DataFrame:
    """The cross-book join in pandas (the local engine); dask runs the same aggregations."""
    grouped = rows.groupby("match_key", sort=True)
    return finish_join(grouped.agg({**JOIN_AGGREGATES, "subsidiaries": merge_names}))


def finish_join(joined: pd.DataFrame) -> pd.DataFrame:
    """Sorted by match key with plain column types, whichever engine grouped it."""
    frame = joined.sort_index().reset_index()
    out = pd.DataFrame({"match_key": frame["match_key"].astype(object)})
    for column in ("customer_id", "customer_name", "credit_code", "subsidiaries"):
        out[column] = frame[column].astype(object)
    for column in NUMBERS:
        out[column] = frame[column].astype("int64")
    return out


def group_priority(joined: pd.DataFrame, policy: Policy = GROUP_POLICY) -> pd.DataFrame:
    """Group customers ranked like the Priority sheet: key targets, worst stage, overdue, then key.

    The share is against the group's total open balance; a key target has a share above Policy
    `key_target_share` and a customer over `key_target_days`.  `over_limits` flags a combined
    balance above the sum of the credit limits the books know (none known: no flag).
    """
    total = int(joined["open_fen"].sum())
    ranked = joined.copy()
    ranked["share"] = ranked["open_fen"] / total if total > 0 else 0.0
    ranked["key_target"] = (share_exceeds(ranked["open_fen"], total, policy["key_target_share"])
                            & (ranked["max_days"] > policy["key_target_days"]))
    ranked["over_limits"] = (ranked["limits_known"] > 0) & (ranked["open_fen"] > ranked["credit_limit_fen"])
    stage_of = {rank: code for code, rank in STAGE_RANK.items()}
    ranked["stage"] = ranked["stage_rank"].map(stage_of)
    ranked["books"] = ranked["subsidiaries"].map(lambda value: len(unpack_names(value))).astype("int64")
    ranked = ranked.sort_values(["key_target", "stage_rank", "overdue_fen", "match_key"],
                                ascending=[False, False, False, True], kind="mergesort").reset_index(drop=True)
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked


def group_aging(books: list[BookFigures]) -> pd.DataFrame:
    """Every subsidiary's lines and total row, then the group's total row (subsidiary None)."""
    if not books:
        return pd.DataFrame()
    frame = pd.concat([book.aging for book in books], ignore_index=True)
    totals = frame[frame["is_total"]]
    money = [c for c in frame.columns if c.endswith("_fen") or c.startswith("bucket_")]
    group = totals[money].sum().astype("int64").to_frame().T
    group.insert(0, "subsidiary", None)
    group["business_line"] = None
    group["is_total"] = True
    group["warnings"] = [None]
    return pd.concat([frame, group[frame.columns]], ignore_index=True)


KPI_ROW_COLUMNS = ("subsidiary", "as_of", "customers", "receivables_fen", *KPI_FIGURES, "over_limit",
                   "interest_fen", "provision_fen")


def group_kpi_figures(books: list[BookFigures]) -> dict[str, object]:
    """The group's KPI figures: the books' sums added up, then divided (`figures_from_sums`), so a
    ratio weighs each subsidiary by its amounts; a figure any book cannot give is blank."""
    sums = {key: sum(book.kpi_sums.get(key, 0) for book in books) for key in SUM_KEYS}
    figures, _ = figures_from_sums(sums)
    lost = {figure for book in books for figure in book.kpi_lost}
    return {figure: None if figure in lost else value for figure, value in figures.items()}


def group_kpis(books: list[BookFigures], prioritised: pd.DataFrame) -> pd.DataFrame:
    """One row per subsidiary and the group row (subsidiary None).

    The group row adds amounts and recomputes ratios from the added sums (`group_kpi_figures`);
    it counts its customers, key targets and over-limit customers once, on Group Priority.  Its
    as-of date is the books' common one (None when they differ).
    """
    rows = [{"subsidiary": book.subsidiary, "as_of": book.as_of, **book.kpis} for book in books]
    frame = pd.DataFrame(rows, columns=list(KPI_ROW_COLUMNS))
    dates = {book.as_of for book in books}
    group = {"subsidiary": None, "as_of": dates.pop() if len(dates) == 1 else None, "customers": len(prioritised),
             "receivables_fen": int(frame["receivables_fen"].sum()), **group_kpi_figures(books),
             "key_targets": int(prioritised["key_target"].sum()) if len(prioritised) else 0,
             "over_limit": int(prioritised["over_limits"].sum()) if len(prioritised) else 0,
             "interest_fen": int(frame["interest_fen"].sum()), "provision_fen": int(frame["provision_fen"].sum())}
    group_row = pd.DataFrame([group], columns=list(KPI_ROW_COLUMNS))
    return pd.concat([frame, group_row], ignore_index=True).astype(object) if len(frame) else group_row


@dataclass(frozen=True)
class BookOutcome:
    """One book's run: its figures, or why it was left out."""

    path: str
    file_stem: str                      # the subsidiary's name when its Company sheet names none
    sha256: str | None
    seconds: float
    figures: BookFigures | None
    problem: Label | None = None

    @property
    def subsidiary(self) -> str:
        return self.figures.subsidiary if self.figures else self.file_stem


@dataclass(frozen=True)
class GroupOutcome:
    books: list[BookOutcome]
    priority: pd.DataFrame
    aging: pd.DataFrame
    kpis: pd.DataFrame
    bucket_labels: tuple[Label, ...]    # the group's aging buckets (GROUP_POLICY's edges)

    @property
    def exit_code(self) -> int:
        """0 = every book clean, 1 = a book was left out or had input errors."""
        return 1 if any(b.figures is None or b.figures.errors for b in self.books) else 0
