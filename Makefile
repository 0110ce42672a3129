# The README's two commands: `make lab` (set up, then open the course in JupyterLab) and
# `make test` (set up, then run every test). Both build .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
PYTEST_ARGS ?=
# JupyterLab refuses to run as root (a container, CI) unless told so; a normal user never needs it.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test quick bench build freeze clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

lab: $(STAMP)
	@echo "Starting JupyterLab on the course; open the URL printed below (Ctrl-C stops it)."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) \
	    --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/release $(ALLOW_ROOT)

test: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

quick: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course bench --write-readme

build: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course build

freeze: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable

clean:
	rm -rf $(VENV) .pytest_cache
