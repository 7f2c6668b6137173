"""Shared fixtures: a fresh app on a temporary data directory (SQLite, blob store, queue),
migrated with the real Alembic migrations."""

from __future__ import annotations

import os

import pytest

from archive.migrate import upgrade
from docsvc import create_app

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """Tests never see the developer's DOCSVC_* settings."""
    for key in list(os.environ):
        if key.startswith("DOCSVC_"):
            monkeypatch.delenv(key)


@pytest.fixture
def app_config(tmp_path):
    return {"DATA_DIR": tmp_path / "var", "OCR_PROCESSES": 2, "JOB_RETRY_DELAY": 0,
            "SECRET_KEY": "test-secret", "TESTING": True}


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    upgrade(app.extensions["docsvc"].engine)
    yield app
    app.extensions["docsvc"].close()


@pytest.fixture
def services(app):
    return app.extensions["docsvc"]


@pytest.fixture
def client(app):
    return app.test_client()
