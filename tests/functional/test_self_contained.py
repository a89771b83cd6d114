"""The project runs from a fresh clone anywhere: nothing names a path outside the repository,
and a test run leaves nothing behind in the temp dir."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.paths import FIXTURES, ROOT, SHARED_DIR_ENV

SKIPPED_DIRS = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
                ".hypothesis", ".import_linter_cache", "fapiao_desk.egg-info"}  # fmt: skip
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".sh", ".tcss", ".yml", ".yaml"}
# Spelled in parts so this file does not name them itself.
OUTSIDE = ("/work" + "/", ".." + "/shared", '"shared" / ' + '"samples"')


def _project_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES or name in ("Makefile", "run"):
                found.append(path)
    return found


def test_no_file_names_a_path_outside_the_repository() -> None:
    files = _project_files()
    assert any(p.name == "conftest.py" for p in files)
    offenders = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in files
        for needle in OUTSIDE
        if needle in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def test_the_samples_the_tests_read_ship_with_them() -> None:
    samples = FIXTURES / "samples"
    assert len((samples / "qr.txt").read_text(encoding="utf-8").split()) >= 3
    assert len((samples / "uscc.txt").read_text(encoding="utf-8").split()) >= 2


def test_the_demo_template_is_removed_when_the_run_ends(tmp_path: Path) -> None:
    # The template is built as the TUI tests build it (seeding replaced by a stub file: only
    # the directory's fate matters here), in a process with a temp dir of its own.
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import tests.support.tui as tui_support
        tui_support.prepare_demo_store = lambda path, today: path.write_bytes(b"")
        assert tui_support.demo_template().exists()
    """)  # fmt: skip
    temp = tmp_path / "tmp"
    temp.mkdir()
    # not the run's shared folder: the stub would stand in there for every test's demo store
    env = {k: v for k, v in os.environ.items() if k != SHARED_DIR_ENV} | {"TMPDIR": str(temp)}
    done = subprocess.run([sys.executable, "-c", script, str(ROOT)], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [p.name for p in temp.iterdir() if p.name.startswith("fapiao-demo-")] == []
