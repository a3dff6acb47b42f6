"""Pure domain logic: no files, no Excel, no Word."""
