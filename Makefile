# Voces: `make run` serves the app, `make test` runs the whole suite.
# Every target is safe to repeat on a fresh machine or an existing checkout.

VENV ?= .venv
PY := $(VENV)/bin/python
export FLASK_APP := wsgi
FLASK := $(VENV)/bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test check-package lint format translations extract-messages setup install catalogs db bench bench-cost clean apertium chromium valgrind lighthouse bench-browser pdf-libraries

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn with gunicorn.conf.py. Needs SECRET_KEY (and DATABASE_URL for PostgreSQL).
serve: setup
	VOCES_ENV=production $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

test: install catalogs apertium chromium pdf-libraries
	$(PY) -m pytest $(PYTEST_ARGS)

# Build a wheel, install it into a fresh environment and serve the Spanish
# survey from outside the source tree (tests/test_packaging.py; no index is used).
check-package: install
	$(PY) -m pytest -q -p no:cacheprovider tests/test_packaging.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

setup: install catalogs db apertium pdf-libraries

# Debian packages, installed when we may (root or passwordless sudo):
# $(call debian,CHECK,PACKAGES,WHAT HAPPENS WITHOUT THEM)
debian = if $(1); then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get install -y -qq $(2) >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq $(2) >/dev/null) \
		|| echo "note: could not install $(2); $(3)"; \
	elif sudo -n true 2>/dev/null; then sudo apt-get install -y -qq $(2) >/dev/null \
		|| echo "note: could not install $(2); $(3)"; \
	else echo "note: not installed (sudo apt-get install $(2)); $(3)"; fi

# Apertium bridges English and Spanish in the theme analysis; without it the
# analysis still runs, untranslated, and says so.
apertium:
	@$(call debian,command -v apertium >/dev/null && [ -d /usr/share/apertium/apertium-eng-spa ],\
		apertium apertium-eng-spa,themes will be found without translation)

# The browser tests drive Debian's Chromium through Playwright; Playwright's own
# browser download is never used. Without Chromium those tests are skipped.
chromium:
	@$(call debian,[ -x /usr/bin/chromium ],chromium fonts-dejavu-core,the browser tests will be skipped)

# callgrind counts the instructions of one submission (bench/submission_cost.py),
# and of each of its stages (bench/submission_stages.py, which also needs gcc).
valgrind:
	@$(call debian,command -v valgrind >/dev/null,valgrind,bench/submission_cost.py cannot run)

# WeasyPrint draws the PDF report with Pango, and embeds DejaVu Sans so that
# á é í ó ú ñ ¿ ¡ « » — print as written. Debian's packages, when we may.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core
pdf-libraries:
	@$(call debian,ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ],\
		$(PDF_PACKAGES),PDF reports will fail)

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

catalogs: install
	$(VENV)/bin/pybabel -q compile -d translations

db: install catalogs
	$(FLASK) db upgrade
	$(FLASK) surveys load

# After changing user-facing strings: refresh the catalog, translate, commit the .po.
translations: extract-messages catalogs

extract-messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-output \
		--add-location=file -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Data sets are read from ../shared/data (pass another path to each script to change it).
bench: install catalogs apertium
	$(PY) bench/page_weight.py
	$(PY) bench/cross_language.py
	$(PY) bench/quality.py
	$(PY) bench/stability.py
	$(PY) bench/speed.py
	$(PY) bench/load.py
	$(PY) bench/exports.py

# The last page's cost in instructions, repeatable on a busy machine, and where it goes.
bench-cost: install catalogs valgrind
	$(PY) bench/submission_cost.py
	$(PY) bench/submission_stages.py

# Budgets measured in Debian's Chromium: time to a usable form on a throttled
# phone, and Lighthouse's mobile scores (see docs/benchmarks.md).
bench-browser: install catalogs chromium lighthouse
	$(PY) bench/browser_budget.py
	$(PY) bench/lighthouse.py

# Lighthouse from the npm registry into a git-ignored folder. 12.2.3 is the
# newest that runs on Debian's Node 20 (Lighthouse 13 wants Node 22).
LIGHTHOUSE := .tools/lighthouse/node_modules/.bin/lighthouse
lighthouse: $(LIGHTHOUSE)
$(LIGHTHOUSE):
	@command -v npm >/dev/null || { echo "note: npm is needed to install Lighthouse"; exit 1; }
	mkdir -p .tools/lighthouse
	cd .tools/lighthouse && npm install --save-exact --no-audit --no-fund lighthouse@12.2.3

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
