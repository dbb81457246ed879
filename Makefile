# Two commands matter: `make run` (a working helpdesk on this machine) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
PYTEST_WORKERS ?= 2
# `make run` is for development: DEBUG on, SQLite and the filesystem broker unless set otherwise.
RUN_ENV := DJANGO_DEBUG=1 PATH="$(CURDIR)/$(VENV)/bin:$$PATH"

.PHONY: install run test lint format migrations migrations-check messages bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "  Helpdesk is starting at http://127.0.0.1:$(PORT)/  (Ctrl+C stops web, worker, beat and relay)"
	@echo ""
	$(RUN_ENV) $(VENV)/bin/honcho start --port $(PORT)

# Uses PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set or answer on localhost (see
# tests/probe_services.py), else SQLite and the filesystem broker, and says which.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	set -a; eval "$$($(PY) tests/probe_services.py)"; \
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --durations=10

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations: install
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations

migrations-check: install
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Extract translatable strings into locale/*/LC_MESSAGES/django.po, then compile the .mo files
# (both are committed, so running the app needs no gettext).
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --all --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*'

bench: install
	set -a; eval "$$($(PY) tests/probe_services.py)"; \
	$(PY) -m tests.bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
