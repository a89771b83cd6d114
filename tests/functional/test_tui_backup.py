"""F5 backups at 80×24 on a copy of the demo store: what a supervisor and a clerk see and get."""

from __future__ import annotations

import fcntl
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, ProgressBar, Static

from storage.audit.chain import AuditEntry
from storage.backup import manifest
from storage.backup.jobs import byte_size
from storage.store.models import User
from tests.support.tui import demo_app, log_in, plain, toasts, wait_for
from tui.app import FapiaoApp
from tui.quit_guard import QuitQuestion
from tui.screens.backup import BackupScreen
from tui.screens.dialogs import ConfirmDialog, PassphraseDialog, RestoreDialog, SetPassphraseDialog

SIZE = (80, 24)
PASSPHRASE = "horse battery staple 26"


@pytest.fixture
def passphrase_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "backup-passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", str(path))
    return path


def rows(screen: BackupScreen) -> list[list[str]]:
    table: DataTable[Any] = screen.table
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def message(screen: BackupScreen) -> str:
    return plain(screen.query_one("#backup-message", Static))


async def open_backups(pilot: object, user: str) -> BackupScreen:
    app = pilot.app  # type: ignore[attr-defined]
    await log_in(pilot, user, user)  # type: ignore[arg-type]
    await pilot.press("f5")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, BackupScreen))  # type: ignore[arg-type]
    screen = app.screen
    # the list has loaded once the screen says where the passphrase comes from
    await wait_for(pilot, lambda: plain(screen.query_one("#backup-source")) != "")  # type: ignore[arg-type]
    return screen  # type: ignore[no-any-return]


async def finished(pilot: object, screen: BackupScreen, timeout: float = 30) -> None:
    await wait_for(pilot, lambda: screen.running is None, timeout)  # type: ignore[arg-type]

    def idle() -> bool:
        return not any(w.node is screen and not w.is_finished for w in screen.app.workers)

    await wait_for(pilot, idle, timeout)  # type: ignore[arg-type]


def audit_rows(app: FapiaoApp, action: str) -> list[AuditEntry]:
    with app.store_connection():
        return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.seq))


async def test_supervisor_backs_up_and_verifies(tmp_path: Path, passphrase_file: Path) -> None:
    folder = tmp_path / "backups"
    app = demo_app(tmp_path, backup_dir=str(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_backups(pilot, "super")
        assert screen.table.row_count == 0
        assert f"还没有任何备份（备份目录 {folder}）" in plain(screen.query_one("#backup-selected"))
        assert plain(screen.query_one("#backup-source")) == f"备份口令：读取文件 {passphrase_file}"
        assert not any(b.disabled for b in screen.query(Button))
        assert not screen.query_one("#backup-role-note").display

        await pilot.press("b")
        await finished(pilot, screen)
        (entry,) = manifest.load(folder)
        assert entry.kind == "full" and (folder / entry.file).stat().st_size == entry.file_size
        (row,) = rows(screen)
        assert row[2:7] == ["全量", "手动", byte_size(entry.file_size), "未校验", entry.key_id[:8]]
        assert row[1] == "刚刚"
        assert message(screen).startswith(f"已完成完整备份 {entry.id}：")
        bar = screen.query_one("#backup-progress", ProgressBar)
        assert bar.total and bar.progress == bar.total  # the bar was driven to the end

        await pilot.press("v")
        await finished(pilot, screen)
        assert rows(screen)[0][5].startswith("✓ 已校验")
        assert message(screen).startswith(
            f"备份 {entry.id} 校验通过（完整性检查"
        )  # the check by its name, not SQLite's
        assert manifest.load(folder)[0].verified_ok is True
        assert [e.ok for e in audit_rows(app, "backup.verify")] == [True]

        await pilot.press("f8")
        assert str(screen.table.columns[next(iter(screen.table.columns))].label) == "Time"
        assert rows(screen)[0][2] == "full" and rows(screen)[0][5].startswith("✓ ok")
        assert plain(screen.query_one("#backup-source")).startswith("Backup passphrase: read from")
        assert str(screen.query_one("#do-restore", Button).label) == "R Restore"
        await pilot.press("f8")


async def test_clerk_backs_up_but_the_service_refuses_the_rest(
    tmp_path: Path, passphrase_file: Path
) -> None:
    folder = tmp_path / "backups"
    app = demo_app(tmp_path, backup_dir=str(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_backups(pilot, "clerk")
        await pilot.press("b")
        await finished(pilot, screen)
        assert len(manifest.load(folder)) == 1
        assert rows(screen)[0][2] == "全量"
        # shown disabled, with the reason
        for action in ("restore", "prune", "rotate"):
            assert screen.query_one(f"#do-{action}", Button).disabled
        for action in ("full", "incremental", "verify"):
            assert not screen.query_one(f"#do-{action}", Button).disabled
        note = plain(screen.query_one("#backup-role-note"))
        assert note == "恢复、清理、轮换密钥：此操作需要 主管 权限"
        # invoked anyway by key: the service refuses, audits the refusal, writes nothing
        keys_before = sorted(p.name for p in (folder / "keys").iterdir())
        for key, permission in (("r", "restore"), ("p", "prune"), ("k", "rotate_key")):
            await pilot.press(key)
            await finished(pilot, screen)
            assert message(screen) == "此操作需要 主管 权限"
            assert screen.query_one("#backup-message").has_class("-error")
            denied = audit_rows(app, "denied")[-1]
            assert (denied.username, denied.target, denied.ok) == ("clerk", permission, False)
        assert len(manifest.load(folder)) == 1
        assert sorted(p.name for p in (folder / "keys").iterdir()) == keys_before
        assert [e.ok for e in audit_rows(app, "backup.create")] == [True]


async def test_restore_to_a_path_and_over_the_live_store(
    tmp_path: Path, passphrase_file: Path
) -> None:
    folder = tmp_path / "backups"
    app = demo_app(tmp_path, backup_dir=str(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_backups(pilot, "super")
        await pilot.press("b")
        await finished(pilot, screen)
        (entry,) = manifest.load(folder)

        target = tmp_path / "copy" / "restored.db"
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RestoreDialog))
        app.screen.query_one("#target", Input).value = str(target)
        await pilot.press("enter")
        await finished(pilot, screen)
        assert message(screen) == f"已将备份 {entry.id} 恢复到 {target}"
        with sqlite3.connect(target) as restored:
            count = restored.execute("SELECT count(*) FROM invoice").fetchone()[0]
        assert count == entry.row_counts["invoice"] >= 6000

        with app.store_connection():  # a change after the backup, undone by the restore
            User.update(branch="改过").where(User.username == "clerk").execute()
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RestoreDialog))
        await pilot.press("enter")  # empty: over the live store, asked again first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "覆盖当前数据库" in plain(app.screen.query_one("#dialog-title"))
        await pilot.press("y")
        await finished(pilot, screen)
        safety = [e for e in manifest.load(folder) if e.reason == "before_restore"]
        assert len(safety) == 1
        assert message(screen).startswith(f"恢复前已对当前数据库做安全备份 {safety[0].id}")
        with app.store_connection():
            assert User.get(User.username == "clerk").branch == "总部"
        assert any(r[3] == "恢复前" for r in rows(screen))
        restores = audit_rows(app, "backup.restore")
        assert [(e.username, e.ok) for e in restores][-1] == ("super", True)


async def test_passphrase_is_asked_for_and_kept_nowhere(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    app = demo_app(tmp_path, backup_dir=str(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_backups(pilot, "super")
        assert "每次由主管输入" in plain(screen.query_one("#backup-source"))
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, PassphraseDialog))
        dialog = app.screen
        assert (
            isinstance(dialog, PassphraseDialog) and dialog.new_key
        )  # the first backup creates the key: typed twice
        dialog.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        dialog.query_one("#passphrase-again", Input).value = "not the same"
        await pilot.press("enter")
        assert plain(dialog.query_one("#dialog-error")) == "两次输入不一致"
        dialog.query_one("#passphrase-again", Input).value = PASSPHRASE
        await pilot.press("enter")
        await finished(pilot, screen)
        assert len(manifest.load(folder)) == 1

        await pilot.press("v")  # a wrong passphrase: said plainly, nothing recorded as verified
        await wait_for(pilot, lambda: isinstance(app.screen, PassphraseDialog))
        assert isinstance(app.screen, PassphraseDialog) and not app.screen.new_key
        app.screen.query_one("#passphrase", Input).value = "wrong"
        await pilot.press("enter")
        await finished(pilot, screen)
        assert message(screen) == "备份口令错误，无法解开密钥；未写入任何内容"
        assert manifest.load(folder)[0].verified_ok is None
    secret = PASSPHRASE.encode()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path


async def test_ctrl_q_asks_while_a_backup_runs(tmp_path: Path, passphrase_file: Path) -> None:
    folder = tmp_path / "backups"
    base = demo_app(tmp_path, backup_dir=str(folder))
    app = FapiaoApp(base.settings, demo=True, today=base.today, demo_path=base.demo_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_backups(pilot, "clerk")
        folder.mkdir(exist_ok=True)
        with open(folder / manifest.LOCK, "a+b") as lock:  # another backup holds the folder
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            await pilot.press("b")
            await wait_for(pilot, lambda: screen.running is not None)
            await pilot.press("f2")  # the backup goes on behind another screen
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitQuestion))
            assert plain(app.screen.query_one("#dialog-title")) == "备份正在进行，确定退出？"
            await pilot.press("n")
            await pilot.pause()
            assert app.is_running and screen.running is not None
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        await finished(pilot, screen)
        assert json.loads((folder / manifest.MANIFEST).read_text())["backups"]
        await pilot.press("ctrl+q")  # nothing running: quits at once
        await pilot.pause()
    assert app.return_code == 0


async def test_log_in_reminds_when_there_is_no_recent_backup(
    tmp_path: Path, passphrase_file: Path
) -> None:
    folder = tmp_path / "backups"
    app = demo_app(tmp_path, backup_dir=str(folder))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, keep_reminder=True)
        await wait_for(pilot, lambda: any("还没有任何备份" in shown for shown in toasts(app)))


async def test_a_clerks_first_backup_needs_a_supervisors_own_password(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    app = demo_app(tmp_path, backup_dir=str(folder))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_backups(pilot, "clerk")
        assert "每次由主管输入" in plain(screen.query_one("#backup-source"))

        async def first_backup(name: str, password: str) -> str:
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(app.screen, SetPassphraseDialog))
            dialog = app.screen
            assert plain(dialog.query_one("#dialog-title")) == "设置备份口令：须由主管核准"
            for field in ("supervisor", "supervisor-password", "passphrase", "passphrase-again"):
                box = dialog.query_one(f"#{field}", Input)
                assert box.region.bottom <= SIZE[1] and box.region.width > 10  # all at 80×24
            dialog.query_one("#supervisor", Input).value = name
            dialog.query_one("#supervisor-password", Input).value = password
            dialog.query_one("#passphrase", Input).value = "typed by a clerk"
            dialog.query_one("#passphrase-again", Input).value = "typed by a clerk"
            dialog.query_one("#passphrase-again", Input).focus()
            await pilot.press("enter")
            await finished(pilot, screen)
            return message(screen)

        # the clerk's own password, then a supervisor's name with a wrong one: nothing is set
        assert "主管核对未通过（这不是主管账户）" in await first_backup("clerk", "clerk")
        assert "主管核对未通过（用户名或密码错误）" in await first_backup("super", "nope")
        assert not list((folder / "keys").glob("*.key")) and manifest.load(folder) == []
        refused = audit_rows(app, "approve")
        assert [(e.username, e.ok) for e in refused] == [("clerk", False), ("super", False)]

        assert (await first_backup("super", "super")).startswith("已完成")
        assert len(manifest.load(folder)) == 1 and list((folder / "keys").glob("*.key"))
        (set_entry,) = audit_rows(app, "backup.passphrase_set")
        assert (set_entry.username, set_entry.ok) == ("clerk", True)
        assert json.loads(set_entry.detail) == {"approved_by": "super"}
        assert [(e.username, e.ok) for e in audit_rows(app, "approve")][-1] == ("super", True)
