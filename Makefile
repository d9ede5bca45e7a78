# Everyday commands. `make help` lists them; the README uses `make run` and `make test`.

PYTHON ?= .venv/bin/python
RUFF ?= .venv/bin/ruff
MANAGE = $(PYTHON) manage.py
ADDRESS ?= 127.0.0.1:8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k ranking -x"`. pytest-xdist is installed
# (`PYTEST_ARGS="-n auto"` gives each worker its own test database), but on the 2-core machines one
# process was faster (330 tests incl. 30 browser tests: 12 s vs 16 s on SQLite, 15 s vs 20 s on PostgreSQL).
PYTEST_ARGS ?=

# compilemessages only when the project has a locale/ directory (outside .venv).
HAS_LOCALE = $(shell find . -path ./.venv -prune -o -type d -name locale -print -quit)

.DEFAULT_GOAL := help
.PHONY: help bootstrap bootstrap-dev run test lint fmt migrate demo messages clean worker

help: ## Show this list
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

bootstrap: ## Install system packages (if root), create .venv, install requirements
	@scripts/bootstrap.sh

bootstrap-dev: ## Same as bootstrap, plus test/lint tools and Chromium
	@scripts/bootstrap.sh --dev

run: bootstrap ## Set up, migrate, load demo data and serve on http://127.0.0.1:8000
	@$(MAKE) --no-print-directory messages
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(ADDRESS)

worker: bootstrap ## Try the production queue: run this, and `make run` with TASKS_BACKEND=db in another shell
	TASKS_BACKEND=db $(MANAGE) db_worker

test: bootstrap-dev ## Lint, check migrations and messages, run every test (browser tests included)
	$(RUFF) check .
	$(RUFF) format --check .
	$(MANAGE) makemigrations --check --dry-run
	@$(MAKE) --no-print-directory messages
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: bootstrap-dev ## ruff check and ruff format --check
	$(RUFF) check .
	$(RUFF) format --check .

fmt: bootstrap-dev ## Apply ruff's safe fixes, then format the code
	$(RUFF) check --fix --exit-zero .
	$(RUFF) format .

migrate: bootstrap ## Apply database migrations
	$(MANAGE) migrate --no-input

demo: bootstrap ## Load demo data (seed_demo)
	$(MANAGE) seed_demo

messages: ## Compile translation catalogues (.po -> .mo) when a locale/ directory exists
ifneq ($(HAS_LOCALE),)
	$(MANAGE) compilemessages --ignore=.venv
else
	@echo "no locale/ directory: skipping compilemessages"
endif

clean: ## Remove caches, test output and collected static files (keeps .venv and db.sqlite3)
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache test-results var/staticfiles

.PHONY: load
# Extra arguments for scripts/load.py, e.g. `make load LOAD_ARGS="--users 20 --run-time 30 --keep"`;
# `LOAD_ARGS="--deadline"` runs deadline day (200 users and up, the capacity curve), `LOAD_ARGS="--scale-out"` the
# scale-out proof (two app servers behind nginx, S3 via moto, the task worker, one server killed mid-run).
LOAD_ARGS ?=

load: bootstrap-dev ## Load test: gunicorn + PostgreSQL on loopback, 50 locust users for 60 s; writes docs/load.md
	$(PYTHON) scripts/load.py $(LOAD_ARGS)

.PHONY: bench
# Extra arguments for scripts/bench.py, e.g. `make bench BENCH_ARGS="--units 20 --runs 3 --no-write"`.
# BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432, a role with CREATEDB).
BENCH_ARGS ?=

bench: bootstrap-dev ## Benchmark at 20, 200 and 1,000 units (the last: results only) on throwaway PostgreSQL databases; writes docs/benchmarks.md
	DJANGO_SETTINGS_MODULE=cchc_portal.settings.bench $(PYTHON) scripts/bench.py $(BENCH_ARGS)
