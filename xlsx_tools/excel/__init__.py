"""Inside Excel (classic, BSD-licensed xlwings only).

* `functions`: the worksheet functions XT_DAYS_PAST_DUE … XT_PROMISE_STATUS (xlwings UDFs),
  thin wrappers over the same core code the command line uses;
* `buttons`: the RunPython entry points behind the workbook's buttons (refresh, letters,
  check), which run `pipeline` through the live-Excel adapter `io.workbook_xlwings`.

The macro-enabled templates are built by `xlsx_tools.build.xlsm`.

See docs/windows-setup.md for the set-up on Windows.
"""
