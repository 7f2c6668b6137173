"""The real databases the tests run on.

SQLite is the default: each app gets a fresh file in its temporary data directory. When
``DOCSVC_TEST_DATABASE_URL`` names a PostgreSQL server (``.ci/run`` sets it), every app built
by the ``app``/``services`` fixtures of ``tests/conftest.py`` runs on a fresh PostgreSQL
database instead: each test process migrates one template database once, and each test gets
``CREATE DATABASE … TEMPLATE`` (a file copy, far faster than running the migrations), dropped
``WITH (FORCE)`` afterwards.

The concurrency tests run on both databases whatever the variable says: use
``backend_fixture("prefix")`` in a test module (``backend = backend_fixture("civil")`` gives
each test the app's services on SQLite, marked ``sqlite_only``, and on PostgreSQL, marked
``postgres``). Their server is ``DOCSVC_TEST_DATABASE_URL``, else ``DOCSVC_TEST_POSTGRES_URL``,
else the machine's own at 127.0.0.1:5432; ``.ci/run`` starts a server when none runs, so there
its absence is a failure."""

from __future__ import annotations

import atexit
import itertools
import os
import queue
import threading
from collections.abc import Mapping

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

# Read at import: the autouse fixture of conftest.py hides every DOCSVC_* variable from tests.
TEST_DATABASE_URL = os.environ.get("DOCSVC_TEST_DATABASE_URL", "")
POSTGRES_URL = (TEST_DATABASE_URL or os.environ.get("DOCSVC_TEST_POSTGRES_URL")
                or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


_SQLITE_TEMPLATE: list[str] = []


def seed_sqlite(data_dir) -> None:
    """Put a copy of this process's migrated SQLite database (made once, by the migrations
    ``docsvc init`` runs) in a new data directory: the SQLite counterpart of the PostgreSQL
    template. Running the sixteen migrations for every app cost about 0.4 s of each of the
    suite's thousand app tests; a copy costs a few milliseconds. The copy holds only what the
    migrations write (the schema, the calendar, the retention rules, the empty audit head),
    nothing of the installation (keys, units, audit records), which each test's app makes."""
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    if not _SQLITE_TEMPLATE:
        from archive.migrate import upgrade
        from docsvc import create_app

        work = Path(tempfile.mkdtemp(prefix="docsvc-sqlite-template-"))
        app = create_app({"DATA_DIR": work / "var", "SECRET_KEY": "x", "TESTING": True, "INDEX_PROCS": 1})
        upgrade(app.extensions["docsvc"].engine)
        app.extensions["docsvc"].close()
        source, target = sqlite3.connect(work / "var" / "docsvc.db"), sqlite3.connect(work / "template.db")
        with target:
            source.backup(target)  # whole and consistent, the write-ahead log folded in
        source.close()
        target.close()
        _SQLITE_TEMPLATE.append(str(work / "template.db"))
        atexit.register(shutil.rmtree, work, True)
    data_dir = Path(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(_SQLITE_TEMPLATE[0], data_dir / "docsvc.db")
    os.chmod(data_dir / "docsvc.db", 0o600)


def make_app(tmp_path, database_url: str | None, *, index: bool = False):
    """A migrated app on ``database_url`` (None: SQLite in ``tmp_path``), with its root unit."""
    from docsvc import create_app
    from docsvc.accounts.bootstrap import ensure_root_unit

    config = {"DATA_DIR": tmp_path / "var", "SECRET_KEY": "x", "TESTING": True, "INDEX_PROCS": 1}
    if database_url:
        config["DATABASE_URL"] = database_url
    else:
        seed_sqlite(tmp_path / "var")
    app = create_app(config)
    if database_url:  # a template copy is at head already (a no-op); an empty database is migrated
        from archive.migrate import upgrade

        upgrade(app.extensions["docsvc"].engine)
    ensure_root_unit(app.extensions["docsvc"])
    if index:
        from docsvc.finding.indexing import ensure_index

        ensure_index(app.extensions["docsvc"], background=False)
    return app


class PostgresDatabases:
    """Throw-away databases on one PostgreSQL server for one test process.

    The first ``create()`` migrates a template database named with the xdist worker id and
    the pid (two workers, or two runs on one server, never share one); every ``create()``
    copies it. Names stay under PostgreSQL's 63 characters."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"docsvc_t_{worker}_{os.getpid()}"
        self.template = f"{self.prefix}_tmpl"
        self._admin = None
        self._ready = False
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._made: set[str] = set()
        self._to_drop: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None
        atexit.register(self.close)  # also when the session ends without its fixture's teardown

    @property
    def admin(self):
        if self._admin is None:
            self._admin = create_engine(self.server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        return self._admin

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def reachable(self) -> Exception | None:
        """None when the server answers, else why not."""
        try:
            with self.admin.connect():
                return None
        except Exception as exc:  # noqa: BLE001 - reported by the caller as skip or failure
            return exc

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _ensure_template(self) -> None:
        from archive.db import make_engine
        from archive.migrate import upgrade

        if self._ready:
            return
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.template}"')
        self._made.add(self.template)
        engine = make_engine(self.url(self.template))
        try:
            upgrade(engine)
        finally:
            engine.dispose()  # a template must have no connection when it is copied
        self._ready = True

    def create(self, *, empty: bool = False) -> str:
        """A fresh migrated database (``empty``: with no table, as before ``docsvc init``);
        returns its name."""
        with self._lock:
            if not empty:
                self._ensure_template()
            name = f"{self.prefix}_{next(self._numbers)}"
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            copy = "" if empty else f' TEMPLATE "{self.template}"'
            self._execute(f'CREATE DATABASE "{name}"{copy}')
            self._made.add(name)
            return name

    def drop(self, name: str) -> None:
        """Drop ``name`` in the background: the next test need not wait for the server to
        remove the files (a few tenths of a second each on a busy machine)."""
        with self._lock:
            if self._dropper is None:
                self._dropper = threading.Thread(target=self._drop_queued, name="drop-test-databases", daemon=True)
                self._dropper.start()
        self._to_drop.put(name)

    def _drop_queued(self) -> None:
        while (name := self._to_drop.get()) is not None:
            try:
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                with self._lock:
                    self._made.discard(name)
            except Exception:  # noqa: BLE001 - close() tries again at the end
                pass

    def close(self) -> None:
        if self._dropper is not None:
            self._to_drop.put(None)
            self._dropper.join(timeout=120)
            self._dropper = None
        if self._admin is None:
            return
        for name in sorted(self._made):
            try:
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception:  # noqa: BLE001 - the server may be gone at exit; nothing to keep
                pass
        self._made.clear()
        self._ready = False
        self._admin.dispose()
        self._admin = None


_databases: PostgresDatabases | None = None


def postgres_databases() -> PostgresDatabases:
    """This process's throw-away databases on the test server (one template per process)."""
    global _databases
    if _databases is None:
        _databases = PostgresDatabases(POSTGRES_URL)
    return _databases


def close_postgres_databases() -> None:
    """Drop what this process made (its template, any test database left): at the session's end."""
    if _databases is not None:
        _databases.close()


def require_postgres() -> PostgresDatabases:
    """The server's databases, or a skip (a failure under CI or with DOCSVC_TEST_DATABASE_URL
    set, where the server was promised)."""
    databases = postgres_databases()
    problem = databases.reachable()
    if problem is not None:
        message = f"PostgreSQL not reachable at {POSTGRES_URL} ({problem.__class__.__name__})"
        if os.environ.get("CI") or TEST_DATABASE_URL:
            pytest.fail(message)
        pytest.skip(message + "; start it with 'pg_ctlcluster --skip-systemctl-redirect "
                    "$(ls /etc/postgresql) main start'")
    return databases


def database_env(source) -> dict[str, str]:
    """The variable a child process (a worker, a server, a command) needs to open the same
    database as ``source`` (an app config such as the ``app_config`` fixture, or the app's
    services): empty on SQLite, where the data directory says it."""
    url = source.get("DATABASE_URL") if isinstance(source, Mapping) else source.settings.database_url
    return {"DOCSVC_DATABASE_URL": str(url)} if url else {}


def lift_append_only_guard(conn, table: str = "audit_records") -> None:
    """What an attacker with the database does first: drop the triggers that keep ``table``
    append-only (archive/audit.py names them per database)."""
    if conn.dialect.name == "sqlite":
        for trigger in (f"{table}_no_update", f"{table}_no_delete"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    else:
        for trigger in (f"{table}_no_change", f"{table}_no_truncate"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger} ON {table}"))


def backend_fixture(prefix: str, *, index: bool = False):
    """``prefix`` is kept for the modules' readability; the database names come from
    ``PostgresDatabases``."""

    @pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite_only),
                            pytest.param("postgres", marks=pytest.mark.postgres)])
    def backend(request, tmp_path):
        if request.param == "sqlite":
            app = make_app(tmp_path, None, index=index)
            yield app.extensions["docsvc"]
            app.extensions["docsvc"].close()
            return
        databases = require_postgres()
        name = databases.create()
        app = make_app(tmp_path, databases.url(name), index=index)
        try:
            yield app.extensions["docsvc"]
        finally:
            app.extensions["docsvc"].close()
            databases.drop(name)

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
