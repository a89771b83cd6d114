"""The demo store's seeding: its quick path (``seed_invoices``, the demo users' hashes made
beforehand) stores exactly what the general one (``save_invoices``, hashing) stores."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import peewee
import pytest
from argon2 import PasswordHasher

from storage.accounts import users
from storage.accounts.users import add_user, authenticate
from storage.demo import space
from storage.demo.data import generate_invoices, received_invoices
from storage.store.database import close_database, open_database, write
from storage.store.invoice_store import save_invoices, seed_invoices
from storage.store.models import Invoice, Role, User
from storage.store.records import InvoiceRecord
from storage.store.schema import upgrade

TODAY = dt.date(2026, 3, 15)
# Seconds-resolution stamps of the moment of saving: two stores made one after the other may
# straddle a second; each is checked on its own instead.
_SAVED_AT = ("created_at", "updated_at")


def _demo_store_the_general_way(path: Path) -> None:
    """What ``prepare_demo_store`` did before it had a quick path: every invoice through
    ``save_invoices``, every password hashed."""
    db = open_database(f"sqlite:///{path}")
    upgrade(db)
    add_user("clerk", "clerk", role=Role.CLERK, branch=space.DEMO_BRANCH, demo=True)
    add_user("super", "super", role=Role.SUPERVISOR, branch=space.DEMO_BRANCH, all_branches=True,
             demo=True)  # fmt: skip
    issued = generate_invoices(space.DEMO_INVOICES, seed=2026, end=TODAY, days=30,
                               branches=(space.DEMO_BRANCH, space.OTHER_BRANCH),
                               other_branch_share=0.08, parties=400)  # fmt: skip
    save_invoices(issued, branch=space.DEMO_BRANCH, batch=500)
    write(space._synced_each_evening)
    save_invoices(received_invoices(space.DEMO_RECEIVED, seed=2027, end=TODAY),
                  branch=space.DEMO_BRANCH)  # fmt: skip
    close_database()


def _rows(path: Path, table: str, *, leave_out: tuple[str, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        kept = ", ".join(f'"{c}"' for c in columns if c not in leave_out)
        rows = conn.execute(f'SELECT {kept} FROM "{table}" ORDER BY 1, 2').fetchall()
    conn.close()
    return rows


def test_the_demo_store_holds_what_saving_each_invoice_would(tmp_path: Path) -> None:
    quick, general = tmp_path / "quick.db", tmp_path / "general.db"
    space.prepare_demo_store(quick, today=TODAY)
    close_database()
    _demo_store_the_general_way(general)

    invoices = _rows(quick, "invoice", leave_out=_SAVED_AT)
    assert len(invoices) == space.DEMO_INVOICES + space.DEMO_RECEIVED + 26  # + the red ones
    assert invoices == _rows(general, "invoice", leave_out=_SAVED_AT)
    for table in ("invoice_line", "party", "party_gram"):
        assert _rows(quick, table) and _rows(quick, table) == _rows(general, table), table
    for path in (quick, general):  # each stamped with its moment of saving, nothing else
        with sqlite3.connect(path) as conn:
            stamps = conn.execute("SELECT created_at, updated_at FROM invoice").fetchall()
        conn.close()
        assert all(created and created == updated for created, updated in stamps)
    account = ("username", "role", "branch", "all_branches", "demo", "active", "failed_logins")
    fields = ", ".join(account)
    with sqlite3.connect(quick) as a, sqlite3.connect(general) as b:
        query = f'SELECT {fields} FROM "user" ORDER BY username'
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert len(a.execute(query).fetchall()) == 2
    a.close()
    b.close()


def test_seeding_refuses_an_invoice_already_stored(sqlite_store: peewee.Database) -> None:
    record = InvoiceRecord(number="26112000000000000001", date=TODAY, amount=Decimal("10.00"),
                           tax=Decimal("0.60"), total=Decimal("10.60"), type="32",
                           buyer_name="北京华信商贸有限公司", buyer_tax_id="91110105MA005AEF36")  # fmt: skip
    assert seed_invoices([record], branch="总部") == 1
    with pytest.raises(sqlite3.IntegrityError):  # the driver's own: rows go in raw
        seed_invoices([record], branch="总部")
    with pytest.raises(sqlite3.IntegrityError):  # nor one given twice: nothing merged silently
        seed_invoices([replace(record, number="26112000000000000002")] * 2, branch="总部")
    assert [i.number for i in Invoice.select()] == ["26112000000000000001"]


@pytest.mark.real_hashing
def test_the_demo_passwords_hashes_are_those_the_app_would_make(tmp_path: Path) -> None:
    for name, known in space.DEMO_PASSWORD_HASHES.items():
        assert users._hasher.verify(known, name)  # the demo's passwords are the names
        assert not users._hasher.check_needs_rehash(known), "regenerate DEMO_PASSWORD_HASHES"
    space.prepare_demo_store(tmp_path / "demo.db", today=TODAY)
    stored = {u.username: u.password_hash for u in User.select()}
    assert stored == space.DEMO_PASSWORD_HASHES
    assert authenticate("clerk", "clerk", demo_mode=True).username == "clerk"
    close_database()


def test_a_hash_made_at_another_setting_is_not_kept(store: peewee.Database) -> None:
    """Under this suite's quick hashing (other parameters), the demo's hashes are made anew:
    a stored hash is always one the current setting made."""
    assert isinstance(users._hasher, PasswordHasher)
    add_user("clerk", "clerk", role=Role.CLERK, branch="总部", demo=True,
             known_hash=space.DEMO_PASSWORD_HASHES["clerk"])  # fmt: skip
    stored = User.get(User.username == "clerk").password_hash
    assert stored != space.DEMO_PASSWORD_HASHES["clerk"]
    assert not users._hasher.check_needs_rehash(stored)
    assert authenticate("clerk", "clerk", demo_mode=True).username == "clerk"
