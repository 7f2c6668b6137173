"""The schema is made by Alembic migrations, and the models agree with them."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from archive.db import make_engine
from archive.migrate import current_revision, head_revision, upgrade
from archive.models import Base
from tests.backends import require_postgres


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


@pytest.mark.sqlite_only  # checks SQLite's own settings (WAL, foreign keys) on its file
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


@pytest.mark.postgres
def test_migrations_run_on_postgresql():
    """Every migration, one after the other from an empty database (not the tests' template)."""
    databases = require_postgres()
    name = f"{databases.prefix}_migrations"
    admin = create_engine(databases.server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(databases.url(name))
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
        assert {"documents", "pages", "jobs", "blobs", "workers"} <= set(inspect(engine).get_table_names())
        assert _diff(engine) == []
        upgrade(engine)  # idempotent
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
