"""Reading the Contacts · 联络记录 sheet: raw text -> typed contact log + located issues.

Same reader rules as the Ledger (headers and codes in either language, located errors, a
row with an error left out).  A contact time may carry a time of day or be a date alone;
date-only rows (including a date cell at exactly 00:00, which a reader cannot tell apart
from a plain date) are kept with `has_time` False so the contact-hours rule skips them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import FIRST_DATE, parse_dates, parse_money
from ..frames import positions
from ..i18n import (CHANNEL_ALIASES, CHANNELS, CONNECTED, CONNECTED_ALIASES, CONTACT_COLUMNS, OUTCOME_ALIASES,
                    OUTCOMES, RELATION_ALIASES, RELATIONS, Label)
from ..issues import Issue
from ..sheet_rows import cell_in_row, read_rows
from ..tables import RawSheet, SerialDates

CONTACT_REQUIRED = ("contact_time", "customer_id", "channel", "outcome")
CONTACT_FIELDS = ("row", "contact_time", "contact_date", "has_time", "customer_id", "channel", "contact_person",
                  "relation", "connected", "outcome", "promised_date", "promised_fen", "invoice_no",
                  "collector", "note")

_TRAILING_TIME = re.compile(r"^(?P<date>.*?\S)[\sT]*(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?$")
_CELL_STAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
_SERIAL_WITH_TIME = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class ContactLog:
    """The usable contact rows plus what is needed to name their cells in a warning.

    `frame` columns: see CONTACT_FIELDS.  contact_time is datetime64 (midnight when date
    only), contact_date the day, connected a bool, promised_fen Int64 (<NA> unless promise),
    codes in English (channel, relation, outcome); row is the Excel row.
    """

    sheet: str
    frame: pd.DataFrame
    letters: dict[str, str]

    def cell(self, key: str, row: int) -> str:
        return cell_in_row(self.letters, key, row)


def empty_contacts() -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series(dtype=object) for key in CONTACT_FIELDS})
    for key in ("contact_time", "contact_date", "promised_date"):
        frame[key] = pd.Series(dtype="datetime64[ns]")
    frame["row"] = pd.Series(dtype="int64")
    frame["has_time"] = pd.Series(dtype=bool)
    frame["connected"] = pd.Series(dtype=bool)
    frame["promised_fen"] = pd.Series(dtype="Int64")
    return frame


def parse_contact_times(text: pd.Series, serial_dates: SerialDates | None = None
                        ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(datetime64 with the time of day, has_time mask, unrecognised mask) for each cell.

    Accepts every date form of the Ledger, optionally followed by hh:mm or hh:mm:ss, and
    serials with a fraction of a day (read by `serial_dates`, the sheet's date system); a
    time-only cell (a day before FIRST_DATE) is no contact time.  A time of exactly 00:00:00 counts as no time.
    Date-time cells (ISO text from the adapters) take a vectorised fast path.
    """
    present = text.notna()
    stamps = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    cells = present & text.str.match(_CELL_STAMP).fillna(False).astype(bool)
    stamps[cells] = pd.to_datetime(text[cells], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    rest = present & ~cells
    if rest.any():
        stamps[rest] = _general_times(text[rest], serial_dates)
    unrecognised = present & (stamps.isna() | (stamps < FIRST_DATE).fillna(False).astype(bool))
    stamps = stamps.where(~unrecognised)
    has_time = (stamps != stamps.dt.normalize()).fillna(False).astype(bool)
    return stamps, has_time, unrecognised.astype(bool)


def _general_times(text: pd.Series, serial_dates: SerialDates | None) -> pd.Series:
    """The other written forms: a Ledger date form plus an optional clock, or a serial with a fraction."""
    parts = text.str.extract(_TRAILING_TIME)
    timed = parts["date"].notna()
    days, bad = parse_dates(parts["date"].where(timed, text), serial_dates)
    hours = pd.to_numeric(parts["h"], errors="coerce")
    minutes = pd.to_numeric(parts["m"], errors="coerce")
    seconds = pd.to_numeric(parts["s"], errors="coerce").fillna(0)
    bad_clock = timed & ((hours > 23) | (minutes > 59) | (seconds > 59)).fillna(False).astype(bool)
    offset = (hours * 3600 + minutes * 60 + seconds).where(timed)
    serial = ~timed & text.str.match(_SERIAL_WITH_TIME).fillna(False).astype(bool)
    if serial.any():
        fraction = pd.to_numeric(text[serial]) % 1
        offset[serial] = np.round(fraction.to_numpy(dtype="float64") * 86400)
    stamps = days + pd.to_timedelta(offset.fillna(0), unit="s")
    return stamps.where(~bad & ~bad_clock)


def _codes(text: pd.Series, labels: dict[str, Label], extra: dict[str, str]) -> tuple[pd.Series, pd.Series, Label]:
    """Code per cell, the mask of filled cells that are no known code, and the allowed values."""
    codes = i18n.match_names(text, i18n.name_lookup(labels, extra))
    allowed = Label(", ".join(labels), "、".join(label.zh for label in labels.values()))
    return codes, (text.notna() & codes.isna()).astype(bool), allowed


def _text_values(text: pd.Series) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """The column as the frame holds it: pandas' `str` when any cell is filled, else objects
    (what pandas infers from the cells' Python strings, without converting every cell to one
    and back)."""
    return text.astype("str").array if text.notna().any() else text.astype(object).to_numpy()


def read_contacts(sheet: RawSheet | None, ledger: pd.DataFrame, customers: pd.DataFrame
                  ) -> tuple[ContactLog, list[Issue]]:
    """The contact log and its located issues.

    `ledger` needs invoice_no and customer_id; `customers` is indexed by customer_id.  A
    customer in neither is an error; an invoice that is not the customer's is a warning and
    the contact then counts for the customer as a whole.
    """
    if sheet is None:
        return ContactLog("", empty_contacts(), {}), []
    rows, issues = read_rows(sheet, CONTACT_COLUMNS, CONTACT_REQUIRED)
    if rows is None:
        return ContactLog(sheet.name, empty_contacts(), {}), issues
    text, found = rows.text, rows.found

    stamps, has_time, bad_time = parse_contact_times(text["contact_time"], sheet.serial_dates)
    found.add(bad_time, "contact_time", "contact_time_unrecognised")
    coded = {}
    for key, labels, extra in (("channel", CHANNELS, CHANNEL_ALIASES), ("relation", RELATIONS, RELATION_ALIASES),
                               ("outcome", OUTCOMES, OUTCOME_ALIASES)):
        coded[key], unknown, allowed = _codes(text[key], labels, extra)
        found.add(unknown, key, f"{key}_unknown", allowed=allowed)
    connected, unknown, _ = _codes(text["connected"], CONNECTED, CONNECTED_ALIASES)
    found.add(unknown, "connected", "connected_unknown")

    promise = (coded["outcome"] == "promise").fillna(False).astype(bool)
    promised_date, bad = parse_dates(text["promised_date"], sheet.serial_dates)
    found.add(bad, "promised_date", "date_unrecognised")
    promised_fen, bad = parse_money(text["promised_amount"])
    found.add(bad, "promised_amount", "amount_unrecognised")
    for key in ("promised_date", "promised_amount"):
        found.add(promise & text[key].isna(), key, "promise_field_missing", column=CONTACT_COLUMNS[key])
    found.add(promise & (promised_fen <= 0).fillna(False).astype(bool), "promised_amount", "promise_not_positive")

    # The ledger is looked at through the contacts' own IDs and invoices, so a long ledger costs
    # one scan of two columns, whatever the contact log's length.
    ids = text["customer_id"].dropna().unique()
    known = pd.Index(ledger["customer_id"][ledger["customer_id"].isin(ids)].unique()).union(customers.index)
    unknown_customer = text["customer_id"].notna() & (positions(known, text["customer_id"]) < 0)
    found.add(unknown_customer, "customer_id", "contact_unknown_customer")

    named = text["invoice_no"].notna().to_numpy()
    cited = ledger[ledger["invoice_no"].isin(text["invoice_no"][named].unique())]
    invoices = cited.drop_duplicates("invoice_no")                                   # the first row of each
    position = np.full(len(named), -1)                                               # -1: not in the ledger
    position[named] = pd.Index(invoices["invoice_no"]).get_indexer(text["invoice_no"][named])  # blanks hash slowly
    owners = np.append(invoices["customer_id"].to_numpy(dtype=object), None)
    invoice_owner = pd.Series(owners[position], index=text["invoice_no"].index, dtype=object)
    foreign = text["invoice_no"].notna() & (invoice_owner != text["customer_id"]).fillna(True).astype(bool)
    found.add(foreign & ~found.bad_rows, "invoice_no", "contact_invoice_foreign", severity="warning",
              customer=lambda row: text["customer_id"].loc[row])

    good = ~found.bad_rows
    outcome = coded["outcome"]
    frame = pd.DataFrame({
        "row": text["customer_id"].index.to_numpy(),
        "contact_time": stamps.to_numpy(),
        "contact_date": stamps.dt.normalize().to_numpy(),
        "has_time": has_time.to_numpy(),
        "customer_id": _text_values(text["customer_id"]),
        "channel": coded["channel"].to_numpy(),
        "contact_person": _text_values(text["contact_person"]),
        "relation": coded["relation"].fillna("debtor").to_numpy(),
        "connected": connected.fillna(pd.Series(np.where(outcome == "no_answer", "N", "Y"), index=outcome.index))
                               .eq("Y").to_numpy(),
        "outcome": outcome.to_numpy(),
        "promised_date": promised_date.where(promise).to_numpy(),
        "promised_fen": promised_fen.where(promise).astype("Int64").to_numpy(),
        "invoice_no": _text_values(text["invoice_no"].where(~foreign)),
        "collector": _text_values(text["collector"]),
        "note": _text_values(text["note"]),
    }, columns=list(CONTACT_FIELDS))
    frame = frame[good.to_numpy()].reset_index(drop=True)
    for key in ("contact_person", "invoice_no", "collector", "note"):
        frame[key] = frame[key].where(frame[key].notna(), None)
    return ContactLog(sheet.name, frame, dict(rows.found.table.letters)), issues + found.sorted()
