# Two commands for a newcomer: `make start` (UI on the bundled corpus) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install start ingest test test-fast eval bench corpus screenshot

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

start: install
	$(VENV)/bin/cartable serve

ingest: install
	$(VENV)/bin/cartable ingest

test: install
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "not integration and not e2e and not evalgate"

eval: install
	$(VENV)/bin/cartable eval

bench: install
	$(PY) -m benchmarks

corpus: install
	$(PY) scripts/build_corpus_binaries.py

# The README's picture (docs/screenshot.png): never written by the tests, regenerated on request.
screenshot: install
	$(PY) scripts/screenshot.py
