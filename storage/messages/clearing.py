"""Texts of clearing (清卡): preflight checks and their fixes, kinds, the scan, results, the
history and the errors of the flow."""

MESSAGES: dict[str, tuple[str, str]] = {
    # kinds
    "clear.kind.ordinary": ("普通清卡", "ordinary clear"),
    "clear.kind.special": ("特殊清卡", "special clear"),
    "clear.kind.specific": ("专项清卡", "specific clear"),
    "clear.kind.annual": ("年度清卡", "annual clear"),
    "clear.kind_help.ordinary": (
        "所有票种都已抄税：一次清完本期所有票种",
        "every type is reported: clear every type of the period at once",
    ),
    "clear.kind_help.special": (
        "票种已锁死或上次清卡失败时使用，必须填写原因",
        "for a locked type or one whose clear failed; a reason is required",
    ),
    "clear.kind_help.specific": (
        "只清指定的几个票种（每个都须已抄税）",
        "clear only the types you list (each must be reported)",
    ),
    "clear.kind_help.annual": (
        "12 月所属期的清卡，同时完成年度结转",
        "the clear of a December period, which also closes the year",
    ),
    "clear.why.locked": (
        "票种 {types} 已锁死：需特殊清卡并填写原因",
        "type {types} is locked: a special clear with a reason is needed",
    ),
    "clear.why.annual": (
        "所属期 {period} 是 12 月：年度清卡",
        "period {period} is December: annual clear",
    ),
    "clear.why.some": (
        "只有 {types} 已抄税：专项清卡这些票种",
        "only {types} are reported: a specific clear of those",
    ),
    "clear.why.all": ("所有票种都已抄税：普通清卡", "every type is reported: ordinary clear"),
    "clear.why.report_first": (
        "票种 {types} 尚未抄税：请先上报汇总",
        "type {types} is not reported yet: report the summary first",
    ),
    "clear.why.nothing": ("本期没有需要清卡的票种", "nothing is due for clearing in this period"),
    # disk states (PROTOCOL.md)
    "clear.state.issuing": ("正常开票", "issuing"),
    "clear.state.report_due": ("未抄税", "to report"),
    "clear.state.reported": ("已抄税未清卡", "to clear"),
    "clear.state.locked": ("已锁死", "locked"),
    # preflight
    "clear.check.disk": ("税控盘已连接并登录", "disk connected and logged in"),
    "clear.check.clock": (
        "税控盘时钟与本机相差不超过 5 分钟",
        "disk clock within 5 minutes of this computer",
    ),
    "clear.check.service": ("税务服务器可达", "tax service reachable"),
    "clear.check.window": ("处于征期内", "inside the reporting window"),
    "clear.check.offline": ("没有未上传的离线发票", "no offline invoices waiting for upload"),
    "clear.check.backup": ("24 小时内有已验证的备份", "a verified backup from the last 24 hours"),
    "clear.check.peak": ("不在设定的高峰时段", "not a configured peak hour"),
    "clear.check.filed": (
        "本期纳税申报已完成（主管确认）",
        "this period's tax return is filed (supervisor confirms)",
    ),
    "clear.verdict.pass": ("通过", "pass"),
    "clear.verdict.warn": ("注意", "warning"),
    "clear.verdict.fail": ("未通过", "fail"),
    "clear.found.disk_ok": ("已连接 {device}，已登录", "connected to {device}, logged in"),
    "clear.found.disk_not_logged_in": (
        "已连接 {device}，未登录",
        "connected to {device}, not logged in",
    ),
    "clear.found.disk_gone": ("无法连接税控盘：{detail}", "cannot reach the disk: {detail}"),
    "clear.found.clock": (
        "税控盘 {disk}，本机 {host}，相差 {minutes} 分钟",
        "disk {disk}, here {host}: {minutes} min apart",
    ),
    "clear.found.service_ok": ("可达（{ms} 毫秒）", "reachable ({ms} ms)"),
    "clear.found.service_down": (
        "税控盘报告无法连接税务服务器",
        "the disk reports the tax service unreachable",
    ),
    "clear.found.window_in": (
        "征期 {start} 至 {end}，今天 {today}",
        "window {start} to {end}, today {today}",
    ),
    "clear.found.window_before": (
        "征期 {start} 才开始（今天 {today}）",
        "the window opens on {start} (today {today})",
    ),
    "clear.found.window_after": (
        "征期已于 {end} 结束：票种已锁死",
        "the window closed on {end}: the type is locked",
    ),
    "clear.found.window_none": ("本期没有需要清卡的票种", "no type is due for clearing"),
    "clear.found.offline_none": ("无", "none"),
    "clear.found.offline": ("{n} 张离线发票未上传", "{n} offline invoices not uploaded"),
    "clear.found.backup_ok": ("{id}，{when} 已验证", "{id}, verified {when}"),
    "clear.found.backup_none": (
        "没有 24 小时内验证过的备份",
        "no backup verified in the last 24 hours",
    ),
    "clear.found.backup_unreadable": (
        "无法读取备份目录：{detail}",
        "cannot read the backup folder: {detail}",
    ),
    "clear.found.peak": (
        "现在 {now} 处于高峰时段 {span}",
        "now ({now}) is inside the peak hours {span}",
    ),
    "clear.found.not_peak": ("现在 {now} 不在高峰时段", "now ({now}) is outside the peak hours"),
    "clear.found.filed_yes": ("已确认", "confirmed"),
    "clear.found.filed_no": ("尚未确认", "not confirmed yet"),
    "clear.fix.login": ("在 F6 税控盘页按 P 输入口令登录", "log in with the PIN: F6, then P"),
    "clear.fix.connect": (
        "检查税控盘的连接线和电源，然后重试",
        "check the disk's cable and power, then try again",
    ),
    "clear.fix.wait_other": (
        "等对方清卡完成后再检查（按 R）",
        "wait until that clear is done, then check again (R)",
    ),
    "clear.fix.clock": (
        "请先校准本机或税控盘的时间，再清卡",
        "set this computer's or the disk's clock right before clearing",
    ),
    "clear.fix.service": ("检查网络线路后重试", "check the network line, then try again"),
    "clear.fix.window_wait": ("等到征期开始再清卡", "wait for the reporting window to open"),
    "clear.fix.window_special": (
        "已过征期：选择特殊清卡并填写原因",
        "past the window: choose a special clear with a reason",
    ),
    "clear.fix.offline": ("先上传离线发票（按 U）", "upload the offline invoices first (U)"),
    "clear.fix.backup": (
        "现在备份一次（按 B），清卡前必须有备份",
        "back up now (B): a clear needs one first",
    ),
    "clear.fix.peak": (
        "高峰时段清卡会影响开票，主管可决定继续",
        "clearing at peak hours holds up invoicing; a supervisor may go on",
    ),
    "clear.fix.filed": ("确认本期已申报后按 C", "press C once this period's return is filed"),
    # scan
    "clear.scan.difference_count": (
        "{type} 张数不符：税控盘 {disk} 张，本系统 {store} 张",
        "{type} counts differ: disk {disk}, this store {store}",
    ),
    "clear.scan.difference_amount": (
        "{type} 金额不符：税控盘 {disk}，本系统 {store}",
        "{type} amounts differ: disk {disk}, this store {store}",
    ),
    "clear.scan.difference_tax": (
        "{type} 税额不符：税控盘 {disk}，本系统 {store}",
        "{type} tax differs: disk {disk}, this store {store}",
    ),
    "clear.scan.missing_in_store": (
        "{type} 本系统没有该期发票（税控盘 {disk} 张）",
        "{type}: this store has no invoices of the period (disk {disk})",
    ),
    "clear.scan.agrees": ("税控盘与本系统一致", "the disk and this store agree"),
    # results and fixes per disk error
    "clear.result.ok": ("已清卡，新截止日 {deadline}", "cleared, new deadline {deadline}"),
    "clear.result.failed": ("清卡失败：{message}（{code}）", "clear failed: {message} ({code})"),
    "clear.todo.E_NOT_FILED": (
        "先完成本期纳税申报，再重试失败的票种",
        "file this period's tax return, then retry the failed types",
    ),
    "clear.todo.E_LOCKED": (
        "票种已锁死：改用特殊清卡并填写原因",
        "the type is locked: use a special clear with a reason",
    ),
    "clear.todo.E_NETWORK": (
        "检查网络线路后重试失败的票种",
        "check the network line, then retry the failed types",
    ),
    "clear.todo.E_OFFLINE_PENDING": (
        "先上传离线发票，再重试",
        "upload the offline invoices, then retry",
    ),
    "clear.todo.E_WINDOW": (
        "当前不在征期：等征期开始后再试",
        "outside the reporting window: wait for it, then retry",
    ),
    "clear.todo.E_NOT_REPORTED": (
        "先上报汇总（抄税），再清卡",
        "report the summary first, then clear",
    ),
    "clear.todo.E_BUSY": ("税控盘正忙：稍后重试", "the disk is busy: try again shortly"),
    "clear.todo.E_AUTH": (
        "税控盘未登录：输入口令后重试",
        "the disk is not logged in: enter the PIN, then retry",
    ),
    "clear.todo.E_TXN_CONFLICT": (
        "交易号冲突：请联系技术支持，勿重复清卡",
        "txn conflict: call support; do not clear again",
    ),
    "clear.todo.E_BAD_REQUEST": (
        "清卡参数有误：检查票种和所属期",
        "bad clear request: check the types and the period",
    ),
    "clear.todo.other": ("记下错误码并联系技术支持", "note the error code and call support"),
    "clear.state_run.running": ("进行中", "running"),
    "clear.state_run.done": ("成功", "done"),
    "clear.state_run.partial": ("部分成功", "partly done"),
    "clear.state_run.failed": ("失败", "failed"),
    "clear.state_run.refused": ("被拒绝", "refused"),
    "clear.state_run.interrupted": ("中断（未执行）", "interrupted (not run)"),
    # progress and reconciling
    "clear.reconciled.done": (
        "上次中断的{cmd}（交易 {txn}）已在税控盘完成，结果已补记",
        "the interrupted {cmd} (txn {txn}) had finished on the disk: its results are now recorded",
    ),
    "clear.reconciled.never_ran": (
        "上次中断的{cmd}（交易 {txn}）税控盘没有执行，可以重新发起",
        "the interrupted {cmd} (txn {txn}) never ran on the disk: it can be started again",
    ),
    "clear.reconciled.upload": (
        "上次中断的离线发票上传：税控盘现有 {n} 张未上传",
        "the interrupted offline upload: the disk now has {n} not uploaded",
    ),
    "clear.reconciled.running": (
        "税控盘仍在执行{cmd}（交易 {txn}），稍后再查",
        "the disk is still running {cmd} (txn {txn}): will check again",
    ),
    "clear.cmd.CLEAR": ("清卡", "clear"),
    "clear.cmd.REPORT": ("上报汇总", "report"),
    "clear.cmd.UPLOAD": ("离线发票上传", "offline upload"),
    # errors of the flow
    "clear.error.locked_by": (
        "{user} 正在清卡（{cmd}，自 {since} 起，终端 {terminal}）：请等待其完成",
        "{user} is clearing ({cmd}, since {since}, terminal {terminal}): wait until it is done",
    ),
    "clear.error.refused": (
        "税控盘拒绝清卡：{message}（{code}）",
        "the disk refused: {message} ({code})",
    ),
    "clear.error.unknown_state": (
        "与税控盘的连接中断，{cmd}（交易 {txn}）结果未知：下次启动或运行 fapiao clear log 时会向税控盘核实，切勿重复清卡",
        "the link to the disk broke; the {cmd} (txn {txn}) result is unknown: it is checked with the disk at the next start or fapiao clear log; do not clear again",
    ),
    "clear.error.unsettled": (
        "上次的{cmd}（交易 {txn}）尚未核实：先与税控盘核实后才能再次清卡",
        "the earlier {cmd} (txn {txn}) is not settled yet: it must be checked with the disk before another clear",
    ),
    "clear.error.already": (
        "所属期 {period} 的 {types} 已由 {user} 于 {when} 清卡",
        "{types} of period {period} was cleared by {user} at {when}",
    ),
    "clear.error.preflight": ("清卡前检查未通过：{checks}", "preflight failed: {checks}"),
    "clear.error.no_backup": (
        "清卡前必须有 24 小时内已验证的备份",
        "a clear needs a verified backup from the last 24 hours",
    ),
    "clear.error.not_filed": (
        "主管尚未确认本期纳税申报已完成",
        "the supervisor has not confirmed this period's tax return is filed",
    ),
    "clear.error.bad_period": (
        "所属期格式应为 YYYY-MM：{period}",
        "the period must be YYYY-MM: {period}",
    ),
    "clear.error.bad_kind": (
        "清卡类型应为 ordinary/special/specific/annual（普通/特殊/专项/年度）：{kind}",
        "the kind must be ordinary/special/specific/annual (普通/特殊/专项/年度): {kind}",
    ),
    "clear.error.needs_reason": ("特殊清卡必须填写原因", "a special clear needs a reason"),
    "clear.error.annual_period": (
        "年度清卡的所属期必须是 12 月",
        "an annual clear needs a December period",
    ),
    "clear.error.needs_types": ("专项清卡必须列出票种", "a specific clear needs the types listed"),
    "clear.error.bad_types": (
        "票种应为三位代码（如 004,007）：{types}",
        "types are three-digit codes (e.g. 004,007): {types}",
    ),
    "clear.error.backup_failed": (
        "清卡前的备份未通过验证：{detail}",
        "the backup before clearing failed verification: {detail}",
    ),
    "clear.error.nothing_failed": (
        "该次清卡没有失败的票种可重试",
        "that clear has no failed types to retry",
    ),
    "clear.error.no_run": ("没有编号为 {id} 的清卡记录", "no clear with id {id}"),
    "clear.error.disk_problem": ("税控盘出错：{detail}", "disk problem: {detail}"),
    "clear.error.report_refused": (
        "税控盘拒绝上报汇总：{message}（{code}）",
        "the disk refused the report: {message} ({code})",
    ),
    "clear.error.upload_refused": (
        "税控盘拒绝上传：{message}（{code}）",
        "the disk refused the upload: {message} ({code})",
    ),
    # the history
    "clear.log.sheet": ("清卡记录", "clearing history"),
    "clear.log.col.id": ("编号", "id"),
    "clear.log.col.period": ("所属期", "period"),
    "clear.log.col.kind": ("类型", "kind"),
    "clear.log.col.state": ("结果", "result"),
    "clear.log.col.started_by": ("发起人", "started by"),
    "clear.log.col.confirmed_by": ("确认主管", "approver"),
    "clear.log.col.started_at": ("开始时间", "started"),
    "clear.log.col.finished_at": ("结束时间", "finished"),
    "clear.log.col.results": ("各票种结果", "per type"),
    "clear.log.col.backup": ("清卡前备份", "backup first"),
    "clear.log.col.reason": ("原因", "reason"),
    "clear.log.col.txn": ("交易号", "txn"),
}
