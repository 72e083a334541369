"""Shared CLI plumbing: config and database loading, ``--now``, errors, JSON output."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import typer

from bot.config import Config, ConfigError, load_config
from bot.db import Database, utcnow


@dataclass
class CliState:
    config_path: str | None = None
    _config: Config | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)

    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                fail(str(exc))
        return self._config

    def db(self) -> Database:
        if self._db is None:
            cfg = self.config()
            try:
                self._db = Database(cfg.database_url, echo=cfg.database.echo)
            except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
                from bot.db import redact

                fail(f"database {redact(cfg.database_url)}: {type(exc).__name__}: {exc}".splitlines()[0])
        return self._db


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        obj = CliState()
        ctx.find_root().obj = obj
    return obj


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear error (one line per problem) to stderr and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


NOW_HELP = "Pretend the current time is T (ISO date or datetime; a date means 09:00 company time)."


def parse_now(value: str | None, tz: ZoneInfo) -> dt.datetime:
    """``--now`` as an aware UTC datetime. Naive values are in the company time zone."""
    if not value:
        return utcnow()
    try:
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            local = dt.datetime.combine(d, dt.time(9, 0), tzinfo=tz)
        else:
            local = dt.datetime.fromisoformat(value)
            if local.tzinfo is None:
                local = local.replace(tzinfo=tz)
    except ValueError:
        fail(f"--now: not an ISO date or datetime: {value!r}")
    return local.astimezone(dt.UTC)


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{what}: not an ISO date (YYYY-MM-DD): {value!r}")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


T = TypeVar("T")


def staff_action(ctx: typer.Context, now: str | None,
                 action: Callable[[Any, dt.datetime, str], T],
                 errors: tuple[type[Exception], ...]) -> T:
    """Run a staff action ``action(session, now, by)`` in one transaction at ``--now``;
    the expected ``errors`` become a one-line error and exit 2 (nothing is written)."""
    st = state(ctx)
    at = parse_now(now, st.config().company.tz)
    try:
        with st.db().session() as s:
            return action(s, at, getpass.getuser())
    except errors as exc:
        fail(str(exc))
