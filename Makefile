# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Each creates .venv, installs tagaudit with its test extras, makes sure a Chromium is
# available (scripts/ensure-browser), installs the optional npm helpers when npm exists,
# then runs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench setup browser node clean

setup: $(STAMP) browser node

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

browser: $(STAMP)
	@scripts/ensure-browser $(PY)

node:
	@scripts/ensure-node-helpers

demo: setup
	$(VENV)/bin/tagaudit demo

# Two workers (pytest-xdist): most tests wait on a browser, and the suite must stay under
# 10 minutes on a 2-core machine. `--dist loadgroup` keeps the tests that share a set-up on one
# worker (tests/support/groups.py). The tests hold on a loaded machine (scripts/test-under-load).
# The slowest 25 are listed at the end: where the 10 minutes go.
test: setup
	$(PY) -m pytest -q -n 2 --dist loadgroup --durations=25

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

bench: setup
	$(PY) benchmarks/bench_audit.py

clean:
	rm -rf $(VENV) node_modules
