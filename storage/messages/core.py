"""Texts shared by every area: statuses, roles, directions, common errors."""

MESSAGES: dict[str, tuple[str, str]] = {
    "status.normal": ("正常", "normal"),
    "status.void": ("作废", "void"),
    "status.red": ("红冲", "reversed"),
    "status.out_of_control": ("失控", "out of control"),
    "status.abnormal": ("异常", "abnormal"),
    "direction.issued": ("销项", "issued"),
    "direction.received": ("进项", "received"),
    "source.disk": ("税控盘同步", "disk sync"),
    "source.import": ("导入", "import"),
    "source.scan": ("扫码", "scan"),
    "source.manual": ("手工录入", "manual entry"),
    "role.clerk": ("前台", "clerk"),
    "role.supervisor": ("主管", "supervisor"),
    "role.auditor": ("审计", "auditor"),
    "list.separator": ("、", ", "),  # between the items of a Listing
    "error.store_unreachable": ("无法打开数据库：{detail}", "cannot open the store: {detail}"),
    "error.settings": ("配置有误：{detail}", "bad configuration: {detail}"),
    "error.internal": (
        "程序内部错误，已记录日志：{detail}",
        "internal error, written to the log: {detail}",
    ),
    "auth.bad_login": ("用户名或密码错误", "wrong user name or password"),
    "auth.not_supervisor": ("这不是主管账户", "that is not a supervisor's account"),
    "auth.demo_only": ("演示账户只能在演示模式使用", "demo accounts work only in demo mode"),
    "auth.inactive": ("账户已停用", "account disabled"),
    "auth.no_users": (
        "还没有任何用户：请先用 fapiao user add 创建第一位主管",
        "no users yet: create the first supervisor with fapiao user add",
    ),
    "auth.needs_role": ("此操作需要 {role} 权限", "this needs the {role} role"),
}
