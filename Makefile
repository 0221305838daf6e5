# Quick start: `make demo` (set up, clean the bundled example pages) and
# `make test` (set up, lint, type-check, run the tests). Only python3.11 and make needed.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup core demo test lint typecheck bench fuzz clean

$(STAMP): pyproject.toml setup.py
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# -qq: setuptools prints a notice on every editable install (any mode); errors still show.
	@# The wheel users install builds with no warnings at all (tests/test_install.py).
	$(BIN)/python -m pip install -qq -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# Rebuild the compiled core in place after editing one of its modules (setup.py; about a
# minute); until then the editable install runs the edited sources as pure Python.
core: $(STAMP)
	$(BIN)/python -m pip install -qq --no-deps -e .

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/cleaner clean fixtures/seeds/pages --format jsonl > out/seeds.jsonl
	$(BIN)/cleaner clean fixtures/seeds/pages/000_cc0ab38538eaacaa.txt --format txt
	@echo "cleaned the bundled example pages: one JSON line per page in out/seeds.jsonl"

lint: $(STAMP)
	$(BIN)/ruff check cleaner tests bench
	$(BIN)/ruff format --check cleaner tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install -qq -e '.[dev,bench]'
	$(BIN)/python -m bench run

# The long fuzz target (docs/reliability.md): 10,000 generated and mutated pages, records
# and rule files, each in a child process under a timeout; findings go to out/fuzz.
fuzz: $(STAMP)
	$(BIN)/python -m bench.fuzz --examples 10000 --seed 0 --timeout 20 --out out/fuzz

clean:
	rm -rf $(VENV) out build dist *.egg-info cleaner/*.so cleaner/_core_sources.txt
