# The README's two commands: `make demo` and `make test`. Both work on a fresh machine
# with Python 3.11: they create .venv, install what they need (uv for speed), and
# `make test` also installs the system packages the browser and store tests use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-workspace
# `make demo DEMO_SERVE=0` stops after the report instead of serving the dashboard.
DEMO_SERVE ?= 1
DEMO_PORT ?= 8000
# The demo's journeys are the web analytics' sessions, over the whole year.
DEMO_MEASURE := --touch-source ga4 --no-lookback

# The suite runs on every core (pytest-xdist); `make test PYTEST_WORKERS=0` runs it in one
# process, as plain `pytest` does.
PYTEST_WORKERS ?= auto
# Bytecode is written (under .venv/pycache, not beside the sources) even where the
# environment sets PYTHONDONTWRITEBYTECODE, as some containers do: otherwise each of the
# suite's processes (the workers, the demo builds and the `python -m outcomes` the tests start)
# compiles Ibis, DuckDB's, PyArrow's and our own Python again, 1.5 s each: 55 s → 23 s for
# tests/warehouse/test_lock.py and tests/cli/test_check_invalid.py.
PYTEST := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache \
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=15

.PHONY: demo test test-fast lint typecheck pytest system-deps report-deps install install-dev docs bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: the Northwind demo company: a year of exports in real formats, ingested; the plan, ROI, scorecard, the executive report; then the dashboard
demo: install report-deps
	rm -rf $(DEMO_DIR)
	$(BIN)/outcomes demo $(DEMO_DIR)
	cd $(DEMO_DIR) && ../$(BIN)/outcomes check
	cd $(DEMO_DIR) && ../$(BIN)/outcomes plan --format md -o implementation-plan.md
	cd $(DEMO_DIR) && ../$(BIN)/outcomes plan --format html -o implementation-plan.html
	@# `unplanned` exits 1 when it finds activity no tactic claims, as the demo company has.
	cd $(DEMO_DIR) && ../$(BIN)/outcomes unplanned --limit 10 || true
	cd $(DEMO_DIR) && ../$(BIN)/outcomes roi --touch-source ga4 --no-lookback
	@# `scorecard` and `status` exit 1 when something needs attention, as the demo's does.
	cd $(DEMO_DIR) && ../$(BIN)/outcomes scorecard --touch-source ga4 || true
	cd $(DEMO_DIR) && ../$(BIN)/outcomes status $(DEMO_MEASURE) || true
	cd $(DEMO_DIR) && ../$(BIN)/outcomes report $(DEMO_MEASURE) -o report.html
	cd $(DEMO_DIR) && ../$(BIN)/outcomes report $(DEMO_MEASURE) -o report.pdf
	@echo "The executive report: $(DEMO_DIR)/report.html and report.pdf; the planted truth is $(DEMO_DIR)/truth.json."
	@echo "Sign in to the dashboard as one of the example users in $(DEMO_DIR)/example-users.txt:"
	@cat $(DEMO_DIR)/example-users.txt
ifneq ($(DEMO_SERVE),0)
	cd $(DEMO_DIR) && ../$(BIN)/outcomes serve $(DEMO_MEASURE) --port $(DEMO_PORT)
endif

## report-deps: Pango and fonts, which WeasyPrint prints the PDF report with (idempotent; needs root or sudo)
report-deps:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! command -v fc-list >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 \
			libpangoft2-1.0-0 libharfbuzz0b fontconfig fonts-dejavu-core >/dev/null; \
	fi

## system-deps: Chromium for the browser tests, poppler for the PDF tests, Java for Spark, PostgreSQL for the store's tests (idempotent; needs root or sudo)
system-deps: report-deps
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null || ! command -v java >/dev/null \
			|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils \
			$$(command -v java >/dev/null || echo openjdk-17-jre-headless) \
			$$(ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || echo postgresql) >/dev/null; \
	fi

# lint-imports checks the layering contracts in pyproject.toml; the graph takes under a
# second to build, so no cache folder is left in the tree.
lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev system-deps
	$(PYTEST)

## test: lint, types and the whole suite (mypy runs beside the suite: one core's half minute
## while the suite's workers wait on servers and browsers)
test: lint
	$(MAKE) --no-print-directory -j2 typecheck pytest

## test-fast: the inner loop: lint, and the suite without the demo, servers, Spark or the corpus,
## each Hypothesis property trying a tenth of its examples (tests/lane.py)
test-fast: install-dev
	$(BIN)/ruff check src tests benchmarks
	OUTCOMES_TEST_LANE=fast $(PYTEST) -m "not browser and not slow"

## docs: regenerate docs/rules.md, docs/sources.md and the shipped JSON Schema
docs: install
	$(BIN)/outcomes rule --all > docs/rules.md
	$(BIN)/outcomes schema -o schema/plan.schema.json
	$(BIN)/outcomes sources --docs > docs/sources.md

bench: install
	$(BIN)/python benchmarks/check.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache .hypothesis
