"""``fapiao backup …``: exit codes, JSON, roles, the passphrase file, no tracebacks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.store.database import close_database
from tui.cli.main import main


def _secret(tmp_path: Path, name: str, text: str, mode: int = 0o600) -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    os.chmod(path, mode)
    return str(path)


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("FAPIAO_DATABASE_URL", url)
    monkeypatch.setenv("FAPIAO_BACKUP_DIR", str(tmp_path / "backups"))
    pw = _secret(tmp_path, "pw", "user-pw")
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", pw)
    assert (
        main(["--user", "boss", "user", "add", "wang", "--role", "clerk", "--password-file", pw])
        == 0
    )
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", _secret(tmp_path, "phrase", "open sesame"))
    capsys.readouterr()

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        close_database()
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_backup_list_verify_restore_via_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("--user", "wang", "backup", "--full", "--json")
    assert code == 0
    backup_id = json.loads(out)["backup"]["id"]
    code, out, _ = cli("--user", "wang", "backup", "--incremental")
    assert code == 0 and "增量备份" in out
    code, out, _ = cli("--user", "wang", "backup", "list")
    assert code == 0 and backup_id in out and "未校验" in out
    code, out, _ = cli("--user", "wang", "backup", "verify", backup_id, "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, err = cli(
        "--user", "wang", "backup", "restore", backup_id, "--to", str(tmp_path / "r.db")
    )
    assert code == 1 and "主管" in err and not (tmp_path / "r.db").exists()
    code, out, _ = cli(
        "--user", "boss", "backup", "restore", backup_id, "--to", str(tmp_path / "r.db")
    )
    assert code == 0 and (tmp_path / "r.db").exists()
    code, out, err = cli(
        "--user", "boss", "backup", "restore", backup_id, "--to", str(tmp_path / "r.db")
    )
    assert code == 2 and "不会覆盖" in err


def test_wrong_passphrase_and_bad_files_exit_cleanly(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("--user", "boss", "backup", "--full")[0] == 0
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", _secret(tmp_path, "bad", "guess"))
    code, _out, err = cli("--user", "boss", "backup")
    assert code == 1 and "备份口令错误" in err and "wrong" not in err  # once, in Chinese
    code, _out, err = cli("--lang", "en", "--user", "boss", "backup")
    assert code == 1 and "wrong backup passphrase" in err and "备份口令错误" not in err
    assert "Traceback" not in err
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", _secret(tmp_path, "open", "x", mode=0o644))
    code, _, err = cli("--user", "boss", "backup")
    assert code == 2 and "600" in err
    code, _, err = cli("--lang", "en", "--user", "boss", "backup", "verify", "no-such-id")
    assert code == 2 and "no backup with id" in err
    assert len(list((tmp_path / "backups").glob("*.fbk"))) == 1


def test_backup_verify_without_an_id_checks_and_prints_every_backup(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for kind in ("--full", "--incremental"):
        code, out, _ = cli("--user", "wang", "backup", kind, "--json")
        assert code == 0
        ids.append(json.loads(out)["backup"]["id"])
    code, out, _ = cli("--user", "wang", "backup", "verify")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 2 and all(
        i in line and "校验通过" in line for i, line in zip(ids, lines, strict=True)
    )
    code, out, _ = cli("--user", "wang", "backup", "verify", "--json")
    assert code == 0 and [r["backup_id"] for r in json.loads(out)["results"]] == ids
    # one of them damaged: both are still checked, that one is named, and the exit says so
    backups = tmp_path / "backups"
    damaged = backups / f"{ids[1]}.fbk"
    data = bytearray(damaged.read_bytes())
    data[-20] ^= 0x01
    damaged.write_bytes(bytes(data))
    code, out, _ = cli("--user", "wang", "backup", "verify")
    lines = out.strip().splitlines()
    assert code == 1 and len(lines) == 2
    assert "校验通过" in lines[0] and ids[1] in lines[1] and "校验失败" in lines[1]
