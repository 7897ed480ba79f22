# Madoguchi — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run test setup install assets messages messages-update data lint typecheck pytest e2e-deps clamav-deps e2e-load bench-deps fuzz clean bench-search bench-surge bench-crash bench-vaccinations bench-kpis bench-campaigns

run: setup ## set everything up and serve on http://127.0.0.1:8000 with a task worker
	$(PY) scripts/run.py

test: install assets messages e2e-deps clamav-deps lint typecheck pytest ## ruff, mypy and the whole suite

setup: install assets messages data

install: $(STAMP)
$(STAMP): requirements/lock.txt pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/lock.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

assets: install
	$(PY) scripts/build_assets.py

messages: install
	@scripts/need.sh msgfmt gettext
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

data: install
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) load_municipalities
	$(MANAGE) load_demo_data
	$(MANAGE) load_catalog --demo
	$(MANAGE) forms_publish_demo
	$(MANAGE) pki_setup_demo
	$(MANAGE) idp_setup_demo
	$(MANAGE) reception_setup_demo
	$(MANAGE) linkage_setup_demo
	$(MANAGE) vaccinations_setup_demo

lint: install
	$(MANAGE) makemigrations --check --dry-run -v 0 || { echo "models changed without a migration" >&2; exit 1; }
	$(VENV)/bin/ruff check src scripts bench conftest.py
	$(VENV)/bin/ruff format --check src scripts bench conftest.py
	$(VENV)/bin/lint-imports --no-logo  # the layers of docs/architecture.md (.importlinter)

typecheck: install
	$(VENV)/bin/mypy src scripts

pytest: install
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

# Binaries from Debian that some targets need: installed through apt when we are root, otherwise
# scripts/need.sh says in one line what to run.
e2e-deps: ## Debian's Chromium, for the browser tests
	@scripts/need.sh /usr/bin/chromium chromium

clamav-deps: ## ClamAV's clamd, for the attachment scanning tests (signatures are made by the tests)
	@scripts/need.sh /usr/sbin/clamd clamav-daemon

bench-deps: ## wrk (load generator) and the PostgreSQL 15 server binaries, for the benchmarks
	@scripts/need.sh wrk wrk
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || scripts/need.sh /usr/lib/postgresql/15/bin/initdb postgresql-15

messages-update: install ## refresh locale/ja from the source (then translate the new msgids)
	@scripts/need.sh msgmerge gettext
	PY=$(PY) scripts/messages_update.sh

e2e-load: install assets messages e2e-deps ## the browser tests 5 times in a row beside two busy processes (RUNS)
	scripts/e2e_under_load.sh

FUZZ_URL ?= http://127.0.0.1:8000
fuzz: install ## schemathesis against a running server (`make run` first): no 5xx, responses match the schema
	MADOGUCHI_API_KEY="$${MADOGUCHI_API_KEY:-$$($(MANAGE) api_demo_key)}" && \
	$(VENV)/bin/schemathesis run $(FUZZ_URL)/api/v1/schema/ --url $(FUZZ_URL)/api/v1/ \
		-H "Authorization: Bearer $$MADOGUCHI_API_KEY" \
		--include-path-regex '^/api/v1/(municipalities|procedures|forms|applications)' \
		--checks not_a_server_error,response_schema_conformance --max-examples $${FUZZ_EXAMPLES:-15}

bench-search: install bench-deps ## procedure search latency over 100,000 offerings (SQLite; DATABASE_URL for PostgreSQL)
	$(PY) bench/catalog_search.py

bench-vaccinations: install ## a clinic's 100,000-row CSV upload: check and import time, peak memory (ROWS)
	$(PY) bench/vaccinations_upload.py --rows $${ROWS:-100000}

bench-surge: install assets messages bench-deps ## signed submissions vs. the floor (SURGE_SECONDS, SURGE_DB=sqlite)
	bench/surge.sh

bench-crash: install assets messages bench-deps ## kill -9 the server under load; nothing lost, nothing doubled
	bench/surge.sh crash

bench-kpis: install assets messages ## figures and open data over 1,000,000 synthetic applications (SQLite; DATABASE_URL for PostgreSQL)
	$(PY) bench/kpis.py --applications $${KPIS_APPLICATIONS:-1000000}

bench-campaigns: install ## a benefit run: 100,000 residents in 45,000 households — eligibility, notices, transfer file (SQLite; DATABASE_URL for PostgreSQL)
	$(PY) bench/campaigns.py --residents $${CAMPAIGN_RESIDENTS:-100000} --households $${CAMPAIGN_HOUSEHOLDS:-45000}

clean:
	rm -rf $(VENV) node_modules build var
