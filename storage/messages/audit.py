"""Texts of the audit log."""

MESSAGES: dict[str, tuple[str, str]] = {
    "audit.verify_ok": (
        "审计日志完整：共 {n} 条，哈希链校验通过",
        "audit log intact: {n} entries, hash chain verified",
    ),
    "audit.problem.changed": ("第 {seq} 条审计记录被修改过", "audit entry {seq} was changed"),
    "audit.problem.chain_broken": (
        "第 {seq} 条审计记录的哈希链断开（它之前的记录被改动，或它是插入的）",
        "the hash chain breaks at entry {seq} (the one before was altered, or this one was inserted)",
    ),
    "audit.problem.deleted": ("第 {seq} 条审计记录被删除", "audit entry {seq} was deleted"),
    "audit.problem.rewritten": (
        "第 {seq} 条审计记录与本机记下的日志末端不符：日志被整体改写，或换成了旧副本",
        "audit entry {seq} differs from the end this machine recorded: the log was rewritten or replaced by an older copy",
    ),
    "audit.tampered": (
        "审计日志被篡改（从第 {seq} 条起与记下的末端不符），已停止写入；请主管运行 fapiao audit verify 查看，并从备份恢复",
        "the audit log was tampered with (from entry {seq} it does not match its recorded end); writing has stopped: a supervisor should run fapiao audit verify and restore from a backup",
    ),
    "audit.help": ("审计日志", "audit log"),
    "audit.verify_help": ("校验审计日志的哈希链", "verify the audit log's hash chain"),
}
