"""Shared set-up for the mailbox benchmarks: an IMAP server, a database, a config."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.config import Config, load_config
from bot.db import Database
from bot.devtools.dovecot_local import LocalDovecot, dovecot_binary
from bot.devtools.imap_local import LocalImapServer

PASSWORD_ENV = "ARBOT_BENCH_IMAP_PASSWORD"


@dataclass
class Bench:
    kind: str
    host: str
    port: int
    user: str
    password: str
    separator: str
    config: Config
    db: Database


@contextmanager
def bench_setup(folder: str = "Replies", *, idle: bool = True, poll_seconds: float = 60.0) -> Iterator[Bench]:
    """Dovecot when installed (else embedded pymap) + SQLite in a temp dir
    (or ``ARBOT_BENCH_DB_URL``, e.g. a PostgreSQL database)."""
    use_dovecot = dovecot_binary() is not None and os.environ.get("ARBOT_BENCH_SERVER") != "pymap"
    server = LocalDovecot() if use_dovecot else LocalImapServer()
    server.start()
    tmp = Path(tempfile.mkdtemp(prefix="arbot-bench-"))
    try:
        os.environ[PASSWORD_ENV] = server.password
        db_url = os.environ.get("ARBOT_BENCH_DB_URL") or f"sqlite:///{tmp / 'bench.db'}"
        (tmp / "bot.toml").write_text(f"""
[company]
name = "Northwind Supplies Ltd"
ar_address = "ar@northwind.test"

[database]
url = "{db_url}"

[imap]
host = "{server.host}"
port = {server.port}
username = "{server.user}"
password_env = "{PASSWORD_ENV}"
folder = "{folder}"
idle = {'true' if idle else 'false'}
poll_seconds = {poll_seconds}
""", encoding="utf-8")
        cfg = load_config(tmp / "bot.toml")
        db = Database(cfg.database_url)
        yield Bench("dovecot" if use_dovecot else "pymap", server.host, server.port, server.user,
                    server.password, "." if use_dovecot else "/", cfg, db)
        db.close()
    finally:
        server.stop()


def passthrough_batch(db: Database) -> Callable[[list[int]], None]:
    """The pass-through step for several rows in one transaction."""
    from sqlalchemy import update

    from bot.db import utcnow
    from bot.models import InboundMessage

    def batch(ids: list[int]) -> None:
        with db.session() as s:
            s.execute(update(InboundMessage).where(InboundMessage.id.in_(list(ids))).values(
                status="processed", processed_at=utcnow()))

    return batch


def real_or_passthrough(db: Database, config: Config) -> tuple[Callable[[int], None], str]:
    """``bot.inbox.process_message`` when it exists, else a pass-through that only
    records the outcome (status processed) in one transaction per message."""
    from bot.mailbox import default_process_hook

    hook = default_process_hook(db, config)
    if hook is not None:
        return hook, "real pipeline (bot.inbox.process_message)"
    from sqlalchemy import update

    from bot.db import utcnow
    from bot.models import InboundMessage

    def passthrough(inbound_id: int) -> None:
        with db.session() as s:
            s.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(
                status="processed", processed_at=utcnow()))

    return passthrough, "pass-through hook (bot.inbox.process_message not available yet)"
