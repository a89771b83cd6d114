"""Texts of ``fapiao check``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "check_cli.help": ("逐项核对一张发票的信息", "check one invoice's fields"),
    "check_cli.bad_pair": (
        "参数应为 字段=值，例如 number=81966722：{arg}",
        "arguments are field=value, e.g. number=81966722: {arg}",
    ),
    "check_cli.unknown_field": (
        "未知字段 {name}；可用字段：{names}",
        "unknown field {name}; fields: {names}",
    ),
    "check_cli.nothing": (
        "没有要核对的内容：请给出 --qr 或 字段=值",
        "nothing to check: give --qr or field=value",
    ),
    "check_cli.summary_ok": ("核对通过", "all fields pass"),
    "check_cli.summary_warning": ("核对通过，但有 {n} 项需注意", "passes, with {n} warnings"),
    "check_cli.summary_error": ("有 {n} 项错误", "{n} fields are wrong"),
    "check_cli.fix": ("建议改为：{fix}", "suggested: {fix}"),
    "check_cli.required": ("查验必填", "needed for verification"),
    "check_cli.notes": ("（{notes}）", " ({notes})"),  # after a field's reason
    "check_cli.note_separator": ("；", "; "),
}
