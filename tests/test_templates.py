"""The workbook template: sheets, headers, formats, validations and the Policy sheet."""
from __future__ import annotations

import datetime as dt
import re

import fastexcel
import pandas as pd
import openpyxl
import pytest

from xlsx_tools.core import i18n
from xlsx_tools.core.issues import problems
from xlsx_tools.core.read.customers import CUSTOMER_REQUIRED
from xlsx_tools.core.read.ledger import LEDGER_REQUIRED
from xlsx_tools.core.policy import DEFAULT_POLICY, SETTINGS, format_setting, load_policy
from xlsx_tools.core.refresh import RefreshInputs, compute
from xlsx_tools.core.tables import RawSheet, column_letter
from xlsx_tools.build.ledger_formulas import row_formulas
from xlsx_tools.build.templates import (DATE_FORMAT, LAST_FORMATTED_ROW, MONEY_FORMAT, PERCENT_FORMAT,
                                  build_template, write_template)

LANGS = ("zh", "en")
TEMPLATE_SHEETS = ("instructions", "ledger", "customers", "policy", "company", "cases", "letters",
                   "payments", "plans", "events", "contacts", "fx")


@pytest.fixture(scope="module", params=LANGS)
def built(request):
    return request.param, build_template(request.param)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One written template per language."""
    folder = tmp_path_factory.mktemp("templates")
    return {lang: write_template(folder / f"template_{lang}.xlsx", lang) for lang in LANGS}


def sheet(wb, key, lang):
    return wb[i18n.SHEETS[key].get(lang)]


def header(ws) -> list:
    return [cell.value for cell in ws[1]]


def column_of(columns: dict, key: str) -> str:
    return column_letter(list(columns).index(key) + 1)


def validations_on(ws, letter: str):
    return [dv for dv in ws.data_validations.dataValidation
            if any(str(rng).startswith(f"{letter}2:") for rng in dv.sqref.ranges)]


def list_words(ws, letter: str) -> list[str]:
    lists = [dv for dv in validations_on(ws, letter) if dv.type == "list"]
    assert len(lists) == 1, f"one list validation expected on column {letter}"
    formula = lists[0].formula1
    assert formula.startswith('"') and formula.endswith('"')
    return formula[1:-1].split(",")


def raw_sheet(path, name: str) -> RawSheet:
    loaded = fastexcel.read_excel(path).load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
    letters = tuple(column_letter(c.absolute_index + 1) for c in loaded.available_columns())
    frame = loaded.to_pandas()
    frame.columns = list(letters)
    return RawSheet(name, frame, 1, letters)


def all_values(wb) -> dict:
    """Every non-empty cell by sheet and position."""
    return {(ws.title, r, c): value for ws in wb.worksheets
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1)
            for c, value in enumerate(row, start=1) if value is not None}


# ----- sheets and headers --------------------------------------------------------------
def test_sheets_in_contract_order(built):
    lang, wb = built
    assert wb.sheetnames == [i18n.SHEETS[key].get(lang) for key in TEMPLATE_SHEETS]


def test_headers_are_every_contract_label_in_the_language(built):
    lang, wb = built
    assert header(sheet(wb, "ledger", lang)) == [label.get(lang) for label in
                                                 {**i18n.LEDGER_COLUMNS, **i18n.LEDGER_COMPUTED_COLUMNS}.values()]
    assert header(sheet(wb, "customers", lang)) == [label.get(lang) for label in i18n.CUSTOMER_COLUMNS.values()]
    assert header(sheet(wb, "policy", lang)) == [label.get(lang) for label in i18n.POLICY_COLUMNS.values()]


def test_input_sheets_have_no_data_rows(built):
    lang, wb = built
    for key in ("ledger", "customers", "cases", "letters"):
        ws = sheet(wb, key, lang)
        inputs = len(i18n.LEDGER_COLUMNS) if key == "ledger" else ws.max_column    # then the formula columns
        assert all(cell.value is None for row in ws.iter_rows(min_row=2, max_col=inputs) for cell in row)


def test_the_ledger_is_a_table_whose_last_three_columns_are_portable_formulas(built):
    """Excel Table `Ledger` (header + one row to grow from); its three computed columns carry
    the calculated-column formula and row 2 holds it; only functions Excel 2010 and LibreOffice 7 share."""
    lang, wb = built
    ws = sheet(wb, "ledger", lang)
    table = ws.tables["Ledger"]
    width = len(i18n.LEDGER_COLUMNS) + len(i18n.LEDGER_COMPUTED_COLUMNS)
    assert table.ref == f"A1:{column_letter(width)}2" and ws.auto_filter.ref is None
    assert [column.name for column in table.tableColumns] == header(ws)
    computed = table.tableColumns[len(i18n.LEDGER_COLUMNS):]
    assert [cell.value for cell in ws[2][len(i18n.LEDGER_COLUMNS):]] == [
        "=" + column.calculatedColumnFormula.attr_text for column in computed]
    names = {name: wb.defined_names[name].attr_text for name in wb.defined_names}
    assert {"XT_AS_OF", "XT_LADDER_1", "XT_LADDER_5", "XT_EDGE_10", "XT_BUCKET_10", "XT_TOLERANCE", "XT_EN"} <= set(names)
    assert f"'{i18n.SHEETS['policy'].get(lang)}'!$A:$A" in names["XT_POLICY_AS_OF"]
    everything = " ".join([*names.values(), *(column.calculatedColumnFormula.attr_text for column in computed)])
    for modern in ("XLOOKUP(", "LET(", "IFS(", "SWITCH(", "TEXTJOIN(", "FILTER(", "_xlfn"):
        assert modern not in everything.upper().replace("COUNTIFS(", "")


def test_the_ledger_formulas_fit_excel_limits_on_the_last_row():
    """At most 8,192 characters and 64 nested levels (Excel's limits), even where the cell
    references are longest (row 1,048,576)."""
    keys = [*i18n.LEDGER_COLUMNS, *i18n.LEDGER_COMPUTED_COLUMNS]
    letters = {key: column_letter(n) for n, key in enumerate(keys, start=1)}
    for key, formula in row_formulas(letters, 1_048_576).items():
        depth = deepest = 0
        for char in re.sub(r'"[^"]*"', '""', formula):          # brackets inside text are no nesting
            depth += (char == "(") - (char == ")")
            deepest = max(deepest, depth)
        assert len(formula) <= 8_192 and deepest <= 64 and depth == 0, (key, len(formula), deepest)


def test_required_headers_are_marked(built):
    lang, wb = built
    for key, columns, required in (("ledger", i18n.LEDGER_COLUMNS, LEDGER_REQUIRED),
                                   ("customers", i18n.CUSTOMER_COLUMNS, CUSTOMER_REQUIRED)):
        ws = sheet(wb, key, lang)
        fills = {}
        for n, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=n)
            fills[column] = cell.fill.fgColor.rgb
            if column in required:
                assert cell.font.bold, f"{cell.value} should be bold"
        optional = {fills[c] for c in columns if c not in required and c != "due_date"}
        assert all(fills[c] not in optional for c in required)
        assert ws.freeze_panes == "A2"
        assert all((ws.column_dimensions[column_letter(n)].width or 0) >= 8 for n in range(1, len(columns) + 1))


def test_ledger_number_formats(built):
    lang, wb = built
    ws = sheet(wb, "ledger", lang)
    for key, fmt in (("amount", MONEY_FORMAT), ("paid_amount", MONEY_FORMAT), ("invoice_date", DATE_FORMAT),
                     ("due_date", DATE_FORMAT), ("last_payment_date", DATE_FORMAT), ("hold_until", DATE_FORMAT)):
        letter = column_of(i18n.LEDGER_COLUMNS, key)
        for row in (2, 100, LAST_FORMATTED_ROW):
            assert ws[f"{letter}{row}"].number_format == fmt, (key, row)
    assert MONEY_FORMAT == "#,##0.00" and DATE_FORMAT == "yyyy-mm-dd"


# ----- letters sheets (issue 3) ---------------------------------------------------------------
def test_letters_sheets_have_their_headers(built):
    lang, wb = built
    assert header(sheet(wb, "company", lang)) == [label.get(lang) for label in i18n.COMPANY_COLUMNS.values()]
    assert header(sheet(wb, "cases", lang)) == [label.get(lang) for label in i18n.CASE_COLUMNS.values()]
    assert header(sheet(wb, "letters", lang)) == [label.get(lang) for label in i18n.LETTER_LOG_COLUMNS.values()]


def test_company_sheet_lists_every_item_with_a_blank_value(built):
    lang, wb = built
    rows = list(sheet(wb, "company", lang).iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(i18n.COMPANY_FIELDS)
    assert all(row[1] is None for row in rows)
    assert [row[2] for row in rows] == [label.get(lang) for label in i18n.COMPANY_FIELDS.values()]



def test_company_descriptions_that_wrap_get_rows_tall_enough(built):
    """Found by the print audit: the en Company sheet printed 'Disputes (installment agreements): court or
    arbitration commission' (67 characters in a 40-wide column) at the default row height, over the row above."""
    from xlsx_tools.build.templates import LINE_HEIGHT, wrapped_lines
    lang, wb = built
    ws = sheet(wb, "company", lang)
    width = ws.column_dimensions["C"].width
    heights = {cell.row: (ws.row_dimensions[cell.row].height, wrapped_lines(cell.value, width))
               for cell in ws["C"][1:] if cell.value}
    assert all(height == LINE_HEIGHT * lines for height, lines in heights.values() if lines > 1)
    assert lang == "zh" or sum(lines > 1 for _, lines in heights.values()) >= 2


@pytest.mark.parametrize("lang", LANGS)
def test_empty_letters_sheets_read_back_empty(saved, lang):
    from xlsx_tools.core.read.cases import read_cases
    from xlsx_tools.core.read.company import read_company
    from xlsx_tools.core.read.letter_log import read_letter_log
    path = saved[lang]
    company, issues = read_company(raw_sheet(path, i18n.SHEETS["company"].get(lang)))
    assert issues == [] and set(company) == set(i18n.COMPANY_FIELDS) and not any(company.values())
    cases, issues = read_cases(raw_sheet(path, i18n.SHEETS["cases"].get(lang)))
    assert issues == [] and len(cases) == 0
    log, issues = read_letter_log(raw_sheet(path, i18n.SHEETS["letters"].get(lang)))
    assert issues == [] and log.rows == () and len(log.entries) == 0


# ----- money and law sheets (issue 5) -------------------------------------------------------------
MONEY_LAW_SHEETS = {"payments": i18n.PAYMENT_COLUMNS, "plans": i18n.PLAN_COLUMNS, "events": i18n.EVENT_COLUMNS}


def test_money_law_sheets_have_their_headers_and_no_rows(built):
    lang, wb = built
    for key, columns in MONEY_LAW_SHEETS.items():
        ws = sheet(wb, key, lang)
        assert header(ws) == [label.get(lang) for label in columns.values()]
        assert all(cell.value is None for row in ws.iter_rows(min_row=2) for cell in row)
        assert ws.freeze_panes == "A2" and ws.sheet_properties.tabColor is not None


def test_money_law_sheets_mark_required_headers_and_format_dates_money_and_rates(built):
    from xlsx_tools.core.read.plans import PLAN_REQUIRED
    lang, wb = built
    required = {"payments": ("invoice_no", "date", "amount"), "plans": PLAN_REQUIRED,
                "events": ("date", "customer_id", "event")}
    for key, columns in MONEY_LAW_SHEETS.items():
        ws = sheet(wb, key, lang)
        optional_fill = {ws.cell(row=1, column=n).fill.fgColor.rgb for n, c in enumerate(columns, start=1)
                         if c not in required[key]}
        for n, column in enumerate(columns, start=1):
            if column in required[key]:
                assert ws.cell(row=1, column=n).font.bold
                assert ws.cell(row=1, column=n).fill.fgColor.rgb not in optional_fill
    formats = {("payments", "date"): DATE_FORMAT, ("payments", "amount"): MONEY_FORMAT,
               ("plans", "total"): MONEY_FORMAT, ("plans", "first_due"): DATE_FORMAT,
               ("plans", "daily_rate"): PERCENT_FORMAT, ("plans", "prepayment"): PERCENT_FORMAT,
               ("events", "date"): DATE_FORMAT}
    for (key, column), fmt in formats.items():
        letter = column_of(MONEY_LAW_SHEETS[key], column)
        assert sheet(wb, key, lang)[f"{letter}2"].number_format == fmt, (key, column)


def test_event_and_plan_type_drop_downs_are_understood_by_the_reader(built):
    lang, wb = built
    events = list_words(sheet(wb, "events", lang), column_of(i18n.EVENT_COLUMNS, "event"))
    assert events == [label.get(lang) for label in i18n.EVENT_TYPES.values()]
    kinds = list_words(sheet(wb, "plans", lang), column_of(i18n.PLAN_COLUMNS, "plan_type"))
    assert kinds == [label.get(lang) for label in i18n.PLAN_TYPES.values()]


@pytest.mark.parametrize("lang", LANGS)
def test_empty_money_law_sheets_refresh_cleanly(saved, lang):
    path = saved[lang]
    name = {key: i18n.SHEETS[key].get(lang) for key in ("ledger", "payments", "plans", "events")}
    result = compute(RefreshInputs(ledger=raw_sheet(path, name["ledger"]), payments=raw_sheet(path, name["payments"]),
                                   plans=raw_sheet(path, name["plans"]), events=raw_sheet(path, name["events"])),
                     as_of=dt.date(2026, 11, 28))
    assert problems(result.issues) == []          # only info rows: the KPIs of an empty ledger are blank
    assert result.plan_schedule.empty


# ----- validations -------------------------------------------------------------------------
def test_status_validation_lists_the_status_words(built):
    lang, wb = built
    ws = sheet(wb, "ledger", lang)
    words = list_words(ws, column_of(i18n.LEDGER_COLUMNS, "status"))
    assert words == [label.get(lang) for label in i18n.STATUSES.values()]
    dv = [dv for dv in validations_on(ws, column_of(i18n.LEDGER_COLUMNS, "status")) if dv.type == "list"][0]
    assert f"{column_of(i18n.LEDGER_COLUMNS, 'status')}{LAST_FORMATTED_ROW}" in str(dv.sqref)


def test_customer_type_and_rating_validations(built):
    lang, wb = built
    ws = sheet(wb, "customers", lang)
    types = list_words(ws, column_of(i18n.CUSTOMER_COLUMNS, "customer_type"))
    assert types == [label.get(lang) for label in i18n.CUSTOMER_TYPES.values()]
    for key in ("credit_rating", "previous_rating"):
        assert list_words(ws, column_of(i18n.CUSTOMER_COLUMNS, key)) == list(DEFAULT_POLICY.rating_order)


def test_validation_words_are_understood_by_the_reader(built):
    """Every word offered in a drop-down is one the core accepts."""
    lang, wb = built
    accepted_status = {i18n.normalise_name(n) for label in i18n.STATUSES.values() for n in label.both()}
    accepted_types = {i18n.normalise_name(n) for label in i18n.CUSTOMER_TYPES.values() for n in label.both()}
    status = list_words(sheet(wb, "ledger", lang), column_of(i18n.LEDGER_COLUMNS, "status"))
    types = list_words(sheet(wb, "customers", lang), column_of(i18n.CUSTOMER_COLUMNS, "customer_type"))
    assert {i18n.normalise_name(w) for w in status} <= accepted_status
    assert {i18n.normalise_name(w) for w in types} <= accepted_types


# ----- policy --------------------------------------------------------------------------------
def test_policy_rows_are_the_settings_in_order(built):
    lang, wb = built
    ws = sheet(wb, "policy", lang)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [setting.key for setting in SETTINGS]
    for (key, value, description), setting in zip(rows, SETTINGS):
        assert description == setting.description.get(lang)
        if setting.key == "as_of":
            assert value is None
        elif setting.key == "lang":
            assert value == lang
        else:
            assert value == format_setting(setting, setting.default), key


def test_policy_ratio_formats(built):
    lang, wb = built
    ws = sheet(wb, "policy", lang)
    for row, setting in enumerate(SETTINGS, start=2):
        cell = ws.cell(row=row, column=2)
        if setting.kind == "ratio":
            assert cell.number_format == PERCENT_FORMAT, setting.key
        elif setting.kind != "ratio":
            assert "%" not in cell.number_format, setting.key


@pytest.mark.parametrize("lang", LANGS)
def test_saved_template_reads_back_as_the_default_policy(saved, lang):
    path = saved[lang]
    policy, issues = load_policy(raw_sheet(path, i18n.SHEETS["policy"].get(lang)))
    assert issues == []
    assert policy == DEFAULT_POLICY.with_values(lang=lang)


def refresh_template(path, lang):
    """The refresh result of a saved, empty template (its Ledger, Customers and Policy sheets)."""
    name = {key: i18n.SHEETS[key].get(lang) for key in ("ledger", "customers", "policy")}
    return compute(RefreshInputs(ledger=raw_sheet(path, name["ledger"]),
                                 customers=raw_sheet(path, name["customers"]),
                                 policy=raw_sheet(path, name["policy"])), as_of=dt.date(2026, 11, 28))


@pytest.mark.parametrize("lang", LANGS)
def test_empty_template_refreshes_cleanly(saved, lang):
    result = refresh_template(saved[lang], lang)
    assert problems(result.issues) == []          # only info rows: the KPIs of an empty ledger are blank
    assert len(result.detail) == 0
    assert result.policy.lang == lang


# ----- instructions ----------------------------------------------------------------------------
def test_instructions_are_short_wrapped_and_name_the_sheets(built):
    lang, wb = built
    ws = sheet(wb, "instructions", lang)
    lines = [cell.value for cell in ws["A"] if cell.value]
    assert 12 <= len(lines) <= 28          # two printed pages
    assert ws.column_dimensions["A"].width >= 80
    assert all(cell.alignment.wrap_text for cell in ws["A"] if cell.value)
    text = "\n".join(lines)
    for key in ("ledger", "customers", "policy", "detail", "priority", "aging", "issues",
                "payments", "plans", "events", "plan_schedule", "credit"):
        assert i18n.SHEETS[key].get(lang) in text
    for key in LEDGER_REQUIRED:
        assert i18n.LEDGER_COLUMNS[key].get(lang) in text
    for label in i18n.STATUSES.values():
        assert label.zh in text and label.en in text
    assert "xlsx-tools refresh" in text
    assert "2026年11月28日" in text and "12,345.60" in text
    if lang == "zh":
        assert "使用说明" in lines[0]
    else:
        assert all(ord(ch) < 0x3000 for ch in lines[0])


def test_instructions_print_one_page_wide_with_rows_as_tall_as_their_wrapped_text(built):
    """Printed, the sheet was cut at the right edge and the wrapped lines overlapped (issue 9)."""
    from xlsx_tools.build.templates import INSTRUCTION_WIDTH, LINE_HEIGHT, wrapped_lines
    lang, wb = built
    ws = sheet(wb, "instructions", lang)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "portrait")
    long_rows = 0
    for cell in ws["A"][1:]:
        lines = wrapped_lines(cell.value or "", INSTRUCTION_WIDTH)
        long_rows += lines > 1
        assert ws.row_dimensions[cell.row].height == LINE_HEIGHT * lines, (cell.row, (cell.value or "")[:30])
    assert long_rows >= 3
    assert ws.page_margins.left == ws.page_margins.right <= 0.5


def _page_breaks(heights: list[float], breaks: set[int], page_height: float) -> list[int]:
    """The first row of each page when rows of `heights` are laid out with manual `breaks` (break after row id)."""
    starts, used = [1], 0.0
    for row, height in enumerate(heights, start=1):
        if used and (row - 1 in breaks or used + height > page_height):
            starts.append(row)
            used = 0.0
        used += height
    return starts


def test_keep_headings_with_next__a_heading_at_the_foot_of_a_page_moves_to_the_next():
    from openpyxl import Workbook
    from xlsx_tools.build.templates import keep_headings_with_next
    ws = Workbook().active
    for row in range(1, 13):
        ws.cell(row=row, column=1, value=f"line {row}")
        ws.row_dimensions[row].height = 15
    keep_headings_with_next(ws, [3, 10], page_height=150)    # 10 rows a page: row 10 would end page 1
    assert [b.id for b in ws.row_breaks.brk] == [9]
    assert _page_breaks([15] * 12, {9}, 150) == [1, 10]
    keep_headings_with_next(ws2 := Workbook().active, [9], page_height=150)
    assert list(ws2.row_breaks.brk) == []                     # an empty sheet, nothing to move


def test_instructions__no_heading_ends_a_page(built):
    """The "other commands" heading ended page 1 with its list on page 2 (audit 2)."""
    from xlsx_tools.build.templates import A4_PORTRAIT_PRINT_HEIGHT, LINE_HEIGHT
    lang, wb = built
    ws = sheet(wb, "instructions", lang)
    heights = [ws.row_dimensions[row].height or LINE_HEIGHT for row in range(1, ws.max_row + 1)]
    starts = _page_breaks(heights, {b.id for b in ws.row_breaks.brk}, A4_PORTRAIT_PRINT_HEIGHT)
    headings = {cell.row for cell in ws["A"] if cell.font.b and cell.row > 1}
    assert len(headings) >= 4
    assert not {start - 1 for start in starts[1:]} & headings


def test_input_sheets_have_tab_colours(built):
    lang, wb = built
    for key in ("ledger", "customers", "policy"):
        assert sheet(wb, key, lang).sheet_properties.tabColor is not None


# ----- determinism -------------------------------------------------------------------------------
def test_building_twice_gives_the_same_content(built):
    lang, first = built
    second = build_template(lang)
    assert all_values(first) == all_values(second)
    assert first.properties.created == second.properties.created
    assert first.properties.modified == second.properties.modified


def test_written_files_are_reproducible_and_round_trip(saved, built, tmp_path):
    lang, wb = built
    again = write_template(tmp_path / "sub" / "again.xlsx", lang)
    assert again.read_bytes() == saved[lang].read_bytes()
    assert [p.name for p in again.parent.iterdir()] == ["again.xlsx"]   # no temp file left behind
    loaded = openpyxl.load_workbook(saved[lang], read_only=True)
    assert all_values(loaded) == all_values(wb)
    assert loaded.properties.modified == wb.properties.modified


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError):
        build_template("fr")  # type: ignore[arg-type]


# ----- instructions name every sheet the tool writes (audit 2) -----------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_instructions_name_every_sheet_refresh_writes(saved, lang):
    """The sheet list came from a hand-kept list of four while refresh wrote twelve."""
    from xlsx_tools.present.sheets import REFRESH_SHEETS, output_tables
    path = saved[lang]
    written = output_tables(refresh_template(path, lang), lang)
    assert tuple(written) == REFRESH_SHEETS                  # the registry is the writer's own list
    text = instructions_text(path, lang)
    missing = [table.name for table in written.values() if table.name not in text]
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_cover_the_optional_inputs_and_other_commands(saved, lang):
    text = instructions_text(saved[lang], lang)
    for key in ("contacts", "fx", "payments", "plans", "events", "company", "cases", "letters",
                "group_priority", "group_aging", "group_kpis", "sources"):
        assert i18n.SHEETS[key].get(lang) in text, key
    for command in ("xlsx-tools refresh", "xlsx-tools check", "xlsx-tools letters", "xlsx-tools report",
                    "xlsx-tools group"):
        assert command in text
    assert "9999-12-31" in text


def instructions_text(path, lang) -> str:
    ws = openpyxl.load_workbook(path)[i18n.SHEETS["instructions"].get(lang)]
    return "\n".join(cell.value for cell in ws["A"] if cell.value)


# ----- print setup (audit 2) ---------------------------------------------------------------------
def test_every_sheet_prints_a4_one_page_wide_with_the_sheet_name_and_page_in_the_footer(built):
    lang, wb = built
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (9, 1, 0), ws.title
        assert (ws.oddFooter.left.text, ws.oddFooter.right.text) == ("&A", "&P / &N"), ws.title


def test_data_sheets_repeat_their_header_row_and_wide_ones_print_landscape(built):
    """The Policy sheet printed on 9 portrait pages, column by column, without headers."""
    lang, wb = built
    for key in TEMPLATE_SHEETS[1:]:
        ws = sheet(wb, key, lang)
        assert ws.print_title_rows == "$1:$1", key
    orientation = {key: sheet(wb, key, lang).page_setup.orientation for key in TEMPLATE_SHEETS}
    assert {key for key, value in orientation.items() if value == "landscape"} >= {
        "ledger", "customers", "policy", "cases", "letters", "plans", "contacts"}
    assert orientation["instructions"] == orientation["fx"] == "portrait"


def test_policy_values_and_descriptions_wrap_in_rows_as_tall_as_their_lines(built):
    """The long values (LPR history, owners and actions) were cut at the next column."""
    from xlsx_tools.build.templates import LINE_HEIGHT, POLICY_WIDTHS, wrapped_lines
    lang, wb = built
    ws = sheet(wb, "policy", lang)
    tall = 0
    for row in range(2, ws.max_row + 1):
        value, description = ws.cell(row=row, column=2), ws.cell(row=row, column=3)
        assert value.alignment.wrap_text and description.alignment.wrap_text
        lines = max(wrapped_lines(str(value.value or ""), POLICY_WIDTHS["value"]),
                    wrapped_lines(description.value, POLICY_WIDTHS["description"]))
        if lines > 1:
            tall += 1
            assert ws.row_dimensions[row].height >= LINE_HEIGHT * lines
    assert tall >= 3


def test_wrapped_lines_breaks_between_words_and_anywhere_in_chinese():
    from xlsx_tools.build.templates import wrapped_lines
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("aaaa bbbb", 9) == 1
    assert wrapped_lines("aaaa bbbb cccc", 9) == 2          # 'cccc' does not fit after 'bbbb '
    assert wrapped_lines("a" * 25, 9) == 3                  # a long word breaks inside
    assert wrapped_lines("应收" * 5, 10) == 2                # 10 wide characters, 5 per line


# ----- date validation = what the reader accepts (audit 2) ---------------------------------------
def _validation_dates(formula: str) -> dt.date:
    match = re.fullmatch(r"DATE\((\d+),(\d+),(\d+)\)(\+TIME\(23,59,59\))?", formula)
    assert match, formula
    return dt.date(*map(int, match.groups()[:3]))


def test_date_validations_span_exactly_the_dates_the_reader_accepts(built):
    """The validation said 1990..2100, so a valid 1985 invoice or a 9999-12-31 hold raised
    Excel's warning; each bound must be read, and the day beyond it refused."""
    from xlsx_tools.core.cells import OPEN_ENDED_YEAR, parse_dates_checked
    from xlsx_tools.core.read.ledger import OPEN_ENDED_DATES
    lang, wb = built
    open_ended = {column_of(i18n.LEDGER_COLUMNS, key) for key in OPEN_ENDED_DATES}
    checked, custom = 0, set()
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type not in ("date", "custom"):
                continue
            assert (dv.errorStyle, dv.allow_blank) == ("warning", True)
            letters = {str(rng).split(":")[0].rstrip("0123456789") for rng in dv.sqref.ranges}
            is_open = ws.title == i18n.SHEETS["ledger"].get(lang) and bool(letters & open_ended)
            if dv.type == "custom":      # FIRST..LAST or the year that means "never", on one column
                [letter] = letters
                match = re.fullmatch(rf"OR\(AND\({letter}2>=(DATE\(.*?\)),{letter}2<=(DATE\(.*?\)\+TIME\(23,59,59\))\),"
                                     rf"YEAR\({letter}2\)=(\d+)\)", dv.formula1)
                assert is_open and match, dv.formula1
                first, last, year = _validation_dates(match[1]), _validation_dates(match[2]), int(match[3])
                assert year == OPEN_ENDED_YEAR
                custom.add(letter)
            else:
                assert dv.operator == "between" and not is_open
                first, last = _validation_dates(dv.formula1), _validation_dates(dv.formula2)
                assert dv.formula2.endswith("+TIME(23,59,59)")   # a date-time on the last day is inside
            days = [first, last, last + dt.timedelta(days=1), first - dt.timedelta(days=1)]
            expected = [False, False, True, True]
            if is_open:
                days += [dt.date(OPEN_ENDED_YEAR, 1, 1), dt.date(OPEN_ENDED_YEAR, 12, 31), dt.date(7449, 6, 11)]
                expected += [False, False, True]
            _, unrecognised, outside = parse_dates_checked(pd.Series([day.isoformat() for day in days]),
                                                           open_ended=is_open)
            assert list(unrecognised | outside) == expected, (ws.title, letters)
            checked += 1
    assert checked >= 9 and custom == open_ended
