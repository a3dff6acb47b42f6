"""The one pipeline behind the command line, the Excel buttons and the Python API.

- `ports`: what the pipeline needs from the outside (workbook, letter renderer, number
  journal, PDF binder, progress), as protocols; adapters in `io/` implement them.
- `refresh`: read -> compute -> write -> commit, as named steps (`check` stops after compute).
- `letters`: the letter batch, built from refresh's steps with the letter steps in between.

The pipeline imports no adapter: the defaults are wired in `xlsx_tools.wiring`.
"""
