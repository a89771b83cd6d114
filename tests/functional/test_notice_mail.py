"""Mailing notices to a real SMTP server on 127.0.0.1 (aiosmtpd): plain, STARTTLS with a login,
SMTPS; a server that is down is recorded and retried later; nothing ever raises into the
caller; two mailers never send one notice twice."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path

import peewee
import pytest

from storage.config.settings import Settings
from storage.messages import Message
from storage.notices import (
    ClearingOutcome,
    MailState,
    Notice,
    TypeOutcome,
    deliver_pending,
    mail_status,
    post_clearing_notice,
    post_notice,
)
from storage.notices.mail import retry_delay
from tests.support.mail import MailServer, free_port, self_signed_cert

RECIPIENTS = ("finance@example.com", "boss@example.com")


def _outcome() -> ClearingOutcome:
    return ClearingOutcome(
        period="2026-03", kind="ordinary", started_by="clerk", confirmed_by="super",
        branch="总部", device_id="661620039941",
        finished_at=dt.datetime(2026, 4, 12, 10, 5),
        results=(
            TypeOutcome("004", ok=True, new_deadline=dt.date(2026, 5, 15)),
            TypeOutcome("007", ok=False, error_code="E_NOT_FILED", error="本期申报未完成，无法清卡",
                        fix=Message("notice.clear.no_detail", {})),
        ),
    )  # fmt: skip


def _settings(url: str, **more: object) -> Settings:
    return replace(Settings().with_defaults(), smtp_url=url, notify_to=RECIPIENTS, **more)  # type: ignore[arg-type]


def _row(notice_id: int) -> Notice:
    notice: Notice = Notice.get_by_id(notice_id)
    return notice


def test_the_clear_notice_reaches_the_mail_server(store: peewee.Database) -> None:
    notice_id = post_clearing_notice(_outcome())
    with MailServer("smtp") as server:
        report = deliver_pending(_settings(server.url))
        assert (report.sent, report.failed) == (1, 0)
        again = deliver_pending(_settings(server.url))  # sent once, never again
    assert again.sent == 0
    assert len(server.inbox.mails) == 1
    mail = server.inbox.mails[0]
    assert sorted(mail.rcpt_tos) == sorted(RECIPIENTS)
    assert (
        "清卡部分失败" in mail.subject and "2026-03" in mail.subject and "普通清卡" in mail.subject
    )
    text = mail.text
    assert "所属期：2026-03" in text and "普通清卡" in text
    assert "发起人：clerk" in text and "确认人：super" in text
    assert "004：清卡成功，新截止日期 2026-05-15" in text
    assert "007：清卡失败（E_NOT_FILED）：本期申报未完成，无法清卡" in text
    row = _row(notice_id)
    assert row.mail_state == MailState.SENT and row.mail_sent_at is not None


def test_english_mail_when_the_language_is_english(sqlite_store: peewee.Database) -> None:
    post_clearing_notice(
        replace(_outcome(), results=(TypeOutcome("004", True, dt.date(2026, 5, 15)),))
    )
    with MailServer("smtp") as server:
        deliver_pending(_settings(server.url, language="en"))
    mail = server.inbox.mails[0]
    assert mail.subject == "[Fapiao Desk] Clear done: 2026-03 ordinary clear, all 1 types cleared"
    assert "004: cleared, new deadline 2026-05-15" in mail.text


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # SMTPS: all TLS
@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_tls_with_a_login_from_a_0600_file(
    sqlite_store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, mode: str,
) -> None:  # fmt: skip
    cert = self_signed_cert(tmp_path)
    password_file = tmp_path / "smtp-password"
    password_file.write_text("s3cret-mail-pw\n", encoding="utf-8")
    os.chmod(password_file, 0o600)
    monkeypatch.setenv("FAPIAO_SMTP_PASSWORD_FILE", str(password_file))
    monkeypatch.setenv("FAPIAO_SMTP_CA_FILE", str(cert[0]))
    post_clearing_notice(_outcome())
    caplog.set_level(logging.DEBUG)
    with MailServer(mode, cert=cert, password="s3cret-mail-pw") as server:
        scheme, rest = server.url.split("://")
        report = deliver_pending(_settings(f"{scheme}://desk%40example.com@{rest}"))
    assert (report.sent, report.failed) == (1, 0), report.error
    assert server.inbox.logins == [("desk@example.com", "s3cret-mail-pw")]
    assert server.inbox.mails[0].mail_from == "desk@example.com"
    assert "2026-03" in server.inbox.mails[0].subject
    assert "s3cret-mail-pw" not in caplog.text


def test_a_wrong_password_is_recorded_without_the_password(
    sqlite_store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    cert = self_signed_cert(tmp_path)
    password_file = tmp_path / "smtp-password"
    password_file.write_text("wrong-pw-1234\n", encoding="utf-8")
    os.chmod(password_file, 0o600)
    monkeypatch.setenv("FAPIAO_SMTP_PASSWORD_FILE", str(password_file))
    monkeypatch.setenv("FAPIAO_SMTP_CA_FILE", str(cert[0]))
    notice_id = post_clearing_notice(_outcome())
    caplog.set_level(logging.DEBUG)
    with MailServer("starttls", cert=cert, password="the-right-one") as server:
        report = deliver_pending(_settings(server.url.replace("://", "://desk@")))
    assert (report.sent, report.failed) == (0, 1)
    assert server.inbox.mails == []
    row = _row(notice_id)
    assert row.mail_state == MailState.PENDING and row.mail_attempts == 1
    assert "Authentication" in row.mail_error
    assert "wrong-pw-1234" not in caplog.text and "wrong-pw-1234" not in row.mail_error


def test_a_password_file_others_can_read_is_refused(
    sqlite_store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    password_file = tmp_path / "smtp-password"
    password_file.write_text("pw\n", encoding="utf-8")
    os.chmod(password_file, 0o644)
    monkeypatch.setenv("FAPIAO_SMTP_PASSWORD_FILE", str(password_file))
    notice_id = post_clearing_notice(_outcome())
    with MailServer("smtp") as server:
        report = deliver_pending(_settings(server.url.replace("://", "://desk@")))
    assert report.failed == 1 and server.inbox.mails == []
    assert "600" in _row(notice_id).mail_error


def test_a_server_that_is_down_is_recorded_and_retried_later(
    store: peewee.Database, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    port = free_port()  # nothing listens there yet
    settings = _settings(f"smtp://127.0.0.1:{port}")
    notice_id = post_clearing_notice(_outcome())
    caplog.set_level(logging.WARNING)
    start = dt.datetime.now()
    report = deliver_pending(settings, now=start)  # must not raise
    assert (report.sent, report.failed) == (0, 1)
    assert "Connection refused" in report.error
    assert f"127.0.0.1:{port}" in caplog.text  # the failure is logged
    row = _row(notice_id)
    assert (row.mail_state, row.mail_attempts) == (MailState.PENDING, 1)
    assert row.mail_next_at == start + retry_delay(1)
    status = mail_status()
    assert (status.waiting, status.failing) == (1, 1) and "Connection refused" in status.last_error

    with MailServer("smtp", port) as server:
        early = deliver_pending(settings, now=start + dt.timedelta(seconds=5))
        assert (early.sent, early.failed) == (0, 0)  # not before its retry time
        later = deliver_pending(settings, now=start + retry_delay(1) + dt.timedelta(seconds=1))
    assert later.sent == 1
    assert len(server.inbox.mails) == 1 and "2026-03" in server.inbox.mails[0].subject
    assert _row(notice_id).mail_state == MailState.SENT
    assert mail_status().waiting == 0


def test_backoff_grows_and_old_mail_is_given_up(sqlite_store: peewee.Database) -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 20)] == [60, 120, 240, 1800, 1800]
    notice_id = post_clearing_notice(_outcome())
    later = dt.datetime.now() + dt.timedelta(days=4)
    report = deliver_pending(_settings(f"smtp://127.0.0.1:{free_port()}"), now=later)
    assert report.gave_up == 1 and report.failed == 0
    assert _row(notice_id).mail_state == MailState.GAVE_UP


def test_without_a_server_mail_waits_and_nothing_is_tried(sqlite_store: peewee.Database) -> None:
    notice_id = post_clearing_notice(_outcome())
    report = deliver_pending(Settings().with_defaults())
    assert not report.configured
    assert (_row(notice_id).mail_state, _row(notice_id).mail_attempts) == (MailState.PENDING, 0)


def test_deliver_pending_never_raises_even_without_a_store() -> None:
    from storage.store.database import database_proxy

    old = database_proxy.obj
    database_proxy.initialize(peewee.SqliteDatabase("/nonexistent/dir/store.db"))
    try:
        report = deliver_pending(_settings("smtp://127.0.0.1:25"))
    finally:
        database_proxy.initialize(old)
    assert report.error


def test_a_notice_without_mail_is_never_mailed(sqlite_store: peewee.Database) -> None:
    post_notice("settings.changed", "notice.settings.subject", {"user": "super"}, mail=False)
    with MailServer("smtp") as server:
        assert deliver_pending(_settings(server.url)).sent == 0
    assert server.inbox.mails == []


def test_two_mailers_at_once_send_each_notice_once(store: peewee.Database) -> None:
    ids = [post_clearing_notice(replace(_outcome(), period=f"2026-{m:02d}")) for m in range(1, 7)]
    with MailServer("smtp") as server:
        settings = _settings(server.url)
        threads = [threading.Thread(target=deliver_pending, args=(settings,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    periods = sorted(mail.subject.split("：")[1][:7] for mail in server.inbox.mails)
    assert periods == [f"2026-{m:02d}" for m in range(1, 7)]
    assert all(_row(i).mail_state == MailState.SENT for i in ids)
