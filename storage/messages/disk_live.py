"""Texts of the live disk: the device service, the header strip, the F6 disk screen, sync."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the device service
    "disk_live.service_running": (
        "税控盘设备服务已在运行（进程 {pid}，用户 {user}，套接字 {socket}）",
        "the disk's device service is already running (pid {pid}, user {user}, socket {socket})",
    ),
    "disk_live.socket_too_long": ("套接字路径过长：{path}", "socket path too long: {path}"),
    "disk_live.bad_request": (
        "设备服务收到无法识别的请求",
        "the device service got an unreadable request",
    ),
    "disk_live.busy_other": (
        "税控盘正忙：另一终端正在执行{cmd}，请稍后再试",
        "the disk is busy: another terminal is running {cmd}; try again shortly",
    ),
    "disk_live.login_first": ("请先登录税控盘", "log in to the disk first"),
    "disk_live.service_gone": (
        "与税控盘设备服务的连接已断开",
        "the connection to the disk's device service is lost",
    ),
    "disk_live.held_by_service": (
        "端口由税控盘设备服务占用（进程 {pid}，用户 {user}），请通过 {socket} 连接",
        "the port is held by the disk's device service (pid {pid}, user {user}); connect through {socket}",
    ),
    "disk_live.held_by_process": (
        "端口被进程 {pid} 占用：{command}",
        "the port is held by process {pid}: {command}",
    ),
    "disk_live.held_by_unknown": (
        "无法确定占用端口的进程",
        "which process holds the port is unknown",
    ),
    "disk_live.port_in_use": (
        "税控盘端口 {url} 已被占用。{holder}",
        "the disk port {url} is in use. {holder}",
    ),
    "disk_live.service_started": (
        "税控盘设备服务已启动：{device} → {socket}",
        "disk device service started: {device} → {socket}",
    ),
    "disk_live.service_stopped": ("税控盘设备服务已停止", "disk device service stopped"),
    # states and commands
    "disk_live.state.issuing": ("正常开票", "issuing"),
    "disk_live.state.report_due": ("未抄税", "not reported"),
    "disk_live.state.reported": ("已抄税未清卡", "to clear"),
    "disk_live.state.locked": ("已锁死", "locked"),
    "disk_live.cmd.CLEAR": ("清卡", "clearing"),
    "disk_live.cmd.REPORT": ("抄税", "reporting"),
    "disk_live.cmd.UPLOAD": ("上传离线发票", "uploading"),
    # the header strip
    "disk_live.strip.due": ("截止{deadline}(剩{days}天)", "due {deadline} ({days}d left)"),
    "disk_live.strip.overdue": ("截止{deadline}(已过期)", "due {deadline} (overdue)"),
    "disk_live.strip.others": ("另{n}类", "+{n} more"),
    "disk_live.strip.stock": ("库存 {n}", "stock {n}"),
    "disk_live.strip.busy": ("正忙：{cmd}", "busy: {cmd}"),
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
    # sync
    "disk_live.sync.running": ("正在同步：已取 {n} 张", "syncing: {n} fetched"),
    "disk_live.sync.started": ("开始从税控盘同步发票", "syncing invoices from the disk"),
    "disk_live.sync.done": (
        "同步完成：新增 {added} 张，更新 {updated} 张",
        "sync done: {added} added, {updated} updated",
    ),
    "disk_live.sync.failed": ("同步失败：{detail}", "sync failed: {detail}"),
    "disk_live.sync.already": ("同步正在进行", "a sync is already running"),
    "disk_live.key.login": ("登录", "Log in"),
    "disk_live.key.sync": ("同步", "Sync"),
    "disk_live.key.log": ("刷新日志", "Reload log"),
    "disk_live.key.back": ("返回", "Back"),
}
