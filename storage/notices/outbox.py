"""The notice outbox: one table every terminal reads and the mailer drains.

A notice is stored as catalogue keys and fields, never as rendered text, so each terminal
shows it in its own language and the mail goes out in the configured one. Terminals find new
notices by id (``notices_after``): writes are serialized by the store's write lock (SQLite's
``BEGIN IMMEDIATE``, PostgreSQL's advisory lock in ``storage.store.database.write``), so ids become
visible in order and a reader that remembers the last id it showed misses none.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import peewee

from storage.messages import Language, Listing, Message, MessageError, catalogue, language
from storage.store.database import write
from storage.store.models import BaseModel

log = logging.getLogger(__name__)

Severity = Literal["information", "warning", "error"]
SEVERITIES = ("information", "warning", "error")


class MailState:
    """Where a notice's mail is: none asked, waiting (or retrying), sent, or given up."""

    NONE = ""
    PENDING = "pending"
    SENT = "sent"
    GAVE_UP = "gave_up"


class Notice(BaseModel):
    created_at = peewee.DateTimeField()
    kind = peewee.CharField(max_length=40)  # e.g. clear.done, clear.failed, settings.changed
    severity = peewee.CharField(max_length=12, default="information")
    by_user = peewee.CharField(max_length=50, default="")
    subject = peewee.TextField()  # a message as JSON: {"$key": …, "$fields": {…}}
    body = peewee.TextField(default="[]")  # a JSON list of messages, one per line
    mail_state = peewee.CharField(max_length=12, default=MailState.NONE)
    mail_attempts = peewee.IntegerField(default=0)
    mail_error = peewee.CharField(max_length=300, default="")
    mail_next_at = peewee.DateTimeField(null=True)  # no retry before this
    mail_claimed_until = peewee.DateTimeField(null=True)  # one mailer is sending it until then
    mail_sent_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("mail_state", "mail_next_at"), False),)


# -- messages as JSON --------------------------------------------------------------------


def encode(value: object) -> object:
    """A field value as JSON: messages keep their key (rendered later, in the reader's language)."""
    if isinstance(value, MessageError):
        value = value.message
    if isinstance(value, Message):
        return {"$key": value.key, "$fields": {k: encode(v) for k, v in value.fields.items()}}
    if isinstance(value, Listing):
        return {"$list": [str(item) for item in value.items]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return str(value)


def decode(value: object) -> object:
    if isinstance(value, dict) and "$key" in value:
        fields = value.get("$fields") or {}
        return Message(str(value["$key"]), {k: decode(v) for k, v in fields.items()})
    if isinstance(value, dict) and "$list" in value:
        return Listing(tuple(str(item) for item in value["$list"]))
    return value


def render(message: Message, lang: Language) -> str:
    """The message in ``lang``; a key this version does not know (a notice written by a newer
    terminal) shows as its key and fields instead of failing."""
    try:
        if message.key in catalogue():
            return message.render(lang)
    except (KeyError, IndexError, ValueError):
        pass
    log.warning("notice text %s cannot be rendered", message.key)
    fields = ", ".join(f"{k}={v}" for k, v in message.fields.items())
    return f"{message.key} {fields}".strip()


def _as_message(value: object) -> Message:
    decoded = decode(value)
    return decoded if isinstance(decoded, Message) else Message("notice.unreadable", {})


# -- posting and reading -----------------------------------------------------------------


@dataclass(frozen=True)
class PostedNotice:
    id: int
    created_at: dt.datetime
    kind: str
    severity: str
    by: str
    subject: Message
    body: tuple[Message, ...]
    mail_state: str = MailState.NONE

    def subject_text(self, lang: Language | None = None) -> str:
        return render(self.subject, lang or language())

    def body_lines(self, lang: Language | None = None) -> list[str]:
        return [render(line, lang or language()) for line in self.body]


def post_notice(
    kind: str,
    subject_key: str,
    fields: Mapping[str, object] | None = None,
    *,
    mail: bool,
    body: Sequence[Message] = (),
    severity: Severity = "information",
    by: str = "",
) -> int:
    """Record a notice every running terminal will show, mailed to ``notify_to`` when
    ``mail`` (by ``deliver_pending``, never here: posting sends nothing over the network).

    The subject is ``subject_key`` with ``fields``; ``body`` is its lines, each a catalogue
    message whose fields may be messages themselves. Joins the caller's write transaction
    when there is one (so the notice exists exactly when the caller's change does); returns
    the notice's id.
    """
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    subject = json.dumps(encode(Message(subject_key, dict(fields or {}))), ensure_ascii=False)
    lines = json.dumps([encode(line) for line in body], ensure_ascii=False)
    now = dt.datetime.now().replace(microsecond=0)

    def insert() -> int:
        return int(
            Notice.insert(
                created_at=now, kind=kind[:40], severity=severity, by_user=by[:50],
                subject=subject, body=lines,
                mail_state=MailState.PENDING if mail else MailState.NONE,
            ).execute()
        )  # fmt: skip

    notice_id = write(insert)
    log.info("notice %d posted: %s (mail: %s)", notice_id, kind, mail)
    return notice_id


def as_posted(row: Notice) -> PostedNotice:
    try:
        body = tuple(_as_message(line) for line in json.loads(row.body))
        subject = _as_message(json.loads(row.subject))
    except (ValueError, TypeError):
        subject, body = Message("notice.unreadable", {}), ()
    return PostedNotice(int(row.id), row.created_at, row.kind, row.severity, row.by_user,
                        subject, body, row.mail_state)  # fmt: skip


def latest_notice_id() -> int:
    """Where a terminal starts reading: notices older than it are not shown again."""
    value = Notice.select(peewee.fn.MAX(Notice.id)).scalar()
    return int(value or 0)


def notices_after(last_id: int, limit: int = 20) -> list[PostedNotice]:
    """The notices posted since ``last_id``, oldest first (one indexed query; cheap to poll)."""
    rows = Notice.select().where(Notice.id > last_id).order_by(Notice.id).limit(limit)
    return [as_posted(row) for row in rows]


def recent_notices(limit: int = 10) -> list[PostedNotice]:
    """The newest notices, newest first (for a screen that lists them)."""
    rows = Notice.select().order_by(Notice.id.desc()).limit(limit)
    return [as_posted(row) for row in rows]
