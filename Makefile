# stdgraph: the two quick-start commands are `make run` (main job) and `make test` (the test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install virtuoso jemalloc browser run serve build stats test lint format check bench clean
WEB_STAMP := web/node_modules/.package-lock.json

$(STAMP): pyproject.toml
	@command -v java >/dev/null 2>&1 || { echo "installing a headless Java runtime for HermiT (owlready2)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

## The YASGUI editor, served from the project's own files (no CDN).
$(WEB_STAMP): web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "installing Node.js and npm for the editor's front-end packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix web --no-audit --no-fund --loglevel=error

install: $(STAMP) $(WEB_STAMP) virtuoso jemalloc

## Debian's Virtuoso Open Source, a second remote triple store for the tests (started on 127.0.0.1 by them).
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { echo "installing Virtuoso Open Source for the remote-store tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; }

## Debian's jemalloc, which `stdgraph serve` preloads: Oxigraph's queries run faster on it than on glibc's
## malloc (stdgraph/allocator.py; STDGRAPH_ALLOCATOR=system turns it off).
jemalloc:
	@/sbin/ldconfig -p | grep -q 'libjemalloc\.so\.2 ' || { echo "installing jemalloc for the server"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2 >/dev/null; }

## Debian's Chromium for the browser tests (Playwright drives it; no browser download), and a CJK font
## so that Chinese titles show in the screenshots.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || { \
	  echo "installing Debian's chromium and a Chinese font for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

## The main job: build the default graph into ./var/store (fresh), then serve it on http://127.0.0.1:8000.
run: install
	$(BIN)/stdgraph build
	$(BIN)/stdgraph stats
	$(BIN)/stdgraph serve

## Serve the store (built first if empty): the SPARQL endpoint on http://127.0.0.1:8000/sparql
serve: install
	$(BIN)/stdgraph serve

build: install
	$(BIN)/stdgraph build

stats: install
	$(BIN)/stdgraph stats

## The test suite (what CI runs): lint, format check, ontology check, pytest.
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

check: install
	$(BIN)/stdgraph check

## Benchmarks: generated graphs at 100k and 1M triples, stdgraph against its peers (see bench/RESULTS.md).
bench: install
	$(BIN)/python -m bench.run --sizes 100k,1m --http

clean:
	rm -rf var .pytest_cache .ruff_cache
