# Two commands for a fresh machine: `make demo` and `make test`. Everything lands in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo tour test test-postgres lint i18n bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

tests/js-verifier/node_modules: tests/js-verifier/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/js-verifier && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the independent verifier tests will be skipped"; fi

demo: $(STAMP)
	$(BIN)/colbot demo

tour: $(STAMP)
	$(BIN)/colbot demo --tour --out demo-out

test: $(STAMP) tests/js-verifier/node_modules
	$(BIN)/python -m pytest -q

# The database tests again, on PostgreSQL (COLBOT_TEST_DATABASE_URL must name a scratch database).
test-postgres: $(STAMP)
	COLBOT_TEST_DATABASE_URL=$${COLBOT_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -q -m db

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

i18n: $(STAMP)
	$(BIN)/colbot i18n

bench: $(STAMP)
	$(BIN)/colbot bench chat

clean:
	rm -rf $(VENV) data demo-out tests/js-verifier/node_modules
