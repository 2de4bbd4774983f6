# servicedesk: the two README commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# SERVICEDESK_PORT / INTAKE_SMTP_PORT: `make run` uses them as given; unset, it takes 8000 / 2525
# or the next free port, and prints the ports it really uses (servicedesk/run.py).

.PHONY: help run test check lint format typecheck imports bench bench-peer setup db demo clean \
	system-deps browser-deps drill drill-short drill-deps

help:
	@echo "make run    - install, migrate, load catalogue + demo data, start web/worker/beat"
	@echo "make test   - install and run the whole test suite"
	@echo "make check  - ruff, format check, mypy, import-linter, tests"
	@echo "make bench  - speed figures (clock, ticket creation, dashboard, HTTP under gunicorn, review packs)"
	@echo "make drill  - the production topology on loopback under load and faults (~10 min; drill-short ~3)"
	@echo "make bench-peer - django-helpdesk 2.6.1 in bench/peer/.venv, the peer make bench compares with"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The embedded defaults' folders, under SERVICEDESK_VAR_DIR when it is set (settings.VAR_DIR).
VAR := $(or $(SERVICEDESK_VAR_DIR),var)

setup: $(STAMP)
	@mkdir -p $(VAR)/celery/broker $(VAR)/celery/processed $(VAR)/celery/control $(VAR)/mail \
	  $(VAR)/media

db: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalog

demo: db
	$(BIN)/python manage.py seed_demo

run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo
	@$(BIN)/python manage.py seed_demo --logins
	@echo
	@$(BIN)/python -m servicedesk.run

# The IMAP intake tests run a real Dovecot on loopback (Debian's dovecot-imapd); the review
# packs' PDFs are drawn by WeasyPrint (Pango, DejaVu fonts) and read back with pdftotext; the
# database is also proven through PgBouncer in transaction pooling (tests/deploy).
SYSTEM_PACKAGES := dovecot-imapd libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils \
	pgbouncer
system-deps:
	@if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/bin/pdftotext ] || [ ! -x /usr/sbin/pgbouncer ] \
	  || ! ldconfig -p | grep -q libpangoft2; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -q $(SYSTEM_PACKAGES) || (apt-get update -q && apt-get install -y -q $(SYSTEM_PACKAGES))) >/dev/null; \
	  else echo "note: $(SYSTEM_PACKAGES) are not all installed; the IMAP, PDF and PgBouncer tests skip outside CI"; fi; \
	fi

# The portal's browser tests drive Debian's Chromium with Playwright (its own download is not
# used); without it they skip outside CI and fail in CI.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)) >/dev/null; \
	  else echo "note: chromium is not installed; the browser tests skip outside CI"; fi; \
	fi

# The drill (issue 17 §2, ops/drill): nginx, PgBouncer and Redis from Debian in front of and
# beside the desk's processes, all on loopback, against PostgreSQL on 127.0.0.1:5432 (a database
# servicedesk_drill made afresh). Reports under var/drill/<time>/; exit 1 if anything was lost
# or doubled. CI runs the short version after the tests.
DRILL_PACKAGES := nginx-light pgbouncer redis-server
drill-deps:
	@if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/sbin/pgbouncer ] || ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -q $(DRILL_PACKAGES) || (apt-get update -q && apt-get install -y -q $(DRILL_PACKAGES))) >/dev/null; \
	  else echo "note: $(DRILL_PACKAGES) are needed by the drill"; fi; \
	fi

drill: setup drill-deps
	$(BIN)/python -m ops.drill

drill-short: setup drill-deps
	$(BIN)/python -m ops.drill --short

test: setup system-deps browser-deps drill-deps
	$(BIN)/pytest -n 2 --dist loadgroup
	$(BIN)/python -m ops.drill --short

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: setup
	$(BIN)/mypy .

imports: setup
	$(BIN)/lint-imports

check: lint typecheck imports test

# The peer of the speed figures (issue #16): django-helpdesk 2.6.1 in its own venv, made with our
# venv's Python from the pins in bench/peer/requirements.txt, again only when they change.
PEER_VENV := bench/peer/.venv
PEER_STAMP := $(PEER_VENV)/.installed
$(PEER_STAMP): bench/peer/requirements.txt | $(STAMP)
	test -x $(PEER_VENV)/bin/python || $(BIN)/python -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet -r bench/peer/requirements.txt
	touch $(PEER_STAMP)

bench-peer: $(PEER_STAMP)

bench: setup bench-peer
	$(BIN)/python bench/bench_deadline.py
	$(BIN)/python bench/bench_ticket_create.py
	$(BIN)/python bench/bench_api_create.py
	$(BIN)/python bench/bench_sweep.py
	$(BIN)/python bench/bench_outbox.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_mail_corpus.py
	$(BIN)/python bench/bench_portal.py
	$(BIN)/python bench/bench_dashboard.py
	$(BIN)/python bench/bench_http.py
	$(BIN)/python bench/bench_review_pack.py

clean:
	rm -rf var/servicedesk.sqlite3* var/celery var/mail var/staticfiles control bench/control
