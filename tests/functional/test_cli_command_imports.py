"""A run of one command loads that command's modules, not every command's: ``fapiao backup``
in a child process of its own, asked which modules it has once its arguments are read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from tui.cli.main import build_parser
args = build_parser(sys.argv[1:]).parse_args(sys.argv[1:])
print(json.dumps({"handler": args.handler.__name__, "modules": sorted(sys.modules)}))
"""

# What only other commands need: the importers' PDF and spreadsheet readers, the disk's
# devices, the screen.
OTHERS = ("textual", "pypdf", "openpyxl", "devices", "tui.app", "storage.importing")


def _loaded(*argv: str) -> tuple[str, set[str]]:
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent, timeout=120).stdout  # fmt: skip
    seen = json.loads(out)
    return seen["handler"], set(seen["modules"])


def test_a_backup_command_loads_no_other_commands_modules() -> None:
    for argv in (["backup", "--full", "--json"], ["--lang", "en", "backup", "verify", "--quick"]):
        handler, modules = _loaded(*argv)
        assert handler in ("cmd_backup", "cmd_verify")
        assert "storage.backup.service" in modules
        heavy = sorted(m for m in modules if m.startswith(OTHERS))
        assert heavy == [], (argv, heavy[:10])


def test_help_still_lists_every_command() -> None:
    out = subprocess.run([sys.executable, "-m", "tui.cli.main", "--lang", "en", "--help"],
                         capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    for name in ("import", "export", "lookup", "backup", "clear", "device-service", "summary"):
        assert name in out


# The real entry point, asked which modules it had once the command was done.
RUN = """
import json, sys
from tui.cli.main import main
report, *argv = sys.argv[1:]
code = main(argv)
with open(report, "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def _run(tmp_path: Path, url: str, *argv: str) -> tuple[int, set[str]]:
    report = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", RUN, str(report), *argv], capture_output=True,
                   check=True, timeout=120, env={**os.environ, "FAPIAO_DATABASE_URL": url})  # fmt: skip
    seen = json.loads(report.read_text())
    return seen["code"], {name.partition(".")[0] for name in seen["modules"]}


def test_a_sqlite_stores_commands_load_neither_postgresql_nor_spreadsheets(
    tmp_path: Path,
) -> None:
    # The store is not there (exit 3): by then the command's modules have all been loaded.
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    csv, out = str(tmp_path / "received.csv"), str(tmp_path / "out.csv")
    for argv in (["clear", "log"], ["backup", "list"], ["--lang", "en", "lookup", "1"],
                 ["import", csv], ["export", "--out", out], ["mark", "--reimbursed", "26312000000000000001"]):  # fmt: skip
        code, loaded = _run(tmp_path, url, *argv)
        assert code == 3, argv
        assert {"peewee", "sqlite3"} <= loaded
        assert not loaded & {"psycopg", "openpyxl", "pypdf", "textual"}, argv


def test_a_postgresql_stores_commands_keep_the_driver(tmp_path: Path) -> None:
    # Unreachable, said as such (exit 3): peewee found its driver.
    code, loaded = _run(tmp_path, "postgresql://nobody@127.0.0.1:1/none", "db", "upgrade")
    assert code == 3
    assert "psycopg" in loaded
