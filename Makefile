# Voces: `make run` serves the app, `make test` runs the whole suite.
# Every target is safe to repeat on a fresh machine or an existing checkout.

VENV ?= .venv
PY := $(VENV)/bin/python
export FLASK_APP := wsgi
FLASK := $(VENV)/bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint format translations extract-messages setup install catalogs db bench clean apertium pdf-libraries

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn with gunicorn.conf.py. Needs SECRET_KEY (and DATABASE_URL for PostgreSQL).
serve: setup
	VOCES_ENV=production $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

test: install catalogs apertium pdf-libraries
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

setup: install catalogs db apertium pdf-libraries

# Apertium bridges English and Spanish in the theme analysis. Installed from
# Debian's packages when we may (root or passwordless sudo); otherwise the
# analysis still runs, untranslated, and says so.
apertium:
	@if command -v apertium >/dev/null && [ -d /usr/share/apertium/apertium-eng-spa ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get install -y -qq apertium apertium-eng-spa >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq apertium apertium-eng-spa >/dev/null) \
		|| echo "note: could not install Apertium; themes will be found without translation"; \
	elif sudo -n true 2>/dev/null; then sudo apt-get install -y -qq apertium apertium-eng-spa >/dev/null \
		|| echo "note: could not install Apertium; themes will be found without translation"; \
	else echo "note: Apertium is not installed (sudo apt-get install apertium apertium-eng-spa);" \
		"themes will be found without translation"; fi

# WeasyPrint draws the PDF report with Pango, and embeds DejaVu Sans so that
# á é í ó ú ñ ¿ ¡ « » — print as written. Debian's packages, when we may.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core
pdf-libraries:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get install -y -qq $(PDF_PACKAGES) >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq $(PDF_PACKAGES) >/dev/null) \
		|| echo "note: could not install $(PDF_PACKAGES); PDF reports will fail"; \
	elif sudo -n true 2>/dev/null; then sudo apt-get install -y -qq $(PDF_PACKAGES) >/dev/null \
		|| echo "note: could not install $(PDF_PACKAGES); PDF reports will fail"; \
	else echo "note: PDF reports need: sudo apt-get install $(PDF_PACKAGES)"; fi

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

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
