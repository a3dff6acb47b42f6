"""README command (1): `xlsx-tools demo` builds, refreshes and summarises the demo workbook."""
import io

import docx

from xlsx_tools.cli import ProgressLine, main
from tests.e2e.conftest import AS_OF
from tests.workbooks import read_records


def test_demo__builds_refreshes_and_prints_stage_counts_and_top_five(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert main(["demo", str(tmp_path), "--as-of", AS_OF.isoformat()], out=out, err=err) == 0
    text = out.getvalue()
    book = tmp_path / "collections_demo_zh.xlsx"
    assert f"演示工作簿: {book.resolve()}" in text
    priority = read_records(book, "催收优先级")
    top = [line for line in text.splitlines() if line.startswith(("  1. ", "  2. ", "  3. ", "  4. ", "  5. "))]
    assert [line.split()[1] for line in top] == [row["客户编号"] for row in priority[:5]]
    detail = read_records(book, "账龄明细")
    s5 = sum(row["催收阶段"] == "S5" for row in detail)
    assert any(line.split()[:2] == ["S5", "诉讼"] and line.split()[-1] == str(s5) for line in text.splitlines())
    # the total row, the broken plan and the demo's one breach of each of the five contact rules
    assert "0 个错误，7 个警告" in text and err.getvalue() == ""


def test_demo__english(tmp_path):
    out = io.StringIO()
    assert main(["demo", str(tmp_path), "--as-of", AS_OF.isoformat(), "--lang", "en"], out=out,
                err=io.StringIO()) == 0
    assert "Top 5 priorities:" in out.getvalue()
    assert read_records(tmp_path / "collections_demo_en.xlsx", "Priority")[0]["Key Target"] == "Y"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress__shown_on_a_terminal_only():
    terminal, pipe = FakeTerminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = ProgressLine(stream)
        progress("reading 应收台账")
        progress.done()
    assert "reading 应收台账" in terminal.getvalue() and terminal.getvalue().endswith("\r\033[K")
    assert pipe.getvalue() == ""


def test_demo__letters_run_on_the_demo_with_interest_and_plan_agreements(tmp_path):
    out = io.StringIO()
    assert main(["demo", str(tmp_path), "--as-of", AS_OF.isoformat()], out=out, err=io.StringIO()) == 0
    book = tmp_path / "collections_demo_zh.xlsx"
    letters = tmp_path / "letters"
    out = io.StringIO()
    assert main(["letters", str(book), "--out", str(letters), "--as-of", AS_OF.isoformat()], out=out,
                err=io.StringIO()) == 0
    assert "失败 0 份" in out.getvalue()
    demands = sorted(letters.glob("*_demand_*.docx"))
    assert demands
    text = "\n".join(p.text for p in docx.Document(demands[0]).paragraphs)
    assert "逾期利息按一年期LPR 3.00%的1.5倍计算" in text and "本息合计" in text
    out = io.StringIO()
    assert main(["letters", str(book), "--out", str(letters), "--as-of", AS_OF.isoformat(), "--kind", "plan"],
                out=out, err=io.StringIO()) == 0
    # issue 9: the demo's broken plan FQ-002 gets no agreement, with the reason
    assert "生成 1 份" in out.getvalue() and len(list(letters.glob("*_plan_*.docx"))) == 1
    assert "分期计划 FQ-002 已违约" in out.getvalue()
