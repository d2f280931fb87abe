# Two commands on a fresh machine:  make app  (install and serve)  and  make test  (install and test).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8866

.PHONY: app test lint bench profile browser clean train-reader

$(VENV)/.app: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@# An editable install leaves pyproject's data-files out: link the app's Voila template (voila.json).
	mkdir -p $(VENV)/share/jupyter/voila/templates
	ln -sfn $(CURDIR)/share/jupyter/voila/templates/workbook $(VENV)/share/jupyter/voila/templates/workbook
	@touch $@

$(VENV)/.test: $(VENV)/.app deploy/jupyterhub/requirements.txt
	$(PY) -m pip install -q -e ".[test]"
	$(PY) -m pip install -q -r deploy/jupyterhub/requirements.txt
	@command -v npm >/dev/null || { echo "npm is needed for the JupyterHub test (configurable-http-proxy)"; exit 1; }
	npm install --prefix $(VENV)/node --no-fund --no-audit --loglevel=error configurable-http-proxy@5.3.0
	npm install --prefix $(VENV)/node --no-fund --no-audit --loglevel=error --save-exact axe-core@4.14.1
	@# Lighthouse's mobile performance score, context in make bench (benchmarks/lighthouse.py).
	npm install --prefix $(VENV)/node --no-fund --no-audit --loglevel=error --save-exact lighthouse@12.8.2
	@touch $@

# Debian's Chromium drives the browser tests (a browser download cannot work here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Serves on 127.0.0.1 to its owner only: prints the address to open, with a key made for this start
# (workbook/launch.py), and opens it in the browser where there is one.
app: $(VENV)/.app
	@$(PY) -m workbook.launch --port=$(PORT)

# Two workers, a test file each at a time (its fixtures stay on one worker); the tests marked serial
# (JupyterHub's spawns and culling, which time out when the machine is busy) run alone after.
WORKERS ?= 2
test: $(VENV)/.test browser
	$(PY) -m ruff check workbook tests $(wildcard benchmarks)
	$(PY) -m pytest -n $(WORKERS) --dist loadfile -m "not serial"
	$(PY) -m pytest -m serial

lint: $(VENV)/.test
	$(PY) -m ruff check workbook tests $(wildcard benchmarks)
	$(PY) -m ruff format --check workbook tests $(wildcard benchmarks)

bench: $(VENV)/.test browser
	$(PY) -m benchmarks

# Retrain the draft checker's second reader on the tuning part of tests/data (data/second_reader.json).
train-reader: $(VENV)/.app
	$(PY) -m benchmarks.train_second_reader

profile: $(VENV)/.test
	$(PY) -m benchmarks.profile

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .hypothesis
