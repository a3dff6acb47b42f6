"""Lay out a refresh result as the tool-owned output sheets, in one language.

Pure presentation: labels, column kinds, widths and colours.  Adapters turn these
`OutputTable`s into xlsx parts or live Excel ranges.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pandas as pd

from ..core import i18n
from ..core.i18n import Label, Lang
from ..core.interest import basis_texts
from ..core.issues import Issue
from ..core.policy import Policy
from ..core.refresh import RefreshResult
from ..core.frames import map_few, map_few_many
from ..core.i18n.kpis import SPLIT_LABELS
from ..core.tables import OutputColumn, OutputTable
from .columns import output_columns
from .collector import PRIORITY_CONTACT_KINDS, collector_tables, priority_contact_frame, priority_contact_tags
from .charts import with_charts
from .kpis import kpis_table

STAGE_FILLS = {
    "S0": None, "S1": "DDEBF7", "S2": "FFF2CC", "S3": "FCE4D6", "S4": "F8CBAD", "S5": "FF9F9F",
    "HOLD": "D9D9D9", "PLAN": "E2EFDA", "CLOSED": None, "CREDIT": "E4DFEC",
}
KEY_TARGET_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
ERROR_FILL = "FFC7CE"


def _fill_where(mask: pd.Series, colour: str) -> pd.Series:
    """`colour` where mask is true, None elsewhere (object dtype, no NaN)."""
    return pd.Series(np.where(mask.to_numpy(dtype=bool), colour, None), index=mask.index, dtype=object)


def sheet_name(key: str, lang: Lang) -> str:
    return i18n.SHEETS[key].get(lang)


def _labels(codes: pd.Series, table: dict[str, Label], lang: Lang) -> pd.Series:
    return map_few(codes, {code: label.get(lang) for code, label in table.items()})


def stage_maps(policy: Policy, lang: Lang) -> tuple[dict[str, str], dict[str, str]]:
    """Stage code -> next action, and stage code -> owner, from the policy."""
    return ({code: policy.action(code, lang) for code in i18n.STAGE_CODES},
            {code: policy.owner(code, lang) for code in i18n.STAGE_CODES})


def stage_texts(codes: pd.Series, policy: Policy, lang: Lang) -> tuple[pd.Series, pd.Series]:
    """(next action, owner) for each stage code, from the policy."""
    actions, owners = map_few_many(codes, stage_maps(policy, lang))
    return actions, owners


def detail_table(result: RefreshResult, lang: Lang) -> OutputTable:
    detail = result.detail
    buckets = [label.get(lang) for label in i18n.bucket_labels(result.policy.bucket_edges)]
    stage_names = {code: label.get(lang) for code, label in i18n.STAGE_NAMES.items()}
    actions, owners, names, fills = map_few_many(detail["stage"], (*stage_maps(result.policy, lang), stage_names,
                                                                   STAGE_FILLS))   # one factorization for all
    frame = pd.DataFrame({
        "row": detail["row"],
        "invoice_no": detail["invoice_no"],
        "customer_id": detail["customer_id"],
        "customer_name": detail["customer_name"],
        "business_line": detail["business_line"],
        "invoice_date": detail["invoice_date"],
        "due_date": detail["due_date"],
        "amount": detail["amount_fen"],
        "paid": detail["paid_fen"],
        "open": detail["open_fen"],
        "days_past_due": detail["days_past_due"],
        "bucket": pd.Series(np.asarray(buckets, dtype=object)[detail["bucket"].to_numpy()], index=detail.index),
        "stage": detail["stage"],
        "stage_name": names,
        "next_action": actions,
        "owner": owners,
        "status": _labels(detail["status"], i18n.STATUSES, lang),
    })
    frame = pd.concat([frame, _detail_money_law(result, lang)], axis=1)
    labels = {**i18n.DETAIL_COLUMNS, **i18n.DETAIL_MONEY_LAW_COLUMNS}
    frame, labels = _with_cny_columns(frame, labels, detail)
    kinds = {"row": "int", "invoice_date": "date", "due_date": "date", "amount": "money", "paid": "money",
             "open": "money", "amount_cny": "money", "open_cny": "money", "days_past_due": "int",
             **DETAIL_MONEY_LAW_KINDS}
    stage_position = list(labels).index("stage")
    days_position = list(labels).index("days_left")
    return OutputTable(sheet_name("detail", lang),
                       output_columns(labels, kinds, lang, {"next_action": 30, "customer_name": 32, "interest_basis": 20},
                                wrap=frozenset({"next_action", "interest_basis"})),
                       frame,
                       cell_fills={stage_position: fills, days_position: alert_fills(detail["limitation_alert"])},
                       print_title_columns=4)                       # ledger row, invoice, customer ID and name


def _with_cny_columns(frame: pd.DataFrame, labels: dict, detail: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Currency, Amount (CNY) and Open (CNY) just after the invoice-currency Open Amount (issue 12);
    blank CNY cells where the FX sheet has no rate (an error in Issues says so)."""
    cny = pd.DataFrame({"currency": detail["currency"], "amount_cny": detail["amount_cny_fen"],
                        "open_cny": detail["open_cny_fen"]}, index=detail.index)
    after = list(labels).index("open") + 1
    keys = list(labels)[:after] + list(cny.columns) + list(labels)[after:]
    merged = pd.concat([frame, cny], axis=1)[keys]
    return merged, {key: labels.get(key) or i18n.DETAIL_FX_COLUMNS[key] for key in keys}


# ----- money and law columns (issue 5) -----
DETAIL_MONEY_LAW_KINDS = {"interest": "money", "limitation_expiry": "date", "days_left": "int",
                          "provision_rate": "percent", "provision": "money"}
ALERT_FILLS = {0: "FF9F9F", 30: "FF9F9F", 90: "F8CBAD", 180: "FFF2CC"}


def alert_fills(alert: pd.Series) -> pd.Series:
    """Colour of a Days Left cell by the limitation alert reached (red ≤30 days or expired)."""
    values = alert.to_numpy(dtype="float64", na_value=np.nan)
    limits = sorted(ALERT_FILLS)
    colours = np.select([values <= limit for limit in limits], [ALERT_FILLS[limit] for limit in limits],
                        default=None)
    return pd.Series(colours, index=alert.index, dtype=object)


def _yes_blank(flags: pd.Series, lang: Lang) -> pd.Series:
    return flags.map({True: i18n.YES_NO[True].get(lang), False: None}).astype(object)


def _detail_money_law(result: RefreshResult, lang: Lang) -> pd.DataFrame:
    detail = result.detail
    in_plan = detail["plan_no"].notna()
    broken = detail["plan_broken"].map({True: i18n.YES_NO[True].get(lang), False: i18n.YES_NO[False].get(lang)})
    # The few distinct rates are turned into floats, not a million Decimals (0.41 -> 0.15 s at 1M rows).
    rate_codes, rates = pd.factorize(detail["provision_rate"])          # a row without a rate: -1
    rate = np.append(np.array([float(value) for value in rates]), np.nan)[rate_codes]
    return pd.DataFrame({
        "interest": detail["interest_fen"],
        "interest_basis": basis_texts(detail, result.policy, lang).where(detail["interest_fen"].fillna(0) > 0, None),
        "limitation_expiry": detail["limitation_expiry"],
        "days_left": detail["limitation_days_left"],
        "limitation_state": _labels(detail["limitation_state"], i18n.LIMITATION_STATES, lang).replace("", None),
        "provision_rate": pd.Series(rate, index=detail.index).where(detail["provision_fen"] > 0),
        "provision": detail["provision_fen"],
        "plan_no": detail["plan_no"],
        "plan_broken": broken.where(in_plan, None).astype(object),
    }, index=detail.index)


def money_law_tags(priority: pd.DataFrame, lang: Lang) -> pd.Series:
    """Tags for limitation alerts, credit breaches and broken plans ('' when none)."""
    separator = "; " if lang == "en" else "、"
    flags = [(priority[flag].to_numpy(dtype=bool), label.get(lang))
             for flag, label in (("over_limit", i18n.TAG_OVER_LIMIT), ("red_line_breach", i18n.TAG_RED_LINE),
                                 ("plan_broken", i18n.TAG_PLAN_BROKEN))]
    alerts = priority["limitation_alert"].to_numpy(dtype="float64", na_value=np.nan)
    # Built column by column, each distinct alert worded once: a loop per customer took 0.2 s at 50k.
    alert_texts = {alert: i18n.TAG_LIMITATION_EXPIRED.get(lang) if alert == 0
                   else i18n.TAG_LIMITATION.format(days=int(alert)).get(lang)
                   for alert in np.unique(alerts[~np.isnan(alerts)])}
    texts = pd.Series(alerts).map(alert_texts).to_numpy(dtype=object, na_value="")
    for values, text in flags:
        texts = np.where(values, np.where(texts == "", text, texts + separator + text), texts)
    return pd.Series(texts, index=priority.index, dtype=object)


def plan_schedule_table(result: RefreshResult, lang: Lang) -> OutputTable:
    plan = result.plan_schedule
    names = result.detail.groupby("customer_id")["customer_name"].first() if len(result.detail) else {}
    if len(plan):
        frame = pd.DataFrame({
            "plan_no": plan["plan_no"],
            "customer_id": plan["customer_id"],
            "customer_name": plan["customer_id"].map(names),
            "installment": plan["installment"],
            "due_date": plan["due_date"],
            "principal": plan["principal_fen"],
            "fee": plan["fee_fen"],
            "amount": plan["amount_fen"],
            "paid": plan["paid_fen"],
            "status": _labels(plan["status"], i18n.INSTALLMENT_STATUSES, lang),
            "plan_status": _labels(plan["plan_status"], i18n.PLAN_STATUSES, lang),
        })
        fills = pd.Series(np.select([plan["plan_status"] == "broken", plan["status"] == "overdue"],
                                    [ERROR_FILL, WARNING_FILL], default=None), dtype=object)
    else:
        frame = pd.DataFrame({key: pd.Series(dtype=object) for key in i18n.PLAN_SCHEDULE_COLUMNS})
        fills = None
    kinds = {"installment": "int", "due_date": "date", "principal": "money", "fee": "money", "amount": "money",
             "paid": "money"}
    return OutputTable(sheet_name("plan_schedule", lang),
                       output_columns(i18n.PLAN_SCHEDULE_COLUMNS, kinds, lang, {"customer_name": 32}, wrap=frozenset({"customer_name"})),
                       frame, row_fills=fills, print_title_columns=3)


def credit_sheet(result: RefreshResult, lang: Lang) -> OutputTable:
    credit = result.credit
    yes_no = {flag: label.get(lang) for flag, label in i18n.YES_NO.items()}

    def band_text(share: object) -> str | None:
        if share is None or (not isinstance(share, Decimal) and pd.isna(share)):
            return None
        if share == 0:
            return i18n.LIMIT_BAND_NONE.get(lang)
        return i18n.LIMIT_BAND.format(share=_percent(Decimal(share))).get(lang)

    if len(credit):
        frame = pd.DataFrame({
            "customer_id": credit["customer_id"],
            "customer_name": credit["customer_name"],
            "credit_limit": credit["credit_limit_fen"],
            "exposure": credit["exposure_fen"],
            "utilisation": credit["utilisation"],
            "over_limit": credit["over_limit"].map(yes_no),
            "over_by": credit["over_by_fen"],
            "first_trade_date": credit["first_trade_date"],
            "new_customer": credit["new_customer"].map(yes_no),
            "registered_capital": credit["registered_capital_fen"],
            "red_line": credit["red_line_fen"],
            "red_line_breach": credit["red_line_breach"].map(yes_no),
            "score": credit["score"].map(lambda v: None if v is None or pd.isna(v) else float(v)).astype("float64"),
            "band": credit["band_share"].map(band_text).astype(object),
            "suggested_limit": credit["suggested_limit_fen"],
        })
        fills = (credit["over_limit"] | credit["red_line_breach"]).map({True: KEY_TARGET_FILL, False: None})
    else:
        frame = pd.DataFrame({key: pd.Series(dtype=object) for key in i18n.CREDIT_COLUMNS})
        fills = None
    kinds = {"credit_limit": "money", "exposure": "money", "utilisation": "percent", "over_by": "money",
             "first_trade_date": "date", "registered_capital": "money", "red_line": "money", "score": "decimal",
             "suggested_limit": "money"}
    return OutputTable(sheet_name("credit", lang),
                       output_columns(i18n.CREDIT_COLUMNS, kinds, lang, {"customer_name": 32, "band": 24},
                                wrap=frozenset({"customer_name", "band"})),
                       frame, row_fills=fills, print_title_columns=2)


def _percent(value: Decimal) -> str:
    """Decimal ratio -> '15%' / '0.5%' (no trailing zeros)."""
    return f"{(Decimal(value) * 100).normalize():f}%"


def _share_band_labels(edges: tuple[Decimal, ...], lang: Lang) -> list[str]:
    texts = [_percent(edge) for edge in edges]
    low, middle, high = i18n.SHARE_BANDS
    labels = [low.get(lang).format(low=texts[0])]
    labels += [middle.get(lang).format(low=a, high=b) for a, b in zip(texts, texts[1:])]
    labels.append(high.get(lang).format(high=texts[-1]))
    return labels


def priority_tags(priority: pd.DataFrame, policy: Policy, lang: Lang) -> pd.Series:
    """The three tags (aging x amount share x customer type), then risk flags."""
    separator = "; " if lang == "en" else "、"
    buckets = np.asarray([label.get(lang) for label in i18n.bucket_labels(policy.bucket_edges)], dtype=object)
    bands = np.asarray(_share_band_labels(policy.share_tag_edges, lang), dtype=object)
    aging = pd.Series(buckets[priority["aging_tag"].to_numpy()], index=priority.index)
    share = pd.Series(bands[priority["share_band"].to_numpy()], index=priority.index)
    kind = _labels(priority["customer_type"], i18n.CUSTOMER_TYPES, lang).fillna("")
    tags = aging + separator + share + (separator + kind).where(kind != "", "")
    for flag, label in (("key_target", i18n.TAG_KEY_TARGET), ("high_risk", i18n.TAG_HIGH_RISK),
                        ("downgraded", i18n.TAG_DOWNGRADED)):
        tags = tags + np.where(priority[flag], separator + label.get(lang), "")
    if "limitation_alert" in priority:
        extra = money_law_tags(priority, lang)
        tags = tags + np.where(extra != "", separator + extra, "")
    extra = priority_contact_tags(priority, lang)
    return tags + np.where(extra != "", separator + extra, "")


def priority_table(result: RefreshResult, lang: Lang) -> OutputTable:
    priority = result.priority
    yes_no = {flag: label.get(lang) for flag, label in i18n.YES_NO.items()}
    actions, owners = stage_texts(priority["action_stage"], result.policy, lang)   # one up after a broken promise
    frame = pd.DataFrame({
        "rank": priority["rank"],
        "customer_id": priority["customer_id"],
        "customer_name": priority["customer_name"],
        "open": priority["open_fen"],
        "overdue": priority["overdue_fen"],
        "share": priority["share"],
        "max_days": priority["max_days"],
        "stage": priority["stage"],
        "key_target": priority["key_target"].map(yes_no),
        "high_risk": priority["high_risk"].map(yes_no),
        "tags": priority_tags(priority, result.policy, lang),
        "next_action": actions,
        "owner": owners,
        "interest": priority["interest_fen"],
        "late_paid_interest": priority["late_paid_interest_fen"],
        "earliest_expiry": priority["earliest_expiry"],
        "days_left": (priority["earliest_expiry"] - pd.Timestamp(result.as_of)).dt.days.astype("Int64"),
        "plan_broken": _yes_blank(priority["plan_broken"], lang),
    })
    frame = pd.concat([frame, priority_contact_frame(priority)], axis=1)
    labels = {**i18n.PRIORITY_COLUMNS, **i18n.PRIORITY_MONEY_LAW_COLUMNS, **i18n.PRIORITY_CONTACT_COLUMNS}
    kinds = {"rank": "int", "open": "money", "overdue": "money", "share": "percent", "max_days": "int",
             "interest": "money", "late_paid_interest": "money", "earliest_expiry": "date", "days_left": "int",
             **PRIORITY_CONTACT_KINDS}
    stage_position = list(labels).index("stage")
    row_fills = _fill_where(priority["key_target"], KEY_TARGET_FILL)
    return OutputTable(sheet_name("priority", lang),
                       output_columns(labels, kinds, lang,
                                {"customer_name": 32, "tags": 44, "next_action": 30, "last_contact": 17},
                                wrap=frozenset({"tags", "next_action", "customer_name"})),
                       frame, row_fills=row_fills,
                       cell_fills={stage_position: priority["stage"].map(STAGE_FILLS),
                                   list(labels).index("days_left"): alert_fills(priority["limitation_alert"])},
                       print_title_columns=3)


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("float64")
    return (part.astype("float64") / whole).where(whole != 0)


def aging_warning_texts(aging: pd.DataFrame, policy: Policy, lang: Lang) -> pd.Series:
    """Readable warnings per line (empty string when none)."""
    early = _ratio(aging["early_overdue_fen"], aging["receivables_fen"])
    growth = _ratio(aging["overdue_fen"] - aging["previous_overdue_fen"].astype("float64"),
                    aging["previous_overdue_fen"])
    early_limit = _percent(policy["warning_early_overdue_share"])
    growth_limit = _percent(policy["warning_overdue_growth"])
    separator = "; " if lang == "en" else "；"
    texts = []
    for row in range(len(aging)):
        parts = []
        if aging["early_warning"].iloc[row]:
            parts.append(i18n.WARNINGS["early"].format(days=policy["warning_early_overdue_days"],
                                                       share=f"{early.iloc[row]:.1%}", limit=early_limit).get(lang))
        if aging["growth_warning"].iloc[row]:
            parts.append(i18n.WARNINGS["growth"].format(share=f"{growth.iloc[row]:.1%}",
                                                        limit=growth_limit).get(lang))
        texts.append(separator.join(parts))
    return pd.Series(texts, index=aging.index, dtype=object)


def aging_table(result: RefreshResult, lang: Lang) -> OutputTable:
    aging = result.aging
    labels = i18n.bucket_labels(result.policy.bucket_edges)
    line = aging["business_line"].map(lambda v: i18n.BLANK_LINE.get(lang) if v == "" else v)
    line = line.where(~aging["is_total"], i18n.TOTAL.get(lang))
    columns: list[OutputColumn] = [OutputColumn(i18n.AGING_COLUMNS["business_line"].get(lang), "text")]  # as wide as its lines
    data: dict[str, pd.Series] = {"line": line}
    for n, label in enumerate(labels):
        columns.append(OutputColumn(label.get(lang), "money"))
        data[f"b{n}"] = aging[f"bucket_{n}"]
    for n, label in enumerate(labels):
        columns.append(OutputColumn(f"{label.get(lang)} %", "percent"))
        data[f"p{n}"] = _ratio(aging[f"bucket_{n}"], aging["receivables_fen"])
    extra = (("receivables", "money", aging["receivables_fen"]),
             ("overdue", "money", aging["overdue_fen"]),
             ("overdue_share", "percent", _ratio(aging["overdue_fen"], aging["receivables_fen"])),
             ("early_share", "percent", _ratio(aging["early_overdue_fen"], aging["receivables_fen"])),
             ("credits", "money", aging["credits_fen"]),
             ("previous_overdue", "money", aging["previous_overdue_fen"]),
             ("growth", "percent", _ratio(aging["overdue_fen"] - aging["previous_overdue_fen"].astype("float64"),
                                          aging["previous_overdue_fen"])),
             ("warnings", "text", aging_warning_texts(aging, result.policy, lang)))
    for key, kind, values in extra:
        warnings = key == "warnings"
        columns.append(OutputColumn(i18n.AGING_COLUMNS[key].get(lang), kind, 48 if warnings else None, warnings))
        data[key] = values
    columns.append(OutputColumn(i18n.AGING_PROVISION_COLUMN.get(lang), "money"))
    data["provision"] = aging["provision_fen"]
    warned = aging["early_warning"] | aging["growth_warning"]
    fills = _fill_where(warned, WARNING_FILL)
    return OutputTable(sheet_name("aging", lang), tuple(columns), pd.DataFrame(data), row_fills=fills,
                       print_title_columns=1)


def snapshots_table(result: RefreshResult, lang: Lang) -> OutputTable:
    """Month, split (line, owner or total), the line or owner, balances, buckets, key targets, as-of."""
    snaps = result.snapshots
    labels = i18n.SNAPSHOT_COLUMNS
    splits = {code: label.get(lang) for code, label in SPLIT_LABELS.items()}
    buckets = [f"bucket_{n}" for n in range(len(result.policy.bucket_edges) + 1)]
    frame = pd.DataFrame({
        "month": snaps["month"],
        "split": snaps["split"].map(splits),
        "business_line": snaps["business_line"],
        "owner": snaps["owner"],
        "receivables": snaps["receivables_fen"],
        "overdue": snaps["overdue_fen"],
        "early_overdue": snaps["early_overdue_fen"],
        **{key: snaps[key] if key in snaps else pd.Series(pd.NA, index=snaps.index, dtype="Int64") for key in buckets},
        "key_targets": snaps["key_targets"],
        "as_of": pd.to_datetime(snaps["as_of"]),
    })
    bucket_names = [label.get(lang) for label in i18n.bucket_labels(result.policy.bucket_edges)]
    order = ("month", "split", "business_line", "owner", "receivables", "overdue", "early_overdue")
    kinds = {"receivables": "money", "overdue": "money", "early_overdue": "money", "as_of": "date",
             "key_targets": "int"}
    columns = (*output_columns({key: labels[key] for key in order}, kinds, lang),
               *(OutputColumn(name, "money") for name in bucket_names),
               *output_columns({key: labels[key] for key in ("key_targets", "as_of")}, kinds, lang))
    return OutputTable(sheet_name("snapshots", lang), columns, frame, print_title_columns=4)


# Issues about an output sheet (the KPIs' blank figures) name it by key, written in the sheet's language.
OUTPUT_SHEET_KEYS = ("kpis", "channels")
SEVERITY_FILLS = {"error": ERROR_FILL, "warning": WARNING_FILL, "info": None}


def issues_table(issues: tuple[Issue, ...] | list[Issue], lang: Lang) -> OutputTable:
    frame = pd.DataFrame({
        "severity": [i18n.SEVERITIES[item.severity].get(lang) for item in issues],
        "sheet": [sheet_name(item.sheet, lang) if item.sheet in OUTPUT_SHEET_KEYS else item.sheet for item in issues],
        "cell": [item.cell for item in issues],
        "message": [item.message.get(lang) for item in issues],
    }, dtype=object)
    fills = pd.Series([SEVERITY_FILLS[item.severity] for item in issues], dtype=object)
    return OutputTable(sheet_name("issues", lang),
                       output_columns(i18n.ISSUE_COLUMNS, {}, lang, {"message": 80}, wrap=frozenset({"message"})),
                       frame, cell_fills={0: fills})


#: Every sheet a refresh writes, by key, in tab order: the keys of `output_tables` (a test holds them
#: equal), and what the template's Instructions sheet lists, so neither can drift from the writer.
REFRESH_SHEETS = ("priority", "detail", "aging", "kpis", "snapshots", "plan_schedule", "credit",
                  "calls", "compliance", "weekly", "channels", "issues")


def output_tables(result: RefreshResult, lang: Lang) -> dict[str, OutputTable]:
    """Every sheet a refresh writes, by sheet key, in tab order; Aging, KPIs and Priority with their
    charts; each prints the as-of date in its footer."""
    tables = with_charts({"priority": priority_table(result, lang), "detail": detail_table(result, lang),
                          "aging": aging_table(result, lang), "kpis": kpis_table(result, lang),
                          "snapshots": snapshots_table(result, lang),
                          "plan_schedule": plan_schedule_table(result, lang), "credit": credit_sheet(result, lang),
                          **collector_tables(result, lang), "issues": issues_table(result.issues, lang)},
                         result, lang)
    footer = i18n.PRINT_FOOTER.format(date=result.as_of.isoformat()).get(lang)
    return {key: dataclasses.replace(table, footer=footer) for key, table in tables.items()}
