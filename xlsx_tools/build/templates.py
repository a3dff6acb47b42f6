"""The collections workbook an accountant starts from, in Chinese or English.

Sheets, in order: Instructions, Ledger, Customers, Policy, Company, Cases and
Letters (the last three for the letter batch), then Payments, Plans and Events
(optional money and law inputs).  Every sheet name,
header, status word and customer type comes from `core.i18n`; every Policy row
comes from `core.policy.SETTINGS`, so the template can never drift from what the
reader accepts.  Building is deterministic and `save_workbook` writes
byte-identical files for identical content.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from os import PathLike
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..core import i18n
from ..core.cells import FIRST_DATE, LAST_DATE, OPEN_ENDED_YEAR
from ..core.i18n import Label, Lang
from ..core.read.customers import CUSTOMER_REQUIRED
from ..core.read.ledger import LEDGER_REQUIRED, OPEN_ENDED_DATES
from ..core.read.plans import PLAN_REQUIRED
from ..core.policy import DEFAULT_POLICY, SETTINGS, format_setting
from ..core.tables import column_letter
from ..io.atomic import write_bytes
from ..io.xlsx.sheet_xml import FOOTER_LEFT, FOOTER_RIGHT
from ..present.group_sheets import GROUP_SHEETS
from ..present.sheets import REFRESH_SHEETS
from .ledger_formulas import add_aging_columns, add_policy_names

__all__ = ["build_template", "write_template", "save_workbook", "set_print_setup", "wrapped_lines",
           "LAST_FORMATTED_ROW", "MONEY_FORMAT", "DATE_FORMAT", "PERCENT_FORMAT"]

FIXED_TIMESTAMP = dt.datetime(2026, 1, 1, 0, 0, 0)
LAST_FORMATTED_ROW = 5000
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00%"
INTEGER_FORMAT = "0"

LEDGER_MONEY = ("amount", "paid_amount")
LEDGER_DATES = ("invoice_date", "due_date", "last_payment_date", "hold_until")
LEDGER_INTEGERS = ("terms_days",)
# Due Date is required unless Terms (days) is given: marked, in a lighter shade.
LEDGER_CONDITIONAL = ("due_date",)
CUSTOMER_MONEY = ("credit_limit", "registered_capital", "annual_sales")
CUSTOMER_DATES = ("first_trade_date",)
CUSTOMER_RATINGS = ("credit_rating", "previous_rating")

LEDGER_WIDTHS = {
    "invoice_no": 16, "customer_id": 12, "customer_name": 32, "business_line": 14, "sales_owner": 12,
    "contract_no": 15, "invoice_date": 12, "due_date": 12, "terms_days": 10, "currency": 8,
    "amount": 16, "paid_amount": 16, "last_payment_date": 13, "status": 11, "hold_until": 12,
}
CUSTOMER_WIDTHS = {
    "customer_id": 12, "customer_name": 34, "customer_type": 15, "credit_rating": 10,
    "previous_rating": 10, "credit_limit": 16, "registered_capital": 18, "annual_sales": 18,
    "first_trade_date": 13, "contact_name": 12, "contact_email": 30, "contact_phone": 16, "address": 44,
    "credit_code": 22,
}

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="9C0006")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
CONDITIONAL_FILL = PatternFill("solid", fgColor="FCE4D6")
KEY_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True)
THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)

TAB_INSTRUCTIONS = "808080"
TAB_INPUT = "2E75B6"
TAB_POLICY = "C65911"


def _sep(lang: Lang) -> str:
    return "、" if lang == "zh" else ", "


def _names(labels: Iterable[Label], lang: Lang) -> str:
    return _sep(lang).join(label.get(lang) for label in labels)


def _ladder_text(lang: Lang) -> tuple[str, str]:
    """The stage ladder from the policy defaults, e.g. 'S1 预警期 (-15…0)'."""
    starts = DEFAULT_POLICY.ladder_from_days
    parts = []
    for n, code in enumerate(i18n.LADDER_CODES):
        low = starts[n - 1] if n else None
        high = starts[n] - 1 if n < len(starts) else None
        if low is None:
            span = f"≤{high}"
        elif high is None:
            span = f"≥{low}"
        else:
            span = f"{low}…{high}"
        parts.append(f"{code} {i18n.STAGE_NAMES[code].get(lang)} ({span})")
    others = [f"{code} {i18n.STAGE_NAMES[code].get(lang)}" for code in i18n.STAGE_CODES
              if code not in i18n.LADDER_CODES]
    return _sep(lang).join(parts), _sep(lang).join(others)


def _instruction_lines(lang: Lang) -> list[tuple[str, str]]:
    """(style, text) pairs; style is 'title', 'section' or 'text'.  Sheet names come from
    `i18n.SHEETS` and the written ones from `REFRESH_SHEETS`, the writer's own list."""
    sheet = {key: label.get(lang) for key, label in i18n.SHEETS.items()}
    led = {key: label.get(lang) for key, label in i18n.LEDGER_COLUMNS.items()}
    cus = {key: label.get(lang) for key, label in i18n.CUSTOMER_COLUMNS.items()}
    pol = {key: label.get(lang) for key, label in i18n.POLICY_COLUMNS.items()}
    required = _sep(lang).join(led[key] for key in LEDGER_REQUIRED)
    statuses = _names(i18n.STATUSES.values(), lang)
    other_statuses = _names(i18n.STATUSES.values(), "en" if lang == "zh" else "zh")
    types = _names(i18n.CUSTOMER_TYPES.values(), lang)
    ratings = ", ".join(DEFAULT_POLICY.rating_order)
    totals = _sep(lang).join(sorted(i18n.TOTAL_ROW_WORDS))
    ladder, others = _ladder_text(lang)
    kt_days = DEFAULT_POLICY["key_target_days"]
    kt_share = f"{(DEFAULT_POLICY['key_target_share'] * 100).normalize():f}%"
    if lang == "zh":
        outputs = "".join(f"【{sheet[key]}】" for key in REFRESH_SHEETS)
        return [
            ("title", "应收账款催收工作簿 · 使用说明"),
            ("text", f"在输入表中填写数据（【{sheet['ledger']}】必需，其余可选），然后运行 xlsx-tools refresh 工作簿.xlsx"
                     f"（可加 --as-of 2026-11-28 指定基准日）；xlsx-tools check 工作簿.xlsx 只检查输入，不写入。"),
            ("section", f"【{sheet['ledger']}】每张发票一行；金额为负数的行是贷项（红字）单据。"),
            ("text", f"必填列（表头加粗、橙色底）：{required}；{led['invoice_no']}不得重复。"
                     f"{led['due_date']}必填，除非填写了{led['terms_days']}（到期日 = {led['invoice_date']} + 账期）。"),
            ("text", f"{led['paid_amount']}留空视为 0；{led['currency']}留空视为 CNY；"
                     f"{led['customer_name']}留空时取自【{sheet['customers']}】。"),
            ("text", f"{led['status']}：留空或 {statuses}（也可用英文 {other_statuses}）。"
                     f"状态为{i18n.STATUSES['hold'].zh}且{led['hold_until']}日期已过的单据恢复正常催收。"),
            ("text", "日期：日期单元格，或文本 2026-11-28、2026/11/28、2026.11.28、2026年11月28日、20261128；"
                     f"{led['due_date']}或{led['hold_until']}填 9999-12-31 表示无期限。"),
            ("text", "金额：数字，或带千位分隔符和 ¥、￥、RMB、CNY 的文本，如 12,345.60、¥8,800.00；"
                     "(1,234.50) 表示负数。金额精确到分。"),
            ("text", f"{led['invoice_no']}为 {totals} 的合计行会被跳过并提示；空行自动跳过；其他列可自由添加。"),
            ("section", f"【{sheet['customers']}】每个客户一行，{cus['customer_id']}必填且唯一。"),
            ("text", f"{cus['customer_type']}：{types}。{cus['credit_rating']}与{cus['previous_rating']}"
                     f"由好到差：{ratings}；本期比上期差即为评级下调。"),
            ("section", f"【{sheet['policy']}】所有阈值、阶段责任人和动作；只修改“{pol['value']}”列。"),
            ("text", "删除本表或留空即使用默认值；as_of 留空表示以今天为基准日；lang 决定输出语言（zh/en）。"),
            *_optional_input_lines(lang),
            ("section", "refresh 写入的结果表（每次整表重写，请勿手工修改；输入表的内容不会被修改）："),
            ("text", f"{outputs}；{sheet['snapshots']}按月、{sheet['weekly']}按周保留历史。"),
            ("text", f"催收阶段（逾期天数）：{ladder}；另有 {others}。"),
            ("text", f"重点催收对象：最长逾期 > {kt_days} 天、未收余额占比 > {kt_share} 且评级下调"
                     f"（阈值见【{sheet['policy']}】）。"),
            ("text", f"有问题的单元格列在【{sheet['issues']}】中（如 D17）；出错的行不参与计算，此时退出码为 1。"),
            *_command_lines(lang),
        ]
    outputs = _sep(lang).join(sheet[key] for key in REFRESH_SHEETS)
    return [
        ("title", "Collections workbook · Instructions"),
        ("text", f"Fill in the input sheets ({sheet['ledger']} is required, the others are optional), then run "
                 f"xlsx-tools refresh WORKBOOK.xlsx (add --as-of 2026-11-28 to fix the as-of date); "
                 f"xlsx-tools check WORKBOOK.xlsx only checks the inputs and writes nothing."),
        ("section", f"{sheet['ledger']}: one row per invoice; a row with a negative amount is a credit note."),
        ("text", f"Required columns (bold, orange header): {required}; {led['invoice_no']} must be unique. "
                 f"{led['due_date']} is required unless {led['terms_days']} is given "
                 f"(due date = {led['invoice_date']} + terms)."),
        ("text", f"Blank {led['paid_amount']} means 0; blank {led['currency']} means CNY; a blank "
                 f"{led['customer_name']} is taken from {sheet['customers']}."),
        ("text", f"{led['status']}: blank or {statuses} (Chinese {other_statuses} also accepted). "
                 f"A {i18n.STATUSES['hold'].en} whose {led['hold_until']} has passed is collected normally again."),
        ("text", "Dates: date cells, or text 2026-11-28, 2026/11/28, 2026.11.28, 2026年11月28日, 20261128; "
                 f"9999-12-31 in {led['due_date']} or {led['hold_until']} means open-ended."),
        ("text", "Amounts: numbers, or text with thousands separators and ¥, ￥, RMB or CNY, such as 12,345.60 "
                 "or ¥8,800.00; (1,234.50) is negative. Amounts are exact to the cent."),
        ("text", f"Rows whose {led['invoice_no']} reads {totals} are total rows and are skipped with a warning; "
                 f"blank rows are skipped; extra columns are allowed."),
        ("section", f"{sheet['customers']}: one row per customer; {cus['customer_id']} is required and unique."),
        ("text", f"{cus['customer_type']}: {types}. {cus['credit_rating']} and {cus['previous_rating']}, best "
                 f"first: {ratings}; a rating worse than the previous one is a downgrade."),
        ("section", f"{sheet['policy']}: every threshold, stage owner and action; "
                    f"edit the {pol['value']} column only."),
        ("text", "Delete the sheet or leave a value blank to use the default; blank as_of means today; "
                 "lang (zh/en) sets the language of the written sheets."),
        *_optional_input_lines(lang),
        ("section", "Sheets written by refresh (rewritten in full each time; do not edit them; input sheets are "
                    "never changed):"),
        ("text", f"{outputs}; {sheet['snapshots']} keeps every month and {sheet['weekly']} every week."),
        ("text", f"Stages (days past due): {ladder}; also {others}."),
        ("text", f"Key target: max days past due > {kt_days}, share of the open balance > {kt_share} and a "
                 f"downgraded rating (thresholds in {sheet['policy']})."),
        ("text", f"Problems are listed in {sheet['issues']} with their cell (e.g. D17); rows with an error are left "
                 f"out and the exit code is 1."),
        *_command_lines(lang),
    ]


def _command_lines(lang: Lang) -> list[tuple[str, str]]:
    """The other commands: letters, the monthly report and the group view."""
    sheet = {key: label.get(lang) for key, label in i18n.SHEETS.items()}
    log = {key: label.get(lang) for key, label in i18n.LETTER_LOG_COLUMNS.items()}
    if lang == "zh":
        group = "".join(f"【{sheet[key]}】" for key in GROUP_SHEETS)
        return [
            ("section", "其他命令："),
            ("text", f"xlsx-tools letters 工作簿.xlsx --out 文件夹：生成各阶段函件（公司信息填在【{sheet['company']}】，"
                     f"复盘案例填在【{sheet['cases']}】），每份在【{sheet['letters']}】追加一行；寄出后请填写"
                     f"{log['sent_date']}、{log['delivered_date']}和{log['tracking_no']}（送达记录是诉讼时效中断的证据）。"),
            ("text", "xlsx-tools report 工作簿.xlsx：刷新后在工作簿旁生成经理例会用的月报（PDF 及 Word 副本）。"),
            ("text", f"xlsx-tools group 工作簿… --out 集团.xlsx：汇总多家子公司的工作簿（只读，不改动它们），"
                     f"在 --out 工作簿中写入{group}。"),
        ]
    group = _sep(lang).join(sheet[key] for key in GROUP_SHEETS)
    return [
        ("section", "Other commands:"),
        ("text", f"xlsx-tools letters WORKBOOK.xlsx --out FOLDER writes the letters the stages call for (company data "
                 f"in {sheet['company']}, case reviews in {sheet['cases']}) and appends a row per letter to "
                 f"{sheet['letters']}; after posting, fill in {log['sent_date']}, {log['delivered_date']} and "
                 f"{log['tracking_no']} (proof of delivery interrupts the limitation period)."),
        ("text", "xlsx-tools report WORKBOOK.xlsx refreshes, then writes the managers' monthly report (PDF and a "
                 "Word copy) next to the workbook."),
        ("text", f"xlsx-tools group BOOKS... --out GROUP.xlsx reads many subsidiaries' workbooks (without changing "
                 f"them) and writes {group} into the --out workbook."),
    ]


#: The Instructions column fits the printable width of A4 portrait (margins 0.4 in) on its own:
#: fitting to one page wide is set as well, but LibreOffice never shrinks a single column that is
#: wider than the page, it cuts it (80 widths are ~420 pt with Calibri, ~500 pt with LibreOffice's
#: wider fallback font, of 537 pt).
INSTRUCTION_WIDTH = 80
INSTRUCTION_SIDE_MARGIN = 0.4
LINE_HEIGHT = 15
#: Printable height of an A4 portrait page with the margins of `set_print_setup` (0.6 in top,
#: 0.7 in bottom), in points: where a page of rows at 100% ends.
A4_PORTRAIT_PRINT_HEIGHT = 841.9 - (0.6 + 0.7) * 72


#: Widths, in Excel column-width units, of a wide (CJK) and a narrow character of 11-point text,
#: rounded up (Calibri, DengXian and LibreOffice's substitutes), so that a row is rather too tall than cut.
WIDE_CHAR, NARROW_CHAR = 2.0, 0.9
_WRAP_TOKENS = re.compile(r"[\u2e80-\uffef]|[^\s\u2e80-\uffef]+\s*|\s+")


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` units wide: words fill a line
    until the next does not fit (a wide character can start a line anywhere)."""
    lines, used = 1, 0.0
    for token in _WRAP_TOKENS.findall(text):
        size = sum(WIDE_CHAR if unicodedata.east_asian_width(ch) in "WF" else NARROW_CHAR for ch in token.rstrip())
        if used and used + size > width:
            lines, used = lines + 1, 0.0
        while size > width:                       # a word longer than the line breaks inside
            lines, size = lines + 1, size - width
        used += size + NARROW_CHAR * (len(token) - len(token.rstrip()))
    return lines


#: Column widths (in characters) that fit the printable width of A4 portrait at 100%; a sheet
#: whose columns add up to more prints landscape (then fitted to one page wide, like the output sheets).
PORTRAIT_COLUMNS = 95
DEFAULT_COLUMN_WIDTH = 8.43


def set_print_setup(ws: Worksheet, landscape: bool | None = None, title_row: bool = True) -> None:
    """Print like the output sheets do (`io.xlsx.sheet_xml`): A4, one page wide, the header row
    repeated on every page (`title_row`) and a footer of sheet name and page / pages.  Landscape
    when the used columns are wider than portrait fits, unless `landscape` says otherwise."""
    if landscape is None:
        widths = (ws.column_dimensions[column_letter(n)].width or DEFAULT_COLUMN_WIDTH
                  for n in range(1, ws.max_column + 1))
        landscape = sum(widths) > PORTRAIT_COLUMNS
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    margins = ws.page_margins
    margins.left = margins.right = 0.5
    margins.top, margins.bottom, margins.header, margins.footer = 0.6, 0.7, 0.3, 0.3
    ws.oddFooter.left.text = FOOTER_LEFT
    ws.oddFooter.right.text = FOOTER_RIGHT
    if title_row:
        ws.print_title_rows = "1:1"


def _write_instructions(ws: Worksheet, lang: Lang) -> None:
    """One wrapped line of text per row; each row as tall as its wrapped lines (Excel and
    LibreOffice keep the default height on open, so long text would overlap the next row);
    printed A4 portrait, fitted to one page wide, no heading left alone at the foot of a page."""
    ws.column_dimensions["A"].width = INSTRUCTION_WIDTH
    ws.sheet_view.showGridLines = False
    headings = []
    for row, (style, text) in enumerate(_instruction_lines(lang), start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = WRAP_TOP
        if style == "title":
            cell.font = TITLE_FONT
            ws.row_dimensions[row].height = 24
        else:
            if style == "section":
                cell.font = SECTION_FONT
                headings.append(row)
            ws.row_dimensions[row].height = LINE_HEIGHT * wrapped_lines(text, INSTRUCTION_WIDTH)
    ws.sheet_properties.tabColor = TAB_INSTRUCTIONS
    set_print_setup(ws, landscape=False, title_row=False)
    ws.page_margins.left = ws.page_margins.right = INSTRUCTION_SIDE_MARGIN
    keep_headings_with_next(ws, headings, A4_PORTRAIT_PRINT_HEIGHT)


def keep_headings_with_next(ws: Worksheet, headings: Iterable[int], page_height: float) -> None:
    """Add a page break before each heading row that would otherwise end a page without the row
    after it (spreadsheets have no "keep with next"); rows are laid out at their set heights."""
    headings = set(headings)
    used = 0.0
    for row in range(1, ws.max_row + 1):
        height = ws.row_dimensions[row].height or LINE_HEIGHT
        below = (ws.row_dimensions[row + 1].height or LINE_HEIGHT) if row < ws.max_row else 0.0
        if row in headings and used and used + height + below > page_height:
            ws.row_breaks.append(Break(id=row - 1))
            used = 0.0
        elif used + height > page_height:
            used = 0.0
        used += height


def _write_header(ws: Worksheet, columns: dict[str, Label], lang: Lang, widths: dict[str, float],
                  required: Iterable[str], conditional: Iterable[str] = ()) -> dict[str, str]:
    """Header row 1, marked and sized; returns key -> column letter (column n is letter n)."""
    required, conditional = set(required), set(conditional)
    letters = {}
    for n, (key, label) in enumerate(columns.items(), start=1):
        letter = column_letter(n)
        letters[key] = letter
        cell = ws.cell(row=1, column=n, value=label.get(lang))
        cell.alignment = HEADER_ALIGN
        cell.border = HEADER_BORDER
        if key in required:
            cell.font, cell.fill = REQUIRED_FONT, REQUIRED_FILL
        elif key in conditional:
            cell.font, cell.fill = REQUIRED_FONT, CONDITIONAL_FILL
        else:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        ws.column_dimensions[letter].width = widths.get(key, 14)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    ws.auto_filter.ref = f"A1:{column_letter(len(columns))}1"
    return letters


def _format_rows(ws: Worksheet, columns: Iterable[int], number_format: str) -> None:
    """Pre-format rows 2..LAST_FORMATTED_ROW so typed entries show as dates/money."""
    for column in columns:
        for row in range(2, LAST_FORMATTED_ROW + 1):
            ws.cell(row=row, column=column).number_format = number_format


def _list_validation(words: Iterable[str], letter: str, prompt_title: str, prompt: str) -> DataValidation:
    """A drop-down list; only a warning on other input, since the reader also accepts
    the other language and aliases (e.g. 国企), and the rating order is editable."""
    formula = '"' + ",".join(words) + '"'
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                                showErrorMessage=True, errorStyle="warning", showInputMessage=True,
                                promptTitle=prompt_title[:32], prompt=prompt[:255],
                                errorTitle=prompt_title[:32], error=prompt[:225])
    validation.add(f"{letter}2:{letter}{LAST_FORMATTED_ROW}")
    return validation


def _excel_day_end(day: dt.date) -> str:
    """The last second of `day` as an Excel formula (date-time cells on that day stay inside)."""
    return f"DATE({day.year},{day.month},{day.day})+TIME(23,59,59)"


def _date_validation(letters: Iterable[str], lang: Lang) -> DataValidation:
    """A soft check (warning only; text dates such as 2026年11月28日 stay allowed) over exactly
    the dates the reader accepts: FIRST_DATE..LAST_DATE."""
    first, last = FIRST_DATE.date(), LAST_DATE.date()
    validation = DataValidation(type="date", operator="between",
                                formula1=f"DATE({first.year},{first.month},{first.day})",
                                formula2=_excel_day_end(last), **_date_warning(lang))
    for letter in letters:
        validation.add(f"{letter}2:{letter}{LAST_FORMATTED_ROW}")
    return validation


def _open_ended_validation(letter: str, lang: Lang) -> DataValidation:
    """The same check where a date in OPEN_ENDED_YEAR (9999-12-31) means "never" (the Ledger's
    OPEN_ENDED_DATES): a date column cannot say "this range or that year", a custom formula can."""
    first, last, cell = FIRST_DATE.date(), LAST_DATE.date(), f"{letter}2"
    formula = (f"OR(AND({cell}>=DATE({first.year},{first.month},{first.day}),{cell}<={_excel_day_end(last)}),"
               f"YEAR({cell})={OPEN_ENDED_YEAR})")
    validation = DataValidation(type="custom", formula1=formula, **_date_warning(lang))
    validation.add(f"{letter}2:{letter}{LAST_FORMATTED_ROW}")
    return validation


def _date_warning(lang: Lang) -> dict:
    message = ("请输入日期，如 2026-11-28；文本日期也可接受。" if lang == "zh"
               else "Enter a date such as 2026-11-28; text dates are also accepted.")
    return {"allow_blank": True, "showErrorMessage": True, "errorStyle": "warning",
            "errorTitle": "日期" if lang == "zh" else "Date", "error": message}


def _write_ledger(ws: Worksheet, lang: Lang) -> None:
    letters = _write_header(ws, i18n.LEDGER_COLUMNS, lang, LEDGER_WIDTHS, LEDGER_REQUIRED, LEDGER_CONDITIONAL)
    position = {key: n for n, key in enumerate(i18n.LEDGER_COLUMNS, start=1)}
    _format_rows(ws, [position[key] for key in LEDGER_MONEY], MONEY_FORMAT)
    _format_rows(ws, [position[key] for key in LEDGER_DATES], DATE_FORMAT)
    _format_rows(ws, [position[key] for key in LEDGER_INTEGERS], INTEGER_FORMAT)
    status_label = i18n.LEDGER_COLUMNS["status"].get(lang)
    words = [label.get(lang) for label in i18n.STATUSES.values()]
    prompt = (f"留空或选择：{'、'.join(words)}" if lang == "zh" else f"Blank or one of: {', '.join(words)}")
    ws.add_data_validation(_list_validation(words, letters["status"], status_label, prompt))
    ws.add_data_validation(_date_validation([letters[key] for key in LEDGER_DATES if key not in OPEN_ENDED_DATES],
                                            lang))
    for key in OPEN_ENDED_DATES:
        ws.add_data_validation(_open_ended_validation(letters[key], lang))
    for n, key in enumerate(i18n.LEDGER_COMPUTED_COLUMNS, start=len(i18n.LEDGER_COLUMNS) + 1):
        ws.column_dimensions[column_letter(n)].width = LEDGER_WIDTHS["due_date"] + 2
    ws.sheet_properties.tabColor = TAB_INPUT


def _write_customers(ws: Worksheet, lang: Lang) -> None:
    letters = _write_header(ws, i18n.CUSTOMER_COLUMNS, lang, CUSTOMER_WIDTHS, CUSTOMER_REQUIRED)
    position = {key: n for n, key in enumerate(i18n.CUSTOMER_COLUMNS, start=1)}
    _format_rows(ws, [position[key] for key in CUSTOMER_MONEY], MONEY_FORMAT)
    _format_rows(ws, [position[key] for key in CUSTOMER_DATES], DATE_FORMAT)
    types = [label.get(lang) for label in i18n.CUSTOMER_TYPES.values()]
    type_label = i18n.CUSTOMER_COLUMNS["customer_type"].get(lang)
    type_prompt = (f"选择：{'、'.join(types)}" if lang == "zh" else f"One of: {', '.join(types)}")
    ws.add_data_validation(_list_validation(types, letters["customer_type"], type_label, type_prompt))
    ratings = list(DEFAULT_POLICY.rating_order)
    for key in CUSTOMER_RATINGS:
        label = i18n.CUSTOMER_COLUMNS[key].get(lang)
        prompt = (f"由好到差：{', '.join(ratings)}" if lang == "zh" else f"Best first: {', '.join(ratings)}")
        ws.add_data_validation(_list_validation(ratings, letters[key], label, prompt))
    ws.add_data_validation(_date_validation([letters[key] for key in CUSTOMER_DATES], lang))
    ws.sheet_properties.tabColor = TAB_INPUT


POLICY_WIDTHS = {"key": 30, "value": 40, "description": 70}


def _write_policy(ws: Worksheet, lang: Lang) -> None:
    """One row per setting; long values and descriptions wrap, each row as tall as its longest
    wrapped cell (kept at the default height they would print over the next row or be cut)."""
    _write_header(ws, i18n.POLICY_COLUMNS, lang, POLICY_WIDTHS, required=("key", "value"))
    for row, setting in enumerate(SETTINGS, start=2):
        # The template's own language is the natural output language.
        default = lang if setting.key == "lang" else setting.default
        key_cell = ws.cell(row=row, column=1, value=setting.key)
        key_cell.fill = KEY_FILL
        key_cell.alignment = Alignment(vertical="top")
        value = format_setting(setting, default) if default is not None else None
        value_cell = ws.cell(row=row, column=2, value=value)
        if setting.kind == "ratio":
            value_cell.number_format = PERCENT_FORMAT
        elif setting.kind == "money":
            value_cell.number_format = MONEY_FORMAT
        elif setting.kind in ("date", "optional_date"):
            value_cell.number_format = DATE_FORMAT
        value_cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        description = setting.description.get(lang)
        ws.cell(row=row, column=3, value=description).alignment = WRAP_TOP
        lines = max(wrapped_lines(str(value or ""), POLICY_WIDTHS["value"]),
                    wrapped_lines(description, POLICY_WIDTHS["description"]))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines
    ws.sheet_properties.tabColor = TAB_POLICY


# ----- letters sheets (issue 3) -----------------------------------------------------------------
TAB_LETTERS = "548235"
CASE_DATES = ("opened", "closed")
CASE_WIDTHS = {"case_no": 14, "customer_id": 12, "customer_name": 30, "opened": 12, "closed": 12, "process": 40,
               "solution": 32, "result": 24, "recovered": 16, "collection_days": 10, "lessons": 40}


def _write_company(ws: Worksheet, lang: Lang) -> None:
    widths = {"key": 20, "value": 48, "description": 40}
    _write_header(ws, i18n.COMPANY_COLUMNS, lang, widths, required=("key", "value"))
    for row, (key, description) in enumerate(i18n.COMPANY_FIELDS.items(), start=2):
        ws.cell(row=row, column=1, value=key).fill = KEY_FILL
        value = ws.cell(row=row, column=2)
        value.number_format = "@"          # account numbers stay text, not 1.00123E+18
        value.alignment = Alignment(horizontal="left")
        ws.cell(row=row, column=3, value=description.get(lang)).alignment = Alignment(wrap_text=True)
        lines = wrapped_lines(description.get(lang), widths["description"])
        if lines > 1:                      # as on Policy: at the default height it prints over the row above
            ws.row_dimensions[row].height = LINE_HEIGHT * lines
    ws.sheet_properties.tabColor = TAB_LETTERS


def _write_cases(ws: Worksheet, lang: Lang) -> None:
    _write_header(ws, i18n.CASE_COLUMNS, lang, CASE_WIDTHS, required=("customer_id",))
    position = {key: n for n, key in enumerate(i18n.CASE_COLUMNS, start=1)}
    _format_rows(ws, [position[key] for key in CASE_DATES], DATE_FORMAT)
    _format_rows(ws, [position["recovered"]], MONEY_FORMAT)
    ws.add_data_validation(_date_validation([column_letter(position[key]) for key in CASE_DATES], lang))
    ws.sheet_properties.tabColor = TAB_LETTERS


def _write_letters_log(ws: Worksheet, lang: Lang) -> None:
    """Headers only: `xlsx-tools letters` appends one row per letter; the clerk fills the dates."""
    from ..present.letter_log import LOG_WIDTHS
    _write_header(ws, i18n.LETTER_LOG_COLUMNS, lang, LOG_WIDTHS, required=("letter_no",))
    ws.sheet_properties.tabColor = TAB_LETTERS


# ----- money and law sheets (issue 5) ------------------------------------------------------------
TAB_MONEY_LAW = "7030A0"
PAYMENT_REQUIRED = ("invoice_no", "date", "amount")
PAYMENT_WIDTHS = {"invoice_no": 16, "date": 12, "amount": 16, "plan_no": 12, "reference": 20}
PLAN_WIDTHS = {"plan_no": 12, "customer_id": 12, "invoices": 30, "total": 16, "signed_date": 12, "first_due": 12,
               "installments": 8, "interval": 10, "interest_free": 10, "daily_rate": 10, "prepayment": 10,
               "plan_type": 10}
EVENT_REQUIRED = ("date", "customer_id", "event")
EVENT_WIDTHS = {"date": 12, "customer_id": 12, "invoices": 30, "event": 16, "evidence": 40}


def _optional_input_lines(lang: Lang) -> list[tuple[str, str]]:
    """The optional input sheets: money and law (issue 5), the Contacts log (issue 11), FX (issue 12)."""
    sheet = {key: label.get(lang) for key, label in i18n.SHEETS.items()}
    rate = i18n.LEDGER_RATE_COLUMNS["interest_rate"].get(lang)
    five_c = _names(i18n.FIVE_C_COLUMNS.values(), lang)
    low, high = DEFAULT_POLICY["plan_installments_min"], DEFAULT_POLICY["plan_installments_max"]
    multiplier = format(DEFAULT_POLICY["lpr_multiplier"].normalize(), "f")
    if lang == "zh":
        return [
            ("section", "可选输入表（可删除；缺少或为空即视为没有这类数据）："),
            ("text", f"【{sheet['payments']}】每笔收款一行（填写后已收金额和逾期利息按实际收款计算）；"
                     f"【{sheet['plans']}】每个分期/展期方案一行（{low}–{high} 期）；"
                     f"【{sheet['events']}】催款送达、债务确认、起诉等法律事件（用于诉讼时效）。"),
            ("text", f"【{sheet['contacts']}】每次催收联络一行（时间、客户、渠道、结果；承诺还款须填承诺日和金额），"
                     f"用于今日待办、承诺跟踪和合规检查。【{sheet['fx']}】外币对人民币汇率（币种、日期、汇率），"
                     f"外币单据按基准日汇率折算汇总。"),
            ("text", f"逾期利息默认按到期次日适用的一年期LPR×{multiplier}、实际天数/365 计算，LPR 历史及各比例均可在"
                     f"【{sheet['policy']}】修改；{sheet['ledger']}可加“{rate}”列，{sheet['customers']}可加 5C 评分列"
                     f"（{five_c}，1–5 分）。坏账准备比例为示例，请按企业测算调整。"),
        ]
    return [
        ("section", "Optional input sheets (delete them or leave them empty when there is no such data):"),
        ("text", f"{sheet['payments']}, one row per payment (then paid amounts and interest follow the actual "
                 f"payments); {sheet['plans']}, one row per installment or extension plan ({low}-{high} "
                 f"installments); {sheet['events']}, demands delivered, acknowledgements, suits and other legal "
                 f"events (for the limitation period)."),
        ("text", f"{sheet['contacts']}, one row per contact attempt (time, customer, channel, outcome; a promise "
                 f"needs its date and amount), for today's calls, promise tracking and the compliance check. "
                 f"{sheet['fx']}, rates to CNY by currency and date: foreign-currency rows are totalled in CNY at "
                 f"the as-of date's rate."),
        ("text", f"Overdue interest defaults to {multiplier} × the one-year LPR in force the day after the due date, "
                 f"actual days / 365; the LPR history and every rate can be edited in {sheet['policy']}. "
                 f"{sheet['ledger']} may carry an '{rate}' column and {sheet['customers']} 5C score columns "
                 f"({five_c}, 1-5). Provision rates are examples: calibrate them."),
    ]


def _write_payments(ws: Worksheet, lang: Lang) -> None:
    letters = _write_header(ws, i18n.PAYMENT_COLUMNS, lang, PAYMENT_WIDTHS, PAYMENT_REQUIRED)
    position = {key: n for n, key in enumerate(i18n.PAYMENT_COLUMNS, start=1)}
    _format_rows(ws, [position["date"]], DATE_FORMAT)
    _format_rows(ws, [position["amount"]], MONEY_FORMAT)
    ws.add_data_validation(_date_validation([letters["date"]], lang))
    ws.sheet_properties.tabColor = TAB_MONEY_LAW


FX_WIDTHS = {"currency": 10, "date": 12, "rate": 16}


def _write_fx(ws: Worksheet, lang: Lang) -> None:
    """The FX · 汇率 sheet (issue 12): one rate to CNY per currency and date."""
    letters = _write_header(ws, i18n.FX_COLUMNS, lang, FX_WIDTHS, ("currency", "date", "rate"))
    position = {key: n for n, key in enumerate(i18n.FX_COLUMNS, start=1)}
    _format_rows(ws, [position["date"]], DATE_FORMAT)
    _format_rows(ws, [position["rate"]], "0.0000##")
    ws.add_data_validation(_date_validation([letters["date"]], lang))
    ws.sheet_properties.tabColor = TAB_MONEY_LAW


def _write_plans(ws: Worksheet, lang: Lang) -> None:
    letters = _write_header(ws, i18n.PLAN_COLUMNS, lang, PLAN_WIDTHS, PLAN_REQUIRED)
    position = {key: n for n, key in enumerate(i18n.PLAN_COLUMNS, start=1)}
    _format_rows(ws, [position["total"]], MONEY_FORMAT)
    _format_rows(ws, [position["signed_date"], position["first_due"]], DATE_FORMAT)
    _format_rows(ws, [position[key] for key in ("installments", "interval", "interest_free")], INTEGER_FORMAT)
    _format_rows(ws, [position["daily_rate"], position["prepayment"]], PERCENT_FORMAT)
    words = [label.get(lang) for label in i18n.PLAN_TYPES.values()]
    prompt = (f"留空为分期，或选择：{'、'.join(words)}" if lang == "zh" else f"Blank = installment, or: {', '.join(words)}")
    ws.add_data_validation(_list_validation(words, letters["plan_type"], i18n.PLAN_COLUMNS["plan_type"].get(lang),
                                            prompt))
    ws.add_data_validation(_date_validation([letters["signed_date"], letters["first_due"]], lang))
    ws.sheet_properties.tabColor = TAB_MONEY_LAW


def _write_events(ws: Worksheet, lang: Lang) -> None:
    letters = _write_header(ws, i18n.EVENT_COLUMNS, lang, EVENT_WIDTHS, EVENT_REQUIRED)
    position = {key: n for n, key in enumerate(i18n.EVENT_COLUMNS, start=1)}
    _format_rows(ws, [position["date"]], DATE_FORMAT)
    words = [label.get(lang) for label in i18n.EVENT_TYPES.values()]
    prompt = (f"选择：{'、'.join(words)}" if lang == "zh" else f"One of: {', '.join(words)}")
    ws.add_data_validation(_list_validation(words, letters["event"], i18n.EVENT_COLUMNS["event"].get(lang), prompt))
    ws.add_data_validation(_date_validation([letters["date"]], lang))
    ws.sheet_properties.tabColor = TAB_MONEY_LAW


# ----- the collector's week (issue 11): the Contacts · 联络记录 input sheet -----
CONTACT_REQUIRED = ("contact_time", "customer_id", "channel", "outcome")
CONTACT_CONDITIONAL = ("promised_date", "promised_amount")
CONTACT_WIDTHS = {"contact_time": 17, "customer_id": 12, "contact_person": 12, "relation": 16, "connected": 10,
                  "outcome": 14, "promised_date": 12, "promised_amount": 14, "invoice_no": 14, "note": 40}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TAB_CONTACTS = "70AD47"


def _write_contacts(ws: Worksheet, lang: Lang) -> None:
    """The collector's diary: drop-down lists for the coded columns, date-time contact times."""
    letters = _write_header(ws, i18n.CONTACT_COLUMNS, lang, CONTACT_WIDTHS, CONTACT_REQUIRED, CONTACT_CONDITIONAL)
    position = {key: n for n, key in enumerate(i18n.CONTACT_COLUMNS, start=1)}
    _format_rows(ws, [position["contact_time"]], DATETIME_FORMAT)
    _format_rows(ws, [position["promised_date"]], DATE_FORMAT)
    _format_rows(ws, [position["promised_amount"]], MONEY_FORMAT)
    for key, codes in (("channel", i18n.CHANNELS), ("relation", i18n.RELATIONS), ("connected", i18n.CONNECTED),
                       ("outcome", i18n.OUTCOMES)):
        words = [label.get(lang) for label in codes.values()]
        prompt = (f"选择：{'、'.join(words)}" if lang == "zh" else f"One of: {', '.join(words)}")
        ws.add_data_validation(_list_validation(words, letters[key], i18n.CONTACT_COLUMNS[key].get(lang), prompt))
    ws.add_data_validation(_date_validation([letters["contact_time"], letters["promised_date"]], lang))
    ws.sheet_properties.tabColor = TAB_CONTACTS


def build_template(lang: Lang = "zh") -> Workbook:
    """A fresh collections workbook: Instructions, Ledger, Customers, Policy, Company, Cases, Letters."""
    if lang not in i18n.LANGS:
        raise ValueError(f"lang must be one of {i18n.LANGS}, got {lang!r}")
    wb = Workbook()
    instructions = wb.active
    instructions.title = i18n.SHEETS["instructions"].get(lang)
    _write_instructions(instructions, lang)
    _write_ledger(wb.create_sheet(i18n.SHEETS["ledger"].get(lang)), lang)
    _write_customers(wb.create_sheet(i18n.SHEETS["customers"].get(lang)), lang)
    _write_policy(wb.create_sheet(i18n.SHEETS["policy"].get(lang)), lang)
    _write_company(wb.create_sheet(i18n.SHEETS["company"].get(lang)), lang)
    _write_cases(wb.create_sheet(i18n.SHEETS["cases"].get(lang)), lang)
    _write_letters_log(wb.create_sheet(i18n.SHEETS["letters"].get(lang)), lang)
    _write_payments(wb.create_sheet(i18n.SHEETS["payments"].get(lang)), lang)
    _write_plans(wb.create_sheet(i18n.SHEETS["plans"].get(lang)), lang)
    _write_events(wb.create_sheet(i18n.SHEETS["events"].get(lang)), lang)
    _write_contacts(wb.create_sheet(i18n.SHEETS["contacts"].get(lang)), lang)
    _write_fx(wb.create_sheet(i18n.SHEETS["fx"].get(lang)), lang)
    add_policy_names(wb, lang)
    add_aging_columns(wb[i18n.SHEETS["ledger"].get(lang)], lang, last_row=2)
    for ws in wb.worksheets[1:]:        # the Instructions have their own
        set_print_setup(ws)
    wb.active = 1  # open on the Ledger
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == wb.active.title
    wb.properties.creator = "xlsx_tools"
    wb.properties.lastModifiedBy = "xlsx_tools"
    wb.properties.title = ("应收账款催收工作簿" if lang == "zh" else "Collections workbook")
    wb.properties.language = "zh-CN" if lang == "zh" else "en-US"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    return wb


def save_workbook(wb: Workbook, path: str | PathLike[str]) -> Path:
    """Save reproducibly and atomically: fixed zip timestamps, the workbook's own
    created/modified properties (openpyxl's `save` would stamp 'now'), then a rename."""
    target = Path(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    stamp = (wb.properties.modified or FIXED_TIMESTAMP).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            out.writestr(entry, source.read(info.filename))
    return write_bytes(target, fixed.getvalue())


def write_template(path: str | PathLike[str], lang: Lang = "zh") -> Path:
    """Write a fresh template to `path` (overwriting it) and return the path."""
    return save_workbook(build_template(lang), path)
