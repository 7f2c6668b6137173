# Two commands matter: `make run` and `make test`. Both set up what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# System packages: OCR engine with Vietnamese, fonts that cover Vietnamese (the sample
# generator renders with them), Chromium for the browser tests, LibreOffice Writer (headless, no
# GUI) to show DOCX drafts of outgoing documents as PDF.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng fonts-dejavu-core \
                fonts-liberation2 fonts-noto-core chromium poppler-utils libreoffice-writer-nogui
# Tesseract uses every core per page unless told; one thread per process is far faster here.
export OMP_THREAD_LIMIT := 1

.PHONY: setup system-packages venv bytecode db run test test-fast bench lock clean

setup: system-packages venv bytecode db

system-packages:
	@scripts/ensure-system-packages $(APT_PACKAGES)

venv: $(VENV)/.installed

# Every machine installs the same code: the exact versions and hashes of requirements.lock
# (pip refuses anything else), then our own package without resolving dependencies again.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Our own packages compiled to bytecode, refreshed (only what changed) on every setup and test
# run. Python would write it on first import, but not when PYTHONDONTWRITEBYTECODE is set or
# the service's account cannot write the code's folders; then every `docsvc` command, worker
# and test subprocess compiled them from source again: about 0.2 CPU-s more per start.
bytecode: venv
	@$(BIN)/python -m compileall -q -j 0 docsvc archive search ingest >/dev/null

# Regenerate the lock after changing a dependency in pyproject.toml.
lock:
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links \
	  --extra dev --extra postgres --extra redis --strip-extras -o requirements.lock pyproject.toml requirements-build.in

db: venv bytecode
	DOCSVC_SIGN_IN_URL=http://$(HOST):$(PORT)/login $(BIN)/docsvc init

run: setup
	$(BIN)/docsvc demo --if-empty
	$(BIN)/docsvc run --host $(HOST) --port $(PORT)

# Tests work in temporary directories: `make test` never creates or migrates ./var.
# With DOCSVC_TEST_DATABASE_URL (a PostgreSQL server, e.g.
# postgresql+psycopg://postgres@127.0.0.1:5432/postgres; .ci/run sets it) a second pass runs
# the suite again with every app on a fresh PostgreSQL database, OCR, browser and the few
# tests about SQLite itself left out.
PG_PASS_MARKERS := not ocr and not browser and not sqlite_only
test: system-packages venv bytecode
	env -u DOCSVC_TEST_DATABASE_URL DOCSVC_TEST_POSTGRES_URL="$${DOCSVC_TEST_POSTGRES_URL:-$$DOCSVC_TEST_DATABASE_URL}" \
	  $(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25
	@if [ -n "$$DOCSVC_TEST_DATABASE_URL" ]; then \
	  echo "make test: the PostgreSQL pass (DOCSVC_TEST_DATABASE_URL)"; \
	  $(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25 -m "$(PG_PASS_MARKERS)"; \
	fi

test-fast: system-packages venv bytecode
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not ocr and not browser and not slow"

bench: setup
	$(BIN)/python bench/ocr.py

clean:
	rm -rf $(VENV) var .pytest_cache
