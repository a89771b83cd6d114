"""Where the tests' own files are: the repository and ``tests/fixtures``."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
