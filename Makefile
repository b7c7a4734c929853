# Manual table assignment. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help install run test migrate bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(VENV)/.installed ## Create .venv with everything the project needs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

run: install ## Start PostgreSQL (embedded unless DATABASE_URL is set), migrate, load the demo, serve on :8000
	$(PY) -m app dev

test: install ## Run the whole test suite (embedded PostgreSQL unless DATABASE_URL is set)
	$(PY) -m pytest $(PYTEST_ARGS)

migrate: install ## Apply migrations and functions to DATABASE_URL
	$(PY) -m app migrate

bench: install ## Run the benchmarks and write BENCHMARKS.md
	$(PY) -m bench

clean: ## Remove the virtualenv and the embedded database of `make run`
	rm -rf $(VENV) .pgdata
