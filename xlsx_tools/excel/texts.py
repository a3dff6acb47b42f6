"""User-facing texts of the Excel layer (UDF errors, button messages, the Control sheet), in both languages.

They live here rather than in `core.i18n` because only the Excel adapters use them.
"""
from __future__ import annotations

from ..core.i18n import Label, Message

#: The sheet with the buttons; the tool never writes to it (see `xlsm`).
CONTROL_SHEET = Label("Control", "控制面板")
#: xlwings reads its settings from a sheet of exactly this name.
XLWINGS_CONF_SHEET = "xlwings.conf"

ERROR_PREFIX = "#XT!"

# -- argument names in UDF error messages
ARG_AS_OF = Label("as_of", "基准日")
ARG_LANG = Label("lang", "语言")
ARG_STAGE = Label("stage", "催收阶段")
ARG_AMOUNT = Label("amount", "金额")

LANG_EXPECTED = Label("zh or en is expected", "应为 zh 或 en")
STAGE_UNKNOWN = Message("unknown stage '{value}' (allowed: {allowed})", "未知催收阶段 '{value}'（可用：{allowed}）")
NEGATIVE_CAPITALS = Label("negative amounts have no capital form", "负数金额没有大写形式")
TOO_LARGE_CAPITALS = Label("amount too large for capitals", "金额过大，无法写成大写")
NO_LEDGER_ROWS = Label("no usable ledger rows in the range", "所选区域中没有可用的台账行")
UNEXPECTED = Message("unexpected error: {error}", "意外错误：{error}")

# -- buttons
TITLE = Label("xlsx_tools", "xlsx_tools")
REFRESH_DONE = Message(
    "Refreshed (as of {as_of}): {rows} rows, {customers} customers with an open balance; {summary}.",
    "已刷新（基准日 {as_of}）：{rows} 行，{customers} 个客户有未收余额；{summary}。")
SEE_ISSUES = Message("Problems are listed in the {sheet} sheet.", "问题见【{sheet}】工作表。")
CHECK_DONE = Message("Check (as of {as_of}): {summary}.", "检查（基准日 {as_of}）：{summary}。")
CHECK_CLEAN = Label("No problems found.", "未发现问题。")
MORE_ISSUES = Message("… and {count} more (Refresh writes them all to the {sheet} sheet).",
                      "……另有 {count} 条（刷新后全部列在【{sheet}】工作表）。")
LETTERS_DONE = Message("Letters: {generated} generated, {skipped} skipped, {failed} failed → {folder}",
                       "函件：生成 {generated} 份，跳过 {skipped} 份，失败 {failed} 份 → {folder}")
LETTERS_SAVED = Label("The workbook was saved with the Letters log.", "工作簿已保存（含函件记录）。")
NOT_SAVED_BOOK = Label("Save the workbook to a folder first: letters are written next to it.",
                       "请先将工作簿保存到文件夹：函件写在工作簿旁边。")
UNUSABLE = Message("The workbook cannot be used: {reason}", "工作簿无法使用：{reason}")
FAILED = Message("{action} failed: {error}\n\nDetails: {log}", "{action}失败：{error}\n\n详细信息：{log}")
RUNNING = Message("xlsx_tools: {step}", "xlsx_tools：{step}")
ACTIONS = {
    "refresh": Label("Refresh", "刷新"),
    "generate_letters": Label("Generate letters", "生成函件"),
    "check": Label("Check", "检查"),
}
SUMMARY = Message("{errors} errors, {warnings} warnings", "{errors} 个错误，{warnings} 个警告")
NO_EXCEL = Message(
    "Microsoft Excel is not available here ({platform}): xlwings drives a running Excel on Windows or macOS only.\n"
    "The same pipeline runs without Excel from the command line:\n    {command}",
    "此处没有 Microsoft Excel（{platform}）：xlwings 只能驱动 Windows 或 macOS 上运行的 Excel。\n"
    "不用 Excel 也可在命令行运行同一流程：\n    {command}")
