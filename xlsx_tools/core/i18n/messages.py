"""Sentences shown to people: issue messages (by code), letter notes, warnings, interest bases
and sheet notes, each in both languages."""
from __future__ import annotations

from .labels import Label, Message

MESSAGES: dict[str, Message] = {
    "date_unrecognised": Message("Date format not recognised '{value}'", "日期格式无法识别 '{value}'"),
    "amount_unrecognised": Message("Amount not recognised '{value}'", "金额无法识别 '{value}'"),
    "integer_unrecognised": Message("Whole number expected, got '{value}'", "应为整数，实际为 '{value}'"),
    "date_out_of_range": Message("Date '{value}' is outside the dates this tool computes with (1900-01-01 to 2199-12-31; "
                                 "9999-12-31 is read as open-ended in Due Date and Hold Until)",
                                 "日期 '{value}' 超出可计算范围（1900-01-01 至 2199-12-31；到期日和暂停至中的 9999-12-31 视为无限期）"),
    "terms_negative": Message("Terms (days) cannot be negative: '{value}'", "账期(天)不能为负数：'{value}'"),
    "terms_out_of_range": Message("Terms (days) '{value}' is out of range (0 to 3,650 days)",
                                  "账期(天) '{value}' 超出范围（0 至 3,650 天）"),
    "due_before_invoice": Message("Due Date is before the Invoice Date", "到期日早于开票日期"),
    "required_missing": Message("{column} is missing", "{column}缺失"),
    "due_missing": Message("Due Date is missing and no Terms (days) given",
                           "到期日缺失，且未填写账期(天)"),
    "status_unknown": Message("Unknown status '{value}' (allowed: {allowed})",
                              "状态无法识别 '{value}'（可用：{allowed}）"),
    "duplicate_invoice": Message("Invoice No '{value}' duplicates row {first}",
                                 "单据号 '{value}' 与第 {first} 行重复"),
    "total_row": Message("Total row skipped", "合计行已跳过"),
    "column_missing": Message("Required column '{column}' not found in the header row",
                              "表头中找不到必需列 '{column}'"),
    "column_duplicate": Message("Column '{column}' appears twice; the first one is used",
                                "列 '{column}' 重复出现，使用第一列"),
    "no_header": Message("The sheet has no header row", "工作表没有表头行"),
    "overpaid": Message("Paid amount exceeds the amount by {value}", "已收金额超出金额 {value}"),
    "negative_paid": Message("Paid amount is negative '{value}'", "已收金额为负数 '{value}'"),
    "unknown_customer": Message("Customer ID '{value}' is not in the Customers sheet",
                                "客户编号 '{value}' 不在客户档案中"),
    "customer_type_unknown": Message("Unknown customer type '{value}' (allowed: {allowed})",
                                     "客户类型无法识别 '{value}'（可用：{allowed}）"),
    "rating_unknown": Message("Unknown credit rating '{value}' (allowed: {allowed})",
                              "信用评级无法识别 '{value}'（可用：{allowed}）"),
    "duplicate_customer": Message("Customer ID '{value}' duplicates row {first}",
                                  "客户编号 '{value}' 与第 {first} 行重复"),
    "policy_unknown_key": Message("Unknown setting '{value}' ignored", "未知设置项 '{value}'，已忽略"),
    "policy_duplicate_key": Message("Setting '{value}' is already given in row {first}; this row is ignored",
                                    "设置项 '{value}' 已在第 {first} 行填写，本行不使用"),
    "policy_invalid": Message("Invalid value '{value}' for {key}: {reason}",
                              "设置项 {key} 的值 '{value}' 无效：{reason}"),
    "snapshot_invalid": Message("Snapshot row not understood and ignored", "快照行无法识别，已忽略"),
    "weekly_invalid": Message("Weekly row not understood and ignored", "周跟踪行无法识别，已忽略"),
    "row_left_out": Message("; row left out of all results", "；该行未参与计算"),
    "ratio_unrecognised": Message("Rate not recognised '{value}'", "利率无法识别 '{value}'"),
    "lpr_missing": Message("{count} receivable(s) fell due before the first LPR in the Policy table ({first}); "
                           "no interest computed for them",
                           "{count} 笔单据在策略表首个LPR日期（{first}）之前到期，未计算利息"),
    "contract_rate_missing": Message("{count} receivable(s) have no contract rate; the LPR basis is used",
                                     "{count} 笔单据未填合同利率，按LPR计算"),
    "contract_rate_unused": Message(
        "{count} receivable(s) have a contract rate, but interest_basis is '{basis}': the rates are not used "
        "(set interest_basis to contract on the Policy sheet to use them)",
        "{count} 笔单据填有合同利率，但利息基准 interest_basis 为 '{basis}'：合同利率未使用"
        "（如需使用，请在【催收策略】将 interest_basis 设为 contract）"),
    "payment_unknown_invoice": Message("Invoice No '{value}' is not in the ledger", "单据号 '{value}' 不在应收台账中"),
    "fx_currency_bad": Message("Currency code must be three letters such as USD, EUR or HKD '{value}'",
                               "币种应为三个字母的代码，如 USD、EUR、HKD '{value}'"),
    "fx_cny_row": Message("CNY needs no rate: row ignored", "人民币无需汇率：该行不使用"),
    "fx_rate_not_positive": Message("Rate to CNY must be a positive number '{value}'", "折合人民币汇率应为正数 '{value}'"),
    "fx_duplicate": Message("Rate for {currency} on {date} duplicates row {first}",
                            "{currency} 在 {date} 的汇率与第 {first} 行重复"),
    "fx_rate_missing": Message("No rate for {currency} on or before {date} in the FX sheet",
                               "汇率表中没有 {currency} 在 {date} 或之前的汇率"),
    "payment_not_positive": Message("Payment amount must be positive '{value}'", "收款金额应为正数 '{value}'"),
    "payment_overpaid": Message("Payments exceed amount and interest by {value}", "收款超出本金和利息 {value}"),
    "paid_taken_on_due_date": Message("{count} Paid Amount(s) have no Payments rows and are taken as received on "
                                      "the due date for interest",
                                      "{count} 笔已收金额没有收款记录，计息时视为于到期日收到"),
    "paid_disagrees": Message("Paid Amount {value} disagrees with the Payments sheet total {total} for invoice "
                              "{invoice}; the row is left out until they agree",
                              "单据 {invoice} 的已收金额 {value} 与收款记录合计 {total} 不一致，核对一致前本行不计入"),
    "plan_invalid_count": Message("Installments must be between {low} and {high}, got '{value}'",
                                  "期数应在 {low} 到 {high} 之间，实际为 '{value}'"),
    "plan_invalid_share": Message("Prepayment share must be between 0 and 100%, got '{value}'",
                                  "首付比例应在 0 到 100% 之间，实际为 '{value}'"),
    "plan_type_unknown": Message("Unknown plan type '{value}' (allowed: {allowed})",
                                 "方案类型无法识别 '{value}'（可用：{allowed}）"),
    "plan_invoice_unknown": Message("Invoice '{value}' of the plan is not an invoice of customer {customer} "
                                    "in the ledger; left out of the plan",
                                    "计划中的单据 '{value}' 不是客户 {customer} 在台账中的单据，已排除"),
    "plan_invoice_twice": Message("Invoice '{value}' is already in plan {first}; left out of this plan",
                                  "单据 '{value}' 已在计划 {first} 中，本计划不再包含"),
    "plan_no_invoices": Message("The plan covers no invoice of the ledger", "该计划未涵盖台账中的任何单据"),
    "plan_duplicate": Message("Plan No '{value}' duplicates row {first}", "计划编号 '{value}' 与第 {first} 行重复"),
    "this_batch": Message("the {kind} of this batch", "本批次的{kind}"),
    "plan_broken": Message("Plan {plan} broken: installment {n} due {due} unpaid after {grace} grace days; "
                           "its invoices return to the ladder",
                           "分期计划 {plan} 违约：第 {n} 期（{due} 到期）宽限 {grace} 天后仍未还清，相关单据恢复按逾期天数催收"),
    "event_unknown": Message("Unknown event type '{value}' (allowed: {allowed})",
                             "事件类型无法识别 '{value}'（可用：{allowed}）"),
    "event_invoice_unknown": Message("Invoice '{value}' is not an invoice of customer {customer} in the ledger",
                                     "单据 '{value}' 不是客户 {customer} 在台账中的单据"),
    "limitation_alert": Message("Limitation period of {invoice} expires on {date} ({days} days left; "
                                "alert at {limit} days)",
                                "单据 {invoice} 的诉讼时效将于 {date} 届满（剩余 {days} 天，{limit} 天预警）"),
    "limitation_expired": Message("Limitation period of {invoice} expired on {date}",
                                  "单据 {invoice} 的诉讼时效已于 {date} 届满"),
    "enforcement_alert": Message("Enforcement of the judgment on {invoice} must be applied for by {date} "
                                 "({days} days left)",
                                 "单据 {invoice} 的判决须于 {date} 前申请强制执行（剩余 {days} 天）"),
    "score_invalid": Message("5C score must be a whole number 1-5, got '{value}'", "5C 评分应为 1-5 的整数，实际为 '{value}'"),
    # the Contacts sheet and the contact rules (issue 11)
    "contact_time_unrecognised": Message("Contact time not recognised '{value}'", "联络时间无法识别 '{value}'"),
    "channel_unknown": Message("Unknown channel '{value}' (allowed: {allowed})",
                               "渠道无法识别 '{value}'（可用：{allowed}）"),
    "relation_unknown": Message("Unknown relation '{value}' (allowed: {allowed})",
                                "对方身份无法识别 '{value}'（可用：{allowed}）"),
    "connected_unknown": Message("Connected must be Y or N, got '{value}'", "是否接通应填 是 或 否，实际为 '{value}'"),
    "outcome_unknown": Message("Unknown outcome '{value}' (allowed: {allowed})",
                               "联络结果无法识别 '{value}'（可用：{allowed}）"),
    "promise_field_missing": Message("{column} is required when the outcome is promise",
                                     "联络结果为承诺还款时必须填写{column}"),
    "promise_not_positive": Message("Promised amount must be positive '{value}'", "承诺金额应为正数 '{value}'"),
    "contact_unknown_customer": Message("Customer ID '{value}' is in neither the Ledger nor the Customers sheet",
                                        "客户编号 '{value}' 既不在应收台账中，也不在客户档案中"),
    "contact_invoice_foreign": Message("Invoice '{value}' is not an invoice of customer {customer} in the "
                                       "ledger; the contact counts for the customer as a whole",
                                       "单据 '{value}' 不是客户 {customer} 在台账中的单据，按客户整体处理"),
    "rule_window": Message("Contact at {time}, outside {start}–{end}", "联络时间 {time} 不在 {start}–{end} 之内"),
    "rule_connected_cap": Message("Connected call no. {n} with {customer} on {date} (at most {limit} a day)",
                                  "{date} 与 {customer} 第 {n} 次接通电话（每日最多 {limit} 次）"),
    "rule_attempt_cap": Message("Call attempt no. {n} to {customer} on {date} (at most {limit} a day)",
                                "{date} 对 {customer} 第 {n} 次拨打（每日最多 {limit} 次）"),
    "rule_third_party": Message("Contact with a third party: only the debtor, finance, a superior or a guarantor "
                                "may be asked to pay, and the debt must not be disclosed",
                                "联系了第三方：只能向债务人、财务部门、上级负责人或担保人催收，且不得向第三方披露债务"),
    "rule_wording": Message("Note contains banned wording '{word}'", "备注含违规用语 '{word}'"),
}

LETTER_MESSAGES: dict[str, Message] = {
    "cooldown": Message("{kind} for {customer} at stage {stage} already generated on {date} ({letter_no}); "
                        "cool-down {days} days",
                        "{customer} 在 {stage} 阶段的{kind}已于 {date} 生成（{letter_no}），冷却期 {days} 天"),
    "case_done": Message("case {case} already reviewed in {letter_no}", "案例 {case} 已生成复盘记录（{letter_no}）"),
    "plan_done": Message("plan {plan} already rendered in {letter_no}", "分期计划 {plan} 已生成协议（{letter_no}）"),
    "no_plans": Message("no plan row for customer {customer} in the Plans sheet",
                        "分期计划表中没有客户 {customer} 的计划"),
    "same_day_invoices": Message("{customer}: {invoices} already in {letter_no} today; no second letter about "
                                 "the same invoice on one day",
                                 "{customer}：单据 {invoices} 今日已在 {letter_no} 中发函，同一单据同日不重复发函"),
    "this_batch": Message("the {kind} of this batch", "本批次的{kind}"),
    "plan_broken": Message("plan {plan} is broken (installment {installment} unpaid): no agreement is rendered",
                           "分期计划 {plan} 已违约（第 {installment} 期未付），不生成协议"),
    "no_letter_due": Message("no letter due for {customer} (stage {stage})", "{customer} 当前无需发函（阶段 {stage}）"),
    "not_in_ledger": Message("customer {customer} has no open balance", "客户 {customer} 没有未收余额"),
    "no_cases": Message("no case row for customer {customer} in the Cases sheet",
                        "案例库中没有客户 {customer} 的案例"),
    "company_missing": Message("Company sheet: {fields} missing (needed for {kind})",
                               "公司信息表缺少：{fields}（{kind}需要）"),
    "customer_missing": Message("customer {customer}: {fields} missing in the Customers sheet",
                                "客户 {customer}：客户档案缺少 {fields}"),
    "foreign_currency": Message("invoices in {currency}: letters state CNY amounts only",
                                "单据币种为 {currency}：函件只能列示人民币金额"),
    "plan_currencies": Message("the plan's invoices are in {currency}: an installment agreement is in one "
                               "currency, so make one plan per currency",
                               "计划所列单据涉及 {currency} 多个币种：分期还款协议只能使用一种币种，请按币种分别制定计划"),
    "render_failed": Message("rendering failed: {reason}", "生成失败：{reason}"),
    "template_broken": Message("template {template} cannot be used: {reason}", "模板 {template} 无法使用：{reason}"),
    "log_unknown_kind": Message("Unknown letter kind '{value}'", "函件类型无法识别 '{value}'"),
    "case_no_customer": Message("Case row without Customer ID ignored", "案例行缺少客户编号，已忽略"),
    "recovered_letter": Message("letter file found after an interrupted run; logged now",
                                "上次中断的批次已生成此函件，现补记"),
    "void_number": Message("number reserved by an interrupted run; no letter was written",
                           "上次中断的批次预留了此编号，但未生成函件"),
    "company_unknown_key": Message("Unknown company item '{value}' ignored", "未知公司信息项 '{value}'，已忽略"),
    # the legal hand-off (issue 11)
    "disputed": Message("{customer}: no payment order, the debt is disputed ({reason}); a payment order is only "
                        "for undisputed money debts", "{customer}：不起草支付令，债务存在争议（{reason}）；支付令仅适用于无争议的金钱债务"),
    "dispute_contact": Message("Contacts row {row}: dispute on {date}", "联络记录第 {row} 行：{date} 提出异议"),
    "dispute_ledger": Message("invoice {invoice} is disputed in the Ledger", "台账中单据 {invoice} 状态为争议"),
    "no_overdue": Message("{customer}: nothing overdue to claim", "{customer}：没有可主张的逾期款项"),
    "credit_not_deducted": Message("Letter {letter_no} does not deduct the credit note(s) {customer} holds: {notes}; "
                                   "check the amount before it goes out",
                                   "函件 {letter_no} 未扣减客户 {customer} 持有的贷项（红字）单据：{notes}；寄出前请核对金额"),
    "court_missing": Message("Company sheet: the court for payment orders (court) is blank; the draft {letter_no} "
                             "leaves it to fill in",
                             "公司信息表未填写支付令管辖法院（court）；草稿 {letter_no} 中留空待填"),
    "gap_undelivered": Message("{kind} {letter_no}: no delivered date (proof of delivery missing)",
                               "{kind} {letter_no}：未记录送达日期（缺少送达证明）"),
    "gap_no_contract": Message("invoice {invoice}: no contract number", "单据 {invoice}：无合同编号"),
    "gap_expiry": Message("invoice {invoice}: limitation expires on {date}, in {days} days",
                          "单据 {invoice}：诉讼时效于 {date} 届满，剩余 {days} 天"),
    "gap_expired": Message("invoice {invoice}: limitation expired on {date}", "单据 {invoice}：诉讼时效已于 {date} 届满"),
}

WARNINGS: dict[str, Message] = {
    "early": Message("Overdue 1-{days} days is {share} of receivables (> {limit}): meet the department head",
                     "逾期{days}天内占应收 {share}（超过 {limit}）：约谈部门负责人"),
    "growth": Message("Overdue amount up {share} vs last month (> {limit}): meet the department head",
                      "逾期金额环比增长 {share}（超过 {limit}）：约谈部门负责人"),
}

INTEREST_BASIS_SHORT: dict[str, Message] = {
    "lpr": Message("LPR {rate} × {multiplier}", "一年期LPR {rate}×{multiplier}"),
    "daily": Message("{rate} per day", "每日{rate}"),
    "contract": Message("contract {rate} a year", "合同年利率{rate}"),
    "foreign": Message("{rate} a year (foreign currency)", "外币年利率{rate}"),
}

INTEREST_BASIS_TEXT: dict[str, Message] = {
    "lpr": Message("at {multiplier} times the one-year LPR of {rate}", "按一年期LPR {rate}的{multiplier}倍计算"),
    "lpr_mixed": Message("at {multiplier} times the one-year LPR in force the day after each due date ({rate})",
                         "按各笔逾期次日适用的一年期LPR（{rate}）的{multiplier}倍计算"),
    "daily": Message("at {rate} per day", "按每日{rate}计算"),
    "contract": Message("at the contract rate of {rate} a year", "按合同约定年利率{rate}计算"),
    "foreign": Message("at {rate} a year, the rate for debts in a foreign currency", "按外币欠款年利率{rate}计算"),
    "mixed": Message("at the agreed or statutory rate of each invoice ({rate})", "按各笔单据约定或法定利率（{rate}）计算"),
    "none": Message("no overdue interest", "无逾期利息"),
}

#: The centre of every printed page's footer of an output sheet.
PRINT_FOOTER = Message("As of {date}", "数据截至 {date}")


# ----- the collector's week (issue 11): call-list scripts and the best-channel line -----
# Script lines by customer type and stage group (collections-method.md §3); "other" = type unknown.
SCRIPTS: dict[tuple[str, str], Label] = {
    ("large", "early"): Label("Check where the invoice is in their approval flow and who signs next; offer to "
                              "send any missing document today.",
                              "了解发票在对方审批流程中的位置和下一位审批人，主动补送所缺单据。"),
    ("large", "mid"): Label("Ask the finance head for a payment date; mention that future orders and terms "
                            "depend on settling this.",
                            "请财务负责人给出付款日期，说明后续订单和账期安排取决于本笔结清。"),
    ("large", "late"): Label("Arrange a senior-level visit to agree a settlement; keep the tone cooperative "
                             "and record what is agreed.",
                             "安排高层拜访商定结清方案，保持合作语气，并记录达成的事项。"),
    ("sme", "early"): Label("Remind them of the amount and due date; ask whether cash flow allows paying on "
                            "time.", "提醒金额和到期日，询问资金周转能否按时付款。"),
    ("sme", "mid"): Label("Offer a plan: part payment now and the rest within 15 days, or 3-6 installments.",
                          "提出方案：先付一部分，余款15天内付清，或分3-6期还款。"),
    ("sme", "late"): Label("Propose restructuring: installments, goods or assets in lieu of payment; state the "
                           "next legal step plainly.",
                           "提出债务重组：分期、以货抵债或以资产抵债；如实说明下一步法律措施。"),
    ("individual", "early"): Label("A friendly personal reminder from the same agent: amount, due date and how "
                                   "to pay.", "由专属催收员友好提醒：金额、到期日和付款方式。"),
    ("individual", "mid"): Label("Personal call: pay in full this week and part of the late fee is waived.",
                                 "专人致电：本周内付清可减免部分滞纳金。"),
    ("individual", "late"): Label("Explain calmly that unpaid debts are reported to credit records; offer a "
                                  "fee waiver for paying now.",
                                  "平和说明欠款会影响信用记录；现在还款可减免部分费用。"),
    ("other", "early"): Label("Remind them of the amount and due date and confirm the payment arrangement.",
                              "提醒金额和到期日，确认付款安排。"),
    ("other", "mid"): Label("Ask for a firm payment date and amount; offer a short plan if needed.",
                            "请对方给出明确的付款日期和金额，必要时提出短期分期方案。"),
    ("other", "late"): Label("State the next step (lawyer's letter or suit) plainly and ask for settlement.",
                             "如实说明下一步措施（律师函或诉讼），要求结清欠款。"),
}

PROMISE_SCRIPTS: dict[str, Message] = {
    "promise_due": Message("Promise of {amount} due today: confirm the transfer.",
                           "承诺今日还款 {amount}：确认是否已转账。"),
    "promise_broken": Message("Promise of {amount} due {date} was not kept: ask why and for a new firm date.",
                              "承诺 {date} 还款 {amount} 未兑现：询问原因并要求新的明确日期。"),
}

BEST_CHANNEL = Message("{band}: {channel} works best ({rate} of {attempts} contacts succeeded)",
                       "{band}：{channel}效果最好（{attempts} 次联络成功率 {rate}）")

NO_BEST_CHANNEL = Message("{band}: too few contacts to compare channels (fewer than {minimum} per channel)",
                          "{band}：各渠道联络次数不足 {minimum} 次，无法比较")

