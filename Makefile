# The two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app bv
STAMP := $(VENV)/.installed-stamp
# the validators from npm (vnu, axe-core, Lighthouse), pinned in package-lock.json
NPM_STAMP := node_modules/.installed-stamp

.PHONY: run test install tools migrate catalogs lint bench report screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(NPM_STAMP); \
	else echo "npm not installed: the vnu, axe-core and Lighthouse checks will be skipped"; fi

tools: $(NPM_STAMP)

catalogs: install
	$(FLASK) translate compile

migrate: install
	$(FLASK) db upgrade

run: catalogs migrate
	$(FLASK) demo --if-empty
	# the job queue runs inside the server here; production runs huey_consumer (README)
	BV_EMBEDDED_WORKER=1 $(FLASK) run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check .

test: catalogs lint tools
	$(FLASK) translate check
	# make turns every failure into 2; .ci/run reads pytest's own code from this file
	rm -f $(VENV)/pytest-status
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; echo $$status > $(VENV)/pytest-status; exit $$status

# BENCH_ARGS, e.g. "--articles 100000 --database-url postgresql://... --redis-url redis://..."
bench: catalogs
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null 2>&1 || echo "wrk is not installed and apt-get could not install it: the benchmark is skipped"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# PNGs of the reading site and the newsroom for the README (needs Debian's chromium)
screenshots: catalogs
	$(BIN)/python tools/screenshots.py

# Lighthouse (SEO, accessibility, best practices) on the home and article pages; slow, so
# not part of `make test`. Scores go to bench/results/lighthouse.json and docs/quality.md.
report: catalogs tools
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
