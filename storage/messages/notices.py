"""Texts of the notices (what every terminal shows and the mail says) and of the clearing
settings' checks."""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- the settings' checks (file, environment, or the settings screen)
    "settings.bad_peak_hours": (
        "高峰时段 {value!r} 无效：应为 HH:MM-HH:MM，如 09:00-11:30",
        "bad peak hours {value!r}: use HH:MM-HH:MM, e.g. 09:00-11:30",
    ),
    "settings.peak_hours_backwards": (
        "高峰时段 {value!r} 的结束时间须晚于开始时间",
        "peak hours {value!r} must end after they start",
    ),
    "settings.bad_remind_days": (
        "提前提醒天数 {value!r} 无效：应为 0 到 {most} 的整数",
        "bad reminder days {value!r}: a whole number from 0 to {most}",
    ),
    "settings.bad_address": (
        "收件人 {value!r} 不是有效的邮箱地址",
        "recipient {value!r} is not a valid e-mail address",
    ),
    "settings.bad_smtp_url": (
        "邮件服务器地址 {url!r} 无效：应为 smtp://主机:端口、smtp+starttls://主机:端口 或 smtps://主机:端口",
        "bad mail server {url!r}: use smtp://host:port, smtp+starttls://host:port or smtps://host:port",
    ),
    "settings.smtp_password_in_url": (
        "邮件服务器地址中不能写密码：请把密码存入系统密钥环或权限为 600 的文件（FAPIAO_SMTP_PASSWORD_FILE）",
        "no password in the mail server URL: keep it in the keyring or a mode 0600 file "
        "(FAPIAO_SMTP_PASSWORD_FILE)",
    ),
    # -- notices of a clear
    "notice.unreadable": ("（无法读取的通知）", "(unreadable notice)"),
    "notice.clear.kind.ordinary": ("普通清卡", "ordinary clear"),
    "notice.clear.kind.special": ("特殊清卡", "special clear"),
    "notice.clear.kind.specific": ("专项清卡", "specific clear"),
    "notice.clear.kind.annual": ("年度清卡", "annual clear"),
    "notice.clear.kind.other": ("清卡（{kind}）", "clear ({kind})"),
    "notice.clear.subject.done": (
        "清卡成功：{period} {kind}，{total} 类全部完成",
        "Clear done: {period} {kind}, all {total} types cleared",
    ),
    "notice.clear.subject.partial": (
        "清卡部分失败：{period} {kind}，{ok} 类成功，{failed} 类失败",
        "Clear partly failed: {period} {kind}, {ok} cleared, {failed} failed",
    ),
    "notice.clear.subject.failed": (
        "清卡失败：{period} {kind}",
        "Clear failed: {period} {kind}",
    ),
    "notice.clear.line.period": (
        "所属期：{period}　清卡类型：{kind}",
        "Period: {period}  Kind: {kind}",
    ),
    "notice.clear.line.who": (
        "发起人：{started_by}　确认人：{confirmed_by}",
        "Started by: {started_by}  Confirmed by: {confirmed_by}",
    ),
    "notice.clear.line.when": ("完成时间：{at}", "Finished: {at}"),
    "notice.clear.line.where": (
        "网点：{branch}　税控盘：{device}",
        "Branch: {branch}  Disk: {device}",
    ),
    "notice.clear.line.reason": (
        "特殊清卡原因：{reason}",
        "Reason for the special clear: {reason}",
    ),
    "notice.clear.line.error": (
        "清卡未完成（{code}）：{error}{fix}",
        "The clear did not complete ({code}): {error}{fix}",
    ),
    "notice.clear.line.type_ok": (
        "{type}：清卡成功，新截止日期 {deadline}",
        "{type}: cleared, new deadline {deadline}",
    ),
    "notice.clear.line.type_failed": (
        "{type}：清卡失败（{code}）：{error}{fix}",
        "{type}: failed ({code}): {error}{fix}",
    ),
    "notice.clear.fix": ("。处理办法：{fix}", ". What to do: {fix}"),
    "notice.clear.no_detail": ("税控盘未给出原因", "the disk gave no reason"),
    # -- notices of changed settings
    "notice.settings.subject": ("{user} 修改了清卡设置", "{user} changed the clearing settings"),
    "notice.settings.line": ("{setting}：{value}", "{setting}: {value}"),
    "notice.settings.empty": ("（空）", "(none)"),
    "notice.setting.peak_hours": ("高峰时段", "Peak hours"),
    "notice.setting.clear_remind_days": ("提前提醒天数", "Reminder days before the deadline"),
    "notice.setting.notify_to": ("通知收件人", "Recipients"),
    "notice.setting.smtp_url": ("邮件服务器", "Mail server"),
    # -- the mail
    "notice.mail.subject": ("【发票台】{subject}", "[Fapiao Desk] {subject}"),
    "notice.mail.footer": (
        "—— 本邮件由发票台自动发送（通知编号 {id}，{at}），请勿直接回复。",
        "-- Sent by Fapiao Desk (notice {id}, {at}); please do not reply.",
    ),
    "notice.mail.secret_file": (
        "邮件服务器密码文件不可用：{detail}",
        "the mail password file cannot be used: {detail}",
    ),
    "notice.mail.no_password": (
        "找不到邮件账户 {user} 的密码：请存入系统密钥环（{account}）或权限为 600 的文件（{env}）",
        "no password for the mail account {user}: put it in the keyring ({account}) or a mode 0600 "
        "file ({env})",
    ),
    "notice.mail.too_old": ("超过 3 天仍未发出，已放弃", "not sent within 3 days: given up"),
}
