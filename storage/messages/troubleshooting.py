"""Texts of the troubleshooting checklist (source material 003: why an invoice can't be found)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "trouble.state.pass": ("✓ 通过", "✓ pass"),
    "trouble.state.warn": ("! 注意", "! attention"),
    "trouble.state.fail": ("✗ 未通过", "✗ fail"),
    "trouble.state.unknown": ("? 无法自动检查", "? cannot check"),
    "trouble.state.manual": ("☐ 请人工确认", "☐ confirm by hand"),
    "trouble.state.ticked": ("☑ 已人工确认", "☑ confirmed by hand"),
    "trouble.sync.title": ("1. 数据是否已同步", "1. Is the data synced"),
    "trouble.sync.no_disk": (
        "未连接税控盘，无法比对盘上记录",
        "no disk connected: cannot compare with the disk's records",
    ),
    "trouble.sync.no_disk_next": (
        "连接税控盘后重新检查；或等待一段时间后再查询",
        "connect the disk and check again, or wait a while and look again",
    ),
    "trouble.sync.behind": (
        "税控盘上有 {n} 条记录尚未同步到本系统",
        "{n} records on the disk are not yet in the store",
    ),
    "trouble.sync.behind_next": (
        "执行同步（发票查询页面或 fapiao sync）",
        "sync (lookup screen or fapiao sync)",
    ),
    "trouble.sync.ok": (
        "本系统与税控盘记录一致（至第 {seq} 条）",
        "store and disk agree (up to record {seq})",
    ),
    "trouble.status.title": ("2. 发票状态", "2. Invoice status"),
    "trouble.status.none": ("未输入发票号码，无法检查状态", "no invoice number given"),
    "trouble.status.none_next": ("在信息核对中填写发票代码和号码", "fill in the code and number"),
    "trouble.status.missing": ("本系统中没有这张发票", "this invoice is not in the store"),
    "trouble.status.missing_next": (
        "按发票查询页面的诊断逐项排查（可能输入有误或尚未同步）",
        "follow the lookup screen's diagnosis (a typing error, or not synced yet)",
    ),
    "trouble.status.normal": ("发票状态正常", "the invoice is in normal status"),
    "trouble.status.bad": ("发票状态为「{status}」", "the invoice's status is {status}"),
    "trouble.status.bad_next": (
        "与开票方确认发票真实状态，需要时请其重新开具",
        "confirm the real status with the issuer; ask for a new invoice if needed",
    ),
    "trouble.notices.title": ("3. 系统公告", "3. System notices"),
    "trouble.notices.none": ("没有已知的系统维护或故障公告", "no known maintenance or outage"),
    "trouble.notices.some": ("当前公告：{text}", "current notices: {text}"),
    "trouble.notices.next": ("维护结束后再次查询", "look again after the maintenance"),
    "trouble.network.title": ("4. 网络与税控盘", "4. Network and disk"),
    "trouble.network.unknown": ("未配置税控盘，无法检查连接", "no disk configured: cannot check"),
    "trouble.network.unknown_next": (
        "确认本机能上网、能打开电子税务局；确认后勾选此项",
        "check this machine reaches the internet and the tax bureau's site, then tick this",
    ),
    "trouble.network.disk_down": (
        "税控盘未连接或无响应",
        "the disk is not connected or not answering",
    ),
    "trouble.network.disk_down_next": (
        "检查税控盘连线和电源，再按 F6 查看",
        "check the disk's cable and power, then F6",
    ),
    "trouble.network.service_down": (
        "税控盘无法连接税务服务器",
        "the disk cannot reach the tax service",
    ),
    "trouble.network.service_down_next": ("检查网络，稍后再试", "check the network, try later"),
    "trouble.network.ok": ("税控盘已连接，税务服务器可达", "disk connected, tax service reachable"),
    "trouble.permission.title": ("5. 用户权限", "5. Permission"),
    "trouble.permission.other_branch": (
        "该发票属于其他分支机构，您无权查看",
        "the invoice belongs to another branch you may not see",
    ),
    "trouble.permission.other_branch_next": (
        "请管理员或主管协助查询",
        "ask a supervisor to look it up",
    ),
    "trouble.permission.ok": (
        "您可以查看本分支（{branch}）的发票",
        "you may see invoices of {branch}",
    ),
    "trouble.fields.title": ("6. 信息准确性", "6. Field accuracy"),
    "trouble.fields.none": ("尚未填写发票信息", "no fields filled in yet"),
    "trouble.fields.errors": ("有 {n} 项错误：{fields}", "{n} fields wrong: {fields}"),
    "trouble.fields.warnings": ("有 {n} 项需注意：{fields}", "{n} fields need attention: {fields}"),
    "trouble.fields.ok": ("已填写的各项均通过核对", "every field filled in passes"),
    "trouble.fields.next": (
        "按提示更正后再查询；票面信息有误请联系开票方",
        "correct them; if the invoice itself is wrong, contact the issuer",
    ),
    "trouble.terminal.title": ("7. 终端兼容性", "7. Terminal compatibility"),
    "trouble.terminal.ok": (
        "终端 {width}×{height}，{colors} 色，编码 {encoding}",
        "terminal {width}×{height}, {colors} colours, {encoding}",
    ),
    "trouble.terminal.unknown": ("无法测量终端", "the terminal could not be measured"),
    "trouble.terminal.unknown_next": (
        "确认中文显示正常、窗口不小于 80×24；确认后勾选此项",
        "check Chinese shows correctly and the window is at least 80×24, then tick this",
    ),
    "trouble.terminal.small": (
        "终端只有 {width}×{height}，小于 80×24",
        "the terminal is {width}×{height}, smaller than 80×24",
    ),
    "trouble.terminal.small_next": ("放大终端窗口，或调整字体", "enlarge the terminal window"),
    "trouble.terminal.encoding": (
        "终端编码为 {encoding}，中文可能显示乱码",
        "terminal encoding {encoding}: Chinese may be garbled",
    ),
    "trouble.terminal.encoding_next": (
        "将终端设为 UTF-8（如 LANG=zh_CN.UTF-8）",
        "set the terminal to UTF-8 (e.g. LANG=zh_CN.UTF-8)",
    ),
    "trouble.next.none": ("无需处理", "nothing to do"),
    "trouble.next.support": ("仍无法解决时请联系：{contacts}", "still stuck? contact: {contacts}"),
}

MESSAGES.update(
    {
        "report.title": ("发票信息核对报告", "Invoice check report"),
        "report.when": (
            "生成时间：{when}　操作员：{user}　分支：{branch}",
            "made {when} by {user} at {branch}",
        ),
        "report.fields": ("一、字段核对", "1. Fields"),
        "report.checklist": ("二、排查清单", "2. Checklist"),
        "report.conflicts": ("三、与系统记录不一致", "3. Differences from the stored invoice"),
        "report.col.field": ("项目", "field"),
        "report.col.value": ("填写值", "entered"),
        "report.col.verdict": ("结果", "verdict"),
        "report.col.reason": ("说明", "reason"),
        "report.col.stored": ("系统记录", "stored"),
        "report.col.item": ("检查项", "item"),
        "report.col.state": ("状态", "state"),
        "report.col.checked": ("检查情况", "found"),
        "report.col.next": ("下一步", "next step"),
        "report.none": ("无", "none"),
    }
)
