"""The key/value `Company · 公司信息` sheet: the sender's name, address and bank details for letters."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import clean_text
from ..issues import Issue
from ..sheet_rows import locate_columns
from ..tables import RawSheet


class Company(dict):
    """The Company values by key ('' when blank), with the sheet's name and the cell each value
    was read from (`cells`), so that a missing value can be reported at its cell."""

    def __init__(self, values: dict[str, str], sheet: str = "", cells: dict[str, str] | None = None):
        super().__init__(values)
        self.sheet = sheet
        self.cells = dict(cells or {})


def read_company(sheet: RawSheet | None) -> tuple[Company, list[Issue]]:
    """Company data from the key/value `Company · 公司信息` sheet; blanks are ''.

    The Item column holds the key (`name`, `bank_account`, ...) or its description
    in either language.
    """
    company = Company({key: "" for key in i18n.COMPANY_FIELDS}, sheet.name if sheet is not None else "")
    if sheet is None or not len(sheet.frame):
        return company, []
    located, issues = locate_columns(sheet, {k: v for k, v in i18n.COMPANY_COLUMNS.items() if k != "description"},
                                     ("key", "value"))
    if located is None:
        return company, issues
    aliases = {i18n.normalise_name(key): key for key in i18n.COMPANY_FIELDS}
    aliases.update({i18n.normalise_name(name): key for key, label in i18n.COMPANY_FIELDS.items()
                    for name in label.both()})
    keys = clean_text(located.frame["key"])
    values = clean_text(located.frame["value"])
    for row, key in keys.items():
        if pd.isna(key):
            continue
        found = aliases.get(i18n.normalise_name(key))
        if found is None:
            issues.append(Issue("warning", sheet.name, f"{located.letters['key']}{row}",
                                 i18n.LETTER_MESSAGES["company_unknown_key"].format(value=key)))
            continue
        value = values.loc[row]
        company[found] = "" if pd.isna(value) else _tidy(str(value))
        company.cells[found] = f"{located.letters['value']}{row}"
    return company, issues


def _tidy(text: str) -> str:
    """Cell text as written in a letter: a float-looking account number stays as typed."""
    return text.strip()
