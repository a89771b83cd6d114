"""Texts of the command line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.description": (
        "发票柜台助手：发票查询、信息核对、清卡、备份",
        "Fapiao Desk: invoice lookup, field checks, clearing, backup",
    ),
    "cli.password_prompt": ("{user} 的密码：", "password for {user}: "),
    "cli.no_terminal": (
        "没有终端可询问密码：请设置 FAPIAO_PASSWORD_FILE",
        "no terminal to ask for the password: set FAPIAO_PASSWORD_FILE",
    ),
    "cli.no_user": (
        "未指定操作用户：请用 --user 或 FAPIAO_USER",
        "no acting user: give --user or FAPIAO_USER",
    ),
    "cli.db_upgraded": ("已应用迁移：{names}", "migrations applied: {names}"),
    "cli.db_current": ("数据库结构已是最新", "the schema is up to date"),
    "cli.user_added": (
        "已创建用户 {user}（{role}，{branch}）",
        "user {user} created ({role}, {branch})",
    ),
    "cli.password_mismatch": ("两次输入的密码不一致", "the passwords do not match"),
    "cli.password_repeat": ("再输入一次：", "again: "),
    "cli.user_passwd": ("已更新 {user} 的密码", "password of {user} changed"),
    "cli.user_role": ("{user} 的角色已改为 {role}", "{user} is now {role}"),
    "cli.user_unlocked": ("已解除 {user} 的锁定", "{user} unlocked"),
    "cli.user_all_branches": ("（所有分支）", "(all branches)"),
    "cli.user_locked": ("锁定至 {until}", "locked until {until}"),
    "cli.interrupted": ("已取消", "cancelled"),
    "cli.usage_error": ("用法错误：{detail}", "usage error: {detail}"),
}
