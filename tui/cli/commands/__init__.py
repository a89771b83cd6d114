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


def register_all(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers)
