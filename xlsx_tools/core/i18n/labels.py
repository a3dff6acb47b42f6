"""The bilingual building blocks: a Label, a Message template, and name folding.

Readers match names through `normalise_name`, so "INVOICE NO ", "invoice no" and
"账期（天）" / "账期(天)" all find their column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..frames import map_few

Lang = Literal["zh", "en"]

LANGS: tuple[Lang, ...] = ("zh", "en")
#: Characters of a cell's text a message quotes: enough to find the cell's content, not so many that
#: a 32,767-character cell buries the message (and the Issues cell loses its end).
QUOTED_CHARS = 80


@dataclass(frozen=True)


class Label:
    en: str
    zh: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def both(self) -> tuple[str, str]:
        return (self.en, self.zh)


@dataclass(frozen=True)


class Message:
    """A bilingual message template; `{name}` fields are filled by `format`."""

    en: str
    zh: str

    def format(self, **values: object) -> Label:
        """Fill the fields; a value that is itself a Label is taken in the matching language, and
        the quoted cell (`value`) is cut to `QUOTED_CHARS`."""
        if isinstance(values.get("value"), str) and len(values["value"]) > QUOTED_CHARS:
            values["value"] = values["value"][:QUOTED_CHARS - 1] + "…"
        en = {k: v.en if isinstance(v, Label) else v for k, v in values.items()}
        zh = {k: v.zh if isinstance(v, Label) else v for k, v in values.items()}
        return Label(self.en.format(**en), self.zh.format(**zh))


@dataclass(frozen=True)


class Aliases(Label):
    """A header Label that also accepts extra spellings (e.g. 'Date' for 'Payment Date')."""

    extra: tuple[str, ...] = ()

    def both(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.en, self.zh) + self.extra


def normalise_name(text: object) -> str:
    """Fold a sheet or header name: NFKC (full-width -> half-width), trim, casefold, one space,
    none beside a bracket (a Chinese input method types 'Terms（days）' for 'Terms (days)')."""
    folded = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return re.sub(r" ?([()]) ?", r"\1", re.sub(r"\s+", " ", folded))


def name_lookup(labels: dict[str, Label], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised name -> code, for every label in both languages plus extra spellings."""
    aliases = {normalise_name(name): code for code, label in labels.items() for name in label.both()}
    aliases.update({normalise_name(name): code for name, code in (extra or {}).items()})
    return aliases


def match_names(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """The code of each value (None when unknown); each distinct value is folded once."""
    lookup = {value: aliases.get(normalise_name(value)) for value in values.dropna().unique()}
    return map_few(values, lookup).astype(object)
