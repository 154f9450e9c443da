# Two commands for a newcomer: `make run` and `make test`. Both do all the set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app portfolio
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint audit format migrate demo bench translations browser ocr oidc-provider clean screenshots axe

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) translations

translations: $(STAMP)
	@$(BIN)/pybabel compile --use-fuzzy -d portfolio/translations -D messages >/dev/null 2>&1 || \
		$(BIN)/pybabel compile -d portfolio/translations -D messages

migrate: setup
	$(FLASK) db-upgrade

demo: migrate
	$(FLASK) demo-data --if-empty

run: demo ocr
	@echo ""
	@echo "Vakbekwaam runs on http://127.0.0.1:5000  (stop with Ctrl+C)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || { \
		echo "Installing Chromium for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Certificates are read on this server only: Debian's Tesseract with the Dutch model (issue 15).
ocr:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx nld || { \
		echo "Installing Tesseract OCR with the Dutch model (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends tesseract-ocr tesseract-ocr-nld >/dev/null; }

# The sign-in tests run a real OpenID Connect provider (oidc-provider, node) on loopback; npm
# installs it into tests/oidc/node_modules once (again when the lock file changes).
OIDC_STAMP := tests/oidc/node_modules/.installed-stamp
$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	@command -v npm >/dev/null || { \
		echo "Installing Node.js and npm for the sign-in tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	@touch $(OIDC_STAMP)

oidc-provider: $(OIDC_STAMP)

# axe-core from the npm registry, for the accessibility checks of the browser tests (no CDN).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json
	npm install --silent --no-audit --no-fund --prefix tests/browser
	@touch $(AXE)

axe: $(AXE)

# Every main page of every role on the demo data, 1280 and 360 px, Dutch and English (PNG).
screenshots: setup browser
	$(BIN)/python -m tests.browser.screenshots screenshots

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r portfolio competencies

# Known vulnerabilities in the installed dependencies. By hand: it asks the PyPI/OSV
# vulnerability service over the network, so it is not part of `make test`.
audit: setup
	$(BIN)/pip-audit --local --skip-editable

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: setup browser ocr oidc-provider axe
	@echo "=== Test suite on SQLite ==="
	env -u VAKBEKWAAM_TEST_POSTGRES $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: setup browser ocr oidc-provider axe
	@echo "=== Test suite on PostgreSQL ($(VAKBEKWAAM_TEST_POSTGRES)) ==="
	$(BIN)/pytest $(PYTEST_ARGS)

# The whole suite on SQLite, and again on PostgreSQL when VAKBEKWAAM_TEST_POSTGRES names a server.
test: lint test-sqlite
	@if [ -n "$$VAKBEKWAAM_TEST_POSTGRES" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "VAKBEKWAAM_TEST_POSTGRES is not set: PostgreSQL run skipped."; fi

bench: setup ocr
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache screenshots tests/oidc/node_modules tests/browser/node_modules
