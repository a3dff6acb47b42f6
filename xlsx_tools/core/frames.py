"""Column helpers that keep pandas off its slow paths on a million rows."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd


def map_few(values: pd.Series, mapping: Mapping) -> pd.Series:
    """`values.map(mapping)`, with the same result, for a column of few distinct values
    (codes, stages, statuses): each distinct value is looked up once, then taken per row.

    pandas' own `map` hashes every row against the mapping's index (and converts Arrow
    strings to objects first); factorising once and taking is about 4× faster at 1M rows.
    """
    return map_few_many(values, (mapping,))[0]


def map_few_many(values: pd.Series, mappings: Sequence[Mapping]) -> list[pd.Series]:
    """`[map_few(values, m) for m in mappings]`, factorising `values` once for all of them
    (the Detail sheet maps a million stage codes to a name, an action, an owner and a fill)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = pd.Series(uniques)
    return [pd.Series(distinct.map(mapping).array.take(codes), index=values.index, name=values.name)
            for mapping in mappings]


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """`index.get_indexer(values)`, with the same result, for a long column of fewer distinct
    values (customer IDs of contacts or payments): each distinct value is looked up once.

    pandas otherwise hashes every row against the index, converting Arrow strings to Python
    objects first; factorising then taking is about 3× faster on 200k contacts."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return index.get_indexer(uniques)[codes]
