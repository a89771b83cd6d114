"""Every command's failure, as a script sees it: with ``--json`` exactly one JSON document on
stdout (the error's key, its message and the exit code), the message once on stderr in the
chosen language, the exit code SPEC gives (1 failed, 2 bad usage or input, 3 unreachable),
and no library English ("the following arguments are required", "No such file or
directory") in either language."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from storage.store.database import close_database
from tests.support.paths import ROOT
from tui.cli.main import main

CJK = re.compile(r"[\u4e00-\u9fff]")
# The C library's and argparse's own English, which no language of the app prints as it is.
SYSTEM_TEXT = ("No such file", "Is a directory", "Permission denied", "Errno", "Traceback")
ARGPARSE_TEXT = ("the following arguments", "invalid choice", "expected one argument",
                 "error: argument")  # fmt: skip


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return str(path)


@pytest.fixture(scope="module")
def store_with_accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with a supervisor (boss), a clerk (wang) and an auditor (audi), made once
    for the module (the password hashing is what takes the time) and copied for each test."""
    folder = tmp_path_factory.mktemp("accounts")
    pw = _secret(folder, "pw", "s3cret-pw")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{folder / 'store.db'}")
        env.setenv("FAPIAO_CONFIG", str(folder / "no-config.toml"))
        env.setenv("FAPIAO_DATA_DIR", str(folder / "data"))
        assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
        env.setenv("FAPIAO_PASSWORD_FILE", pw)
        for name, role in (("wang", "clerk"), ("audi", "auditor")):
            assert main(["--user", "boss", "user", "add", name, "--role", role,
                         "--password-file", pw]) == 0  # fmt: skip
        close_database()
    return folder / "store.db"


@pytest.fixture
def accounts(store_with_accounts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> Path:  # fmt: skip
    """This test's copy of the store, everyone's password in ``FAPIAO_PASSWORD_FILE``, and a
    folder ``a-folder.csv`` to give where a file is expected."""
    for part in store_with_accounts.parent.glob("store.db*"):  # with its WAL, if any
        shutil.copyfile(part, tmp_path / part.name)
    monkeypatch.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("FAPIAO_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _secret(tmp_path, "pw", "s3cret-pw"))
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", _secret(tmp_path, "phrase", "open sesame"))
    (tmp_path / "a-folder.csv").mkdir()
    capsys.readouterr()
    return tmp_path


# (arguments, exit code, error key); "{tmp}" is the test's folder. Every subcommand, each
# failing its own way where it has one.
FAILURES = [
    (["--user", "audi", "import", "{tmp}/x.csv"], 1, "auth.needs_role"),
    (["--user", "boss", "export", "--out", "{tmp}/out.txt"], 2, "export.bad_extension"),
    (["--user", "boss", "export", "--out", "{tmp}/a-folder.csv"], 2, "file.cannot_write"),
    (["--user", "boss", "export", "--out", "{tmp}/no/such/folder.csv"], 2, "file.cannot_write"),
    (["--user", "boss", "lookup", " "], 2, "lookup.cli.empty"),
    (["--user", "boss", "lookup", "1234", "--limit", "0"], 2, "cli.usage_error"),
    (["--user", "boss", "mark", "12345678", "--reimbursed", "--period", "2026-05"], 2,
     "tracking.option_needs"),
    (["--user", "boss", "mark", "--reimbursed", "--from", "{tmp}/a-folder.csv"], 2,
     "tracking.no_file"),
    (["--user", "boss", "summary", "--from", "not-a-date"], 2, "export.bad_date"),
    (["check", "foo=bar"], 2, "check_cli.unknown_field"),
    (["check", "--qr", "not a qr"], 2, "qr.invalid"),
    (["check"], 2, "check_cli.nothing"),
    (["--user", "boss", "user", "add", "wang", "--password-file", "{tmp}/pw"], 2,
     "accounts.exists"),
    (["--user", "boss", "user", "add", "li", "--password-file", "{tmp}/a-folder.csv"], 2,
     "secret_file.missing"),
    (["--user", "boss", "user", "passwd", "nobody", "--password-file", "{tmp}/pw"], 2,
     "accounts.unknown"),
    (["--user", "wang", "user", "role", "audi", "clerk"], 1, "auth.needs_role"),
    (["--user", "wang", "user", "list"], 1, "auth.needs_role"),
    (["--user", "boss", "user", "unlock", "nobody"], 2, "accounts.unknown"),
    (["--user", "nobody", "user", "list"], 1, "auth.bad_login"),
    (["--user", "wang", "audit", "verify"], 1, "auth.needs_role"),
    (["--user", "boss", "sync"], 2, "disk.no_device"),
    (["device-sim", "--tcp", "nowhere"], 2, "disk.sim_bad_address"),
    (["device-sim", "--state", "{tmp}/a-folder.csv"], 2, "disk.sim_bad_state"),
    (["device-service"], 2, "disk.no_device"),
    (["--user", "boss", "backup", "verify", "no-such-id"], 2, "backup.none_yet"),
    (["--user", "wang", "backup", "prune"], 1, "auth.needs_role"),
    (["--user", "boss", "backup", "change-passphrase", "--new-passphrase-file",
      "{tmp}/a-folder.csv"], 2, "secret_file.missing"),
    (["--user", "boss", "clear"], 2, "cli.clear.needs_period_kind"),
    (["--user", "boss", "import", "{tmp}/gone.csv"], 2, "import.file.missing"),
    (["--user", "boss", "import", "{tmp}/a-folder.csv"], 2, "import.file.missing"),
    (["--user", "boss", "clear", "preflight", "--period", "2026-05"], 2, "disk.no_device"),
    (["--user", "boss", "clear", "log", "--out", "{tmp}/a-folder.csv"], 2, "file.problem"),
    (["lookup"], 2, "cli.usage_error"),
    (["no-such-command"], 2, "cli.usage_error"),
    (["--lang", "fr", "check", "number=1"], 2, "cli.usage_error"),
    (["check", "number=1", "--bogus"], 2, "cli.usage_error"),
]  # fmt: skip


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    close_database()
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(("args", "exit_code", "key"), FAILURES,
                         ids=[" ".join(a) for a, _, _ in FAILURES])  # fmt: skip
def test_every_failure_prints_one_json_document_and_its_message_once(
    accounts: Path, capsys: pytest.CaptureFixture[str], args: list[str], exit_code: int,
    key: str, language: str,
) -> None:  # fmt: skip
    argv = ["--lang", language] + [a.replace("{tmp}", str(accounts)) for a in args] + ["--json"]
    code, out, err = _run(argv, capsys)
    document = json.loads(out)  # exactly one document: anything after it fails to parse
    assert (code, document["exit_code"], document["error"]) == (exit_code, exit_code, key)
    message = document["message"]
    assert message and err.count(message) == 1  # said once, on stderr too
    assert not any(text in out + err for text in SYSTEM_TEXT)
    if language == "zh":
        assert CJK.search(message)
        assert not any(text in out + err for text in ARGPARSE_TEXT)
    else:
        assert not CJK.search(message), message


def test_a_folder_given_as_a_file_says_it_is_a_folder(
    accounts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(accounts / "a-folder.csv")
    code, _, err = _run(["--user", "boss", "import", folder], capsys)
    assert code == 2 and "a-folder.csv" in err and "这是一个文件夹，需要的是文件" in err
    code, _, err = _run(["--lang", "en", "--user", "boss", "export", "--out", folder], capsys)
    assert code == 2 and err == f"cannot write {folder}: it is a folder, a file is needed\n"
    code, _, err = _run(["--user", "boss", "user", "add", "li", "--password-file", folder],
                          capsys)  # fmt: skip
    assert code == 2 and err == f"无法读取密钥文件 {folder}：这是一个文件夹，需要的是文件\n"


def test_a_missing_file_is_named_in_the_chosen_language(
    accounts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(accounts / "gone.csv")
    code, _, err = _run(["--user", "boss", "import", missing], capsys)
    assert code == 2 and err == "gone.csv：无法导入：无法读取文件：文件不存在\n"
    code, _, err = _run(["--lang", "en", "--user", "boss", "import", missing], capsys)
    assert code == 2 and "gone.csv" in err and "there is no such file" in err


def test_a_bad_config_file_still_gives_one_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("FAPIAO_CONFIG", str(config))
    code, out, err = _run(["check", "number=12345678", "--json"], capsys)
    document = json.loads(out)
    assert code == 2 and document["error"] == "settings.bad_language"
    assert err.count(document["message"]) == 1


@pytest.mark.parametrize(("args", "exit_code", "key"), [
    (["sync", "--json"], 2, "disk.no_device"),
    (["check", "foo=bar", "--json"], 2, "check_cli.unknown_field"),
])  # fmt: skip
def test_the_installed_command_exits_with_the_errors_code(
    accounts: Path, args: list[str], exit_code: int, key: str
) -> None:
    # The two cases, as a shell runs them: the process's exit code and its stdout.
    run = subprocess.run([sys.executable, "-m", "tui.cli.main", "--user", "boss", *args],
                         capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={**os.environ, "FAPIAO_LANG": "en"})  # fmt: skip
    document = json.loads(run.stdout)
    assert (run.returncode, document["exit_code"], document["error"]) == (exit_code, exit_code, key)
    assert run.stderr == document["message"] + "\n" and not CJK.search(run.stderr)


def test_sync_with_the_disk_unplugged_is_one_document_and_exit_3(
    accounts: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = str(accounts / "ttyUSB9")  # a serial port that is not there
    monkeypatch.setenv("FAPIAO_DEVICE_URL", port)
    monkeypatch.setenv("FAPIAO_PIN_FILE", _secret(accounts, "pin", "123456"))
    code, out, err = _run(["--lang", "en", "--user", "wang", "sync", "--json"], capsys)
    document = json.loads(out)
    assert (code, document["error"], document["exit_code"]) == (3, "disk.unreachable", 3)
    assert port in document["message"] and "there is no such file" in document["message"]
    assert err == document["message"] + "\n" and "Errno" not in err
