"""Subcommands: each module has ``register(subparsers)`` and sets ``handler`` on its parsers."""

from __future__ import annotations

import argparse
import importlib

# Order is the order of ``fapiao --help``.
COMMAND_MODULES = (
    "import_export",
    "lookup",
    "mark",
    "check",
    "user",
    "audit",
    "db",
    "disk",
    "backup",
    "clear",
)

# The module that registers each command: a run of one command loads that module alone, not
# every other command's (the importers' pypdf and openpyxl, the disk's devices, Textual) —
# about a second of every ``fapiao backup`` here went on loading modules it never used.
COMMANDS = {
    "import": "import_export", "export": "import_export", "lookup": "lookup", "mark": "mark",
    "summary": "mark", "check": "check", "user": "user", "audit": "audit", "db": "db",
    "sync": "disk", "device-sim": "disk", "device-service": "disk", "backup": "backup",
    "clear": "clear",
}  # fmt: skip


def register_all(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], command: str | None = None
) -> None:
    """Every command's parser; only the one module's when ``command`` names a known command."""
    names = (COMMANDS[command],) if command in COMMANDS else COMMAND_MODULES
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers)
