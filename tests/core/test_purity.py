"""The core is pure: it never imports an adapter library."""
import ast
from pathlib import Path

import xlsx_tools.core

ADAPTERS = {"openpyxl", "xlwings", "docxtpl", "docx", "fastexcel", "python_calamine", "xlsxwriter", "lxml"}


def test_core__imports_no_adapter_library():
    offenders = []
    for path in Path(xlsx_tools.core.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ADAPTERS]
    assert offenders == []
    assert len(list(Path(xlsx_tools.core.__file__).parent.glob("*.py"))) > 5
