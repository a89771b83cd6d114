"""Who is acting: the session every use case takes (``storage.accounts.users`` logs one in)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.store.models import Role


@dataclass(frozen=True)
class Session:
    """Who is acting: every service call takes one."""

    username: str
    role: Role
    branch: str
    all_branches: bool = False
    demo: bool = False  # a public demo account (its approvals count only in the demo)

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR
