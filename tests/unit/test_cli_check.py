"""``fapiao check``: verdicts per field, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest

from tui.cli.main import main


def test_a_stripped_leading_zero_is_a_warning_with_the_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["check", "code=4300171130", "number=2550485", "date=2025-01-15", "amount=10545.43"]
    )
    out = capsys.readouterr().out
    assert code == 0  # warnings only
    assert "可能丢了前导零：应为 02550485" in out
    assert "核对通过，但有 1 项需注意" in out
    # An empty field that needs nothing reads as on the checklist screen, not as passed.
    check_code = next(line for line in out.splitlines() if line.startswith("校验码"))
    assert "· " in check_code and "未填写" in check_code and "通过" not in check_code


def test_an_error_exits_1_and_json_names_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--json", "amount=100.00", "tax=13.00", "total=113.10", "rate=0.13"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["verdict"] == "error"
    total = next(f for f in report["fields"] if f["field"] == "total")
    assert total["verdict"] == "error" and total["fix"] == "113.00"


def test_unusable_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "numero=1"]) == 2
    assert "未知字段 numero" in capsys.readouterr().err
    assert main(["check"]) == 2
    assert "没有要核对的内容" in capsys.readouterr().err
