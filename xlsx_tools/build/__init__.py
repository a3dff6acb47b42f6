"""Builders of what the repository ships, run at development time (and by `new` and `demo`).

* `templates`: the input workbook templates (`workbook_templates/*.xlsx`);
* `xlsm`: their macro-enabled twins, from `macros/*.bas`, without Excel;
* `letter_templates`: the Word letter templates (`letter_templates/<lang>/*.docx`);
* `demo`: a reproducible demo workbook with every stage, status and issue kind.

Apart from the `new` and `demo` commands, which build their workbooks, the runtime reads
the shipped files (see `xlsx_tools.shipped`), never these builders.
"""
