"""Bad usage on the command line: argparse's own English ("the following arguments are
required", "invalid choice" …) is said in the chosen language, once, with exit 2."""

from __future__ import annotations

import json

import pytest

from tui.cli.main import main

# (arguments, Chinese, English): what the user reads after the usage line.
CASES = [
    (["lookup"], "用法错误：缺少参数：query", "usage error: missing arguments: query"),
    (["user", "add", "li", "--role", "boss"],
     "用法错误：参数 --role 不能是 'boss'，可选：'clerk', 'supervisor', 'auditor'",
     "usage error: argument --role cannot be 'boss'; choose from 'clerk', 'supervisor', "
     "'auditor'"),
    (["check", "number=1", "--bogus", "x"], "用法错误：无法识别的参数：--bogus x",
     "usage error: unrecognized arguments: --bogus x"),
    (["check", "--qr"], "用法错误：参数 --qr 需要一个值", "usage error: argument --qr needs a value"),
    (["lookup", "1234", "--limit", "ten"], "用法错误：参数 --limit 应为数字，不能是 'ten'",
     "usage error: argument --limit must be a number, not 'ten'"),
    (["lookup", "1234", "--all", "--hide-void-red"],
     "用法错误：参数 --hide-void-red 不能与 --all 同时使用",
     "usage error: argument --hide-void-red cannot be used with --all"),
    (["user", "role", "li", "boss"],
     "用法错误：参数 role 不能是 'boss'，可选：'clerk', 'supervisor', 'auditor'",
     "usage error: argument role cannot be 'boss'; choose from 'clerk', 'supervisor', 'auditor'"),
    (["check", "number=1", "--json=yes"], "用法错误：参数 --json 不带值（给了 'yes'）",
     "usage error: argument --json takes no value (was given 'yes')"),
    (["lookup", "1234", "--h"], "用法错误：选项 --h 不明确，可能是：--help, --hide-void-red",
     "usage error: option --h is ambiguous, it could be: --help, --hide-void-red"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "zh", "en"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_errors_read_in_the_chosen_language(
    args: list[str], zh: str, en: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：") and err.endswith("\n" + zh + "\n")
    assert main(["--lang", "en", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage:") and err.endswith("\n" + en + "\n")


def test_an_unknown_command_is_said_in_the_chosen_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["no-such-command"]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("用法错误：参数 COMMAND 不能是 'no-such-command'，可选：'import', ")
    assert main(["--lang", "en", "no-such-command"]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(
        "usage error: argument COMMAND cannot be 'no-such-command'; choose from 'import', "
    )


def test_a_usage_error_with_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "lookup", "--json"]) == 2
    out = capsys.readouterr().out
    assert json.loads(out) == {"ok": False, "error": "cli.usage_error", "exit_code": 2,
                               "message": "usage error: missing arguments: query"}  # fmt: skip


def test_a_bad_language_option_is_said_in_the_configured_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAPIAO_LANG", "en")
    assert main(["--lang", "fr", "lookup", "1234"]) == 2
    assert capsys.readouterr().err.endswith(
        "usage error: argument --lang cannot be 'fr'; choose from 'zh', 'en'\n"
    )
