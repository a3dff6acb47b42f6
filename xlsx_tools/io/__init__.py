"""Workbook file adapters (xlsx/xlsm): fast reading and raw-copy grafting of output sheets."""
