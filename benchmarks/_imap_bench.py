"""Shared set-up for the mailbox benchmarks: an IMAP server, a database, a config."""

from __future__ import annotations

import os
import shutil
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
        shutil.rmtree(tmp, ignore_errors=True)  # the bench database is only for this run


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
    """The real processing step when it exists, else a pass-through that only
    records the outcome (status processed) in one transaction per message."""
    from bot.mailbox import default_process_hook

    hook = default_process_hook(db, config)
    if hook is not None:
        return hook, "real pipeline (read, tie, decide, apply: bot.runtime.Runtime.process)"
    from sqlalchemy import update

    from bot.db import utcnow
    from bot.models import InboundMessage

    def passthrough(inbound_id: int) -> None:
        with db.session() as s:
            s.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(
                status="processed", processed_at=utcnow()))

    return passthrough, "pass-through hook (bot.inbox.process_message not available yet)"


REPLY_BODIES = (
    "Hello,\r\n\r\nWe will pay invoice {inv} by 15 December.\r\n\r\nRegards,\r\nJane",
    "Hi,\r\n\r\nWe dispute {inv}: the goods arrived damaged and we returned them.\r\n\r\nTom",
    "Dear team,\r\n\r\nPayment of {inv} was sent today by bank transfer, reference PAY-{n}.\r\n\r\nBest,\r\nAna",
    "Hello,\r\n\r\nCould you please send us a copy of invoice {inv}?\r\n\r\nThanks,\r\nLee",
    "Thanks for the reminder, we are looking into {inv} and will come back to you.\r\n\r\nSam",
)


def seed_ledger(db: Database, customers: int = 200) -> None:
    """Customers with one contact (ap@custN.test) and one overdue invoice (INV-N) each."""
    import datetime as dt

    from bot.models import Contact, Customer, Invoice

    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with db.session() as s:
        for i in range(customers):
            c = Customer(external_id=f"C{i}", name=f"Customer {i} Ltd", language="en",
                         timezone="Europe/London", currency="EUR", tags=[], state="active",
                         dunning_cycle=0, created_at=now, updated_at=now)
            s.add(c)
            s.flush()
            s.add(Contact(customer_id=c.id, email=f"ap@cust{i}.test", is_primary=True,
                          source="import", created_at=now))
            s.add(Invoice(number=f"INV-{1000 + i}", customer_id=c.id, kind="invoice",
                          issue_date=dt.date(2026, 9, 1), due_date=dt.date(2026, 10, 1),
                          total_minor=125000, balance_minor=125000, currency="EUR",
                          status="open", created_at=now, updated_at=now))


def realistic_reply(n: int, customers: int = 200) -> bytes:
    """A reply from customer n % customers about its invoice, one of five kinds."""
    i = n % customers
    inv = f"INV-{1000 + i}"
    body = REPLY_BODIES[n % len(REPLY_BODIES)].format(inv=inv, n=n)
    quoted = ("\r\n\r\n> On Mon, 16 Nov 2026, Accounts Receivable wrote:\r\n"
              f"> Our records show invoice {inv} for EUR 1,250.00 is overdue.\r\n")
    head = (f"Message-ID: <r{n}.{os.getpid()}@cust{i}.test>\r\nFrom: Accounts Payable <ap@cust{i}.test>\r\n"
            f"To: ar@northwind.test\r\nSubject: Re: Invoice {inv} is overdue\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            'Content-Type: text/plain; charset="utf-8"\r\n\r\n')
    return (head + body + quoted).encode()
