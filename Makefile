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

# The deployment smoke test (tests/deploy/) runs Debian's nginx; install it when we can (root with apt-get).
.PHONY: nginx
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's nginx for the deployment smoke test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else \
	    echo "*** nginx is missing: the deployment smoke test will be reported as skipped."; \
	    echo "*** Install it with: sudo apt-get install nginx"; \
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

# Security checks (docs/operations.md, "Dependency audit and static analysis"): bandit fails on any
# high-severity finding in our code; pip-audit fails on a known vulnerability in a pinned package.
# When pip-audit's vulnerability service cannot be reached, or answers for none of the packages, it
# says "audit service unreachable" and does not fail; AUDIT_REQUIRE_SERVICE=1 makes that fail too.
AUDIT_REQUIRE_SERVICE ?= 0
AUDIT_REPORT := var/pip-audit.json
AUDIT_LOG := var/pip-audit.log

define AUDIT_VERDICT
import json, os, re, sys

report, log, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
require_service = os.environ.get("AUDIT_REQUIRE_SERVICE") == "1"
log_text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
network = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|NameResolution|Max retries|ProxyError|SSLError"
    r"|Could not connect|network may be blocking|ServiceError"
)


def unreachable(reason):
    print(f"pip-audit: audit service unreachable ({reason}): the dependencies were NOT audited.")
    sys.exit(1 if require_service else 0)


if not os.path.exists(report):
    if status != 0 and network.search(log_text):
        unreachable("no answer from the vulnerability service")
    print(log_text, file=sys.stderr)
    print(f"pip-audit failed (exit status {status}) without a report: see above.", file=sys.stderr)
    sys.exit(status or 1)
dependencies = json.load(open(report, encoding="utf-8"))["dependencies"]
audited = [d for d in dependencies if "skip_reason" not in d]
skipped = [d for d in dependencies if "skip_reason" in d]
found = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
if found:
    for name, version, vulnerability in found:
        fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
        print(f"VULNERABLE {name} {version}: {vulnerability['id']} (fixed in: {fixed})")
    print(f"pip-audit: known vulnerabilities in the pinned packages: {len(found)}.", file=sys.stderr)
    sys.exit(1)
if dependencies and not audited:
    unreachable(f"none of the {len(dependencies)} pinned packages could be looked up")
for dependency in skipped:
    print(f"pip-audit: not audited: {dependency['skip_reason']}")
print(f"pip-audit: no known vulnerabilities in {len(audited)} of {len(dependencies)} pinned packages.")
endef
export AUDIT_VERDICT

.PHONY: audit
audit: install
	$(BIN)/bandit -c pyproject.toml -r outreach cms -lll
	@mkdir -p var && rm -f $(AUDIT_REPORT) $(AUDIT_LOG)
	@status=0; $(BIN)/pip-audit -r requirements/constraints.txt --no-deps --disable-pip \
	  --progress-spinner off --format json --output $(AUDIT_REPORT) 2>$(AUDIT_LOG) || status=$$?; \
	AUDIT_REQUIRE_SERVICE=$(AUDIT_REQUIRE_SERVICE) \
	  $(BIN)/python -c "$$AUDIT_VERDICT" $(AUDIT_REPORT) $(AUDIT_LOG) $$status

test: install chromium fonts nginx lint
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
