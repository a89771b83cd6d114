"""Texts of the F6 disk screen that the disk's own words need: the names of its log's operations."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the operations the disk's LOG names (PROTOCOL.md "LOG"); another shows as the disk sent it
    "tui.disk.op.LOGIN": ("登录", "log in"),
    "tui.disk.op.LOGOUT": ("退出登录", "log out"),
    "tui.disk.op.UPLOAD": ("上传离线发票", "upload offline invoices"),
    "tui.disk.op.REPORT": ("抄税", "report"),
    "tui.disk.op.CLEAR": ("清卡", "clear"),
}
