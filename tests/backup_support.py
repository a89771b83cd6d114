"""Helpers shared by the backup tests: a store with invoices, settings, sessions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storage.accounts import Session
from storage.demo_data import generate_invoices
from storage.invoice_store import save_invoices
from storage.models import Role
from storage.settings import Settings

PASSPHRASE = "correct horse battery staple"
BOSS = Session("boss", Role.SUPERVISOR, "总部")
CLERK = Session("wang", Role.CLERK, "总部")


def fill(count: int, seed: int = 5) -> None:
    save_invoices(generate_invoices(count, seed=seed, end=dt.date(2026, 11, 20), days=60,
                                    with_lines=False), branch="总部")  # fmt: skip


def settings_for(url: str, backup_dir: Path, **extra: object) -> Settings:
    return Settings(database_url=url, backup_dir=str(backup_dir), extra=dict(extra))
