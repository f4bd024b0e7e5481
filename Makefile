# Teilhabe: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format messages worker clean lock audit smoke

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Every version, transitive ones included, comes from the lock file (with hashes).
$(VENV)/.installed: pyproject.toml requirements-dev.lock | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	$(PIP) install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_territories

run: install
	$(PY) manage.py seed_demo
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,$(HOST)} \
		$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The wall time of the whole target (install and lint included) and of the tests alone, printed
# last also when a test fails, so that a slower suite shows up in every run.
STARTED := $(shell date +%s)
test: install lint
	@tests_started=$$(date +%s); $(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	now=$$(date +%s); \
	echo "make test: wall time $$((now - $(STARTED))) s (pytest $$((now - tests_started)) s)"; \
	exit $$status

# Refresh the message catalogues after changing user-facing strings (needs GNU gettext).
# Each app keeps its own catalogue in <app>/locale; templates/ and config/ use locale/.
APPS := participation surveys workshops measures monitoring
messages: $(VENV)/.installed
	for app in $(APPS); do mkdir -p $$app/locale; (cd $$app && ../$(PY) ../manage.py makemessages -l de -l en --no-obsolete); done
	$(PY) manage.py makemessages -l de -l en --no-obsolete --ignore=.venv --ignore=staticfiles \
		--ignore=tests $(foreach app,$(APPS),--ignore=$(app))
	$(PY) manage.py compile_catalogues

# One worker for every queue (development; production runs one per queue, see README).
worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
		$(VENV)/bin/celery -A config worker -l info -Q email,results,heavy,default

# Re-pin every dependency after a change in pyproject.toml (needs PyPI).
LOCK_ARGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--custom-compile-command "make lock" -q
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_ARGS) -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev $(LOCK_ARGS) -o requirements-dev.lock

# Known vulnerabilities in the pinned dependencies (pip-audit).
audit: $(VENV)/.installed
	$(PY) scripts/audit_dependencies.py

# The production configuration started by hand and walked as a user would (see README).
smoke: install
	$(PY) scripts/smoke_production.py

clean:
	rm -rf $(VENV) staticfiles
