"""A backlog processed in batches (set-based look-ups, reads in worker processes) decides
exactly what one-by-one processing decides, and a reader that hangs or crashes in a worker
costs only its own message (set aside after three attempts, like any failure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Config
from bot.db import Database
from bot.inbox import process_message, process_messages
from bot.mailbox import MAX_ATTEMPTS, MailboxWatcher
from bot.models import Contact, Event, InboundMessage, Invoice, Note, OutboxMessage, Promise
from bot.readpool import ReadFailed, ReadPool
from bot.runtime import Runtime
from tests.factories import seed_acme_and_globex
from tests.imap_fixtures import ImapServer, new_folder
from tests.mailbox_helpers import reply, status_counts
from tests.readpool_helpers import hostile_read

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _mail(n: int, frm: str, body: str, *, to: str = "ar@northwind.test", subject: str = "Re: your invoices",
          extra: str = "") -> bytes:
    return (f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <b{n}@mail.example>\r\n"
            f"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n{extra}"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n").encode()


BACKLOG = [
    _mail(1, "ap@acme.example", "We will pay INV-1 on 30 November.", to="ar+tok_acme_12345@northwind.test"),
    _mail(2, "ap@acme.example", "We dispute this invoice, the goods were damaged.",
          extra="In-Reply-To: <arbot.abc123@northwind.test>\r\n"),
    _mail(3, "ap@acme.example", "Could you send us a copy of invoice INV-2 please?"),
    _mail(4, "ap@globex.example", "Payment for G-1 was sent today by bank transfer."),
    _mail(5, "jane@acme.example", "Thanks, we are looking into it and will come back to you."),
    _mail(6, "nobody@unknown.example", "Please remove me from your list."),
    _mail(7, "ar@northwind.test", "our own copy"),
    _mail(8, "ap@acme.example", "Actually we will pay INV-1 and INV-2 on 4 December.",
          to="ar+tok_acme_12345@northwind.test"),
    _mail(9, "ap@globex.example", "Please contact bob@globex.example for payments from now on."),
    _mail(10, "bob@globex.example", "We will pay G-1 next Friday."),
    _mail(11, "ap@acme.example", "We dispute INV-2: the price is wrong."),
    _mail(12, "someone@gmail.com", "Invoice G-1 will be paid on 1 December."),
]
BACKLOG += [_mail(100 + i, "ap@acme.example", f"We will pay INV-{1 + i % 2} on {10 + i} December.")
            for i in range(8)]


def _world(url: str, cfg_factory: Callable[..., Config]) -> tuple[Config, Database, list[int]]:
    cfg = cfg_factory(url)
    db = Database(cfg.database_url)
    with db.session() as s:
        seed_acme_and_globex(s, NOW)
        ids = []
        for uid, raw in enumerate(BACKLOG, 1):
            m = InboundMessage(folder="INBOX", uidvalidity=1, uid=uid, raw=raw, received_at=NOW, status="new")
            s.add(m)
            s.flush()
            ids.append(m.id)
    return cfg, db, ids


def _snapshot(db: Database) -> dict[str, Any]:
    with db.session() as s:
        return {
            "inbound": [(m.uid, m.status, m.customer_id, m.tie, m.reading) for m in
                        s.scalars(select(InboundMessage).order_by(InboundMessage.uid))],
            "events": [(e.customer_id, e.invoice_id, e.kind, e.rule, e.summary, e.evidence) for e in
                       s.scalars(select(Event).order_by(Event.id))],
            "promises": [(p.customer_id, p.promised_date, p.status, p.invoice_numbers, p.source_message_id)
                         for p in s.scalars(select(Promise).order_by(Promise.id))],
            "notes": [(n.customer_id, n.invoice_id, n.text) for n in s.scalars(select(Note).order_by(Note.id))],
            "invoices": [(i.number, i.disputed, i.dispute_reason) for i in
                         s.scalars(select(Invoice).order_by(Invoice.number))],
            "contacts": [(c.customer_id, c.email, c.proposed) for c in
                         s.scalars(select(Contact).order_by(Contact.id))],
            "outbox": [(o.customer_id, o.kind, o.subject, o.invoice_numbers) for o in
                       s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))],
        }


def test_batch_with_worker_reads_decides_exactly_as_one_by_one(
        db_url: str, tmp_path: Path, config_factory: Callable[..., Config]) -> None:
    cfg_b, db_b, ids_b = _world(db_url, config_factory)
    pool = ReadPool(workers=2)
    try:
        out = process_messages(db_b, cfg_b, ids_b, NOW, pool=pool)
        assert pool.active                       # the backlog was read in worker processes
    finally:
        pool.close()
    (tmp_path / "one").mkdir()
    cfg_1, db_1, ids_1 = _world(f"sqlite:///{tmp_path / 'one' / 'single.db'}", config_factory)
    singles = [process_message(db_1, cfg_1, i, NOW) for i in ids_1]
    assert [(o.status, o.customer_id, o.intent, o.summary) for o in out] == \
        [(o.status, o.customer_id, o.intent, o.summary) for o in singles]
    batch, single = _snapshot(db_b), _snapshot(db_1)
    for key in single:
        assert batch[key] == single[key], key
    statuses = {row[1] for row in batch["inbound"]}
    assert {"processed", "review", "own"} <= statuses
    assert [p[2] for p in batch["promises"]].count("open") == 2    # superseded within the batch


def test_reader_failures_in_workers_raise_read_failed_and_write_nothing(
        sqlite_url: str, config_factory: Callable[..., Config]) -> None:
    cfg, db, ids = _world(sqlite_url, config_factory)
    with db.session() as s:
        s.get(InboundMessage, ids[3]).raw = BACKLOG[3].replace(b"today", b"today CRASH-READER")  # type: ignore[union-attr]
    pool = ReadPool(workers=1, timeout=5, read=hostile_read)
    try:
        with pytest.raises(ReadFailed, match="died"):
            process_messages(db, cfg, ids, NOW, pool=pool)
        assert status_counts(db) == {"new": len(ids)}               # all or nothing
        with db.session() as s:
            s.get(InboundMessage, ids[3]).raw = BACKLOG[3].replace(b"today", b"today HANG-READER")  # type: ignore[union-attr]
        pool.timeout = 2
        with pytest.raises(ReadFailed, match="timed out"):
            process_messages(db, cfg, ids, NOW, pool=pool)
        assert status_counts(db) == {"new": len(ids)}
        # The pool starts afresh after killing its workers: the others read fine.
        out = process_messages(db, cfg, ids[:3] + ids[4:], NOW, pool=pool)
        assert all(o.status in ("processed", "review", "own") for o in out)
    finally:
        pool.close()
    assert not pool.active


@pytest.fixture
def folder(imap_server: ImapServer) -> str:
    f = new_folder()
    imap_server.create(f)
    return f


def test_watcher_sets_aside_messages_whose_reader_hangs_or_crashes(
        imap_server: ImapServer, folder: str, config_factory: Callable[..., Config]) -> None:
    cfg = config_factory(None, imap_server.toml(folder))
    db = Database(cfg.database_url)
    msgs = [reply(i) for i in range(18)]
    msgs[5] = reply(5, body="We will pay soon. HANG-READER")
    msgs[11] = reply(11, body="We will pay soon. CRASH-READER")
    imap_server.append(folder, *msgs)
    rt = Runtime(db, cfg, read_pool=ReadPool(workers=1, timeout=2, read=hostile_read))
    w = MailboxWatcher(db, cfg, process=rt.process, process_batch=rt.process_batch)
    try:
        for _ in range(MAX_ATTEMPTS + 1):
            w.run_once()
    finally:
        w.close()
        rt.close()
    counts = status_counts(db)
    assert counts.get("failed") == 2 and sum(counts.values()) == 18
    with db.session() as s:
        failed = s.scalars(select(InboundMessage).where(InboundMessage.status == "failed")).all()
        assert {f.attempts for f in failed} == {MAX_ATTEMPTS}
        assert all(f.mailbox_done for f in failed)
        assert any("timed out" in (f.last_error or "") for f in failed)
        assert any("died" in (f.last_error or "") for f in failed)
    assert imap_server.uids(folder) == []
    assert len(imap_server.uids(f"{folder}/Needs review")) >= 2
