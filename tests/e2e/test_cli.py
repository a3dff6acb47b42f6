"""The command line: exit codes, exact messages, and that nothing but output sheets changes."""
import io
import json
import os
from pathlib import Path

import pytest

from xlsx_tools.cli import main
from tests.e2e.conftest import AS_OF
from tests.workbooks import read_records, read_rows, sheet_part_names, write_workbook, zip_parts


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli__refresh_with_input_errors_exits_1_and_names_each_cell(small_book):
    code, out, err = run("refresh", str(small_book), "--as-of", AS_OF.isoformat())
    assert code == 1
    assert err.splitlines() == [
        "应收台账!E4: 日期格式无法识别 '11/28/2026'；该行未参与计算",
        "应收台账!A6: 合计行已跳过",
    ]
    assert "1 个错误，1 个警告" in out
    issues = read_records(small_book, "问题")
    assert [(r["级别"], r["工作表"], r["单元格"]) for r in issues if r["级别"] != "提示"] == [
        ("错误", "应收台账", "E4"), ("警告", "应收台账", "A6")]
    assert ("提示", "应收台账", "G1") in [(r["级别"], r["工作表"], r["单元格"]) for r in issues]  # info: not on stderr
    assert {r["工作表"] for r in issues if r["级别"] == "提示"} == {"应收台账", "关键指标"}   # why KPI cells are blank
    detail = read_records(small_book, "账龄明细")
    assert [r["单据号"] for r in detail] == ["INV-001", "INV-002", "=SUM(1,2)"]


def test_cli__refresh_in_english_writes_english_sheets(small_book):
    code, out, _ = run("refresh", str(small_book), "--as-of", AS_OF.isoformat(), "--lang", "en")
    assert code == 1 and "1 errors, 1 warnings" in out
    detail = {r["Invoice No"]: r for r in read_records(small_book, "Detail")}
    assert detail["INV-001"]["Stage"] == "S4" and detail["INV-001"]["Days Past Due"] == 89
    assert detail["INV-002"]["Open Amount"] == 800
    assert detail["=SUM(1,2)"]["Stage"] == "HOLD"


def test_cli__formula_like_text_is_written_as_text_not_formula(small_book):
    run("refresh", str(small_book), "--as-of", AS_OF.isoformat(), "--lang", "en")
    import openpyxl
    book = openpyxl.load_workbook(small_book)
    cells = [c for row in book["Detail"].iter_rows() for c in row if c.value == "=SUM(1,2)"]
    names = [c for row in book["Priority"].iter_rows() for c in row if c.value == "+Old Mill & Sons <Ltd>"]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert len(names) == 1 and names[0].data_type == "s"


def test_cli__input_sheets_and_user_sheets_stay_byte_identical(small_book):
    before = zip_parts(small_book)
    parts = sheet_part_names(small_book)
    run("refresh", str(small_book), "--as-of", AS_OF.isoformat())
    after = zip_parts(small_book)
    for sheet in ("应收台账", "客户档案", "我的备注"):
        part = parts[sheet].lstrip("/")
        assert after[part] == before[part], sheet
    assert read_rows(small_book, "我的备注") == [["自己的笔记", 42]]


def test_cli__second_refresh_gives_identical_output_sheets(small_book):
    run("refresh", str(small_book), "--as-of", AS_OF.isoformat())
    first = {name: zip_parts(small_book)[part.lstrip("/")] for name, part in sheet_part_names(small_book).items()}
    names_first = list(first)
    run("refresh", str(small_book), "--as-of", AS_OF.isoformat())
    second = {name: zip_parts(small_book)[part.lstrip("/")] for name, part in sheet_part_names(small_book).items()}
    assert list(second) == names_first
    assert second == first


def test_cli__output_option_leaves_the_original_untouched(small_book, tmp_path):
    before = small_book.read_bytes()
    target = tmp_path / "out" / "result.xlsx"
    target.parent.mkdir()
    code, _, _ = run("refresh", str(small_book), "--as-of", AS_OF.isoformat(), "--output", str(target))
    assert code == 1
    assert small_book.read_bytes() == before
    assert read_records(target, "催收优先级")[0]["客户编号"] == "C1"


def test_cli__missing_file_exits_2_with_message(tmp_path):
    code, out, err = run("refresh", str(tmp_path / "nope.xlsx"))
    assert code == 2 and out == ""
    assert "nope.xlsx" in err and "xlsx-tools:" in err


def test_cli__not_a_workbook_exits_2_and_writes_nothing(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    code, _, err = run("refresh", str(fake))
    assert code == 2 and err.startswith("xlsx-tools: ")
    assert fake.read_text(encoding="utf-8") == "not a zip"


def test_cli__workbook_open_in_excel_exits_2_and_writes_nothing(small_book):
    lock = small_book.parent / ("~$" + small_book.name)
    lock.write_bytes(b"owner")
    before = small_book.read_bytes()
    code, _, err = run("refresh", str(small_book))
    assert code == 2 and "~$book.xlsx" in err
    assert small_book.read_bytes() == before


def test_cli__workbook_without_ledger_exits_2_and_writes_nothing(tmp_path):
    book = write_workbook(tmp_path / "other.xlsx", {"Sheet": [["a", "b"]]})
    before = book.read_bytes()
    code, _, err = run("refresh", str(book))
    assert code == 2
    assert err == ("xlsx-tools: 工作簿中没有“应收台账”工作表（现有：Sheet） / "
                   "The workbook has no 'Ledger' sheet (found: Sheet)\n")
    assert book.read_bytes() == before


def test_cli__check_prints_located_lines_and_writes_nothing(small_book):
    before = small_book.read_bytes()
    code, out, _ = run("check", str(small_book), "--as-of", AS_OF.isoformat(), "--lang", "en")
    assert code == 1
    assert out.splitlines() == [
        "应收台账!E4: Date format not recognised '11/28/2026'; row left out of all results",
        "应收台账!A6: Total row skipped",
        "1 errors, 1 warnings",
    ]
    assert small_book.read_bytes() == before


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli__control_characters_from_cells_are_printed_visibly_not_sent_to_the_terminal(tmp_path):
    # a workbook from outside could carry terminal escape sequences (colours, window title, clear screen)
    book = write_workbook(tmp_path / "esc.xlsx", {"Ledger": [    # _x001B_: how a cell stores ESC
        ["Invoice No", "Customer ID", "Invoice Date", "Due Date", "Amount"],
        ["A1", "C1", "2026_x001B_]0;title_x0007__x001B_[2J", "2026-02-01", 10]]})
    code, out, _ = run("check", str(book), "--as-of", AS_OF.isoformat(), "--lang", "en")
    assert code == 1
    assert out.splitlines()[0] == ("Ledger!C2: Date format not recognised '2026\\x1b]0;title\\x07\\x1b[2J'; "
                                   "row left out of all results")
    code, out, err = run("refresh", str(book), "--as-of", AS_OF.isoformat())
    assert code == 1 and "\\x1b[2J" in err and not any(ch in out + err for ch in "\x1b\x07\x9b")
    terminal = Terminal()                                     # the progress line keeps its own cursor controls
    main(["check", str(book), "--as-of", AS_OF.isoformat()], out=io.StringIO(), err=terminal)
    assert "\r\x1b[K" in terminal.getvalue() and "\x1b[2J" not in terminal.getvalue()
    code, out, _ = run("check", str(book), "--json")
    assert json.loads(out)[0]["message_en"].startswith("Date format not recognised '2026\x1b]0;title\x07")


def test_cli__check_json(small_book):
    code, out, _ = run("check", str(small_book), "--json")
    assert code == 1
    issues = json.loads(out)
    assert issues[0] == {"severity": "error", "sheet": "应收台账", "cell": "E4", "location": "应收台账!E4",
                         "message": "日期格式无法识别 '11/28/2026'；该行未参与计算",
                         "message_en": "Date format not recognised '11/28/2026'; row left out of all results",
                         "message_zh": "日期格式无法识别 '11/28/2026'；该行未参与计算"}


def test_cli__clean_workbook_exits_0(tmp_path):
    book = write_workbook(tmp_path / "clean.xlsx", {"Ledger": [
        ["Invoice No", "Customer ID", "Invoice Date", "Due Date", "Amount"],
        ["A1", "C1", "2026-01-01", "2026-02-01", 10]]})
    code, out, err = run("refresh", str(book), "--as-of", AS_OF.isoformat())
    assert (code, err) == (0, "")
    assert "0 个错误，0 个警告" in out


def test_cli__bad_as_of_is_a_usage_error(small_book, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["refresh", str(small_book), "--as-of", "28/11/2026"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "命令行参数有误 / invalid command line" in err          # argparse's own words are English only
    assert "不是 YYYY-MM-DD 格式的日期 / expected YYYY-MM-DD: '28/11/2026'" in err


@pytest.mark.parametrize("value", ["0", "-5", "4096", "5000"])
def test_cli__a_part_limit_outside_1_to_4095_mb_is_a_usage_error(small_book, capsys, value):
    """The help says "at most 4095": 5000 is not silently taken as 4095, and 0 does not refuse a workbook
    whose parts "inflate to 0 MB, above the 0 MB limit"."""
    before = small_book.read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        main(["refresh", str(small_book), "--max-part-mb", value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "命令行参数有误 / invalid command line" in err
    assert f"应为 1 至 4095 之间的整数 / expected a whole number from 1 to 4095: '{value}'" in err
    assert small_book.read_bytes() == before


def test_cli__new_writes_a_template_that_refreshes_cleanly(tmp_path):
    path = tmp_path / "new.xlsx"
    assert run("new", str(path), "--lang", "en")[0] == 0
    assert run("new", str(path))[0] == 2
    code, _, err = run("refresh", str(path), "--as-of", AS_OF.isoformat())
    assert (code, err) == (0, "")


def test_cli__python_dash_m_entry_point_works(tmp_path):
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-m", "xlsx_tools", "--version"], capture_output=True, text=True,
                            cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0 and result.stdout.startswith("xlsx-tools ")


def test_cli__internal_error_exits_3_with_a_plain_message_and_leaves_the_file(small_book, monkeypatch):
    from xlsx_tools.pipeline import refresh as refresh_steps

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(refresh_steps, "compute", broken)
    before = small_book.read_bytes()
    code, out, err = run("refresh", str(small_book))
    assert code == 3 and out == ""
    assert err.startswith("xlsx-tools: 内部错误，工作簿未被修改") and "RuntimeError: boom" in err
    assert small_book.read_bytes() == before


def test_cli__a_language_change_keeps_the_sheet_names_so_every_reference_still_resolves(small_book):
    # issue 9.17: print titles, a defined name, a formula and a chart pointing at Priority
    import html
    import re
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.workbook.defined_name import DefinedName
    run("refresh", str(small_book), "--as-of", AS_OF.isoformat())
    book = openpyxl.load_workbook(small_book)
    priority = book["催收优先级"]
    priority.print_title_rows = "1:1"
    book.defined_names["TopCustomer"] = DefinedName("TopCustomer", attr_text="'催收优先级'!$B$2")
    notes = book["我的备注"]
    notes["C1"] = "='催收优先级'!B2"
    chart = BarChart()
    chart.add_data(Reference(priority, min_col=4, min_row=1, max_row=3), titles_from_data=True)
    notes.add_chart(chart, "E2")
    book.save(small_book)

    code, _, _ = run("refresh", str(small_book), "--as-of", AS_OF.isoformat(), "--lang", "en")
    assert code == 1
    book = openpyxl.load_workbook(small_book)
    assert "催收优先级" in book.sheetnames and "Priority" not in book.sheetnames
    assert book["催收优先级"]["A1"].value == "Rank"                   # the contents are in English
    assert book["账龄明细"]["B1"].value == "Invoice No"
    parts = zip_parts(small_book)
    xml = html.unescape("".join(data.decode("utf-8", "replace") for name, data in parts.items()
                                if name.endswith(".xml")))
    quoted = set(re.findall(r"'([^']+)'!", xml))
    assert quoted and quoted <= set(book.sheetnames), quoted - set(book.sheetnames)
    assert book["我的备注"]["C1"].value == "='催收优先级'!B2"
    assert book.defined_names["TopCustomer"].attr_text == "'催收优先级'!$B$2"


def test_cli__a_reader_that_leaves_does_not_turn_a_saved_run_into_an_internal_error(small_book):
    """`xlsx-tools refresh BOOK | head -1`: the pipe closes after the save.  It once exited 3 saying
    'the workbook was not changed' although it had been saved."""
    class Gone(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    code = main(["refresh", str(small_book), "--as-of", AS_OF.isoformat()], out=Gone(), err=err)
    assert code == 1                                   # the run's own status: one input error
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue()
    assert read_records(small_book, "账龄明细")         # saved


def test_cli__a_missing_workbook_or_output_folder_is_refused_before_any_lock_file(small_book, tmp_path):
    code, _, err = run("refresh", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "Workbook not found" in err
    code, _, err = run("refresh", str(small_book), "--output", str(tmp_path / "no" / "such" / "out.xlsx"))
    assert code == 2 and "The output folder" in err and "does not exist" in err and "输出文件夹不存在" in err
    assert not list(tmp_path.glob(".nope.xlsx*")) and not (tmp_path / "no").exists()


def test_cli__new_writes_a_macro_workbook_for_xlsm_and_refuses_other_names(tmp_path):
    import zipfile
    assert run("new", str(tmp_path / "book.xlsm"))[0] == 0
    with zipfile.ZipFile(tmp_path / "book.xlsm") as package:
        assert "xl/vbaProject.bin" in package.namelist()
        assert b"sheet.macroEnabled.main+xml" in package.read("[Content_Types].xml")
    code, _, err = run("new", str(tmp_path / "book.txt"))
    assert code == 2 and ".xlsx" in err and not (tmp_path / "book.txt").exists()
