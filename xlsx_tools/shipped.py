"""Where the shipped templates are: inside an installed wheel, or at the top of a source checkout.

The folders `workbook_templates/` and `letter_templates/` live at the top of the repository,
where users and the builders in `build/` find them; setup.py packs them into the wheel as
`xlsx_tools/_templates/<folder>`, so an installed copy needs no build step at run time.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Where setup.py puts the template folders inside the wheel.
PACKED = "_templates"


def shipped_folder(name: str) -> Path:
    """The folder `name` of the installed package, else the one of the source checkout."""
    packed = _PACKAGE / PACKED / name
    return packed if packed.is_dir() else _PACKAGE.parent / name


LETTER_TEMPLATES = shipped_folder("letter_templates")
WORKBOOK_TEMPLATES = shipped_folder("workbook_templates")
REPORT_TEMPLATES = shipped_folder("report_templates")
