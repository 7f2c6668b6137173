"""The whole database as one file, taken while others write, and loaded back.

SQLite: the online backup API copies a consistent snapshot page by page (in WAL mode the
writers go on meanwhile); the copy is switched to a rollback journal so that it is one
self-contained file. PostgreSQL: ``pg_dump --format=custom`` run on a snapshot exported by
a ``REPEATABLE READ`` transaction that stays open, so whoever reads that transaction (the
blob list, the counts) sees exactly what the dump holds.

This module reads no configuration: it takes an engine and paths.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

SQLITE, POSTGRESQL = "sqlite", "postgresql"
FILE_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}


class DumpError(Exception):
    """A dump or a load that could not be done; ``str()`` says why (the tool's own words)."""


def kind_of(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in (SQLITE, POSTGRESQL):
        raise DumpError(f"unsupported database: {name}")
    return name


@contextmanager
def snapshot(engine: Engine, dest: Path) -> Iterator[Connection]:
    """Write the database to ``dest`` and yield a read-only connection that sees exactly
    the state written (close it soon: on PostgreSQL it holds a snapshot open)."""
    kind = kind_of(engine)
    if kind == SQLITE:
        _sqlite_copy(Path(engine.url.database), dest)
        reader = create_engine(f"sqlite:///{dest}", poolclass=NullPool)   # only read
        try:
            with reader.connect() as conn:
                yield conn
        finally:
            reader.dispose()
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # The transaction's snapshot is fixed by its first statement: this one.
            name = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _run(["pg_dump", "--format=custom", "--no-password", f"--snapshot={name}", f"--file={dest}",
                  f"--dbname={_libpq(engine.url)}"], engine.url)
            yield conn


def _sqlite_copy(source: Path, dest: Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)   # one step: a single read transaction, so one consistent state
            out.execute("PRAGMA journal_mode=DELETE")
            out.commit()
        finally:
            out.close()
    finally:
        src.close()


def load(engine: Engine, source: Path, kind: str) -> None:
    """Load a file written by :func:`snapshot` into the (empty) database of ``engine``."""
    if kind != kind_of(engine):
        raise DumpError(f"the backup holds a {kind} database; this installation uses {kind_of(engine)}")
    engine.dispose()   # no pooled connection keeps the old (empty) file open
    if kind == SQLITE:
        target = Path(engine.url.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source)
        try:
            out = sqlite3.connect(target, timeout=30)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              "--no-password", f"--dbname={_libpq(engine.url)}", str(source)], engine.url)
    engine.dispose()


def table_names(conn: Connection) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows of every table, as this connection sees them."""
    quote = conn.dialect.identifier_preparer.quote
    return {name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()
            for name in table_names(conn)}


def revision(conn: Connection) -> str | None:
    if "alembic_version" not in table_names(conn):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def tools_missing(engine: Engine) -> list[str]:
    """The programs a PostgreSQL dump or load needs that are not on PATH."""
    if kind_of(engine) != POSTGRESQL:
        return []
    return [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]


def _libpq(url: URL) -> str:
    """The connection URI for the PostgreSQL tools, without the password (given by PGPASSWORD)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run(args: list[str], url: URL) -> None:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    if shutil.which(args[0]) is None:
        raise DumpError(f"{args[0]} is not installed (the PostgreSQL client programs are needed)")
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DumpError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")
