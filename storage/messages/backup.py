"""Texts of backups (SPEC "Backup"): the engine's errors and the ``fapiao backup`` command."""

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "backup.wrong_passphrase": (
        "备份口令错误，无法解开密钥；未写入任何内容",
        "wrong backup passphrase: the keys do not open; nothing was written",
    ),
    "backup.key_unreadable": ("密钥文件 {key_id} 无法读取", "key file {key_id} is unreadable"),
    "backup.key_missing": (
        "缺少密钥 {key_id}：用它加密的备份无法解密",
        "key {key_id} is missing: backups sealed with it cannot be decrypted",
    ),
    "backup.no_keys": ("{folder} 中没有备份密钥", "no backup keys in {folder}"),
    "backup.empty_passphrase": ("备份口令不能为空", "the backup passphrase must not be empty"),
    "backup.key_is_current": (
        "密钥 {key_id} 正在使用，不能销毁（先轮换密钥）",
        "key {key_id} is the current key and cannot be destroyed (rotate first)",
    ),
    "backup.key_still_needed": (
        "仍有保留的备份使用密钥 {key_id}，不能销毁",
        "kept backups still need key {key_id}; it cannot be destroyed",
    ),
    "backup.corrupt_header": (
        "备份文件头损坏或被改动",
        "the backup file's header is damaged or was altered",
    ),
    "backup.corrupt_chunk": (
        "备份文件第 {index} 块损坏、被改动或顺序错乱",
        "chunk {index} of the backup file is damaged, altered or out of order",
    ),
    "backup.truncated": ("备份文件不完整（被截断）", "the backup file is incomplete (truncated)"),
    "backup.trailing_data": ("备份文件末尾有多余数据", "the backup file has data after its end"),
    "backup.corrupt_payload": ("备份内容格式错误", "the backup's content is malformed"),
    "backup.page_mismatch": (
        "增量备份第 {page} 页校验不符",
        "page {page} of an incremental does not match its checksum",
    ),
    "backup.snapshot_failed": (
        "无法取得数据库一致快照：{detail}",
        "cannot take a consistent snapshot of the store: {detail}",
    ),
    "backup.manifest_unreadable": (
        "备份索引 {path} 无法读取",
        "the backup index {path} is unreadable",
    ),
    "backup.not_found": ("没有编号为 {id} 的备份", "no backup with id {id}"),
    "backup.chain_broken": (
        "备份 {id} 所依赖的 {parent} 已不存在",
        "backup {id} needs {parent}, which is gone",
    ),
    "backup.store_unreachable": ("无法连接数据库（{detail}）", "cannot reach the store ({detail})"),
    "backup.pg_tool_missing": (
        "找不到 {tool}（请安装 postgresql-client）",
        "{tool} not found (install the PostgreSQL client)",
    ),
    "backup.pg_dump_failed": ("pg_dump 失败：{detail}", "pg_dump failed: {detail}"),
    "backup.pg_restore_failed": ("pg_restore 失败：{detail}", "pg_restore failed: {detail}"),
    "backup.file_missing": ("备份文件 {file} 不见了", "backup file {file} is missing"),
    "backup.header_mismatch": (
        "备份文件 {id} 与索引不符",
        "backup file {id} does not match the index",
    ),
    "backup.checksum_mismatch": (
        "备份 {id} 校验和不符（{what}）",
        "backup {id} fails its checksum ({what})",
    ),
    "backup.pg_needs_server": (
        "校验 PostgreSQL 备份需要连接 PostgreSQL 服务器",
        "verifying a PostgreSQL backup needs a PostgreSQL server",
    ),
    "backup.secret_file": (
        "备份口令文件不可用：{detail}",
        "backup passphrase file unusable: {detail}",
    ),
    "backup.no_passphrase": (
        "没有可用的密钥环，也没有终端可询问备份口令：请设置 {env}（权限 600 的文件）",
        "no keyring and no terminal to ask for the backup passphrase: set {env} (a mode 0600 file)",
    ),
    "backup.passphrase_prompt": ("备份口令：", "backup passphrase: "),
    "backup.new_passphrase_prompt": ("新的备份口令：", "new backup passphrase: "),
    "backup.passphrase_repeat": ("再输入一次：", "again: "),
    "backup.passphrase_mismatch": ("两次输入的口令不一致", "the passphrases do not match"),
    "backup.bad_kind": ("未知的备份类型 {kind}", "unknown backup kind {kind}"),
    "backup.pg_incremental": (
        "PostgreSQL 数据库不做增量备份：增量请使用 PostgreSQL 自带的 WAL 归档（archive_command）；本程序只做完整备份（pg_dump）",
        "no incremental backups of a PostgreSQL store: use PostgreSQL's own WAL archiving (archive_command) for those; this app takes full backups (pg_dump)",
    ),
    "backup.none_yet": ("还没有任何备份", "there are no backups yet"),
    "backup.engine_mismatch": (
        "备份与目标数据库类型不符（SQLite / PostgreSQL）",
        "the backup and the target are different kinds of database (SQLite / PostgreSQL)",
    ),
    "backup.target_exists": (
        "{path} 已存在：不会覆盖，请换一个路径",
        "{path} exists: it will not be overwritten; choose another path",
    ),
    "backup.target_is_live": (
        "{target} 就是当前数据库：要覆盖它请不加 --to（会先做安全备份）",
        "{target} is the live store: to restore over it, leave out --to (a safety backup comes first)",
    ),
    "backup.store_busy": (
        "另一终端的写入 {seconds} 秒内未结束，未恢复；数据库未改动，请稍后再试",
        "another terminal's write did not finish within {seconds} s: nothing restored, the store is unchanged; try again later",
    ),
    "backup.restore_swap_failed": (
        "写入恢复内容失败，数据库保持原样：{detail}",
        "writing the restored content failed; the store is as it was: {detail}",
    ),
    "backup.restore_check_failed": (
        "恢复出的数据库未通过检查：{detail}",
        "the restored database fails its check: {detail}",
    ),
    # the command
    "backup.help": (
        "备份：立即备份、列表、校验、恢复、清理、轮换密钥",
        "backups: back up now, list, verify, restore, prune, rotate key",
    ),
    "backup.full_help": ("完整备份", "full backup"),
    "backup.incremental_help": (
        "增量备份（只备份变化的页）",
        "incremental backup (changed pages only)",
    ),
    "backup.list_help": ("列出备份", "list backups"),
    "backup.verify_help": (
        "校验备份：解密、校验、恢复到临时位置并检查；不给编号则逐个校验全部备份",
        "verify a backup: decrypt, check, restore to a scratch place and check it; with no id, every backup in turn",
    ),
    "backup.quick_help": (
        "用 quick_check 代替完整的 integrity_check（更快）",
        "run quick_check instead of the full integrity_check (faster)",
    ),
    "backup.restore_help": ("恢复备份（仅主管）", "restore a backup (supervisors only)"),
    "backup.to_help": (
        "恢复到此路径（或 PostgreSQL 地址）；不给则覆盖当前数据库（先做安全备份）",
        "restore to this path (or PostgreSQL URL); without it, over the live store (after a safety backup)",
    ),
    "backup.prune_help": (
        "按保留策略删除过期备份（仅主管）",
        "delete expired backups by the retention policy (supervisors only)",
    ),
    "backup.dry_run_help": ("只列出将删除的备份", "only list what would be deleted"),
    "backup.rotate_help": (
        "轮换主密钥：新备份用新密钥，旧备份仍可恢复（仅主管）",
        "rotate the master key: new backups use a new key, old ones stay restorable (supervisors only)",
    ),
    "backup.destroy_key_help": (
        "销毁不再被任何保留备份使用的旧密钥（仅主管）",
        "destroy a retired key no kept backup needs (supervisors only)",
    ),
    "backup.passphrase_help": (
        "更改备份口令（不重新加密备份；仅主管）",
        "change the backup passphrase (no backup is re-encrypted; supervisors only)",
    ),
    "backup.done": (
        "已完成{kind}备份 {id}：{size}，用时 {seconds:.1f} 秒",
        "{kind} backup {id} done: {size} in {seconds:.1f} s",
    ),
    "backup.kind.full": ("完整", "full"),
    "backup.kind.incremental": ("增量", "incremental"),
    "backup.fell_back": (
        "没有可比对的上一次备份，已改做完整备份",
        "no previous backup to diff against: took a full backup instead",
    ),
    "backup.list_header": (
        "编号                    类型  时间              大小      校验",
        "id                      kind  time              size      verified",
    ),
    "backup.list_empty": (
        "还没有任何备份（备份目录 {folder}）",
        "no backups yet (backup folder {folder})",
    ),
    "backup.verified_ok": ("通过", "ok"),
    "backup.verified_bad": ("失败", "FAILED"),
    "backup.verified_never": ("未校验", "not verified"),
    # the database checks a verify runs, and what they find
    "backup.check.integrity_check": ("完整性检查", "integrity check"),
    "backup.check.quick_check": ("快速检查", "quick check"),
    "backup.check.pg_restore": ("恢复到 PostgreSQL", "restore into PostgreSQL"),
    "backup.check.failed": ("{check}未通过：{detail}", "the {check} failed: {detail}"),
    "backup.check.unreadable": (
        "数据库无法读取：{detail}",
        "the database cannot be read: {detail}",
    ),
    "backup.check.row_counts": ("行数不一致：{tables}", "row counts differ: {tables}"),
    "backup.verify_ok": (
        "备份 {id} 校验通过（{check}，行数一致），用时 {seconds:.1f} 秒",
        "backup {id} verified ({check}, row counts match) in {seconds:.1f} s",
    ),
    "backup.verify_failed": (
        "备份 {id} 校验失败：{problem}",
        "backup {id} FAILED verification: {problem}",
    ),
    "backup.restored": ("已将备份 {id} 恢复到 {target}", "backup {id} restored to {target}"),
    "backup.safety_taken": (
        "恢复前已对当前数据库做安全备份 {id}",
        "safety backup {id} of the live store taken first",
    ),
    "backup.pruned": (
        "保留 {kept} 个备份，删除 {deleted} 个",
        "kept {kept} backups, deleted {deleted}",
    ),
    "backup.would_prune": (
        "将保留 {kept} 个备份，将删除：{ids}",
        "would keep {kept} backups and delete: {ids}",
    ),
    "backup.rotated": (
        "新主密钥 {id} 已启用；旧密钥保留，旧备份仍可恢复",
        "new master key {id} in use; old keys kept, old backups stay restorable",
    ),
    "backup.key_destroyed": ("已销毁密钥 {id}", "key {id} destroyed"),
    "backup.passphrase_needs_supervisor": (
        "还没有备份口令：第一次设置须由主管进行（主管登录，或输入主管的用户名和密码）；未写入任何内容",
        "no backup passphrase yet: a supervisor must set it (logged in, or with their user name and password); nothing was written",
    ),
    "backup.approval_refused": (
        "主管核对未通过（{detail}）；未设置备份口令，未写入任何内容",
        "the supervisor's check failed ({detail}); no passphrase was set, nothing was written",
    ),
    "backup.passphrase_changed": (
        "已用新口令重新封装 {n} 个密钥",
        "{n} keys rewrapped under the new passphrase",
    ),
    "backup.progress": (
        "{phase} {percent:3.0f}%  {done} / {total}  {rate}/秒  剩余 {eta}",
        "{phase} {percent:3.0f}%  {done} / {total}  {rate}/s  ETA {eta}",
    ),
}
