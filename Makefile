# frontcounter: `make run` serves the platform with demo data; `make test` runs every test.
# Both set up what they need (Debian packages, a virtualenv in .venv, GOV.UK Frontend from npm).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: run test setup lint translations clean

$(BIN)/frontcounter: pyproject.toml
	@tools/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

node_modules/govuk-frontend/package.json: package.json package-lock.json
	@tools/system-packages.sh
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

translations: $(BIN)/frontcounter
	@for dir in platform/frontcounter/translations plugins/*/translations; do \
	  [ -d "$$dir" ] && $(BIN)/pybabel -q compile -d "$$dir" || true; done

setup: $(BIN)/frontcounter node_modules/govuk-frontend/package.json translations

run: setup
	@FRONTCOUNTER_DEMO=1 $(BIN)/frontcounter migrate-db
	@FRONTCOUNTER_DEMO=1 $(BIN)/frontcounter tenants apply
	@echo
	@FRONTCOUNTER_DEMO=1 $(BIN)/frontcounter demo seed
	@echo
	@echo "frontcounter is at http://$(HOST):$(PORT)/  (local mailbox: http://$(HOST):$(PORT)/_dev/mailbox)"
	@export FRONTCOUNTER_DEMO=1 PUBLIC_BASE_URL=http://$(HOST):$(PORT); \
	  $(BIN)/frontcounter sweep --loop 30 > instance/sweep.log 2>&1 & sweeper=$$!; \
	  trap 'kill $$sweeper 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/frontcounter run --host $(HOST) --port $(PORT)

lint: $(BIN)/frontcounter
	$(BIN)/ruff check .

test: setup
	@tools/system-packages.sh test
	$(BIN)/ruff check .
	@echo "== embedded defaults: SQLite + in-process jobs =="
	FRONTCOUNTER_TEST_BACKEND=embedded $(BIN)/python -m pytest -q
	@echo "== PostgreSQL + Redis (TEST_DATABASE_URL / TEST_REDIS_URL, or throwaway servers) =="
	FRONTCOUNTER_TEST_BACKEND=postgres $(BIN)/python -m pytest -q
	@echo "== a plugin made by 'frontcounter new-plugin', installed outside the repository, its tests on PostgreSQL =="
	tools/check-new-plugin.sh

clean:
	rm -rf $(VENV) node_modules instance
