"""Lay out the group view as four sheets: Group Priority, Group Aging, Group KPIs and Sources."""
from __future__ import annotations

import pandas as pd

from ..core import i18n
from ..core.group import KPI_FIGURES, GroupOutcome, unpack_names
from ..core.i18n import Lang
from ..core.i18n.kpis import FIGURES
from ..core.tables import OutputColumn, OutputTable, display_width
from .columns import output_columns
from .sheets import (ERROR_FILL, KEY_TARGET_FILL, STAGE_FILLS, WARNING_FILL, _fill_where, _ratio,
                     _yes_blank, sheet_name)


TOTAL_FILL = "D9E1F2"
SUBSIDIARY_WIDTH = 24.0     # the subsidiary column's least width; wider for a longer name, up to 60


def _subsidiary_width(names) -> float:
    """The subsidiary column's width: its longest name in full (a wide CJK character counts double),
    at least `SUBSIDIARY_WIDTH`, at most 60 characters."""
    widest = max((display_width(name) for name in names if isinstance(name, str)), default=0.0)
    return min(max(SUBSIDIARY_WIDTH, widest + 2.0), 60.0)


def group_priority_table(outcome: GroupOutcome, lang: Lang) -> OutputTable:
    ranked = outcome.priority
    separator = ", " if lang == "en" else "、"
    frame = pd.DataFrame({
        "rank": ranked["rank"],
        "customer_id": ranked["customer_id"],
        "customer_name": ranked["customer_name"].replace("", None),
        "credit_code": ranked["credit_code"].replace("", None),
        "subsidiaries": ranked["subsidiaries"].map(lambda value: separator.join(unpack_names(value))),
        "books": ranked["books"],
        "open": ranked["open_fen"],
        "overdue": ranked["overdue_fen"],
        "share": ranked["share"].astype("float64"),
        "max_days": ranked["max_days"],
        "stage": ranked["stage"],
        "key_target": _yes_blank(ranked["key_target"], lang),
        "credit_limits": ranked["credit_limit_fen"].astype("Int64").where(ranked["limits_known"] > 0),
        "over_limits": _yes_blank(ranked["over_limits"], lang),
    }, index=ranked.index)
    kinds = {"rank": "int", "books": "int", "open": "money", "overdue": "money", "share": "percent",
             "max_days": "int", "credit_limits": "money"}
    labels = i18n.GROUP_PRIORITY_COLUMNS
    return OutputTable(sheet_name("group_priority", lang),
                       output_columns(labels, kinds, lang, {"customer_name": 32, "credit_code": 22, "subsidiaries": 36},
                                wrap=frozenset({"customer_name", "subsidiaries"})),
                       frame, row_fills=_fill_where(ranked["key_target"], KEY_TARGET_FILL),
                       cell_fills={list(labels).index("stage"): ranked["stage"].map(STAGE_FILLS),
                                   list(labels).index("over_limits"): _fill_where(ranked["over_limits"], ERROR_FILL)},
                       print_title_columns=3)


def group_aging_table(outcome: GroupOutcome, lang: Lang) -> OutputTable:
    aging = outcome.aging
    labels = i18n.GROUP_AGING_COLUMNS
    columns = [OutputColumn(labels["subsidiary"].get(lang), "text", _subsidiary_width(aging["subsidiary"])),
               OutputColumn(labels["business_line"].get(lang), "text")]
    if not len(aging):
        return OutputTable(sheet_name("group_aging", lang), tuple(columns), pd.DataFrame({"s": [], "l": []}))
    total = aging["is_total"].astype(bool)
    group_row = aging["subsidiary"].isna()
    line = aging["business_line"].map(lambda v: i18n.BLANK_LINE.get(lang) if v == "" else v)
    data = {"subsidiary": aging["subsidiary"].where(~group_row, i18n.GROUP_TOTAL.get(lang)),
            "line": line.where(~total, i18n.SUBSIDIARY_TOTAL.get(lang)).where(~group_row, None)}
    for n, label in enumerate(outcome.bucket_labels):
        columns.append(OutputColumn(label.get(lang), "money"))
        data[f"b{n}"] = aging[f"bucket_{n}"]
    for key, kind, values in (("receivables", "money", aging["receivables_fen"]),
                              ("overdue", "money", aging["overdue_fen"]),
                              ("overdue_share", "percent", _ratio(aging["overdue_fen"], aging["receivables_fen"])),
                              ("provision", "money", aging["provision_fen"]),
                              ("warnings", "text", aging["warnings"].map(
                                  lambda w: (w.get(lang) or None) if w is not None else None))):
        columns.append(OutputColumn(labels[key].get(lang), kind, 48 if key == "warnings" else None, key == "warnings"))
        data[key] = values
    warned = aging["warnings"].map(lambda w: w is not None and bool(w.en))
    fills = _fill_where(total, TOTAL_FILL).where(~warned, WARNING_FILL)
    return OutputTable(sheet_name("group_aging", lang), tuple(columns), pd.DataFrame(data), row_fills=fills,
                       print_title_columns=2)


KPI_KINDS = {"recovery_rate": "percent", "overdue_share": "percent", "cycle_days": "figure",
             "cycle_days_weighted": "figure", "dso_days": "figure", "cei": "figure", "key_targets": "int"}


def group_kpis_table(outcome: GroupOutcome, lang: Lang) -> OutputTable:
    """Subsidiaries, the group row, then the note on how the group row is made (one text row)."""
    kpis = outcome.kpis
    group_row = kpis["subsidiary"].isna()
    receivables = kpis["receivables_fen"].astype("Int64")
    own = i18n.GROUP_KPI_COLUMNS
    labels = {key: own[key] for key in ("subsidiary", "as_of", "customers", "receivables", "share_of_group")}
    data = {"subsidiary": kpis["subsidiary"].where(~group_row, i18n.GROUP_TOTAL.get(lang)),
            "as_of": pd.to_datetime(kpis["as_of"]),
            "customers": kpis["customers"].astype("Int64"),
            "receivables": receivables,
            "share_of_group": _ratio(receivables, pd.Series(receivables[group_row].sum(), index=kpis.index))}
    kinds = {"as_of": "date", "customers": "int", "receivables": "money", "share_of_group": "percent"}
    for figure in KPI_FIGURES:
        labels[figure] = FIGURES[figure]
        kind = KPI_KINDS.get(figure, "money")
        kinds[figure] = kind
        values = kpis[figure]
        data[figure] = (values.astype("Int64") if kind in ("money", "int") else
                        pd.Series([float(v) if v is not None else float("nan") for v in values], dtype="float64"))
    for key, name in (("over_limit", "over_limit"), ("interest", "interest_fen"), ("provision", "provision_fen")):
        labels[key] = own[key]
        kinds[key] = "int" if key == "over_limit" else "money"
        data[key] = kpis[name].astype("Int64")
    frame = pd.DataFrame(data)
    notes = [i18n.GROUP_KPI_NOTE.get(lang)]
    if len(kpis) > 1 and pd.isna(kpis["as_of"].iloc[-1]):
        notes.append(i18n.GROUP_KPI_MIXED_MONTHS.get(lang))
    note_rows = pd.DataFrame({"subsidiary": notes})
    fills = pd.concat([_fill_where(group_row, TOTAL_FILL), pd.Series([None] * len(notes), dtype=object)],
                      ignore_index=True)
    # the note rows are left out of the width and wrap in the subsidiary column: run on across the
    # cells to their right they were printed twice, overlapping, where that column repeats on page 2
    return OutputTable(sheet_name("group_kpis", lang),
                       output_columns(labels, kinds, lang, {"subsidiary": _subsidiary_width(frame["subsidiary"])},
                                wrap=frozenset({"subsidiary"})),
                       pd.concat([frame, note_rows], ignore_index=True)[list(frame.columns)], row_fills=fills,
                       print_title_columns=1)     # the subsidiary, on the pages the figures run over to


def sources_table(outcome: GroupOutcome, lang: Lang) -> OutputTable:
    books = outcome.books

    colon = ": " if lang == "en" else "："
    included = [book for book in books if book.figures is not None]

    def status(book) -> str:
        if book.figures is None:
            return f"{i18n.SOURCE_UNUSABLE.get(lang)}{colon}{book.problem.get(lang) if book.problem else ''}"
        said = (i18n.SOURCE_WITH_ERRORS if book.figures.errors else i18n.SOURCE_OK).get(lang)
        namesakes = [other.path for other in included if other is not book and other.subsidiary == book.subsidiary]
        if namesakes:   # two subsidiaries' rows would read alike, or one subsidiary is in twice
            said += i18n.SOURCE_NAME_SHARED.format(paths=", ".join(namesakes)).get(lang)
        return said

    def number(book, name: str) -> object:
        return getattr(book.figures, name) if book.figures is not None else pd.NA

    frame = pd.DataFrame({
        "subsidiary": [book.subsidiary for book in books],
        "path": [book.path for book in books],
        "sha256": [book.sha256 for book in books],
        "as_of": pd.to_datetime(pd.Series([book.figures.as_of if book.figures else None for book in books],
                                          dtype=object)),
        "rows": pd.array([number(b, "rows") for b in books], dtype="Int64"),
        "errors": pd.array([number(b, "errors") for b in books], dtype="Int64"),
        "warnings": pd.array([number(b, "warnings") for b in books], dtype="Int64"),
        "seconds": pd.Series([round(book.seconds, 2) for book in books], dtype="float64"),
        "status": [status(book) for book in books],
    })
    bad = pd.Series([book.figures is None or bool(book.figures.errors) for book in books], dtype=bool)
    # the seconds are rounded to 0.01 and shown so (not 1.5300)
    kinds = {"as_of": "date", "rows": "int", "errors": "int", "warnings": "int", "seconds": "figure"}
    widths = {"subsidiary": _subsidiary_width(frame["subsidiary"]), "path": 48, "sha256": 66, "status": 60}
    return OutputTable(sheet_name("sources", lang), output_columns(i18n.SOURCE_COLUMNS, kinds, lang, widths),
                       frame, row_fills=_fill_where(bad, WARNING_FILL), print_title_columns=1)


#: The sheets `xlsx-tools group` writes, by key, in tab order (also listed on the template's Instructions).
GROUP_SHEETS = ("group_priority", "group_aging", "group_kpis", "sources")


def group_tables(outcome: GroupOutcome, lang: Lang) -> dict[str, OutputTable]:
    """The group workbook's sheets by key, in tab order."""
    layouts = (group_priority_table, group_aging_table, group_kpis_table, sources_table)
    return {key: layout(outcome, lang) for key, layout in zip(GROUP_SHEETS, layouts, strict=True)}
