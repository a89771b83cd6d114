"""入账 / 报销 tracking: the states, marking, duplicates, the summary (CLI and screens)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the 入账 states: Chinese as the tax bureau's digital account words them
    "tracking.state.unbooked": ("未入账", "not booked"),
    "tracking.state.cit_deductible": (
        "入账（企业所得税税前扣除）",
        "booked (CIT, deductible)",
    ),
    "tracking.state.cit_not_deductible": (
        "入账（企业所得税不扣除）",
        "booked (CIT, not deductible)",
    ),
    "tracking.state.iit_deductible": (
        "入账（个人所得税经营所得税前扣除）",
        "booked (IIT business income, deductible)",
    ),
    "tracking.state.iit_not_deductible": (
        "入账（个人所得税经营所得不扣除）",
        "booked (IIT business income, not deductible)",
    ),
    "tracking.state.revoked": ("入账撤销", "booking revoked"),
    "tracking.state.booked_unrecorded": (
        "已入账（旧记录，未注明类别）",
        "booked (old record, kind not recorded)",
    ),
    "tracking.reimbursed": ("已报销", "reimbursed"),
    "tracking.not_reimbursed": ("未报销", "not reimbursed"),
    "lookup.label.booking": ("入账状态", "booking"),
    "lookup.label.booking_period": ("入账属期", "booking period"),
    "lookup.label.booked_by": ("入账人", "booked by"),
    "lookup.label.booked_at": ("入账时间", "booked at"),
    "lookup.label.claim_ref": ("报销单号", "claim"),
    "lookup.label.reimbursed_by": ("报销经办", "reimbursed by"),
    "lookup.label.reimbursed_at": ("报销时间", "reimbursed at"),
    "tracking.kind.booking": ("入账", "booking"),
    "tracking.kind.reimbursement": ("报销", "reimbursement"),
    # refusals (nothing was marked)
    "tracking.bad_identity": (
        "无法识别的发票：{value}（请写“发票代码 发票号码”或20位数电票号码）",
        "not an invoice identity: {value} (give “code number” or the 20-digit number)",
    ),
    "tracking.needs_code": (
        "{value} 只有8位号码：请同时写发票代码（“代码 号码”）",
        "{value} is an 8-digit number alone: give its code too (“code number”)",
    ),
    "tracking.bad_state": (
        "无法识别的入账状态：{value}。可选：未入账；入账（企业所得税税前扣除）；入账（企业所得税不扣除）；"
        "入账（个人所得税经营所得税前扣除）；入账（个人所得税经营所得不扣除）；入账撤销",
        "unknown booking state: {value}. One of: 未入账; 入账（企业所得税税前扣除）; "
        "入账（企业所得税不扣除）; 入账（个人所得税经营所得税前扣除）; 入账（个人所得税经营所得不扣除）; 入账撤销",
    ),
    "tracking.bad_period": (
        "属期应为 YYYY-MM：{value}",
        "the period must be YYYY-MM: {value}",
    ),
    "tracking.claim_too_long": (
        "报销单号最多 {n} 个字符",
        "the claim reference has at most {n} characters",
    ),
    "tracking.nothing_selected": ("没有选中任何发票", "no invoice selected"),
    "tracking.not_found": (
        "{n} 张发票不存在或不在本机构，均未标记：{names}",
        "{n} invoices not found here, nothing marked: {names}",
    ),
    "tracking.not_received": (
        "{n} 张是销项发票（只能标记收到的进项发票），均未标记：{names}",
        "{n} are issued invoices (only received ones are marked), nothing marked: {names}",
    ),
    "tracking.already_reimbursed": (
        "{n} 张发票已经报销过，不能再次报销，均未标记：{names}",
        "{n} invoices were already reimbursed and cannot be claimed again, nothing marked: {names}",
    ),
    "tracking.more": ("等（另有 {more} 张）", " and {more} more"),
    "tracking.option_needs": ("{option} 只能与 {needs} 一起用", "{option} goes with {needs} only"),
    "tracking.no_file": ("无法读取 {path}：{detail}", "cannot read {path}: {detail}"),
    "tracking.no_invoices_given": (
        "请给出发票（代码 号码，或20位号码），或用 --from 文件",
        "name the invoices (code number, or the 20-digit number), or --from FILE",
    ),
    # done
    "tracking.done_booking": (
        "已标记 {n} 张发票：{state}{period}（其中 {same} 张原本如此）",
        "{n} invoices marked: {state}{period} ({same} were so already)",
    ),
    "tracking.done_reimbursed": (
        "已标记 {n} 张发票为已报销{claim}",
        "{n} invoices marked reimbursed{claim}",
    ),
    "tracking.done_undo": (
        "已撤回 {n} 张发票的报销（其中 {same} 张原本未报销）",
        "reimbursement withdrawn for {n} invoices ({same} were not reimbursed)",
    ),
    "tracking.period_suffix": ("，属期 {period}", ", period {period}"),
    "tracking.claim_suffix": ("，报销单 {claim}", " on claim {claim}"),
    # duplicates
    "tracking.reimbursed_again": (
        "⚠ 已报销过的发票再次出现：{names}",
        "⚠ already reimbursed, seen again: {names}",
    ),
    "tracking.reimbursed_again_one": (
        "⚠ 此发票已报销（报销单 {claim}，{who}，{when}）——请勿重复报销",
        "⚠ this invoice was reimbursed already (claim {claim}, {who}, {when}): do not claim it "
        "again",
    ),
    "tracking.possible_duplicate": (
        "可能重复：同一销方、同一金额、日期相近的发票 {names}（请核对，不一定是同一张）",
        "possible duplicate: same seller, same total, close dates: {names} (check; not "
        "necessarily the same invoice)",
    ),
    "trouble.status.reimbursed": (
        "⚠ 此发票已报销过（报销单 {claim}，{who}，{when}）",
        "⚠ this invoice was reimbursed already (claim {claim}, {who}, {when})",
    ),
    "trouble.status.reimbursed_next": (
        "不要再次报销；如确属撤回后重报，请主管先撤回原报销",
        "do not claim it again; if the first claim was withdrawn, a supervisor undoes it first",
    ),
    # fapiao mark / summary --help
    "cli.help.mark": ("标记进项发票的入账/报销", "mark received invoices booked / reimbursed"),
    "cli.help.mark_invoices": (
        "发票：“代码,号码”或20位号码",
        "invoices: “code,number” or the 20-digit number",
    ),
    "cli.help.mark_booked": (
        "入账状态（如 入账（企业所得税税前扣除））",
        "booking state (e.g. 入账（企业所得税税前扣除）)",
    ),
    "cli.help.mark_period": (
        "入账属期 YYYY-MM（默认本月）",
        "tax period YYYY-MM (default: this month)",
    ),
    "cli.help.mark_reimbursed": ("标记为已报销", "mark reimbursed"),
    "cli.help.mark_claim": ("报销单号", "expense claim reference"),
    "cli.help.mark_undo": ("撤回报销（主管）", "withdraw the reimbursement (supervisor)"),
    "cli.help.mark_from": ("从文件读发票，每行一张", "read invoices from a file, one a line"),
    "cli.help.summary": ("进项发票入账/报销汇总", "summary of received invoices by state"),
    "cli.help.summary_from": ("开始日期", "from date"),
    "cli.help.summary_to": ("结束日期", "to date"),
    "cli.help.export_booked": ("只导出此入账状态", "only this booking state"),
    "cli.help.export_reimbursed": ("yes/no：只导出已报销/未报销", "yes/no: only (not) reimbursed"),
    "cli.help.export_keyword": (
        "关键词：名称、项目名称或备注中含有",
        "keyword in names, item names or remark",
    ),
    "cli.help.export_direction": ("只导出销项/进项", "only issued / received"),
    "export.bad_reimbursed": (
        "--reimbursed 应为 yes 或 no：{value}",
        "--reimbursed is yes or no: {value}",
    ),
    # summary
    "summary.title": ("进项发票汇总", "Received invoices: summary"),
    "summary.all": ("共 {n} 张，价税合计 {total}", "{n} invoices, total {total}"),
    "summary.by_state": ("按入账状态", "By booking state"),
    "summary.by_reimbursement": ("按报销", "By reimbursement"),
    "summary.by_month": ("按月份", "By month"),
    "summary.by_seller": ("按销方（金额最大的 {n} 家）", "By seller (largest {n})"),
    "summary.other_sellers": ("另有 {n} 家销方", "{n} more sellers"),
    "summary.col.key": ("项目", "item"),
    "summary.col.count": ("张数", "count"),
    "summary.col.total": ("价税合计", "total"),
    "summary.col.booked": ("已入账", "booked"),
    "summary.col.reimbursed": ("已报销", "reimbursed"),
    "summary.empty": ("还没有进项发票", "no received invoices yet"),
    "summary.loading": ("正在汇总…", "summing up…"),
    # screens
    "tui.screen.summary": ("入账报销汇总", "Tracking summary"),
    "tui.key.select": ("选择", "select"),
    "tui.key.mark": ("标记", "mark"),
    "tui.key.summary": ("汇总", "summary"),
    "tui.lookup.selected": ("已选 {n} 张", "{n} selected"),
    "tui.col.mark": ("标记", "Mark"),
    "tui.flag.reimbursed": ("已报销", "PAID"),
    "tui.flag.booked": ("已入账", "booked"),
    "tui.mark.title": ("标记 {n} 张发票", "Mark {n} invoices"),
    "tui.mark.reimbursed": ("已报销", "Reimbursed"),
    "tui.mark.undo": ("撤回报销", "Withdraw reimbursement"),
    "tui.mark.period": (
        "入账属期 YYYY-MM（默认本月）",
        "period YYYY-MM (default: now)",
    ),
    "tui.mark.claim": ("报销单号（报销时）", "claim reference (reimbursement)"),
    "tui.mark.hint": (
        "↑↓ 选择  Tab 填属期/单号  Enter 确定  Esc 取消",
        "↑↓ choose  Tab period/claim  Enter apply  Esc cancel",
    ),
    "tui.mark.working": ("正在标记 {n} 张发票…", "marking {n} invoices…"),
    "tui.mark.none": (
        "请先在结果中选择发票（空格键），或把光标放在一张上",
        "select invoices in the results first (Space), or put the cursor on one",
    ),
    "tui.mark.issued": (
        "开出的发票不做入账/报销标记：只能标记收到的发票（进项）",
        "issued invoices are not booked or reimbursed here: only received ones can be marked",
    ),
    "tui.detail.booking": ("入账", "Booking"),
    "tui.detail.reimbursement": ("报销", "Reimbursement"),
    "tui.detail.migrated": ("{state}（启用跟踪前的记录）", "{state} (recorded before tracking)"),
    "tui.detail.marked_by": ("{state}（{who}，{when}）", "{state} ({who}, {when})"),
    "tui.help.key_f9": (
        "F9 标记所选发票的入账/报销（查询页，空格键选择）",
        "F9 mark the selected invoices booked/reimbursed (lookup; Space selects)",
    ),
    "tui.help.key_f10": ("F10 入账报销汇总", "F10 tracking summary"),
    "tui.audit.action.mark": ("标记入账/报销", "mark booked/reimbursed"),
}
