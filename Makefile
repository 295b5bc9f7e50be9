# Two commands: `make run` sets up and runs everything on SQLite with the 瓜沥镇 demo; `make test` runs all tests.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint format messages lock clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_logins --host $(HOST) --port $(PORT)
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) bin/run

setup: $(VENV)/.installed node_modules/.installed
	@bin/system-packages fonts

# Python packages come only from the locks, every file checked against its hash; the project itself is installed
# editable without its dependencies and without build isolation (setuptools, its build backend, is in the dev lock).
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# What mypy checks (its settings are in pyproject.toml): core and audit whole, with the strict flags, and the
# services and selectors of every other app (a new app adds its own here).
MYPY_TARGETS := yizhan/core yizhan/audit \
	yizhan/accounts/services.py yizhan/accounts/selectors.py \
	yizhan/regions/services.py yizhan/regions/selectors.py \
	yizhan/notifications/services.py yizhan/notifications/selectors.py \
	yizhan/people/services yizhan/people/selectors.py \
	yizhan/stations/services yizhan/stations/selectors.py \
	yizhan/mediation/services yizhan/mediation/selectors.py yizhan/mediation/selectors_insight.py yizhan/mediation/selectors_safety.py \
	yizhan/activities/services yizhan/activities/selectors.py yizhan/activities/selectors_public.py \
	yizhan/activities/messaging.py yizhan/activities/private_links.py yizhan/notifications/channels.py \
	yizhan/activities/figures.py yizhan/activities/tokens.py \
	yizhan/activities/selectors_volunteers.py yizhan/activities/selectors_calendar.py \
	yizhan/insights/services.py yizhan/insights/selectors.py yizhan/insights/rollups.py \
	yizhan/portal/selectors.py

# On PostgreSQL the backup tests need pg_dump and pg_restore.
test: setup
	@bin/system-packages chromium $(if $(findstring postgres,$(DATABASE_URL)),pgclient)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy $(MYPY_TARGETS)
	$(PY) manage.py makemigrations --check --dry-run --settings=yizhan.settings.test
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages:
	cd yizhan && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages -l zh_Hans

# Rewrites both locks from pyproject.toml with uv, keeping the pinned versions that still fit. The dev lock (production
# + dev extra) is constrained to the production lock, so both pin the same versions.
# Upgrade with e.g. `make lock LOCK_ARGS="--upgrade-package django"` or `make lock LOCK_ARGS=--upgrade`.
UV_COMPILE := UV_CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal \
	--python-version 3.11 --generate-hashes
lock: $(VENV)/.installed
	$(UV_COMPILE) $(LOCK_ARGS) -o requirements.lock
	$(UV_COMPILE) $(LOCK_ARGS) --extra dev -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules var
