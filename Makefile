# Quick start: `make run` opens the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test test-faults lint format bench bench-quick snapshot-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(STAMP)
	$(BIN)/leerpad

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

test-faults: $(TEST_STAMP)
	LEERPAD_FAULTS=1 $(BIN)/python -m pytest -q -m faults

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(BENCH_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

# 10k, 100k and 1M events against their limits and the peers; rewrites docs/PERFORMANCE.md.
bench: $(TEST_STAMP) $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run

# 10k and 100k only, in under two minutes; the report goes to build/bench/PERFORMANCE-quick.md.
bench-quick: $(TEST_STAMP) $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run --quick

snapshot-update: $(TEST_STAMP)
	$(BIN)/python -m pytest -q tests/tui --snapshot-update

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
