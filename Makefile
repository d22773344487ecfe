# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_PRACTITIONERS ?= 10000
DEMO_PASSWORD := calm-needles-2026

.PHONY: translations translations-update run test test-sqlite test-postgres test-browser install system-deps vendor bench bench-fhir bench-outcomes bench-pages bench-large-postgres bench-load mutation lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages come from npm and are served from static/vendor (no CDN).
directory/static/vendor/.built: node_modules/.installed
	rm -rf directory/static/vendor
	mkdir -p directory/static/vendor/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images directory/static/vendor/leaflet/
	touch $@

install: $(VENV)/.installed directory/static/vendor/.built translations

# Translations (docs/i18n.md): `make translations-update` extracts every marked string into the template
# (messages.pot) and merges it into each language's messages.po; translate there, then `make translations`
# compiles the .mo files Flask-Babel reads. Both the .po and the .mo are committed; a test fails when a .mo
# is older than its .po or a message is left untranslated.
TRANSLATIONS := directory/translations
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d $(TRANSLATIONS)

translations-update: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k _lt -k _t -k N_ -k lazy_gettext --ignore-dirs=".* __pycache__ node_modules" \
		--no-location --sort-output --project="Needle & Nerve" \
		-o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

vendor: directory/static/vendor/.built

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) places load --if-empty
	$(FLASK) seed-demo --if-empty --practitioners $(DEMO_PRACTITIONERS) --seed 1
	$(FLASK) create-admin --if-missing --email admin@demo.example --password $(DEMO_PASSWORD)
	@echo
	@echo "Demo logins (password for all three: $(DEMO_PASSWORD)):"
	@echo "  admin      admin@demo.example"
	@echo "  therapist  therapist@demo.example"
	@echo "  patient    patient@demo.example"
	@echo "Serving at http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

system-deps:
	bin/system-deps

# The whole suite on SQLite, then on a throw-away PostgreSQL, then in the browser.
test: install system-deps
	$(MAKE) --no-print-directory lint test-sqlite test-postgres test-browser

test-sqlite:
	@echo "== Suite on SQLite"
	$(PY) -m pytest -m "not e2e"

test-postgres:
	@echo "== Suite on PostgreSQL"
	bin/with-postgres $(PY) -m pytest -m "not e2e"

test-browser:
	@echo "== Browser tests (Chromium)"
	$(PY) -m pytest -m e2e

# Benchmarks print their figures and write them as JSON under bench/results/.
bench: install system-deps
	@echo "== Search and matches, 100,000 practitioners, SQLite"
	$(PY) -m bench --practitioners 100000
	@echo "== Search and matches, 100,000 practitioners, PostgreSQL"
	bin/with-postgres $(PY) -m bench --practitioners 100000
	@echo "== Roster preview, 10,000 rows"
	$(PY) -m bench.roster_preview
	@echo "== Headache diary, two years of daily entries, SQLite then PostgreSQL"
	$(PY) -m bench.diary
	bin/with-postgres $(PY) -m bench.diary
	$(MAKE) --no-print-directory bench-outcomes
	@echo "== Search, 1,000,000 practitioners, SQLite"
	$(PY) -m bench --practitioners 1000000 --only search --naive-runs 0 --runs 200
	$(MAKE) --no-print-directory bench-fhir

# The FHIR API's near searches beside the JSON API's same search (target: p95 within 1.5 times).
bench-fhir: install system-deps
	@echo "== FHIR near searches against the JSON API, 100,000 practitioners, SQLite"
	$(PY) -m bench.fhir --practitioners 100000
	@echo "== FHIR near searches against the JSON API, 100,000 practitioners, PostgreSQL"
	bin/with-postgres $(PY) -m bench.fhir --practitioners 100000

# Pages under gunicorn and wrk, each as a share of a hello-world's req/s in the same run
# (SQLite, PostgreSQL, then the search page at a million). Run it on a quiet machine.
PAGES_DURATION ?= 6
bench-pages: install system-deps
	@echo "== Pages under gunicorn, 100,000 practitioners, SQLite"
	$(PY) -m bench.pages --practitioners 100000 --duration $(PAGES_DURATION)
	@echo "== Pages under gunicorn, 100,000 practitioners, PostgreSQL"
	bin/with-postgres $(PY) -m bench.pages --practitioners 100000 --duration $(PAGES_DURATION)
	@echo "== Search page under gunicorn, 1,000,000 practitioners, SQLite"
	$(PY) -m bench.pages --practitioners 1000000 --only search_page --duration $(PAGES_DURATION)

# The same million on PostgreSQL (slow to seed: about ten minutes).
bench-large-postgres: install system-deps
	bin/with-postgres $(PY) -m bench --practitioners 1000000 --only search --naive-runs 0 --runs 200

# The production stack (gunicorn, PostgreSQL, Redis, all on 127.0.0.1) under 50 simulated users,
# then with PostgreSQL stopped for 10 s and with a worker killed; about 4 minutes. Shorter:
# make bench-load LOAD_ARGS="--practitioners 2000 --duration 15 --fault-duration 25"
LOAD_ARGS ?=
bench-load: install system-deps
	bin/with-postgres $(PY) -m bench.load $(LOAD_ARGS)

# Mutation testing (not part of `make test`): bin/mutation runs mutmut once per area (clinical
# rules, matching, search, ratings, access control), each in mutants/<area>/ against only the tests
# that pin it, on one worker, then prints the score per area against its target (triage 95 %,
# types 90 %, the others 85 %). Slow: an hour or more in all; `bin/mutation matching` runs one.
# The runs and their tests: bin/mutation; what they share: [tool.mutmut] in pyproject.toml.
mutation: install
	rm -rf mutants
	$(PY) bin/mutation --max-children 1

# The style and type gate: ruff's rules (pyproject.toml says which and why), ruff's formatting, mypy
# (strict for the services). `make test` runs it first, so CI does.
# It needs only the Python tools, not the npm packages the browser tests use.
LINT_PATHS := directory tests bench bin/mutation config.py wsgi.py gunicorn.conf.py
lint: $(VENV)/.installed
	@echo "== Lint (ruff check, ruff format --check, mypy)"
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy

# Outcomes refresh: 10,000 consenting patients x 120 diary days, SQLite then PostgreSQL (targets: < 60 s; one patient < 100 ms).
bench-outcomes: install
	@echo "== Outcomes refresh, 10,000 patients x 120 days, SQLite then PostgreSQL"
	$(PY) -m bench.outcomes
	bin/with-postgres $(PY) -m bench.outcomes

clean:
	rm -rf $(VENV) node_modules directory/static/vendor .pytest_cache mutants
