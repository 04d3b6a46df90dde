# Xinzhi Atlas: the commands a user and CI need. `make help` lists them.
SHELL := /bin/sh
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast test-browser lint format migrate load superuser check serve clean

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

test: install ## Run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install ## Run the tests except the browser and server smoke tests
	$(PY) -m pytest -m "not browser and not smoke" $(PYTEST_ARGS)

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
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .pytest_cache
