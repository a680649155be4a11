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

.PHONY: install demo test lint bench help clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# editable_mode=compat: a plain path entry instead of setuptools' import-hook finder, which
# costs every command 12-20 ms at start-up (bench/PROFILE.md); setuptools warns that it is old.
$(STAMP): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=compat
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

# Fresh bytecode first: with PYTHONDONTWRITEBYTECODE set, edited modules would compile on each run.
bench: $(STAMP)
	$(BIN)/python -m compileall -q tracker >/dev/null
	$(BIN)/python bench/run.py

# tracker/cli/root_help-typer-<version>.txt: `tracker --help` as the installed typer renders it
# (printed from the copy by tracker.entry; tests/test_entrypoint.py fails when the two differ).
help: $(STAMP)
	rm -f tracker/cli/root_help-typer-*.txt
	COLUMNS=100 $(BIN)/python -c "import sys; sys.argv = ['tracker', '--help']; from tracker.cli import main; main()" \
		> tracker/cli/root_help-typer-$$($(BIN)/python -c "from tracker.entry import typer_version; print(typer_version())").txt

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
