"""Shared fixtures: the demo workbook refreshed by the CLI, and fresh fake Excel books of it."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.fakes.xlwings_fake import FakeBook
from xlsx_tools.pipeline import refresh as refresh_steps
from xlsx_tools.core.refresh import RefreshResult
from xlsx_tools.build.demo import build_demo_workbook
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile

TODAY = dt.date.today()


@pytest.fixture(scope="session")
def demo_pair(tmp_path_factory) -> tuple[Path, Path]:
    """(the demo workbook as built, the same workbook after `xlsx-tools refresh`), as of today.

    The buttons use the Policy as-of date, else today, like the CLI without --as-of.
    """
    folder = tmp_path_factory.mktemp("demo")
    built = build_demo_workbook(folder / "demo.xlsx", as_of=TODAY)
    refreshed = folder / "demo_refreshed.xlsx"
    shutil.copy(built, refreshed)
    refresh_steps.refresh(WorkbookFile(refreshed))
    return built, refreshed


@pytest.fixture(scope="session")
def refreshed_book(demo_pair) -> FakeBook:
    """The CLI's result as Excel would show it (read-only use)."""
    return FakeBook.from_xlsx(demo_pair[1])


@pytest.fixture(scope="session")
def input_book(demo_pair) -> FakeBook:
    """The demo workbook before the refresh, as Excel would show it (read-only use)."""
    return FakeBook.from_xlsx(demo_pair[0])


@pytest.fixture(scope="session")
def demo_result(demo_pair) -> RefreshResult:
    """What the CLI computes for the demo workbook (for expected counts and messages)."""
    return refresh_steps.check(WorkbookFile(demo_pair[0]))
