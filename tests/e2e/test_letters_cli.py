"""`xlsx-tools letters` end to end on a real workbook file: batch, log, idempotency, crashes, PDF."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.letters_support import AS_OF, OLD_MILL, log_records, write_letters_book
from xlsx_tools.wiring import letters
from xlsx_tools.cli import main
from xlsx_tools.core import i18n
from xlsx_tools.io import letters_docx, pdf
from xlsx_tools.io.letters_journal import JOURNAL_NAME, LettersJournal
from xlsx_tools.io.xlsx.workbook_file import WorkbookFile
from xlsx_tools.build.letter_templates import SHIPPED_DIR

EXPECTED = {("C001", "demand"), ("C002", "lawyer"), ("C003", "confirmation"), ("C003", "reminder"),
            ("C004", "confirmation"), ("C/007", "demand")}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*argv: str, err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), err if err is not None else io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def book(tmp_path) -> Path:
    return write_letters_book(tmp_path / "book.xlsx")


def letters_of(records: list[dict]) -> Counter:
    return Counter((r["customer_id"], r["kind"]) for r in records if r["status"] != "作废")


def kind_code(title: str) -> str:
    return next(code for code, label in i18n.LETTER_KINDS.items() if title in label.both())


# ----- the batch ---------------------------------------------------------------------------------------------------
def test_letters__one_letter_per_customer_and_kind_logged_with_its_hash(book, tmp_path):
    out_dir = tmp_path / "letters"
    code, out, err = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat())
    assert code == 1                                   # C005 has no address: failed, the rest was written
    assert "C005" in out and "地址" in out
    records = log_records(book)
    assert {(r["customer_id"], kind_code(r["kind"])) for r in records} == EXPECTED
    assert [r["letter_no"] for r in records] == [f"CS-2026-{n:06d}" for n in range(1, 7)]
    for record in records:
        path = out_dir / record["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"]
        assert record["status"] == "已生成" and record["date"] == dt.datetime(2026, 11, 30)
        assert record["sent_date"] is None and record["delivered_date"] is None and record["tracking_no"] is None
    names = sorted(p.name for p in out_dir.glob("*.docx"))
    assert "CS-2026-000006_demand_C_007.docx" in names or any(n.endswith("_demand_C_007.docx") for n in names)
    demand = next(r for r in records if r["customer_id"] == "C001")
    assert demand["total"] == 16409.02 and demand["invoices"] == "INV-101, INV-102"
    text = "\n".join(p.text for p in docx.Document(out_dir / demand["file"]).paragraphs)
    tables = "\n".join(c.text for t in docx.Document(out_dir / demand["file"]).tables for r in t.rows for c in r.cells)
    assert OLD_MILL in text and "人民币壹万陆仟肆佰零玖元零贰分" in text and "2026年11月30日" in text
    assert "INV-101" in tables and "INV-102" in tables and "16,409.02" in tables
    assert "1 Mill Lane" in text
    wb = openpyxl.load_workbook(book, read_only=True)
    assert {i18n.SHEETS["priority"].zh, i18n.SHEETS["detail"].zh, i18n.SHEETS["letters"].zh} <= set(wb.sheetnames)
    wb.close()
    assert (out_dir / JOURNAL_NAME).read_text().strip() == '{"event": "mark", "prefix": "CS", "year": 2026, "seq": 6}'


def test_letters__rerun_generates_nothing_and_keeps_the_clerks_edits(book, tmp_path):
    out_dir = tmp_path / "letters"
    run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat())
    wb = openpyxl.load_workbook(book)
    ws = wb[i18n.SHEETS["letters"].zh]
    header = [c.value for c in ws[1]]
    col = {name: header.index(label.zh) + 1 for name, label in i18n.LETTER_LOG_COLUMNS.items()}
    ws.cell(row=2, column=col["sent_date"], value=dt.datetime(2026, 12, 1))
    ws.cell(row=2, column=col["delivered_date"], value="12月3日签收")
    ws.cell(row=2, column=col["tracking_no"], value="SF1234567890")
    ws.cell(row=3, column=col["tracking_no"], value=773012345678)
    ws.cell(row=2, column=col["status"], value="已送达")
    ws.cell(row=1, column=len(header) + 1, value="我的备注")
    ws.cell(row=2, column=len(header) + 1, value="客户已电话确认")
    wb.save(book)
    before = log_records(book)
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", (AS_OF + dt.timedelta(days=3)).isoformat())
    # three days on, C003's and C004's invoices have left their pre-due windows; the rest are in cool-down
    assert "生成 0 份，跳过 4 份" in out and "冷却期 7 天" in out
    after = log_records(book)
    # A number typed as a tracking no comes back as the same digits, as text (Excel would show 7.73012E+11).
    before[1]["tracking_no"] = str(before[1]["tracking_no"])
    assert after == before
    assert after[0]["delivered_date"] == "12月3日签收" and after[0]["我的备注"] == "客户已电话确认"
    assert after[0]["sent_date"] == dt.datetime(2026, 12, 1) and after[0]["status"] == "已送达"
    assert str(after[1]["tracking_no"]) == "773012345678"
    assert len(list(out_dir.glob("*.docx"))) == 6


def test_letters__after_the_cool_down_the_stage_letter_goes_again(book, tmp_path):
    out_dir = tmp_path / "letters"
    run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "demand", "--customer", "C001")
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", "2026-12-07", "--kind", "demand",
                       "--customer", "C001")
    assert code == 0 and "CS-2026-000002" in out
    assert [r["letter_no"] for r in log_records(book)] == ["CS-2026-000001", "CS-2026-000002"]


def test_letters__dry_run_writes_nothing(book, tmp_path):
    before = book.read_bytes()
    code, out, _ = run("letters", book, "--out", tmp_path / "new" / "letters", "--as-of", AS_OF.isoformat(),
                       "--dry-run")
    assert "预演" in out and "CS-2026-000001" in out
    assert book.read_bytes() == before and not (tmp_path / "new").exists()   # no folder, no folder lock


def test_letters__english_book_gets_english_letters_and_sheets(tmp_path):
    book = write_letters_book(tmp_path / "book_en.xlsx", lang="en")
    code, out, _ = run("letters", book, "--out", tmp_path / "letters", "--as-of", AS_OF.isoformat(),
                       "--kind", "lawyer")
    assert code == 0 and "1 generated" in out
    (record,) = log_records(book, "en")
    assert record["kind"] == "Lawyer's letter" and record["status"] == "generated"
    text = "\n".join(p.text for p in docx.Document(tmp_path / "letters" / record["file"]).paragraphs)
    assert "LAWYER'S LETTER" in text and "30 November 2026" in text and "Article 577" in text


def test_letters__case_review_on_request_with_the_log_as_timeline(book, tmp_path):
    out_dir = tmp_path / "letters"
    run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--customer", "C001")
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "case_review")
    assert code == 0 and "催收案例复盘记录" in out
    review = [r for r in log_records(book) if r["kind"] == "催收案例复盘记录"]
    assert len(review) == 1 and review[0]["case_ref"] == "CASE-1" and review[0]["total"] == 5000
    document = docx.Document(out_dir / review[0]["file"])
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "CS-2026-000001" in cells and "催款通知书" in cells          # the earlier demand, from the log
    assert "人民币伍仟元整" in cells
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "case_review")
    assert "已生成复盘记录" in out and "生成 0 份" in out


def test_letters__demand_states_interest_basis_and_total(book, tmp_path):
    """Hand-checked: INV-101 10,000.00 × 3.00% × 1.5 × 20 / 365 = 24.66, INV-102 6,409.02 × 4.5% × 5 / 365 = 3.95;
    interest 28.61, principal + interest 16,437.63."""
    out_dir = tmp_path / "letters"
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "demand",
                       "--customer", "C001")
    assert code == 0
    (record,) = log_records(book)
    document = docx.Document(out_dir / record["file"])
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert [row[-1] for row in rows if row[1] in ("INV-101", "INV-102")] == ["24.66", "3.95"]
    assert "逾期利息按一年期LPR 3.00%的1.5倍计算，共计人民币¥28.61元" in text
    assert "本息合计人民币（小写）¥16,437.63元，（大写）人民币壹万陆仟肆佰叁拾柒元陆角叁分" in text
    assert record["total"] == 16409.02                    # the log keeps the principal


def _add_plan(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[i18n.SHEETS["plans"].zh]
    values = {"plan_no": "FQ-1", "customer_id": "C002", "invoices": "INV-201", "total": 30800,
              "signed_date": dt.datetime(2026, 11, 20), "first_due": dt.datetime(2026, 12, 20), "installments": 3,
              "interval": 30, "interest_free": 2}
    position = {key: n for n, key in enumerate(i18n.PLAN_COLUMNS, start=1)}
    for key, value in values.items():
        ws.cell(row=2, column=position[key], value=value)
    wb.save(book)


def test_letters__plan_agreement_on_request_once_per_plan(book, tmp_path):
    _add_plan(book)
    out_dir = tmp_path / "letters"
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--customer", "C002")
    assert code == 0 and "分期还款协议" not in out                       # not without --kind plan
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "plan")
    assert code == 0 and "生成 1 份" in out and "分期还款协议" in out
    (record,) = [r for r in log_records(book) if r["kind"] == "分期还款协议"]
    assert record["case_ref"] == "FQ-1" and record["customer_id"] == "C002" and record["total"] == 30800
    assert record["invoices"] == "INV-201" and record["file"].endswith("_plan_C002.docx")
    document = docx.Document(out_dir / record["file"])
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    schedule = [row for row in rows if len(row) == 5 and row[0] in ("1", "2", "3")]
    assert schedule == [["1", "2026年12月20日", "10,266.67", "0.00", "10,266.67"],
                        ["2", "2027年1月19日", "10,266.67", "0.00", "10,266.67"],
                        ["3", "2027年2月18日", "10,266.66", "61.60", "10,328.26"]]
    assert ["合计", "合计", "30,800.00", "61.60", "30,861.60"] in rows        # sum line = plan total (merged label)
    assert "分期还款协议" in text and "人民币叁万零捌佰元整" in text and "FQ-1" in text
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "plan")
    assert "生成 0 份" in out and "分期计划 FQ-1 已生成协议" in out
    assert len([r for r in log_records(book) if r["kind"] == "分期还款协议"]) == 1


# ----- crashes and numbering ---------------------------------------------------------------------------------------
def crash_on_the_fourth_letter(monkeypatch) -> None:
    """Make the batch die (as on a power cut) while writing its fourth letter."""
    real_write = letters_docx.write_bytes
    written = []

    def crash(path, data):
        if len(written) == 3:
            raise KeyboardInterrupt("power cut")
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(letters_docx, "write_bytes", crash)


def test_letters__crash_after_half_the_batch_never_reuses_a_number(book, tmp_path, monkeypatch):
    out_dir = tmp_path / "letters"
    crash_on_the_fourth_letter(monkeypatch)
    before = book.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        letters(WorkbookFile(book), out_dir, as_of=AS_OF)
    monkeypatch.undo()
    assert book.read_bytes() == before                                  # nothing was committed
    reserved = LettersJournal(out_dir).read().reserved
    assert len(reserved) == 6 and len(list(out_dir.glob("*.docx"))) == 3

    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat())
    assert "补记 3 份函件，作废 3 个编号" in out
    records = log_records(book)
    numbers = [r["letter_no"] for r in records]
    assert len(numbers) == len(set(numbers)) == 9
    assert numbers == [f"CS-2026-{n:06d}" for n in range(1, 10)]
    status = Counter(r["status"] for r in records)
    assert status == {"已生成": 6, "作废": 3}
    assert letters_of(records) == Counter({key: 1 for key in
                                           {(c, i18n.LETTER_KINDS[k].zh) for c, k in EXPECTED}})
    for record in records:
        if record["status"] == "已生成":
            assert hashlib.sha256((out_dir / record["file"]).read_bytes()).hexdigest() == record["sha256"]
    recovered = [r for r in records if r["note"] and "中断" in r["note"]]
    assert len(recovered) == 6                                          # 3 logged late + 3 voided, each explained
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat())
    assert "生成 0 份" in out and len(log_records(book)) == 9


def test_letters__crash_then_a_different_out_folder_still_never_reuses_a_number(book, tmp_path, monkeypatch):
    first_dir, second_dir = tmp_path / "letters", tmp_path / "elsewhere"
    crash_on_the_fourth_letter(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        letters(WorkbookFile(book), first_dir, as_of=AS_OF)
    monkeypatch.undo()
    assert (book.parent / f".{book.name}.letter-folders").read_text(encoding="utf-8").splitlines() == \
        [str(first_dir.resolve())]

    code, out, _ = run("letters", book, "--out", second_dir, "--as-of", AS_OF.isoformat())
    assert "补记 3 份函件，作废 3 个编号" in out
    numbers = [r["letter_no"] for r in log_records(book)]
    assert numbers == [f"CS-2026-{n:06d}" for n in range(1, 10)]          # 1-6 from the crash, 7-9 new
    assert len(list(second_dir.glob("*.docx"))) == 3
    assert LettersJournal(first_dir).read().reserved == {}                 # the old folder's journal is settled


def test_letters__another_books_interrupted_batch_is_not_logged_here(book, tmp_path, monkeypatch):
    out_dir = tmp_path / "letters"
    other = write_letters_book(tmp_path / "other.xlsx")
    monkeypatch.setattr(letters_docx, "write_bytes", lambda path, data: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        letters(WorkbookFile(other), out_dir, as_of=AS_OF)
    monkeypatch.undo()
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat())
    assert "补记" not in out
    assert [r["letter_no"] for r in log_records(book)] == [f"CS-2026-{n:06d}" for n in range(7, 13)]
    code, out, _ = run("letters", other, "--out", out_dir, "--as-of", AS_OF.isoformat())
    assert "作废 6 个编号" in out
    numbers = [r["letter_no"] for r in log_records(other)]
    assert numbers[:6] == [f"CS-2026-{n:06d}" for n in range(1, 7)] and numbers[6] == "CS-2026-000013"


def test_letters__crash_between_commit_and_journal_compaction_is_harmless(book, tmp_path, monkeypatch):
    out_dir = tmp_path / "letters"

    def fail(self, issued, book=""):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(LettersJournal, "compact", fail)
    with pytest.raises(KeyboardInterrupt):
        letters(WorkbookFile(book), out_dir, as_of=AS_OF)
    monkeypatch.undo()
    assert len(log_records(book)) == 6
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat())
    assert "补记" not in out and "生成 0 份" in out and len(log_records(book)) == 6


def test_letters__numbers_are_not_reused_when_log_rows_are_deleted(book, tmp_path):
    out_dir = tmp_path / "letters"
    run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "demand")
    wb = openpyxl.load_workbook(book)
    ws = wb[i18n.SHEETS["letters"].zh]
    ws.delete_rows(2, ws.max_row)
    wb.save(book)
    code, out, _ = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "demand")
    assert [r["letter_no"] for r in log_records(book)] == ["CS-2026-000003", "CS-2026-000004"]


def test_letters__missing_company_data_fails_before_any_number_is_taken(tmp_path):
    book = write_letters_book(tmp_path / "book.xlsx", company={"name": "上海示例贸易有限公司"})
    code, out, _ = run("letters", book, "--out", tmp_path / "letters", "--as-of", AS_OF.isoformat())
    assert code == 1 and "生成 0 份" in out and "失败 7 份" in out
    assert "bank_account（收款账号）" in out
    assert LettersJournal(tmp_path / "letters").read().reserved == {}
    assert log_records(book) == []


# ----- PDF -----------------------------------------------------------------------------------------------------------
def test_letters__pdf_batch_is_one_print_file(book, tmp_path):
    if pdf.find_soffice() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice is required under CI")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer fonts-noto-cjk")
    out_dir = tmp_path / "letters"
    code, out, err = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "demand",
                         "--pdf")
    assert code == 1 and "PDF:" in out                   # exit 1 only because C005 has no address
    joined = out_dir / "batch_20261130.pdf"
    text = subprocess.run(["pdftotext", str(joined), "-"], capture_output=True, text=True).stdout
    assert text.count("催款通知书") == 2 and "人民币壹万陆仟肆佰零玖元零贰分" in "".join(text.split())
    assert OLD_MILL in text


def test_letters__pdf_without_libreoffice_names_the_package_and_keeps_the_letters(book, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    out_dir = tmp_path / "letters"
    code, out, err = run("letters", book, "--out", out_dir, "--as-of", AS_OF.isoformat(), "--kind", "lawyer",
                         "--pdf")
    assert code == 1 and "libreoffice-writer" in err
    assert len(list(out_dir.glob("*.docx"))) == 1 and len(log_records(book)) == 1


# ----- templates, errors, progress ----------------------------------------------------------------------------------------
def test_letters__check_templates(tmp_path):
    code, out, _ = run("letters", "--check-templates")
    assert code == 0 and "16 templates checked, 0 with problems" in out
    broken = tmp_path / "t"
    for lang in ("zh", "en"):
        (broken / lang).mkdir(parents=True)
        for path in (SHIPPED_DIR / lang).glob("*.docx"):
            (broken / lang / path.name).write_bytes(path.read_bytes())
    document = docx.Document(broken / "zh" / "reminder.docx")
    document.add_paragraph("{{ customer.name }")
    document.add_paragraph("{{ overdue_interest }}")
    document.save(broken / "zh" / "reminder.docx")
    code, out, _ = run("letters", "--check-templates", "--templates", broken)
    assert code == 1
    assert f"FAIL  {broken / 'zh' / 'reminder.docx'}" in out and "broken tag" in out
    assert "1 with problems" in out


def test_letters__a_broken_template_fails_its_letters_only(book, tmp_path):
    templates = tmp_path / "t"
    for lang in ("zh", "en"):
        (templates / lang).mkdir(parents=True)
        for path in (SHIPPED_DIR / lang).glob("*.docx"):
            (templates / lang / path.name).write_bytes(path.read_bytes())
    document = docx.Document(templates / "zh" / "lawyer.docx")
    document.add_paragraph("{{ overdue_interest }}")
    document.save(templates / "zh" / "lawyer.docx")
    code, out, _ = run("letters", book, "--out", tmp_path / "letters", "--as-of", AS_OF.isoformat(),
                       "--templates", templates)
    assert code == 1 and "overdue_interest" in out and "lawyer.docx" in out
    assert len(log_records(book)) == 5                   # everything but the lawyer's letter


def test_letters__unusable_books_exit_2(tmp_path):
    code, _, err = run("letters", tmp_path / "missing.xlsx", "--out", tmp_path / "l")
    assert code == 2 and "missing.xlsx" in err
    book = write_letters_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb[i18n.SHEETS["letters"].zh]["A1"] = "编号?"
    wb.save(book)
    code, _, err = run("letters", book, "--out", tmp_path / "l", "--as-of", AS_OF.isoformat())
    assert code == 2 and "函件编号" in err
    code, _, err = run("letters")
    assert code == 2


def test_letters__progress_bar_on_a_terminal(book, tmp_path):
    terminal = Terminal()
    run("letters", book, "--out", tmp_path / "letters", "--as-of", AS_OF.isoformat(), err=terminal)
    assert "▕" in terminal.getvalue() and "6/6" in terminal.getvalue()
    quiet = io.StringIO()
    run("letters", book, "--out", tmp_path / "letters2", "--as-of", AS_OF.isoformat(), err=quiet)
    assert "▕" not in quiet.getvalue()
