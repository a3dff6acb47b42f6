"""Where the group's per-book tasks run: a local process pool, or a Dask distributed cluster.

Both implement `pipeline.group.GroupEngine`.  Dask is optional (`pip install "xlsx-tools[dask]"`)
and imported only when a cluster is asked for.  On a cluster each task reads its book from a
path the workers can see (shared storage), the customer rows stay on the workers, and the
cross-book join runs there as a dask dataframe groupby.
"""
from __future__ import annotations

import os
from dataclasses import replace
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Sequence

import pandas as pd

from ..core import group as core
from ..errors import WorkbookUnusable
from ..present import texts


class LocalPool:
    """One process per book, `workers` at a time (default: the core count)."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)

    def run_books(self, task: Callable, paths: Sequence[str], started: Callable,
                  done: Callable) -> tuple[list, list[pd.DataFrame]]:
        """Books are handed out one per free process, so `started` means started."""
        outcomes: list = [None] * len(paths)
        waiting = iter(enumerate(paths))
        with ProcessPoolExecutor(max_workers=min(self.workers, max(len(paths), 1))) as pool:
            running: dict = {}

            def start_next() -> None:
                for n, path in waiting:
                    started(path)
                    running[pool.submit(task, path)] = n
                    return

            for _ in range(self.workers):
                start_next()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = future.result()
                    outcomes[running.pop(future)] = outcome
                    done(outcome)
                    start_next()
        return outcomes, [o.figures.customers for o in outcomes if o.figures is not None]

    def join(self, customer_rows: list[pd.DataFrame]) -> pd.DataFrame:
        return core.join_customers(pd.concat(customer_rows, ignore_index=True))


def _customers_of(outcome) -> pd.DataFrame:
    """The customer rows of a book (empty when it was left out): these stay on the worker."""
    if outcome.figures is None:
        return _empty_rows()
    return outcome.figures.customers


def _without_customers(outcome):
    """What the client needs of a book's outcome: everything but its customer rows."""
    if outcome.figures is None:
        return outcome
    return replace(outcome, figures=replace(outcome.figures, customers=_empty_rows()))


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="int64" if column in core.NUMBERS else object)
                         for column in core.CUSTOMER_ROW_COLUMNS})


class DaskCluster:
    """Per-book tasks on a Dask distributed cluster; the join as a dask dataframe groupby.

    `scheduler` is an address such as tcp://host:8786, or an existing `distributed.Client`.
    """

    def __init__(self, scheduler: Any):
        try:
            from distributed import Client
        except ImportError:
            raise WorkbookUnusable(texts.zh_en(texts.DASK_MISSING)) from None
        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._owns_client = not isinstance(scheduler, Client)

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def run_books(self, task: Callable, paths: Sequence[str], started: Callable, done: Callable) -> tuple[list, list]:
        """Books are handed out one per free worker thread of the cluster, so `started` means started."""
        from distributed import as_completed as completed
        books: list = [None] * len(paths)
        outcomes: list = [None] * len(paths)
        order: dict = {}
        waiting = iter(enumerate(paths))
        running = completed()

        def start_next() -> None:
            for n, path in waiting:
                started(path)
                books[n] = self.client.submit(task, path, pure=False)
                summary = self.client.submit(_without_customers, books[n], pure=False)
                order[summary.key] = n
                running.add(summary)
                return

        for _ in range(max(1, sum(self.client.nthreads().values()))):
            start_next()
        for summary in running:
            outcome = summary.result()
            outcomes[order[summary.key]] = outcome
            done(outcome)
            start_next()
        rows = self.client.map(_customers_of, books, pure=False)
        return outcomes, rows

    def join(self, customer_rows: list) -> pd.DataFrame:
        import dask.dataframe as dd
        frame = dd.from_delayed(customer_rows, meta=_empty_rows(), verify_meta=False)
        names = dd.Aggregation("subsidiaries", chunk=lambda grouped: grouped.agg(core.merge_names),
                               agg=lambda grouped: grouped.agg(core.merge_names))
        joined = frame.groupby("match_key").agg({**core.JOIN_AGGREGATES, "subsidiaries": names})
        return core.finish_join(joined.compute())
