# Teilhabe: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format messages worker clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_territories

run: install
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Refresh the message catalogues after changing user-facing strings (needs GNU gettext).
# Each app keeps its own catalogue in <app>/locale; templates/ and config/ use locale/.
APPS := participation surveys workshops measures monitoring
messages: $(VENV)/.installed
	for app in $(APPS); do mkdir -p $$app/locale; (cd $$app && ../$(PY) ../manage.py makemessages -l de -l en --no-obsolete); done
	$(PY) manage.py makemessages -l de -l en --no-obsolete --ignore=.venv --ignore=staticfiles \
		--ignore=tests $(foreach app,$(APPS),--ignore=$(app))
	$(PY) manage.py compile_catalogues

worker: install
	$(VENV)/bin/celery -A config worker -l info

clean:
	rm -rf $(VENV) staticfiles
