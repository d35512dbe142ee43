# infracast: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo serve test lint typecheck install bench clean golden browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/infracast demo run

# The JSON API on the demo company's ledger (make demo prints a token for it).
serve: $(STAMP)
	$(BIN)/infracast serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

# The browser tests drive Debian's chromium through Playwright (no browser download):
# installed with apt-get when missing and make runs as root; otherwise those tests skip.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found and not root: the browser tests will skip"; fi; }

test: lint typecheck browser
	$(BIN)/python -m pytest -n 2 -q

# Rewrite the golden files (tests/golden/) from the current output; review with git diff.
golden: $(STAMP)
	$(BIN)/python -m pytest -q -m golden --update-golden
	git status --short tests/golden

bench: $(STAMP)
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.analytics
	$(BIN)/python -m bench.demo
	$(BIN)/python bench/estimate_calibration.py
	$(BIN)/python -m bench.forecast --series 1000
	$(BIN)/python -m bench.anomalies
	$(BIN)/python -m bench.serve --rows 200000 --routes rollup
	$(BIN)/python -m bench.pages --rows 200000 --loads 5

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache infracast.duckdb infracast-demo
