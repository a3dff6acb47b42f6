"""Two real `xlsx-tools letters` processes at once (issue 10, item 1): on one workbook, and two
workbooks sharing one letters folder.

Each run is its own OS process running the real command (`cli.main`), forked from a
forkserver that imported the tool once, so a trial costs the letter batches, not two
interpreter start-ups; one trial per test starts the console command itself
(`python -m xlsx_tools`).  Both processes of a trial wait at a barrier and start together;
several trials run side by side, each in its own folder.

After every trial: letter numbers unique and gap-free, the Letters log holds exactly the
letters in the folder (each with its SHA-256), the journal is settled to one mark, the
workbook opens, and a run that lost the race either waited or exited 2 naming the holder.
"""
from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.letters_support import AS_OF, log_records, write_letters_book
from xlsx_tools.io.letters_journal import JOURNAL_NAME
from xlsx_tools.io.locks import RunLock

pytestmark = pytest.mark.skipif(os.name != "posix", reason="forkserver start")

TRIALS = 20
SIDE_BY_SIDE = 4            # trials running at once (each is two processes)
ROOT = Path(__file__).resolve().parents[2]
BUSY = re.compile(r"another letters run is in progress on (the letters folder )?\S+ since \d\d:\d\d")
KINDS = {"催款通知书": "demand", "律师函": "lawyer"}  # the log's kind names in a Chinese book

# (kinds of the first run, kinds of the second, --wait): the same command twice, two kinds at once,
# and a second run that gives up at once instead of waiting
PAIRS = [(["demand"], ["demand"], "60"), (["demand"], ["lawyer"], "60"), (["lawyer"], ["demand"], "0")]


def _letters(argv: list[str], barrier, results, tag: tuple[int, int]) -> None:
    """One letters process: wait for the other, then run the real command (its CPU seconds go back too)."""
    import time
    from xlsx_tools.cli import main
    out, err = io.StringIO(), io.StringIO()
    barrier.wait()
    code = main(argv, out, err)
    results.put((tag, code, out.getvalue(), err.getvalue(), time.process_time()))


@pytest.fixture(scope="module")
def forkserver():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["xlsx_tools.cli", "xlsx_tools.wiring", "xlsx_tools.io.letters_docx",
                                "tests.letters_support"])
    return ctx


@pytest.fixture(scope="module")
def book_bytes(tmp_path_factory) -> bytes:
    return write_letters_book(tmp_path_factory.mktemp("race") / "book.xlsx").read_bytes()


def argv(book: Path, out: Path, kinds: list[str], wait: str) -> list[str]:
    return ["letters", str(book), "--out", str(out), "--as-of", AS_OF.isoformat(), "--wait", wait,
            *[arg for kind in kinds for arg in ("--kind", kind)]]


def race(ctx, trials: list[list[list[str]]]) -> list[list[tuple[int, str, str]]]:
    """Run each trial's argvs as processes started together; trials go SIDE_BY_SIDE at a time.
    Each trial's outcomes come back in the order of its argvs."""
    outcomes: list[list[tuple[int, str, str]]] = []
    cpu = 0.0
    for start in range(0, len(trials), SIDE_BY_SIDE):
        batch = trials[start:start + SIDE_BY_SIDE]
        results = ctx.Queue()
        processes, barriers = [], []  # kept: a started Process drops its args, and a freed barrier is unlinked
        for n, runs in enumerate(batch):
            barriers.append(ctx.Barrier(len(runs)))
            processes += [ctx.Process(target=_letters, args=(each, barriers[-1], results, (n, k)))
                          for k, each in enumerate(runs)]
        for process in processes:
            process.start()
        got: dict[tuple[int, int], tuple[int, str, str]] = {}
        for _ in processes:
            tag, code, out, err, seconds = results.get(timeout=120)
            got[tag] = (code, out, err)
            cpu += seconds
        for process in processes:
            process.join(timeout=60)
            assert process.exitcode == 0
        outcomes += [[got[n, k] for k in range(len(runs))] for n, runs in enumerate(batch)]
    print(f"letters processes: {cpu:.1f} CPU seconds in all")
    return outcomes


def console_pair(runs: list[list[str]]) -> list[tuple[int, str, str]]:
    """The same race with the console command: two interpreters started back to back."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = [subprocess.Popen([sys.executable, "-m", "xlsx_tools", *each], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for each in runs]
    done = [p.communicate(timeout=300) for p in started]
    return [(p.returncode, out, err) for p, (out, err) in zip(started, done)]


def judge_runs(runs: list[tuple[int, str, str]]) -> None:
    """Each run finished (0/1: C005 has no address) or lost the race with exit 2 and the clear message."""
    for code, _out, err in runs:
        assert "Traceback" not in err and "internal error" not in err, err
        assert code in (0, 1, 2), err
        if code == 2:
            assert BUSY.search(err) and "运行正在进行" in err, err


def judge_folder(folder: Path, books: list[Path], wanted: Counter) -> None:
    """Numbers unique and gap-free across every book logging into `folder`; log == files; journal settled."""
    records = [record for book in books for record in log_records(book)]  # opening each book is the check it opens
    numbers = sorted(record["letter_no"] for record in records)
    assert numbers == [f"CS-2026-{n:06d}" for n in range(1, len(numbers) + 1)], numbers
    assert Counter((r["customer_id"], KINDS[r["kind"]]) for r in records) == wanted
    for record in records:
        assert record["status"] == "已生成"
        assert hashlib.sha256((folder / record["file"]).read_bytes()).hexdigest() == record["sha256"]
    assert sorted(p.name for p in folder.glob("*.docx")) == sorted(record["file"] for record in records)
    journal = [json.loads(line) for line in (folder / JOURNAL_NAME).read_text().splitlines()]
    assert journal == [{"event": "mark", "prefix": "CS", "year": 2026, "seq": len(numbers)}]


PER_KIND = {"demand": Counter({("C001", "demand"): 1, ("C/007", "demand"): 1}),
            "lawyer": Counter({("C002", "lawyer"): 1})}


def wanted_letters(runs_kinds: list[list[str]], runs: list[tuple[int, str, str]]) -> Counter:
    """The letters of every run that was not refused, each once (a rerun of a kind adds nothing)."""
    kinds = {kind for each, (code, _, _) in zip(runs_kinds, runs) if code != 2 for kind in each}
    return sum((PER_KIND[kind] for kind in kinds), Counter())


def test_two_letters_runs_on_one_workbook_started_together_20_trials(forkserver, book_bytes, tmp_path):
    plans, trials = [], []
    for n in range(TRIALS):
        folder = tmp_path / f"t{n:02d}"
        folder.mkdir()
        book = folder / "book.xlsx"
        book.write_bytes(book_bytes)
        first, second, wait = PAIRS[n % len(PAIRS)]
        plans.append((folder, book, [first, second]))
        trials.append([argv(book, folder / "letters", first, wait), argv(book, folder / "letters", second, wait)])
    outcomes = [console_pair(trials[0])] + race(forkserver, trials[1:])
    refused = 0
    for (folder, book, kinds), runs, trial in zip(plans, outcomes, trials):
        judge_runs(runs)
        assert any(code != 2 for code, _, _ in runs)
        if "60" in trial[0]:
            assert all(code != 2 for code, _, _ in runs)  # with time to wait, the second run waits
        refused += sum(code == 2 for code, _, _ in runs)
        judge_folder(folder / "letters", [book], wanted_letters(kinds, runs))
    print(f"{TRIALS} trials, {refused} second runs refused with exit 2")


def test_two_workbooks_sharing_one_letters_folder_never_collide(forkserver, book_bytes, tmp_path):
    plans, trials = [], []
    for n in range(6):
        folder = tmp_path / f"t{n}"
        shared = folder / "letters"
        books = []
        for name in ("north", "south"):
            (folder / name).mkdir(parents=True)
            books.append(folder / name / "book.xlsx")
            books[-1].write_bytes(book_bytes)
        plans.append((shared, books))
        trials.append([argv(book, shared, ["demand", "lawyer"], "60") for book in books])
    outcomes = race(forkserver, trials[:-1]) + [console_pair(trials[-1])]
    for (shared, books), runs in zip(plans, outcomes):
        judge_runs(runs)
        assert [code for code, _, _ in runs] == [1, 1]  # both batches written (C005 fails in each)
        judge_folder(shared, books, PER_KIND["demand"] + PER_KIND["demand"] + PER_KIND["lawyer"] + PER_KIND["lawyer"])


def test_a_busy_letters_folder_stops_the_run_naming_it_and_nothing_changes(book_bytes, tmp_path):
    from xlsx_tools.cli import main
    book = tmp_path / "book.xlsx"
    book.write_bytes(book_bytes)
    shared = tmp_path / "letters"
    with RunLock(shared, command="letters", folder=True):
        err = io.StringIO()
        code = main(argv(book, shared, ["demand"], "0"), io.StringIO(), err)
    assert code == 2
    assert f"another letters run is in progress on the letters folder {shared} since" in err.getvalue()
    assert f"信件文件夹 {shared} 上另一个 letters 运行正在进行" in err.getvalue()
    assert book.read_bytes() == book_bytes
    assert not shared.exists() or not list(shared.iterdir())
