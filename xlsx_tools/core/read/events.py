"""The Events sheet: legal events (demands delivered, acknowledgements, suits ...) by customer."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import parse_dates
from ..i18n import Label
from ..issues import Issue
from ..sheet_rows import read_rows, split_invoices
from ..tables import RawSheet


def empty_events() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype=object), "invoices": pd.Series(dtype=object),
                         "date": pd.Series(dtype="datetime64[ns]"), "event": pd.Series(dtype=object)})


def read_events(sheet: RawSheet | None, ledger: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """The Events · 法律事件 sheet: customer_id, invoices (tuple or None = all), date, event (code).

    Missing or unreadable date / customer / event type are errors (row left out); a listed
    invoice that is not the customer's in the ledger is a warning and is dropped from the row.
    """
    if sheet is None:
        return empty_events(), []
    rows, issues = read_rows(sheet, i18n.EVENT_COLUMNS, ("date", "customer_id", "event"))
    if rows is None:
        return empty_events(), issues
    text, found = rows.text, rows.found
    dates, bad = parse_dates(text["date"], sheet.serial_dates)
    found.add(bad, "date", "date_unrecognised")
    aliases = {i18n.normalise_name(name): code for code, label in i18n.EVENT_TYPES.items() for name in label.both()}
    aliases.update({i18n.normalise_name(k): v for k, v in i18n.EVENT_TYPE_ALIASES.items()})
    codes = text["event"].map(i18n.normalise_name, na_action="ignore").map(aliases)
    allowed = Label(", ".join(label.en for label in i18n.EVENT_TYPES.values()),
                    "、".join(label.zh for label in i18n.EVENT_TYPES.values()))
    found.add(text["event"].notna() & codes.isna(), "event", "event_unknown", allowed=allowed)
    named_rows = text["invoices"].notna()
    listed = set(inv for cell in text["invoices"][named_rows] for inv in (split_invoices(cell) or ()))
    mine = ledger[ledger["invoice_no"].isin(listed)] if listed else ledger.iloc[:0]
    owner = dict(zip(mine["invoice_no"], mine["customer_id"]))
    invoices = []
    for row, customer, cell in zip(text["invoices"].index, text["customer_id"], text["invoices"]):
        named = split_invoices(cell if not pd.isna(cell) else None)
        if named is not None and not found.bad_rows.loc[row]:
            foreign = [inv for inv in named if owner.get(inv) != customer]
            if foreign:
                mask = pd.Series(False, index=found.bad_rows.index)
                mask.loc[row] = True
                for inv in foreign:
                    found.add(mask, "invoices", "event_invoice_unknown", severity="warning", value=inv,
                              customer=customer)
            named = tuple(inv for inv in named if inv not in foreign) or ()
        invoices.append(named)
    good = ~found.bad_rows
    frame = pd.DataFrame({
        "customer_id": text["customer_id"][good].astype(object).to_numpy(),
        "invoices": pd.Series(invoices, index=text["invoices"].index, dtype=object)[good].to_numpy(),
        "date": dates[good].to_numpy(),
        "event": codes[good].astype(object).to_numpy(),
    })
    return frame, issues + found.sorted()
