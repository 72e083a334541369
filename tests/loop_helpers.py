"""A small world for whole-loop tests: SMTP sink, IMAP folder, ledger, bot.toml, cycles.

Everything real: the daemon's own tasks (:class:`bot.runtime.Runtime`) run one cycle at a
time at simulated moments (``run_cycle``, what ``arbot run --once --now T`` does), or as
``arbot`` subprocesses. Customers answer with :mod:`bot.demo.mailers` (quoted replies,
RFC 3834 auto-replies, RFC 3464 bounces), delivered by IMAP APPEND.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select

from bot.config import Config, load_config
from bot.daemon import run_cycle
from bot.db import Database
from bot.demo import mailers
from bot.devtools.smtp_sink import Delivered, SmtpSink
from bot.models import Customer, Event, InboundMessage, OutboxMessage
from bot.runtime import Runtime
from tests.factories import LedgerBuilder
from tests.imap_fixtures import PASSWORD_ENV, ImapServer

REPO = Path(__file__).resolve().parent.parent
STAFF = "controller@northwind.test"
ESCALATION = "collections@northwind.test"
AR = "ar@northwind.test"
UTC = dt.UTC
T = TypeVar("T")

BASE_TOML = """\
[company]
name = "Northwind Supplies Ltd"
ar_address = "{ar}"
timezone = "Europe/London"
currency = "GBP"
staff = ["{staff}"]
escalation = ["{escalation}"]

[database]
url = "{db_url}"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
connections = 2
retry_base_seconds = 1

[digest]
local_time = "{digest_time}"

[daemon]
tick_seconds = {tick_seconds}
payment_poll_seconds = 1
stop_timeout_seconds = 8
"""


# A campaign whose send window is always open: for daemons on the real clock.
ALWAYS_OPEN = """\
[campaigns.default]
min_days_between = 3
send_window = { days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start = "00:00:00", end = "23:59:59" }

[[campaigns.default.steps]]
name = "polite"
offset_days = 3
template = "polite"

[[campaigns.default.steps]]
name = "stern"
offset_days = 30
template = "stern"
"""


def wait_for(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll ``predicate`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def text_of(raw: bytes) -> str:
    body = parse(raw).get_body(("plain",))
    return body.get_content() if body is not None else ""


def subprocess_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@dataclass
class LoopWorld:
    """One test's world. ``cycle(at)`` runs the daemon's tasks once at ``at``."""

    config: Config
    db: Database
    sink: SmtpSink
    imap: ImapServer
    folder: str
    mail: list[Delivered] = field(default_factory=list)

    # ------------------------------------------------------------------ building
    @classmethod
    def create(cls, tmp_path: Path, db_url: str, sink: SmtpSink, imap: ImapServer, folder: str, *,
               extra_toml: str = "", tick_seconds: float = 300.0, idle: bool = False,
               poll_seconds: float = 0.5, digest_time: str = "08:00:00") -> LoopWorld:
        imap.create(folder)
        path = tmp_path / "bot.toml"
        path.write_text(BASE_TOML.format(ar=AR, staff=STAFF, escalation=ESCALATION, db_url=db_url,
                                         smtp_port=sink.port, tick_seconds=tick_seconds,
                                         digest_time=digest_time)
                        + "\n" + imap.toml(folder, idle=idle, poll_seconds=poll_seconds)
                        + "\n" + extra_toml, encoding="utf-8")
        os.environ[PASSWORD_ENV] = imap.password
        cfg = load_config(path)
        return cls(cfg, Database(cfg.database_url), sink, imap, folder)

    def ledger(self, customers: Iterable[str], *, due: Sequence[tuple[dt.date, str]]) -> None:
        """Customers ``Cn`` (contact ``ap@cn.test``), each with invoices ``INV-n-k`` (due, amount)."""
        with self.db.session() as s:
            b = LedgerBuilder(s)
            for ext in customers:
                c = b.customer(ext, f"{ext} Trading Ltd", email=self.contact(ext))
                for k, (d, amount) in enumerate(due, start=1):
                    b.invoice(c, f"INV-{ext}-{k}", due=d, amount=amount)

    @staticmethod
    def contact(ext: str) -> str:
        return f"ap@{ext.lower()}.test"

    # ------------------------------------------------------------------ running
    def cycle(self, at: dt.datetime) -> list[str]:
        """One full cycle at ``at``, exactly as ``arbot run --once --now`` builds it."""
        lines = asyncio.run(self._cycle(at))
        self.collect()
        return lines

    async def _cycle(self, at: dt.datetime) -> list[str]:
        rt = Runtime(self.db, self.config, clock=lambda: at)
        try:
            lines = await run_cycle(rt.tasks(), at)
        finally:
            watcher: Any = rt.tasks_built.get("mailbox")
            if watcher is not None:
                watcher.close()
            sender: Any = rt.tasks_built.get("send")
            if sender is not None:
                await sender.aclose()
        failed = [line for line in lines if "FAILED" in line]
        assert not failed, failed
        return lines

    def run_once_cli(self, at: dt.datetime, timeout: float = 60.0) -> str:
        """``arbot run --once --now T`` as a real subprocess."""
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(self.config.source_path), "run", "--once",
             "--now", at.isoformat()],
            check=False, cwd=REPO, env=subprocess_env(), capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "FAILED" not in proc.stdout, proc.stdout + proc.stderr[-3000:]
        self.collect()
        return proc.stdout

    # ------------------------------------------------------------------ mail
    def collect(self) -> list[Delivered]:
        new = self.sink.take()
        self.mail.extend(new)
        return new

    def to(self, address: str) -> list[Delivered]:
        self.collect()
        return [d for d in self.mail if address.lower() in (r.lower() for r in d.rcpt_to)]

    def campaign_mail(self, ext: str) -> list[Delivered]:
        return [d for d in self.to(self.contact(ext)) if "X-Arbot-Token" in parse(d.raw)]

    def reply(self, original: Delivered, ext: str, text: str, at: dt.datetime, *, language: str = "en") -> bytes:
        raw = mailers.reply(original.raw, sender=self.contact(ext), sender_name=f"{ext} Accounts", text=text,
                            now=at, tz="Europe/London", language=language)
        self.imap.append(self.folder, raw)
        return raw

    def auto_reply(self, original: Delivered, ext: str, text: str, at: dt.datetime) -> bytes:
        raw = mailers.auto_reply(original.raw, sender=self.contact(ext), sender_name=f"{ext} Accounts",
                                 text=text, subject_prefix="Out of office", now=at, tz="Europe/London")
        self.imap.append(self.folder, raw)
        return raw

    def bounce(self, original: Delivered, ext: str, at: dt.datetime) -> bytes:
        raw = mailers.bounce(original.raw, failed=self.contact(ext), now=at,
                             reporting_mta=f"mx1.{ext.lower()}.test")
        self.imap.append(self.folder, raw)
        return raw

    def staff_mail(self, text: str, at: dt.datetime, *, subject: str = "Re: arbot digest") -> bytes:
        raw = (f"From: Controller <{STAFF}>\r\nTo: {AR}\r\nSubject: {subject}\r\n"
               f"Date: {email.utils.format_datetime(at)}\r\n"
               f"Message-ID: <staff.{at:%Y%m%d%H%M%S}@northwind.test>\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n").encode()
        self.imap.append(self.folder, raw)
        return raw

    # ------------------------------------------------------------------ database
    def customer(self, ext: str) -> Customer:
        with self.db.session() as s:
            c = s.scalar(select(Customer).where(Customer.external_id == ext))
            assert c is not None
            s.expunge(c)
            return c

    def events(self, ext: str | None = None, kind: str | None = None) -> list[Event]:
        with self.db.session() as s:
            q = select(Event).order_by(Event.id)
            if ext is not None:
                q = q.where(Event.customer_id == select(Customer.id).where(Customer.external_id == ext)
                            .scalar_subquery())
            if kind is not None:
                q = q.where(Event.kind == kind)
            rows = list(s.scalars(q))
            for r in rows:
                s.expunge(r)
            return rows

    def inbound(self) -> list[InboundMessage]:
        with self.db.session() as s:
            rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
            for r in rows:
                s.expunge(r)
            return rows

    def outbox_status_counts(self) -> dict[str, int]:
        with self.db.session() as s:
            return dict(s.execute(select(OutboxMessage.status, func.count())
                                  .group_by(OutboxMessage.status)).all())

    # ------------------------------------------------------------------ IMAP
    def message_ids_in(self, folder: str) -> set[str]:
        with self.imap.client() as c:
            name = self.imap.name(folder)
            if not c.folder_exists(name):
                return set()
            c.select_folder(name, readonly=True)
            uids = c.search(["ALL"])
            if not uids:
                return set()
            got = c.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        out = set()
        for data in got.values():
            head = next(v for k, v in data.items() if k.startswith(b"BODY"))
            mid = parse(bytes(head))["Message-ID"]
            if mid:
                out.add(str(mid).strip())
        return out

    def close(self) -> None:
        self.db.close()


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class Daemon:
    """One ``arbot run`` process; output goes to a file (a full pipe would block it)."""

    def __init__(self, world: LoopWorld, log: Path) -> None:
        self.log = log
        self.out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(world.config.source_path), "run"],
            cwd=REPO, env=subprocess_env(), stdout=self.out, stderr=subprocess.STDOUT)

    def running(self) -> bool:
        """Its supervisor is up (signal handlers installed): a first task reported."""
        return "arbot.daemon:" in self.output()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> float:
        """Signal it; return how long it took to exit (fails past ``timeout``).

        Waits first for the supervisor to be up: a signal during the interpreter's
        start-up (before the handlers exist) just kills the process."""
        wait_for(self.running, 30, "the daemon to start")
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"arbot run did not exit within {timeout:.0f} s of {signal.Signals(sig).name}:\n"
                        + self.output()[-3000:])
        took = time.monotonic() - t0
        assert rc == 0, f"exit status {rc}:\n" + self.output()[-3000:]
        return took

    def output(self) -> str:
        if not self.out.closed:
            self.out.flush()
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.out.close()
