"""Helpers shared by the backup tests: a store with invoices, settings, sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from storage.accounts.users import Session
from storage.backup.basis import OldPages
from storage.backup.snapshot import SqliteView
from storage.config.settings import Settings
from storage.demo.data import generate_invoices
from storage.store.invoice_store import save_invoices
from storage.store.models import Role

PASSPHRASE = "correct horse battery staple"
BOSS = Session("boss", Role.SUPERVISOR, "总部")
CLERK = Session("wang", Role.CLERK, "总部")


def fill(count: int, seed: int = 5) -> None:
    save_invoices(generate_invoices(count, seed=seed, end=dt.date(2026, 11, 20), days=60,
                                    with_lines=False), branch="总部")  # fmt: skip


def settings_for(url: str, backup_dir: Path, **extra: object) -> Settings:
    return Settings(database_url=url, backup_dir=str(backup_dir), extra=dict(extra))


def format_1_diff(view: SqliteView, old_pages: OldPages, changes: dict[int, bytes],
                  on_block: Callable[[int], None] | None = None) -> Iterator[bytes]:  # fmt: skip
    """The incremental payload as format 1 wrote it (XOR deltas, a SHA-256 per page)."""
    ps = view.page_size
    yield struct.pack(">4sII", b"FPGD", ps, view.page_count)
    for first, block in view.blocks():
        old = old_pages.read(first, len(block) // ps)
        for i in range(0, len(block), ps):
            new_page, old_page = block[i : i + ps], old[i : i + ps]
            if new_page == old_page:
                continue
            page = first + i // ps
            head = struct.pack(">IB32s", page, 1 if len(old_page) == ps else 0,
                               hashlib.sha256(new_page).digest())  # fmt: skip
            if len(old_page) == ps:
                xor = int.from_bytes(new_page, "little") ^ int.from_bytes(old_page, "little")
                yield head + xor.to_bytes(ps, "little")
            else:
                yield head + new_page
            changes[page] = new_page
    yield struct.pack(">IB32s", 0, 0, len(changes).to_bytes(4, "big").ljust(32, b"\0"))
