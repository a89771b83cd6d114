"""Mailing the notices that asked for it, with the standard library's ``smtplib``.

``deliver_pending`` is safe to call from any thread of any terminal at any time: each notice is
claimed in the store for a short lease before it is sent, so two terminals never send the same
one at once (a terminal killed mid-send leaves the lease to expire, and the mail is retried). A
server that is down, a refused login or a bad credentials file is recorded on the notice
(attempts, the error, the next try with backoff) and logged, never raised: a clear never waits
for the mail or fails because of it.

The server comes from ``smtp_url``; its user from the URL, the password from the file named by
``FAPIAO_SMTP_PASSWORD_FILE`` / ``smtp_password_file`` (mode 0600, refused otherwise) or the
keyring (service ``fapiao``, user ``smtp:USER@HOST``). A private CA for STARTTLS/SMTPS:
``FAPIAO_SMTP_CA_FILE`` / ``smtp_ca_file``. The sender: ``FAPIAO_NOTIFY_FROM`` / ``notify_from``,
else the SMTP user when it is an address, else ``fapiao-desk@`` this host.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import peewee

from storage.config.secret_files import SecretFileError, read_secret_file
from storage.config.settings import Settings
from storage.config.values import SettingsError, SmtpServer, parse_smtp_url
from storage.errors import FapiaoError
from storage.messages import Language, Message, MessageError
from storage.notices.outbox import MailState, Notice, PostedNotice, as_posted, render
from storage.store.database import database_proxy, write

log = logging.getLogger(__name__)

PASSWORD_FILE_ENV = "FAPIAO_SMTP_PASSWORD_FILE"
PASSWORD_FILE_KEY = "smtp_password_file"
CA_FILE_ENV = "FAPIAO_SMTP_CA_FILE"
CA_FILE_KEY = "smtp_ca_file"
FROM_ENV = "FAPIAO_NOTIFY_FROM"
FROM_KEY = "notify_from"
KEYRING_SERVICE = "fapiao"

TIMEOUT = 10.0  # seconds for connecting and for each SMTP exchange
LEASE = dt.timedelta(minutes=10)  # a claimed notice is left to its mailer this long
MAX_AGE = dt.timedelta(days=3)  # a notice not mailed by then is stale: given up
BATCH = 20
FIRST_RETRY = 60  # seconds; doubled after each failure
LONGEST_RETRY = 30 * 60


class MailSetupError(MessageError):
    """The mail cannot even be tried: no password for the SMTP user, a bad secret file."""


def retry_delay(attempts: int) -> dt.timedelta:
    """How long after the ``attempts``-th failure the next try is (1, 2, 4 … 30 minutes)."""
    return dt.timedelta(seconds=min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY))


def keyring_user(server: SmtpServer) -> str:
    return f"smtp:{server.username}@{server.host}"


def _setting(settings: Settings, env: str, key: str) -> str:
    configured = settings.extra.get(key)
    return os.environ.get(env) or (configured if isinstance(configured, str) else "")


def smtp_password(settings: Settings, server: SmtpServer) -> str:
    """The password for the URL's user: a 0600 file, else the keyring; never the config."""
    path = _setting(settings, PASSWORD_FILE_ENV, PASSWORD_FILE_KEY)
    if path:
        try:
            return read_secret_file(path)
        except SecretFileError as exc:
            raise MailSetupError("notice.mail.secret_file", detail=exc) from exc
    try:
        import keyring
        import keyring.errors

        try:
            stored = keyring.get_password(KEYRING_SERVICE, keyring_user(server))
        except (keyring.errors.KeyringError, RuntimeError):
            stored = None  # no keyring backend on a headless box
    except ImportError:  # pragma: no cover - keyring is a dependency
        stored = None
    if stored:
        return stored
    raise MailSetupError("notice.mail.no_password", user=server.username, env=PASSWORD_FILE_ENV,
                         account=keyring_user(server))  # fmt: skip


def sender(settings: Settings, server: SmtpServer) -> str:
    configured = _setting(settings, FROM_ENV, FROM_KEY)
    if configured:
        return configured
    if "@" in server.username:
        return server.username
    return f"fapiao-desk@{socket.gethostname()}"


def compose(notice: PostedNotice, *, sender: str, recipients: tuple[str, ...],
            lang: Language) -> EmailMessage:  # fmt: skip
    """The mail for one notice: its subject and lines in ``lang``, plain text, UTF-8."""
    mail = EmailMessage()
    mail["Subject"] = render(Message("notice.mail.subject", {"subject": notice.subject}), lang)
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "localhost"
    mail["Message-ID"] = make_msgid(idstring=f"notice-{notice.id}", domain=domain)
    lines = [render(line, lang) for line in notice.body]
    footer = render(Message("notice.mail.footer", {
        "id": notice.id, "at": notice.created_at.strftime("%Y-%m-%d %H:%M")}), lang)  # fmt: skip
    mail.set_content("\n".join([*lines, "", footer]) + "\n", charset="utf-8")
    return mail


@dataclass(frozen=True)
class DeliveryReport:
    """What one ``deliver_pending`` call did (for a log line or a status message)."""

    configured: bool = True  # False: no smtp_url or no notify_to here, nothing was tried
    sent: int = 0
    failed: int = 0  # failed this time, will be retried
    gave_up: int = 0
    error: str = ""  # the last failure, without secrets


@contextlib.contextmanager
def _connection() -> Iterator[None]:
    """A store connection for this thread, closed after only if it was opened here."""
    db = database_proxy.obj
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened:
            db.close()


def _error_text(error: BaseException, secret: str = "") -> str:
    text = user_error(error)
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


def user_error(error: BaseException) -> str:
    if isinstance(error, FapiaoError):
        return error.render("zh") + " / " + error.render("en")
    return f"{type(error).__name__}: {error}".strip().rstrip(":")


def deliver_pending(settings: Settings, *, now: dt.datetime | None = None,
                    timeout: float = TIMEOUT) -> DeliveryReport:  # fmt: skip
    """Mail every notice waiting for it whose retry time has come; never raises.

    ``settings`` must be the effective ones (``storage.config.stored.effective_settings``)
    so that a server or recipients a supervisor set in the app are used. Opens its own store
    connection when the calling thread has none (a background thread).
    """
    try:
        with _connection():
            return _deliver(settings, now or dt.datetime.now(), timeout)
    except Exception as exc:  # the store away, anything unforeseen: logged, never raised
        log.error("mail delivery stopped: %s", _error_text(exc))
        return DeliveryReport(error=_error_text(exc))


def deliver_in_background(settings: Settings) -> threading.Thread:
    """``deliver_pending`` in a daemon thread (after a clear: the caller does not wait)."""
    thread = threading.Thread(target=deliver_pending, args=(settings,), name="notice-mail",
                              daemon=True)  # fmt: skip
    thread.start()
    return thread


def _deliver(settings: Settings, now: dt.datetime, timeout: float) -> DeliveryReport:
    try:
        server = parse_smtp_url(settings.smtp_url)
    except SettingsError as exc:
        log.warning("mail not sent: %s", _error_text(exc))
        return DeliveryReport(configured=False, error=_error_text(exc))
    if server is None or not settings.notify_to:
        return DeliveryReport(configured=False)  # mails wait until a server is configured
    gave_up = write(lambda: _give_up_stale(now))
    claimed = write(lambda: _claim(now))
    if not claimed:
        return DeliveryReport(gave_up=gave_up)
    password = ""
    try:
        if server.username:
            password = smtp_password(settings, server)
        smtp = _open(server, settings, password, timeout)
    except (MailSetupError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        error = _error_text(exc, password)
        log.warning("mail server %s unusable, %d notices wait: %s", server, len(claimed), error)
        for notice in claimed:
            _record_failure(notice, error, now)
        return DeliveryReport(failed=len(claimed), gave_up=gave_up, error=error)
    sent, failed, error = 0, 0, ""
    from_address = sender(settings, server)
    try:
        for index, notice in enumerate(claimed):
            mail = compose(notice, sender=from_address, recipients=settings.notify_to,
                           lang="en" if settings.language == "en" else "zh")  # fmt: skip
            try:
                refused = smtp.send_message(mail, from_addr=from_address,
                                            to_addrs=list(settings.notify_to))  # fmt: skip
            except (smtplib.SMTPException, OSError) as exc:
                error = _error_text(exc, password)
                log.warning("mail for notice %d failed: %s", notice.id, error)
                lost = isinstance(exc, smtplib.SMTPServerDisconnected | OSError)
                for left in claimed[index:] if lost else [notice]:
                    _record_failure(left, error, now)
                    failed += 1
                if lost:
                    break
                continue
            _record_sent(notice, now, refused)
            sent += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
    log.info("mailed %d notices to %d recipients, %d failed", sent, len(settings.notify_to), failed)
    return DeliveryReport(sent=sent, failed=failed, gave_up=gave_up, error=error)


def _open(server: SmtpServer, settings: Settings, password: str, timeout: float) -> smtplib.SMTP:
    # The host's short name in EHLO: socket.getfqdn() may wait on a DNS that is not there.
    local = socket.gethostname()
    ca_file = _setting(settings, CA_FILE_ENV, CA_FILE_KEY) or None
    smtp: smtplib.SMTP
    if server.tls:
        context = ssl.create_default_context(cafile=ca_file)
        smtp = smtplib.SMTP_SSL(server.host, server.port, local_hostname=local, timeout=timeout,
                                context=context)  # fmt: skip
    else:
        smtp = smtplib.SMTP(server.host, server.port, local_hostname=local, timeout=timeout)
    try:
        if server.starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=ca_file))
        if server.username:
            smtp.login(server.username, password)
    except BaseException:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.close()
        raise
    return smtp


# -- the notice rows ---------------------------------------------------------------------


def _due(now: dt.datetime) -> peewee.Expression:
    return (
        (Notice.mail_state == MailState.PENDING)
        & (Notice.mail_next_at.is_null() | (Notice.mail_next_at <= now))
        & (Notice.mail_claimed_until.is_null() | (Notice.mail_claimed_until < now))
    )


def _give_up_stale(now: dt.datetime) -> int:
    stale = (Notice.mail_state == MailState.PENDING) & (Notice.created_at < now - MAX_AGE)
    count = int(Notice.update(mail_state=MailState.GAVE_UP, mail_claimed_until=None,
                              mail_error=Message("notice.mail.too_old", {}).both())
                .where(stale).execute())  # fmt: skip
    if count:
        log.warning("gave up mailing %d notices older than %s", count, MAX_AGE)
    return count


def _claim(now: dt.datetime) -> list[PostedNotice]:
    """Take the due notices for this mailer; runs in one write, so two mailers never share."""
    rows = list(Notice.select().where(_due(now)).order_by(Notice.id).limit(BATCH))
    if rows:
        ids = [row.id for row in rows]
        Notice.update(mail_claimed_until=now + LEASE).where(Notice.id.in_(ids)).execute()
    return [as_posted(row) for row in rows]


def _record_sent(notice: PostedNotice, now: dt.datetime, refused: Mapping[str, object]) -> None:
    note = f"refused by the server: {len(refused)} recipients" if refused else ""
    write(lambda: Notice.update(mail_state=MailState.SENT, mail_sent_at=now, mail_error=note,
                                mail_claimed_until=None, mail_attempts=Notice.mail_attempts + 1)
          .where(Notice.id == notice.id).execute())  # fmt: skip


def _record_failure(notice: PostedNotice, error: str, now: dt.datetime) -> None:
    def record() -> None:
        row = Notice.get_by_id(notice.id)
        attempts = int(row.mail_attempts) + 1
        Notice.update(mail_attempts=attempts, mail_error=error, mail_claimed_until=None,
                      mail_next_at=now + retry_delay(attempts)).where(Notice.id == notice.id).execute()  # fmt: skip

    write(record)


# -- what a screen shows -----------------------------------------------------------------


@dataclass(frozen=True)
class MailStatus:
    waiting: int  # notices whose mail is not sent yet
    failing: int  # of those, the ones whose last try failed
    last_error: str
    next_try: dt.datetime | None
    last_sent: dt.datetime | None
    gave_up: int


def mail_status() -> MailStatus:
    """How the mail is doing, for the settings screen: waiting, failing, the last error."""
    pending = Notice.mail_state == MailState.PENDING
    waiting = Notice.select().where(pending).count()
    failing_rows = Notice.select().where(pending & (Notice.mail_attempts > 0))
    last_failed = failing_rows.order_by(Notice.id.desc()).first()
    next_try = (Notice.select(peewee.fn.MIN(Notice.mail_next_at))
                .where(pending & Notice.mail_next_at.is_null(False)).scalar())  # fmt: skip
    last_sent = (Notice.select(peewee.fn.MAX(Notice.mail_sent_at))
                 .where(Notice.mail_state == MailState.SENT).scalar())  # fmt: skip
    gave_up = Notice.select().where(Notice.mail_state == MailState.GAVE_UP).count()
    return MailStatus(waiting, failing_rows.count(), last_failed.mail_error if last_failed else "",
                      next_try, last_sent, gave_up)  # fmt: skip
