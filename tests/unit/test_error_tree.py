"""One error tree: every error the user is told about is a ``FapiaoError`` with a message key,
its fields, and the command line's exit code (SPEC "CLI": 1 failed, 2 bad usage or input,
3 store or device unreachable); its text is rendered in the language asked for."""

from __future__ import annotations

import errno

import pytest

from devices.clearing.model import BadPlan, ClearingError, ClearStateUnknown, DiskGone
from devices.errors import (
    BadReply,
    DiskError,
    DiskNotAnswering,
    DiskRestarted,
    DiskUnreachable,
    PinLocked,
    WrongPin,
    disk_error,
)
from devices.pin import MalformedPin, PinRejectedBefore
from devices.service import ServiceAlreadyRunning
from storage.accounts.permissions import Permission, PermissionDenied
from storage.accounts.users import AccountError, AuthError
from storage.audit.chain import AuditTampered
from storage.backup.errors import BackupError, BackupUnreachable, BackupUsageError
from storage.config.secret_files import SecretFileError
from storage.config.values import SettingsError
from storage.errors import Exit, FapiaoError, file_error, system_reason
from storage.exporting.invoices import ExportError, OtherBranchRefused
from storage.importing.report import FileRefused, RowError
from storage.lookup.engine import LookupFailed
from storage.messages import MessageError, both, catalogue
from storage.rules.money import MoneyError
from storage.rules.qr import QrError
from storage.store.database import StoreMissing, StoreUnreachable
from storage.store.models import Role
from tui.cli.errors import CliError

# Each way the code carries a message, as raised, with the exit code the CLI gives it.
ERRORS: list[tuple[FapiaoError, Exit]] = [
    (MessageError("store.not_open"), Exit.FAILED),
    (BackupError("backup.none_yet"), Exit.FAILED),
    (BackupUsageError("backup.not_found", id="x"), Exit.USAGE),
    (BackupUnreachable("backup.none_yet"), Exit.UNREACHABLE),
    (FileRefused("import.file.empty"), Exit.USAGE),
    (RowError("import.row.date", value="2026-02-30"), Exit.USAGE),
    (ExportError("export.bad_extension", path="a.txt"), Exit.USAGE),
    (OtherBranchRefused("export.bad_extension", path="a.txt"), Exit.FAILED),
    (PermissionDenied(Permission.MANAGE_USERS, Role.SUPERVISOR), Exit.FAILED),
    (AuthError("auth.bad_login"), Exit.FAILED),
    (AccountError("accounts.unknown", user="li"), Exit.USAGE),
    (AuditTampered("audit.tampered", seq=7), Exit.FAILED),
    (SettingsError("settings.not_text", key="branch"), Exit.USAGE),
    (SecretFileError("secret_file.unreadable", path="p"), Exit.USAGE),
    (StoreUnreachable("store.not_open"), Exit.UNREACHABLE),
    (StoreMissing("store.missing", path="p"), Exit.UNREACHABLE),
    (LookupFailed("lookup.failed", detail="x"), Exit.FAILED),
    (QrError("qr.invalid", reason="x"), Exit.USAGE),
    (MoneyError("money.empty"), Exit.USAGE),
    (DiskUnreachable("/dev/ttyS9", "x"), Exit.UNREACHABLE),
    (DiskNotAnswering(5), Exit.UNREACHABLE),
    (DiskRestarted(), Exit.UNREACHABLE),
    (BadReply("'state' is missing"), Exit.FAILED),
    (disk_error("E_BUSY", {"message": "税控盘忙"}), Exit.FAILED),
    (disk_error("E_PIN", {"message": "口令错误", "tries_left": 2}), Exit.FAILED),
    (MalformedPin("disk.pin_malformed", length=4), Exit.USAGE),
    (PinRejectedBefore("disk.pin_rejected_before", device="D1"), Exit.FAILED),
    (ServiceAlreadyRunning({"pid": 7, "user": "li", "socket": "s"}), Exit.FAILED),
    (
        ClearingError("clear.error.already", period="2026-05", types="004", user="li", when="9:00"),
        Exit.FAILED,
    ),
    (BadPlan("cli.clear.needs_period_kind"), Exit.USAGE),
    (ClearStateUnknown("clear.error.disk_problem", detail="x"), Exit.UNREACHABLE),
    (DiskGone("clear.error.disk_problem", detail="x"), Exit.UNREACHABLE),
    (CliError("cli.no_terminal"), Exit.USAGE),
]


@pytest.mark.parametrize(("error", "code"), ERRORS, ids=[type(e).__name__ for e, _ in ERRORS])
def test_every_error_is_a_fapiao_error_with_its_exit_code_and_both_texts(
    error: FapiaoError, code: Exit
) -> None:
    assert isinstance(error, FapiaoError) and error.exit_code == code
    assert error.key in catalogue()
    zh, en = error.render("zh"), error.render("en")
    assert zh and en and zh != en


def test_the_texts_are_rendered_when_shown_not_when_raised() -> None:
    denied = PermissionDenied(Permission.MANAGE_USERS, Role.SUPERVISOR)
    assert denied.key == "auth.needs_role"
    assert "主管" in denied.render("zh") and "supervisor" in denied.render("en")
    assert "supervisor" not in denied.render("zh")


def test_a_disk_refusal_keeps_the_disks_words_and_says_them_in_a_sentence() -> None:
    busy = disk_error("E_BUSY", {"message": "税控盘忙"})
    assert isinstance(busy, DiskError) and busy.message == "税控盘忙" and busy.code == "E_BUSY"
    assert str(busy) == "税控盘忙"  # a detail inside a caller's sentence, as before
    assert busy.render("en") == "the disk refused: 税控盘忙 (E_BUSY)"
    wrong = disk_error("E_PIN", {"message": "口令错误", "tries_left": 2})
    assert isinstance(wrong, WrongPin) and wrong.tries_left == 2
    assert wrong.key == "disk.wrong_pin" and "2" in wrong.render("zh")
    assert isinstance(disk_error("E_PIN_LOCKED", {"message": "已锁定"}), PinLocked)


def test_a_nested_error_follows_the_language_of_the_text_it_fills() -> None:
    inner = StoreUnreachable("store.not_open")
    outer = DiskGone("clear.error.disk_problem", detail=inner)
    assert "数据库未打开" in outer.render("zh") and "the store is not open" in outer.render("en")
    assert both("error.store_unreachable", detail=inner) == (
        "无法打开数据库：数据库未打开 / cannot open the store: the store is not open"
    )


def test_an_import_problem_names_another_message_in_the_same_language() -> None:
    missing = RowError("import.row.money_missing", column="@import.column.tax")
    assert missing.problem.text() == "缺少税额"  # the import report's view of it
    assert (missing.render("zh"), missing.render("en")) == ("缺少税额", "tax is missing")


@pytest.mark.parametrize(("number", "code", "zh", "en"), [
    (errno.ENOENT, Exit.USAGE, "文件不存在", "there is no such file"),
    (errno.EISDIR, Exit.USAGE, "这是一个文件夹，需要的是文件", "it is a folder, a file is needed"),
    (errno.EACCES, Exit.FAILED, "没有权限", "permission denied"),
    (errno.ENOSPC, Exit.FAILED, "磁盘已满", "the disk is full"),
    (errno.EXDEV, Exit.FAILED, "系统错误 EXDEV", "system error EXDEV"),
])  # fmt: skip
def test_an_os_error_becomes_a_message_naming_the_file(
    number: int, code: Exit, zh: str, en: str
) -> None:
    error = file_error(OSError(number, "the C library's English", "/srv/in.csv"))
    assert error.exit_code == code
    assert error.render("zh") == f"无法使用文件 /srv/in.csv：{zh}"
    assert error.render("en") == f"cannot use the file /srv/in.csv: {en}"


def test_writing_where_the_folder_is_missing_says_the_folder_is_missing() -> None:
    error = file_error(FileNotFoundError(errno.ENOENT, "x"), "/no/such/out.csv", writing=True)
    assert (
        error.render("en") == "cannot write /no/such/out.csv: the folder it goes in does not exist"
    )
    assert error.exit_code == Exit.USAGE


def test_the_reason_is_found_under_a_library_error_that_wraps_it() -> None:
    try:
        try:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
        except OSError as exc:
            raise RuntimeError("could not open port socket://127.0.0.1:1") from exc
    except RuntimeError as wrapped:
        assert system_reason(wrapped).render("zh") == "连接被拒绝"
