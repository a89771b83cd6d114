"""The typed values of the clearing settings (SPEC "Running"): the mail server, who is told,
the peak hours and the reminder days — parsed and checked the same way whether they come
from the TOML file, an environment variable or a supervisor typing them in the app."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from storage.errors import Exit
from storage.messages import MessageError

DEFAULT_REMIND_DAYS = 5
MAX_REMIND_DAYS = 31

#: URL scheme → (TLS from the start, STARTTLS after connecting, default port).
SMTP_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+starttls": (False, True, 587),
    "smtps": (True, False, 465),
}


class SettingsError(MessageError):
    """The configuration file is unreadable or holds a bad value (``storage.config.settings`` uses
    it too); the message names the setting and the fix."""

    exit_code = Exit.USAGE


@dataclass(frozen=True)
class PeakHours:
    """One span of busy counter hours (``09:00-11:30``): a clear started inside it warns first."""

    start: dt.time
    end: dt.time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: dt.time) -> bool:
        return self.start <= moment.replace(tzinfo=None) < self.end


def peak_hour_at(spans: tuple[PeakHours, ...], moment: dt.datetime) -> PeakHours | None:
    """The configured peak span ``moment`` falls in, else None (for the clear's preflight)."""
    return next((span for span in spans if span.contains(moment.time())), None)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # SMTPS: TLS from the first byte
    starttls: bool
    username: str = ""  # from the URL; the password never is (keyring or a 0600 file)

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


_TIME_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")


def _split(value: object, key: str) -> tuple[str, ...]:
    """A list in TOML, or one text with items separated by commas (env, the settings screen)."""
    if isinstance(value, str):
        items = value.replace("，", ",").split(",")
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise SettingsError("settings.not_text_list", key=key)
    return tuple(item.strip() for item in items if item.strip())


def parse_peak_hours(value: object) -> tuple[PeakHours, ...]:
    spans = []
    for text in _split(value, "peak_hours"):
        match = _TIME_SPAN.match(text)
        if match is None:
            raise SettingsError("settings.bad_peak_hours", value=text)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise SettingsError("settings.bad_peak_hours", value=text) from None
        if end <= start:
            raise SettingsError("settings.peak_hours_backwards", value=text)
        spans.append(PeakHours(start, end))
    return tuple(sorted(spans, key=lambda span: span.start))


def parse_remind_days(value: object) -> int:
    if isinstance(value, bool):  # TOML true is not a number of days
        raise SettingsError("settings.bad_remind_days", value=str(value), most=MAX_REMIND_DAYS)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise SettingsError("settings.bad_remind_days", value=text, most=MAX_REMIND_DAYS)
        value = int(text)
    if not isinstance(value, int) or not 0 <= value <= MAX_REMIND_DAYS:
        raise SettingsError("settings.bad_remind_days", value=str(value), most=MAX_REMIND_DAYS)
    return value


def parse_recipients(value: object) -> tuple[str, ...]:
    addresses = _split(value, "notify_to")
    for address in addresses:
        if not _ADDRESS.match(address):
            raise SettingsError("settings.bad_address", value=address)
    return addresses


def parse_smtp_url(text: str) -> SmtpServer | None:
    """``smtp://host:port``, ``smtp+starttls://user@host:port``, ``smtps://…``; "" is no mail."""
    text = text.strip()
    if not text:
        return None
    parsed = urlparse(text)
    scheme = parsed.scheme.lower()
    if scheme not in SMTP_SCHEMES:
        raise SettingsError("settings.bad_smtp_url", url=_without_password(text))
    if parsed.password is not None:
        raise SettingsError("settings.smtp_password_in_url")
    try:
        port = parsed.port
    except ValueError:
        raise SettingsError("settings.bad_smtp_url", url=text) from None
    if not parsed.hostname or parsed.path not in ("", "/") or parsed.query:
        raise SettingsError("settings.bad_smtp_url", url=text)
    tls, starttls, default_port = SMTP_SCHEMES[scheme]
    return SmtpServer(parsed.hostname, port or default_port, tls, starttls,
                      unquote(parsed.username) if parsed.username else "")  # fmt: skip


def _without_password(text: str) -> str:
    """The URL as it may be shown: any ``user:password@`` cut to ``user@``."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1@", text)
