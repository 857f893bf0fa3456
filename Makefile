# Afterschool: two commands for a newcomer — `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# PostgreSQL + Redis used by `make test` (the CI machine and developers' machines run both locally).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-noto-cjk chromium

.PHONY: demo test test-sqlite test-postgres bench lint format lock system-deps venv migrate serve clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Exactly the versions the suite passed with (requirements.lock, with hashes); `make lock` refreshes it
# after pyproject.toml's dependencies change.
$(STAMP): $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

venv: $(STAMP)

# Pango (WeasyPrint), a CJK font (PDFs), Chromium (browser tests). Installs only what is missing;
# needs root or sudo, as on the CI machine.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: system-deps $(STAMP) migrate
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

serve: $(STAMP)
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on the SQLite default, then on PostgreSQL + Redis (skipped with a notice when they are
# not reachable on a developer's machine; required on CI).
test: system-deps $(STAMP) lint test-sqlite test-postgres

# ruff, the import layers (import-linter, contract in pyproject.toml), migrations in sync.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: $(STAMP)
	@echo "== the suite on SQLite, Celery eager"
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -q

test-postgres: $(STAMP)
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null \
	   && $(PY) -c "import redis; redis.Redis.from_url('$(REDIS_TEST_URL)', socket_connect_timeout=3).ping()" 2>/dev/null; then \
	  echo "== the suite on PostgreSQL ($(PG_TEST_URL)) + Redis ($(REDIS_TEST_URL))"; \
	  DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -q; \
	elif [ -n "$$CI" ]; then \
	  echo "CI: PostgreSQL ($(PG_TEST_URL)) or Redis ($(REDIS_TEST_URL)) is not reachable"; exit 1; \
	else \
	  echo "PostgreSQL or Redis not reachable: skipped the PostgreSQL + Redis run"; \
	fi

bench: $(STAMP)
	DATABASE_URL=$(PG_TEST_URL) $(PY) bench/run.py

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
