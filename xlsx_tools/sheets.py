"""Lay out a refresh result as the tool-owned output sheets, in one language.

Pure presentation: labels, column kinds, widths and colours.  Adapters turn these
`OutputTable`s into xlsx parts or live Excel ranges.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from .core import i18n
from .core.i18n import Label, Lang
from .core.issues import Issue
from .core.policy import Policy
from .core.refresh import RefreshResult
from .core.tables import OutputColumn, OutputTable

STAGE_FILLS = {
    "S0": None, "S1": "DDEBF7", "S2": "FFF2CC", "S3": "FCE4D6", "S4": "F8CBAD", "S5": "FF9F9F",
    "HOLD": "D9D9D9", "PLAN": "E2EFDA", "CLOSED": None, "CREDIT": "E4DFEC",
}
KEY_TARGET_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
ERROR_FILL = "FFC7CE"


def sheet_name(key: str, lang: Lang) -> str:
    return i18n.SHEETS[key].get(lang)


def _columns(labels: dict[str, Label], kinds: dict[str, str], lang: Lang,
             widths: dict[str, float] | None = None) -> tuple[OutputColumn, ...]:
    widths = widths or {}
    return tuple(OutputColumn(label.get(lang), kinds.get(key, "text"), widths.get(key))
                 for key, label in labels.items())


def _labels(codes: pd.Series, table: dict[str, Label], lang: Lang) -> pd.Series:
    return codes.map({code: label.get(lang) for code, label in table.items()})


def stage_texts(codes: pd.Series, policy: Policy, lang: Lang) -> tuple[pd.Series, pd.Series]:
    """(next action, owner) for each stage code, from the policy."""
    actions = {code: policy.action(code, lang) for code in i18n.STAGE_CODES}
    owners = {code: policy.owner(code, lang) for code in i18n.STAGE_CODES}
    return codes.map(actions), codes.map(owners)


def detail_table(result: RefreshResult, lang: Lang) -> OutputTable:
    detail = result.detail
    buckets = [label.get(lang) for label in i18n.bucket_labels(result.policy.bucket_edges)]
    actions, owners = stage_texts(detail["stage"], result.policy, lang)
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
        "stage_name": _labels(detail["stage"], i18n.STAGE_NAMES, lang),
        "next_action": actions,
        "owner": owners,
        "status": _labels(detail["status"], i18n.STATUSES, lang),
    })
    kinds = {"row": "int", "invoice_date": "date", "due_date": "date", "amount": "money", "paid": "money",
             "open": "money", "days_past_due": "int"}
    stage_position = list(i18n.DETAIL_COLUMNS).index("stage")
    fills = detail["stage"].map(STAGE_FILLS)
    return OutputTable(sheet_name("detail", lang), _columns(i18n.DETAIL_COLUMNS, kinds, lang,
                                                            {"next_action": 30, "customer_name": 28}),
                       frame, cell_fills={stage_position: fills})


def _percent(value: Decimal) -> str:
    return f"{value * 100:g}%"


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
    return tags


def priority_table(result: RefreshResult, lang: Lang) -> OutputTable:
    priority = result.priority
    yes_no = {flag: label.get(lang) for flag, label in i18n.YES_NO.items()}
    actions, owners = stage_texts(priority["stage"], result.policy, lang)
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
    })
    kinds = {"rank": "int", "open": "money", "overdue": "money", "share": "percent", "max_days": "int"}
    stage_position = list(i18n.PRIORITY_COLUMNS).index("stage")
    row_fills = priority["key_target"].map({True: KEY_TARGET_FILL, False: None})
    return OutputTable(sheet_name("priority", lang),
                       _columns(i18n.PRIORITY_COLUMNS, kinds, lang,
                                {"customer_name": 28, "tags": 44, "next_action": 30}),
                       frame, row_fills=row_fills,
                       cell_fills={stage_position: priority["stage"].map(STAGE_FILLS)})


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
    columns: list[OutputColumn] = [OutputColumn(i18n.AGING_COLUMNS["business_line"].get(lang), "text", 16)]
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
        columns.append(OutputColumn(i18n.AGING_COLUMNS[key].get(lang), kind, 48 if key == "warnings" else None))
        data[key] = values
    warned = aging["early_warning"] | aging["growth_warning"]
    fills = warned.map({True: WARNING_FILL, False: None})
    return OutputTable(sheet_name("aging", lang), tuple(columns), pd.DataFrame(data), row_fills=fills)


def snapshots_table(result: RefreshResult, lang: Lang) -> OutputTable:
    snaps = result.snapshots
    labels = i18n.SNAPSHOT_COLUMNS
    frame = pd.DataFrame({
        "month": snaps["month"],
        "business_line": snaps["business_line"],
        "receivables": snaps["receivables_fen"],
        "overdue": snaps["overdue_fen"],
        "early_overdue": snaps["early_overdue_fen"],
        "as_of": pd.to_datetime(snaps["as_of"]),
    })
    kinds = {"receivables": "money", "overdue": "money", "early_overdue": "money", "as_of": "date"}
    return OutputTable(sheet_name("snapshots", lang), _columns(labels, kinds, lang), frame)


def issues_table(issues: tuple[Issue, ...] | list[Issue], lang: Lang) -> OutputTable:
    frame = pd.DataFrame({
        "severity": [i18n.SEVERITIES[item.severity].get(lang) for item in issues],
        "sheet": [item.sheet for item in issues],
        "cell": [item.cell for item in issues],
        "message": [item.message.get(lang) for item in issues],
    }, dtype=object)
    fills = pd.Series([ERROR_FILL if item.severity == "error" else WARNING_FILL for item in issues], dtype=object)
    return OutputTable(sheet_name("issues", lang), _columns(i18n.ISSUE_COLUMNS, {}, lang, {"message": 80}),
                       frame, cell_fills={0: fills})


def output_tables(result: RefreshResult, lang: Lang) -> dict[str, OutputTable]:
    """Every sheet a refresh writes, by sheet key, in tab order."""
    return {"priority": priority_table(result, lang), "detail": detail_table(result, lang),
            "aging": aging_table(result, lang), "snapshots": snapshots_table(result, lang),
            "issues": issues_table(result.issues, lang)}
