"""xlsx_tools: collect overdue receivables from an Excel ledger.

The library API (the command line and the Excel buttons run the same pipeline)::

    import xlsx_tools as xt
    book = xt.open_workbook("collections.xlsx")
    result = xt.check(book)                  # RefreshResult: detail, priority, aging, issues ...
    outcome = xt.refresh(book)               # RefreshOutcome: writes the output sheets, atomically
    batch = xt.letters(xt.open_workbook("collections.xlsx"), "letters", dry_run=True)   # LettersOutcome

- `open_workbook(path)`: a workbook file (the port the pipeline reads and writes through).
- `check(book, as_of=None)`: validate and compute; nothing is written.
- `refresh(book, as_of=None, lang=None, output=None)`: compute and write the output sheets.
- `letters(book, out_dir=None, ...)`: the letter batch (Word, optional PDF) and the Letters log.

A port is used for one run: open the workbook again for the next one.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .core.issues import Issue  # noqa: E402
from .core.refresh import RefreshResult  # noqa: E402
from .errors import WorkbookUnusable  # noqa: E402
from .pipeline.letters import GeneratedLetter, LettersOutcome  # noqa: E402
from .pipeline.refresh import RefreshOutcome, check, refresh  # noqa: E402
from .pipeline.report import ReportOutcome  # noqa: E402
from .wiring import letters, open_workbook, report  # noqa: E402

__all__ = ["open_workbook", "check", "refresh", "letters", "RefreshResult", "RefreshOutcome", "LettersOutcome",
           "GeneratedLetter", "Issue", "WorkbookUnusable", "__version__", "report", "ReportOutcome"]
