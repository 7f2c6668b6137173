"""The real databases the concurrency tests run on: a fresh SQLite file, and a throw-away
PostgreSQL database on the server at ``DOCSVC_TEST_POSTGRES_URL`` (created and dropped by the
test; ``.ci/run`` starts a server when none runs, so there its absence is a failure).

Use ``backend_fixture("prefix")`` in a test module: ``backend = backend_fixture("civil")``
gives each test the app's services on SQLite and on PostgreSQL (marked ``postgres``)."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("DOCSVC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def make_app(tmp_path, database_url: str | None, *, index: bool = False):
    from archive.migrate import upgrade
    from docsvc import create_app
    from docsvc.accounts.bootstrap import ensure_root_unit

    config = {"DATA_DIR": tmp_path / "var", "SECRET_KEY": "x", "TESTING": True, "INDEX_PROCS": 1}
    if database_url:
        config["DATABASE_URL"] = database_url
    app = create_app(config)
    upgrade(app.extensions["docsvc"].engine)
    ensure_root_unit(app.extensions["docsvc"])
    if index:
        from docsvc.finding.indexing import ensure_index

        ensure_index(app.extensions["docsvc"], background=False)
    return app


def backend_fixture(prefix: str, *, index: bool = False):
    @pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
    def backend(request, tmp_path):
        if request.param == "sqlite":
            app = make_app(tmp_path, None, index=index)
            yield app.extensions["docsvc"]
            app.extensions["docsvc"].close()
            return
        admin = create_engine(POSTGRES_URL)
        try:
            with admin.connect():
                pass
        except Exception as exc:  # pragma: no cover - depends on the machine
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
            pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
        name = f"docsvc_{prefix}_{os.getpid()}"
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        app = make_app(tmp_path, admin.url.set(database=name).render_as_string(hide_password=False), index=index)
        try:
            yield app.extensions["docsvc"]
        finally:
            app.extensions["docsvc"].close()
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    return backend


def at_once(calls) -> list:
    """Run every call at the same moment (released together by a barrier): each one's
    result, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def go(i, call):
        barrier.wait(timeout=60)
        try:
            results[i] = call()
        except Exception as exc:  # surfaced by the callers' assertions
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return results
