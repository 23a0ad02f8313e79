# make run   - build the demo data when missing and start the dashboard
# make test  - lint, format check and the full test suite (needs PostgreSQL and Chromium)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
TEST_STAMP := $(VENV)/.test-requirements-installed
# Root needs no sudo (CI and the project machines run as root).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test venv test-venv postgres chromium fonts lint format

# Rebuilt only when requirements.txt is newer than the stamp.
$(STAMP): requirements.txt
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
		rm -rf $(VENV); \
		python3 -m venv $(VENV) || { \
			rm -rf $(VENV); \
			$(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv; \
			python3 -m venv $(VENV); \
		}; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The test tools on top (requirements-test.txt includes requirements.txt).
$(TEST_STAMP): requirements-test.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $(TEST_STAMP)

venv: $(STAMP)

test-venv: $(TEST_STAMP)

run: venv fonts
	$(PY) -m etl demo
	$(PY) -m dashboard.users demo
	$(VENV)/bin/streamlit run dashboard/serve.py

postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "Starting PostgreSQL"; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
		for _ in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
		pg_isready -h 127.0.0.1 -p 5432; \
	fi

chromium:
	@command -v chromium >/dev/null || { \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	}

# The briefing's PDF is set in DejaVu Sans, which covers Vietnamese.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-dejavu-core; \
	}

lint: test-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: test-venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# A module's tests share one test process (--dist loadscope), so that its module fixtures (a
# simulated platform, a dashboard server, a browser) are made once, not once per process.
test: test-venv postgres chromium fonts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n auto --dist loadscope
