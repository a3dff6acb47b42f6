"""Test doubles for things that do not exist on this machine (Excel)."""
