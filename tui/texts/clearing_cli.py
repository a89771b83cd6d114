"""Texts of ``fapiao clear``: help, questions, progress and result lines."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.help.clear": (
        "清卡：检查、抄税、备份、核对后清卡（需主管）；子命令 preflight、log",
        "clear the disk: preflight, report, backup, scan, then the clear (supervisor); subcommands preflight, log",
    ),
    "cli.help.clear_period": ("所属期 YYYY-MM", "the period, YYYY-MM"),
    "cli.help.clear_kind": (
        "清卡类型：ordinary/special/specific/annual 或 普通/特殊/专项/年度",
        "kind: ordinary/special/specific/annual or 普通/特殊/专项/年度",
    ),
    "cli.help.clear_types": (
        "票种代码，逗号分隔（专项、特殊清卡）",
        "type codes, comma-separated (specific, special)",
    ),
    "cli.help.clear_reason": ("原因（特殊清卡必填）", "the reason (required for a special clear)"),
    "cli.help.clear_retry": (
        "只重试该次清卡中失败的票种",
        "retry only the failed types of that clear",
    ),
    "cli.help.clear_yes": (
        "每一步都不再询问（同时确认本期已申报）",
        "ask before no step (and confirm this period's return is filed)",
    ),
    "cli.help.clear_preflight": (
        "只做清卡前检查和核对，不改动税控盘",
        "preflight and scan only; nothing changes on the disk",
    ),
    "cli.help.clear_filed": ("确认本期纳税申报已完成", "confirm this period's tax return is filed"),
    "cli.help.clear_log": (
        "清卡记录（先向税控盘核实未完成的清卡）",
        "the clearing history (settles unfinished clears first)",
    ),
    "cli.help.clear_log_by": ("只看某人发起或确认的", "only those started or confirmed by USER"),
    "cli.help.clear_log_out": ("导出到 XLSX 或 CSV 文件", "export to an XLSX or CSV file"),
    "cli.clear.needs_yes": (
        "没有终端可以询问：请加 --yes",
        "no terminal to ask: add --yes",
    ),
    "cli.clear.needs_period_kind": (
        "请给出 --period 和 --kind（或 --retry ID）",
        "give --period and --kind (or --retry ID)",
    ),
    "cli.clear.yes_no": ("［是 y／否 N］", " [y/N] "),
    "cli.clear.ask_filed": (
        "所属期 {period} 的纳税申报已经完成了吗？",
        "is the tax return for {period} filed?",
    ),
    "cli.clear.ask_upload": (
        "有 {n} 张离线发票未上传，现在上传？",
        "{n} offline invoices are not uploaded: upload now?",
    ),
    "cli.clear.ask_backup": (
        "24 小时内没有已验证的备份，现在备份？",
        "no verified backup in the last 24 hours: back up now?",
    ),
    "cli.clear.ask_report": (
        "票种 {types} 尚未抄税，现在上报汇总？",
        "types {types} are not reported: report now?",
    ),
    "cli.clear.ask_clear": ("开始{kind}（所属期 {period}）？", "start the {kind} of {period}?"),
    "cli.clear.disk_busy": (
        "税控盘正在执行{cmd}，等待其完成…",
        "the disk is running a {cmd}: waiting for it…",
    ),
    "cli.clear.backing_up": ("备份中", "backing up"),
    "cli.clear.uploaded": ("已上传 {ok} 张，失败 {failed} 张", "uploaded {ok}, failed {failed}"),
    "cli.clear.backed_up": ("已备份并验证：{id}", "backed up and verified: {id}"),
    "cli.clear.cancelled": ("已取消，税控盘未改动", "cancelled; nothing changed on the disk"),
    "cli.clear.preflight_title": ("清卡前检查（所属期 {period}）", "preflight (period {period})"),
    "cli.clear.recommended": ("建议：{kind} —— {why}", "recommended: {kind} — {why}"),
    "cli.clear.scan_title": ("清卡核对（所属期 {period}）", "scan (period {period})"),
    "cli.clear.scan_header": (
        "票种 状态         张数 作废 红冲            金额          税额  本系统张数",
        "type state       count void  red          amount           tax  store count",
    ),
    "cli.clear.offline": ("离线发票：{numbers}", "offline invoices: {numbers}"),
    "cli.clear.result_title": (
        "清卡结果（所属期 {period}）：{state}",
        "clear of {period}: {state}",
    ),
    "cli.clear.log_empty": ("还没有清卡记录", "no clears yet"),
    "cli.clear.log_line": (
        "#{id} {at} 所属期 {period} {kind} {state} 发起 {started_by} 确认 {confirmed_by}",
        "#{id} {at} period {period} {kind} {state}, started by {started_by}, confirmed by {confirmed_by}",
    ),
    "cli.clear.not_reconciled": (
        "未能向税控盘核实：{detail}",
        "could not check with the disk: {detail}",
    ),
    "cli.clear.exported": ("已导出 {n} 条到 {path}", "exported {n} rows to {path}"),
}
