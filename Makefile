# Two commands matter: `make run` and `make test`. Both set up what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# System packages: OCR engine with Vietnamese, fonts that cover Vietnamese (the sample
# generator renders with them), Chromium for the browser tests.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng fonts-dejavu-core \
                fonts-liberation2 fonts-noto-core chromium
# Tesseract uses every core per page unless told; one thread per process is far faster here.
export OMP_THREAD_LIMIT := 1

.PHONY: setup system-packages venv db run test test-fast bench clean

setup: system-packages venv db

system-packages:
	@scripts/ensure-system-packages $(APT_PACKAGES)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

db: venv
	$(BIN)/docsvc init

run: setup
	$(BIN)/docsvc demo --if-empty
	$(BIN)/docsvc run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not ocr and not browser and not slow"

bench: setup
	$(BIN)/python bench/ocr.py

clean:
	rm -rf $(VENV) var .pytest_cache
