"""Who may do what (SPEC "Users, audit, secrets"), enforced here, below every screen and
command: a refused action raises ``PermissionDenied`` and is itself audited."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from storage.accounts.session import Session
from storage.audit import chain as audit
from storage.messages import t
from storage.store.models import Role, User


class Permission(StrEnum):
    LOOKUP = "lookup"
    CHECK = "check"
    IMPORT = "import"
    EXPORT = "export"
    SYNC = "sync"
    BACKUP_NOW = "backup_now"
    PREPARE_CLEAR = "prepare_clear"  # preflight, scan, upload, report: the clear itself is CLEAR
    CLEAR = "clear"
    RESTORE = "restore"
    PRUNE = "prune"
    ROTATE_KEY = "rotate_key"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    CHANGE_SETTINGS = "change_settings"  # peak hours, reminder days, recipients, mail server
    MARK = "mark"  # 入账 / 报销 of received invoices (storage/tracking/marks.py)
    UNDO_REIMBURSED = "undo_reimbursed"  # reopens an invoice to a second claim: supervisors


_CLERK = {
    Permission.LOOKUP, Permission.CHECK, Permission.IMPORT, Permission.EXPORT, Permission.SYNC,
    Permission.BACKUP_NOW, Permission.PREPARE_CLEAR, Permission.MARK,
}  # fmt: skip
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(_CLERK),
    Role.SUPERVISOR: frozenset(Permission),
    Role.AUDITOR: frozenset({Permission.LOOKUP, Permission.CHECK, Permission.READ_AUDIT}),
}


class PermissionDenied(Exception):
    """``str()`` says, in the user's language, which role the action needs."""

    def __init__(self, permission: Permission, needed: Role) -> None:
        super().__init__(t("auth.needs_role", role=t(f"role.{needed.value}")))
        self.permission = permission
        self.needed = needed


def allowed(session: Session, permission: Permission) -> bool:
    return permission in GRANTS[session.role]


def offered(session: Session, names: Iterable[str]) -> frozenset[str]:
    """Which of these permissions (by value) ``session``'s role holds: for what a screen shows
    or hides, never a guard (no store query; the use case behind still ``require``s)."""
    return frozenset(name for name in names if Permission(name) in GRANTS[session.role])


def current_role(session: Session) -> Role | None:
    """The account's role as the store holds it now (a supervisor may have changed it since
    the log-in); None when the account is disabled. (A lock-out stops new log-ins, not the
    session of the clerk whose password someone else was guessing.) A session with no
    account behind it (tools, tests) keeps its own role."""
    user = User.get_or_none(User.username == session.username)
    if user is None:
        return session.role
    return Role(user.role) if user.active else None


def require(session: Session, permission: Permission) -> None:
    """Return if ``session`` may do it, by the account's role now; else audit and raise."""
    role = current_role(session)
    if role is not None and permission in GRANTS[role]:
        return
    needed = next(r for r in (Role.CLERK, Role.SUPERVISOR, Role.AUDITOR) if permission in GRANTS[r])
    audit.record(session.username, "denied", target=permission.value, ok=False,
                 role=session.role.value)  # fmt: skip
    raise PermissionDenied(permission, needed)
