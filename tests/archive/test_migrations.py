"""The schema is made by Alembic migrations, and the models agree with them."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from archive.db import make_engine
from archive.migrate import current_revision, head_revision, upgrade
from archive.models import Base


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_migrations_build_the_schema_the_models_describe(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert {"documents", "pages", "jobs", "blobs", "workers"} <= set(inspect(engine).get_table_names())
    assert _diff(engine) == []
    upgrade(engine)  # idempotent
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


POSTGRES_URL = os.environ.get("DOCSVC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_or_skip():
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        return engine
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):  # .ci/run starts PostgreSQL: there, its absence is a failure
            pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__}); start it with "
                    "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'")


@pytest.mark.postgres
def test_migrations_run_on_postgresql():
    admin = _postgres_or_skip()
    name = f"docsvc_test_{os.getpid()}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
        assert _diff(engine) == []
        engine.dispose()
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
