# Qinglian: `make run` and `make test` are the whole set-up (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: install run test lint messages check-messages migrate seed bench load clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) messages

# Translations are compiled from locale/*.po with Babel (pure Python: no gettext needed).
messages: $(STAMP)
	@$(BIN)/pybabel compile --domain django --directory locale >/dev/null

# Every msgid in the code is translated into Chinese (needs GNU gettext, as makemessages does).
check-messages: $(STAMP)
	$(MANAGE) makemessages --locale zh_Hans --locale en --no-location --no-obsolete --ignore '.venv/*' --ignore 'var/*' >/dev/null
	@untranslated=$$(msgattrib --untranslated --no-obsolete locale/zh_Hans/LC_MESSAGES/django.po | grep -c '^msgid ' || true); \
	fuzzy=$$(msgattrib --only-fuzzy --no-obsolete locale/zh_Hans/LC_MESSAGES/django.po | grep -c '^msgid ' || true); \
	if [ "$$untranslated$$fuzzy" != "00" ]; then \
	  echo "locale/zh_Hans: $$untranslated untranslated and $$fuzzy fuzzy messages"; \
	  msgattrib --untranslated locale/zh_Hans/LC_MESSAGES/django.po | head -40; exit 1; fi
	@echo "translations complete"

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

# Ledger pages and API timed against DATABASE_URL at BENCH_RECORDS records (seeded with
# seed_scale when fewer); BENCH_ARGS adds options, e.g. BENCH_ARGS="--ledger all --explain".
# Then the reminder sweep on the same data: a declaration campaign over every province, the
# sweep run twice (SWEEP_ARGS adds options, e.g. SWEEP_ARGS="--today 2026-10-08 -v2").
# Then the reports: exports to CSV and .xlsx (time, rows/s, peak memory) and the dashboard
# (REPORTS_ARGS adds options, e.g. REPORTS_ARGS="--csv-rows 100000 --skip-dashboard").
# Then the early warning: 10,000 new cases with panels and agents, 1% of them planted conflicts,
# checked against the same data, verified and rolled back (ALERTS_ARGS adds options, e.g.
# ALERTS_ARGS="--cases 50000 --conflicts 0.02 -v2").
BENCH_RECORDS ?= 1000000
bench: install
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_ledgers --records $(BENCH_RECORDS) $(BENCH_ARGS)
	$(MANAGE) bench_sweep $(SWEEP_ARGS)
	$(MANAGE) bench_reports $(REPORTS_ARGS)
	$(MANAGE) bench_alerts --records $(BENCH_RECORDS) $(ALERTS_ARGS)

# Load and concurrency: gunicorn (production settings behind a TLS proxy) on the PostgreSQL
# database LOAD_DATABASE_URL names (created, migrated and loaded with the demo when needed;
# DATABASE_URL overrides it) under LOAD_CLIENTS concurrent logged-in clients of the demo roles
# for LOAD_SECONDS: requests, throughput, median and p99 latency and errors per endpoint group,
# then verify_audit. Fails on any error or a broken chain. LOAD_ARGS adds options, e.g.
# LOAD_ARGS="--workers 3 --write-share 0.2".
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qinglian_load
LOAD_SECONDS ?= 60
LOAD_CLIENTS ?= 50
load: install
	DATABASE_URL="$${DATABASE_URL:-$(LOAD_DATABASE_URL)}" $(MANAGE) load_test \
	  --seconds $(LOAD_SECONDS) --clients $(LOAD_CLIENTS) $(LOAD_ARGS)

# Web server, Celery worker and beat together (Procfile.dev); Ctrl-C stops all three.
run: seed
	$(MANAGE) collectstatic --noinput --verbosity 0
	@$(MANAGE) seed_demo --print-logins
	@echo "Qinglian is at http://127.0.0.1:8000  (Ctrl-C stops web, worker and beat)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --no-prefix -f Procfile.dev

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var .pytest_cache
