"""A Ledger that ages itself without Python: three native formula columns and their names.

After the input columns the Ledger table gets Days Past Due 逾期天数, Aging Bucket 账龄区间
and Stage 催收阶段, computed by plain worksheet formulas from the Policy sheet through
defined names (XT_AS_OF, XT_LADDER_1..5, XT_EDGE_1..10, XT_BUCKET_0..10, XT_TOLERANCE, XT_EN):

* the as-of date is the Policy's ``as_of`` or, when blank, ``TODAY()``;
* the ladder and the bucket edges are split out of the Policy's ``ladder_from_days`` and
  ``bucket_edges`` texts, so editing the Policy makes the columns follow;
* the stage applies the same order as the stage pass: written-off or nothing open ->
  CLOSED, credit note -> CREDIT, litigation -> S5, disputed or hold (until a date not yet
  passed) -> HOLD, plan -> PLAN, else the ladder.  (A plan listed only on the Plans sheet is
  the plan pass's business: these columns see one row.)
* dates and amounts are read as the ledger reader reads the common forms: date cells, text
  such as 2026/10/01, 2026年10月1日, 20261001 or 2026.10.01; amounts as numbers or text with
  thousands separators, ¥, ￥, RMB, CNY (any case) or 元, such as ¥1,234.50, RMB 1,234.50 or
  1，234.50元, and (12.00) for a negative.  A row the formulas cannot read shows blank cells.

Only functions that Excel 2010+ and LibreOffice 7 both have are used (no XLOOKUP, LET or
IFS), so LibreOffice can recalculate them (tests/e2e/test_ledger_formulas.py).  The refresh
never reads these columns (their headers are no input column) and never writes them.
"""
from __future__ import annotations

from copy import copy

from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableColumn, TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..core import i18n
from ..core.i18n import Lang
from ..core.tables import column_letter

__all__ = ["LEDGER_TABLE", "MAX_BUCKET_EDGES", "add_aging_columns", "add_policy_names", "row_formulas"]

LEDGER_TABLE = "Ledger"
MAX_BUCKET_EDGES = 10
_BIG = "9E+99"
COMPUTED_FILL = PatternFill("solid", fgColor="D9D9D9")                      # an edge beyond any ledger: the bucket list has ended


def _policy_value(policy_sheet: str, key: str) -> str:
    sheet = "'" + policy_sheet.replace("'", "''") + "'"
    return f'INDEX({sheet}!$B:$B,MATCH("{key}",{sheet}!$A:$A,0))'


def _list_text(policy_sheet: str, key: str) -> str:
    """The Policy list with 、 and ， read as commas (as the Policy reader does)."""
    return f'SUBSTITUTE(SUBSTITUTE({_policy_value(policy_sheet, key)},"，",","),"、",",")'


def _nth(list_name: str, n: int) -> str:
    return f'VALUE(TRIM(MID(SUBSTITUTE({list_name},",",REPT(" ",99)),{n * 99 - 98},99)))'


def _names(policy_sheet: str) -> dict[str, str]:
    """Defined name -> formula (without '=')."""
    names = {
        "XT_POLICY_AS_OF": _policy_value(policy_sheet, "as_of"),
        "XT_AS_OF": "IF(ISNUMBER(XT_POLICY_AS_OF),INT(XT_POLICY_AS_OF),IFERROR(DATEVALUE(XT_POLICY_AS_OF),TODAY()))",
        "XT_EN": f'OR(LOWER(TRIM({_policy_value(policy_sheet, "lang")}))={{"en","english","英文"}})',
        "XT_TOLERANCE": f'IFERROR(ROUND(VALUE({_policy_value(policy_sheet, "closed_tolerance")}),2),0)',
        "XT_LADDER": _list_text(policy_sheet, "ladder_from_days"),
        "XT_EDGES": _list_text(policy_sheet, "bucket_edges"),
        "XT_BUCKET_0": f'IF(XT_EN,"{i18n.BUCKET_NOT_DUE.en}","{i18n.BUCKET_NOT_DUE.zh}")',
    }
    for n in range(1, 6):
        names[f"XT_LADDER_{n}"] = _nth("XT_LADDER", n)
    for n in range(1, MAX_BUCKET_EDGES + 1):
        names[f"XT_EDGE_{n}"] = f"IFERROR({_nth('XT_EDGES', n)},{_BIG})"
    for n in range(1, MAX_BUCKET_EDGES + 1):
        low, high = f"XT_EDGE_{n}", f"XT_EDGE_{n + 1}" if n < MAX_BUCKET_EDGES else _BIG
        # the labels of i18n.bucket_labels: "31-60" / "31-60天", and after the last edge ">365" / "365天以上"
        names[f"XT_BUCKET_{n}"] = (f'IF({high}>={_BIG},IF(XT_EN,">"&{low},{low}&"天以上"),'
                                   f'({low}+1)&"-"&{high}&IF(XT_EN,"","天"))')
    return names


def add_policy_names(wb: Workbook, lang: Lang) -> None:
    """The workbook-level names the formula columns read the Policy through."""
    for name, formula in _names(i18n.SHEETS["policy"].get(lang)).items():
        wb.defined_names[name] = DefinedName(name, attr_text=formula)


def _date(cell: str) -> str:
    """A date cell or date text as a serial day; an error when unreadable."""
    text = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({cell}),"年","-"),"月","-"),"日",""),"/","-"),".","-")'
    part = [f'VALUE(TRIM(MID(SUBSTITUTE({text},"-",REPT(" ",99)),{n * 99 - 98},99)))' for n in (1, 2, 3)]
    compact = f"DATE(LEFT({text},4),MID({text},5,2),MID({text},7,2))"
    return (f'IF(ISNUMBER({cell}),INT({cell}),IF(ISERROR(FIND("-",{text})),{compact},'
            f'DATE({part[0]},{part[1]},{part[2]})))')


# What the ledger reader drops from amount text (core.cells._MONEY_NOISE), in upper case:
# spaces (also no-break and ideographic), commas (also full-width), ¥, ￥, RMB, CNY and 元.
_MONEY_NOISE = (" ", "\u00a0", "\u3000", ",", "，", "¥", "￥", "RMB", "CNY", "元")


def _money(cell: str) -> str:
    """An amount cell or amount text (1,234.50, RMB 1,234.50, cny1234.5, 1,234.50元, (12.00)) in
    yuan; blank is 0.  UPPER first, as SUBSTITUTE is case-sensitive."""
    text = f"UPPER({cell})"
    for noise in _MONEY_NOISE:
        text = f'SUBSTITUTE({text},"{noise}","")'
    return (f'ROUND(IF(ISNUMBER({cell}),{cell},IF(TRIM({cell})="",0,'
            f'IF(LEFT({text},1)="(",-VALUE(MID({text},2,LEN({text})-2)),VALUE({text})))),2)')


def _status_is(cell: str, code: str) -> str:
    words = ",".join(f'"{word.lower()}"' for word in i18n.STATUSES[code].both())
    return f"OR(LOWER(TRIM({cell}))={{{words}}})"


def row_formulas(letters: dict[str, str], row: int) -> dict[str, str]:
    """The three formulas of one Ledger row, keyed days_past_due, bucket, stage."""
    cell = {key: f"${letter}{row}" for key, letter in letters.items()}
    days = cell["days_past_due"]
    due = (f'IF(TRIM({cell["due_date"]}&"")<>"",{_date(cell["due_date"])},'
           f'{_date(cell["invoice_date"])}+VALUE({cell["terms_days"]}))')
    edges = "+".join(f"({days}>XT_EDGE_{n})" for n in range(1, MAX_BUCKET_EDGES + 1))
    buckets = ",".join(f"XT_BUCKET_{n}" for n in range(0, MAX_BUCKET_EDGES + 1))
    amount, paid = _money(cell["amount"]), _money(cell["paid_amount"])
    open_amount = f"({amount}-{paid})"
    # a credit note while open: amount < 0 and open amount < 0, i.e. amount - MIN(0, paid) < 0,
    # which reads each amount once (the formula must stay under Excel's 8,192 characters)
    credit = f"({amount}-MIN(0,{paid})<0)"
    written_off = _status_is(cell["status"], "written_off")
    hold_until = cell["hold_until"]
    on_hold = (f'OR({_status_is(cell["status"], "disputed")},AND({_status_is(cell["status"], "hold")},'
               f'OR(TRIM({hold_until}&"")="",IFERROR({_date(hold_until)}>=XT_AS_OF,FALSE))))')
    ladder = "+".join(f"({days}>=XT_LADDER_{n})" for n in range(1, 6))
    stage = (f'IF(OR({days}="",TRIM({cell["amount"]}&"")=""),"",IFERROR('
             f'IF(OR({written_off},{credit}),IF({written_off},"CLOSED","CREDIT"),'
             f'IF({open_amount}<=XT_TOLERANCE,"CLOSED",IF({_status_is(cell["status"], "litigation")},"S5",'
             f'IF({on_hold},"HOLD",IF({_status_is(cell["status"], "plan")},"PLAN","S"&({ladder})))))),""))')
    return {
        "days_past_due": f'=IFERROR(XT_AS_OF-({due}),"")',
        "bucket": f'=IF({days}="","",CHOOSE(1+{edges},{buckets}))',
        "stage": "=" + stage,
    }


def add_aging_columns(ws: Worksheet, lang: Lang, last_row: int) -> None:
    """Headers and formulas after the input columns, and the Ledger as an Excel Table
    (header row 1 to `last_row`, at least one data row) whose three columns are calculated."""
    inputs = list(i18n.LEDGER_COLUMNS)
    computed = list(i18n.LEDGER_COMPUTED_COLUMNS)
    letters = {key: column_letter(n) for n, key in enumerate(inputs + computed, start=1)}
    last_row = max(last_row, 2)
    first = len(inputs) + 1
    model = ws.cell(row=1, column=first - 1)          # the last input header: same font, border, alignment
    for offset, key in enumerate(computed):
        cell = ws.cell(row=1, column=first + offset, value=i18n.LEDGER_COMPUTED_COLUMNS[key].get(lang))
        cell.font, cell.border, cell.alignment = copy(model.font), copy(model.border), copy(model.alignment)
        cell.fill = COMPUTED_FILL                      # grey: computed, not for typing
    for row in range(2, last_row + 1):
        for offset, (key, formula) in enumerate(row_formulas(letters, row).items()):
            ws.cell(row=row, column=first + offset, value=formula)
        ws.cell(row=row, column=first).number_format = "0"      # days, not a date
    ws.auto_filter.ref = None            # the table has its own filter buttons
    if LEDGER_TABLE in ws.tables:        # the template's one-row table, grown to the data
        del ws.tables[LEDGER_TABLE]
    columns = [TableColumn(id=n, name=str(ws.cell(row=1, column=n).value)) for n in range(1, len(letters) + 1)]
    for column, formula in zip(columns[first - 1:], row_formulas(letters, 2).values()):
        column.calculatedColumnFormula = TableFormula(attr_text=formula[1:])
    table = Table(displayName=LEDGER_TABLE, ref=f"A1:{letters[computed[-1]]}{last_row}", tableColumns=columns,
                  tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True))
    ws.add_table(table)
