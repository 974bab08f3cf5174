# Harbour — every install step lives here, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HARBOUR := $(VENV)/bin/harbour
DATA_DIR ?= var
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: setup run test bench lint lighthouse clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	@test -f $(DATA_DIR)/directory.db || $(HARBOUR) init --demo --data-dir $(DATA_DIR)
	$(HARBOUR) serve --data-dir $(DATA_DIR)

test: setup
	$(VENV)/bin/pytest

# Each benchmark prints its figures as ratios against a baseline measured in the same run.
BENCHES := import sync pwa push load

bench: setup
	@for name in $(BENCHES); do echo "== bench/$$name.py"; $(PY) -m bench.$$name || exit 1; done

# Accessibility and best-practices scores of / and /services on a fresh demo; fails under 95.
CHROME_PATH ?= /usr/bin/chromium

lighthouse: setup
	CHROME_PATH=$(CHROME_PATH) node tools/lighthouse.mjs --harbour $(HARBOUR) --min 95 / /services

lint: setup
	$(VENV)/bin/ruff check directory datasette_plugins tests bench

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache *.egg-info
