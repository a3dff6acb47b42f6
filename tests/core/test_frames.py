"""map_few gives exactly what Series.map gives: values, missing values, dtype, index and name."""
import numpy as np
import pandas as pd
import pytest

from xlsx_tools.core.frames import map_few


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]", "str"])
def test_map_few__same_as_map_for_text_codes(dtype):
    values = pd.Series(["S1", None, "S3", "S1", "unknown"], index=[5, 6, 7, 8, 9], name="stage", dtype=dtype)
    mapping = {"S1": "first", "S3": "third"}
    expected = values.map(mapping)
    got = map_few(values, mapping)
    pd.testing.assert_series_equal(got, expected)


def test_map_few__numbers_and_missing_upcast_like_map():
    values = pd.Series(["a", "b", None, "c"])
    for mapping in ({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2}):
        pd.testing.assert_series_equal(map_few(values, mapping), values.map(mapping))
    assert map_few(pd.Series([], dtype=object), {"a": 1}).empty
    assert np.isnan(map_few(values, {"a": 1.5}).iloc[2])
