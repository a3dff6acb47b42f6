"""Package discovery, plus the top-level template folders shipped inside the wheel.

Everything else is in pyproject.toml.  `workbook_templates/` and `letter_templates/` stay at
the top of the repository (users edit them there); they are mapped into the package as
`xlsx_tools/_templates/...`, where `xlsx_tools.shipped` looks first.
"""
from setuptools import find_packages, setup

TEMPLATE_FOLDERS = {f"xlsx_tools._templates.{name}": name for name in ("workbook_templates", "letter_templates",
                                                                      "report_templates")}

setup(
    packages=find_packages(include=["xlsx_tools*"]) + list(TEMPLATE_FOLDERS),
    package_dir=TEMPLATE_FOLDERS,
    package_data={
        "xlsx_tools._templates.workbook_templates": ["*.xlsx", "*.xlsm"],
        "xlsx_tools._templates.letter_templates": ["*/*.docx"],
        "xlsx_tools._templates.report_templates": ["*/*.docx"],
    },
)
