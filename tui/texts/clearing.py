"""Texts of the F4 clearing wizard and the clearing log screen (the flow's own words are in
``storage/messages/clearing.py``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "tui.screen.clearing_log": ("清卡记录", "Clearing log"),
    # the step indicator
    "tui.clear.step.preflight": ("检查", "Checks"),
    "tui.clear.step.report": ("抄税", "Report"),
    "tui.clear.step.kind": ("类型", "Kind"),
    "tui.clear.step.scan": ("核对", "Scan"),
    "tui.clear.step.execute": ("清卡", "Clear"),
    "tui.clear.step.results": ("结果", "Results"),
    # what the wizard is about
    "tui.clear.info": ("所属期 {period} · 税控盘 {device}", "period {period} · disk {device}"),
    "tui.clear.info_unknown": (
        "所属期未知：税控盘未连接",
        "period unknown: the disk is not connected",
    ),
    "tui.clear.locked_by": (
        "{user} 正在清卡（自 {since}，终端 {terminal}）",
        "{user} is clearing (since {since}, terminal {terminal})",
    ),
    "tui.clear.checking": ("正在检查…", "checking…"),
    "tui.clear.no_disk": (
        "税控盘未连接：检查连接线和电源后按 R 重新检查",
        "the disk is not connected: check its cable and power, then press R",
    ),
    "tui.clear.busy": ("上一步还在进行，请稍候", "the last step is still running; please wait"),
    # the checks' short names (the rows of the preflight)
    "tui.clear.name.disk": ("税控盘", "disk"),
    "tui.clear.name.clock": ("时钟", "clock"),
    "tui.clear.name.service": ("税务服务", "service"),
    "tui.clear.name.window": ("征期", "window"),
    "tui.clear.name.offline": ("离线发票", "offline"),
    "tui.clear.name.backup": ("备份", "backup"),
    "tui.clear.name.peak": ("高峰时段", "peak hour"),
    "tui.clear.name.filed": ("申报", "return"),
    "tui.clear.recommended": ("建议：{kind} —— {why}", "recommended: {kind} — {why}"),
    "tui.clear.recommended_none": ("建议：{why}", "recommended: {why}"),
    "tui.clear.filed_on": (
        "已确认本期纳税申报已完成",
        "confirmed: this period's tax return is filed",
    ),
    "tui.clear.filed_off": (
        "已撤销“本期已申报”的确认",
        "the 'return filed' confirmation is withdrawn",
    ),
    "tui.clear.nothing_offline": (
        "没有需要上传的离线发票",
        "there are no offline invoices to upload",
    ),
    # keys of each step (the bottom line)
    "tui.clear.key.login": ("登录", "Log in"),
    "tui.clear.key.upload": ("上传", "Upload"),
    "tui.clear.key.backup": ("备份", "Back up"),
    "tui.clear.key.filed": ("已申报", "Filed"),
    "tui.clear.key.recheck": ("重查", "Recheck"),
    "tui.clear.key.next": ("下一步", "Next"),
    "tui.clear.key.log": ("记录", "Log"),
    "tui.clear.key.back": ("返回", "Back"),
    "tui.clear.key.previous": ("上一步", "Previous"),
    "tui.clear.key.report": ("上报汇总", "Report"),
    "tui.clear.key.choose": ("选择", "Choose"),
    "tui.clear.key.types": ("选票种", "Types"),
    "tui.clear.key.move": ("切换", "Move"),
    "tui.clear.key.clear": ("清卡", "Clear"),
    "tui.clear.key.rescan": ("重新核对", "Rescan"),
    "tui.clear.key.retry": ("重试失败", "Retry failed"),
    "tui.clear.key.done": ("完成", "Done"),
    "tui.clear.key.quit": ("退出", "Quit"),
    "tui.clear.key.export": ("导出", "Export"),
    "tui.clear.key.filter": ("筛选", "Filter"),
    # the PIN
    "tui.clear.pin_title": ("输入税控盘口令", "The disk's PIN"),
    "tui.clear.pin_note": (
        "口令只用于这一次登录，不保存；留空则用钥匙串中保存的口令",
        "used for this one log-in and kept nowhere; empty uses the keyring's PIN",
    ),
    "tui.clear.logging_in": ("正在登录税控盘…", "logging in to the disk…"),
    # upload, backup, report
    "tui.clear.uploading": ("上传离线发票", "uploading"),
    "tui.clear.uploaded": (
        "已上传 {ok} 张离线发票，失败 {failed} 张",
        "uploaded {ok} offline invoices, {failed} failed",
    ),
    "tui.clear.backing_up": ("备份并验证", "backing up"),
    "tui.clear.backed_up": ("已备份并验证：{id}", "backed up and verified: {id}"),
    "tui.clear.reporting": ("上报汇总", "reporting"),
    "tui.clear.report_intro": (
        "票种 {types} 尚未抄税：清卡前先上报汇总。按 ⏎ 上报汇总",
        "types {types} are not reported: report the summary before clearing. Press ⏎ to report",
    ),
    "tui.clear.report_done": (
        "上报汇总完成：按 ⏎ 选择清卡类型",
        "report done: press ⏎ to choose the kind",
    ),
    # the kind
    "tui.clear.kind_title": ("选择清卡类型（↑↓ 选择）", "choose the kind of clear (↑↓)"),
    "tui.clear.recommended_mark": ("（建议）", " (recommended)"),
    "tui.clear.types_label": ("票种（空格选中或取消）", "types (Space selects or drops)"),
    "tui.clear.reason_label": ("原因", "Reason"),
    "tui.clear.reason_placeholder": ("特殊清卡必须填写原因", "a special clear needs a reason"),
    "tui.clear.no_types": ("本期没有可选的票种", "no type of this period to choose"),
    # the scan
    "tui.clear.scanning": ("正在核对税控盘与本系统…", "comparing the disk with this store…"),
    "tui.clear.col.type": ("票种", "type"),
    "tui.clear.col.state": ("状态", "state"),
    "tui.clear.col.count": ("张数", "count"),
    "tui.clear.col.void": ("作废", "void"),
    "tui.clear.col.red": ("红冲", "red"),
    "tui.clear.col.amount": ("金额", "amount"),
    "tui.clear.col.tax": ("税额", "tax"),
    "tui.clear.col.store": ("本系统", "store"),
    "tui.clear.synced": (
        "核对前已从税控盘同步 {n} 条记录",
        "{n} records synced from the disk first",
    ),
    "tui.clear.offline": ("离线发票：{numbers}", "offline invoices: {numbers}"),
    "tui.clear.plan": (
        "将执行：{kind}，所属期 {period}，票种 {types}",
        "to run: {kind} of {period}, types {types}",
    ),
    "tui.clear.plan_retry": (
        "（重试第 {id} 次清卡中失败的票种）",
        "(retrying the failed types of clear #{id})",
    ),
    "tui.clear.press_clear": (
        "核对无误后按 ⏎，由主管确认后清卡",
        "when it looks right press ⏎: a supervisor confirms, then the clear runs",
    ),
    # the supervisor's confirmation
    "tui.clear.confirm_title": (
        "主管确认：{kind}（所属期 {period}）",
        "supervisor confirms: {kind} of {period}",
    ),
    "tui.clear.confirm_note": (
        "请主管输入自己的用户名和密码（店员打开向导时也需要）",
        "a supervisor enters their own user name and password (also when a clerk opened this)",
    ),
    "tui.clear.username": ("用户名", "User"),
    "tui.clear.password": ("密码", "Password"),
    "tui.clear.authenticating": ("正在核对密码…", "checking the password…"),
    # running and the results
    "tui.clear.running": ("正在{cmd}：请勿拔出税控盘", "{cmd} running: do not unplug the disk"),
    "tui.clear.waiting": ("已发送，等待税控盘…", "sent; waiting for the disk…"),
    "tui.clear.busy_quit": (
        "正在清卡，确定退出？\n税控盘会把清卡做完；下次启动时核实结果，切勿重复清卡",
        "A clear is running. Quit anyway?\nThe disk finishes it; the next start checks the result. Do not clear again",
    ),
    "tui.clear.busy_quit_step": ("正在{what}，确定退出？", "{what} is running. Quit anyway?"),
    "tui.clear.result_title": (
        "清卡结果（所属期 {period}）：{state}",
        "clear of {period}: {state}",
    ),
    "tui.clear.result_retry": ("按 R 只重试失败的票种", "press R to retry only the failed types"),
    "tui.clear.preparing_retry": ("正在准备重试 {types}…", "preparing the retry of {types}…"),
    "tui.clear.refused_with_fix": ("{text}\n处理办法：{fix}", "{text}\nwhat to do: {fix}"),
    # the log screen
    # the kind in the history's table: "clear" goes without saying there
    "tui.clear_log.kind.ordinary": ("普通清卡", "ordinary"),
    "tui.clear_log.kind.special": ("特殊清卡", "special"),
    "tui.clear_log.kind.specific": ("专项清卡", "specific"),
    "tui.clear_log.kind.annual": ("年度清卡", "annual"),
    "tui.clear_log.filter.period": ("所属期", "Period"),
    "tui.clear_log.filter.state": ("结果", "Result"),
    "tui.clear_log.filter.user": ("人员", "User"),
    "tui.clear_log.state_all": ("全部", "all"),
    "tui.clear_log.loading": ("正在读取清卡记录…", "reading the clearing history…"),
    "tui.clear_log.none": ("没有符合条件的清卡记录", "no clear matches"),
    "tui.clear_log.count": ("{n} 次清卡（最新的在上）", "{n} clears (newest first)"),
    "tui.clear_log.bad_period": (
        "所属期格式应为 YYYY-MM：{text}",
        "the period must be YYYY-MM: {text}",
    ),
    "tui.clear_log.detail": ("交易 {txn} · 结束 {finished}", "txn {txn} · finished {finished}"),
    "tui.clear_log.where": (
        "清卡前备份 {backup} · 终端 {terminal}",
        "backup first {backup} · terminal {terminal}",
    ),
    "tui.clear_log.reason": ("原因：{reason}", "reason: {reason}"),
    "tui.clear_log.scan": (
        "清卡时核对：{n} 处差异；税控盘日志 {entries} 条",
        "scan at the time: {n} differences; {entries} disk log entries",
    ),
    "tui.clear_log.hints": (
        "Enter 应用筛选 · Tab 切换 · X 导出 · Esc 返回清卡",
        "Enter applies filters · Tab moves · X export · Esc back to clearing",
    ),
    "tui.clear_log.export_title": (
        "导出清卡记录（当前筛选）",
        "Export the clearing history (as filtered)",
    ),
    "tui.clear_log.export_label": ("文件", "File"),
    "tui.clear_log.export_placeholder": (
        "例如 清卡记录.xlsx（.xlsx 或 .csv）",
        "e.g. clears.xlsx (.xlsx or .csv)",
    ),
    "tui.clear_log.exported": ("已导出 {n} 条到 {path}", "exported {n} rows to {path}"),
    "tui.clear_log.export_failed": ("导出失败：{detail}", "export failed: {detail}"),
}
