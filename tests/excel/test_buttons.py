"""The button entry points, run through the fake Excel book exactly as RunPython runs them."""
from __future__ import annotations

import inspect
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.excel.conftest import TODAY
from tests.fakes.xlwings_fake import FakeBook, install_caller
from tests.letters_support import write_letters_book
from xlsx_tools.core import i18n
from xlsx_tools.excel import buttons

OUTPUT_KEYS = ("priority", "detail", "aging", "kpis", "snapshots", "plan_schedule", "credit", "issues")


@pytest.fixture
def excel_demo(demo_pair, monkeypatch) -> FakeBook:
    """The demo workbook open in (fake) Excel, as the caller of the entry points."""
    book = FakeBook.from_xlsx(demo_pair[0])
    install_caller(monkeypatch, book)
    return book


def cells(sheet) -> dict:
    return dict(sheet.cells)


def test_entry_points_take_no_arguments():
    for entry in (buttons.refresh, buttons.generate_letters, buttons.check, buttons.monthly_report):
        assert not inspect.signature(entry).parameters


def test_refresh__writes_the_same_output_sheets_as_the_cli_cell_for_cell(excel_demo, refreshed_book, demo_result):
    book = excel_demo
    inputs_before = {s.name: (cells(s), dict(s.formats)) for s in book.sheets}
    buttons.refresh()
    cli = refreshed_book
    assert [s.name for s in book.sheets] == [s.name for s in cli.sheets]
    for key in OUTPUT_KEYS:
        name = i18n.SHEETS[key].zh
        ours, theirs = book.sheets[name], cli.sheets[name]
        expected = cells(theirs)
        assert cells(ours) == expected, name
        formatted = {k: v for k, v in ours.formats.items() if k in theirs.cells}
        assert formatted == {k: v for k, v in theirs.formats.items() if k in theirs.cells}, name
        assert ours.colors == {k: v for k, v in theirs.colors.items()}, name
    for name, (values, formats) in inputs_before.items():          # input sheets untouched
        assert cells(book.sheets[name]) == values and dict(book.sheets[name].formats) == formats, name
    alert = book.app.alerts[-1]
    assert alert["mode"] == "info" and alert["title"] == "xlsx_tools · 刷新"
    assert alert["prompt"].startswith(f"已刷新（基准日 {TODAY.isoformat()}）：{len(demo_result.detail)} 行")
    assert book.app.status_bar == alert["prompt"].split("\n")[0]
    assert any("writing 账龄明细" in str(text) for text in book.app.status_history)
    assert book.saved_to == []                  # refresh leaves saving to the user


def test_refresh__twice_gives_the_same_sheets(excel_demo):
    buttons.refresh()
    first = {s.name: cells(s) for s in excel_demo.sheets}
    buttons.refresh()
    assert {s.name: cells(s) for s in excel_demo.sheets} == first


def test_check__lists_problems_and_writes_nothing(excel_demo, demo_result):
    before = {s.name: cells(s) for s in excel_demo.sheets}
    buttons.check()
    assert {s.name: cells(s) for s in excel_demo.sheets} == before
    lines = excel_demo.app.alerts[-1]["prompt"].split("\n")
    assert not demo_result.has_errors
    warnings = [item for item in demo_result.issues if item.severity == "warning"]    # info rows are not listed
    assert lines[0] == f"检查（基准日 {TODAY.isoformat()}）：0 个错误，{len(warnings)} 个警告。"
    assert lines[1:] == [item.text("zh") for item in warnings]


def test_check__many_problems_are_cut_short(monkeypatch):
    book = FakeBook("C:/books/bad.xlsx")
    sheet = book.sheets.add("Ledger")
    sheet.range("A1").value = [["Invoice No", "Customer ID", "Invoice Date", "Due Date", "Amount"]] + [
        [f"X{n}", "C", "someday", "never", 1.0] for n in range(30)]
    install_caller(monkeypatch, book)
    buttons.check()
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical"
    lines = alert["prompt"].split("\n")
    assert len(lines) == 1 + buttons.ISSUES_SHOWN + 1 and "另有 45 条" in lines[-1]


def test_unusable_workbook_gets_a_clear_message(monkeypatch):
    book = FakeBook("C:/books/empty.xlsx")
    book.sheets.add("Notes")
    install_caller(monkeypatch, book)
    buttons.refresh()
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical"
    assert alert["prompt"].startswith("工作簿无法使用：") and "Ledger" in alert["prompt"]
    assert [s.name for s in book.sheets] == ["Notes"]


def test_unexpected_error_shows_the_error_and_the_log_file(excel_demo, monkeypatch, tmp_path):
    monkeypatch.setattr(buttons, "LOG_FILE", tmp_path / "xlsx_tools_excel.log")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(buttons.refresh_steps, "refresh", broken)
    buttons.refresh()
    alert = excel_demo.app.alerts[-1]
    assert alert["mode"] == "critical" and "RuntimeError: disk on fire" in alert["prompt"]
    assert str(tmp_path / "xlsx_tools_excel.log") in alert["prompt"]
    assert "disk on fire" in (tmp_path / "xlsx_tools_excel.log").read_text(encoding="utf-8")


def test_english_workbook_gets_english_messages(tmp_path, monkeypatch):
    from xlsx_tools.build.demo import build_demo_workbook
    book = FakeBook.from_xlsx(build_demo_workbook(tmp_path / "en.xlsx", as_of=TODAY, lang="en"))
    install_caller(monkeypatch, book)
    buttons.refresh()
    assert book.app.alerts[-1]["prompt"].startswith(f"Refreshed (as of {TODAY.isoformat()}): ")
    assert "Detail" in [s.name for s in book.sheets]


# ------------------------------------------------------------------ letters
def test_generate_letters__writes_next_to_the_workbook_logs_and_saves(tmp_path, monkeypatch):
    from tests.letters_support import AS_OF
    path = write_letters_book(tmp_path / "letters_book.xlsx")
    wb = openpyxl.load_workbook(path)
    policy = wb[i18n.SHEETS["policy"].zh]
    for row in policy.iter_rows(min_row=2):
        if row[0].value == "as_of":
            row[1].value = AS_OF
    wb.save(path)
    book = FakeBook.from_xlsx(path)
    install_caller(monkeypatch, book)
    buttons.generate_letters()
    alert = book.app.alerts[-1]
    folder = tmp_path / "letters"
    files = sorted(p.name for p in folder.glob("*.docx"))
    assert files and alert["prompt"].startswith(f"函件：生成 {len(files)} 份")
    assert str(folder) in alert["prompt"]
    assert book.saved_to == [str(path.resolve())]
    log = openpyxl.load_workbook(path)[i18n.SHEETS["letters"].zh]
    logged = [row[0] for row in log.iter_rows(min_row=2, values_only=True) if row[0]]
    assert len(logged) == len(files)
    # a second press within the cool-down generates nothing new
    buttons.generate_letters()
    assert book.app.alerts[-1]["prompt"].startswith("函件：生成 0 份")
    assert sorted(p.name for p in folder.glob("*.docx")) == files


@pytest.mark.parametrize("button, told", [("generate_letters", "请先将工作簿保存到文件夹"),
                                          ("monthly_report", "月报写在工作簿旁边")])
def test_an_unsaved_book_is_told_to_save_first(monkeypatch, button, told):
    """Letters and the report are written next to the workbook, so it must have a folder."""
    book = FakeBook("Book1")
    book.sheets.add("Ledger")
    install_caller(monkeypatch, book)
    getattr(buttons, button)()
    assert told in book.app.alerts[-1]["prompt"]


def test_monthly_report__refreshes_and_writes_the_report_next_to_the_workbook(tmp_path, monkeypatch):
    from tests.letters_support import AS_OF
    from xlsx_tools.io import report_docx
    path = write_letters_book(tmp_path / "report_book.xlsx")
    wb = openpyxl.load_workbook(path)
    for row in wb[i18n.SHEETS["policy"].zh].iter_rows(min_row=2):
        if row[0].value == "as_of":
            row[1].value = AS_OF
    wb.save(path)
    book = FakeBook.from_xlsx(path)
    install_caller(monkeypatch, book)
    monkeypatch.setattr(report_docx, "report_pdf", lambda docx: (docx.with_suffix(".pdf"), None))  # no LibreOffice here
    buttons.monthly_report()
    month = f"{AS_OF.year:04d}-{AS_OF.month:02d}"
    docx = tmp_path / f"monthly_report_{month}.docx"
    assert docx.exists()
    assert book.app.alerts[-1]["prompt"].startswith(f"{month} 月报：")
    assert i18n.SHEETS["kpis"].zh in [sheet.name for sheet in book.sheets]   # the same run refreshed the book
    assert book.saved_to == []                                               # ... and, like Refresh, left saving to the user



# ------------------------------------------------------------------ python -m xlsx_tools.excel.buttons
def test_mock_caller_runner_explains_that_there_is_no_excel_here(tmp_path):
    if buttons.excel_available():
        pytest.skip("Excel is available here")
    out = io.StringIO()
    assert buttons.main(["refresh", str(tmp_path / "my book.xlsm")], out=out) == 2
    text = out.getvalue()
    assert "Microsoft Excel is not available here" in text and "xlwings" in text
    assert f'xlsx-tools refresh "{tmp_path / "my book.xlsm"}"' in text and "此处没有 Microsoft Excel" in text


def test_mock_caller_runner_as_a_module(tmp_path):
    if buttons.excel_available():
        pytest.skip("Excel is available here")
    done = subprocess.run([sys.executable, "-m", "xlsx_tools.excel.buttons", "check", str(tmp_path / "b.xlsx")],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 2 and "xlsx-tools check" in done.stderr


def test_today_calls__refreshes_then_brings_the_calls_sheet_to_the_front(excel_demo, refreshed_book, demo_result):
    book = excel_demo
    assert not inspect.signature(buttons.today_calls).parameters
    book.active = book.sheets[0]
    buttons.today_calls()
    calls = i18n.SHEETS["calls"].zh
    assert book.active is book.sheets[calls]
    for key in ("priority", "calls"):                      # the Refresh button's own writing
        name = i18n.SHEETS[key].zh
        assert cells(book.sheets[name]) == cells(refreshed_book.sheets[name]), name
    alert = book.app.alerts[-1]
    assert len(demo_result.calls) > 0 and alert["title"] == "xlsx_tools · 今日待办"
    assert alert["prompt"].startswith(f"今日需联络 {len(demo_result.calls)} 个客户：见【{calls}】工作表。\n已刷新")
    assert alert["mode"] == "info"
