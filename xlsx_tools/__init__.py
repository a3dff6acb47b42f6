"""xlsx_tools: collect overdue receivables from an Excel ledger."""

__version__ = "0.1.0"
