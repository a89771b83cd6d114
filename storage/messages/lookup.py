"""Texts of the lookup engine, its diagnosis and ``fapiao lookup``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "lookup.problem.too_short": (
        "请至少输入两个字，或完整的号码、代码、税号",
        "type at least two characters, or a whole number, code or tax id",
    ),
    "lookup.problem.too_long": (
        "查询内容太长（{n} 个字）：最多 {limit} 个字，请输入号码、代码、税号、金额或名称",
        "the text is too long ({n} characters): at most {limit}; "
        "give a number, code, tax id, amount or name",
    ),
    "lookup.failed": (
        "查询失败（数据库未能执行这次查询，已记录日志）：{detail}",
        "the lookup failed (the store could not run this search; written to the log): {detail}",
    ),
    "lookup.problem.bad_qr": (
        "二维码内容无法识别：请重新扫描，或手工输入发票号码",
        "the QR string cannot be read: scan it again or type the invoice number",
    ),
    "lookup.field.number": ("发票号码", "the invoice number"),
    "lookup.field.code": ("发票代码", "the invoice code"),
    "lookup.field.tax_id": ("税号", "the tax id"),
    # 1. not synced
    "lookup.not_synced.title": (
        "税控盘上有尚未同步的发票",
        "the disk holds invoices not synced yet",
    ),
    "lookup.not_synced.detail": (
        "税控盘最新记录序号为 {disk}，本系统只同步到 {store}：这张发票可能还在盘上。",
        "the disk's newest record is {disk}, the store has synced up to {store}: "
        "the invoice may still be on the disk.",
    ),
    "lookup.not_synced.action": ("同步", "Sync"),
    # 2. typed wrong
    "lookup.typed_wrong.leading_zeros.title": (
        "{field}开头的 0 可能漏了",
        "{field} may have lost its leading zeros",
    ),
    "lookup.typed_wrong.leading_zeros.detail": (
        "发票号码为 8 位（数电票 20 位），您输入了 {n} 位；补齐开头的 0 后找到了下面的发票。",
        "invoice numbers have 8 digits (digital invoices 20); you typed {n}. "
        "With the leading zeros back, the invoices below exist.",
    ),
    "lookup.typed_wrong.swapped.title": (
        "{field}可能有相邻两位颠倒",
        "two neighbouring characters of {field} may be swapped",
    ),
    "lookup.typed_wrong.swapped.detail": (
        "下面的发票与您输入的只差相邻两位的顺序。",
        "the invoices below differ from what you typed by two neighbours swapped.",
    ),
    "lookup.typed_wrong.changed.title": (
        "{field}可能有一位输错",
        "one character of {field} may be wrong",
    ),
    "lookup.typed_wrong.changed.detail": (
        "下面的发票与您输入的只差一位。",
        "the invoices below differ from what you typed in one character.",
    ),
    "lookup.typed_wrong.dropped.title": (
        "{field}可能漏输了一位",
        "{field} may be missing a character",
    ),
    "lookup.typed_wrong.dropped.detail": (
        "下面的发票比您输入的多一位，其余相同。",
        "the invoices below have one character more than what you typed, the rest the same.",
    ),
    "lookup.typed_wrong.extra.title": (
        "{field}可能多输了一位",
        "{field} may have one character too many",
    ),
    "lookup.typed_wrong.extra.detail": (
        "下面的发票比您输入的少一位，其余相同。",
        "the invoices below have one character less than what you typed, the rest the same.",
    ),
    "lookup.typed_wrong.code_number_swapped.title": (
        "发票代码和发票号码可能填反了",
        "the invoice code and number may be swapped",
    ),
    "lookup.typed_wrong.code_number_swapped.detail": (
        "以代码 {code}、号码 {number} 查询找到了下面的发票。",
        "with code {code} and number {number} the invoices below exist.",
    ),
    "lookup.typed_wrong.joined.title": (
        "发票代码和号码可能连在一起输入了",
        "the invoice code and number may have been typed as one",
    ),
    "lookup.typed_wrong.joined.detail": (
        "拆成代码 {code} 和号码 {number} 后找到了下面的发票。",
        "split into code {code} and number {number}, the invoices below exist.",
    ),
    "lookup.typed_wrong.other_code.title": (
        "发票号码存在，但发票代码不同",
        "the invoice number exists with another code",
    ),
    "lookup.typed_wrong.other_code.detail": (
        "号码 {number} 的发票代码不是 {code}：请核对发票代码。",
        "number {number} exists, but not with code {code}: check the code.",
    ),
    "lookup.typed_wrong.total_for_amount.title": (
        "可能把价税合计当成了不含税金额",
        "the total (tax included) may have been given for the amount before tax",
    ),
    "lookup.typed_wrong.total_for_amount.detail": (
        "这张发票的价税合计是 {given}，不含税金额是 {amount}；查验要用不含税金额。",
        "this invoice's total is {given} and its amount before tax {amount}; "
        "verification asks for the amount before tax.",
    ),
    "lookup.typed_wrong.amount_for_total.title": (
        "可能把不含税金额当成了价税合计",
        "the amount before tax may have been given for the total",
    ),
    "lookup.typed_wrong.amount_for_total.detail": (
        "这张发票的不含税金额是 {given}，价税合计是 {total}；数电票查验要用价税合计。",
        "this invoice's amount before tax is {given} and its total {total}; "
        "digital invoices are verified with the total.",
    ),
    "lookup.typed_wrong.amount_differs.title": (
        "发票代码、号码一致，但金额不符",
        "the code and number match but the amount differs",
    ),
    "lookup.typed_wrong.amount_differs.detail": (
        "您给出的金额是 {given}，本系统记录的不含税金额 {amount}、价税合计 {total}："
        "请核对发票原件，必要时联系开票方。",
        "you gave {given}; the store holds amount {amount}, total {total}: "
        "check the paper invoice and ask the issuer if needed.",
    ),
    "lookup.typed_wrong.same_amount_nearby.title": (
        "相近日期有同金额的发票",
        "invoices with the same amount on nearby days",
    ),
    "lookup.typed_wrong.same_amount_nearby.detail": (
        "{date} 前后 {days} 天内，金额或价税合计为 {amount} 的发票如下。",
        "invoices within {days} days of {date} whose amount or total is {amount}.",
    ),
    "lookup.typed_wrong.action": (
        "核对发票原件，打开下面的候选发票",
        "check the paper invoice and open one of the candidates below",
    ),
    # 3. filtered out
    "lookup.filtered_out.title": (
        "发票已作废或红冲，当前视图未显示",
        "the invoice is void or red-reversed, and the view hides those",
    ),
    "lookup.filtered_out.detail": (
        "有 {n} 张符合的发票因状态为作废或红冲而被隐藏。",
        "{n} matching invoices are hidden because they are void or red-reversed.",
    ),
    "lookup.filtered_out.action": ("显示作废/红冲发票", "Show void and red invoices"),
    # 4. another branch
    "lookup.other_branch.title": (
        "该发票属于其他分支机构，您无权查看",
        "the invoice belongs to another branch, which you may not see",
    ),
    "lookup.other_branch.detail": (
        "本系统有这张发票，但不在您所属的分支机构。",
        "the store holds this invoice, outside your branch.",
    ),
    "lookup.other_branch.action": (
        "请联系主管或该分支机构查询",
        "ask a supervisor or that branch to look it up",
    ),
    # 5. too new
    "lookup.too_new.title": (
        "发票今天才开具，税务局查验要到明天（T+1）",
        "issued today: the tax bureau can verify it from tomorrow (T+1)",
    ),
    "lookup.too_new.detail": (
        "开票日期 {date} 是今天：全国增值税发票查验平台次日起才能查到。",
        "the issue date {date} is today: the national verification service has it from the next day.",
    ),
    "lookup.too_new.action": ("明天再查验", "Verify again tomorrow"),
    "lookup.too_old.title": (
        "发票开具已超过 5 年，超出查验范围",
        "issued over five years ago: beyond what can be verified",
    ),
    "lookup.too_old.detail": (
        "开票日期 {date} 距今已超过 5 年：全国增值税发票查验平台只能查验近 5 年开具的发票，"
        "本系统和税控盘也可能从未记录过这么早的发票。",
        "issued {date}, over five years ago: the national verification service only covers "
        "the last five years, and this store and the disk may never have held an invoice that old.",
    ),
    "lookup.too_old.action": (
        "请向对方索取发票原件或记账凭证核对",
        "Check it against the original or the books",
    ),
    # 6. not here
    "lookup.not_here.title": ("本系统中没有这张发票", "this invoice is not in the store"),
    "lookup.not_here.detail": (
        "1. 核对发票信息：号码、代码、开票日期、金额、购买方与发票原件一致\n"
        "2. 等待数据同步后再查（通常几分钟到几小时）\n"
        "3. 检查网络连接是否正常\n"
        "4. 确认发票状态（是否作废、红冲），联系开票方\n"
        "5. 权限不足时请管理员开通\n"
        "6. 仍找不到：备好发票扫描件和号码、代码、日期，联系客服或技术支持",
        "1. Check the invoice's details: number, code, date, amount and buyer as on the paper\n"
        "2. Wait for the data to sync, then look again (minutes to hours)\n"
        "3. Check the network connection\n"
        "4. Confirm the invoice's status (void, red) with the issuer\n"
        "5. If access is missing, ask the administrator\n"
        "6. Still missing: with a scan, the buyer, date, number and code at hand, "
        "contact support",
    ),
    "lookup.not_here.detail_after": (
        "如果以上都不符合：\n",
        "If none of the above applies:\n",
    ),
    "lookup.not_here.action": (
        "核对发票原件；稍后再查；联系开票方或客服",
        "check the paper invoice; look again later; contact the issuer or support",
    ),
    # detail view labels
    "lookup.label.type": ("发票类型", "type"),
    "lookup.label.code": ("发票代码", "code"),
    "lookup.label.number": ("发票号码", "number"),
    "lookup.label.date": ("开票日期", "date"),
    "lookup.label.check_code": ("校验码", "check code"),
    "lookup.label.amount": ("金额（不含税）", "amount before tax"),
    "lookup.label.tax": ("税额", "tax"),
    "lookup.label.total": ("价税合计", "total"),
    "lookup.label.rate": ("税率", "rate"),
    "lookup.label.buyer_name": ("购买方名称", "buyer"),
    "lookup.label.buyer_tax_id": ("购买方税号", "buyer's tax id"),
    "lookup.label.seller_name": ("销售方名称", "seller"),
    "lookup.label.seller_tax_id": ("销售方税号", "seller's tax id"),
    "lookup.label.status": ("状态", "status"),
    "lookup.label.red_of": ("对应蓝字发票", "reverses invoice"),
    "lookup.label.direction": ("方向", "direction"),
    "lookup.label.reimbursed": ("报销", "reimbursed"),
    "lookup.label.branch": ("分支机构", "branch"),
    "lookup.label.source": ("来源", "source"),
    "lookup.label.synced_at": ("同步时间", "synced at"),
    "lookup.label.remark": ("备注", "remark"),
    "lookup.label.counterparty": ("对方单位", "counterparty"),
    "lookup.label.line_item": ("项目", "item"),
    "lookup.label.line_spec": ("规格型号", "spec"),
    "lookup.label.line_unit": ("单位", "unit"),
    "lookup.label.line_quantity": ("数量", "quantity"),
    "lookup.label.line_unit_price": ("单价", "unit price"),
    "lookup.label.line_amount": ("金额", "amount"),
    "lookup.label.line_rate": ("税率", "rate"),
    "lookup.label.line_tax": ("税额", "tax"),
    "lookup.yes": ("是", "yes"),
    "lookup.no": ("否", "no"),
    # fapiao lookup
    "lookup.cli.found": ("找到 {n} 张发票", "{n} invoices found"),
    "lookup.cli.more": (
        "只显示最新的 {n} 张，还有更多：请输入更完整的查询",
        "showing the newest {n}, there are more: narrow the query",
    ),
    "lookup.cli.not_found": ("没有找到“{query}”", "nothing found for “{query}”"),
    "lookup.cli.causes": ("可能的原因（最可能的在前）：", "possible causes, most likely first:"),
    "lookup.cli.action": ("处理：{action}", "what to do: {action}"),
    "lookup.cli.empty": ("请输入要查询的内容", "give something to look up"),
}
