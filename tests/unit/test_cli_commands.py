"""Each command is registered by the module ``tui.cli.commands.COMMANDS`` names for it, so a run
of one command can load that module alone and still get the same parser."""

from __future__ import annotations

import argparse

from tui.cli.commands import COMMAND_MODULES, COMMANDS
from tui.cli.main import build_parser


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_command_is_known_with_the_module_that_registers_it() -> None:
    every = _choices(build_parser())
    assert sorted(every) == sorted(COMMANDS)
    assert set(COMMANDS.values()) == set(COMMAND_MODULES)
    for name, module in COMMANDS.items():
        alone = _choices(build_parser([name]))
        assert name in alone, (name, module)
        # The one module's parser is the same as in the whole set: same options, same usage.
        assert alone[name].format_usage() == every[name].format_usage()


def test_a_command_after_global_options_is_found_and_an_unknown_one_gets_every_command() -> None:
    assert sorted(_choices(build_parser(["--user", "backup", "--lang", "en", "audit"]))) == [
        "audit"
    ]
    assert sorted(_choices(build_parser(["nonsense"]))) == sorted(COMMANDS)
    assert sorted(_choices(build_parser(["--help"]))) == sorted(COMMANDS)
