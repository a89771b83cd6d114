"""Texts of the backup reminder shown at log-in."""

MESSAGES: dict[str, tuple[str, str]] = {
    "backup.reminder.none": (
        "还没有任何备份：请按 F5 立即备份",
        "there is no backup yet: press F5 to back up now",
    ),
    "backup.reminder.old": (
        "上次备份已是 {days} 天前：请按 F5 备份",
        "the last backup is {days} days old: press F5 to back up",
    ),
}
