# The two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app bv
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install migrate catalogs lint bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

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

test: catalogs lint
	$(FLASK) translate check
	# make turns every failure into 2; .ci/run reads pytest's own code from this file
	rm -f $(VENV)/pytest-status
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; echo $$status > $(VENV)/pytest-status; exit $$status

bench: catalogs
	$(BIN)/python bench/run.py

# PNGs of the reading site and the newsroom for the README (needs Debian's chromium)
screenshots: catalogs
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
