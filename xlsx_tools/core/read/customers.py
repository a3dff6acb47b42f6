"""The Customers sheet: master data and the optional 5C scores, from one header scan.

The 5C scores' issues are kept apart because they are reported with the credit pass.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from .. import i18n
from ..cells import clean_text, parse_dates, parse_integers, parse_money
from ..i18n import Label
from ..issues import Issue
from ..policy import Policy
from ..sheet_rows import LocatedTable, RowIssues, locate_columns, rows_of
from ..tables import RawSheet, SerialDates

CUSTOMER_REQUIRED = ("customer_id",)
CUSTOMER_OUTPUT = ("customer_id", "customer_name", "contact_name", "contact_email", "contact_phone", "address",
                   "customer_type", "credit_rating", "previous_rating", "downgraded", "credit_limit_fen",
                   "registered_capital_fen", "annual_sales_fen", "first_trade_date", "credit_code")
FIVE_C = tuple(i18n.FIVE_C_COLUMNS)


@dataclass(frozen=True)
class Customers:
    """What the refresh needs from the Customers sheet, read once."""

    frame: pd.DataFrame                 # master data indexed by customer_id (CUSTOMER_OUTPUT)
    scores: pd.DataFrame                # 5C scores by customer_id, Int64 columns character..conditions
    score_issues: tuple[Issue, ...]     # problems of the 5C columns


def read_customers(sheet: RawSheet | None, policy: Policy) -> tuple[Customers, list[Issue]]:
    """Master data and 5C scores, plus the master data's problems (the scores' are in `score_issues`)."""
    if sheet is None:
        return Customers(empty_customers(), empty_scores(), ()), []
    located, issues = locate_columns(sheet, i18n.CUSTOMER_COLUMNS, CUSTOMER_REQUIRED, optional=i18n.FIVE_C_COLUMNS)
    if located is None:
        return Customers(empty_customers(), empty_scores(), ()), issues
    frame, found = _master_data(located, policy, sheet.serial_dates)
    scores, score_issues = _five_c(located)
    return Customers(frame, scores, tuple(score_issues)), issues + found


def empty_customers() -> pd.DataFrame:
    return pd.DataFrame({key: pd.Series(dtype=object) for key in CUSTOMER_OUTPUT}).set_index("customer_id")


def empty_scores() -> pd.DataFrame:
    empty = pd.DataFrame({key: pd.Series(dtype="Int64") for key in FIVE_C})
    empty.index.name = "customer_id"
    return empty


def _master_data(located: LocatedTable, policy: Policy,
                 serial_dates: SerialDates | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Master data keyed by customer_id; ratings checked against the policy order."""
    rows = rows_of(located.select(i18n.CUSTOMER_COLUMNS), i18n.CUSTOMER_COLUMNS, CUSTOMER_REQUIRED)
    text, found = rows.text, rows.found

    ctype = i18n.match_names(text["customer_type"],
                             i18n.name_lookup(i18n.CUSTOMER_TYPES, i18n.CUSTOMER_TYPE_ALIASES))
    allowed_types = Label(", ".join(i18n.CUSTOMER_TYPES), "、".join(l.zh for l in i18n.CUSTOMER_TYPES.values()))
    found.add(text["customer_type"].notna() & ctype.isna(), "customer_type", "customer_type_unknown",
              severity="warning", allowed=allowed_types)

    order = {rating.upper(): n for n, rating in enumerate(policy.rating_order)}
    allowed_ratings = ", ".join(policy.rating_order)
    ranks = {}
    for key in ("credit_rating", "previous_rating"):
        upper = text[key].str.upper()
        ranks[key] = upper.map(order)
        found.add(upper.notna() & ranks[key].isna(), key, "rating_unknown", severity="warning",
                  allowed=allowed_ratings)

    out = pd.DataFrame(index=text["customer_id"].index)
    for key in ("customer_id", "customer_name", "contact_name", "contact_email", "contact_phone", "address"):
        out[key] = text[key]
    out["customer_type"] = ctype
    out["credit_rating"] = text["credit_rating"].str.upper().where(ranks["credit_rating"].notna())
    out["previous_rating"] = text["previous_rating"].str.upper().where(ranks["previous_rating"].notna())
    out["downgraded"] = (ranks["credit_rating"] > ranks["previous_rating"]).fillna(False).astype(bool)
    for key in ("credit_limit", "registered_capital", "annual_sales"):
        out[f"{key}_fen"], bad = parse_money(text[key])
        found.add(bad, key, "amount_unrecognised", severity="warning")
    out["credit_code"] = credit_codes(text["credit_code"])
    out["first_trade_date"], bad = parse_dates(text["first_trade_date"], serial_dates)
    found.add(bad, "first_trade_date", "date_unrecognised", severity="warning")

    ids = out["customer_id"].where(~found.bad_rows)
    duplicated = ids.duplicated(keep="first") & ids.notna()
    first_row = pd.Series(ids.index, index=ids.index).groupby(ids).transform("min")
    found.add(duplicated, "customer_id", "duplicate_customer", first=lambda row: int(first_row.loc[row]))
    clean = out.loc[~found.bad_rows, list(CUSTOMER_OUTPUT)].set_index("customer_id")
    return clean, found.sorted()


def credit_codes(text: pd.Series) -> pd.Series:
    """Unified Social Credit Codes as compared across books: half-width, upper case, no spaces."""
    folded = [None if pd.isna(v) else re.sub(r"\s+", "", unicodedata.normalize("NFKC", v)).upper() for v in text]
    return pd.Series([code or None for code in folded], index=text.index, dtype=object)


def _five_c(located: LocatedTable) -> tuple[pd.DataFrame, list[Issue]]:
    """Scores 1-5 by customer_id; empty when the sheet has none of the 5C columns."""
    if not any(key in located.letters for key in FIVE_C):
        return empty_scores(), []
    table = located.select({"customer_id": None, **i18n.FIVE_C_COLUMNS})
    raw = table.frame
    ids = clean_text(raw["customer_id"])
    found = RowIssues(table)
    scores = pd.DataFrame(index=raw.index)
    for key in FIVE_C:
        if key not in raw:
            scores[key] = pd.Series(pd.NA, index=raw.index, dtype="Int64")
            continue
        values, bad = parse_integers(raw[key])
        out_of_range = values.notna() & ((values < 1) | (values > 5)).fillna(False).astype(bool)
        found.add((bad | out_of_range) & ids.notna(), key, "score_invalid", severity="warning")
        scores[key] = values.mask(out_of_range)
    scores["customer_id"] = ids
    scores = scores[ids.notna()].drop_duplicates("customer_id").set_index("customer_id")
    return scores, found.sorted()
