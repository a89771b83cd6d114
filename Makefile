# Fapiao Desk developer tasks. `make test` is what CI runs (via .ci/run).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := test

.PHONY: venv run test lint screenshots bench clean distclean

venv: $(STAMP)

# Re-installs whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]'
	touch $@

run: venv
	$(BIN)/fapiao --demo

test: venv
	scripts/ensure-system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

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
	rm -rf $(VENV)
