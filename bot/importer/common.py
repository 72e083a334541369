"""Small pieces shared by the three importers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.importer.bulk import BulkInsert
from bot.models import Customer, Event
from bot.money import MoneyError, check_currency, exponent, to_str

ProgressFn = Callable[[int, int], None]
"""``progress(position, total)``: called now and then while a file is read."""

PROGRESS_EVERY = 4096
INSERT_BATCH = 20_000


def text(value: Any) -> str:
    """A cell as stripped text (spreadsheet numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


def padded(cells: Sequence[Any], width: int) -> Sequence[Any]:
    """Rows shorter than the header (trailing empty cells dropped by the exporter)."""
    if len(cells) >= width:
        return cells
    return [*cells, *([""] * (width - len(cells)))]


class Currencies:
    """ISO code -> minor-unit exponent, memoised; unknown codes raise ``ValueError``."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, int]] = {}

    def __call__(self, code: str) -> tuple[str, int]:
        got = self._known.get(code)
        if got is None:
            try:
                norm = check_currency(code)
            except MoneyError:
                raise ValueError(f"unknown currency {code!r}") from None
            got = self._known[code] = (norm, exponent(norm))
        return got


def money_text(minor: int, currency: str) -> str:
    return f"{to_str(minor, currency)} {currency}"


@dataclass(frozen=True, slots=True)
class KnownCustomer:
    id: int
    currency: str | None


def load_customers(conn: Connection) -> dict[str, KnownCustomer]:
    """Every customer by external id (100,000 customers: ~20 MB)."""
    return {
        ext: KnownCustomer(cid, cur)
        for cid, ext, cur in conn.execute(select(Customer.id, Customer.external_id, Customer.currency))
    }


EVENT_COLUMNS = ("customer_id", "invoice_id", "at", "kind", "actor", "rule", "summary", "evidence")


def event_writer(conn: Connection) -> BulkInsert:
    """Bulk timeline appends: tuples in :data:`EVENT_COLUMNS` order (actor ``import``)."""
    return BulkInsert(conn, Event.__table__, EVENT_COLUMNS, memo=("at",))  # type: ignore[arg-type]


class _DryRun(Exception):
    """Raised inside the unit of work to roll a dry run back."""


@contextmanager
def unit_of_work(db: Database, dry_run: bool) -> Iterator[Session]:
    """One transaction for the whole file: committed on success, rolled back on any
    problem; a dry run does all the work and then rolls back, so its counts are exact."""
    try:
        with db.session() as session, _large_cache(session):
            yield session
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


@contextmanager
def _large_cache(session: Session) -> Iterator[None]:
    """SQLite: a 128 MB page cache for the import (allocated only as used), then the
    pooled connection's own size again. A large transaction would otherwise spill the
    default 2 MB cache to the WAL again and again."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    old = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    conn.exec_driver_sql("PRAGMA cache_size = -131072")
    try:
        yield
    finally:
        # Never mask the import's own outcome (e.g. an invalidated connection).
        with suppress(Exception):
            conn.exec_driver_sql(f"PRAGMA cache_size = {old}")


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
