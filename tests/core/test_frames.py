"""map_few (and map_few_many) give exactly what Series.map gives: values, missing values, dtype, index and name."""
import numpy as np
import pandas as pd
import pytest

from xlsx_tools.core.frames import map_few, map_few_many


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


def test_map_few_many__each_mapping_as_series_map():
    values = pd.Series(["S1", None, "S3", "S1"], index=[3, 1, 2, 0], name="stage", dtype="str")
    mappings = ({"S1": "first", "S3": "third"}, {"S1": 1}, {"S3": "FF0000"})
    for got, mapping in zip(map_few_many(values, mappings), mappings, strict=True):
        pd.testing.assert_series_equal(got, values.map(mapping))
