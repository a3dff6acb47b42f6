"""Refresh and the letter batch through in-memory ports: no file, no Word, no LibreOffice."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tests.fakes.memory_port import FakeLetterTools, MemoryWorkbook
from tests.sheets import ledger, raw_sheet
from xlsx_tools.core import i18n
from xlsx_tools.core.read.letter_log import LogRow
from xlsx_tools.errors import WorkbookUnusable
from xlsx_tools.pipeline.letters import generate_letters
from xlsx_tools.pipeline.refresh import check, refresh

AS_OF = dt.date(2026, 11, 30)
OUTPUT_KEYS = ("priority", "detail", "aging", "kpis", "snapshots", "plan_schedule", "credit", "calls", "compliance",
               "weekly", "channels", "issues")

# C001 is 20 days past due (S3: a demand), C002 is 60 days past due (S4: a lawyer's letter, but the
# Company sheet names no law firm, so it fails its data check and gets no number).
LEDGER = """
INV-101 | C001 | A | 2026-10-01 | 2026-11-10 | 12000.00 | 2000 |  |
INV-201 | C002 | A | 2026-08-01 | 2026-10-01 | 30800    |      |  |
"""
CUSTOMERS = """
客户编号 | 客户名称 | 地址
C001 | 宁波恒信电子科技有限公司 | 宁波市鄞州区 1 号
C002 | 上海申达机械有限公司 | 上海市闵行区 2 号
"""
COMPANY = """
项目 | 值
name | 上海示例贸易有限公司
address | 上海市浦东新区世纪大道 100 号
contact | 李娜
phone | 021-5555 0100
payee_name | 上海示例贸易有限公司
bank_name | 中国工商银行
bank_account | 1001 2345
"""


def book(events=None, **options) -> MemoryWorkbook:
    return MemoryWorkbook([ledger(LEDGER), raw_sheet("客户档案", CUSTOMERS), raw_sheet("公司信息", COMPANY)],
                          events, **options)


def output_names(lang="zh") -> set[str]:
    return {i18n.SHEETS[key].get(lang) for key in OUTPUT_KEYS}


def test_check__computes_and_writes_nothing():
    workbook = book()
    result = check(workbook, as_of=AS_OF)
    assert list(result.priority["customer_id"]) == ["C002", "C001"]
    assert workbook.staged == {} and workbook.commits == 0


def test_refresh__writes_every_output_sheet_in_one_commit_and_leaves_inputs_alone():
    workbook = book()
    inputs = dict(workbook.sheets)
    outcome = refresh(workbook, as_of=AS_OF)
    assert workbook.commits == 1 and set(workbook.committed) == output_names()
    assert workbook.sheets == inputs
    assert outcome.exit_code == 0 and outcome.lang == "zh" and outcome.written is None


def test_refresh__the_port_gets_the_charts_with_their_tables():
    """Every WorkbookPort is handed the chart specs the same way: on the table they plot."""
    workbook = book()
    refresh(workbook, as_of=AS_OF)
    charted = {name: [chart.key for chart in table.charts] for name, table in workbook.committed.items() if table.charts}
    assert charted == {i18n.SHEETS["aging"].zh: ["aging"], i18n.SHEETS["kpis"].zh: ["trend"],
                       i18n.SHEETS["priority"].zh: ["priority"]}
    for name in charted:
        cells = [c for chart in workbook.committed[name].charts for s in chart.series
                 for c in (s.name_cell, s.categories_range, s.values_range)]
        assert {c.sheet for c in cells} == {name}


def test_refresh__a_book_without_ledger_is_unusable():
    with pytest.raises(WorkbookUnusable, match="应收台账"):
        refresh(MemoryWorkbook([raw_sheet("公司信息", COMPANY)]))


def test_letters__reserve_then_render_then_commit_then_settle():
    tools = FakeLetterTools()
    workbook = book(tools.events)
    outcome = generate_letters(workbook, "out", adapters=tools.adapters(), as_of=AS_OF, pdf=True)
    assert tools.events == ["reserve", "render", "commit", "settle", "pdf"]
    assert [(g.letter_no, g.kind, g.customer_id) for g in outcome.generated] == [("CS-2026-000001", "demand", "C001")]
    assert [(n.kind, n.customer_id) for n in outcome.failed] == [("lawyer", "C002")]     # no law firm: no number
    assert [row.letter_no for row in tools.journal.reserved] == ["CS-2026-000001"]
    assert tools.journal.settled == ["CS-2026-000001"]
    assert tools.renderer.rendered[0].context["letter_no"] == "CS-2026-000001"
    assert tools.folders == [(Path("out"), "")]
    assert outcome.pdf == Path("out/batch_20261130.pdf") and tools.pdf.documents == [Path("out/CS-2026-000001_demand_C001.fake")]
    log = workbook.committed[i18n.SHEETS["letters"].zh]
    assert list(log.frame["c0"]) == ["CS-2026-000001"] and set(workbook.committed) == output_names() | {log.name}
    assert outcome.exit_code == 1      # the failed lawyer's letter


def test_letters__an_interrupted_runs_numbers_are_logged_and_never_reused():
    tools = FakeLetterTools()
    left = LogRow("CS-2026-000007", AS_OF, "demand", "C009", "旧客户", "S3", "INV-9", 100, "f7.fake", "")
    tools.journal.left_over = [(left, "abc"), (dataclasses.replace(left, letter_no="CS-2026-000008"), None)]
    outcome = generate_letters(book(tools.events), "out", adapters=tools.adapters(), as_of=AS_OF)
    assert [(r.letter_no, r.status, r.sha256) for r in outcome.recovered] == [
        ("CS-2026-000007", "generated", "abc"), ("CS-2026-000008", "void", "")]
    assert [g.letter_no for g in outcome.generated] == ["CS-2026-000009"]
    assert tools.journal.settled == ["CS-2026-000007", "CS-2026-000008", "CS-2026-000009"]


def test_letters__a_broken_template_or_a_failed_render_gives_no_letter_but_the_batch_goes_on():
    tools = FakeLetterTools()
    tools.renderer.failing = frozenset({"CS-2026-000001"})
    outcome = generate_letters(book(tools.events), "out", adapters=tools.adapters(), as_of=AS_OF)
    assert outcome.generated == () and outcome.failed[-1].letter_no == "CS-2026-000001"
    assert tools.journal.settled == ["CS-2026-000001"]      # the number is logged void, never reused
    tools = FakeLetterTools()
    tools.renderer.broken = frozenset({"demand"})
    outcome = generate_letters(book(tools.events), "out", adapters=tools.adapters(), as_of=AS_OF)
    reasons = {note.kind: note.reason.en for note in outcome.failed}
    assert tools.journal.reserved == [] and reasons["demand"] == "template demand broken"


def test_letters__a_failed_commit_says_where_the_letters_are_and_settles_nothing():
    tools = FakeLetterTools()
    with pytest.raises(WorkbookUnusable, match="1 letters were written to out"):
        generate_letters(book(tools.events, fail_commit=True), "out", adapters=tools.adapters(), as_of=AS_OF)
    assert tools.events == ["reserve", "render", "commit"]


def test_letters__dry_run_reserves_renders_and_writes_nothing():
    tools = FakeLetterTools()
    workbook = book(tools.events)
    outcome = generate_letters(workbook, "out", adapters=tools.adapters(), as_of=AS_OF, dry_run=True)
    assert [p.letter_no for p in outcome.planned] == ["CS-2026-000001"]
    assert tools.events == [] and workbook.staged == {}
