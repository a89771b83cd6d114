"""Texts of the tax-control disk: link problems, sync, the simulator command."""

MESSAGES: dict[str, tuple[str, str]] = {
    "disk.not_answering": (
        "税控盘没有应答（已重发 {resends} 次），请检查连接线和税控盘电源",
        "the disk is not answering (resent {resends} times): check the cable and the disk's power",
    ),
    "disk.unreachable": (
        "无法连接税控盘 {url}：{detail}",
        "cannot reach the disk at {url}: {detail}",
    ),
    "disk.port_in_use": (
        "税控盘端口 {url} 正被另一个程序使用，请先关闭它",
        "the disk port {url} is in use by another program: close it first",
    ),
    "disk.bad_reply": ("税控盘回复格式错误：{detail}", "the disk's reply is malformed: {detail}"),
    "disk.no_device": (
        "未配置税控盘：请设置 device_url 或 FAPIAO_DEVICE_URL",
        "no disk configured: set device_url or FAPIAO_DEVICE_URL",
    ),
    "disk.pin_prompt": ("税控盘口令：", "disk PIN: "),
    "disk.no_terminal_pin": (
        "没有终端可询问税控盘口令：请设置 FAPIAO_PIN_FILE",
        "no terminal to ask for the disk PIN: set FAPIAO_PIN_FILE",
    ),
    "disk.wrong_pin": (
        "税控盘口令错误，还可尝试 {n} 次（不会自动重试）",
        "wrong disk PIN, {n} tries left (never retried automatically)",
    ),
    "disk.refused": ("税控盘拒绝：{message}（{code}）", "the disk refused: {message} ({code})"),
    "disk.synced": (
        "已从税控盘 {device} 同步：新增 {added} 张，更新 {updated} 张，未变 {unchanged} 张，"
        "冲突 {conflicts} 张（最新记录号 {last_seq}）",
        "synced from disk {device}: {added} added, {updated} updated, {unchanged} unchanged, "
        "{conflicts} conflicts (newest record {last_seq})",
    ),
    "disk.sim_listening": ("模拟税控盘已启动：{address}", "disk simulator listening at {address}"),
    "disk.sim_stopped": ("模拟税控盘已停止", "disk simulator stopped"),
    "disk.sim_bad_state": ("无法读取模拟器状态文件 {path}：{detail}", "cannot read the simulator state {path}: {detail}"),
    "disk.sim_bad_address": ("地址应为 HOST:PORT：{address}", "address must be HOST:PORT: {address}"),
}
