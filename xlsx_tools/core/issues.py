"""Located input problems: errors are data, never exceptions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

from .i18n import MESSAGES, Label, Lang

Severity = Literal["error", "warning", "info"]     # info: how a figure was taken, nothing to fix


@dataclass(frozen=True)
class Issue:
    """One problem in the input, pointing at a sheet and (when known) a cell like 'D17'."""

    severity: Severity
    sheet: str
    cell: str
    message: Label

    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def text(self, lang: Lang = "zh") -> str:
        """`应收台账!D17: 日期格式无法识别 '11/28/2026'`."""
        return f"{self.location()}: {self.message.get(lang)}"


def issue(severity: Severity, sheet: str, cell: str, code: str, *, left_out: bool = False,
          **values: object) -> Issue:
    """Build an Issue from a message code of `i18n.MESSAGES`."""
    message = MESSAGES[code].format(**values)
    if left_out:
        suffix = MESSAGES["row_left_out"]
        message = Label(message.en + suffix.en, message.zh + suffix.zh)
    return Issue(severity, sheet, cell, message)


def problems(issues: Iterable[Issue]) -> list[Issue]:
    """Errors and warnings: what a clerk must look at. `info` footnotes (why a KPI figure is
    blank) stay on the Issues sheet and are not counted or shown in messages."""
    return [item for item in issues if item.severity != "info"]


def has_errors(issues: list[Issue]) -> bool:
    return any(item.severity == "error" for item in issues)


def counts(issues: Iterable[Issue]) -> tuple[int, int]:
    """(errors, warnings); info lines are neither."""
    severities = [item.severity for item in issues]
    return severities.count("error"), severities.count("warning")


def in_row_order(items: Iterable[Issue]) -> list[Issue]:
    """Issues of one sheet by row (header problems first), keeping their order within a row."""
    return sorted(items, key=lambda item: int(re.sub(r"\D", "", item.cell) or 0))
