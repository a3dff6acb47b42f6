"""Column headers in both languages, one table per sheet: input sheets first, then output sheets."""
from __future__ import annotations

from .enums import CONTACT_RULES
from .labels import Aliases, Label

LEDGER_COLUMNS: dict[str, Label] = {
    "invoice_no": Label("Invoice No", "单据号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "business_line": Label("Business Line", "业务线"),
    "sales_owner": Label("Sales Owner", "销售负责人"),
    "contract_no": Label("Contract No", "合同编号"),
    "invoice_date": Label("Invoice Date", "开票日期"),
    "due_date": Label("Due Date", "到期日"),
    "terms_days": Label("Terms (days)", "账期(天)"),
    "currency": Label("Currency", "币种"),
    "amount": Label("Amount", "金额"),
    "paid_amount": Label("Paid Amount", "已收金额"),
    "last_payment_date": Label("Last Payment Date", "最近收款日"),
    "status": Label("Status", "状态"),
    "hold_until": Label("Hold Until", "暂停至"),
}

# Optional Ledger column read by the interest pass (annual %, e.g. 6 or 6% or 0.06).
LEDGER_RATE_COLUMNS: dict[str, Label] = {
    "invoice_no": LEDGER_COLUMNS["invoice_no"],
    "interest_rate": Aliases("Interest Rate", "合同利率", ("Contract Rate", "年利率")),
}

CUSTOMER_COLUMNS: dict[str, Label] = {
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "customer_type": Label("Customer Type", "客户类型"),
    "credit_rating": Label("Credit Rating", "信用评级"),
    "previous_rating": Label("Previous Rating", "上期评级"),
    "credit_limit": Label("Credit Limit", "信用额度"),
    "registered_capital": Label("Registered Capital", "注册资本"),
    "annual_sales": Label("Annual Sales", "年销售额"),
    "first_trade_date": Label("First Trade Date", "首次合作日期"),
    "contact_name": Label("Contact", "联系人"),
    "contact_email": Label("Email", "邮箱"),
    "contact_phone": Label("Phone", "电话"),
    "address": Label("Address", "地址"),
    # optional; matches the same customer across a group's workbooks (issue 13)
    "credit_code": Label("Unified Social Credit Code", "统一社会信用代码"),
}

# Optional 5C columns of the Customers sheet, each scored 1-5.
FIVE_C_COLUMNS: dict[str, Label] = {
    "character": Label("Character", "品格"),
    "capacity": Label("Capacity", "能力"),
    "capital": Label("Capital", "资本"),
    "collateral": Label("Collateral", "担保"),
    "conditions": Label("Conditions", "条件"),
}

POLICY_COLUMNS: dict[str, Label] = {
    "key": Label("Setting", "设置项"),
    "value": Label("Value", "值"),
    "description": Label("Description", "说明"),
}

PAYMENT_COLUMNS: dict[str, Label] = {
    "invoice_no": LEDGER_COLUMNS["invoice_no"],
    "date": Aliases("Payment Date", "收款日期", ("Date", "日期")),
    "amount": Aliases("Payment Amount", "收款金额", ("Amount", "金额")),
    "plan_no": Label("Plan No", "计划编号"),
    "reference": Label("Reference", "凭证号"),
}

PLAN_COLUMNS: dict[str, Label] = {
    "plan_no": Label("Plan No", "计划编号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "invoices": Aliases("Invoices", "涉及单据", ("Invoice No", "单据号")),
    "total": Aliases("Plan Total", "分期总额", ("Total", "总额")),
    "signed_date": Label("Signed Date", "签订日期"),
    "first_due": Label("First Due Date", "首期还款日"),
    "installments": Aliases("Installments", "期数", ("Number of Installments", "分期期数")),
    "interval": Label("Interval (days)", "间隔(天)"),
    "interest_free": Label("Interest-free Installments", "免息期数"),
    "daily_rate": Label("Daily Rate", "日利率"),
    "prepayment": Label("Prepayment Share", "首付比例"),
    "plan_type": Label("Plan Type", "方案类型"),
}

EVENT_COLUMNS: dict[str, Label] = {
    "date": Aliases("Date", "日期", ("Event Date", "事件日期")),
    "customer_id": Label("Customer ID", "客户编号"),
    "invoices": Aliases("Invoices", "涉及单据", ("Invoice No", "单据号")),
    "event": Aliases("Event", "事件类型", ("Event Type", "事件")),
    "evidence": Aliases("Evidence", "证据", ("Evidence Reference", "证据索引")),
}

SNAPSHOT_COLUMNS: dict[str, Label] = {
    "month": Label("Month", "月份"),
    "business_line": Label("Business Line", "业务线"),
    "receivables": Label("Receivables", "应收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "early_overdue": Label("Overdue 1-30 Days", "逾期30天内金额"),
    "as_of": Label("As-of Date", "基准日"),
    # since issue 12: one row per line, per owner and the total, with the key-target count
    "split": Label("Split", "维度"),
    "owner": Label("Owner", "责任人"),
    "key_targets": Label("Key Targets", "重点催收对象数"),
}

COMPANY_COLUMNS: dict[str, Label] = {
    "key": Label("Item", "项目"),
    "value": Label("Value", "值"),
    "description": Label("Description", "说明"),
}

# key -> description; the Company sheet lists these keys in this order.
COMPANY_FIELDS: dict[str, Label] = {
    "name": Label("Company name (full legal name)", "公司名称（全称）"),
    "address": Label("Company address", "公司地址"),
    "contact": Label("Contact person for letters", "函件联系人"),
    "phone": Label("Contact phone", "联系电话"),
    "email": Label("Contact email", "联系邮箱"),
    "payee_name": Label("Payee account name", "收款账户户名"),
    "bank_name": Label("Payee bank", "收款开户行"),
    "bank_account": Label("Payee account number", "收款账号"),
    "signatory": Label("Signatory / department", "落款人或部门"),
    "law_firm": Label("Law firm (lawyer's letters)", "律师事务所（律师函）"),
    "law_firm_address": Label("Law firm address", "律师事务所地址"),
    "lawyer": Label("Lawyer", "承办律师"),
    "lawyer_phone": Label("Lawyer's phone", "律师电话"),
    "dispute_resolution": Label("Disputes (installment agreements): court or arbitration commission",
                                "争议解决（分期协议）：法院或仲裁委员会"),
    "court": Label("Court for payment orders (full name, e.g. Hangzhou Xihu District People's Court)",
                   "支付令管辖法院（全称，如杭州市西湖区人民法院）"),
}

CASE_COLUMNS: dict[str, Label] = {
    "case_no": Label("Case No", "案例编号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "opened": Label("Opened", "立案日期"),
    "closed": Label("Closed", "结案日期"),
    "process": Label("Process Summary", "催收过程"),
    "solution": Label("Solution", "解决方案"),
    "result": Label("Result", "结果"),
    "recovered": Label("Recovered Amount", "回收金额"),
    "collection_days": Label("Collection Days", "催收天数"),
    "lessons": Label("Lessons", "经验教训"),
}

LETTER_LOG_COLUMNS: dict[str, Label] = {
    "letter_no": Label("Letter No", "函件编号"),
    "date": Label("Date", "日期"),
    "kind": Label("Kind", "函件类型"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "stage": Label("Stage", "催收阶段"),
    "invoices": Label("Invoices", "单据号"),
    "total": Label("Total", "金额合计"),
    "file": Label("File", "文件名"),
    "sha256": Label("SHA-256", "SHA-256"),
    "status": Label("Status", "状态"),
    "sent_date": Label("Sent Date", "寄出日期"),
    "delivered_date": Label("Delivered Date", "送达日期"),
    "tracking_no": Label("Tracking No", "快递单号"),
    "case_ref": Label("Case Ref", "案例引用"),
    "note": Label("Note", "备注"),
}

DETAIL_COLUMNS: dict[str, Label] = {
    "row": Label("Ledger Row", "台账行号"),
    "invoice_no": Label("Invoice No", "单据号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "business_line": Label("Business Line", "业务线"),
    "invoice_date": Label("Invoice Date", "开票日期"),
    "due_date": Label("Due Date", "到期日"),
    "amount": Label("Amount", "金额"),
    "paid": Label("Paid Amount", "已收金额"),
    "open": Label("Open Amount", "未收金额"),
    "days_past_due": Label("Days Past Due", "逾期天数"),
    "bucket": Label("Aging Bucket", "账龄区间"),
    "stage": Label("Stage", "催收阶段"),
    "stage_name": Label("Stage Name", "阶段名称"),
    "next_action": Label("Next Action", "下一步动作"),
    "owner": Label("Owner", "责任人"),
    "status": Label("Status", "状态"),
}

DETAIL_MONEY_LAW_COLUMNS: dict[str, Label] = {
    "interest": Label("Interest", "逾期利息"),
    "interest_basis": Label("Interest Basis", "计息依据"),
    "limitation_expiry": Label("Limitation Expiry", "诉讼时效届满日"),
    "days_left": Label("Days Left", "剩余天数"),
    "limitation_state": Label("Limitation Status", "时效状态"),
    "provision_rate": Label("Provision Rate", "计提比例"),
    "provision": Label("Provision", "坏账准备"),
    "plan_no": Label("Plan No", "计划编号"),
    "plan_broken": Label("Plan Broken", "分期违约"),
}

PRIORITY_COLUMNS: dict[str, Label] = {
    "rank": Label("Rank", "排名"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "open": Label("Open Balance", "未收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "share": Label("Share", "占比"),
    "max_days": Label("Max Days Past Due", "最长逾期天数"),
    "stage": Label("Stage", "催收阶段"),
    "key_target": Label("Key Target", "重点催收对象"),
    "high_risk": Label("High Risk", "高风险"),
    "tags": Label("Tags", "标签"),
    "next_action": Label("Next Action", "下一步动作"),
    "owner": Label("Owner", "责任人"),
}

PRIORITY_MONEY_LAW_COLUMNS: dict[str, Label] = {
    "interest": Label("Interest", "逾期利息"),
    "late_paid_interest": Label("Interest on Late Payments (not claimed)", "已付款项的逾期利息（未主张）"),
    "earliest_expiry": Label("Earliest Limitation Expiry", "最早诉讼时效届满日"),
    "days_left": Label("Days Left", "剩余天数"),
    "plan_broken": Label("Plan Broken", "分期违约"),
}

AGING_COLUMNS: dict[str, Label] = {
    "business_line": Label("Business Line", "业务线"),
    "receivables": Label("Receivables", "应收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "overdue_share": Label("Overdue %", "逾期占比"),
    "early_share": Label("Overdue 1-30 Days %", "逾期30天内占比"),
    "credits": Label("Credit Notes", "贷项"),
    "previous_overdue": Label("Overdue Last Month", "上月逾期金额"),
    "growth": Label("Overdue Change vs Last Month", "逾期金额环比"),
    "warnings": Label("Warnings", "预警"),
}

AGING_PROVISION_COLUMN = Label("Provision", "坏账准备")

PLAN_SCHEDULE_COLUMNS: dict[str, Label] = {
    "plan_no": Label("Plan No", "计划编号"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "installment": Label("Installment", "期次"),
    "due_date": Label("Due Date", "应还日期"),
    "principal": Label("Principal", "本金"),
    "fee": Label("Interest / Fee", "利息/费用"),
    "amount": Label("Amount", "应还金额"),
    "paid": Label("Paid", "已还金额"),
    "status": Label("Status", "状态"),
    "plan_status": Label("Plan Status", "计划状态"),
}

CREDIT_COLUMNS: dict[str, Label] = {
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "credit_limit": Label("Credit Limit", "信用额度"),
    "exposure": Label("Exposure", "风险敞口"),
    "utilisation": Label("Utilisation", "额度使用率"),
    "over_limit": Label("Over Limit", "超额度"),
    "over_by": Label("Over Limit By", "超出金额"),
    "first_trade_date": Label("First Trade Date", "首次合作日期"),
    "new_customer": Label("New Customer", "新客户"),
    "registered_capital": Label("Registered Capital", "注册资本"),
    "red_line": Label("Red Line Limit", "红线额度"),
    "red_line_breach": Label("Red Line Breach", "突破红线"),
    "score": Label("5C Score", "5C评分"),
    "band": Label("Limit Band", "额度档位"),
    "suggested_limit": Label("Suggested Limit", "建议额度"),
}

ISSUE_COLUMNS: dict[str, Label] = {
    "severity": Label("Severity", "级别"),
    "sheet": Label("Sheet", "工作表"),
    "cell": Label("Cell", "单元格"),
    "message": Label("Message", "问题说明"),
}

# Formula columns after the Ledger's input columns (build.ledger_formulas): computed in Excel,
# never read as input and never written by a refresh.  Same words as the Detail sheet's columns.
LEDGER_COMPUTED_COLUMNS: dict[str, Label] = {
    "days_past_due": DETAIL_COLUMNS["days_past_due"],
    "bucket": DETAIL_COLUMNS["bucket"],
    "stage": DETAIL_COLUMNS["stage"],
}

# ----- the collector's week (issue 11): the Contacts input sheet and its derived sheets -----
CONTACT_COLUMNS: dict[str, Label] = {
    "contact_time": Label("Contact Time", "联络时间"),
    "customer_id": Label("Customer ID", "客户编号"),
    "channel": Label("Channel", "渠道"),
    "contact_person": Label("Contact Person", "联系人"),
    "relation": Label("Relation", "对方身份"),
    "connected": Label("Connected", "是否接通"),
    "outcome": Label("Outcome", "联络结果"),
    "promised_date": Label("Promised Date", "承诺还款日"),
    "promised_amount": Label("Promised Amount", "承诺金额"),
    "invoice_no": Label("Invoice No", "单据号"),
    "collector": Label("Collector", "催收人"),
    "note": Label("Note", "备注"),
}

PRIORITY_CONTACT_COLUMNS: dict[str, Label] = {
    "last_contact": Label("Last Contact", "最近联络"),
    "open_promise_date": Label("Open Promise Date", "待兑现承诺日期"),
    "open_promise": Label("Open Promise", "待兑现承诺"),
    "broken_promises": Label("Broken Promises", "违约承诺次数"),
}

CALL_COLUMNS: dict[str, Label] = {
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "stage": Label("Stage", "催收阶段"),
    "stage_name": Label("Stage Name", "阶段名称"),
    "reasons": Label("Why Today", "今日原因"),
    "channel": Label("Suggested Channel", "建议渠道"),
    "script": Label("Script", "话术"),
    "last_contact": Label("Last Contact", "最近联络"),
    "open_promise_date": Label("Open Promise Date", "待兑现承诺日期"),
    "open_promise": Label("Open Promise", "待兑现承诺"),
}

WEEKLY_COLUMNS: dict[str, Label] = {
    "week": Label("Week", "周次"),
    "customer_id": Label("Customer ID", "客户编号"),
    "customer_name": Label("Customer Name", "客户名称"),
    "stage": Label("Stage", "催收阶段"),
    "stage_name": Label("Stage Name", "阶段名称"),
    "open": Label("Open Balance", "未收余额"),
    "overdue": Label("Overdue Amount", "逾期金额"),
    "paid_week": Label("Paid This Week", "本周回款"),
    "contacts_week": Label("Contacts This Week", "本周联络次数"),
    "open_promise_date": Label("Open Promise Date", "待兑现承诺日期"),
    "open_promise": Label("Open Promise", "待兑现承诺"),
    "compared_with": Label("Compared With", "对比周次"),
    "overdue_change": Label("Overdue Change", "逾期金额变化"),
    "flag": Label("Flag", "提示"),
}

CHANNEL_COLUMNS: dict[str, Label] = {
    "band": Label("Days Past Due", "逾期天数"),
    "channel": Label("Channel", "渠道"),
    "attempts": Label("Attempts", "联络次数"),
    "successes": Label("Successes", "成功次数"),
    "rate": Label("Success Rate", "成功率"),
    "collected": Label("Amount Collected", "回收金额"),
}

COMPLIANCE_COLUMNS: dict[str, Label] = {
    "month": Label("Month", "月份"),
    "collector": Label("Collector", "催收人"),
    **CONTACT_RULES,
    "total": Label("Total", "合计"),
}



# ----- foreign currency (issue 12): the FX input sheet and Detail's CNY columns -----
FX_COLUMNS: dict[str, Label] = {
    "currency": Label("Currency", "币种"),
    "date": Aliases("Date", "日期", ("Rate Date", "汇率日期")),
    "rate": Aliases("Rate to CNY", "折合人民币汇率", ("Rate", "汇率")),
}

DETAIL_FX_COLUMNS: dict[str, Label] = {
    "currency": Label("Currency", "币种"),
    "amount_cny": Label("Amount (CNY)", "金额（人民币）"),
    "open_cny": Label("Open (CNY)", "未收金额（人民币）"),
}
