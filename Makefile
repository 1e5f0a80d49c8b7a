# Two commands do all set-up: `make demo` and `make test`. `make lock` refreshes the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installed: lacgraph and what it needs to run (RUN_STAMP, enough for `make demo`), and
# also the tools its tests use (STAMP).
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
# Exact versions with hashes (from `make lock`): everything lacgraph and its tests use; the
# same versions of what it needs to run; uv, the installer that reads them.
LOCK := requirements.lock
RUN_LOCK := requirements-run.lock
UV_LOCK := requirements-uv.lock
# uv from the venv, with the package index that pip is configured with on this machine.
UV := PIP_PYTHON=$(PYTHON) tools/uv.sh

.PHONY: install wheelhouse demo test lint typecheck bench lock clean neo4j neo4j-build messages

# uv installs without byte-compiling (compiling every installed module costs more than
# the rest of the install); Python compiles what a run imports and keeps it, also where
# PYTHONDONTWRITEBYTECODE is set, so that no command, test or test subprocess compiles
# pandas, scipy or matplotlib again.
unexport PYTHONDONTWRITEBYTECODE

# The venv has no pip of its own (ensurepip alone takes longer than the rest of the
# install): $(PYTHON)'s pip puts uv in it, and uv does the rest (`tools/uv.sh pip ...`).
# A pip too old for --python (before 22.3), or none: the venv gets its own pip for that.
UV_INSTALL := install --quiet --require-hashes --no-deps -r $(UV_LOCK)
$(BIN)/uv: $(UV_LOCK)
	@echo "Creating $(VENV)/ with the installer uv ($(UV_LOCK))..."
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python $(UV_INSTALL) \
	|| { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip $(UV_INSTALL); }

# lacgraph itself goes in editable with no dependencies: they all come from the lock.
$(RUN_STAMP): $(BIN)/uv $(RUN_LOCK) pyproject.toml
	@echo "Installing lacgraph and the $$(grep -c '^[a-z0-9]' $(RUN_LOCK)) packages it needs (exact versions of $(RUN_LOCK)) into $(VENV)/: 10-30 s the first time..."
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r $(RUN_LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

$(STAMP): $(RUN_STAMP) $(LOCK)
	@echo "Installing the test tools (exact versions of $(LOCK)) into $(VENV)/..."
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r $(LOCK)
	touch $@

# Resolve pyproject.toml's dependencies (with the build backend, which installs lacgraph)
# to exact versions with hashes, for every Python >= 3.11 and platform: with the test
# extra, then the same versions without it.
BUILD_REQUIRES := $(BIN)/python -c 'import tomllib; \
	print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
COMPILE := $(UV) pip compile --quiet --universal --generate-hashes
lock: $(BIN)/uv
	$(BUILD_REQUIRES) | $(COMPILE) --extra test --output-file $(LOCK) pyproject.toml -
	$(BUILD_REQUIRES) | $(COMPILE) --constraint $(LOCK) --output-file $(RUN_LOCK) \
		pyproject.toml -
	echo "uv==$$($(BIN)/uv --version | cut -d' ' -f2)" \
	| $(COMPILE) --output-file $(UV_LOCK) -

demo: $(RUN_STAMP)
	$(BIN)/lacgraph demo

# What a server needs to run lacgraph (also `report --pdf`), without the demo.
install: $(RUN_STAMP)

# Every package of the run lock, as wheels for this platform and Python, checked against
# the lock's hashes, in wheelhouse/: copy it with the source folder to a server without
# internet access and install from it there (deploy/README.md, "Install"):
#   python3 -m venv .venv
#   .venv/bin/pip install --no-index --find-links wheelhouse --require-hashes -r requirements-run.lock
#   .venv/bin/pip install --no-index --no-deps --no-build-isolation -e .
# (uv has no download command; this is $(PYTHON)'s pip.) WHEEL_PLATFORM=manylinux2014_x86_64
# WHEEL_PYTHON=3.12 fetch them for another server than this one.
WHEELHOUSE ?= wheelhouse
wheelhouse: $(RUN_LOCK)
	@echo "Downloading the $$(grep -c '^[a-z0-9]' $(RUN_LOCK)) packages of $(RUN_LOCK) into $(WHEELHOUSE)/..."
	$(PYTHON) -m pip download --quiet --require-hashes --no-deps --only-binary=:all: \
		$(if $(WHEEL_PLATFORM),--platform $(WHEEL_PLATFORM)) \
		$(if $(WHEEL_PYTHON),--python-version $(WHEEL_PYTHON)) \
		-r $(RUN_LOCK) -d $(WHEELHOUSE)
	@echo "$(WHEELHOUSE)/ holds $$(ls $(WHEELHOUSE) | wc -l) wheels."

# Browser tests drive Debian's Chromium (never a downloaded browser build); the HTTPS
# deployment test puts Debian's nginx (a TLS-terminating proxy) in front of the app.
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

$(CHROMIUM) $(NGINX):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx; \
	else \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx; \
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

# axe-core for the accessibility tests, at the version in tests/browser/axe/package-lock.json
# (installed before pytest, which runs without network).
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	cd tests/browser/axe && npm ci --no-audit --no-fund --silent
	touch $(AXE)

# The Welsh catalogue in step with the code: new messages arrive empty for a translator,
# the compiled messages.mo is rebuilt (tests/unit/test_welsh_catalogue.py checks both).
messages: $(RUN_STAMP)
	$(BIN)/python tools/messages.py

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	tools/typecheck.sh

# ruff; then pytest in parallel workers (one per core; tests/conftest.py keeps each file,
# and all tests of the Neo4j server, on one worker: one server started, by the session
# fixture of that worker), with mypy running beside it (its report follows pytest's; either
# failing fails the target). PYTEST_ARGS adds options.
WORKERS ?= auto
test: lint $(CHROMIUM) $(NGINX) $(NEO4J_BUILT) $(AXE)
	@mkdir -p build
	@tools/typecheck.sh > build/typecheck.log 2>&1 & typecheck=$$!; \
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS); tests=$$?; \
	wait $$typecheck; types=$$?; echo "mypy (tools/typecheck.sh):"; cat build/typecheck.log; \
	[ $$tests = 0 ] && [ $$types = 0 ]

bench: $(STAMP)
	$(BIN)/python benchmarks/measures.py
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/labels.py --quick

clean:
	rm -rf $(VENV) build *.egg-info lacgraph-report wheelhouse $(NEO4J_LAUNCHER)/target
