# Two commands do everything (see README.md):
#   make run    set up, migrate, load the demo data and serve on http://127.0.0.1:8000/
#   make test   set up (browser included) and run the whole test suite
# Both may be run again on a machine where they already ran.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite runs on two processes (pytest-xdist): the machine's two cores. TEST_WORKERS=0 runs
# it in one process (easier to read a failure).
TEST_WORKERS ?= 2

# Debian packages: Korean fonts and Pango for WeasyPrint, poppler for PDF checks, Chromium for
# the browser tests, gettext for translations.
DEBS_RUN  := fonts-nanum libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext
DEBS_TEST := $(DEBS_RUN) chromium poppler-utils

.PHONY: run test setup setup-test debs-run debs-test migrate seed messages lint check-deploy clean

run: setup migrate seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=casemgmt.settings.test
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

setup: debs-run $(VENV)/.installed node_modules/.installed
setup-test: debs-test $(VENV)/.installed node_modules/.installed

debs-run:
	@missing=""; for p in $(DEBS_RUN); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi

debs-test:
	@missing=""; for p in $(DEBS_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

migrate:
	$(BIN)/python manage.py migrate --noinput

seed:
	$(BIN)/python manage.py seed_demo

messages:
	$(BIN)/python manage.py makemessages -l ko --ignore=.venv --ignore=node_modules --no-obsolete
	$(BIN)/python manage.py compilemessages -l ko --ignore=.venv --ignore=node_modules

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# `check --deploy` with production settings and throw-away values for the required variables.
check-deploy: setup
	DJANGO_SETTINGS_MODULE=casemgmt.settings.prod SECRET_KEY="$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))")" \
	  FIELD_ENCRYPTION_SALT="$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(32))")" \
	  ALLOWED_HOSTS=casemgmt.example.kr DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles
