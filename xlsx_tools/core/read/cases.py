"""The `Cases · 案件` sheet: closed and open collection cases, the source of case reviews."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import clean_text, parse_dates, parse_integers, parse_money
from ..issues import Issue
from ..sheet_rows import locate_columns
from ..tables import RawSheet

CASE_FIELDS = ("case_ref", "case_no", "customer_id", "customer_name", "opened", "closed", "process", "solution",
               "result", "recovered_fen", "collection_days", "lessons", "row")


def read_cases(sheet: RawSheet | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Case rows with a customer; `case_ref` is the Case No, else `customer_id@opened`."""
    empty = pd.DataFrame({key: pd.Series(dtype=object) for key in CASE_FIELDS})
    if sheet is None or not len(sheet.frame) or not sheet.frame.notna().to_numpy().any():
        return empty, []
    located, issues = locate_columns(sheet, i18n.CASE_COLUMNS, ("customer_id",))
    if located is None:
        return empty, issues
    raw = located.frame
    text = {key: clean_text(raw[key]) if key in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
            for key in i18n.CASE_COLUMNS}
    filled = pd.concat(text.values(), axis=1).notna().any(axis=1)
    no_customer = filled & text["customer_id"].isna()
    for row in no_customer[no_customer].index:
        issues.append(Issue("warning", sheet.name, f"{located.letters['customer_id']}{row}",
                            i18n.LETTER_MESSAGES["case_no_customer"].format()))
    keep = filled & text["customer_id"].notna()
    out = pd.DataFrame(index=text["customer_id"].index[keep])
    out["row"] = out.index.to_numpy()
    for key in ("case_no", "customer_id", "customer_name", "process", "solution", "result", "lessons"):
        out[key] = text[key][keep].astype(object).where(text[key][keep].notna(), "")
    for key in ("opened", "closed"):
        dates, bad = parse_dates(text[key][keep], sheet.serial_dates)
        for row in bad[bad].index:
            issues.append(Issue("warning", sheet.name, f"{located.letters[key]}{row}",
                                i18n.MESSAGES["date_unrecognised"].format(value=text[key].loc[row])))
        out[key] = dates
    recovered, bad = parse_money(text["recovered"][keep])
    for row in bad[bad].index:
        issues.append(Issue("warning", sheet.name, f"{located.letters['recovered']}{row}",
                            i18n.MESSAGES["amount_unrecognised"].format(value=text["recovered"].loc[row])))
    out["recovered_fen"] = recovered.fillna(0).astype("int64")
    days, _ = parse_integers(text["collection_days"][keep])
    out["collection_days"] = days
    opened_text = out["opened"].dt.strftime("%Y-%m-%d")
    fallback = out["customer_id"].astype(str) + "@" + opened_text.where(out["opened"].notna(),
                                                                         "row" + out["row"].astype(str))
    out["case_ref"] = out["case_no"].where(out["case_no"] != "", fallback)
    return out[list(CASE_FIELDS)].reset_index(drop=True), issues
