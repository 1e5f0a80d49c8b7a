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

.PHONY: demo test lint typecheck bench lock clean neo4j neo4j-build

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

# The Neo4j 5.26 server the tests (and `make neo4j`) run: tests/neo4j, built with Maven.
# Built here, with the network; the tests then only need the jars cached in ~/.m2.
NEO4J_LAUNCHER := tests/neo4j
NEO4J_BUILT := $(NEO4J_LAUNCHER)/target/classpath.txt
NEO4J_PORT ?= 7687

MVN := /usr/bin/mvn

$(MVN):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven openjdk-17-jdk-headless; \
	else \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven openjdk-17-jdk-headless; \
	fi

$(NEO4J_BUILT): $(NEO4J_LAUNCHER)/pom.xml $(wildcard $(NEO4J_LAUNCHER)/src/main/java/lacgraph/*.java) | $(MVN)
	cd $(NEO4J_LAUNCHER) && mvn -B -q package
	touch $@

neo4j-build: $(NEO4J_BUILT)

# Neo4j in the foreground on 127.0.0.1:$(NEO4J_PORT) (data in build/neo4j); Ctrl-C stops it.
neo4j: $(STAMP) $(NEO4J_BUILT)
	@test -n "$$NEO4J_PASSWORD" || { echo "Set NEO4J_PASSWORD (8 characters or more)"; exit 2; }
	NEO4J_PORT=$(NEO4J_PORT) $(BIN)/python -m tests.neo4jserver

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	tools/typecheck.sh

# ruff, then mypy, then pytest in parallel workers (one per core; tests/conftest.py keeps
# each file, and all tests of the Neo4j server, on one worker: one server started, by the
# session fixture of that worker). PYTEST_ARGS adds options.
WORKERS ?= auto
test: lint typecheck $(CHROMIUM) $(NEO4J_BUILT)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/measures.py
	$(BIN)/python benchmarks/cli_startup.py

clean:
	rm -rf $(VENV) build *.egg-info lacgraph-report $(NEO4J_LAUNCHER)/target
