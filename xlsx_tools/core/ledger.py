"""The Ledger and Customers sheets' required columns, for the workbook template builder.

The readers live in `read/ledger.py` and `read/customers.py`; this module goes away when the
template builder moves to build/ and imports them from there (issue 8 §3).
"""
from .read.customers import CUSTOMER_REQUIRED
from .read.ledger import LEDGER_REQUIRED

__all__ = ["CUSTOMER_REQUIRED", "LEDGER_REQUIRED"]
