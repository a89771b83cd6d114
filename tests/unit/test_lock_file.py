"""requirements.lock pins what pyproject.toml asks for: a dependency changed in one and not
the other (run `make lock`) would install on a fresh machine what CI never tested."""

from __future__ import annotations

import re
import tomllib

from tests.support.paths import ROOT


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.lower())


def _pins(lines: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[_name(name.split("[", 1)[0])] = version.strip()
    return pins


def test_every_pin_in_pyproject_is_the_one_in_the_lock_file() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _pins([*project["dependencies"], *project["optional-dependencies"]["dev"]])
    locked = _pins((ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines())
    assert wanted, "no pinned dependency found in pyproject.toml"
    assert {name: locked.get(name) for name in wanted} == wanted
