"""The macro-enabled templates (`collections_{zh,en}.xlsm`), built on any OS without Excel.

`build_macro_workbook(lang)` starts from the same workbook as the `.xlsx` template
(`templates.build_template`) and adds:

* a **Control** sheet (控制面板) with five form-control buttons (Refresh / Generate letters /
  Check / Today's calls / Monthly report, captions in both languages) wired to the Subs of `macros/XlsxTools.bas`.  The
  buttons are not on the Priority sheet: Priority is rewritten on every refresh, and the
  file adapter drops a rewritten sheet's drawings, so the buttons would vanish.  No code
  writes to the Control sheet;
* an **xlwings.conf** sheet (the settings xlwings reads: `Interpreter_Win`, `UDF Modules` …);
* `xl/vbaProject.bin`, compiled by `io.vba` from the `macros/*.bas` text;
* `codeName`s: `ThisWorkbook` on the workbook, and one per sheet that the tool never
  rewrites, each with its (empty) document module, so the VBA project matches its sheets.

The buttons are legacy form controls written as Excel 2010+ writes them: a VML shape with
`x:ClientData ObjectType="Button"` and `x:FmlaMacro` (what every Excel version reads), an
`x14` `<control>` entry with its `ctrlProp` part, and the hidden DrawingML placeholder
(`a14:compatExt`) that points back to the VML shape.

The output is reproducible: the same sources give byte-identical files (fixed zip
timestamps and document properties).  `write_templates` writes the four templates
(`.xlsx` and `.xlsm`, both languages) — `xlsx-tools build-templates`.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook
from openpyxl.writer.excel import ExcelWriter

from ..core import i18n
from ..core.i18n import LANGS, Label, Lang
from ..io.atomic import write_bytes
from ..io.vba import VbaModule, build_vba_project, read_bas
from ..io.xlsx.opc import NS_CT, NS_MAIN, NS_PR, NS_R
from .templates import (DEFAULT_COLUMN_WIDTH, FIXED_TIMESTAMP, LINE_HEIGHT, build_template, set_print_setup,
                        wrapped_lines, write_template)
from ..present import texts
from ..present.sheets import REFRESH_SHEETS

__all__ = ["Button", "BUTTONS", "MACROS_DIR", "TEMPLATES_DIR", "build_macro_workbook", "read_macros",
           "write_templates", "template_paths", "XLWINGS_SETTINGS", "CONTROL_CODENAME"]

ROOT = Path(__file__).resolve().parents[2]
MACROS_DIR = ROOT / "macros"
TEMPLATES_DIR = ROOT / "workbook_templates"  # the checkout's folder, which the builder rewrites
UDF_MODULE = "xlsx_tools.excel.functions"
#: The interpreter docs/windows-setup.md installs into (xlwings expands %VARIABLES%).
DEFAULT_INTERPRETER = r"%USERPROFILE%\xlsx-tools\.venv\Scripts\python.exe"
CONTROL_CODENAME = "shControl"
#: Sheets the tool rewrites (refresh output, the appended Letters log): no codeName, no module.
TOOL_WRITTEN = frozenset({*REFRESH_SHEETS, "letters"})

NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_A14 = "http://schemas.microsoft.com/office/drawing/2010/main"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
RT_DRAWING = NS_R + "/drawing"
RT_VML = NS_R + "/vmlDrawing"
RT_CTRL_PROP = NS_R + "/ctrlProp"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CTRL_PROP = "application/vnd.ms-excel.controlproperties+xml"
COMPAT_EXT_URI = "{63B3BB69-23CF-44E3-9099-C40C66FF867C}"

# Default column width 8.43 characters = 64 px, default row height 15 pt = 20 px.
COLUMN_PX, ROW_PX = 64, 20
VML_SHAPE_BASE = 1024          # o:idmap data="1" -> shape ids 1025, 1026, ...


@dataclass(frozen=True)
class Button:
    macro: str                 # a Public Sub of macros/XlsxTools.bas
    caption: Label
    description: Label
    first_row: int             # 0-based anchor (top-left) row; the button spans 3 rows
    first_col: int = 1         # column B; the button spans 3 columns

    @property
    def last_row(self) -> int:
        return self.first_row + 3

    @property
    def last_col(self) -> int:
        return self.first_col + 3

    def text(self, lang: Lang) -> str:
        other: Lang = "en" if lang == "zh" else "zh"
        return f"{self.caption.get(lang)} · {self.caption.get(other)}"


BUTTONS: tuple[Button, ...] = (
    Button("XT_Refresh", Label("Refresh", "刷新"),
           Label("Recompute and rewrite Priority, Detail, Aging, Snapshots and Issues (input sheets are never changed).",
                 "重新计算并写入催收优先级、账龄明细、账龄分析、月度快照和问题工作表（不改动输入工作表）。"), 3),
    Button("XT_GenerateLetters", Label("Generate letters", "生成函件"),
           Label("Write the letters the stages call for into the letters folder next to this workbook, log them in "
                 "the Letters sheet and save the workbook.",
                 "按催收阶段生成函件到本工作簿旁的函件文件夹，记入函件记录工作表并保存工作簿。"), 7),
    Button("XT_Check", Label("Check", "检查"),
           Label("Check the input sheets and list the problems; nothing is written.",
                 "检查输入工作表并列出问题；不写入任何内容。"), 11),
    Button("XT_TodayCalls", Label("Today's calls", "今日待办"),
           Label("Refresh, then open the Calls sheet: the customers to contact today, with channel and script.",
                 "刷新后打开今日待办工作表：今天要联络的客户及建议渠道和话术。"), 15),
    Button("XT_MonthlyReport", Label("Monthly report", "月报"),
           Label("Refresh, then write the month's report for the managers' meeting (PDF and a Word copy) next to "
                 "this workbook.",
                 "刷新后在本工作簿旁生成经理例会用的月报（PDF 及 Word 副本）。"), 19),
)

#: The xlwings.conf sheet, from A1 down, as xlwings documents it (key in A, value in B).
XLWINGS_SETTINGS: tuple[tuple[str, object], ...] = (
    ("Interpreter_Win", DEFAULT_INTERPRETER),
    ("Interpreter_Mac", None),
    ("PYTHONPATH", None),
    ("Conda Path", None),
    ("Conda Env", None),
    ("UDF Modules", UDF_MODULE),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)


def template_paths(folder: str | PathLike[str] = TEMPLATES_DIR) -> list[Path]:
    base = Path(folder)
    return [base / f"collections_{lang}.{ext}" for lang in LANGS for ext in ("xlsx", "xlsm")]


# ---------------------------------------------------------------- macros
def read_macros(folder: str | PathLike[str] = MACROS_DIR) -> list[VbaModule]:
    """The VBA modules of `macros/*.bas` (ThisWorkbook as the workbook's document module)."""
    paths = sorted(Path(folder).glob("*.bas"))
    if not paths:
        raise FileNotFoundError(f"no .bas files in {folder}")
    modules = []
    for path in paths:
        module = read_bas(path)
        if module.name == "ThisWorkbook":
            module = VbaModule(module.name, module.source, "document")
        modules.append(module)
    return modules


# ---------------------------------------------------------------- sheets
def _sheet_key(title: str) -> str | None:
    for key, label in i18n.SHEETS.items():
        if title in label.both():
            return key
    return None


def _code_name(title: str, n: int) -> str:
    key = _sheet_key(title)
    if key is None:
        return f"Sheet{n}"
    return "sh" + "".join(part.title() for part in key.split("_"))


def _write_control(ws, lang: Lang) -> None:
    other: Lang = "en" if lang == "zh" else "zh"
    title = ws.cell(row=1, column=1, value=f"{texts.CONTROL_SHEET.get(lang)} · {texts.CONTROL_SHEET.get(other)}")
    title.font = Font(bold=True, size=14)
    intro = {
        "zh": "按下按钮即在本工作簿上运行 xlsx_tools。需要 Python（装有 xlsx_tools）和 Excel 的 xlwings 加载项，"
              "设置步骤见 docs/windows-setup.md；其他工作表和命令行 xlsx-tools 不依赖这些。",
        "en": "The buttons run xlsx_tools on this workbook. They need Python (with xlsx_tools) and the xlwings "
              "Excel add-in, set up as in docs/windows-setup.md; the other sheets and the xlsx-tools command line "
              "work without them.",
    }[lang]
    _wrapped_row(ws, 2, intro)
    for button in BUTTONS:
        cell = ws.cell(row=button.first_row + 1, column=button.last_col + 2, value=button.description.get(lang))
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=button.first_row + 1, end_row=button.last_row,
                       start_column=button.last_col + 2, end_column=button.last_col + 2)
    notes_row = BUTTONS[-1].last_row + 2
    notes = {
        "zh": [
            "工作表函数（“导入函数”后可用）：XT_DAYS_PAST_DUE, XT_BUCKET, XT_STAGE, XT_STAGE_NAME, XT_NEXT_ACTION, "
            "XT_RMB_UPPER, XT_AGING_TABLE, XT_PRIORITY, XT_LAST_CONTACT, XT_PROMISE_STATUS。",
            "Python 的位置和函数模块在 xlwings.conf 工作表中设置（Interpreter_Win、UDF Modules）。",
            "不用 Excel 也可运行同一流程：xlsx-tools refresh 工作簿.xlsm",
        ],
        "en": [
            "Worksheet functions (after Import Functions): XT_DAYS_PAST_DUE, XT_BUCKET, XT_STAGE, XT_STAGE_NAME, "
            "XT_NEXT_ACTION, XT_RMB_UPPER, XT_AGING_TABLE, XT_PRIORITY, XT_LAST_CONTACT, XT_PROMISE_STATUS.",
            "Where Python is and which module holds the functions is set in the xlwings.conf sheet "
            "(Interpreter_Win, UDF Modules).",
            "The same pipeline runs without Excel: xlsx-tools refresh WORKBOOK.xlsm",
        ],
    }[lang]
    for offset, line in enumerate(notes):
        _wrapped_row(ws, notes_row + offset, line)
    ws.column_dimensions[CONTROL_TEXT_COLUMN].width = CONTROL_TEXT_WIDTH
    ws.sheet_view.showGridLines = False
    ws.sheet_properties.tabColor = "7030A0"
    set_print_setup(ws, landscape=False, title_row=False)


#: The button descriptions' column (F) and its width; a full-width line spans A..F.
CONTROL_TEXT_COLUMN, CONTROL_TEXT_WIDTH = "F", 72
#: xlwings.conf's key and value columns (A, B).
CONF_WIDTHS = (18, 56)
#: The width of a full-width line across A..F (5 default columns and F), and across A..B of xlwings.conf.
CONTROL_LINE_WIDTH = 5 * DEFAULT_COLUMN_WIDTH + CONTROL_TEXT_WIDTH
CONF_LINE_WIDTH = sum(CONF_WIDTHS)


def _wrapped_row(ws, row: int, text: str) -> None:
    """`text` across A..F, wrapped, its row as tall as its lines: printed, nothing is cut."""
    ws.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A{row}:{CONTROL_TEXT_COLUMN}{row}")
    ws.row_dimensions[row].height = LINE_HEIGHT * wrapped_lines(text, CONTROL_LINE_WIDTH) + 3   # room for "_"


def _write_xlwings_conf(ws, lang: Lang) -> None:
    for row, (key, value) in enumerate(XLWINGS_SETTINGS, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    help_row = len(XLWINGS_SETTINGS) + 2          # after a blank row: xlwings stops reading there
    lines = {
        "zh": [
            "说明：xlwings 从 A1 向下读取设置，遇到空行停止；本行以下只是说明。",
            "Interpreter_Win：装有 xlsx_tools 的 python.exe 的完整路径（可用 %USERPROFILE% 等环境变量）。",
            "UDF Modules：工作表函数所在的 Python 模块；在 xlwings 选项卡上点“导入函数”(Import Functions) 后生效。",
            "删除某行即改用 xlwings 加载项（功能区）或用户目录下 .xlwings/xlwings.conf 中的设置。",
        ],
        "en": [
            "Notes: xlwings reads the settings from A1 down and stops at the first blank row; these lines are notes.",
            "Interpreter_Win: full path of the python.exe that has xlsx_tools installed (%USERPROFILE% etc. allowed).",
            "UDF Modules: the Python module with the worksheet functions; click Import Functions on the xlwings tab.",
            "Delete a row to use the add-in's (ribbon) setting or .xlwings/xlwings.conf in your user folder instead.",
        ],
    }[lang]
    for offset, line in enumerate(lines):
        cell = ws.cell(row=help_row + offset, column=1, value=line)
        cell.font = Font(italic=True, color="595959")
        cell.alignment = Alignment(wrap_text=True, vertical="top")   # across A..B, so printing cuts nothing
        ws.merge_cells(start_row=help_row + offset, end_row=help_row + offset, start_column=1, end_column=2)
        ws.row_dimensions[help_row + offset].height = LINE_HEIGHT * wrapped_lines(line, CONF_LINE_WIDTH)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = CONF_WIDTHS
    ws.sheet_properties.tabColor = "A6A6A6"
    set_print_setup(ws, landscape=False, title_row=False)


def _macro_workbook(lang: Lang, base: Workbook | None = None) -> tuple[Workbook, list[VbaModule], str]:
    """The openpyxl workbook of the .xlsm, its document modules and the Control sheet's name."""
    wb = base if base is not None else build_template(lang)
    control = wb.create_sheet(texts.CONTROL_SHEET.get(lang), 0)
    _write_control(control, lang)
    conf = wb.create_sheet(texts.XLWINGS_CONF_SHEET)
    _write_xlwings_conf(conf, lang)
    wb.code_name = "ThisWorkbook"
    documents: list[VbaModule] = []
    for n, ws in enumerate(wb.worksheets, start=1):
        if ws is control:
            code_name = CONTROL_CODENAME
        elif ws is conf:
            code_name = "shXlwingsConf"
        elif _sheet_key(ws.title) in TOOL_WRITTEN:
            continue
        else:
            code_name = _code_name(ws.title, n)
        ws.sheet_properties.codeName = code_name
        documents.append(VbaModule(code_name, "", "document"))
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is control
    return wb, documents, control.title


# ---------------------------------------------------------------- package parts
def _vml(lang: Lang) -> bytes:
    face = "DengXian" if lang == "zh" else "Calibri"
    shapes = []
    for n, button in enumerate(BUTTONS, start=1):
        left = button.first_col * COLUMN_PX * 0.75
        top = button.first_row * ROW_PX * 0.75
        width = (button.last_col - button.first_col) * COLUMN_PX * 0.75
        height = (button.last_row - button.first_row) * ROW_PX * 0.75
        shapes.append(
            f'<v:shape id="_x0000_s{VML_SHAPE_BASE + n}" type="#_x0000_t201" '
            f'style="position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;width:{width:g}pt;'
            f'height:{height:g}pt;z-index:{n};mso-wrap-style:tight" o:button="t" fillcolor="buttonFace [67]" '
            f'strokecolor="windowText [64]" o:insetmode="auto">'
            f'<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
            f'<o:lock v:ext="edit" rotation="t"/>'
            f'<v:textbox style="mso-direction-alt:auto" o:singleclick="f">'
            f'<div style="text-align:center"><font face="{face}" size="220" color="#000000">'
            f'{escape(button.text(lang))}</font></div></v:textbox>'
            f'<x:ClientData ObjectType="Button">'
            f'<x:Anchor>{button.first_col}, 0, {button.first_row}, 0, {button.last_col}, 0, {button.last_row}, 0</x:Anchor>'
            f'<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>'
            f'<x:FmlaMacro>[0]!{button.macro}</x:FmlaMacro>'
            f'<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign>'
            f'</x:ClientData></v:shape>')
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/>'
        '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
        '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
        + "".join(shapes) + "</xml>").encode("utf-8")


def _marker(tag: str, col: int, row: int, prefix: str) -> str:
    return (f"<{tag}><{prefix}col>{col}</{prefix}col><{prefix}colOff>0</{prefix}colOff>"
            f"<{prefix}row>{row}</{prefix}row><{prefix}rowOff>0</{prefix}rowOff></{tag}>")


def _drawing(lang: Lang) -> bytes:
    """The DrawingML placeholders Excel writes next to the VML of form controls."""
    face = "DengXian" if lang == "zh" else "Calibri"
    language = "zh-CN" if lang == "zh" else "en-US"
    anchors = []
    for n, button in enumerate(BUTTONS, start=1):
        anchors.append(
            f'<mc:AlternateContent xmlns:mc="{NS_MC}"><mc:Choice xmlns:a14="{NS_A14}" Requires="a14">'
            f'<xdr:twoCellAnchor editAs="oneCell">'
            + _marker("xdr:from", button.first_col, button.first_row, "xdr:")
            + _marker("xdr:to", button.last_col, button.last_row, "xdr:")
            + f'<xdr:sp macro="" textlink=""><xdr:nvSpPr>'
            f'<xdr:cNvPr id="{VML_SHAPE_BASE + n}" name="Button {n}" hidden="1"><a:extLst>'
            f'<a:ext uri="{COMPAT_EXT_URI}"><a14:compatExt spid="_x0000_s{VML_SHAPE_BASE + n}"/></a:ext>'
            f'</a:extLst></xdr:cNvPr><xdr:cNvSpPr/></xdr:nvSpPr>'
            f'<xdr:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>'
            f'<a:ln w="9525"><a:miter lim="800000"/><a:headEnd/><a:tailEnd/></a:ln></xdr:spPr>'
            f'<xdr:txBody><a:bodyPr vertOverflow="clip" wrap="square" lIns="27432" tIns="27432" rIns="27432" '
            f'bIns="27432" anchor="ctr" upright="1"/><a:lstStyle/>'
            f'<a:p><a:pPr algn="ctr" rtl="0"><a:defRPr sz="1000"/></a:pPr>'
            f'<a:r><a:rPr lang="{language}" sz="1100" b="0" i="0" u="none" strike="noStrike" baseline="0">'
            f'<a:solidFill><a:srgbClr val="000000"/></a:solidFill><a:latin typeface="{face}"/>'
            f'<a:ea typeface="{face}"/><a:cs typeface="{face}"/></a:rPr>'
            f'<a:t>{escape(button.text(lang))}</a:t></a:r></a:p></xdr:txBody></xdr:sp>'
            f'<xdr:clientData fPrintsWithSheet="0"/></xdr:twoCellAnchor></mc:Choice><mc:Fallback/>'
            f'</mc:AlternateContent>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">' + "".join(anchors) + "</xdr:wsDr>").encode("utf-8")


def _ctrl_prop() -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<formControlPr xmlns="{NS_X14}" objectType="Button" lockText="1"/>').encode("utf-8")


def _controls_xml(rel_ids: list[str]) -> str:
    """The sheet's <controls>, wrapped for Excel 2010+ as Excel wraps them."""
    controls = []
    for n, (button, rid) in enumerate(zip(BUTTONS, rel_ids), start=1):
        controls.append(
            f'<mc:AlternateContent xmlns:mc="{NS_MC}"><mc:Choice Requires="x14">'
            f'<control shapeId="{VML_SHAPE_BASE + n}" r:id="{rid}" name="Button {n}">'
            f'<controlPr defaultSize="0" print="0" autoFill="0" autoPict="0" macro={quoteattr("[0]!" + button.macro)}>'
            f'<anchor moveWithCells="1">'
            + _marker("from", button.first_col, button.first_row, "xdr:")
            + _marker("to", button.last_col, button.last_row, "xdr:")
            + '</anchor></controlPr></control></mc:Choice></mc:AlternateContent>')
    return (f'<mc:AlternateContent xmlns:mc="{NS_MC}"><mc:Choice xmlns:x14="{NS_X14}" Requires="x14">'
            f'<controls xmlns:xdr="{NS_XDR}">' + "".join(controls) + "</controls></mc:Choice></mc:AlternateContent>")


def _rels(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/>' for rid, rtype, target in entries)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<Relationships xmlns="{NS_PR}">{body}</Relationships>').encode("utf-8")


# Elements that follow <controls> in CT_Worksheet: the wrapped controls go before the first of them.
_AFTER_CONTROLS = ("webPublishItems", "tableParts", "extLst")


def _sheet_with_controls(xml: bytes, drawing_rid: str, vml_rid: str, ctrl_rids: list[str]) -> bytes:
    text = xml.decode("utf-8")
    insert = (f'<drawing r:id="{drawing_rid}"/><legacyDrawing r:id="{vml_rid}"/>' + _controls_xml(ctrl_rids))
    positions = [text.find(f"<{tag}") for tag in _AFTER_CONTROLS if f"<{tag}" in text]
    at = min(positions) if positions else text.rindex("</worksheet>")
    text = text[:at] + insert + text[at:]
    root_end = text.index(">", text.index("<worksheet"))
    if "xmlns:r=" not in text[:root_end]:
        text = text[:root_end] + f' xmlns:r="{NS_R}"' + text[root_end:]
    etree.fromstring(text.encode("utf-8"))          # well-formed, or fail the build here
    return text.encode("utf-8")


def _package(files: dict[str, bytes], control_title: str, vba: bytes, lang: Lang) -> dict[str, bytes]:
    """Turn the openpyxl .xlsx parts into the .xlsm parts: VBA project, buttons, content types."""
    parts = dict(files)
    wb_rels_name = "xl/_rels/workbook.xml.rels"
    workbook = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts[wb_rels_name])
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    sheet_part = None
    for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        if sheet.get("name") == control_title:
            target = targets[sheet.get(f"{{{NS_R}}}id")]
            sheet_part = posixpath.normpath(posixpath.join("xl", target)) if not target.startswith("/") else target[1:]
    if sheet_part is None:
        raise ValueError(f"no sheet {control_title!r} in the workbook")

    # the VBA project, related from the workbook
    rid = f"rId{len(rels) + 1}"
    etree.SubElement(rels, f"{{{NS_PR}}}Relationship", Id=rid, Type=RT_VBA, Target="vbaProject.bin")
    parts[wb_rels_name] = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + etree.tostring(rels)
    parts["xl/vbaProject.bin"] = vba

    # the buttons on the Control sheet
    sheet_rels_name = posixpath.join(posixpath.dirname(sheet_part), "_rels", posixpath.basename(sheet_part) + ".rels")
    if sheet_rels_name in parts:
        raise ValueError(f"{sheet_part} already has relationships")
    entries = [("rId1", RT_DRAWING, "../drawings/drawing1.xml"), ("rId2", RT_VML, "../drawings/vmlDrawing1.vml")]
    entries += [(f"rId{n + 2}", RT_CTRL_PROP, f"../ctrlProps/ctrlProp{n}.xml") for n in range(1, len(BUTTONS) + 1)]
    for name in ("xl/drawings/drawing1.xml", "xl/drawings/vmlDrawing1.vml"):
        if name in parts:
            raise ValueError(f"{name} exists already")
    parts[sheet_rels_name] = _rels(entries)
    parts[sheet_part] = _sheet_with_controls(parts[sheet_part], "rId1", "rId2", [e[0] for e in entries[2:]])
    parts["xl/drawings/drawing1.xml"] = _drawing(lang)
    parts["xl/drawings/vmlDrawing1.vml"] = _vml(lang)
    for n in range(1, len(BUTTONS) + 1):
        parts[f"xl/ctrlProps/ctrlProp{n}.xml"] = _ctrl_prop()

    # content types
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in types.findall(f"{{{NS_CT}}}Override"):
        if override.get("ContentType") == CT_MAIN:
            override.set("ContentType", CT_MACRO_MAIN)
    if not any(d.get("Extension") == "vml" for d in types.findall(f"{{{NS_CT}}}Default")):
        etree.SubElement(types, f"{{{NS_CT}}}Default", Extension="vml", ContentType=CT_VML)
        # Defaults come before Overrides
        types.insert(0, types[-1])
    new = [("/xl/vbaProject.bin", CT_VBA), ("/xl/drawings/drawing1.xml", CT_DRAWING)]
    new += [(f"/xl/ctrlProps/ctrlProp{n}.xml", CT_CTRL_PROP) for n in range(1, len(BUTTONS) + 1)]
    for name, content_type in new:
        etree.SubElement(types, f"{{{NS_CT}}}Override", PartName=name, ContentType=content_type)
    parts["[Content_Types].xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                                    + etree.tostring(types))
    return parts


# ---------------------------------------------------------------- build and write
def _zip(parts: dict[str, bytes]) -> bytes:
    """A zip with [Content_Types].xml first and fixed timestamps: same parts, same bytes."""
    stamp = max(FIXED_TIMESTAMP.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    order = ["[Content_Types].xml"] + [name for name in parts if name != "[Content_Types].xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, parts[name])
    return buffer.getvalue()


def build_macro_workbook(lang: Lang = "zh", macros: str | PathLike[str] = MACROS_DIR,
                         base: Workbook | None = None) -> bytes:
    """The bytes of `collections_{lang}.xlsm`.

    `base` is the workbook to start from (default: a fresh `.xlsx` template in `lang`);
    tests pass a filled one, e.g. the demo workbook loaded with openpyxl.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    wb, documents, control_title = _macro_workbook(lang, base)
    modules = read_macros(macros)
    names = {m.name for m in modules}
    vba = build_vba_project(modules + [m for m in documents if m.name not in names])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(buffer) as archive:
        files = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    return _zip(_package(files, control_title, vba, lang))


def write_templates(out_dir: str | PathLike[str] = TEMPLATES_DIR,
                    macros: str | PathLike[str] = MACROS_DIR) -> list[Path]:
    """Write collections_{zh,en}.xlsx and .xlsm into `out_dir`; returns the paths written."""
    written = []
    for lang in LANGS:
        xlsx, xlsm = Path(out_dir) / f"collections_{lang}.xlsx", Path(out_dir) / f"collections_{lang}.xlsm"
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_template(xlsx, lang))
        written.append(write_macro_template(xlsm, lang, macros))
    return written


def write_macro_template(path: str | PathLike[str], lang: Lang = "zh",
                         macros: str | PathLike[str] = MACROS_DIR) -> Path:
    """Write a fresh macro-enabled template (buttons and VBA) to `path`; returns the path."""
    return write_bytes(path, build_macro_workbook(lang, macros))
