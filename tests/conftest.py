"""Shared fixtures.

* ``db_url``: parametrised over SQLite (a temp file) and PostgreSQL. PostgreSQL tests use
  the server named by ``ARBOT_TEST_PG_URL`` (``.ci/run`` sets it) and skip with a reason
  when it is absent. Each test session creates its own throwaway database on that
  server, so concurrent test runs never collide.
* ``config_factory``: a validated :class:`bot.config.Config` written to a temp bot.toml.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Config, load_config

PG_ENV = "ARBOT_TEST_PG_URL"
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _admin_url(url: str) -> str:
    from bot.db import sync_url

    return sync_url(url)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(_admin_url(base), isolation_level="AUTOCOMMIT")
    name = f"arbot_t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"cannot create a test database on {PG_ENV}: {exc}".splitlines()[0])
    url = make_url(_admin_url(base)).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as c:
        c.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
        ), {"n": name})
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine

    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.exec_driver_sql("DROP SCHEMA public CASCADE")
        c.exec_driver_sql("CREATE SCHEMA public")
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL with an empty schema; migrations run when it is opened."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'arbot.db'}"
    url: str = request.getfixturevalue("pg_server_url")
    _reset_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'arbot.db'}"


MINIMAL_TOML = """\
[company]
name = "Northwind Supplies Ltd"
ar_address = "ar@northwind.test"
timezone = "Europe/London"
currency = "GBP"
staff = ["controller@northwind.test"]
escalation = ["collections@northwind.test"]

[database]
url = "{db_url}"
"""


@pytest.fixture
def config_factory(tmp_path: Path) -> Callable[..., Config]:
    """``config_factory(db_url, extra_toml="")`` writes bot.toml in tmp_path and loads it."""

    def make(db_url: str | None = None, extra_toml: str = "") -> Config:
        url = db_url or f"sqlite:///{tmp_path / 'arbot.db'}"
        path = tmp_path / "bot.toml"
        path.write_text(MINIMAL_TOML.format(db_url=url) + "\n" + extra_toml, encoding="utf-8")
        return load_config(path)

    return make

# Shared fixture modules: the local Stripe server and its config (stripe_server, stripe_env,
# pay_config, pay_db); IMAP servers for the mailbox tests (embedded pymap; Dovecot when enabled).
pytest_plugins = ["tests.stripe_support", "tests.imap_fixtures"]
