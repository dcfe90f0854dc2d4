# The two commands of the quick start are `make run` and `make test`; each installs what it
# needs into .venv first. `make bench` runs the benchmarks, `make lint` the linters.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
DEV := DJANGO_SETTINGS_MODULE=portal.settings.dev

.PHONY: install run test bench lint format messages browser clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@# Quiet and clear: the migrations in one line, the demo in a few labelled lines, then
	@# the address and the demo logins once the server really answers (portal_ready).
	@echo "Preparing the database..."
	@$(DEV) $(PY) manage.py migrate --noinput -v0
	@$(DEV) $(PY) manage.py load_demo --no-logins
	@# Served without DEBUG, as in production; PORTAL_DEBUG=1 make run shows Django's debug pages.
	@if [ "$${PORTAL_DEBUG:-}" = 1 ]; then echo "DEBUG is on (PORTAL_DEBUG=1): never expose this server."; fi
	@echo "Starting the server (stop it with Ctrl+C)..."
	@# Scheduled publishing: publish and unpublish pages whose time has come, every minute.
	@# Both background loops stop by themselves once the server (which takes over the
	@# shell's PID) is gone.
	@$(DEV) sh -c 'server=$$$$; \
	  (while sleep 60 && kill -0 $$server 2>/dev/null; do \
	    $(PY) manage.py publish_scheduled >/dev/null 2>&1; \
	    $(PY) manage.py send_scheduled_messages >/dev/null 2>&1; done) & \
	  $(PY) manage.py portal_ready --host $(HOST) --port $(PORT) --pid $$server & \
	  exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) portal.asgi:application'


# Browser tests need Debian's Chromium; install it when we can (root with apt-get),
# otherwise they are skipped with a message (CI makes that skip an error).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	      echo "Could not install chromium: browser tests will be skipped."; \
	  else \
	    echo "No /usr/bin/chromium: browser tests will be skipped (apt-get install chromium)."; \
	  fi; \
	fi

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark on the default database (SQLite unless DATABASE_URL is set), then search
# again on PostgreSQL (the issue's targets are PostgreSQL's; skipped when none answers).
bench: install
	$(PY) -m tests.benchmarks
	@if $(PY) -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  $(PY) -m tests.benchmarks --database postgres --only search; \
	else echo "PostgreSQL is not answering on 127.0.0.1:5432: the search benchmark on PostgreSQL was skipped"; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the French catalogue after changing interface strings (needs GNU gettext),
# then translate the new entries in portal/locale/fr/LC_MESSAGES/django.po.
messages: install
	$(DEV) $(PY) manage.py makemessages --locale fr --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	$(DEV) $(PY) manage.py makemessages --locale fr --domain djangojs --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(DEV) $(PY) manage.py compilemessages --locale fr --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-results
