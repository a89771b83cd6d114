"""Where the tests' own files are: the repository and ``tests/fixtures``."""

from pathlib import Path

# The repository: the nearest folder above that holds pyproject.toml (wherever it is cloned).
ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
FIXTURES = ROOT / "tests" / "fixtures"

#: Names a folder the whole test run shares, its parallel workers too (``tests/conftest.py``).
SHARED_DIR_ENV = "PYTEST_FAPIAO_SHARED_DIR"
