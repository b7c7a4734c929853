# Manual table assignment. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help install run test migrate psql bench lint format clean screenshot

LINTED := app bench tests

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(VENV)/.installed ## Create .venv with everything the project needs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev,bench]'
	touch $@

run: install ## Start PostgreSQL (embedded unless DATABASE_URL is set), migrate, load the demo, serve on :8000
	$(PY) -m app dev

test: install ## Run the test suite, benchmarks' smoke runs aside (PYTEST_ARGS='-m bench' runs those)
	$(PY) -m pytest $(PYTEST_ARGS)

migrate: install ## Apply migrations and functions to DATABASE_URL
	$(PY) -m app migrate

psql: install ## psql on DATABASE_URL, or on the embedded database of a running `make run`
	$(PY) -m app psql

schema: install ## Regenerate sql/schema.sql from a freshly migrated scratch database (DATABASE_URL's server, else embedded)
	$(PY) -m app schema

screenshot: install ## Retake the README's screenshot of the staff page (docs/floor-plan.png; needs Chromium)
	$(PY) -m tests.browser.screenshot

bench: install ## Run the benchmarks and write BENCHMARKS.md
	$(PY) -m bench

lint: install ## Check style, lint and types (ruff, mypy) and the migrations (squawk); changes nothing
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/mypy
	$(VENV)/bin/squawk --no-error-on-unmatched-pattern 'sql/migrations/*.sql'

format: install ## Format and apply ruff's safe fixes, then show what is left for a person
	$(VENV)/bin/ruff format $(LINTED)
	-$(VENV)/bin/ruff check --fix $(LINTED)
	$(VENV)/bin/mypy

clean: ## Remove the virtualenv and the embedded database of `make run`
	rm -rf $(VENV) .pgdata
