"""Run lock, owner files, read-only workbooks and stale temp files (issue 10, items 1, 7, 9)."""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

import pytest

from xlsx_tools.errors import WorkbookUnusable
from xlsx_tools.io.locks import (RunLock, WorkbookBusy, check_can_replace, lock_file_of, owner_lock,
                                 remove_stale_temp_files, stale_temp_files)

posix_only = pytest.mark.skipif(os.name != "posix", reason="fork start and POSIX permissions")
TRIALS = 20


def _batch(book: str, counter: str, barrier, wait: float, hold: float, results) -> None:
    """A stand-in letters batch: read the last number, hold it a while, write the next one."""
    barrier.wait()
    try:
        with RunLock(book, command="letters", wait_seconds=wait):
            path = Path(counter)
            used = path.read_text().split()
            number = int(used[-1]) + 1 if used else 1
            time.sleep(hold)  # render letters: the window where an unguarded second run reuses numbers
            path.write_text(" ".join(used + [str(number)]))
            results.put(("ok", number))
    except WorkbookBusy as busy:
        results.put(("busy", str(busy)))


def _race(tmp_path: Path, wait: float, hold: float) -> list[tuple[str, object]]:
    ctx = multiprocessing.get_context("fork")
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    counter = tmp_path / "numbers.txt"
    counter.write_text("")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    runs = [ctx.Process(target=_batch, args=(str(book), str(counter), barrier, wait, hold, results))
            for _ in range(2)]
    for run in runs:
        run.start()
    outcome = [results.get(timeout=30) for _ in runs]
    for run in runs:
        run.join(timeout=30)
        assert run.exitcode == 0
    return outcome


@posix_only
def test_two_runs_started_together_never_share_a_number():
    import tempfile
    for _ in range(TRIALS):
        with tempfile.TemporaryDirectory() as folder:
            outcome = _race(Path(folder), wait=5.0, hold=0.05)
            numbers = sorted(value for status, value in outcome if status == "ok")
            assert numbers == [1, 2]  # both ran, one after the other, each logged once


@posix_only
def test_the_losing_run_waits_then_names_the_holder_and_its_start_time(tmp_path):
    import tempfile
    for _ in range(TRIALS):
        with tempfile.TemporaryDirectory() as folder:
            outcome = _race(Path(folder), wait=0.2, hold=0.5)
            statuses = sorted(status for status, _ in outcome)
            assert statuses == ["busy", "ok"]
            message = next(value for status, value in outcome if status == "busy")
            assert re.search(r"another letters run is in progress on book\.xlsx since \d\d:\d\d", message)
            assert "另一个 letters 运行正在进行" in message
            assert (Path(folder) / "numbers.txt").read_text() == "1"  # the loser changed nothing


def test_a_second_lock_in_the_same_process_waits_the_configured_time(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    with RunLock(book, command="refresh"):
        started = time.monotonic()
        with pytest.raises(WorkbookBusy) as busy:
            RunLock(book, wait_seconds=0.3).acquire()
        waited = time.monotonic() - started
    assert 0.3 <= waited < 2.0
    assert "another refresh run is in progress" in str(busy.value)
    assert isinstance(busy.value, WorkbookUnusable)  # the CLI's exit 2


def test_the_lock_is_released_on_exit_and_records_the_run(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    with RunLock(book, command="letters") as lock:
        record = json.loads(lock.path.read_text())
        assert record["pid"] == os.getpid() and record["command"] == "letters"
    with RunLock(book, wait_seconds=0):  # free again at once
        pass
    assert lock.path.read_text() == ""


@posix_only
def test_the_lock_sits_beside_the_real_file_of_a_symlink(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir(), link_dir.mkdir()
    (real_dir / "book.xlsx").write_bytes(b"PK")
    (link_dir / "alias.xlsx").symlink_to(real_dir / "book.xlsx")
    assert lock_file_of(link_dir / "alias.xlsx") == real_dir / ".book.xlsx.xlsx-tools.lock"
    with RunLock(real_dir / "book.xlsx"):
        with pytest.raises(WorkbookBusy):
            RunLock(link_dir / "alias.xlsx", wait_seconds=0).acquire()


def test_a_killed_holder_leaves_no_lock_behind(tmp_path):
    import subprocess
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    code = ("import sys, time; from xlsx_tools.io.locks import RunLock; "
            "RunLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(book)], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[2])
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(WorkbookBusy):
            RunLock(book, wait_seconds=0).acquire()
        child.kill()
        child.wait(timeout=10)
        with RunLock(book, wait_seconds=2.0):
            pass
    finally:
        child.kill()
        child.wait(timeout=10)


# ---------------------------------------------------------------- owner files and read-only
@posix_only
def test_an_excel_owner_file_beside_the_real_file_is_found_through_a_symlink(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir(), link_dir.mkdir()
    (real_dir / "book.xlsx").write_bytes(b"PK")
    (link_dir / "book.xlsx").symlink_to(real_dir / "book.xlsx")
    (real_dir / "~$book.xlsx").write_bytes(b"owner")
    lock = owner_lock(link_dir / "book.xlsx")
    assert lock is not None and lock.program == "Excel"
    with pytest.raises(WorkbookBusy, match="open in Excel"):
        check_can_replace(link_dir / "book.xlsx")


def test_a_libreoffice_lock_is_reported_as_libreoffice(tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    (tmp_path / ".~lock.book.xlsx#").write_text("user,host")
    with pytest.raises(WorkbookBusy) as busy:
        check_can_replace(tmp_path / "book.xlsx")
    assert "open in LibreOffice" in str(busy.value) and "LibreOffice 打开" in str(busy.value)
    assert "Excel" not in str(busy.value)


def test_no_owner_file_no_complaint(tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    assert owner_lock(tmp_path / "book.xlsx") is None
    check_can_replace(tmp_path / "book.xlsx")


@posix_only
def test_a_read_only_workbook_is_refused_unless_forced(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    book.chmod(0o444)
    with pytest.raises(WorkbookBusy, match="read-only"):
        check_can_replace(book)
    check_can_replace(book, force=True)
    book.chmod(0o644)
    check_can_replace(book)


# ---------------------------------------------------------------- stale temp files
def test_stale_temp_files_of_this_workbook_only_are_removed_under_the_lock(tmp_path):
    import tempfile
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    fd, leftover = tempfile.mkstemp(prefix=".book.xlsx.", suffix=".tmp", dir=tmp_path)  # as WorkbookFile.commit
    os.close(fd)
    others = [tmp_path / ".other.xlsx.abcd1234.tmp", tmp_path / ".book.xlsx.xlsx-tools.lock",
              tmp_path / "book.xlsx.abcd1234.tmp"]
    for other in others:
        other.write_bytes(b"x")
    assert stale_temp_files(book) == [Path(leftover)]
    lock = RunLock(book)
    with pytest.raises(RuntimeError):
        remove_stale_temp_files(book, lock)  # not held: a live run may own the file
    with lock:
        assert remove_stale_temp_files(book, lock) == [Path(leftover)]
    assert not Path(leftover).exists()
    assert all(other.exists() for other in others)


def test_a_run_that_gives_up_at_once_still_names_a_holder_that_has_just_locked(tmp_path):
    """The holder locks first and writes its record next: a loser in between waits for the record."""
    import threading
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    holder = RunLock(book, command="refresh")
    holder.acquire()
    record = lock_file_of(book).read_bytes()
    os.truncate(lock_file_of(book), 0)  # the moment between flock and writing the record
    threading.Timer(0.3, lambda: lock_file_of(book).write_bytes(record)).start()
    try:
        with pytest.raises(WorkbookBusy, match=r"another refresh run is in progress on book\.xlsx since \d\d:\d\d"):
            RunLock(book, command="letters", wait_seconds=0).acquire()
    finally:
        holder.release()
