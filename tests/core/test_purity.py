"""The core is pure: no adapter library, no file system, no Word files, no Excel date system."""
import ast
import re
from pathlib import Path


import xlsx_tools.core

ADAPTERS = {"openpyxl", "xlwings", "docxtpl", "docx", "fastexcel", "python_calamine", "xlsxwriter", "lxml"}
CORE = Path(xlsx_tools.core.__file__).parent
SOURCES = sorted(CORE.rglob("*.py"))


def test_core__imports_no_adapter_library():
    offenders = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ADAPTERS]
    assert offenders == []
    assert len(SOURCES) > 5


def _file_system_uses(source: str) -> list[str]:
    """Imports of pathlib / os / shutil / io, `os.path`, and calls of the builtin open()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        found += [m for m in modules if m.split(".")[0] in {"pathlib", "os", "shutil", "io", "tempfile", "glob"}]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            found.append("open()")
    return found


def test_file_system_check__catches_paths_and_open():
    assert _file_system_uses("import os.path\nfrom pathlib import Path\nopen('x')\n") == ["os.path", "pathlib", "open()"]
    assert _file_system_uses("from .cells import parse_dates\nframe.open_fen\n") == []


def test_core__knows_no_file_paths():
    offenders = {path.name: _file_system_uses(path.read_text(encoding="utf-8")) for path in SOURCES}
    assert {name: uses for name, uses in offenders.items() if uses} == {}


def _mentions(pattern: str) -> list[str]:
    return [f"{path.relative_to(CORE)}:{n}" for path in SOURCES
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if re.search(pattern, line, re.IGNORECASE)]


def test_core__mentions_no_word_files():
    assert _mentions(r"\.docx\b") == []


def test_core__knows_no_excel_date_system():
    assert _mentions(r"1899-12-30|1900-03-01|date1904|excel_epoch") == []
