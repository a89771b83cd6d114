"""The demo store: its own SQLite file, seeded once with a realistic month and demo users."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storage.accounts import add_user
from storage.database import open_database
from storage.demo_data import generate_invoices
from storage.invoice_store import count_invoices, save_invoices
from storage.models import Role, User
from storage.schema import upgrade
from storage.settings import data_dir

DEMO_BRANCH = "总部"
OTHER_BRANCH = "上海分公司"
DEMO_INVOICES = 6000


def demo_store_path() -> Path:
    return data_dir() / "demo" / "fapiao-demo.db"


def prepare_demo_store(path: Path | None = None, *, today: dt.date | None = None) -> str:
    """Open (and on first use seed) the demo store; returns its URL, models bound to it."""
    path = path or demo_store_path()
    url = f"sqlite:///{path}"
    db = open_database(url)
    upgrade(db)
    if not User.select().where(User.demo == True).exists():  # noqa: E712 (peewee expression)
        add_user("clerk", "clerk", role=Role.CLERK, branch=DEMO_BRANCH, demo=True)
        add_user("super", "super", role=Role.SUPERVISOR, branch=DEMO_BRANCH, all_branches=True,
                 demo=True)  # fmt: skip
    if count_invoices() == 0:
        records = generate_invoices(
            DEMO_INVOICES,
            seed=2026,
            end=today or dt.date.today(),
            days=30,
            branches=(DEMO_BRANCH, OTHER_BRANCH),
            other_branch_share=0.08,
            parties=400,
        )
        save_invoices(records, branch=DEMO_BRANCH)
    return url
