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
    "disk.pin_malformed": (
        "税控盘口令应为 6–8 位数字（输入的是 {length} 个字符）：未发送，未消耗尝试次数",
        "the disk PIN must be 6–8 digits (this has {length} characters): not sent, no try spent",
    ),
    "disk.pin_malformed_file": (
        "口令文件 {path} 中的税控盘口令应为 6–8 位数字（现为 {length} 个字符）：未发送，未消耗尝试次数",
        "the disk PIN in {path} must be 6–8 digits (it has {length} characters): not sent, "
        "no try spent",
    ),
    "disk.pin_rejected_before_file": (
        "口令文件 {path} 中的口令已被税控盘 {device} 拒绝过，为免锁盘不再发送：请改正该文件中的口令后再试",
        "the PIN in {path} was rejected by disk {device} before and is not sent again (the disk "
        "locks after five): correct the PIN in that file, then try again",
    ),
    "disk.pin_rejected_before": (
        "这个口令已被税控盘 {device} 拒绝过，为免锁盘不再发送：请输入正确的口令",
        "disk {device} rejected this PIN before; it is not sent again (the disk locks after "
        "five): type the right PIN",
    ),
    "disk.restarted": (
        "税控盘中途重启，登录已失效，同步未完成（已读到的记录已保存）：请重新登录后再同步",
        "the disk restarted mid-sync and forgot the login; the sync is unfinished (what was "
        "read is saved): log in again, then sync",
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
    "disk.sim_bad_state": (
        "无法读取模拟器状态文件 {path}：{detail}",
        "cannot read the simulator state {path}: {detail}",
    ),
    "disk.sim_bad_address": (
        "地址应为 HOST:PORT：{address}",
        "address must be HOST:PORT: {address}",
    ),
}
