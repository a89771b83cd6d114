"""Roles are checked and the audit log is written below the front-ends, never under ``tui/``.

Issue 11: every privileged or data-changing operation is one use case (``devices/`` or
``storage/``) that takes the acting session, checks the role, does the work and writes the
audit entry; the screen and the command each call it and only present its result. This test
reads every module under ``tui/`` and fails on anything that decides by role or writes the
log there, naming its file and line.

The rule. A module under ``tui/`` breaks it when it

* imports from ``storage.accounts.permissions`` anything but ``PermissionDenied`` (the error
  a use case raises, which a front-end shows) and ``offered`` (which of some permissions a
  session's role holds, by name: for what a screen shows, it raises and audits nothing):
  ``require``, ``allowed``, ``current_role``, ``Permission``, ``GRANTS``;
* calls ``require(...)`` (however reached) or names ``Permission.<anything>``;
* compares roles: a comparison or ``match`` on ``<x>.role``, ``Role.<member>`` or
  ``<x>.is_supervisor``, or reads ``.is_supervisor`` at all (a role test by another name);
* imports from ``storage.audit.chain`` anything but the two things a front-end shows
  (``AuditTampered``, ``ChainProblem``): ``record``, ``verify``, ``AuditEntry``,
  ``AuditHead``, ``entry_hash``, ``GENESIS``, ``_append``;
* calls ``record``/``verify`` on the chain module (``audit.record``, ``chain.record`` …,
  whatever it was imported as), or writes ``AuditEntry``/``AuditHead`` rows.

What a screen may show or hide by role (a disabled button, a palette entry, an approval
dialog) it asks of the domain (``storage.backup.jobs.offered``/``needs_approval``,
``permissions.offered``), which answers from the same grants the use case enforces.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT

PERMISSIONS = "storage.accounts.permissions"
CHAIN = "storage.audit.chain"
PERMISSIONS_SHOWN = frozenset({"PermissionDenied", "offered"})
CHAIN_SHOWN = frozenset({"AuditTampered", "ChainProblem"})
CHAIN_WRITES = frozenset({"record", "verify", "_append"})
AUDIT_TABLES = frozenset({"AuditEntry", "AuditHead"})
ROW_WRITES = frozenset({"create", "insert", "insert_many", "update", "delete", "replace", "save"})


def _is_role_operand(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        if node.attr in ("role", "is_supervisor"):
            return True
        return isinstance(node.value, ast.Name) and node.value.id == "Role"
    return False


def violations(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for each role check or audit write in ``source``."""
    tree = ast.parse(source)
    permission_names: set[str] = set()  # names the permissions module is known by here
    chain_names: set[str] = set()  # names the chain module is known by here
    chain_functions: set[str] = set()  # names its writing functions are known by here
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module == PERMISSIONS and alias.name not in PERMISSIONS_SHOWN:
                    yield node.lineno, f"imports {alias.name} from {PERMISSIONS}"
                if node.module == CHAIN and alias.name not in CHAIN_SHOWN:
                    yield node.lineno, f"imports {alias.name} from {CHAIN}"
                    if alias.name in CHAIN_WRITES:
                        chain_functions.add(local)
                if f"{node.module}.{alias.name}" == CHAIN:
                    chain_names.add(local)
                if f"{node.module}.{alias.name}" == PERMISSIONS:
                    permission_names.add(local)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == CHAIN:
                    chain_names.add(alias.asname or alias.name)
                if alias.name == PERMISSIONS:
                    permission_names.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "require":
                yield node.lineno, "calls require()"
            elif isinstance(func, ast.Name) and func.id in chain_functions:
                yield node.lineno, f"calls the audit chain's {func.id}()"
            elif isinstance(func, ast.Attribute):
                receiver = ast.unparse(func.value)
                if func.attr == "require":
                    yield node.lineno, f"calls {receiver}.require()"
                elif func.attr in CHAIN_WRITES and (
                    receiver in chain_names or receiver in ("audit", "chain")
                    or receiver.endswith(".chain")
                ):  # fmt: skip
                    yield node.lineno, f"calls {receiver}.{func.attr}()"
                elif func.attr in ROW_WRITES and receiver.split(".")[-1] in AUDIT_TABLES:
                    yield node.lineno, f"writes {receiver} rows"
        elif isinstance(node, ast.Attribute):
            receiver = ast.unparse(node.value)
            if receiver == "Permission" or receiver.endswith(".Permission"):
                yield node.lineno, f"names Permission.{node.attr}"
            elif receiver in permission_names and node.attr not in PERMISSIONS_SHOWN:
                yield node.lineno, f"uses {receiver}.{node.attr}"
            elif node.attr == "is_supervisor":
                yield node.lineno, "reads .is_supervisor"
        elif isinstance(node, ast.Compare):
            if any(_is_role_operand(side) for side in [node.left, *node.comparators]):
                yield node.lineno, f"compares roles: {ast.unparse(node)}"
        elif isinstance(node, ast.Match) and _is_role_operand(node.subject):
            yield node.lineno, f"matches on {ast.unparse(node.subject)}"


def _modules() -> Iterator[Path]:
    yield from sorted((ROOT / "tui").rglob("*.py"))


def test_no_role_check_or_audit_write_under_tui() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _modules()
        for line, what in violations(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)


def test_the_scan_reads_the_front_ends() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert {"tui/app.py", "tui/cli/commands/user.py", "tui/screens/users.py"} <= names


@pytest.mark.parametrize(
    "source",
    [
        # the role checks and audit writes that issue 11 found under tui/
        "from storage.accounts.permissions import Permission, require\n"
        "require(session, Permission.SYNC)\n",
        "from storage.accounts import permissions\npermissions.require(s, p)\n",
        "from storage.audit import chain as audit\naudit.record(s.username, 'sync')\n",
        "import storage.audit.chain as log\nlog.record('x', 'y')\n",
        "import storage.audit.chain\nstorage.audit.chain.record('x', 'y')\n",
        "from storage.audit import chain\nchecked, problem = chain.verify()\n",
        "from storage.audit.chain import record as note\nnote('x', 'y')\n",
        "from storage.audit.chain import AuditEntry\n",
        "entry = chain_module.AuditEntry.create(seq=1)\n",
        "AuditHead.update(seq=2).execute()\n",
        "if session.role == Role.SUPERVISOR:\n    pass\n",
        "if role is not Role.SUPERVISOR:\n    pass\n",
        "ok = session.role in (Role.CLERK, Role.AUDITOR)\n",
        "ok = 'supervisor' == user.role\n",
        "disabled = not session.is_supervisor\n",
        "match session.role:\n    case _:\n        pass\n",
        "from storage.accounts.permissions import allowed\n",
        "import storage.accounts.permissions as perms\nif perms.allowed(s, p):\n    pass\n",
        "from storage.accounts import permissions\nneeded = permissions.Permission.CLEAR\n",
        "from storage.accounts.permissions import require as check\ncheck(s, p)\n",
    ],
)
def test_the_rule_catches_role_checks_and_audit_writes(source: str) -> None:
    assert list(violations(source)), source


@pytest.mark.parametrize(
    "source",
    [
        # what a front-end legitimately does: show a refusal, show a role, offer role choices
        "from storage.accounts.permissions import PermissionDenied\n"
        "try:\n    f()\nexcept PermissionDenied as exc:\n    show(exc)\n",
        "from storage.audit.chain import AuditTampered, ChainProblem\n",
        "label = t(f'role.{user.role.value}')\n",
        "choices = [r.value for r in Role]\n",
        "Select(options, value=Role.CLERK.value)\n",
        "role = Role(args.role)\n",
        "self.record(step)\n",  # a method of the screen's own, not the audit chain's
        "entries = reading.read_page(session, where)\n",
        "from storage.accounts.permissions import offered\nshown = offered(session, names)\n",
        "from storage.accounts import permissions\nexcept_ = permissions.PermissionDenied\n",
    ],
)
def test_the_rule_lets_presentation_through(source: str) -> None:
    assert list(violations(source)) == [], source
