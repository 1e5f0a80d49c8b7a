# Two commands do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lacgraph demo

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

# pytest runs in a private network namespace: the Neo4j-store tests start FalkorDB's Bolt
# server, whose Bolt port listens on every interface (there, only on this loopback).
UNSHARE := $(shell if [ "$$(id -u)" = 0 ]; then echo unshare --net; \
	else echo unshare --net --map-root-user; fi)

test: $(STAMP) $(CHROMIUM) $(NGINX)
	$(BIN)/ruff check .
	$(UNSHARE) sh -c 'ip link set lo up && exec $(BIN)/python -m pytest'

bench: $(STAMP)
	$(BIN)/python benchmarks/measures.py

clean:
	rm -rf $(VENV) build *.egg-info lacgraph-report
