"""Which channel works, measured on the user's own data (collections-method.md §4: "calls in
the first 30 days succeed 35% more often than e-mail").

Each contact falls in a days-past-due band: for a contact about an invoice, that invoice's
days past due on the contact day; otherwise the customer's oldest receivable still open that
day.  A contact succeeds when, within `success_days` from its day, the customer pays or
makes a promise that is kept.  Each payment is credited once, to the customer's latest
contact at most `success_days` before it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..frames import positions
from ..i18n import BEST_CHANNEL, CHANNELS, DPD_BANDS, NO_BEST_CHANNEL, Label
from ..policy import DEFAULT_POLICY
from ..issues import Issue
from ..read import Inputs
from . import State
from .fx import payments_in_cny

SUCCESS_DAYS: int = DEFAULT_POLICY["channel_success_days"]
CHANNEL_MIN_ATTEMPTS: int = DEFAULT_POLICY["channel_min_attempts"]
_DAY = np.timedelta64(1, "D")
_KEY_SPAN = 1_000_000                  # days per customer in the combined (customer, day) key


def settled_on(ledger: pd.DataFrame, payments: pd.DataFrame) -> pd.Series:
    """Day each receivable stopped being open: its last payment when nothing is left open
    (Payments sheet, else Last Payment Date, else the due date); NaT while still open."""
    last = payments.groupby("invoice_no")["date"].max()
    closed = (ledger["amount_fen"] - ledger["paid_fen"]) <= 0
    paid_last = pd.Series(last.reindex(ledger["invoice_no"]).to_numpy(dtype="datetime64[ns]"), index=ledger.index)
    day = paid_last.fillna(pd.to_datetime(ledger["last_payment_date"])).fillna(ledger["due_date"])
    return day.where(closed)


def days_past_due_at_contact(contacts: pd.DataFrame, ledger: pd.DataFrame, payments: pd.DataFrame) -> pd.Series:
    """Days past due on each contact's day (0 when nothing was open then), by contacts' index."""
    invoices = ledger[ledger["amount_fen"] > 0].assign(settled=settled_on(ledger, payments))
    unique = invoices.drop_duplicates("invoice_no")
    due = pd.Series(unique["due_date"].to_numpy(dtype="datetime64[ns]"), index=unique["invoice_no"])
    result = pd.Series(0, index=contacts.index, dtype="int64")
    named = contacts["invoice_no"].notna()
    due_at = due.reindex(contacts.loc[named, "invoice_no"]).to_numpy()
    result[named] = ((contacts.loc[named, "contact_date"] - due_at) / _DAY).fillna(0).astype("int64")
    # Contacts about the customer as a whole: the oldest receivable of that customer open
    # that day, worked out once per distinct (customer, day).
    whole = contacts.loc[~named]
    names = pd.Index(invoices["customer_id"].unique())
    who = positions(names, whole["customer_id"])
    asked = who >= 0
    day = _days(whole["contact_date"])[asked]
    base = day.min() if len(day) else 0
    span = day.max() - base + 1 if len(day) else 1
    pairs, pair_of = np.unique(who[asked] * span + (day - base), return_inverse=True)
    result[whole.index[asked]] = _oldest_open(pairs // span, pairs % span + base, names, invoices)[pair_of]
    return result


def _oldest_open(who: np.ndarray, day: np.ndarray, names: pd.Index, invoices: pd.DataFrame) -> np.ndarray:
    """Days past due of customer `who`'s oldest invoice open on `day` (0 when none was), per pair.

    Each pair is checked against those invoices of its customer that were open at some time
    between the customer's first and last contact day: the invoices are grouped by customer
    once and each pair's rows are found by index arithmetic, without a join."""
    owner = positions(names, invoices["customer_id"])
    start, due = _days(invoices["invoice_date"]), _days(invoices["due_date"])
    end = _days(invoices["settled"], missing=np.iinfo("int64").max)
    first_day = np.full(len(names), np.iinfo("int64").max)
    last_day = np.full(len(names), np.iinfo("int64").min)
    np.minimum.at(first_day, who, day)
    np.maximum.at(last_day, who, day)
    order = np.flatnonzero((start <= last_day[owner]) & (end >= first_day[owner]))
    order = order[np.argsort(owner[order], kind="stable")]
    start, due, end = start[order], due[order], end[order]
    counts = np.bincount(owner[order], minlength=len(names))
    oldest = np.zeros(len(who), dtype="int64")
    checked = counts[who] > 0
    who, day = who[checked], day[checked]
    per_pair = counts[who]
    if not len(per_pair):
        return oldest
    segment = np.cumsum(per_pair) - per_pair                   # each pair's first row
    invoice = np.arange(per_pair.sum()) + np.repeat((np.cumsum(counts) - counts)[who] - segment, per_pair)
    on_day = np.repeat(day, per_pair)
    open_then = (start[invoice] <= on_day) & (end[invoice] >= on_day)
    lateness = np.where(open_then, on_day - due[invoice], np.iinfo("int64").min)
    oldest[checked] = np.where(np.logical_or.reduceat(open_then, segment), np.maximum.reduceat(lateness, segment), 0)
    return oldest


def _days(dates: pd.Series, missing: int = np.iinfo("int64").min) -> np.ndarray:
    """Whole days since the epoch; NaT -> `missing`."""
    values = pd.to_datetime(dates).to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(values), missing, values.astype("int64"))


def dpd_band(days: pd.Series) -> pd.Series:
    """Not due (≤ 0), 1-30, 31-90, >90: codes of DPD_BANDS."""
    codes = np.asarray(list(DPD_BANDS), dtype=object)
    return pd.Series(codes[np.searchsorted([0, 30, 90], days.to_numpy(), side="left")], index=days.index)


def _keys(customer_codes: np.ndarray, days: pd.Series) -> np.ndarray:
    return customer_codes * _KEY_SPAN + (days.to_numpy().astype("datetime64[D]").astype("int64"))


def channel_success(contacts: pd.DataFrame, payments: pd.DataFrame, promises: pd.DataFrame, ledger: pd.DataFrame,
                    success_days: int = SUCCESS_DAYS) -> pd.DataFrame:
    """Per band × channel (DPD_BANDS then CHANNELS order, combinations with contacts only):
    attempts, successes, rate (float), collected_fen."""
    if contacts.empty:          # no contact log: nothing to score, and nothing of the ledger to scan
        return pd.DataFrame({"band": pd.Series(dtype=object), "channel": pd.Series(dtype=object),
                             "attempts": pd.Series(dtype="int64"), "successes": pd.Series(dtype="int64"),
                             "rate": pd.Series(dtype="float64"), "collected_fen": pd.Series(dtype="int64")})
    customers = pd.Index(pd.concat([contacts["customer_id"], payments["customer_id"],
                                    promises["customer_id"]]).unique())
    contact_key = _keys(positions(customers, contacts["customer_id"]), contacts["contact_date"])
    pay_key = _keys(positions(customers, payments["customer_id"]), payments["date"])
    kept = promises[promises["status"] == "kept"]
    kept_key = np.sort(_keys(positions(customers, kept["customer_id"]), kept["contact_date"]))
    pay_sorted = np.sort(pay_key)

    def any_within(sorted_keys: np.ndarray) -> np.ndarray:
        low = np.searchsorted(sorted_keys, contact_key, side="left")
        return np.searchsorted(sorted_keys, contact_key + success_days, side="right") > low

    success = any_within(pay_sorted) | any_within(kept_key)
    credit = pd.merge_asof(pd.DataFrame({"key": pay_key, "amount_fen": payments["amount_fen"].to_numpy()})
                           .sort_values("key"),
                           pd.DataFrame({"key": contact_key, "n": np.arange(len(contacts))}).sort_values("key"),
                           on="key", direction="backward", tolerance=success_days)
    collected = credit.dropna(subset=["n"]).groupby("n")["amount_fen"].sum()
    table = pd.DataFrame({
        "band": dpd_band(days_past_due_at_contact(contacts, ledger, payments)).to_numpy(),
        "channel": contacts["channel"].to_numpy(),
        "success": success,
        "collected_fen": collected.reindex(np.arange(len(contacts))).fillna(0).astype("int64").to_numpy(),
    })
    out = table.groupby(["band", "channel"]).agg(attempts=("success", "size"), successes=("success", "sum"),
                                                 collected_fen=("collected_fen", "sum")).reset_index()
    out["rate"] = out["successes"] / out["attempts"]
    order = {code: n for n, code in enumerate(list(DPD_BANDS) + list(CHANNELS))}
    out = out.sort_values(["band", "channel"], key=lambda s: s.map(order)).reset_index(drop=True)
    out[["attempts", "successes"]] = out[["attempts", "successes"]].astype("int64")
    return out[["band", "channel", "attempts", "successes", "rate", "collected_fen"]]


def best_channel_lines(table: pd.DataFrame, min_attempts: int = CHANNEL_MIN_ATTEMPTS) -> list[Label]:
    """One plain line per band present: the channel with the best rate among those tried at
    least `min_attempts` times (ties: more attempts), or why none can be named."""
    lines = []
    for band, rows in table.groupby("band", sort=False):
        tried = rows[rows["attempts"] >= min_attempts].sort_values(["rate", "attempts"], ascending=False,
                                                                   kind="stable")
        if not len(tried):
            lines.append(NO_BEST_CHANNEL.format(band=DPD_BANDS[band], minimum=min_attempts))
            continue
        best = tried.iloc[0]
        lines.append(BEST_CHANNEL.format(band=DPD_BANDS[band], channel=CHANNELS[best["channel"]],
                                         rate=f"{best['rate']:.0%}", attempts=int(best["attempts"])))
    return lines


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The channel × days-past-due success table and its best-channel lines."""
    table = channel_success(inputs.contacts.frame, payments_in_cny(inputs.paid, state), state.promises,
                            inputs.ledger.frame,
                            inputs.policy["channel_success_days"])
    lines = tuple(best_channel_lines(table, inputs.policy["channel_min_attempts"]))
    return replace(state, channels=table, channel_lines=lines), tuple(Issue("info", "channels", "", line)
                                                                      for line in lines)
