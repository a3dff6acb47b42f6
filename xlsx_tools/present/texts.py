"""User-facing messages of the command line, the pipeline and the Excel layer (UDF errors, buttons,
the Control sheet), in both languages, in one place.

Labels of sheets, columns and enums and the messages of located issues live in `core.i18n`;
these are the words said *about* a run.  `zh_en` and `en_zh` give the one-line bilingual
form used where the language is not known yet (errors before the Policy sheet is read).
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
ARG_CUSTOMER = Label("customer_id", "客户编号")

LANG_EXPECTED = Label("zh or en is expected", "应为 zh 或 en")
STAGE_UNKNOWN = Message("unknown stage '{value}' (allowed: {allowed})", "未知催收阶段 '{value}'（可用：{allowed}）")
NEGATIVE_CAPITALS = Label("negative amounts have no capital form", "负数金额没有大写形式")
TOO_LARGE_CAPITALS = Label("amount too large for capitals", "金额过大，无法写成大写")
NO_LEDGER_ROWS = Label("no usable ledger rows in the range", "所选区域中没有可用的台账行")
UNEXPECTED = Message("unexpected error: {error}", "意外错误：{error}")
RANGES_DIFFER = Label("the ranges must have the same number of cells",
                      "各区域的单元格数量必须相同")

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
REPORT_NOT_SAVED_BOOK = Label("Save the workbook to a folder first: the monthly report is written next to it.",
                              "请先将工作簿保存到文件夹：月报写在工作簿旁边。")
UNUSABLE = Message("The workbook cannot be used: {reason}", "工作簿无法使用：{reason}")
FAILED = Message("{action} failed: {error}\n\nDetails: {log}", "{action}失败：{error}\n\n详细信息：{log}")
RUNNING = Message("xlsx_tools: {step}", "xlsx_tools：{step}")
CALLS_TODAY = Message("{count} customers to contact today: see the {sheet} sheet.",
                      "今日需联络 {count} 个客户：见【{sheet}】工作表。")
NO_CALLS_SHEET = Label("The refresh wrote no Calls sheet.", "刷新未写出今日待办工作表。")
ACTIONS = {
    "refresh": Label("Refresh", "刷新"),
    "today_calls": Label("Today's calls", "今日待办"),
    "generate_letters": Label("Generate letters", "生成函件"),
    "check": Label("Check", "检查"),
    "monthly_report": Label("Monthly report", "月报"),
}
SUMMARY = Message("{errors} errors, {warnings} warnings", "{errors} 个错误，{warnings} 个警告")
NO_EXCEL = Message(
    "Microsoft Excel is not available here ({platform}): xlwings drives a running Excel on Windows or macOS only.\n"
    "The same pipeline runs without Excel from the command line:\n    {command}",
    "此处没有 Microsoft Excel（{platform}）：xlwings 只能驱动 Windows 或 macOS 上运行的 Excel。\n"
    "不用 Excel 也可在命令行运行同一流程：\n    {command}")


def zh_en(label: Label) -> str:
    return f"{label.zh} / {label.en}"


def en_zh(label: Label) -> str:
    return f"{label.en} / {label.zh}"


# -- the pipeline
NO_LEDGER_SHEET = Message("The workbook has no '{sheet}' sheet (found: {found})",
                          "工作簿中没有“{sheet}”工作表（现有：{found}）")
LETTERS_NOT_LOGGED = Message("{count} letters were written to {folder}; they will be logged on the next run",
                             "{count} 份函件已写入 {folder}，将在下次运行时补记到函件记录")

# -- the command line
REFRESHED = Message(
    "Refreshed {path} (as of {as_of}): {rows} rows, {customers} customers with an open balance; {summary}",
    "已刷新 {path}（基准日 {as_of}）：{rows} 行，{customers} 个客户有未收余额；{summary}")
BAD_ARGUMENTS = Label("invalid command line", "命令行参数有误")
OUTPUT_FOLDER_MISSING = Message("The output folder {folder} does not exist", "输出文件夹不存在：{folder}")
NEW_NEEDS_EXCEL_NAME = Message("{name}: a new workbook's name must end in .xlsx, or .xlsm for one with the buttons",
                               "{name}：新工作簿的文件名应以 .xlsx 结尾（带按钮的用 .xlsm）")
FILE_EXISTS = Message("{path} already exists (use --force to overwrite)", "文件已存在：{path}（使用 --force 覆盖）")
DEMO_WORKBOOK = Label("Demo workbook", "演示工作簿")
AS_OF = Label("As of", "基准日")
LEDGER_ROWS = Label("Ledger rows", "台账行数")
ROWS_BY_STAGE = Label("Rows by stage", "各阶段行数")
TOP_PRIORITIES = Label("Top 5 priorities", "优先催收前 5 名")
WORKBOOK_REQUIRED = Label("a workbook path is required (or use --check-templates)",
                          "缺少工作簿路径（或使用 --check-templates）")
MORE_NOT_LISTED = Message("… {count} more", "… {count} 份未列出")
RECOVERED_RUN = Message("Interrupted earlier run: {logged} letters logged now, {voided} numbers voided",
                        "上次中断的批次：补记 {logged} 份函件，作废 {voided} 个编号")
DRY_RUN = Message("Dry run, nothing written: {count} letters would go to {folder}",
                  "预演，未写入任何文件：将生成 {count} 份函件到 {folder}")
SKIPPED = Label("Skipped:", "跳过：")
FAILED_LETTERS = Label("Failed:", "失败：")
WORKBOOK_SAVED = Label("Workbook saved", "已更新工作簿")
UNKNOWN_VARIABLE = Label("unknown variable", "未知变量")
TEMPLATES_CHECKED = Message("{count} templates checked, {bad} with problems", "检查 {count} 个模板，{bad} 个有问题")
NO_MACROS = Message("no macro sources {macros}/*.bas (run from a checkout or pass --macros)",
                    "找不到宏源文件 {macros}/*.bas（请在源码目录中运行或使用 --macros）")
INTERRUPTED = Label("interrupted; the workbook was not changed", "已中断，工作簿未被修改")
INTERNAL_ERROR = Label("internal error; the workbook was not changed. Please send the details below to support:",
                       "内部错误，工作簿未被修改；请将以下信息发给维护人员")

# -- the group view (issue 13)
BOOK_UNREADABLE = Message("the file cannot be read ({error})", "无法读取该文件（{error}）")
BOOK_FAILED = Message("internal error on this book, left out ({error})", "处理该账簿时发生内部错误，已跳过（{error}）")
BOOK_COPY = Message("the same content as {path} (SHA-256 equal)", "与 {path} 内容相同（SHA-256 一致）")
NO_BOOKS = Message("no workbooks found in: {given}", "未找到工作簿：{given}")
OUT_IS_A_BOOK = Message("--out {path} is one of the books to read (or would be, in a folder or glob given); the group "
                        "view never writes to its books: choose an --out outside them",
                        "--out {path} 是要读取的账簿之一（或位于所给文件夹、通配符范围内）；集团视图从不写入账簿，"
                        "请把 --out 放在账簿之外")
GROUP_BOOK_OK = Message("{subsidiary}: {rows} rows, {errors} errors, {warnings} warnings, {seconds:.1f}s",
                        "{subsidiary}：{rows} 行，错误 {errors} 个，警告 {warnings} 个，{seconds:.1f} 秒")
GROUP_BOOK_STARTED = Message("started: {name}", "开始：{name}")
GROUP_BOOK_DONE = Message("[{count}/{total}] done: {name}: {rows} rows, {seconds:.1f}s",
                          "[{count}/{total}] 完成：{name}：{rows} 行，{seconds:.1f} 秒")
GROUP_BOOK_FAILED = Message("[{count}/{total}] failed: {name}: {problem}", "[{count}/{total}] 失败：{name}：{problem}")
GROUP_BOOK_LEFT_OUT = Message("{path}: left out: {problem}", "{path}：未汇总：{problem}")
GROUP_DONE = Message("Group view written to {path}: {books} books ({left_out} left out), {customers} customers, "
                     "open {open}, overdue {overdue}.",
                     "集团视图已写入 {path}：{books} 个账簿（{left_out} 个未汇总），{customers} 个客户，"
                     "未收 {open}，逾期 {overdue}。")
DASK_MISSING = Label('--scheduler needs Dask: pip install "xlsx-tools[dask]"',
                     '使用 --scheduler 需要安装 Dask：pip install "xlsx-tools[dask]"')

# -- reliability (issue 10): what really happened when a run met a fault
JOURNAL_TIDY_FAILED = Message(
    "the workbook was saved; only tidying the letters journal in {folder} failed ({reason}); "
    "the next run will finish it",
    "工作簿已保存；仅整理函件日志（{folder}）失败（{reason}），下次运行会自动补做")
STALE_TEMPS_REMOVED = Message("removed {count} temporary file(s) left by an interrupted earlier run",
                              "已删除之前被中断的运行遗留的 {count} 个临时文件")
REPORT_MONTH_MISSING = Message("no KPI figures for {month}: the report covers the months {first} to {last} "
                               "that have data (use --month YYYY-MM)",
                               "{month} 没有关键指标数据：月报可选 {first} 至 {last} 之间有数据的月份（--month YYYY-MM）")
REPORT_DONE = Message("Monthly report {month}: {pdf} (Word copy {docx}); workbook refreshed: {path}",
                      "{month} 月报：{pdf}（Word 版 {docx}）；工作簿已刷新：{path}")
REPORT_NO_PDF = Message("no PDF: {reason}", "未生成 PDF：{reason}")
