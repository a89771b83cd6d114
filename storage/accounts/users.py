"""Accounts: argon2id password hashes, log-in with lockout (5 failures → 15 minutes), and the
account use cases both front-ends call (``create_user``, ``set_password``, ``set_role``,
``unlock``, ``list_users``): each takes the acting session, checks its role and audits."""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from storage.accounts.permissions import Permission, PermissionDenied, require
from storage.accounts.session import Session as Session  # re-exported: most callers import it here
from storage.audit import chain as audit
from storage.errors import Exit, FapiaoError
from storage.messages import MessageError
from storage.store.database import write
from storage.store.models import Role, User

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)

# argon2id at OWASP's first recommended setting (Password Storage Cheat Sheet: m=19 MiB, t=2,
# p=1; the others are m=46 MiB t=1, m=12 MiB t=3, m=9 MiB t=4, m=7 MiB t=5, all p=1). The
# library's default (m=64 MiB, t=3, p=4) took 64 MiB at once on every log-in, and the app's peak
# memory over the 80 MiB it is allowed on a shared counter server. A hash keeps its own
# parameters: older ones still verify, and are redone at this setting on the next good log-in.
PASSWORD_MEMORY_KIB = 19 * 1024
PASSWORD_TIME_COST = 2
_hasher = PasswordHasher(
    time_cost=PASSWORD_TIME_COST, memory_cost=PASSWORD_MEMORY_KIB, parallelism=1
)

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_GLIBC_DEFAULT_MMAP_THRESHOLD = 128 * 1024


def _hash_memory_goes_back() -> None:
    """Each hash's 19 MiB is handed back to the system when it is done.

    glibc raises its mmap threshold to the size of the first big block freed, so after the
    first hash the next ones take their 19 MiB from the heap of the thread doing it, and that
    memory stays with the process: +19 MiB for each worker thread that ever hashed (the demo's
    set-up, each log-in). Setting the threshold (to glibc's own default) turns that off."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to do
        return
    mallopt(_M_MMAP_THRESHOLD, _GLIBC_DEFAULT_MMAP_THRESHOLD)


_hash_memory_goes_back()


class AuthError(FapiaoError):
    """A refused log-in; ``str()`` is the message for the user in the current language."""


class AccountError(MessageError, ValueError):
    """A bad account request (duplicate name, unknown role, empty password)."""

    exit_code = Exit.USAGE


def hash_password(password: str) -> str:
    if not password:
        raise AccountError("accounts.empty_password")
    return _hasher.hash(password)


def _session(user: User) -> Session:
    return Session(user.username, Role(user.role), user.branch, bool(user.all_branches),
                   bool(user.demo))  # fmt: skip


def add_user(
    username: str,
    password: str,
    *,
    role: Role,
    branch: str,
    all_branches: bool = False,
    demo: bool = False,
    by: str = "",
    first: bool = False,
    known_hash: str = "",
) -> User:
    """Store an account, unchecked: for seeding (the demo, tests) and for ``create_user``,
    which the front-ends call. ``by`` is who did it ("" for the account itself); ``first``
    refuses (``_NotFirst``) when any account exists already. ``known_hash``: ``password``'s
    hash made beforehand (the demo's public accounts, created afresh on every demo run, where
    hashing cost ~45 ms each), used when made at the current setting, else hashed anew."""
    username = username.strip()
    if not username:
        raise AccountError("accounts.empty_username")
    if known_hash and not _hasher.check_needs_rehash(known_hash):
        password_hash = known_hash
    else:
        password_hash = hash_password(password)

    def create() -> User:
        if first and User.select().exists():
            raise _NotFirst()
        if User.select().where(User.username == username).exists():
            raise AccountError("accounts.exists", user=username)
        user: User = User.create(
            username=username,
            password_hash=password_hash,
            role=role.value,
            branch=branch,
            all_branches=all_branches,
            demo=demo,
        )
        audit.record(by or username, "user.add", target=username, role=role.value, branch=branch)
        return user

    return write(create)


def has_users() -> bool:
    return bool(User.select().exists())


def authenticate(
    username: str, password: str, *, demo_mode: bool = False, now: dt.datetime | None = None
) -> Session:
    return _check_password(username, password, demo_mode=demo_mode, now=now, action="login")


@dataclass(frozen=True)
class Approval:
    """A supervisor's own name and password, typed where a clerk is acting (e.g. setting the
    backup passphrase); checked by ``confirm_supervisor``, kept nowhere."""

    username: str
    password: str = field(repr=False)


def confirm_supervisor(approval: Approval, *, demo_mode: bool = False) -> Session:
    """The supervisor behind ``approval``: the password is checked like a log-in's (failures
    count towards the lock-out, the same words for every refusal) and the approval audited."""
    return _check_password(approval.username, approval.password, demo_mode=demo_mode, now=None,
                           action="approve", supervisor_only=True)  # fmt: skip


def _check_password(
    username: str,
    password: str,
    *,
    demo_mode: bool,
    now: dt.datetime | None,
    action: str,
    supervisor_only: bool = False,
) -> Session:
    """A session for a correct password; counts failures and locks the account after five.

    Every refusal of a name and password reads the same (``auth.bad_login``): an unknown name,
    a wrong password and a locked account, whatever was typed, so the log-in form never tells
    who has an account, how many tries are left, or (while locked) whether a guess was right.
    The lock-out is for supervisors to see (user list, audit log) and undo.
    """
    now = now or dt.datetime.now()
    user = User.get_or_none(User.username == username)
    if user is None:
        _hasher.hash(password or "-")  # same work for unknown names: no timing oracle
        # The typed name may be a password typed in the wrong box: log only its hash.
        typed = hashlib.sha256(username.encode("utf-8")).hexdigest()[:12]
        audit.record("?", action, target=f"sha256:{typed}", ok=False, reason="unknown_user")
        raise AuthError("auth.bad_login")
    if user.locked_until is not None and user.locked_until > now:
        _hasher.hash(password or "-")  # the password is not checked while locked: same work
        audit.record(username, action, ok=False, reason="locked")
        raise AuthError("auth.bad_login")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):

        def record_failure() -> None:
            # Counted inside the write lock from the row as it is now: parallel wrong
            # passwords each count, so five of them lock the account however they arrive.
            current = User.get_by_id(user.id)
            if current.locked_until is not None and current.locked_until > now:
                return
            failures = current.failed_logins + 1
            locked = failures >= MAX_FAILURES
            User.update(
                failed_logins=0 if locked else failures,
                locked_until=now + LOCKOUT if locked else None,
            ).where(User.id == user.id).execute()
            audit.record(username, action, ok=False,
                         reason="locked_now" if locked else "bad_password")  # fmt: skip

        write(record_failure)
        raise AuthError("auth.bad_login") from None
    if user.demo and not demo_mode:
        audit.record(username, action, ok=False, reason="demo_only")
        raise AuthError("auth.demo_only")
    if not user.active:
        audit.record(username, action, ok=False, reason="inactive")
        raise AuthError("auth.inactive")
    if supervisor_only and Role(user.role) is not Role.SUPERVISOR:
        audit.record(username, action, ok=False, reason="not_supervisor")
        raise AuthError("auth.not_supervisor")

    # A hash made with other parameters (the library's old default) is redone at ours, now
    # that the password is known to be right.
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(user.password_hash) else None

    def succeed() -> None:
        if user.failed_logins or user.locked_until:
            User.update(failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        if rehashed is not None:
            User.update(password_hash=rehashed).where(User.id == user.id).execute()
        audit.record(username, action)

    write(succeed)
    return _session(user)


def _user(username: str) -> User:
    user: User | None = User.get_or_none(User.username == username)
    if user is None:
        raise AccountError("accounts.unknown", user=username)
    return user


# -- the account use cases: ``fapiao user …`` and the 用户管理 screen both call these


#: A password, or how to ask for it (a prompt): asked only once the role check has passed,
#: so nobody types a new password for a change they may not make.
NewPassword = str | Callable[[], str]


def _typed(password: NewPassword) -> str:
    return password() if callable(password) else password


class _NotFirst(Exception):
    """Raised inside the write: an account exists, so nobody may create one unannounced."""


def check_first_account(role: Role) -> None:
    """The very first account is created with nobody logged in, so it can only be the
    supervisor (who then creates the rest); said before a new store is even created."""
    if role is not Role.SUPERVISOR:
        raise AccountError("accounts.first_user_must_be_supervisor")


def create_user(
    acting: Session | None,
    username: str,
    password: NewPassword,
    *,
    role: Role,
    branch: str,
    all_branches: bool = False,
) -> User:
    """A new account, created by ``acting`` (who needs ``MANAGE_USERS``); with nobody acting,
    only the very first account of the store, a supervisor — checked in the same transaction
    that creates it, so two terminals bootstrapping at once make one supervisor, not two."""
    if acting is not None:
        require(acting, Permission.MANAGE_USERS)
        return add_user(username, _typed(password), role=role, branch=branch,
                        all_branches=all_branches, by=acting.username)  # fmt: skip
    check_first_account(role)
    try:
        return add_user(username, _typed(password), role=role, branch=branch,
                        all_branches=all_branches, first=True)  # fmt: skip
    except _NotFirst:
        audit.record("?", "denied", target=Permission.MANAGE_USERS.value, ok=False,
                     reason="not_first_user")  # fmt: skip
        raise PermissionDenied(Permission.MANAGE_USERS, Role.SUPERVISOR) from None


def set_password(acting: Session, username: str, new_password: NewPassword) -> None:
    """A new password: the user's own change, or a supervisor's reset of someone else's
    (``MANAGE_USERS``); clears any lock-out."""
    if username != acting.username:
        require(acting, Permission.MANAGE_USERS)
    password_hash = hash_password(_typed(new_password))

    def change() -> None:
        user = _user(username)
        User.update(password_hash=password_hash, failed_logins=0, locked_until=None).where(
            User.id == user.id
        ).execute()
        audit.record(acting.username, "user.passwd", target=username)

    write(change)


def set_role(acting: Session, username: str, role: Role) -> None:
    require(acting, Permission.MANAGE_USERS)

    def change() -> None:
        user = _user(username)
        User.update(role=role.value).where(User.id == user.id).execute()
        audit.record(acting.username, "user.role", target=username, role=role.value)

    write(change)


def unlock(acting: Session, username: str) -> None:
    require(acting, Permission.MANAGE_USERS)

    def change() -> None:
        user = _user(username)
        User.update(failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        audit.record(acting.username, "user.unlock", target=username)

    write(change)


@dataclass(frozen=True)
class AccountInfo:
    username: str
    role: Role
    branch: str
    all_branches: bool
    locked_until: dt.datetime | None
    active: bool


def list_users(acting: Session) -> list[AccountInfo]:
    """Every account but the demo's, for a supervisor (``MANAGE_USERS``)."""
    require(acting, Permission.MANAGE_USERS)
    return [
        AccountInfo(
            u.username, Role(u.role), u.branch, bool(u.all_branches), u.locked_until, bool(u.active)
        )
        for u in User.select().where(User.demo == False).order_by(User.username)  # noqa: E712
    ]
