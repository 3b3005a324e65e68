# The two commands a newcomer needs: `make up` and `make test`.
# Only Python 3.11+ is required; everything else is installed into .venv (where the embedded
# PostgreSQL has no build, e.g. arm64 Linux, also the machine's postgresql package).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JS_DIR := tests/devnet/js

.PHONY: install database up test lint typecheck pytest js-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Without DATABASE_URL, stop at once (naming the command that fixes it) when there is no
# PostgreSQL to develop on: neither the embedded package nor the machine's initdb/pg_ctl.
database: install
	$(BIN)/python -m lucid_payments.localdb

up: install database
	$(BIN)/python manage.py up

# TronWeb conformance tests need Node.js; without it they skip and say why.
js-deps:
	@if [ -f $(JS_DIR)/package-lock.json ] && command -v npm >/dev/null 2>&1; then \
		[ -d $(JS_DIR)/node_modules ] || npm ci --prefix $(JS_DIR) --no-audit --no-fund --loglevel=error; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

# Several workers, each with its own test database: most tests wait on the devnet, a
# server or a browser rather than on a core, so three share two cores well. A worker takes
# a whole file (module fixtures are built once) and files come in collection order, the
# heavy ones first (tests/conftest.py).
TEST_WORKERS ?= 3

pytest: install js-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: database lint typecheck pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
