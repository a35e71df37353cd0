# Mental Health Voices: the two set-up commands are `make run` and `make test`.
# Both create .venv with a Python >= 3.12 and install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
# Tests run on every core (pytest-xdist); override, e.g. make test PYTEST_ARGS='-x tests/directory'.
PYTEST_ARGS ?= -n auto
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# Find an interpreter new enough for Django 6.1: PYTHON if given, then the usual names, then pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12 python3.14 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$c; break; fi; done)

.PHONY: help venv deps dev-deps run test lint format migrations check worker beat clean bench

help:
	@echo "make run    - the site with demo data on SQLite at http://127.0.0.1:$(PORT)/"
	@echo "make test   - the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint   - ruff and the migrations check"
	@echo "make bench  - the performance benchmark at BENCH_SIZES creators (PostgreSQL, Redis; long)"

$(VENV)/.created:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is needed (Django 6.1). Install python3.13 (or 3.12) and retry," >&2; \
	  echo "       or name one: make run PYTHON=/path/to/python3.13" >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.deps: requirements.txt $(VENV)/.created
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(VENV)/.created
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.deps

venv: $(VENV)/.created
deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

.env:
	cp .env.example .env

run: deps .env
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@# SITE_URL follows PORT unless it is set (in the environment or .env): canonical links,
	@# feeds and the sitemap then point at the server actually running.
	site="$${SITE_URL:-$$(sed -n 's/^SITE_URL=//p' .env | tail -1)}"; \
	SITE_URL="$${site:-http://127.0.0.1:$(PORT)}" $(PY) manage.py runstack --port $(PORT)

test: dev-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: dev-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint test

# The benchmark (docs/performance.md): not part of `make test`. Seeds a bench database next to
# DATABASE_URL's (default: local PostgreSQL and Redis, started if they are not running) at each size.
BENCH_SIZES ?= 20000,100000
bench: dev-deps
	.ci/services
	BENCH_SIZES=$(BENCH_SIZES) $(PY) -m bench.run

# Celery never reads .env itself (only manage.py does): these development targets export it.
worker: deps
	set -a; [ ! -f .env ] || . ./.env; set +a; $(VENV)/bin/celery -A config worker --loglevel=info

beat: deps
	set -a; [ ! -f .env ] || . ./.env; set +a; $(VENV)/bin/celery -A config beat --loglevel=info

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
