# Two commands do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean neo4j neo4j-build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

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

test: $(STAMP) $(CHROMIUM) $(NEO4J_BUILT)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/measures.py

clean:
	rm -rf $(VENV) build *.egg-info lacgraph-report $(NEO4J_LAUNCHER)/target
