"""Readers of the input sheets: each turns a RawSheet into typed data plus located issues, once."""
