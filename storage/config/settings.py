"""Settings: a TOML file, overridden by ``FAPIAO_*`` environment variables (SPEC "Running")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_data_dir

from storage.config.values import (
    DEFAULT_REMIND_DAYS,
    PeakHours,
    SettingsError,
    parse_peak_hours,
    parse_recipients,
    parse_remind_days,
    parse_smtp_url,
)
from storage.errors import system_reason

__all__ = ["Settings", "SettingsError", "config_path", "data_dir", "load_settings"]

APP_NAME = "fapiao"
DEFAULT_BRANCH = "总部"

# Each key's environment override; the TOML key is the same name in lower case.
_ENV = {
    "database_url": "FAPIAO_DATABASE_URL",
    "device_url": "FAPIAO_DEVICE_URL",
    "scanner_url": "FAPIAO_SCANNER_URL",
    "backup_dir": "FAPIAO_BACKUP_DIR",
    "branch": "FAPIAO_BRANCH",
    "language": "FAPIAO_LANG",
    "smtp_url": "FAPIAO_SMTP_URL",
}

#: The clearing settings that are not plain text; ``notify_to`` also has an override.
#: A supervisor may change these four in the app (``storage.config.stored``).
NOTIFY_TO_ENV = "FAPIAO_NOTIFY_TO"


def data_dir() -> Path:
    return Path(os.environ.get("FAPIAO_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    device_url: str = ""
    scanner_url: str = ""
    backup_dir: str = ""
    branch: str = DEFAULT_BRANCH
    language: str = "zh"
    support: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    smtp_url: str = ""  # "" = no mail; checked by storage.config.values.parse_smtp_url
    notify_to: tuple[str, ...] = ()
    peak_hours: tuple[PeakHours, ...] = ()
    clear_remind_days: int = DEFAULT_REMIND_DAYS
    source: str = ""  # the config file read, "" when none
    extra: dict[str, object] = field(default_factory=dict)

    def with_defaults(self) -> Settings:
        base = data_dir()
        return replace(
            self,
            database_url=self.database_url or f"sqlite:///{base / 'fapiao.db'}",
            backup_dir=self.backup_dir or str(base / "backups"),
        )


def config_path() -> Path | None:
    """The first config file that exists, in the order SPEC.md gives."""
    candidates = []
    if os.environ.get("FAPIAO_CONFIG"):
        candidates.append(Path(os.environ["FAPIAO_CONFIG"]))
    candidates += [
        Path("/etc/fapiao/config.toml"),
        Path.home() / ".config" / "fapiao" / "config.toml",
    ]
    for path in candidates:
        if path.is_file():
            return path
    return None


def _as_tuple(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SettingsError("settings.not_text_list", key=key)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    path = config_path()
    if path is not None:
        import tomllib  # only when there is a file: 4 ms of every start-up otherwise

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            # An OSError's text is the C library's English: say why in the reader's words.
            detail = system_reason(exc) if isinstance(exc, OSError) else exc
            raise SettingsError("settings.unreadable", path=path, detail=detail) from exc
    values: dict[str, object] = {}
    for key, env_name in _ENV.items():
        value = env.get(env_name) or raw.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise SettingsError("settings.not_text", key=key)
            values[key] = value
    language = str(values.get("language", "zh"))
    if language not in ("zh", "en"):
        raise SettingsError("settings.bad_language", language=language)
    parse_smtp_url(str(values.get("smtp_url", "")))  # a bad URL is told now, not at the first mail
    known = set(_ENV) | {"support", "notices", "notify_to", "peak_hours", "clear_remind_days"}
    return Settings(
        **{k: str(v) for k, v in values.items()},
        support=_as_tuple(raw.get("support", ()), "support"),
        notices=_as_tuple(raw.get("notices", ()), "notices"),
        notify_to=parse_recipients(env.get(NOTIFY_TO_ENV) or raw.get("notify_to", ())),
        peak_hours=parse_peak_hours(raw.get("peak_hours", ())),
        clear_remind_days=parse_remind_days(raw.get("clear_remind_days", DEFAULT_REMIND_DAYS)),
        source=str(path) if path else "",
        extra={k: v for k, v in raw.items() if k not in known},
    ).with_defaults()
