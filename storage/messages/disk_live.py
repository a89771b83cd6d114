"""Texts of the live disk: the device service, the disk's states and commands, sync (the
header strip's and the F6 screen's own words are in ``tui/texts/disk.py``)."""

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
    # sync
    "disk_live.sync.running": ("正在同步：已取 {n} 张", "syncing: {n} fetched"),
    "disk_live.sync.started": ("开始从税控盘同步发票", "syncing invoices from the disk"),
    "disk_live.sync.done": (
        "同步完成：新增 {added} 张，更新 {updated} 张",
        "sync done: {added} added, {updated} updated",
    ),
    "disk_live.sync.failed": ("同步失败：{detail}", "sync failed: {detail}"),
    "disk_live.sync.already": ("同步正在进行", "a sync is already running"),
}
