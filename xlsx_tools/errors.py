"""The one exception kind users see: input that cannot be used at all (exit code 2)."""


class WorkbookUnusable(Exception):
    """Missing, not a workbook, locked by Excel, unreadable, or without a Ledger sheet.

    `str(exc)` is a message a clerk understands, in Chinese and English.
    """
