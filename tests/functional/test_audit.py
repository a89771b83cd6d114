"""The audit log: append-only in the database, and any edit, insert or delete is named."""

from __future__ import annotations

import multiprocessing

import peewee
import pytest

from storage.audit import chain as audit
from storage.audit.chain import AuditEntry, record, verify
from storage.store.database import is_sqlite
from tests.support.other_process import append_audit_entries


def _fill(n: int = 5) -> None:
    for i in range(n):
        record("wang", "import", target=f"file{i}.csv", added=i)


def _drop_guards(db: peewee.Database) -> None:
    """What an attacker with database access would do first."""
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER audit_entry_no_update")
        db.execute_sql("DROP TRIGGER audit_entry_no_delete")
    else:
        db.execute_sql("DROP TRIGGER audit_entry_no_change ON audit_entry")


def test_a_clean_chain_verifies(store: peewee.Database) -> None:
    _fill()
    assert verify() == (5, None)


def test_the_database_refuses_update_and_delete(store: peewee.Database) -> None:
    _fill(2)
    with pytest.raises(peewee.DatabaseError, match="append-only"), store.atomic():
        AuditEntry.update(username="li").where(AuditEntry.seq == 1).execute()
    with pytest.raises(peewee.DatabaseError, match="append-only"), store.atomic():
        AuditEntry.delete().where(AuditEntry.seq == 1).execute()
    assert verify() == (2, None)


def test_a_changed_entry_is_named(store: peewee.Database) -> None:
    _fill()
    _drop_guards(store)
    AuditEntry.update(target="other.csv").where(AuditEntry.seq == 3).execute()
    assert verify()[1] == audit.ChainProblem(3, "changed")


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(
    store: peewee.Database,
) -> None:
    _fill()
    _drop_guards(store)
    row = AuditEntry.select().where(AuditEntry.seq == 2).dicts().get()
    row["detail"] = '{"added": 99}'
    new_hash = audit.entry_hash(row["prev_hash"], audit.hashed_fields(row))
    AuditEntry.update(detail=row["detail"], hash=new_hash).where(AuditEntry.seq == 2).execute()
    assert verify()[1] == audit.ChainProblem(3, "chain_broken")


def test_a_deleted_entry_is_named(store: peewee.Database) -> None:
    _fill()
    _drop_guards(store)
    AuditEntry.delete().where(AuditEntry.seq == 4).execute()
    assert verify()[1] == audit.ChainProblem(4, "deleted")


def test_an_inserted_entry_is_named(store: peewee.Database) -> None:
    _fill(3)
    _drop_guards(store)
    AuditEntry.update(seq=AuditEntry.seq + 100).where(AuditEntry.seq >= 2).execute()
    AuditEntry.update(seq=AuditEntry.seq - 99).where(AuditEntry.seq >= 100).execute()
    AuditEntry.create(seq=2, at="2026-11-23T09:00:00+08:00", username="mallory", action="export",
                      prev_hash="f" * 64, hash="e" * 64)  # fmt: skip
    assert verify()[1] == audit.ChainProblem(2, "chain_broken")


def test_two_processes_appending_at_once_leave_one_chain(
    store_url: str, store: peewee.Database
) -> None:
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=append_audit_entries, args=(store_url, who, 60)) for who in ("a", "b")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    assert verify() == (120, None)


def test_roles_are_enforced_below_the_screens_and_refusals_audited(store: peewee.Database) -> None:
    from storage.accounts.permissions import Permission, PermissionDenied, require
    from storage.accounts.users import Session
    from storage.store.models import Role

    clerk = Session("wang", Role.CLERK, "总部")
    auditor = Session("zhao", Role.AUDITOR, "总部")
    for permission in (Permission.CLEAR, Permission.RESTORE, Permission.PRUNE,
                       Permission.ROTATE_KEY, Permission.MANAGE_USERS):  # fmt: skip
        with pytest.raises(PermissionDenied, match="主管"):
            require(clerk, permission)
    for permission in (Permission.IMPORT, Permission.EXPORT, Permission.SYNC, Permission.CLEAR):
        with pytest.raises(PermissionDenied):
            require(auditor, permission)
    require(clerk, Permission.IMPORT)  # allowed: no exception, nothing audited
    denied = list(AuditEntry.select().where(AuditEntry.action == "denied"))
    assert len(denied) == 9 and {e.ok for e in denied} == {False}
    assert verify() == (9, None)


def test_a_demoted_supervisor_loses_the_right_at_once(store: peewee.Database) -> None:
    from storage.accounts.permissions import Permission, PermissionDenied, require
    from storage.accounts.users import Session, add_user, authenticate, set_role
    from storage.store.models import Role

    add_user("li", "pw", role=Role.SUPERVISOR, branch="总部")
    session = authenticate("li", "pw")
    require(session, Permission.CLEAR)
    boss = Session("boss", Role.SUPERVISOR, "总部")
    set_role(boss, "li", Role.CLERK)  # while li is still logged in
    with pytest.raises(PermissionDenied):
        require(session, Permission.CLEAR)


def test_deleting_the_newest_entries_is_named(store: peewee.Database) -> None:
    _fill(5)
    _drop_guards(store)
    AuditEntry.delete().where(AuditEntry.seq >= 4).execute()  # a chain alone still links up
    assert verify()[1] == audit.ChainProblem(4, "deleted")


def test_the_head_only_moves_forward(store: peewee.Database) -> None:
    _fill(3)
    with pytest.raises(peewee.DatabaseError, match="only moves forward"), store.atomic():
        audit.AuditHead.update(seq=1).execute()


def test_verifying_the_log_needs_read_audit_and_a_refusal_is_audited(
    store: peewee.Database,
) -> None:
    from storage.accounts.permissions import PermissionDenied
    from storage.accounts.users import Session
    from storage.audit.reading import verify_then_log_in
    from storage.store.models import Role

    _fill(3)
    with pytest.raises(PermissionDenied):
        verify_then_log_in(lambda: Session("wang", Role.CLERK, "总部"))
    last = AuditEntry.select().order_by(AuditEntry.seq.desc()).get()
    assert (last.username, last.action, last.target, last.ok) == (
        "wang",
        "denied",
        "read_audit",
        False,
    )
    assert verify_then_log_in(lambda: Session("shen", Role.AUDITOR, "总部")) == (4, None)


def test_a_cut_log_is_named_to_whoever_asks_since_no_log_in_can_be_recorded(
    store: peewee.Database,
) -> None:
    from storage.accounts.users import Session
    from storage.audit.reading import verify_then_log_in
    from storage.store.models import Role

    _fill(5)
    _drop_guards(store)
    AuditEntry.delete().where(AuditEntry.seq >= 4).execute()

    def log_in() -> Session:
        record("wang", "login")  # what a log-in appends: refused, the head is ahead
        return Session("wang", Role.CLERK, "总部")

    assert verify_then_log_in(log_in) == (3, audit.ChainProblem(4, "deleted"))
