# Quick start: `make run` opens the app, `make test` runs the whole suite.
# Every Python package comes from requirements/lock.txt (exact versions and
# hashes); `make lock` refreshes it on purpose after pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: bytecode run test test-faults system-packages lint format lock bench bench-quick snapshot-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One locked environment for running, testing and benchmarking: the lock is
# installed with hashes required, then leerpad itself without resolving anything.
$(STAMP): $(BIN)/python pyproject.toml $(LOCK)
	$(PIP) install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

# A regular install byte-compiles what it installs; an editable one does not, and where
# PYTHONDONTWRITEBYTECODE is set every start would compile leerpad's modules again.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q core cli tui catalog

run: bytecode
	$(BIN)/leerpad

test: $(STAMP) system-packages
	$(BIN)/python -m pytest -q -n 3

# The long fault-injection loops, bounded so they run in CI too.
test-faults: $(STAMP) system-packages
	LEERPAD_FAULTS=1 timeout 600 $(BIN)/python -m pytest -q -m faults

system-packages:
	@sh scripts/system-packages

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Resolves every direct and transitive dependency (run, test, bench, postgres)
# to exact versions with hashes.
lock:
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet pip-tools
	build/lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --all-build-deps \
		--extra test --extra bench --extra postgres -o $(LOCK) pyproject.toml

# 10k, 100k and 1M events against their limits and the peers; rewrites docs/PERFORMANCE.md.
bench: bytecode
	$(BIN)/python -m benchmarks.run

# 10k and 100k only, in under two minutes; the report goes to build/bench/PERFORMANCE-quick.md.
bench-quick: bytecode
	$(BIN)/python -m benchmarks.run --quick

snapshot-update: $(STAMP)
	$(BIN)/python -m pytest -q tests/tui --snapshot-update

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
