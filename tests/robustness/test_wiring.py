"""Issue 10 through the real command line: each guard is wired into refresh / check / letters.

Runs `cli.main` in-process (fast) except where a separate process is the point (memory, signals).
"""
from __future__ import annotations

import errno
import io
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from xlsx_tools import cli
from xlsx_tools.build.templates import write_template
from xlsx_tools.io import locks
from xlsx_tools.io.xlsx import workbook_file
from tests.workbooks import sheet_part_names

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "book.xlsx", "zh")


@pytest.fixture
def book(template, tmp_path) -> Path:
    return Path(shutil.copy(template, tmp_path / "book.xlsx"))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def rewrite(path: Path, change) -> Path:
    """Rewrite the zip with `change(name, data) -> data`, plus any extra entries it returns for None."""
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            target.writestr(name, change(name, data))
        for name, data in change(None, None) or []:
            target.writestr(name, data)
    return path


def ledger_part(path: Path) -> str:
    return next(part for name, part in sheet_part_names(path).items() if name == "应收台账")


def with_far_cell(path: Path, cell: str = "XFD1048576") -> Path:
    part = ledger_part(path)
    row = "".join(ch for ch in cell if ch.isdigit())
    extra = f'<row r="{row}"><c r="{cell}"><v>1</v></c></row></sheetData>'.encode()
    return rewrite(path, lambda name, data: None if name is None else
                   data.replace(b"</sheetData>", extra).replace(b"<sheetData/>", b"<sheetData>" + extra)
                   if name == part else data)


# ---------------------------------------------------------------- item 4, 5: bombs, before any read
def test_a_cell_at_xfd1048576_is_refused_with_exit_2_naming_the_cell(book):
    before = book.read_bytes()
    code, _, err = run("check", str(with_far_cell(book)))
    assert code == 2 and "XFD1048576" in err and "Traceback" not in err
    code, _, err = run("refresh", str(book))
    assert code == 2 and "XFD1048576" in err
    assert book.read_bytes() != before  # (the bomb itself) and it was not rewritten:
    assert not list(book.parent.glob(".book.xlsx.*.tmp"))


def test_the_bomb_run_stays_below_1_5_gb_in_a_child_process(book):
    with_far_cell(book)
    code = textwrap.dedent("""
        import resource, sys
        from xlsx_tools import cli
        status = cli.main(["refresh", sys.argv[1]])
        print(status, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """)
    done = subprocess.run([sys.executable, "-c", code, str(book)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    status, peak_kb = done.stdout.split()
    assert status == "2" and int(peak_kb) < 1.5 * (1 << 20), done.stderr
    assert "XFD1048576" in done.stderr


def test_65536_zip_entries_are_refused_up_front(book):
    rewrite(book, lambda name, data: [(f"customXml/x{n}.bin", b"") for n in range(65_536)] if name is None else data)
    code, _, err = run("refresh", str(book))
    assert code == 2 and "zip entries" in err


def test_max_part_mb_is_passed_to_the_guard(book):
    big = os.urandom(3 << 20)                  # 3 MB that do not compress: above a 2 MB limit, no ratio alarm
    rewrite(book, lambda name, data: [("customXml/big.bin", big)] if name is None else data)
    code, _, err = run("check", str(book), "--max-part-mb", "2")
    assert code == 2 and "customXml/big.bin" in err and "--max-part-mb" in err


# ---------------------------------------------------------------- item 1: the run lock
def test_a_second_run_waits_then_exits_2_naming_the_holder(book):
    before = book.read_bytes()
    with locks.RunLock(book, command="letters"):
        code, _, err = run("refresh", str(book), "--wait", "0.2")
    assert code == 2 and "another letters run is in progress on book.xlsx since" in err
    assert book.read_bytes() == before


def test_stale_temp_files_of_killed_runs_are_removed_at_start(book):
    stale = book.with_name(".book.xlsx.ab12cd34.tmp")
    stale.write_bytes(b"x" * 1000)
    code, _, err = run("refresh", str(book))
    assert code in (0, 1) and not stale.exists()
    assert "removed 1 temporary file" in err


# ---------------------------------------------------------------- item 9: owner locks, read-only
def test_an_excel_owner_file_beside_the_real_file_is_seen_through_a_symlink(book, tmp_path):
    link_dir = tmp_path / "elsewhere"
    link_dir.mkdir()
    link = link_dir / "book.xlsx"
    link.symlink_to(book)
    book.with_name("~$book.xlsx").write_bytes(b"owner")
    before = book.read_bytes()
    code, _, err = run("refresh", str(link))
    assert code == 2 and "open in Excel" in err and book.read_bytes() == before and link.is_symlink()


def test_a_libreoffice_lock_is_named_as_libreoffice(book):
    book.with_name(".~lock.book.xlsx#").write_text("lo")
    code, _, err = run("refresh", str(book))
    assert code == 2 and "open in LibreOffice" in err and "Excel" not in err.split("/")[-1]


def test_a_read_only_workbook_is_refused_unless_forced(book):
    book.chmod(0o444)
    before = book.read_bytes()
    code, _, err = run("refresh", str(book))
    assert code == 2 and "read-only" in err and book.read_bytes() == before
    code, _, _ = run("refresh", str(book), "--force")
    assert code in (0, 1) and book.read_bytes() != before


# ---------------------------------------------------------------- item 6: disk full says what happened
def test_disk_full_during_the_save_is_exit_2_and_the_workbook_is_unchanged(book, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(workbook_file, "graft", full)
    before = book.read_bytes()
    code, _, err = run("refresh", str(book))
    assert code == 2 and "no space left on" in err and "the workbook was not changed" in err
    assert "Traceback" not in err and book.read_bytes() == before
    assert not list(book.parent.glob(".book.xlsx.*.tmp"))


# ---------------------------------------------------------------- item 8: a signal after the rename
def test_an_interrupt_right_after_the_rename_exits_with_the_real_status(book, monkeypatch):
    def interrupted(_folder):
        raise KeyboardInterrupt
    monkeypatch.setattr(workbook_file, "fsync_dir", interrupted)
    before = book.read_bytes()
    code, _, err = run("refresh", str(book))
    assert code in (0, 1) and "after the workbook had been saved" in err
    assert book.read_bytes() != before
