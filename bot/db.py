"""Database engine, sessions and migrations.

One synchronous SQLAlchemy engine per process. The daemon runs database units of work
in worker threads (``asyncio.to_thread``); set-based SQL keeps them short.

* SQLite: WAL, ``foreign_keys=ON``, ``busy_timeout``; ``synchronous=FULL`` by default
  because a "sent" mark lost on power failure would mean a duplicate email
  (``synchronous=NORMAL`` survives ``kill -9`` but not power loss; see docs/storage.md).
* PostgreSQL: ``postgresql://``, ``postgresql+psycopg://`` and ``postgresql+asyncpg://``
  URLs are accepted; the async driver names are mapped to their synchronous
  counterparts (psycopg 3), the same server and database.
* Alembic migrations are applied automatically by :func:`open_database` and by
  ``arbot db upgrade``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_SYNC_DRIVERS = {
    "postgresql+asyncpg": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "sqlite+aiosqlite": "sqlite",
}


def sync_url(url: str) -> str:
    """Map async or driverless URLs to the synchronous driver arbot uses."""
    scheme, sep, rest = url.partition("://")
    driver = _SYNC_DRIVERS.get(scheme)
    # Only the scheme changes: re-rendering the URL would escape parts of it (":memory:").
    return f"{driver}{sep}{rest}" if driver and sep else url


def redact(url: str) -> str:
    """The URL with any password hidden, for logs and errors."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str, *, echo: bool = False, sqlite_synchronous: str = "FULL") -> Engine:
    url = sync_url(url)
    if url.startswith("sqlite"):
        pool_args: dict[str, Any] = {} if ":memory:" in url else {"pool_size": 8, "max_overflow": 8}
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False},
                               **pool_args)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, manage transactions (so BEGIN is explicit).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute(f"PRAGMA synchronous={sqlite_synchronous}")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front: no deadlock-prone lock upgrades
            # between concurrent writers (several processes on one file).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` on ``engine``."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """An engine plus a session factory; migrations applied on open."""

    def __init__(self, url: str, *, echo: bool = False, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        if migrate:
            upgrade(self.engine)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any exception."""
        with self._factory() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()


def utcnow() -> dt.datetime:
    """The real clock, for ``bot/`` only; everything below takes ``now`` as an argument."""
    return dt.datetime.now(dt.UTC)
