"""The README's promises: two set-up commands that CI runs, and a CLI reference matching --help."""
import re
from pathlib import Path

from xlsx_tools.cli import cli_reference
from xlsx_tools.core import i18n

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n\s*(.+?)\n\s*```", section)[:2]


def test_readme__has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    demo, tests = quick_start_commands()
    assert "xlsx-tools demo" in demo and "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_readme__cli_reference_matches_help_output():
    block = README.split("<!-- cli-reference:start -->\n", 1)[1].split("<!-- cli-reference:end -->", 1)[0]
    assert block == cli_reference(), "regenerate the README block from cli_reference()"


def test_readme__workbook_section_names_every_ledger_header_in_both_languages():
    section = README.split("## Workbook", 1)[1]
    for label in i18n.LEDGER_COLUMNS.values():
        assert f"| {label.en} | {label.zh} |" in section
    for key in ("detail", "priority", "aging", "snapshots", "issues", "ledger", "customers", "policy"):
        assert f"{i18n.SHEETS[key].en} · {i18n.SHEETS[key].zh}" in section


def test_readme__rules_say_written_off_rows_accrue_no_interest():
    rules = README.split("Every rate, multiplier and threshold below", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"\*\*Written-off rows\*\*.*accrue no interest", rules)


def test_readme__python_session_prints_the_output_shown(tmp_path, capsys):
    """The "Use from Python" session, run on a fresh demo workbook, prints exactly the output the README shows."""
    from xlsx_tools.cli import main

    section = README.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shown = section.split("Its output:\n\n```text\n", 1)[1].split("```", 1)[0]
    demo = tmp_path / "api_demo"
    assert main(["demo", str(demo), "--as-of", "2026-11-30"]) == 0
    capsys.readouterr()
    exec(code.replace("/tmp/api_demo", str(demo)), {})
    assert capsys.readouterr().out == shown
    invoices = re.search(r"demo workbook with (\d+) invoices of", README).group(1)  # the Quick start's count
    assert shown.startswith(f"2026-11-30 {invoices} rows,")
