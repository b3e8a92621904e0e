# The two commands a newcomer needs: `make run` and `make test`. Both create .venv on first use and
# are safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint format lock chromium fonts messages bench clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Refresh the catalogues after changing interface strings; the compiled .mo files are committed so
# a machine without GNU gettext still runs translated.
messages: install
	$(BIN)/python manage.py makemessages --all --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

run: install fonts
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/  (login printed above)"
	@echo "  Web server, Celery worker and beat start together; Ctrl-C stops all three."
	@echo ""
	exec env HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start --no-prefix -f Procfile

# The browser tests need Debian's chromium; install it when we can (root with apt-get).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "*** $(CHROMIUM) is missing: the browser tests will be reported as skipped."; \
	    echo "*** Install it with: sudo apt-get install chromium"; \
	  fi; \
	fi

# The partner report's PDF needs a font with Cyrillic letters: DejaVu Sans (docs/decisions/0009).
REPORT_FONT ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
fonts:
	@if [ ! -f $(REPORT_FONT) ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's fonts-dejavu-core for the partner report"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else \
	    echo "*** $(REPORT_FONT) is missing: install it with: sudo apt-get install fonts-dejavu-core"; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install chromium fonts lint
	DJANGO_SETTINGS_MODULE=outreach.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/home_page.py

# Refresh the pinned versions after changing pyproject.toml's ranges.
lock:
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^outreach-platform' > requirements/constraints.txt

clean:
	rm -rf var/test-db.sqlite3 var/test-celery var/test-media .pytest_cache
