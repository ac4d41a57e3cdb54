# Every target sets up the virtualenv itself, so a fresh clone needs nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test check bench fmt clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== doiac validate: the example DOI repository (doiac.yaml, dois/), offline"
	$(BIN)/python -m reconciler validate
	@echo "== a fresh embedded sandbox (state in .doiac/sandbox.sqlite): nothing is live yet"
	rm -f .doiac/sandbox.sqlite .doiac/sandbox.sqlite-wal .doiac/sandbox.sqlite-shm .doiac/demo-apply.jsonl
	@echo "== doiac plan: what apply would change"
	$(BIN)/python -m reconciler plan
	@echo "== doiac apply --auto-approve: create the DOIs, read each one back"
	$(BIN)/python -m reconciler apply --auto-approve --report .doiac/demo-apply.jsonl
	@echo "== doiac plan --detailed-exitcode: DataCite now matches git, so nothing to do (exit 0)"
	$(BIN)/python -m reconciler plan --detailed-exitcode
	@echo "== demo done: 9 DOIs planned, applied and re-planned empty; the apply report is .doiac/demo-apply.jsonl"

test: $(STAMP)
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q --cov --cov-report=term

bench: $(STAMP)
	$(BIN)/python bench/run.py

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .doiac
