"""The command line: help, exit codes, first supervisor, acting-user authentication."""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import pytest
from rich.cells import cell_len

from tui.cli.main import main


def _password_file(tmp_path: Path, text: str = "s3cret-pw") -> str:
    path = tmp_path / f"pw-{text}"
    path.write_text(text + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return str(path)


@pytest.fixture
def cli_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FAPIAO_DATABASE_URL", store_url)
    return store_url


def test_help_lists_commands_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "发票柜台助手" in out and "db" in out and "user" in out


_COMMANDS = [[], ["import"], ["export"], ["lookup"], ["check"], ["sync"], ["mark"], ["summary"],
             ["device-sim"], ["device-service"], ["backup"], ["backup", "restore"],
             ["backup", "verify"], ["backup", "change-passphrase"], ["clear"],
             ["clear", "preflight"], ["clear", "log"], ["user"], ["user", "add"], ["audit"],
             ["db"]]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_fits_80_columns_chinese_counted_double(
    lang: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """argparse wrapped by characters, so Chinese help ran to 103 columns at 80 and the
    usage line to 81 ("用法：" is 6 columns, 3 characters)."""
    monkeypatch.setenv("COLUMNS", "80")
    over = []
    for command in _COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            main(["--lang", lang, *command, "--help"])
        assert exit_info.value.code == 0
        text = capsys.readouterr().out
        assert text.strip(), command
        over += [(command, line) for line in text.splitlines() if cell_len(line) > 80]
    assert over == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_version_prints_the_installed_version_and_help_lists_it(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--lang", lang, "--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"fapiao {importlib.metadata.version('fapiao-desk')}\n"
    with pytest.raises(SystemExit):
        main(["--lang", lang, "--help"])
    out = capsys.readouterr().out.splitlines()
    listed = next(line for line in out if line.strip().startswith("--version"))
    assert ("显示版本并退出" if lang == "zh" else "show the version and exit") in listed


def test_bad_usage_exits_2_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "用法错误" in err and "usage error" not in err
    assert main(["--lang", "en", "no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "usage error" in err and "用法错误" not in err


def test_unreachable_store_exits_3(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("FAPIAO_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["db", "upgrade"]) == 3
    assert "无法连接数据库" in capsys.readouterr().err


def test_first_user_must_be_a_supervisor_then_needs_one(
    cli_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    pw = _password_file(tmp_path)
    assert main(["user", "add", "wang", "--password-file", pw]) == 2
    assert "第一位用户必须是主管" in capsys.readouterr().err
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
    assert "已创建用户 boss（主管，总部）" in capsys.readouterr().out
    # From now on the acting user must log in, and be a supervisor.
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", pw)
    assert main(["--user", "boss", "user", "add", "li", "--password-file", pw]) == 0
    capsys.readouterr()
    assert main(["--user", "li", "user", "add", "zhao", "--password-file", pw]) == 1
    assert "需要 主管 权限" in capsys.readouterr().err
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _password_file(tmp_path, "wrong-pw"))
    assert main(["--user", "boss", "user", "add", "zhao", "--password-file", pw]) == 1
    assert "密码错误" in capsys.readouterr().err


def test_a_known_and_an_unknown_name_get_the_same_answer(
    cli_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    pw = _password_file(tmp_path)
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
    capsys.readouterr()
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _password_file(tmp_path, "wrong-pw"))
    answers = []
    for name in ("boss", "nobody"):
        assert main(["--user", name, "user", "list"]) == 1
        answers.append(capsys.readouterr())
    assert answers[0] == answers[1]
    assert answers[0].err == "用户名或密码错误\n"


def test_world_readable_password_file_is_refused(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = tmp_path / "pw"
    pw.write_text("x\n", encoding="utf-8")
    os.chmod(pw, 0o644)
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", str(pw)]) == 2
    assert "600" in capsys.readouterr().err


def test_supervisor_resets_roles_unlocks_and_audit_verifies(
    cli_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    pw = _password_file(tmp_path)
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", pw)
    assert main(["--user", "boss", "user", "add", "wang", "--password-file", pw]) == 0
    # wang forgets the password and locks the account
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _password_file(tmp_path, "guess"))
    for _ in range(5):
        assert main(["--user", "wang", "user", "passwd", "--password-file", pw]) == 1
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", pw)
    capsys.readouterr()
    assert main(["--user", "boss", "user", "list"]) == 0
    assert "锁定至" in capsys.readouterr().out
    new_pw = _password_file(tmp_path, "new-pw")
    assert main(["--user", "boss", "user", "passwd", "wang", "--password-file", new_pw]) == 0
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", new_pw)
    assert main(["--user", "wang", "user", "role", "wang", "supervisor"]) == 1  # not a supervisor
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", pw)
    assert main(["--user", "boss", "user", "role", "wang", "auditor"]) == 0
    capsys.readouterr()
    assert main(["--user", "boss", "audit", "verify"]) == 0
    assert "哈希链校验通过" in capsys.readouterr().out


def test_a_clerk_is_refused_by_the_use_cases_and_each_refusal_is_audited(
    cli_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from storage.audit.chain import AuditEntry
    from storage.store.models import User

    pw = _password_file(tmp_path)
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", pw)
    assert main(["--user", "boss", "user", "add", "wang", "--password-file", pw]) == 0
    capsys.readouterr()
    before = [(u.username, u.role, u.password_hash) for u in User.select().order_by(User.id)]
    other = _password_file(tmp_path, "taken-over")
    refused = [
        ["user", "role", "wang", "supervisor"],
        ["user", "unlock", "boss"],
        ["user", "passwd", "boss", "--password-file", other],
        ["user", "list"],
        ["audit", "verify"],
        ["audit", "verify", "--json"],
    ]
    for args in refused:
        assert main(["--user", "wang", *args]) == 1, args
        said = capsys.readouterr()
        assert "此操作需要" in said.err, args
    assert '"error": "auth.needs_role"' in said.out  # --json: one document, also on refusal
    assert [
        (u.username, u.role, u.password_hash) for u in User.select().order_by(User.id)
    ] == before
    denied = [(e.username, e.target, e.ok) for e in AuditEntry.select().where(AuditEntry.action == "denied")]  # fmt: skip
    assert denied == [("wang", "manage_users", False)] * 4 + [("wang", "read_audit", False)] * 2
