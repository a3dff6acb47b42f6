"""Range arguments: the fast cell texts equal `cell_text`, shapes and single cells broadcast."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from xlsx_tools.excel.ranges import Columns, cell_texts, is_range
from xlsx_tools.io.workbook_xlwings import cell_text

CELLS = [None, "", " x ", "2026-11-28", 0.0, -0.0, 1.0, 46296.0, 46296.75, 1234.5, 0.1, 1e-5, 1e-4, 123456789.123,
         1e16, 1e17, -12.25, float("nan"), float("inf"), 3, np.float64(2.5), np.int64(7), True, False,
         dt.datetime(2026, 11, 28), dt.datetime(2026, 11, 28, 13, 5, 1), dt.datetime(2026, 11, 28, 0, 0, 0, 5000),
         dt.datetime(999, 1, 1), dt.date(2026, 1, 2), dt.time(12, 0)]


def test_cell_texts_are_cell_text_for_every_kind_of_cell():
    assert cell_texts(CELLS) == [cell_text(cell) for cell in CELLS]


@pytest.mark.parametrize("value, expected", [
    (5.0, False), ([5.0], False), ([[5.0]], False), ([5.0, 6.0], True), ([[5.0], [6.0]], True),
    ([[5.0, 6.0]], True), ([[1, 2], [3, 4]], True)])
def test_is_range(value, expected):
    assert is_range(value) is expected


def test_columns_flatten_blocks_row_by_row_repeat_single_cells_and_keep_true_apart_from_one():
    block, single = [[1.0, True], [1.0, None]], "x"
    columns = Columns([block, single], lambda: ValueError("lengths"))
    assert columns.length == 4
    assert columns.cells(block).fillna("-").tolist() == ["1", "true", "1", "-"]
    assert columns.cells(single).tolist() == ["x"] * 4
    with pytest.raises(ValueError):
        Columns([[1.0, 2.0], [1.0, 2.0, 3.0]], lambda: ValueError("lengths"))
