"""On whose behalf an import runs: the branch that gets the invoices, the name in the log, and
which way the invoices go (issued for tables, received for the e-invoice files people get)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.store.models import Direction


@dataclass(frozen=True)
class Who:
    """On whose behalf: the importer's branch gets the invoices, the name goes in the log."""

    username: str
    branch: str
    direction: str = Direction.ISSUED.value

    @classmethod
    def of(cls, session: Session, direction: str = Direction.ISSUED.value) -> Who:
        """The importer for ``session``; ``PermissionDenied`` (audited) for a read-only role."""
        require(session, Permission.IMPORT)
        return cls(username=session.username, branch=session.branch, direction=direction)
