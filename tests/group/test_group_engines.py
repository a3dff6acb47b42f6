"""Local and Dask runs of the group view give byte-identical group sheets; LibreOffice opens the result."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from lxml import etree

from tests.group.books import AS_OF, write_books
from tests.libreoffice import convert_to_csv, soffice_or_skip
from tests.workbooks import sheet_part_names, zip_parts
from xlsx_tools.io.group_files import find_books
from xlsx_tools.wiring import group_books

GROUP_SHEETS = ("集团催收优先级", "集团账龄分析", "集团关键指标")
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("engines")
    write_books(folder / "books")
    return find_books([folder / "books"])


def _group_parts(path: Path) -> dict[str, bytes]:
    parts, names = zip_parts(path), sheet_part_names(path)
    return {name: parts[names[name]] for name in GROUP_SHEETS}


def test_engines__local_and_dask_local_cluster_give_identical_group_sheets(books, tmp_path):
    distributed = pytest.importorskip("distributed")
    as_of = dt.date.fromisoformat(AS_OF)
    local, local_path = group_books(books, tmp_path / "local.xlsx", as_of=as_of, workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote, remote_path = group_books(books, tmp_path / "dask.xlsx", as_of=as_of, scheduler=client)
    assert len(remote.priority) == 3 and [b.figures is None for b in remote.books] == [False, False, True, False]
    assert _group_parts(local_path) == _group_parts(remote_path)
    assert [b.sha256 for b in local.books] == [b.sha256 for b in remote.books]


def test_group_workbook__valid_package_that_libreoffice_reads_back(books, tmp_path):
    as_of = dt.date.fromisoformat(AS_OF)
    _, path = group_books(books, tmp_path / "group.xlsx", as_of=as_of, lang="en", workers=1)
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
    assert rows[-1]["Subsidiary"] == "Group"
    assert rows[-1]["Receivables"].replace(",", "") in {"245000", "245000.00"}


def test_group__rerun_into_an_existing_workbook_replaces_its_group_sheets(books, tmp_path):
    as_of = dt.date.fromisoformat(AS_OF)
    out = tmp_path / "group.xlsx"
    group_books(books, out, as_of=as_of, workers=1)
    first = _group_parts(out)
    group_books(books, out, as_of=as_of, workers=1)
    assert list(sheet_part_names(out)) == [*GROUP_SHEETS, "数据来源"]
    assert _group_parts(out) == first
