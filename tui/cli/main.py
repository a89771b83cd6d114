"""``fapiao``: the TUI with no subcommand, else one subcommand (SPEC "CLI")."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import cast

from storage.messages import both, set_language, t
from storage.settings import Settings, SettingsError, load_settings
from tui.cli.commands import register_all
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit
from tui.logs import setup_logging

log = logging.getLogger("fapiao.cli")


class _Parser(argparse.ArgumentParser):
    """argparse, but bad usage exits 2 with the message in both languages."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(both("cli.usage_error", detail=message) + "\n")
        raise SystemExit(Exit.USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fapiao", description=t("cli.description"))
    parser.add_argument("--demo", action="store_true", help="演示模式（自带数据和模拟税控盘）/ demo mode")
    parser.add_argument("--user", help="操作用户（默认登录名）/ acting user (default: login name)")
    parser.add_argument("--lang", choices=["zh", "en"], help="界面语言 / language")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(cast("argparse._SubParsersAction[argparse.ArgumentParser]", sub))
    return parser


def _run_tui(settings: Settings, demo: bool) -> int:
    from tui.app import run_app  # Textual loads only for the screen, not for subcommands

    return run_app(settings, demo=demo)


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before --help is printed.
    if "--lang" in raw and raw.index("--lang") + 1 < len(raw):
        set_language(raw[raw.index("--lang") + 1] if raw[raw.index("--lang") + 1] in ("zh", "en") else "zh")
    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.stderr.write(str(exc) + "\n")
        return Exit.USAGE
    set_language(settings.language)
    parser = build_parser()
    args = parser.parse_args(raw)
    if args.lang:
        set_language(args.lang)
    setup_logging()
    ctx = CliContext(settings=settings, args=args, demo=args.demo)
    try:
        if args.command is None:
            return _run_tui(settings, demo=args.demo)
        code: int = args.handler(ctx)
        return int(code)
    except CliError as exc:
        sys.stderr.write(str(exc) + "\n")
        return int(exc.code)
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK
    except KeyboardInterrupt:
        sys.stderr.write(both("cli.interrupted") + "\n")
        return Exit.FAILED
    except Exception as exc:  # the last line of defence: no traceback reaches a clerk
        log.exception("unhandled error in %s", args.command)
        sys.stderr.write(both("error.internal", detail=type(exc).__name__) + "\n")
        return Exit.FAILED


if __name__ == "__main__":
    raise SystemExit(main())
