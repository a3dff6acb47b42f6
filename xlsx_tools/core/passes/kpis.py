"""Period figures (KPIs) for the manager's month, and the owners' recovery bonus.

Definitions are the workbook contract's "Period figures (KPIs)". Each month M runs from
its first day to its last day, or to the as-of date for the as-of month. Balances at a
past date are rebuilt from invoice dates, due dates and dated payments:

- the open amount of a receivable on day D is its amount less the payments dated on or
  before D (a payment is applied only up to what is still open; a residue up to
  `paid_tolerance_fen` counts as paid, as in the Stages rule);
- a receivable is overdue on day D when D − due date ≥ 1, so a payment on the due date is
  not an overdue collection and a payment the day after is;
- receivables are net of credit notes: a credit note is a negative credit sale on its
  invoice date and a negative receivable while it stays open (so CEI's numerator is the
  cash collected). Credit notes are never "current" and never overdue.

Written-off rows are left out (their write-off date is unknown). A figure that cannot
be computed is None with a reason in `PeriodFigures.blanks`, never 0.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

import numpy as np
import pandas as pd

from ..cells import to_fen
from ..i18n import Label
from ..i18n.kpis import BLANK_FIGURE, BONUS_SCHEME, FIGURES, NOTE_WRITTEN_OFF, REASONS, SPLIT_LABELS
from ..issues import Issue
from ..policy import Policy, percent_text
from ..read import Inputs
from . import State
from .fx import in_cny, payments_in_cny
from .analysis import merge_snapshots, month_key, open_balances

MONTHS = 12
DSO_WINDOW_DAYS = 90
SPLITS = ("all", "business_line", "owner")
RATE_STEP = Decimal("0.0001")      # recovery rate and overdue share, as fractions
DAYS_STEP = Decimal("0.01")        # collection cycle and DSO, in days
CEI_STEP = Decimal("0.01")         # CEI, in percent

# Figures still known when payment dates are missing, because they need only the as-of balances.
AS_OF_FIGURES = ("overdue_fen", "overdue_share", "dso_days")


@dataclass(frozen=True)
class BlankFigure:
    """A figure left blank, and why: the caller reports it as an `info` issue."""

    month: str
    split: str
    group: str | None
    figure: str
    reason: Label


@dataclass(frozen=True)
class PeriodFigures:
    """`table`: one row per (split, group, figure) in display order, one column per month key
    (oldest first). Values: int fen for amounts, int for counts, Decimal for rates and days,
    None for blanks.

    `as_of_sums` are the overall sums the as-of month's figures are made of (`figures_from_sums`
    turns them into figures, so books can be added up before dividing), and `as_of_lost` the
    figures those sums cannot give (payments without a date)."""

    as_of: dt.date
    months: tuple[str, ...]
    table: pd.DataFrame
    blanks: tuple[BlankFigure, ...]
    notes: tuple[Label, ...]
    as_of_sums: dict[str, int] = field(default_factory=dict)
    as_of_lost: tuple[str, ...] = ()

    def value(self, figure: str, month: str | None = None, split: str = "all", group: str | None = None):
        """One figure; the as-of month by default."""
        rows = self.table[(self.table["split"] == split) & (self.table["figure"] == figure)]
        rows = rows[rows["group"].isna()] if group is None else rows[rows["group"] == group]
        return rows.iloc[0][month or self.months[-1]]


def month_windows(as_of: dt.date, count: int = MONTHS) -> list[tuple[str, dt.date, dt.date]]:
    """(key, first day, period end) for the as-of month and the months before it, oldest first;
    the as-of month ends on the as-of date."""
    windows = []
    first = as_of.replace(day=1)
    for _ in range(count):
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        windows.append((f"{first.year:04d}-{first.month:02d}", first, min(last, as_of)))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return windows[::-1]


def period_figures(ledger: pd.DataFrame, as_of: dt.date, payments: pd.DataFrame | None = None,
                   key_targets: pd.DataFrame | None = None, paid_tolerance_fen: int = 0) -> PeriodFigures:
    """The KPIs for the as-of month and the 11 before it, overall, by business line and by owner.

    `ledger`: the clean ledger (invoice_no, business_line, sales_owner, invoice_date, due_date,
    amount_fen, paid_fen, last_payment_date, status). `payments`: the Payments rows (invoice_no,
    date, amount_fen) or None; invoices without Payments rows use the ledger's paid amount on its
    last payment date.
    `key_targets`: counts by month, columns month, split, group (None for "all"), count.
    """
    notes: list[Label] = []
    written_off = ledger["status"].to_numpy() == "written_off"
    if written_off.any():
        notes.append(NOTE_WRITTEN_OFF.format(count=int(written_off.sum())))
    used = ["invoice_no", "invoice_date", "due_date", "amount_fen", "paid_fen", "last_payment_date"]
    book = ledger[["business_line", "sales_owner", *used]]     # only these: a row filter copies every column
    book = book[~written_off] if written_off.any() else book
    # Group codes are computed once and the book is put in group order, so that a month's sums
    # per group are contiguous slices added up with `np.add.reduceat` (exact int64), not a
    # groupby over a fresh frame 12 times (see bench/kpis_bench.py).
    groups = _Groups(book["business_line"].fillna("").astype(str), book["sales_owner"].fillna("").astype(str))
    book = book[used].take(groups.order).reset_index(drop=True)
    events, undated_rows = _payment_events(book, payments, as_of)
    # receivables with an undated payment, per group of every split: only those groups lose the
    # balances before the as-of date (the others' payments are all dated)
    undated_by_split = groups.sums(groups.fine_sums(undated_rows.astype("int64"))[:, None])
    history = _History(book, events, paid_tolerance_fen)
    first_invoice = book["invoice_date"].min() if len(book) else pd.NaT
    windows = month_windows(as_of)
    counts = _key_target_counts(key_targets)
    month_sums = history.month_sums(windows, groups)

    values: dict[tuple[str, str | None, str], dict[str, object]] = {}
    blanks: list[BlankFigure] = []
    as_of_sums: dict[str, int] = dict.fromkeys(SUM_KEYS, 0)
    as_of_lost: list[str] = []
    for (month, start, end), fine_sums in zip(windows, month_sums):
        sums_by_split = groups.sums(fine_sums)
        for split in SPLITS:
            by_group = sums_by_split[split]
            for code, name in enumerate(groups.names[split]):
                row = dict(zip(SUM_KEYS, by_group[code].tolist())) if len(by_group) else None
                undated = int(undated_by_split[split][code, 0]) if len(by_group) else 0
                figures, reasons = figures_from_sums(row)
                if pd.isna(first_invoice) or pd.Timestamp(end) < first_invoice:
                    figures = dict.fromkeys(figures)
                    reasons = dict.fromkeys(figures, REASONS["before_ledger"].format())
                elif undated:
                    lost = [f for f in figures if end != as_of or f not in AS_OF_FIGURES]
                    reasons.update({f: REASONS["undated_payments"].format(count=undated) for f in lost})
                    figures.update(dict.fromkeys(lost))
                    if end == as_of and split == "all":
                        as_of_lost = lost
                if end == as_of and split == "all" and row is not None:
                    as_of_sums = {key: int(value) for key, value in row.items()}
                count = counts.get((month, split, name))
                figures["key_targets"] = count
                if count is None:
                    reasons["key_targets"] = REASONS["no_key_target_count"].format()
                for figure, value in figures.items():
                    values.setdefault((split, name, figure), {})[month] = value
                    if value is None:
                        blanks.append(BlankFigure(month, split, name, figure, reasons[figure]))
    keys = list(values)
    columns = {"split": [k[0] for k in keys], "group": [k[1] for k in keys], "figure": [k[2] for k in keys]}
    columns.update({month: [values[k][month] for k in keys] for month, _, _ in windows})
    table = pd.DataFrame({name: pd.Series(cells, dtype=object) for name, cells in columns.items()})
    return PeriodFigures(as_of, tuple(w[0] for w in windows), table, tuple(blanks), tuple(notes), as_of_sums,
                         tuple(as_of_lost))


def owner_bonus(figures: PeriodFigures, bonus_threshold: Decimal = Decimal("0.80"),
                bonus_rate: Decimal = Decimal("0.01")) -> pd.DataFrame:
    """Per owner for the as-of month: recovery_rate, recovered_fen, earned, bonus_fen.

    The bonus (`bonus_rate` × amount recovered, round half up to the fen) is earned when the
    rate is strictly above `bonus_threshold`; it is None when the rate is blank. This is the
    method's example scheme: label it with `BONUS_SCHEME`.
    """
    month = figures.months[-1]
    table = figures.table[figures.table["split"] == "owner"]
    out = []
    for owner in table["group"].drop_duplicates():
        rate = figures.value("recovery_rate", month, "owner", owner)
        recovered = figures.value("overdue_collected_fen", month, "owner", owner)
        earned = rate is not None and rate > bonus_threshold
        bonus = None if rate is None or recovered is None else (
            int((Decimal(recovered) * bonus_rate).quantize(Decimal(1), ROUND_HALF_UP)) if earned else 0)
        out.append({"owner": owner, "recovery_rate": rate, "recovered_fen": recovered,
                    "earned": earned, "bonus_fen": bonus})
    return pd.DataFrame(out, columns=["owner", "recovery_rate", "recovered_fen", "earned", "bonus_fen"])


class _Groups:
    """The receivables' groups of every split as integer codes, factorized once, and the finest
    grouping they share (business line × owner).  `order` puts the receivables in fine-group
    order; a month's sums are added up per fine group, and per split from those few rows
    (exact int64 sums)."""

    def __init__(self, lines: pd.Series, owners: pd.Series):
        # Factorized as (Arrow) strings, not as a numpy object array: the same codes and sorted
        # names, ten times faster at 1M rows.
        line_codes, line_names = pd.factorize(lines, sort=True)
        owner_codes, owner_names = pd.factorize(owners, sort=True)
        self.names: dict[str, list[str | None]] = {"all": [None], "business_line": [str(u) for u in line_names],
                                                   "owner": [str(u) for u in owner_names]}
        fine, pairs = pd.factorize(line_codes * max(len(owner_names), 1) + owner_codes, sort=True)
        self.order = np.argsort(fine, kind="stable")
        self.fine = fine[self.order]
        self.count = len(pairs)
        self.starts = np.flatnonzero(np.diff(self.fine, prepend=-1))
        self.of_fine = {"all": np.zeros(len(pairs), dtype="int64"),
                        "business_line": pairs // max(len(owner_names), 1),
                        "owner": pairs % max(len(owner_names), 1)}

    def fine_sums(self, values: np.ndarray) -> np.ndarray:
        """Per fine group, the sum of `values` (one per receivable, in `order`): contiguous slices."""
        if not len(values):
            return np.zeros(self.count, dtype="int64")
        return np.add.reduceat(values.astype("int64", copy=False), self.starts)

    def sums(self, fine_rows: np.ndarray) -> dict[str, np.ndarray]:
        """Per split, one row of `SUM_KEYS` sums per group, in `names` order, from one row per
        fine group."""
        out = {}
        for split, codes in self.of_fine.items():
            out[split] = np.zeros((len(self.names[split]), fine_rows.shape[1]), dtype="int64")
            np.add.at(out[split], codes, fine_rows)
        return out


# ----- rebuilding the history ---------------------------------------------------------------------
def _payment_events(book: pd.DataFrame, payments: pd.DataFrame | None, as_of: dt.date
                    ) -> tuple[pd.DataFrame, np.ndarray]:
    """Payments as (pos = ledger position, date, amount_fen), dated on or before the as-of date,
    and which receivables' paid amount has no date (a bool per row; those are dated the as-of day).

    Payments are read invoice by invoice, as the interest pass reads them: an invoice with
    Payments rows takes its payments from them; any other invoice (every invoice when there is
    no Payments sheet) has its ledger Paid Amount as one payment on its Last Payment Date."""
    day = pd.Timestamp(as_of)
    frames = []
    listed = np.zeros(len(book), dtype=bool)
    if payments is not None:
        position = pd.Series(np.arange(len(book)), index=book["invoice_no"].to_numpy())
        pos = payments["invoice_no"].map(position)
        listed = book["invoice_no"].isin(payments["invoice_no"][pos.notna()]).to_numpy()
        keep = pos.notna() & (payments["date"] <= day)
        frames.append(pd.DataFrame({"pos": pos[keep].astype("int64").to_numpy(),
                                    "date": payments["date"][keep].to_numpy(dtype="datetime64[ns]"),
                                    "amount_fen": payments["amount_fen"][keep].astype("int64").to_numpy()}))
    paid = (book["paid_fen"] != 0) & ~listed
    undated = paid & book["last_payment_date"].isna()
    dates = book["last_payment_date"].where(~undated, day)
    keep = paid & (dates <= day)
    frames.append(pd.DataFrame({"pos": np.flatnonzero(keep.to_numpy()),
                                "date": dates[keep].to_numpy(dtype="datetime64[ns]"),
                                "amount_fen": book["paid_fen"][keep].astype("int64").to_numpy()}))
    events = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return events, undated.to_numpy(dtype=bool)


class _History:
    """Balances and flows of every receivable at any date, from its dated payments."""

    def __init__(self, book: pd.DataFrame, events: pd.DataFrame, tolerance_fen: int):
        self.n = len(book)
        self.amount = book["amount_fen"].to_numpy(dtype="int64")
        self.positive = self.amount > 0
        self.issued = book["invoice_date"].to_numpy(dtype="datetime64[ns]")
        self.due = book["due_date"].to_numpy(dtype="datetime64[ns]")
        self.tolerance = tolerance_fen
        events = events.sort_values(["pos", "date"], kind="stable").reset_index(drop=True)
        pos = events["pos"].to_numpy(dtype="int64")
        raw = events["amount_fen"].to_numpy(dtype="int64")
        amount = self.amount[pos]
        cumulative = pd.Series(raw).groupby(pos).cumsum().to_numpy(dtype="int64") if len(raw) else raw
        capped = np.where(amount > 0, np.clip(cumulative, 0, np.maximum(amount, 0)), cumulative)
        before = np.concatenate([[0], capped[:-1]])
        first_of_invoice = np.concatenate([[True], pos[1:] != pos[:-1]]) if len(pos) else pos.astype(bool)
        self.applied = capped - np.where(first_of_invoice, 0, before)
        self.pos = pos
        self.date = events["date"].to_numpy(dtype="datetime64[ns]")
        self.late_days = (self.date - self.due[pos]).astype("timedelta64[D]").astype("int64")
        self.to_receivable = self.positive[pos]
        settles = (amount > 0) & (amount - capped <= tolerance_fen) & (amount - (capped - self.applied) > tolerance_fen)
        self.settled_on = np.full(self.n, np.datetime64("NaT"), dtype="datetime64[ns]")
        self.settled_on[pos[settles]] = self.date[settles]
        # The same every month, so computed once: days from due date to settlement, and the day a
        # receivable falls overdue.
        cycle = (self.settled_on - self.due).astype("timedelta64[D]").astype("int64")
        self.cycle = np.where(np.isnat(self.settled_on), 0, cycle)
        self.falls_overdue = self.due + np.timedelta64(1, "D")
        on_due = self.date <= self.due[pos]
        self.open_on_due = self._open(self.amount - self._paid(on_due))
        self._last_balances: tuple[np.datetime64 | None, tuple[np.ndarray, np.ndarray] | None] = (None, None)

    def _paid(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.pos[mask], weights=self.applied[mask], minlength=self.n).astype("int64")

    def _open(self, open_fen: np.ndarray) -> np.ndarray:
        """Residues within the tolerance count as paid (receivables only, not credit notes)."""
        return np.where(self.positive & (open_fen <= self.tolerance), 0, open_fen)

    def balances_at(self, day: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
        """Open and overdue amounts of every receivable on `day`.  The last day asked is kept,
        because a month's eve is the day the month before ends (months are asked in order)."""
        if self._last_balances[0] != day:
            open_fen = np.where(self.issued <= day, self._open(self.amount - self._paid(self.date <= day)), 0)
            self._last_balances = day, (open_fen, np.where(self.positive & (self.due < day), open_fen, 0))
        return self._last_balances[1]

    def month_sums(self, windows: list[tuple[str, dt.date, dt.date]], groups: _Groups) -> np.ndarray:
        """Per month of `windows` and fine group of `groups`, the sums every figure of the month is
        made of (an int64 array: month × fine group × `SUM_KEYS`).  The flows of every month are
        counted in one pass over the dates they hang on (`_dated_sums`), not month by month; the
        balances are taken on each month's eve and last day."""
        first = np.array([np.datetime64(start, "ns") for _, start, _ in windows])
        last = np.array([np.datetime64(end, "ns") for _, _, end in windows])
        months = np.column_stack([first, last])
        dso_windows = np.column_stack([last - np.timedelta64(DSO_WINDOW_DAYS - 1, "D"), last])
        invoiced = _dated_sums(groups.fine, self.issued, [self.amount], groups.count,
                               np.concatenate([months, dso_windows]))
        receivable, paid = self.positive, self.to_receivable
        late = self.cycle >= 1      # settled after the due date (0 when not settled)
        sums = {
            "sales": invoiced[:len(windows), :, 0],
            "sales_window": invoiced[len(windows):, :, 0],
            "new_overdue": _dated_sums(groups.fine[receivable], self.falls_overdue[receivable],
                                       [self.open_on_due[receivable]], groups.count, months)[..., 0],
        }
        applied = self.applied[paid]
        collected = _dated_sums(groups.fine[self.pos[paid]], self.date[paid],
                                [applied, np.where(self.late_days[paid] >= 1, applied, 0)], groups.count, months)
        sums["collected"], sums["overdue_collected"] = collected[..., 0], collected[..., 1]
        days, amount = self.cycle[late], self.amount[late]
        cycle = _dated_sums(groups.fine[late], self.settled_on[late],
                            [np.ones(len(days), dtype="int64"), days, amount, days * amount], groups.count, months)
        for index, key in enumerate(("cycle_count", "cycle_days", "cycle_amount", "cycle_weighted")):
            sums[key] = cycle[..., index]
        balances = {key: [] for key in ("start_overdue", "end_overdue", "start_receivables", "end_receivables",
                                        "end_current")}
        for start, end in zip(first, last):
            open_eve, overdue_eve = self.balances_at(start - np.timedelta64(1, "D"))
            open_end, overdue_end = self.balances_at(end)
            for key, values in (("start_overdue", overdue_eve), ("end_overdue", overdue_end),
                                ("start_receivables", open_eve), ("end_receivables", open_end),
                                ("end_current", np.where(self.positive & (self.due >= end), open_end, 0))):
                balances[key].append(groups.fine_sums(values))
        sums.update({key: np.array(rows, dtype="int64").reshape(len(windows), groups.count)
                     for key, rows in balances.items()})
        return np.stack([sums[key] for key in SUM_KEYS], axis=-1)


def _dated_sums(groups: np.ndarray, dates: np.ndarray, columns: list[np.ndarray], count: int,
                periods: np.ndarray) -> np.ndarray:
    """Per period (first day, last day; rows of `periods`) and group, the sums of each of `columns`
    over the items dated within it: an int64 array period × group × column.

    Each item is added once (exact int64 `np.add.at`) to the slot between the periods' bounds
    its date falls in; running sums over the slots give every period as a difference, however
    many periods there are and however they overlap.  Undated items (NaT) fall after every bound."""
    bounds = np.unique(np.concatenate([periods[:, 0], periods[:, 1] + np.timedelta64(1, "ns")]))
    slot = np.searchsorted(bounds, dates, side="right")     # items dated before bounds[j] have slot <= j
    flat = groups.astype("int64") * (len(bounds) + 1) + slot
    grid = np.zeros((len(columns), count * (len(bounds) + 1)), dtype="int64")
    for row, values in zip(grid, columns):
        np.add.at(row, flat, values.astype("int64", copy=False))
    before = np.cumsum(grid.reshape(len(columns), count, len(bounds) + 1), axis=2)
    upto = before[..., np.searchsorted(bounds, periods[:, 1] + np.timedelta64(1, "ns"))]
    since = before[..., np.searchsorted(bounds, periods[:, 0])]
    return (upto - since).transpose(2, 1, 0)


def figures_from_sums(sums: Mapping[str, int] | None) -> tuple[dict[str, object], dict[str, Label]]:
    """Every figure but key_targets from one group's month sums (a mapping of `SUM_KEYS`, or None
    for nothing), and the reasons for blanks.  Ratios divide the sums, so the figure of several
    groups or books is this of their added sums, never an average of their ratios."""
    s = {key: int(v) for key, v in sums.items()} if sums is not None else dict.fromkeys(SUM_KEYS, 0)
    reasons: dict[str, Label] = {}

    def ratio(figure: str, numerator: int, denominator: int, step: Decimal, scale: int, reason: str):
        if denominator <= 0:
            reasons[figure] = REASONS[reason].format()
            return None
        return (Decimal(numerator) * scale / Decimal(denominator)).quantize(step, ROUND_HALF_UP)

    base = s["start_overdue"] + s["new_overdue"]
    cei_base = s["start_receivables"] + s["sales"]
    figures = {
        "recovery_rate": ratio("recovery_rate", s["overdue_collected"], base, RATE_STEP, 1, "no_overdue_base"),
        "cycle_days": ratio("cycle_days", s["cycle_days"], s["cycle_count"], DAYS_STEP, 1, "no_late_full_payment"),
        "cycle_days_weighted": ratio("cycle_days_weighted", s["cycle_weighted"], s["cycle_amount"], DAYS_STEP, 1,
                                     "no_late_full_payment"),
        "dso_days": ratio("dso_days", s["end_receivables"], s["sales_window"], DAYS_STEP, DSO_WINDOW_DAYS,
                          "no_credit_sales"),
        "cei": ratio("cei", cei_base - s["end_receivables"], cei_base - s["end_current"], CEI_STEP, 100,
                     "no_cei_base"),
        "overdue_fen": s["end_overdue"],
        "overdue_share": ratio("overdue_share", s["end_overdue"], s["end_receivables"], RATE_STEP, 1,
                               "no_receivables"),
        "collected_fen": s["collected"],
        "overdue_collected_fen": s["overdue_collected"],
        "new_overdue_fen": s["new_overdue"],
    }
    return figures, reasons


SUM_KEYS = ("start_overdue", "new_overdue", "end_overdue", "start_receivables", "end_receivables", "end_current",
            "sales", "sales_window", "collected", "overdue_collected", "cycle_count", "cycle_days", "cycle_amount",
            "cycle_weighted")


def _key_target_counts(key_targets: pd.DataFrame | None) -> dict[tuple[str, str, str | None], int]:
    if key_targets is None or not len(key_targets):
        return {}
    return {(month, split, None if pd.isna(group) else group): int(count)
            for month, split, group, count in zip(key_targets["month"], key_targets["split"],
                                                  key_targets["group"], key_targets["count"])}


# ----- the pass ---------------------------------------------------------------------------------
def month_snapshot(detail: pd.DataFrame, priority: pd.DataFrame, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """The as-of month's Snapshots rows: one per business line, one per owner and the total, each
    with its balances by bucket and its number of key targets (customers flagged key targets
    that owe an open amount in that line or to that owner)."""
    amount, parts = open_balances(detail, policy)
    live = parts["receivables_fen"]
    targets = set(priority.loc[priority["key_target"].astype(bool), "customer_id"]) if len(priority) else set()
    is_target = detail["customer_id"].isin(targets).to_numpy() & live
    # The sums per (line, owner) pair with exact int64 `np.add.at` on integer codes, then per line,
    # owner and in all from that small grid: a pandas groupby over the string keys of every
    # split costs several times more at 1M rows.
    line_codes, lines = pd.factorize(detail["business_line"].fillna(""), sort=True)
    owner_codes, owners = pd.factorize(detail["sales_owner"].fillna(""), sort=True)
    pair = line_codes * len(owners) + owner_codes
    splits = {"business_line": (line_codes, list(lines)), "owner": (owner_codes, list(owners)),
              "all": (np.zeros(len(detail), dtype="intp"), [""])}
    totals: dict[str, dict[str, np.ndarray]] = {split: {} for split in splits}
    for key, mask in parts.items():
        grid = np.zeros(len(lines) * len(owners), dtype="int64")
        np.add.at(grid, pair, np.where(mask, amount, 0))
        grid = grid.reshape(len(lines), len(owners))
        totals["business_line"][key], totals["owner"][key] = grid.sum(axis=1), grid.sum(axis=0)
        totals["all"][key] = np.array([grid.sum()])
    rows = []
    for split, (codes, names) in splits.items():
        counts = detail["customer_id"][is_target].groupby(codes[is_target]).nunique()
        for code, name in enumerate(names):
            row = {"month": month_key(as_of), "split": split,
                   "business_line": name or None if split == "business_line" else None,
                   "owner": name or None if split == "owner" else None}
            row.update({key: int(totals[split][key][code]) for key in parts})
            row["key_targets"] = int(counts.get(code, 0))
            row["as_of"] = pd.Timestamp(as_of)
            rows.append(row)
    return pd.DataFrame(rows, columns=["month", "split", "business_line", "owner", *parts, "key_targets",
                                       "as_of"])


def key_target_counts(snapshots: pd.DataFrame) -> pd.DataFrame:
    """(month, split, group, count) from the Snapshots rows that hold a count (old ones do not)."""
    if "key_targets" not in snapshots or not len(snapshots):
        return pd.DataFrame(columns=["month", "split", "group", "count"])
    held = snapshots[snapshots["key_targets"].notna()]
    group = np.where(held["split"] == "owner", held["owner"].fillna(""), held["business_line"].fillna(""))
    return pd.DataFrame({"month": held["month"], "split": held["split"],
                         "group": pd.Series(group, index=held.index).where(held["split"] != "all", None),
                         "count": held["key_targets"]})


def blank_issues(blanks: tuple[BlankFigure, ...]) -> tuple[Issue, ...]:
    """One `info` issue per split and reason: how many cells are blank, which figures, which months."""
    grouped: dict[tuple[str, Label], list[BlankFigure]] = {}
    for blank in blanks:
        grouped.setdefault((blank.split, blank.reason), []).append(blank)
    found = []
    for (split, reason), cells in grouped.items():
        figures = [FIGURES[key] for key in dict.fromkeys(cell.figure for cell in cells)]
        found.append(Issue("info", "kpis", "", BLANK_FIGURE.format(
            split=SPLIT_LABELS[split], cells=len(cells), reason=reason,
            figures=Label("; ".join(f.en for f in figures), "、".join(f.zh for f in figures)),
            months=", ".join(sorted({cell.month for cell in cells})))))
    return tuple(found)


def run(inputs: Inputs, state: State) -> tuple[State, tuple[Issue, ...]]:
    """The KPI pass: this month's Snapshots rows, the period figures of 12 months and the owner bonus."""
    policy = inputs.policy
    staged = in_cny(state.detail)
    current = month_snapshot(staged, state.priority, state.as_of, policy)
    snapshots = merge_snapshots(inputs.snapshots, current)
    figures = period_figures(staged, state.as_of, payments_in_cny(inputs.payments, state), key_target_counts(snapshots),
                             to_fen(policy["closed_tolerance"]))
    bonus = owner_bonus(figures, policy["bonus_threshold"], policy["bonus_rate"])
    scheme = Issue("info", "kpis", "", BONUS_SCHEME.format(threshold=percent_text(policy["bonus_threshold"]),
                                                          rate=percent_text(policy["bonus_rate"])))
    return replace(state, snapshots=snapshots, kpis=figures, bonus=bonus), (*blank_issues(figures.blanks), scheme)

