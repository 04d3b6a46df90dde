# Xinzhi Atlas: the commands a user and CI need. `make help` lists them.
SHELL := /bin/sh
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-load test-fast test-browser coverage lint format migrate load superuser check serve clean
.PHONY: build collectstatic check-deploy bench lighthouse backup restore

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(PY):
	@interpreter=$$(sh scripts/find_python.sh) || exit 1; \
	echo "Creating $(VENV) with $$interpreter"; \
	"$$interpreter" -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies (nothing to do when present)

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

load: migrate ## Load (or refresh) the catalogue from fixtures/
	$(PY) manage.py load_catalogue

run: load ## Set up everything and serve the site on http://127.0.0.1:8000/
	@echo ""
	@echo "Xinzhi Atlas is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)."
	@echo "To edit the catalogue, create an admin account first: make superuser"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

superuser: migrate ## Create the first administrator (asks for a password; none is stored in code)
	$(PY) manage.py createsuperuser

# Tests run in parallel, one worker per CPU (pytest-xdist); TEST_WORKERS=0 runs them in one process.
# Each run ends with its 15 slowest tests, so that a test growing slow is seen. Bytecode caches are
# written even where PYTHONDONTWRITEBYTECODE is set: otherwise every worker and every subprocess
# compiles the project and the rewritten tests again.
TEST_WORKERS ?= auto
PYTEST = PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --durations=15

# `make test` leaves out the load tests (marked `load`: many clients against a live gunicorn for
# minutes) unless a -m expression or their file is named (tests/conftest.py); `make test-load`
# and CI run them.
test: install ## Run the test suite but the load tests (about 6 minutes on 2 cores)
	$(PYTEST) $(PYTEST_ARGS)

test-load: install ## Run the load tests: concurrent editors and readers, slow clients (CI runs them)
	$(PYTEST) -m load $(PYTEST_ARGS)

test-fast: install ## Run the tests except the browser and smoke tests (about 3 minutes)
	$(PYTEST) -m "not browser and not smoke" $(PYTEST_ARGS)

test-browser: install ## Run only the browser tests (chromium)
	$(PYTEST) -m browser $(PYTEST_ARGS)

coverage: install ## Run the whole suite and print the coverage of catalog/ and site_config/
	$(PYTEST) --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

lint: install ## Check code style (ruff) and migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Django's system checks
	$(PY) manage.py check

clean: ## Remove the virtual environment, database and collected files
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .pytest_cache .coverage

# requirements-dev.txt includes the optional object-storage pins: reinstall when they change.
$(STAMP): requirements-s3.txt

# --- Production mode: production settings, collected static files, gunicorn ---------------------
# Outside a real deployment the variables production requires get harmless local values: a fresh
# random secret key (announced, never stored) and loopback host names.
PROD_ENV = DJANGO_SETTINGS_MODULE=site_config.settings.production \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
THROWAWAY_KEY = $(PY) -c 'import secrets; print(secrets.token_urlsafe(64))'

collectstatic: install ## Collect static files into DJANGO_STATIC_ROOT (hashed names, gzip and brotli)
	@key="$${DJANGO_SECRET_KEY:-$$($(THROWAWAY_KEY))}"; \
	DJANGO_SECRET_KEY="$$key" $(PROD_ENV) $(PY) manage.py collectstatic --noinput

build: collectstatic ## Prepare a release: pinned dependencies and collected static files

check-deploy: install ## Django's deployment checks with production settings (fails on any warning)
	@key="$${DJANGO_SECRET_KEY:-$$($(THROWAWAY_KEY))}"; \
	DJANGO_SECRET_KEY="$$key" $(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# --- Backups (site_config/backups.py): the database and the uploaded files in one archive ---------
# With the settings of the shell (DJANGO_SETTINGS_MODULE, DATABASE_URL, DJANGO_MEDIA_ROOT): on a
# server, run them with the service's environment (docs/deploy.md).
BACKUP_DIR ?= backups

backup: install ## Write backups/atlas-<time>.tar.gz (database and uploads) while the site serves
	$(PY) manage.py backup --output "$(BACKUP_DIR)"

restore: install ## Bring a backup back: make restore BACKUP=backups/atlas-….tar.gz
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/atlas-….tar.gz"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

serve: install ## Run the site in production mode (gunicorn) on http://127.0.0.1:8000/
	@set -e; \
	if [ -z "$$DJANGO_SECRET_KEY" ]; then \
	  DJANGO_SECRET_KEY="$$($(THROWAWAY_KEY))"; export DJANGO_SECRET_KEY; \
	  echo ""; \
	  echo "!!! DJANGO_SECRET_KEY is not set: using a random throwaway key for this run only."; \
	  echo "!!! Sessions and admin logins end when the server stops. Never do this on a server."; \
	  echo ""; \
	fi; \
	export $(PROD_ENV) DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	  DJANGO_SERVE_MEDIA="$${DJANGO_SERVE_MEDIA:-true}" GUNICORN_BIND="$(HOST):$(PORT)"; \
	$(PY) manage.py collectstatic --noinput; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py load_catalogue; \
	echo ""; \
	echo "Xinzhi Atlas (production settings, gunicorn) on http://$(HOST):$(PORT)/ (Ctrl-C stops it)."; \
	echo ""; \
	exec $(BIN)/gunicorn --config gunicorn.conf.py

# --- Benchmark: the site at scale (docs/performance.md) -----------------------------------------
# Builds (or reuses) a database with 50,000 generated cases, serves it with gunicorn as serve does,
# with the page cache off then on, and measures each page with ApacheBench (installed with apt-get
# when missing). BENCH_CASES=500 BENCH_ORGANISATIONS=100 for a quick run; DATABASE_URL=postgres://…
# /atlas_bench for PostgreSQL; python scripts/bench.py --help lists the variables.
bench: install ## Measure the pages at 50,000 cases, uncached and cached (docs/performance.md)
	$(PY) scripts/bench.py

# --- Lighthouse: the four category scores of every list page, one detail page of each kind and the
# reader's pages, English and Chinese, served as serve does (docs/lighthouse.md). Needs Node.js, npm
# and Chromium (CHROME_PATH, default /usr/bin/chromium); installs a pinned Lighthouse into
# .lighthouse/. Takes minutes: neither test nor CI runs it. Fails naming the pages below 100.
lighthouse: install ## Lighthouse scores of the pages, mobile run (docs/lighthouse.md)
	$(PY) scripts/lighthouse.py $(LIGHTHOUSE_ARGS)
