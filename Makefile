# Two commands do all set-up: `make demo` and `make test`. `make lock` refreshes the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Exact versions with hashes of everything lacgraph and its tests use (from `make lock`),
# and of uv, the installer that reads it.
LOCK := requirements.lock
UV_LOCK := requirements-uv.lock
# uv from the venv, with the package index that pip is configured with on this machine.
UV := tools/uv.sh

.PHONY: demo test lint typecheck bench lock clean

$(BIN)/uv: $(UV_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(UV_LOCK)

# lacgraph itself goes in editable with no dependencies: they all come from the lock.
$(STAMP): $(BIN)/uv $(LOCK) pyproject.toml
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Resolve pyproject.toml's dependencies (with the test extra and the build backend) to
# exact versions with hashes, for every Python >= 3.11 and platform.
lock: $(BIN)/uv
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))\
		["build-system"]["requires"], sep="\n")' \
	| $(UV) pip compile --quiet --universal --generate-hashes --extra test \
		--output-file $(LOCK) pyproject.toml -
	echo "uv==$$($(BIN)/uv --version | cut -d' ' -f2)" \
	| $(UV) pip compile --quiet --universal --generate-hashes --output-file $(UV_LOCK) -

demo: $(STAMP)
	$(BIN)/lacgraph demo

# Browser tests drive Debian's Chromium (never a downloaded browser build).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# axe-core for the accessibility tests, at the version in tests/browser/axe/package-lock.json
# (installed before pytest, which runs without network).
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	cd tests/browser/axe && npm ci --no-audit --no-fund --silent
	touch $(AXE)

# pytest runs in a private network namespace: the Neo4j-store tests start FalkorDB's Bolt
# server, whose Bolt port listens on every interface (there, only on this loopback).
UNSHARE := $(shell if [ "$$(id -u)" = 0 ]; then echo unshare --net; \
	else echo unshare --net --map-root-user; fi)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	tools/typecheck.sh

# ruff, then mypy, then pytest in parallel workers (one per core; tests/conftest.py keeps
# each file, and all tests of the Bolt server, on one worker). PYTEST_ARGS adds options.
WORKERS ?= auto
test: lint typecheck $(CHROMIUM) $(AXE)
	$(UNSHARE) sh -c 'ip link set lo up && exec $(BIN)/python -m pytest \
		-n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)'

bench: $(STAMP)
	$(BIN)/python benchmarks/measures.py
	$(BIN)/python benchmarks/cli_startup.py

clean:
	rm -rf $(VENV) build *.egg-info lacgraph-report
