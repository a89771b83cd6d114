"""Someone with write access to the database file cuts or rewrites the audit log: the cut is
named (by the head in the store and the anchor outside it), verify runs before the log-in
appends anything, and tampering is said as tampering, never as an internal error."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import peewee
import pytest

from storage.accounts.users import add_user
from storage.audit import anchor as audit_anchor
from storage.audit.chain import AuditEntry, AuditHead, ChainProblem, record, verify
from storage.backup import service
from storage.config.settings import Settings
from storage.store.database import close_database, open_database
from storage.store.models import Role
from storage.store.schema import upgrade
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for
from tests.support.tui import TODAY, fresh_demo_store, plain, wait_for
from tui.app import FapiaoApp
from tui.cli.main import main


def _cut(path: Path, *, keep: int, head_too: bool = False) -> None:
    """What an attacker with the database file does: drop the guards, delete the newest."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_entry_no_delete")
        conn.execute("DELETE FROM audit_entry WHERE seq > ?", (keep,))
        if head_too:
            conn.execute("DROP TRIGGER audit_head_no_delete")
            conn.execute("DELETE FROM audit_head")
    conn.close()


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with a supervisor and ten more entries; the CLI logs in as that supervisor."""
    path = tmp_path / "store.db"
    upgrade(open_database(f"sqlite:///{path}"))
    add_user("boss", "s3cret-pw", role=Role.SUPERVISOR, branch="总部")
    for i in range(10):
        record("boss", "import", target=f"file{i}.csv", added=i)
    close_database()
    pw = tmp_path / "pw"
    pw.write_text("s3cret-pw\n", encoding="utf-8")
    pw.chmod(0o600)
    monkeypatch.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", str(pw))
    return path


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        count = conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0]
    conn.close()
    return int(count)


def test_verify_names_a_cut_tail_before_logging_in(cli_store: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _cut(cli_store, keep=8)  # the head row (seq 11) is left: its trigger is kept
    assert main(["--user", "boss", "audit", "verify"]) == 1
    out, err = capsys.readouterr()
    assert "第 9 条审计记录被删除" in out
    assert "内部错误" not in out + err
    assert _count(cli_store) == 8  # nothing was appended over the gap


def test_every_command_on_a_cut_log_says_tampered(cli_store: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _cut(cli_store, keep=8)
    assert main(["--user", "boss", "user", "list"]) == 1
    err = capsys.readouterr().err
    assert "审计日志被篡改（从第 9 条起与记下的末端不符），已停止写入" in err
    assert "内部错误" not in err and "IntegrityError" not in err


def test_deleting_every_entry_and_the_head_is_named(cli_store: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _cut(cli_store, keep=0, head_too=True)
    assert main(["--user", "boss", "audit", "verify", "--json"]) == 1
    assert '"first_bad": 1' in capsys.readouterr().out
    open_database(f"sqlite:///{cli_store}", create=False)
    try:
        # the log-in's entry starts a new chain; the anchor still names the cut after it
        assert verify() == (1, ChainProblem(2, "deleted"))
    finally:
        close_database()


def test_a_log_rewritten_from_scratch_is_named(store: peewee.Database) -> None:
    if not isinstance(store, peewee.SqliteDatabase):
        pytest.skip("the attack is shown on the SQLite file")
    for i in range(5):
        record("wang", "import", target=f"file{i}.csv", added=i)
    store.execute_sql("DROP TRIGGER audit_entry_no_delete")
    store.execute_sql("DROP TRIGGER audit_head_no_delete")
    AuditEntry.delete().execute()
    AuditHead.delete().execute()
    assert verify() == (0, ChainProblem(1, "deleted"))
    for i in range(8):  # a fresh, self-consistent chain, longer than the old one
        record("li", "export", target=f"x{i}")
    assert verify() == (8, ChainProblem(5, "rewritten"))


def test_the_anchor_is_outside_the_store_and_private(store: peewee.Database) -> None:
    record("wang", "import", target="a.csv")
    record("wang", "import", target="b.csv")
    path = audit_anchor.anchor_path()
    assert path.parent == Path(os.environ["FAPIAO_DATA_DIR"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    head = AuditHead.get()
    assert audit_anchor.read() == audit_anchor.Anchor(head.seq, head.hash) and head.seq == 2


def test_a_rolled_back_entry_is_not_anchored(store: peewee.Database) -> None:
    from storage.store.database import write

    record("wang", "import", target="a.csv")

    def fail() -> None:
        record("wang", "import", target="b.csv")
        raise RuntimeError("the import failed after auditing")

    with pytest.raises(RuntimeError):
        write(fail)
    assert verify() == (1, None)
    assert audit_anchor.read() is not None and audit_anchor.read().seq == 1  # type: ignore[union-attr]


def test_a_restore_over_the_live_store_reanchors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(open_database(url))
    fill(20)
    record("boss", "import", target="before.csv")
    setup = settings_for(url, tmp_path / "backups")
    entry = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    for i in range(5):  # written after the backup: the restore takes the log back before them
        record("boss", "import", target=f"after{i}.csv")
    service.restore(BOSS, entry.id, settings=setup, passphrase=PASSPHRASE)
    close_database()
    open_database(url, create=False)
    try:
        # the backup's entries (the import, the passphrase set, the backup's start) and the
        # restore's own (its safety backup, its end): the five written after the backup are
        # gone, legitimately, and that is not called a cut
        assert verify() == (5, None)
    finally:
        close_database()


async def test_the_login_screen_says_tampered(tmp_path: Path) -> None:
    path = fresh_demo_store(tmp_path)
    open_database(f"sqlite:///{path}", create=False)
    for i in range(3):
        record("super", "import", target=f"f{i}.csv")
    last = AuditEntry.select().count()
    close_database()
    _cut(path, keep=last - 2)
    app = FapiaoApp(Settings().with_defaults(), demo=True, today=TODAY, demo_path=path,
                    demo_disk=False)  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        await pilot.press(*"clerk", "enter", *"clerk", "enter")
        message = app.screen.query_one("#login-message")
        await wait_for(pilot, lambda: "审计日志被篡改" in plain(message))
        assert app.session is None
        assert "内部错误" not in plain(message)
