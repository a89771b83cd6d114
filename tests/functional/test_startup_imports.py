"""The real entry point draws its first frame before any store or crypto module is loaded:
``fapiao --demo`` in a pty of its own, asked at its first frame which modules it has."""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

HEAVY = ("peewee", "psycopg", "argon2", "cryptography", "sqlite3", "zstandard", "openpyxl")

# The entry point as installed, with a look at sys.modules when the first frame goes out to the
# terminal (a cursor move followed by a character, written by Textual's Linux driver).
PROBE = """
import json, re, sys
from textual.drivers.linux_driver import LinuxDriver

draws = re.compile(r"\\x1b\\[\\d+;\\d+H(?:\\x1b\\[[0-9;]*m)*[^\\x1b]")
real_write = LinuxDriver.write
report = sys.argv[1]

def write(driver, data, _seen=[]):
    real_write(driver, data)
    if not _seen and draws.search(data):
        _seen.append(1)
        with open(report, "w") as out:
            json.dump({"modules": sorted(sys.modules)}, out)
        driver._app.exit(0)

LinuxDriver.write = write
from tui.cli.main import main
sys.argv[1:] = sys.argv[2:]
sys.exit(main())
"""


def test_the_first_frame_comes_before_the_store_and_crypto_modules(tmp_path: Path) -> None:
    import fcntl
    import termios

    report = tmp_path / "first-frame.json"
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        "TERM": "xterm",
        "HOME": str(tmp_path / "home"),
        "FAPIAO_DATA_DIR": str(tmp_path / "data"),
        "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
        "PATH": os.environ.get("PATH", ""),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(report), "--demo"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    deadline = time.monotonic() + 60
    try:
        while child.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 65536)  # the screen; the pty must not fill up
                except OSError:
                    break
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        os.close(master)
    if not report.exists():
        pytest.fail("the app never drew its first frame")
    seen = json.loads(report.read_text())
    loaded = {name.partition(".")[0] for name in seen["modules"]}
    assert "textual" in loaded
    assert not loaded & set(HEAVY)


# A fresh interpreter: pytest has loaded peewee (with psycopg) long before any test runs.
DRIVERS = """
import json, sys
from storage.store.drivers import load_peewee
load_peewee(sys.argv[1])
import peewee
from storage.store.database import open_database
from storage.store.models import User
from storage.store.schema import upgrade
loaded = "psycopg" in sys.modules
peewee_driver = peewee.psycopg is not None
if sys.argv[1].startswith("sqlite:"):
    upgrade(open_database(sys.argv[1]))
    User.select().count()
import psycopg  # still there for code that asks for it by name
print(json.dumps({"loaded": loaded, "peewee_driver": peewee_driver}))
"""


def _drivers(url: str) -> dict[str, bool]:
    done = subprocess.run([sys.executable, "-c", DRIVERS, url], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    result: dict[str, bool] = json.loads(done.stdout)
    return result


def test_a_sqlite_store_opens_without_loading_the_postgresql_driver(tmp_path: Path) -> None:
    assert _drivers(f"sqlite:///{tmp_path / 'store.db'}") == {
        "loaded": False,
        "peewee_driver": False,
    }
    assert (tmp_path / "store.db").stat().st_size > 0  # migrated


def test_a_postgresql_store_keeps_the_driver() -> None:
    assert _drivers("postgresql://nobody@127.0.0.1:1/none") == {
        "loaded": True,
        "peewee_driver": True,
    }
