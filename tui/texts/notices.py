"""Texts of the notices' side of the TUI: the clearing reminder and the clearing settings."""

MESSAGES: dict[str, tuple[str, str]] = {
    "tui.screen.clearing_settings": ("清卡设置", "Clearing settings"),
    "tui.notices.key.save": ("保存", "Save"),
    # -- the reminder (header strip and log-in)
    "tui.notices.strip_remind": ("!截止{deadline}(剩{days}天)", "!due {deadline} ({days}d left)"),
    "tui.notices.remind_due": (
        "{type} 须在 {deadline} 前清卡（剩 {days} 天）：请主管按 F4 清卡",
        "{type} must be cleared by {deadline} ({days} days left): a supervisor clears it on F4",
    ),
    "tui.notices.remind_locked": (
        "{type} 已锁死，无法开票：请主管按 F4 做特殊清卡",
        "{type} is locked and cannot issue invoices: a supervisor makes a special clear on F4",
    ),
    "tui.notices.remind_others": ("（另有 {n} 类）", " ({n} more types)"),
    # -- the settings screen
    "tui.notices.settings.loading": ("正在读取设置…", "Reading the settings…"),
    "tui.notices.settings.saving": ("正在保存…", "Saving…"),
    "tui.notices.settings.saved": (
        "已保存：各终端将在几秒内使用新设置",
        "Saved: every terminal uses the new settings within seconds",
    ),
    "tui.notices.settings.changed": (
        "上次在程序中修改：{user}，{at}",
        "Last changed in the app: {user}, {at}",
    ),
    "tui.notices.settings.never_changed": (
        "尚未在程序中修改，使用配置文件中的值",
        "Not changed in the app yet: the config file's values apply",
    ),
    "tui.notices.settings.hint.peak_hours": (
        "如 09:00-11:30, 14:00-17:00；高峰时段清卡会先警告",
        "e.g. 09:00-11:30, 14:00-17:00; a clear in these hours warns first",
    ),
    "tui.notices.settings.hint.clear_remind_days": (
        "截止日前几天起，各终端在登录和标题栏提醒清卡（0–31）",
        "days before the deadline when every terminal reminds (0-31)",
    ),
    "tui.notices.settings.hint.notify_to": (
        "清卡完成或失败时通知的邮箱，多个用逗号分隔",
        "who is mailed when a clear finishes or fails, comma-separated",
    ),
    "tui.notices.settings.hint.smtp_url": (
        "smtp://、smtp+starttls:// 或 smtps://主机:端口；空＝不发邮件",
        "smtp://, smtp+starttls:// or smtps://host:port; empty = no mail",
    ),
    "tui.notices.settings.fixed_by_env": (
        "本终端由环境变量 {env} 决定，此处不可改",
        "set by the environment variable {env} on this terminal",
    ),
    "tui.notices.settings.where": (
        "保存在数据库中，优先于配置文件（{file}）",
        "Saved in the store, over the config file ({file})",
    ),
    "tui.notices.settings.no_file": ("无配置文件", "no config file"),
    "tui.notices.mail.off": (
        "邮件：未设置邮件服务器或收件人，{n} 封待发",
        "Mail: no server or recipients set, {n} waiting",
    ),
    "tui.notices.mail.ok": ("邮件：没有待发邮件", "Mail: nothing waiting"),
    "tui.notices.mail.waiting": ("邮件：{n} 封待发", "Mail: {n} waiting"),
    "tui.notices.mail.failing": (
        "邮件：{n} 封待发，上次失败：{error}；{at} 重试",
        "Mail: {n} waiting, last failure: {error}; retry at {at}",
    ),
}
