# CMO Portal — see README.md. `make run` for the app, `make test` for the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# make test: the real services (override by environment).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cmo_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_QUEUE ?= cmo_portal_test
export TEST_DATABASE_URL TEST_REDIS_URL

.PHONY: run test bench lint format venv chromium clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## run: install, migrate, load demo data and logins, then serve the app with a Celery worker and beat.
run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py create_demo_users
	DEBUG=$${DEBUG:-true} bin/run-all

## test: install, check PostgreSQL and Redis, and run the whole suite against them.
test: $(STAMP) chromium
	$(BIN)/python bin/check-services "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DEBUG=false SECRET_KEY=test-secret-key-not-for-production SECURE_SSL_REDIRECT=false STATIC_MANIFEST=false \
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" \
	CELERY_TASK_DEFAULT_QUEUE="$(TEST_QUEUE)" EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
	API_THROTTLE_RATE=100000/minute API_ANON_THROTTLE_RATE=100000/minute \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## chromium: Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		{ echo "chromium is missing and could not be installed: apt-get install chromium"; exit 1; }; }

## bench: the figures the issues ask for, on PostgreSQL (see docs/benchmarks.md).
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the load test"; \
		(apt-get update -qq && apt-get install -y -qq wrk >/dev/null) || \
		{ echo "wrk is missing and could not be installed: apt-get install wrk"; exit 1; }; }
	$(BIN)/python bin/check-services "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DEBUG=false SECRET_KEY=bench-secret-key SECURE_SSL_REDIRECT=false \
	DATABASE_URL="$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cmo_portal_bench}" \
	REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
