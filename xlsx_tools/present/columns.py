"""The columns of an output sheet from its bilingual labels: one helper for every sheet layout."""
from __future__ import annotations

from ..core.i18n import Label, Lang
from ..core.tables import OutputColumn


def output_columns(labels: dict[str, Label], kinds: dict[str, str], lang: Lang,
                   widths: dict[str, float] | None = None, wrap: frozenset[str] = frozenset()
                   ) -> tuple[OutputColumn, ...]:
    """The columns of `labels` in order, headed in `lang`; a kind per key (text when not given),
    an optional fixed width, and those named in `wrap` hold long text that wraps."""
    widths = widths or {}
    return tuple(OutputColumn(label.get(lang), kinds.get(key, "text"), widths.get(key), key in wrap)
                 for key, label in labels.items())
