# Fapiao Desk developer tasks. `make test` is what CI runs (via .ci/run).

# The interpreter the venv is made from: the distribution's own python3 where it is 3.11 (the
# version the lock file and mypy target) with venv's ensurepip and a pip that can install into
# a venv (22.3+), else the first python3 on PATH. Debian builds its Python with profile-guided
# and link-time optimisation; the suite ran on it with ~12% less CPU than on a pyenv build
# made without them (bench/README.md, "make test on 2 cores").
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(shell /usr/bin/python3 -c 'import sys, ensurepip, pip; sys.exit( \
	sys.version_info[:2] != (3, 11) or tuple(map(int, pip.__version__.split(".")[:2])) < \
	(22, 3))' 2>/dev/null && echo /usr/bin/python3) python3)
endif
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every package at the version CI tested: generated from pyproject.toml by `make lock`.
LOCK   := requirements.lock
# Parallel test processes. A test mostly waits (Pilot, child processes, the disk simulator,
# PostgreSQL): with 6 workers the 2 cores are busy all the run (4 left a seventh of it idle).
# Tests marked `serial` run after. Work stealing: a worker that runs out takes tests queued
# for another.
TEST_WORKERS ?= 6
# Every test process and every `fapiao` a test starts would otherwise compile the project's
# modules (and pytest rewrite the tests) again when the environment turns bytecode caches off.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := test

.PHONY: FORCE venv lock run test pytest pytest-parallel pytest-serial types lint screenshots bench clean distclean

venv: $(STAMP)

# The installer: uv installs the lock file in ~3 s where pip took ~35 s (a fresh clone's
# `make test` waited for it). The system's pip puts it into the venv, from PyPI, at this
# version; a pip too old for --python (before 22.3) gets a venv with its own pip to do it.
# uv reads none of pip's settings: --native-tls trusts the system's certificates as pip
# does here; a mirror is given to uv as UV_DEFAULT_INDEX.
UV_VERSION := 0.13.9
UV     := $(BIN)/uv pip --quiet

# What the venv is made from, kept in the stamp. A venv made from another interpreter or uv
# is made again from scratch (so `make venv PYTHON=…` switches); a changed pyproject.toml or
# lock file is installed into the venv as it stands (a failed install leaves it usable).
VENV_FROM := $(PYTHON) uv==$(UV_VERSION)
ifneq ($(file <$(STAMP)),$(VENV_FROM))
$(STAMP): FORCE
VENV_CLEAR := --clear
endif
FORCE:

$(STAMP): pyproject.toml $(LOCK)
	if $(PYTHON) -m pip --help 2>/dev/null | grep -q -- '--python'; then \
		$(PYTHON) -m venv $(VENV_CLEAR) --without-pip $(VENV) && \
		$(PYTHON) -m pip --python $(BIN)/python install --quiet uv==$(UV_VERSION); \
	else \
		$(PYTHON) -m venv $(VENV_CLEAR) $(VENV) && $(BIN)/pip install --quiet uv==$(UV_VERSION); \
	fi
	$(UV) install --native-tls --python $(BIN)/python -r $(LOCK)
	$(UV) install --native-tls --python $(BIN)/python --no-deps -e .
	$(UV) check --python $(BIN)/python
	echo '$(VENV_FROM)' > $@

# After changing a dependency in pyproject.toml: pin it and everything below it again.
lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet pip-tools==7.6.2
	$(VENV)-lock/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file $(LOCK) pyproject.toml
	rm -rf $(VENV)-lock

run: venv
	$(BIN)/fapiao --demo

test: venv
	scripts/ensure-system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory -j3 --output-sync=target types pytest-parallel pytest-serial NICE="nice -n 19"

# The parallel run, then the few tests that cannot share the machine; fails if either did.
pytest: venv
	status=0; \
	$(MAKE) --no-print-directory pytest-parallel || status=$$?; \
	$(MAKE) --no-print-directory pytest-serial || status=$$?; \
	exit $$status

# `make test` runs mypy and the parallel tests at the lowest priority, beside the serial
# tests at the normal one: those wait on the clock (polls, key bursts, a disk's long command)
# and use a fifth of a core, so they take the CPU the moment they want it and the parallel
# run has the rest (the serial tests alone, after the rest, added ~25 s of a mostly idle box).
NICE ?=
types: venv
	$(NICE) $(BIN)/mypy

# First, once: the project's bytecode and pytest's rewritten test modules. On a fresh clone
# every worker otherwise compiled and rewrote all of them at the same time (~3 s each).
pytest-parallel: venv
	$(NICE) $(BIN)/python -m compileall -q tui storage devices > /dev/null
	$(NICE) $(BIN)/pytest -q --collect-only -p no:xdist > /dev/null || true
	$(NICE) $(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal -m "not serial"

# The tests that measure time against a deadline, one at a time, at a higher priority than
# anything else `make test` runs.
# Only the files that hold one are collected (collecting all of them took 2-3 s).
# A run that selects no test (pytest's 5) is not a failure here.
SERIAL_FILES = $(shell grep -rl --include='test_*.py' 'mark\.serial' tests)
pytest-serial: venv
	$(BIN)/pytest -q -p no:xdist -m serial $(SERIAL_FILES) || { code=$$?; [ $$code -eq 5 ] || exit $$code; }

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

screenshots: venv
	$(BIN)/python -m tui.screenshots

bench: venv
	$(BIN)/python -m bench

# Build artefacts and tool caches; keeps the venv (see distclean).
clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache \
		.import_linter_cache .hypothesis snapshot_report.html
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VENV)-lock
