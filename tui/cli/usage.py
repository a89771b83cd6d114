"""argparse's own error texts ("the following arguments are required: …") in the user's words.

argparse hands ``ArgumentParser.error`` one English sentence; its shapes are few and fixed
(Python 3.11's ``argparse``), so each is read back into a catalogue key with its fields. A
shape not listed here still reads as a usage error, with argparse's sentence as the detail.
"""

from __future__ import annotations

import re

from storage.messages import Message
from tui.cli.errors import CliError

_ARGUMENT = r"argument (?P<argument>\S+?): "
# Compiled when an error is read (re caches them), not at every start-up (2 ms).
_SHAPES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<names>.+)", "cli.usage.required"),
    (_ARGUMENT + r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
     "cli.usage.invalid_choice"),
    (r"unrecognized arguments: (?P<arguments>.+)", "cli.usage.unrecognized"),
    (_ARGUMENT + r"expected (?:one argument|\d+ arguments?)", "cli.usage.expected_value"),
    (_ARGUMENT + r"expected at least one argument", "cli.usage.expected_values"),
    (_ARGUMENT + r"expected at most one argument", "cli.usage.at_most_one"),
    (_ARGUMENT + r"ignored explicit argument (?P<value>.+)", "cli.usage.takes_no_value"),
    (_ARGUMENT + r"invalid (?:int|float) value: (?P<value>.+)", "cli.usage.bad_number"),
    (_ARGUMENT + r"not allowed with argument (?P<other>.+)", "cli.usage.not_allowed_with"),
    (r"one of the arguments (?P<names>.+) is required", "cli.usage.one_required"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "cli.usage.ambiguous"),
)  # fmt: skip


def usage_error(text: str) -> CliError:
    """The usage error argparse reported as ``text``, as a catalogue message (exit 2)."""
    for pattern, key in _SHAPES:
        found = re.match(pattern + r"\Z", text, re.DOTALL)
        if found:
            return CliError("cli.usage_error", detail=Message(key, found.groupdict()))
    return CliError("cli.usage_error", detail=text)
