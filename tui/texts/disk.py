"""Texts of the header's disk strip and the F6 disk screen (the disk's states, commands and the
sync's words are the domain's: ``storage/messages/disk_live.py``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the header strip
    "disk_live.strip.due": ("截止{deadline}(剩{days}天)", "due {deadline} ({days}d left)"),
    "disk_live.strip.overdue": ("截止{deadline}(已过期)", "due {deadline} (overdue)"),
    # the same, where the header has little room: the days left, or that it is overdue
    "disk_live.strip.days_left": ("剩{days}天", "{days}d left"),
    "disk_live.strip.overdue_short": ("已过期", "overdue"),
    "disk_live.strip.others": ("另{n}类", "+{n} more"),
    "disk_live.strip.stock": ("库存 {n}", "stock {n}"),
    "disk_live.strip.busy": ("正忙：{cmd}", "busy: {cmd}"),
    "disk_live.strip.busy_short": ("正忙", "busy"),  # where the command's name does not fit
    # the F6 screen
    "disk_live.screen.not_configured": (
        "未配置税控盘：请设置 device_url 或 FAPIAO_DEVICE_URL",
        "no disk configured: set device_url or FAPIAO_DEVICE_URL",
    ),
    "disk_live.screen.disconnected": (
        "税控盘未连接：{detail}",
        "the disk is not connected: {detail}",
    ),
    "disk_live.screen.waiting": ("正在连接税控盘…", "connecting to the disk…"),
    "disk_live.screen.facts": (
        "设备号 {device_id}  型号 {model}  固件 {firmware}\n纳税人 {taxpayer_name}（{taxpayer_id}）",
        "device {device_id}  model {model}  firmware {firmware}\ntaxpayer {taxpayer_name} ({taxpayer_id})",
    ),
    "disk_live.screen.status": (
        "盘上时间 {clock}  所属期 {period}  最新记录号 {seq}  离线未上传 {offline} 张  {login}",
        "disk clock {clock}  period {period}  newest record {seq}  offline pending {offline}  {login}",
    ),
    "disk_live.screen.logged_in": ("已登录", "logged in"),
    "disk_live.screen.logged_out": ("未登录", "not logged in"),
    "disk_live.col.type": ("票种", "Type"),
    "disk_live.col.state": ("状态", "State"),
    "disk_live.col.deadline": ("截止", "Due"),
    "disk_live.col.window": ("征期", "Window"),
    "disk_live.col.last_report": ("上次抄税", "Reported"),
    "disk_live.col.stock": ("库存", "Stock"),
    "disk_live.col.limit": ("单张限额", "Limit"),
    "disk_live.col.offline": ("离线剩余", "Offline left"),
    "disk_live.col.time": ("时间", "Time"),
    "disk_live.col.op": ("操作", "Op"),
    "disk_live.col.ok": ("结果", "Result"),
    "disk_live.col.detail": ("说明", "Detail"),
    "disk_live.ok": ("成功", "ok"),
    "disk_live.failed": ("失败", "failed"),
    "disk_live.hours": ("{n}小时", "{n}h"),
    "disk_live.pin_label": ("口令", "PIN"),
    "disk_live.pin_placeholder": ("输入口令后按回车", "PIN, then Enter"),
    "disk_live.demo_pin": ("演示口令 {pin}", "demo PIN {pin}"),
    "disk_live.logging_in": ("正在登录税控盘…", "logging in to the disk…"),
    "disk_live.login_ok": ("已登录税控盘", "logged in to the disk"),
    "disk_live.wrong_pin": (
        "口令错误，还可尝试 {n} 次（不会自动重试）",
        "wrong PIN, {n} tries left (never retried automatically)",
    ),
    "disk_live.pin_locked": (
        "口令已锁定，请到税务机关解锁",
        "the PIN is locked: unlock it at the tax office",
    ),
    "disk_live.no_pin": ("请输入口令", "type the PIN"),
    "disk_live.log_title": ("税控盘日志", "Disk log"),
    "disk_live.log_needs_login": ("登录后显示税控盘日志", "log in to see the disk's log"),
    "disk_live.log_empty": ("税控盘日志为空", "the disk's log is empty"),
    # the F6 screen's keys
    "disk_live.key.login": ("登录", "Log in"),
    "disk_live.key.sync": ("同步", "Sync"),
    "disk_live.key.log": ("刷新日志", "Reload log"),
    "disk_live.key.back": ("返回", "Back"),
    # the operations the disk's LOG names (PROTOCOL.md "LOG"); another shows as the disk sent it
    "tui.disk.op.LOGIN": ("登录", "log in"),
    "tui.disk.op.LOGOUT": ("退出登录", "log out"),
    "tui.disk.op.UPLOAD": ("上传离线发票", "upload offline invoices"),
    "tui.disk.op.REPORT": ("抄税", "report"),
    "tui.disk.op.CLEAR": ("清卡", "clear"),
}
