"""macros/*.bas: every RunPython string runs an existing no-argument function; the buttons call existing Subs."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from xlsx_tools.build.xlsm import BUTTONS, MACROS_DIR, read_macros

RUN_PYTHON = re.compile(r'^\s*RunPython\s+"((?:[^"]|"")*)"\s*$', re.IGNORECASE)
SUB = re.compile(r"^\s*(Public\s+|Private\s+)?Sub\s+(\w+)\s*\(([^)]*)\)", re.IGNORECASE)


def bas_files() -> list[Path]:
    return sorted(MACROS_DIR.glob("*.bas"))


def run_python_commands() -> list[tuple[str, str]]:
    found = []
    for path in bas_files():
        for line in path.read_text(encoding="cp1252").splitlines():
            match = RUN_PYTHON.match(line)
            if match:
                found.append((path.name, match.group(1).replace('""', '"')))
    return found


def subs(source: str) -> dict[str, tuple[str, list[str]]]:
    """Sub name -> (visibility, body lines)."""
    out: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in source.splitlines():
        match = SUB.match(line)
        if match:
            current = match.group(2)
            out[current] = ((match.group(1) or "Public").strip(), [])
        elif re.match(r"^\s*End\s+Sub\b", line, re.IGNORECASE):
            current = None
        elif current is not None and line.strip() and not line.strip().startswith("'"):
            out[current][1].append(line.strip())
    return out


def test_there_are_macros_and_they_are_plain_code_page_1252_text():
    assert {p.name for p in bas_files()} >= {"XlsxTools.bas", "ThisWorkbook.bas"}
    for path in bas_files():
        path.read_bytes().decode("cp1252")                   # the VBA project's code page
        assert path.read_bytes().isascii(), f"{path.name}: keep Chinese as \\uXXXX escapes"


@pytest.mark.parametrize("where, command", run_python_commands())
def test_run_python_strings_import_a_module_and_call_a_no_argument_function(where, command):
    statements = ast.parse(command).body
    assert len(statements) == 2, command
    imported, call = statements
    assert isinstance(imported, ast.Import) and len(imported.names) == 1
    module = importlib.import_module(imported.names[0].name)
    alias = imported.names[0].asname or imported.names[0].name
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
    assert not call.value.args and not call.value.keywords, f"{where}: {command} passes arguments"
    target = call.value.func
    assert isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == alias
    function = getattr(module, target.attr)
    assert callable(function)
    required = [p for p in inspect.signature(function).parameters.values()
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert not inspect.signature(function).parameters and not required, f"{command}: takes arguments"


def test_each_button_sub_is_one_run_python_line():
    module = {m.name: m for m in read_macros()}["XlsxTools"]
    found = subs(module.source)
    buttons = {name: body for name, (visibility, body) in found.items() if visibility == "Public"}
    assert set(buttons) == {b.macro for b in BUTTONS}
    for name, body in buttons.items():
        assert len(body) == 1 and RUN_PYTHON.match(body[0]), name
    assert len(run_python_commands()) == len(BUTTONS)


def test_run_python_is_late_bound_so_the_module_compiles_without_the_add_in():
    source = {m.name: m for m in read_macros()}["XlsxTools"].source
    visibility, body = subs(source)["RunPython"]
    assert visibility == "Private"
    assert 'Application.Run "xlwings.xlam!RunPython", command' in body
    assert "On Error GoTo Failed" in body


def test_workbook_open_is_safe_when_python_or_xlwings_is_missing():
    module = {m.name: m for m in read_macros()}["ThisWorkbook"]
    assert module.kind == "document"
    visibility, body = subs(module.source)["Workbook_Open"]
    assert visibility == "Private" and body[0] == "On Error GoTo Done"
    assert "RunPython" not in module.source              # opening never runs Python
    assert "VBA.MsgBox message, vbExclamation" in module.source
    # built-ins qualified with VBA.: a MISSING reference (e.g. to the xlwings add-in) cannot break Workbook_Open
    for name in ("MsgBox", "Len", "Dir", "InStr", "Mid$", "ChrW", "Val", "CreateObject"):
        for line in module.source.splitlines():
            if line.strip().startswith("'"):
                continue
            for match in re.finditer(rf"(?<![\w.]){re.escape(name)}\(|(?<![\w.]){re.escape(name)} ", line):
                pytest.fail(f"unqualified {name} in: {line.strip()}")


def test_only_classic_bsd_xlwings_is_used():
    """No xlwings PRO, Server, Reports, Reader or Lite: not in the code, not in the fake, not in the macros."""
    root = Path(__file__).resolve().parents[2]
    sources = [*(root / "xlsx_tools").rglob("*.py"), *(root / "tests" / "fakes").rglob("*.py"), *bas_files()]
    forbidden = re.compile(r"xlwings\.pro|from\s+xlwings\s+import\s+pro|xlwings\.server|xlwings\.reports|"
                           r"Book\(\s*json\s*=|\.render_template\(|xlwings\.lite|LICENSE_KEY\s*=")
    offenders = [f"{path.relative_to(root)}: {match.group(0)}" for path in sources
                 for match in forbidden.finditer(path.read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []
