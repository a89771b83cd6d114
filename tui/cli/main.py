"""``fapiao``: the TUI with no subcommand, else one subcommand (SPEC "CLI")."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, cast

from rich.cells import cell_len

import tui.texts  # noqa: F401  (the command line's own texts, registered with the catalogue)
from storage.config.settings import Settings, load_settings
from storage.errors import Exit, FapiaoError, file_error
from storage.messages import language, set_language, t
from tui.cli.usage import usage_error
from tui.logs import setup_logging, teardown_logging

if TYPE_CHECKING:
    pass

log = logging.getLogger("fapiao.cli")


# A word of ASCII, a run of spaces, or any other single character (a Chinese one may end a line).
_WRAP_TOKENS = re.compile(r"[!-~]+|\s+|.")


def wrap_cells(text: str, width: int) -> list[str]:
    """``text``'s words in lines of at most ``width`` terminal cells, a Chinese character
    counting two (argparse counts characters, so Chinese help ran to 103 columns at 80)."""
    lines: list[str] = []
    line, space = "", False
    for token in _WRAP_TOKENS.findall(text):
        if token.isspace():
            space = bool(line)
            continue
        piece = (" " if space else "") + token
        space = False
        if line and cell_len(line + piece) > width:
            lines.append(line)
            line = token
        else:
            line += piece
    return [*lines, line] if line else lines


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with the "usage:" heading from the catalogue, wrapped by
    terminal cells."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_cells(text, width - len(indent)))

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup],
                      prefix: str | None) -> str:  # fmt: skip
        # Laid out with a stand-in as wide on the screen as "用法：", then that put back.
        if prefix is None or cell_len(prefix) == len(prefix):
            return super()._format_usage(usage, actions, groups, prefix)
        stand_in = "~" * cell_len(prefix)
        return super()._format_usage(usage, actions, groups, stand_in).replace(stand_in, prefix, 1)

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup],
                  prefix: str | None = None) -> None:  # fmt: skip
        super().add_usage(usage, actions, groups, t("cli.help.usage") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its own headings in the user's language; bad usage is a ``CliError``
    (exit 2) in the user's words. Subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.help.positionals")
        self._optionals.title = t("cli.help.options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = t("cli.help.help")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise usage_error(message)


class _Version(argparse.Action):
    """``--version``: the installed package's version, read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                         nargs=0, help=help)  # fmt: skip

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:  # fmt: skip
        from importlib.metadata import version

        print(f"fapiao {version('fapiao-desk')}")
        parser.exit()


def build_parser(raw: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with the raw arguments, only the named command's module is loaded."""
    from tui.cli.commands import register_all  # the subcommands' modules, and the store's

    parser = _Parser(prog="fapiao", description=t("cli.description"))
    parser.add_argument("--demo", action="store_true", help=t("cli.help.demo"))
    parser.add_argument("--user", help=t("cli.help.user"))
    parser.add_argument("--lang", choices=["zh", "en"], help=t("cli.help.lang"))
    parser.add_argument("--version", action=_Version, help=t("cli.help.version"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(cast("argparse._SubParsersAction[argparse.ArgumentParser]", sub),
                 _command_word(raw or ()))  # fmt: skip
    return parser


def _command_word(raw: Sequence[str]) -> str | None:
    """The first word that is not a global option or its value: the command, if any."""
    words = iter(raw)
    for arg in words:
        if arg in ("--user", "--lang"):
            next(words, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _run_tui(settings: Settings, demo: bool) -> int:
    from tui.app import run_app  # Textual loads only for the screen, not for subcommands

    return run_app(settings, demo=demo)


def _lang_option(raw: Sequence[str]) -> str | None:
    """``--lang zh|en`` (or ``--lang=en``) from the raw arguments, before argparse runs."""
    for i, arg in enumerate(raw):
        if arg == "--lang" and i + 1 < len(raw):
            value = raw[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        return value if value in ("zh", "en") else None
    return None


def _failed(error: FapiaoError, as_json: bool) -> int:
    """Say why once on stderr, in the chosen language; with ``--json`` also one JSON document
    on stdout. The exit code is the error's."""
    text = error.render(language())
    code = int(error.exit_code)
    sys.stderr.write(text + "\n")
    if as_json:
        import json  # only on a failure: the clerk's start-up does without it

        json.dump({"ok": False, "error": error.key, "message": text, "exit_code": code},
                  sys.stdout, ensure_ascii=False)  # fmt: skip
        sys.stdout.write("\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    # Before argparse has read the arguments (a usage error, a bad config file) --json is
    # only known from the raw words; it is an option of every command that has one.
    as_json = "--json" in raw
    try:
        return _main(raw)
    except FapiaoError as exc:  # the one place an error becomes what the user reads
        return _failed(exc, as_json)
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK
    except KeyboardInterrupt:
        return _failed(FapiaoError("cli.interrupted"), as_json)


def _main(raw: list[str]) -> int:
    # The help texts are rendered when the parser is built, so the language comes first:
    # --lang wins over the settings, and a settings error is already in the asked language.
    asked = _lang_option(raw)
    if asked:
        set_language(asked)
    settings = load_settings()
    set_language(asked or settings.language)
    screen = _screen_only(raw)
    if screen is None:
        from storage.store.drivers import load_peewee

        # Before the command's module imports peewee: a SQLite store's commands need not
        # load PostgreSQL's driver (~0.2 s of every command).
        load_peewee(settings.database_url)
    args = screen or build_parser(raw).parse_args(raw)
    if args.lang:
        set_language(args.lang)
    if args.demo:
        from storage.demo.space import demo_space

        # The demo runs in a throwaway folder of its own, blind to the real configuration.
        with demo_space(language()) as demo_settings:
            return _run(demo_settings, args)
    return _run(settings, args)


def _screen_only(raw: Sequence[str]) -> argparse.Namespace | None:
    """The arguments of a plain ``fapiao [--demo] [--lang zh|en]`` (the screen), read without
    the subcommands' parser: building it loads every subcommand and, with them, the store and
    crypto modules, all before the screen's first frame. None for anything else."""
    rest = [arg for arg in raw if arg != "--demo"]
    lang = _lang_option(rest)
    if rest not in ([], ["--lang", lang], [f"--lang={lang}"]) or (rest and lang is None):
        return None
    return argparse.Namespace(command=None, demo="--demo" in raw, lang=lang, user=None)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    if args.command is None:
        return _run_screen(settings, args)
    from tui.cli.context import CliContext

    handler = setup_logging()
    ctx = CliContext(settings=settings, args=args, demo=args.demo)
    try:
        code: int = args.handler(ctx)
        return int(code)
    except (FapiaoError, BrokenPipeError):
        raise  # said by main(), the one place errors are shown
    except OSError as exc:
        if exc.filename is None:
            raise _internal(args.command, exc) from exc
        # A file the user named (or one made for them) that could not be used: say which
        # and why in the user's words, not the C library's English.
        raise file_error(exc) from exc
    except Exception as exc:  # the last line of defence: no traceback reaches a clerk
        raise _internal(args.command, exc) from exc
    finally:
        if args.demo:
            _close_demo(handler)


def _run_screen(settings: Settings, args: argparse.Namespace) -> int:
    """The TUI; its first frame comes before any store, crypto or subcommand module loads."""
    handler = setup_logging()
    try:
        return _run_tui(settings, demo=args.demo)
    except (FapiaoError, KeyboardInterrupt):
        raise  # said by main()
    except Exception as exc:  # the last line of defence: no traceback reaches a clerk
        raise _internal("the screen", exc) from exc
    finally:
        if args.demo:
            _close_demo(handler)


def _close_demo(handler: logging.Handler | None) -> None:
    from storage.store.database import close_database

    close_database()  # the demo's store goes with its folder
    teardown_logging(handler)


def _internal(where: str | None, exc: Exception) -> FapiaoError:
    log.exception("unhandled error in %s", where)  # the traceback goes to the log
    return FapiaoError("error.internal", detail=type(exc).__name__)


if __name__ == "__main__":
    raise SystemExit(main())
