"""What an import says about one file: counts, each rejected row with its reason, or why the
whole file was refused. Reasons are message keys with fields, rendered in the reader's
language only when shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from storage.messages import both, t


@dataclass(frozen=True)
class Problem:
    key: str
    fields: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        return t(self.key, **self._rendered())

    def both(self) -> str:
        return both(self.key, **self._rendered())

    def _rendered(self) -> dict[str, object]:
        # A field may itself be a message key (a column's name), shown in the same language.
        return {k: t(v[1:]) if isinstance(v, str) and v.startswith("@") else v
                for k, v in self.fields.items()}  # fmt: skip


class RowError(ValueError):
    """One row (or one field of it) is wrong; the rest of the file still goes in."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.problem = Problem(key, fields)


class FileRefused(Exception):
    """The file as a whole is unusable (not what it claims, unsafe, unreadable): exit 2."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.problem = Problem(key, fields)


@dataclass(frozen=True)
class RowProblem:
    row: int
    problem: Problem
    member: str = ""  # the file inside a bundle (ZIP) the problem is about; "" for rows

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "code": self.problem.key,
                               "reason": self.problem.text()}  # fmt: skip
        if self.member:
            out["member"] = self.member
        return out


@dataclass
class FileReport:
    name: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    rejected_unlisted: int = 0  # rejected rows beyond those listed (a file of mostly bad rows)
    already_imported: bool = False
    imported_at: dt.datetime | None = None  # when an already imported file first went in
    refused: Problem | None = None
    # invoices in the file already reimbursed (storage.tracking.duplicates.ReimbursedBefore):
    # said loudly, even when the file itself was imported before
    reimbursed_again: list[Any] = field(default_factory=list)
    # received invoices with another from the same seller, same total, a few days apart
    # (storage.tracking.duplicates.NearPair): a warning to look, not a match
    possible_duplicates: list[Any] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)  # noted, not refused

    @property
    def rejected_count(self) -> int:
        return len(self.rejected) + self.rejected_unlisted

    @property
    def ok(self) -> bool:
        return self.refused is None and not self.rejected

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "already_imported": self.already_imported,
            "imported_at": self.imported_at.isoformat() if self.imported_at else None,
            "refused": None if self.refused is None else {
                "code": self.refused.key, "reason": self.refused.text()},
            "rejected_count": self.rejected_count,
            "reimbursed_again": [r.to_json() for r in self.reimbursed_again],
            "possible_duplicates": [p.to_json() for p in self.possible_duplicates],
            "rejected": [r.to_json() for r in self.rejected],
            "warnings": [w.to_json() for w in self.warnings],
        }  # fmt: skip
