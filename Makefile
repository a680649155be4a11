# tracker: two commands for a fresh machine (see README):
#   make demo   install into .venv, create db/demo.db (kept if it exists; FRESH=1 makes it anew),
#               import the bundled example, show the board
#   make test   install with test extras and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB := db/demo.db
DEMO_TODAY ?= 2024-10-15
FRESH ?= 0

.PHONY: install demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q tracker >/dev/null
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	TRACKER_DB=sqlite:///$(CURDIR)/$(DEMO_DB) TRACKER_TODAY=$(DEMO_TODAY) FRESH=$(FRESH) bash examples/demo.sh

test: $(STAMP)
	bash scripts/test-services.sh $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check tracker tests bench
	$(BIN)/mypy tracker

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
