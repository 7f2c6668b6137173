"""Shared fixtures: a fresh app on a temporary data directory (SQLite, blob store, queue),
migrated with the real Alembic migrations. With ``DOCSVC_TEST_DATABASE_URL`` set (a
PostgreSQL server), the app's database is a fresh PostgreSQL database instead
(``tests/backends.py``)."""

from __future__ import annotations

import os

import pytest

from archive.migrate import upgrade
from docsvc import create_app
from tests.backends import TEST_DATABASE_URL, close_postgres_databases, require_postgres, seed_sqlite

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """Tests never see the developer's DOCSVC_* settings."""
    for key in list(os.environ):
        if key.startswith("DOCSVC_"):
            monkeypatch.delenv(key)


@pytest.fixture
def database_url():
    """None (SQLite in the data directory), or a fresh PostgreSQL database copied from this
    process's migrated template when DOCSVC_TEST_DATABASE_URL is set; dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield None
        return
    databases = require_postgres()
    name = databases.create()
    yield databases.url(name)
    databases.drop(name)


@pytest.fixture
def spare_database_url():
    """A second, empty database for a test that needs another installation (a restore's
    target): None on SQLite (the installation's data directory holds its file), else a fresh
    PostgreSQL database with no table yet; dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield None
        return
    databases = require_postgres()
    name = databases.create(empty=True)
    yield databases.url(name)
    databases.drop(name)


@pytest.fixture
def app_config(tmp_path, database_url):
    config = {"DATA_DIR": tmp_path / "var", "OCR_PROCESSES": 2, "JOB_RETRY_DELAY": 0, "INDEX_PROCS": 1,
              "SECRET_KEY": "test-secret", "TESTING": True}
    if database_url:
        config["DATABASE_URL"] = database_url
    return config


@pytest.fixture
def app(app_config):
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.finding.indexing import ensure_index

    if "DATABASE_URL" not in app_config:
        seed_sqlite(app_config["DATA_DIR"])  # the migrated schema, copied (tests/backends.py)
    app = create_app(app_config)
    upgrade(app.extensions["docsvc"].engine)  # as `docsvc init` does: schema, root unit, indexes
    ensure_root_unit(app.extensions["docsvc"])
    ensure_index(app.extensions["docsvc"], background=False)
    yield app
    app.extensions["docsvc"].close()


@pytest.fixture
def services(app):
    return app.extensions["docsvc"]


@pytest.fixture
def client(app):
    return app.test_client()


class Accounts:
    """Units and users for a test: a root unit with two communes, A and B."""

    def __init__(self, services):
        from docsvc.access import system_principal
        from docsvc.accounts.services import create_unit
        from docsvc.accounts.bootstrap import ensure_root_unit

        self.services = services
        self.system = system_principal("test")
        ensure_root_unit(services)
        with services.session_factory() as db:
            create_unit(services, db, self.system, "XA-A", "Ủy ban nhân dân xã A", parent_code="UBND", kind="commune")
            create_unit(services, db, self.system, "XA-B", "Ủy ban nhân dân xã B", parent_code="UBND", kind="commune")
            db.commit()
        self.passwords: dict[str, str] = {}

    def user(self, username: str, *roles: str, unit: str = "XA-A", clearance: int = 0, full_name: str = ""):
        from docsvc.accounts.services import create_user

        password = f"pw-{username}-123"
        with self.services.session_factory() as db:
            user = create_user(self.services, db, self.system, username, password, roles=roles or ("viewer",),
                               unit_code=unit, clearance=clearance, full_name=full_name)
            db.commit()
            self.passwords[username] = password
            return user

    def token(self, username: str) -> str:
        from docsvc.accounts.services import create_token, get_user

        with self.services.session_factory() as db:
            token = create_token(self.services, db, self.system, get_user(db, username))
            db.commit()
            return token

    def principal(self, username: str):
        from docsvc.access import principal_for
        from docsvc.accounts.services import get_user

        with self.services.session_factory() as db:
            return principal_for(db, get_user(db, username))


@pytest.fixture
def accounts(services):
    return Accounts(services)


def csrf_token(client) -> str:
    import re

    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)})


class Api:
    """The test client with a Bearer token."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url, **kw):
        return self.client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)


@pytest.fixture
def clerk_api(client, accounts):
    accounts.user("clerk1", "clerk", clearance=1)
    return Api(client, accounts.token("clerk1"))


def pytest_sessionfinish(session):
    """Each test process drops its PostgreSQL template and test databases (tests/backends.py)."""
    close_postgres_databases()


def pytest_terminal_summary(terminalreporter):
    """One line per measured character error rate, also under pytest-xdist (the
    properties travel with the test reports to the controlling process)."""
    rates = [(name, value) for key in ("passed", "failed")
             for report in terminalreporter.stats.get(key, [])
             for name, value in getattr(report, "user_properties", ())
             if name.startswith("cer ") and name.endswith(" overall")]
    if rates:
        terminalreporter.section("OCR character error rate")
        for name, value in rates:
            terminalreporter.write_line(f"{name.removeprefix('cer ')}: {value:.2%}")
