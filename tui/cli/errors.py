"""The command line's own errors: usage the domain never sees (bad arguments, no terminal to
ask on). Everything else the CLI reports is the domain's ``FapiaoError`` as it was raised."""

from __future__ import annotations

from storage.errors import BadInput, Exit

__all__ = ["CliError", "Exit"]


class CliError(BadInput):
    """Bad usage of a command: ``CliError(key, **fields)``, exit 2."""
