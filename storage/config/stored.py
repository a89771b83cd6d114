"""Settings a supervisor changes in the app: peak hours, reminder days, who is told, the mail
server (issue 10). The config file may be read-only (``/etc/fapiao/config.toml``) and is one
per machine, so these live in the store (``app_setting``), layered over the file: the store's
value wins over the file's, and an environment variable (``FAPIAO_SMTP_URL``,
``FAPIAO_NOTIFY_TO``) still wins over both on the terminal that sets it.

``change_clearing_settings`` is the use case: a supervisor only (checked and audited here),
every value checked before anything is saved, one write with the audit entry and a notice
that makes every running terminal pick the new values up.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import peewee

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.config.settings import NOTIFY_TO_ENV, Settings
from storage.config.values import (
    PeakHours,
    SettingsError,
    parse_peak_hours,
    parse_recipients,
    parse_remind_days,
    parse_smtp_url,
)
from storage.messages import Message
from storage.notices.outbox import post_notice
from storage.store.database import write
from storage.store.models import BaseModel

log = logging.getLogger(__name__)

#: The settings the app may change, in the order the screen shows them.
CHANGEABLE = ("peak_hours", "clear_remind_days", "notify_to", "smtp_url")
ENV_OVERRIDES = {"smtp_url": "FAPIAO_SMTP_URL", "notify_to": NOTIFY_TO_ENV}
SETTINGS_CHANGED = "settings.changed"  # the notice kind every terminal reloads on


class AppSetting(BaseModel):
    key = peewee.CharField(max_length=40, primary_key=True)
    value = peewee.TextField()  # JSON: the text, list or number as the file would hold it
    changed_by = peewee.CharField(max_length=50)
    changed_at = peewee.DateTimeField()


def _parsed(key: str, value: object) -> object:
    if key == "peak_hours":
        return parse_peak_hours(value)
    if key == "clear_remind_days":
        return parse_remind_days(value)
    if key == "notify_to":
        return parse_recipients(value)
    if key == "smtp_url":
        if not isinstance(value, str):
            raise SettingsError("settings.not_text", key=key)
        parse_smtp_url(value)
        return value.strip()
    raise KeyError(key)


def _stored(key: str, value: object) -> object:
    """The JSON kept for a parsed value."""
    if key == "peak_hours":
        return [str(span) for span in value]  # type: ignore[attr-defined]
    if key == "notify_to":
        return list(value)  # type: ignore[call-overload]
    return value


def as_text(key: str, value: object) -> str:
    """A value as the settings screen shows and takes it."""
    if key == "peak_hours":
        return ", ".join(str(span) for span in value)  # type: ignore[attr-defined]
    if key == "notify_to":
        return ", ".join(value)  # type: ignore[arg-type]
    return str(value)


def fixed_by_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The changeable settings an environment variable sets on this terminal: key → variable."""
    env = os.environ if environ is None else environ
    return {key: name for key, name in ENV_OVERRIDES.items() if env.get(name)}


def effective_settings(base: Settings, environ: Mapping[str, str] | None = None) -> Settings:
    """``base`` (file and environment, ``load_settings``) with the store's values over the
    file's. Needs the store open; a store without the table yet gives ``base`` unchanged."""
    fixed = fixed_by_environment(environ)
    try:
        rows = list(AppSetting.select().where(AppSetting.key.in_(CHANGEABLE)))
    except peewee.DatabaseError as exc:
        log.warning("stored settings unreadable, the file's are used: %s", type(exc).__name__)
        return base
    changes: dict[str, object] = {}
    for row in rows:
        if row.key in fixed:
            continue
        try:
            changes[row.key] = _parsed(row.key, json.loads(row.value))
        except (ValueError, SettingsError):
            log.warning("stored setting %s is unusable, the file's is used", row.key)
    return replace(base, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ClearingSettings:
    """What the settings screen shows: the values in force and where they come from."""

    peak_hours: tuple[PeakHours, ...]
    clear_remind_days: int
    notify_to: tuple[str, ...]
    smtp_url: str
    fixed: Mapping[str, str]  # key → environment variable that sets it on this terminal
    changed_by: str = ""  # the last change made in the app
    changed_at: dt.datetime | None = None

    def text(self, key: str) -> str:
        return as_text(key, getattr(self, key))


def _view(settings: Settings, environ: Mapping[str, str] | None) -> ClearingSettings:
    last = AppSetting.select().order_by(AppSetting.changed_at.desc()).first()
    return ClearingSettings(settings.peak_hours, settings.clear_remind_days, settings.notify_to,
                            settings.smtp_url, fixed_by_environment(environ),
                            last.changed_by if last else "", last.changed_at if last else None)  # fmt: skip


def clearing_settings_for(session: Session, base: Settings,
                          environ: Mapping[str, str] | None = None) -> ClearingSettings:  # fmt: skip
    """The clearing settings in force, for a supervisor (anyone else is refused, audited)."""
    require(session, Permission.CHANGE_SETTINGS)
    return _view(effective_settings(base, environ), environ)


def change_clearing_settings(
    session: Session,
    base: Settings,
    typed: Mapping[str, str],
    environ: Mapping[str, str] | None = None,
) -> ClearingSettings:
    """Save what a supervisor typed (``typed``: key → text, keys from ``CHANGEABLE``).

    Refused (and audited) for anyone but a supervisor; a bad value raises ``SettingsError``
    naming it, and nothing is saved. Settings an environment variable fixes on this terminal
    are left alone. Only changed values are written, with one audit entry and a notice
    (no mail) that makes every terminal reload them. Returns the settings now in force.
    """
    require(session, Permission.CHANGE_SETTINGS)
    fixed = fixed_by_environment(environ)
    unknown = set(typed) - set(CHANGEABLE)
    if unknown:
        raise KeyError(sorted(unknown))
    wanted = {key: _parsed(key, text) for key, text in typed.items() if key not in fixed}
    current = effective_settings(base, environ)
    changed = {key: value for key, value in wanted.items() if getattr(current, key) != value}
    if not changed:
        return _view(current, environ)
    now = dt.datetime.now().replace(microsecond=0)

    def save() -> None:
        for key, value in changed.items():
            text = json.dumps(_stored(key, value), ensure_ascii=False)
            updated = (AppSetting.update(value=text, changed_by=session.username, changed_at=now)
                       .where(AppSetting.key == key).execute())  # fmt: skip
            if not updated:
                AppSetting.insert(key=key, value=text, changed_by=session.username,
                                  changed_at=now).execute()  # fmt: skip
        audit.record(session.username, "settings.change", target=",".join(changed),
                     **_audit_detail(changed))  # fmt: skip
        post_notice(SETTINGS_CHANGED, "notice.settings.subject", {"user": session.username},
                    mail=False, by=session.username,
                    body=[Message("notice.settings.line", {
                        "setting": Message(f"notice.setting.{key}", {}),
                        "value": as_text(key, value) or Message("notice.settings.empty", {}),
                    }) for key, value in changed.items()])  # fmt: skip

    write(save)
    log.info("clearing settings changed by %s: %s", session.username, ", ".join(changed))
    return _view(effective_settings(base, environ), environ)


def _audit_detail(changed: Mapping[str, object]) -> dict[str, Any]:
    """Values for the audit log: the recipients as a count, the server without its user."""
    detail: dict[str, Any] = {}
    for key, value in changed.items():
        if key == "notify_to":
            detail[key] = len(value)  # type: ignore[arg-type]
        elif key == "smtp_url":
            server = parse_smtp_url(str(value))
            detail[key] = str(server) if server else ""
        else:
            detail[key] = as_text(key, value)
    return detail
