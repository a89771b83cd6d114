"""The account use cases check the acting user's role themselves (issue 11): a clerk who calls
them is refused, the refusal is audited, and no account changes — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import peewee
import pytest

from storage.accounts.permissions import PermissionDenied
from storage.accounts.users import (
    AccountError,
    AuthError,
    Session,
    add_user,
    authenticate,
    create_user,
    list_users,
    set_password,
    set_role,
    unlock,
)
from storage.audit.chain import AuditEntry, verify
from storage.store.models import Role, User


def _accounts() -> list[tuple[str, str, str, int, object]]:
    return [(u.username, u.role, u.password_hash, u.failed_logins, u.locked_until)
            for u in User.select().order_by(User.username)]  # fmt: skip


def _entries() -> list[tuple[str, str, str, bool]]:
    return [(e.username, e.action, e.target, bool(e.ok))
            for e in AuditEntry.select().order_by(AuditEntry.seq)]  # fmt: skip


@pytest.fixture
def people(store: peewee.Database) -> tuple[Session, Session]:
    add_user("boss", "boss-pw", role=Role.SUPERVISOR, branch="总部")
    add_user("wang", "wang-pw", role=Role.CLERK, branch="总部")
    add_user("li", "li-pw", role=Role.CLERK, branch="总部")
    for _ in range(5):  # li is locked out
        with pytest.raises(AuthError):
            authenticate("li", "wrong")
    return authenticate("boss", "boss-pw"), authenticate("wang", "wang-pw")


def test_a_clerk_is_refused_every_account_change_and_each_refusal_is_audited(
    people: tuple[Session, Session],
) -> None:
    _, clerk = people
    before, seen = _accounts(), len(_entries())
    attempts: list[Callable[[], object]] = [
        lambda: create_user(clerk, "zhao", "zhao-pw", role=Role.SUPERVISOR, branch="总部"),
        lambda: set_password(clerk, "boss", "taken-over"),
        lambda: set_role(clerk, "wang", Role.SUPERVISOR),
        lambda: unlock(clerk, "li"),
        lambda: list_users(clerk),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert "主管" in str(refused.value)
    assert _accounts() == before
    assert _entries()[seen:] == [("wang", "denied", "manage_users", False)] * len(attempts)
    with pytest.raises(AuthError):
        authenticate("boss", "taken-over")
    assert verify()[1] is None


def test_a_password_typed_at_a_prompt_is_asked_only_after_the_role_check(
    people: tuple[Session, Session],
) -> None:
    _, clerk = people
    asked: list[str] = []

    def prompt() -> str:
        asked.append("asked")
        return "new-pw"

    with pytest.raises(PermissionDenied):
        set_password(clerk, "boss", prompt)
    with pytest.raises(PermissionDenied):
        create_user(clerk, "zhao", prompt, role=Role.CLERK, branch="总部")
    assert asked == []


def test_a_clerk_changes_their_own_password(people: tuple[Session, Session]) -> None:
    _, clerk = people
    set_password(clerk, "wang", "wang-new-pw")
    assert authenticate("wang", "wang-new-pw").username == "wang"
    assert ("wang", "user.passwd", "wang", True) in _entries()


def test_a_supervisor_manages_the_accounts(people: tuple[Session, Session]) -> None:
    boss, _ = people
    create_user(boss, "zhao", "zhao-pw", role=Role.AUDITOR, branch="上海分公司")
    set_role(boss, "wang", Role.SUPERVISOR)
    unlock(boss, "li")
    set_password(boss, "li", "li-new-pw")
    listed = {u.username: u for u in list_users(boss)}
    assert listed["wang"].role is Role.SUPERVISOR and listed["zhao"].role is Role.AUDITOR
    assert listed["li"].locked_until is None
    assert authenticate("li", "li-new-pw").username == "li"
    done = [e for e in _entries() if e[1].startswith("user.")]
    assert done[-4:] == [("boss", "user.add", "zhao", True), ("boss", "user.role", "wang", True),
                         ("boss", "user.unlock", "li", True), ("boss", "user.passwd", "li", True)]  # fmt: skip


def test_a_demoted_supervisor_is_refused_at_once(people: tuple[Session, Session]) -> None:
    boss, _ = people
    User.update(role=Role.CLERK.value).where(User.username == "boss").execute()
    with pytest.raises(PermissionDenied):
        list_users(boss)


def test_nobody_creates_the_first_supervisor_and_no_one_else(store: peewee.Database) -> None:
    with pytest.raises(AccountError) as refused:
        create_user(None, "wang", "wang-pw", role=Role.CLERK, branch="总部")
    assert refused.value.message.key == "accounts.first_user_must_be_supervisor"
    assert _accounts() == []
    create_user(None, "boss", "boss-pw", role=Role.SUPERVISOR, branch="总部")
    assert [a[:2] for a in _accounts()] == [("boss", "supervisor")]
    assert _entries() == [("boss", "user.add", "boss", True)]
    # with an account in the store, an account made by nobody is a refusal, audited
    with pytest.raises(PermissionDenied):
        create_user(None, "mallory", "pw", role=Role.SUPERVISOR, branch="总部")
    assert [a[0] for a in _accounts()] == ["boss"]
    assert _entries()[-1] == ("?", "denied", "manage_users", False)


def test_locked_until_survives_a_refused_unlock(people: tuple[Session, Session]) -> None:
    _, clerk = people
    locked = User.get(User.username == "li").locked_until
    assert locked is not None and locked > dt.datetime.now()
    with pytest.raises(PermissionDenied):
        unlock(clerk, "li")
    assert User.get(User.username == "li").locked_until == locked
