# The newcomer's two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The machine's real services; override for another setup.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partnerportal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

# The quality gates' own tools (make check): pinned npm packages, and two Python
# tools that each get a virtualenv of their own (their pins differ from ours).
QUALITY_NPM := quality/node_modules/.installed
QUALITY_VENVS := .venv-wapiti/.installed .venv-semgrep/.installed

.PHONY: setup run test lint check quality-tools bench worker clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

$(QUALITY_NPM): quality/package.json quality/package-lock.json
	cd quality && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

.venv-%/.installed: quality/requirements-%.txt
	rm -rf .venv-$*
	$(PYTHON) -m venv .venv-$* || python3 -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet -r $<
	touch $@

quality-tools: setup $(QUALITY_NPM) $(QUALITY_VENVS)
	scripts/ensure-java
	scripts/ensure-chromium

# Embedded default: SQLite under var/, tasks in-process, email to var/mail and the outbox page.
run: setup
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on PostgreSQL and Redis (the machine's, or DATABASE_URL / REDIS_URL).
test: setup $(QUALITY_NPM)
	scripts/ensure-chromium
	scripts/ensure-java
	scripts/ensure-pdf-libs
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=sqlite:///:memory: $(PY) manage.py makemigrations --check --dry-run

# Page latency and throughput at scale against the bare-Django floor (docs/benchmarks.md).
bench: setup
	scripts/ensure-pdf-libs
	command -v wrk >/dev/null || scripts/apt-install wrk
	$(PY) scripts/bench/run.py $(BENCH_ARGS)

# Quality gates on the portal served with demo data (docs/quality.md). One gate: make check GATES=vnu
check: quality-tools
	$(PY) -m quality $(GATES)

worker: setup
	$(VENV)/bin/celery -A partnerportal worker --loglevel=info

clean:
	rm -rf $(VENV) var/portal.sqlite3 var/cache var/mail staticfiles
	rm -rf .venv-wapiti .venv-semgrep quality/node_modules var/quality reports/quality
