# Crosscase: `make demo` and `make test` do all set-up on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test syslibs bench screenshots lint clean

syslibs:
	@GOALS="$(MAKECMDGOALS)" sh tools/syslibs.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment: install python3-venv (sudo apt-get install -y python3-venv)"; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	@touch $(STAMP)

demo: syslibs $(STAMP)
	$(BIN)/crosscase demo --out demo

test: syslibs $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: syslibs $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

screenshots: $(STAMP)
	@EXTRA_PKGS=fonts-noto-color-emoji sh tools/syslibs.sh
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist demo src/*.egg-info
