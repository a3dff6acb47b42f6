"""Local and Dask runs of the group view give byte-identical group sheets; LibreOffice opens the result."""
from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tests.group.books import AS_OF
from tests.libreoffice import convert_to_csv, soffice_or_skip
from tests.workbooks import sheet_part_names, zip_parts
from xlsx_tools.io.group_files import find_books
from xlsx_tools.wiring import group_books, write_group_workbook

GROUP_SHEETS = ("Group Priority", "Group Aging", "Group KPIs")
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@pytest.fixture(scope="module")
def dask_run(group_run, dask_client, tmp_path_factory) -> dict:
    """The same books and options as `group_run`, on the LocalCluster."""
    lines: list[str] = []
    outcome, path = group_books(find_books([group_run["folder"] / "books"]),
                                tmp_path_factory.mktemp("dask") / "dask.xlsx", as_of=dt.date.fromisoformat(AS_OF),
                                lang="en", scheduler=dask_client, progress=lines.append)
    return {"outcome": outcome, "path": path, "lines": lines}


def _group_parts(path: Path) -> dict[str, bytes]:
    parts, names = zip_parts(path), sheet_part_names(path)
    return {name: parts[names[name]] for name in GROUP_SHEETS}


def test_engines__local_and_dask_local_cluster_give_identical_group_sheets(group_run, dask_run):
    remote = dask_run["outcome"]
    assert len(remote.priority) == 3 and [b.figures is None for b in remote.books] == [False, False, True, False]
    assert _group_parts(group_run["path"]) == _group_parts(dask_run["path"])


def test_engines__dask_reports_each_book_started_then_done_or_failed(dask_run):
    lines = dask_run["lines"]
    assert len(lines) == 8 and sum(line.startswith("started: ") for line in lines) == 4
    for name in ("alpha.xlsx", "beta_books.xlsx", "broken.xlsx", "gamma.xlsx"):
        events = [line for line in lines if f" {name}" in line]
        assert events[0] == f"started: {name}" and len(events) == 2
    assert sum("] failed: broken.xlsx: " in line for line in lines) == 1


def test_group_workbook__valid_package_that_libreoffice_reads_back(group_run, tmp_path):
    path = group_run["path"]
    parts = zip_parts(path)
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # every part parses
    content_types = parts["[Content_Types].xml"].decode()
    for part in sheet_part_names(path).values():
        assert f'PartName="/{part}" ContentType="{WORKSHEET_CT}"' in content_types
    ids = re.findall(r'sheetId="(\d+)"', parts["xl/workbook.xml"].decode())
    assert len(ids) == len(set(ids)) == 4
    soffice_or_skip()
    sheets = convert_to_csv(path, tmp_path / "csv", tmp_path / "profile")
    kpis = next(p for stem, p in sheets.items() if stem.endswith("-Group KPIs"))
    with kpis.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    group = next(row for row in rows if row["Subsidiary"] == "Group")
    assert group["Receivables"].replace(",", "") in {"245000", "245000.00"}
    assert rows[-1]["Subsidiary"].startswith("Note: ")


def test_group__rerun_into_an_existing_workbook_replaces_its_group_sheets(group_run, dask_run, tmp_path):
    out = tmp_path / "group.xlsx"
    shutil.copyfile(group_run["path"], out)
    write_group_workbook(dask_run["outcome"], out, "en")
    assert list(sheet_part_names(out)) == [*GROUP_SHEETS, "Sources"]
    assert _group_parts(out) == _group_parts(group_run["path"])
