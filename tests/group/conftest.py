"""Shared, once per session: the books, one `xlsx-tools group` run on the local pool, and one Dask
LocalCluster (2 worker processes).  A group run costs seconds per book, so the group tests read
these results instead of running their own."""
from __future__ import annotations

import io

import pytest

from tests.group.books import AS_OF, write_books
from xlsx_tools.cli import main


@pytest.fixture(scope="session")
def group_run(tmp_path_factory) -> dict:
    """`xlsx-tools group BOOKS --lang en --workers 2` over the test books."""
    folder = tmp_path_factory.mktemp("group")
    books = write_books(folder / "books")
    before = {name: path.read_bytes() for name, path in books.items()}
    out, err = io.StringIO(), io.StringIO()
    code = main(["group", str(folder / "books"), "--out", str(folder / "group.xlsx"), "--as-of", AS_OF,
                 "--lang", "en", "--workers", "2"], out, err)
    return {"folder": folder, "books": books, "before": before, "code": code, "out": out.getvalue(),
            "err": err.getvalue(), "path": folder / "group.xlsx"}


@pytest.fixture(scope="session")
def dask_client():
    """A `distributed.Client` on a LocalCluster of 2 worker processes, started once."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client
