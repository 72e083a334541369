"""``arbot run`` as real processes: continuous mode, signals, two daemons on one database.

The daemons run on the real clock, so the ledger is built relative to today and the
campaign's send window is open all week, all day. Every wait is on a condition (the
sink, the database) with a deadline; nothing sleeps to synchronise.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.demo import mailers
from bot.devtools.smtp_sink import SmtpSink
from bot.mailbox_lock import lock_key
from bot.models import Customer, Event, InboundMessage, OutboxMessage, Promise
from tests.imap_fixtures import ImapServer, new_folder
from tests.loop_helpers import ALWAYS_OPEN, Daemon, LoopWorld, parse, today, wait_for
from tests.mailbox_helpers import poison_messages

D = dt.date


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        yield s


def _world(tmp_path: Path, db_url: str, sink: SmtpSink, imap: ImapServer) -> LoopWorld:
    # digest at local midnight: due whenever the test runs, so every daemon start meets it
    return LoopWorld.create(tmp_path, db_url, sink, imap, new_folder(), extra_toml=ALWAYS_OPEN,
                            tick_seconds=0.5, idle=True, poll_seconds=1.0, digest_time="00:00:00")


def _ledger(w: LoopWorld, n: int) -> list[str]:
    ids = [f"C{i}" for i in range(1, n + 1)]
    w.ledger(ids, due=((today() - dt.timedelta(days=5), "120.00"),))
    return ids


def _campaign_count(w: LoopWorld, n: int) -> bool:
    w.collect()     # (header-only look: parsing 200 multipart emails per poll is slow)
    heads = [d.raw.split(b"\r\n\r\n", 1)[0] for d in w.mail]
    return sum(1 for h in heads if b"X-Arbot-Token" in h and b"In-Reply-To" not in h) >= n


def _promise_text(days: int) -> str:
    d = today() + dt.timedelta(days=days)
    return f"Hello,\n\nWe will pay the open invoice on {d:%d %B %Y}.\n\nRegards,\nAccounts"


def _copy_text() -> str:
    return "Hello,\n\nWe cannot find this invoice. Could you please send us a copy of the invoice?\n\nThanks"


def _inbound_status(w: LoopWorld) -> Counter[str]:
    with w.db.session() as s:
        return Counter(dict(s.execute(select(InboundMessage.status, func.count())
                                      .group_by(InboundMessage.status)).all()))


def _half_done(w: LoopWorld) -> dict[str, int]:
    """Outbox rows stuck in ``sending`` and inbound rows claimed-but-unfinished."""
    with w.db.session() as s:
        sending = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "sending")) or 0
        failed = s.scalar(select(func.count()).select_from(InboundMessage).where(
            InboundMessage.status == "failed")) or 0
    return {"sending": int(sending), "inbound_failed": int(failed)}


# ---------------------------------------------------------------------------- (a) signals


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_sends_reads_and_stops_cleanly_on_signal(tmp_path: Path, sqlite_url: str, sink: SmtpSink,
                                                     pymap_server: ImapServer, sig: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    w = _world(tmp_path, sqlite_url, sink, pymap_server)
    customers = _ledger(w, 4)
    daemon = Daemon(w, tmp_path / "daemon.log")
    try:
        wait_for(lambda: _campaign_count(w, 4), 30, "the 4 campaign emails at the sink")
        # a reply appended while the daemon runs is read, tied and acted on
        first = {ext: w.campaign_mail(ext)[0] for ext in customers}
        now = dt.datetime.now(dt.UTC)
        w.reply(first["C1"], "C1", _promise_text(10), now)
        wait_for(lambda: w.customer("C1").state == "promised", 20, "C1 promised after its reply")
        assert _inbound_status(w) == Counter({"processed": 1})
        # copy requests answered while running (the sender is woken, no minute-long nap)
        w.reply(first["C2"], "C2", _copy_text(), now)
        wait_for(lambda: len(w.to(w.contact("C2"))) >= 2, 20, "the copy answer to C2")
        assert _half_done(w) == {"sending": 0, "inbound_failed": 0}
        assert _inbound_status(w)["new"] == 0
        # now stop it while work is in flight: replies landing, answers being sent
        for ext in ("C3", "C4"):
            w.reply(first[ext], ext, _copy_text(), now)
        wait_for(lambda: sum(_inbound_status(w).values()) >= 3, 20, "a reply of the last batch stored")
        took = daemon.stop(sig)
        assert took < 10.0
        assert "arbot stopped" in daemon.output()
    finally:
        daemon.kill()
    # nothing half-done: no outbox row left claimed, no message half-applied
    assert _half_done(w) == {"sending": 0, "inbound_failed": 0}
    # whatever was stored but not yet processed is finished by the next run, exactly once
    w.cycle(dt.datetime.now(dt.UTC))
    status = _inbound_status(w)
    assert status == Counter({"processed": 4}), status
    with w.db.session() as s:
        answers = s.execute(select(OutboxMessage.customer_id, OutboxMessage.status).where(
            OutboxMessage.kind == "copy")).all()
    assert len(answers) == 3 and {st for _c, st in answers} == {"sent"}
    for ext in ("C2", "C3", "C4"):
        assert len(w.to(w.contact(ext))) == 2, f"{ext}: one campaign email and exactly one answer"
    assert w.imap.uids(w.folder) == []
    w.close()


# ---------------------------------------------------------------------------- (b) two daemons


N_CUSTOMERS = 200
N_PROMISES = 60
N_COPIES = 40


class LockWatch(threading.Thread):
    """Samples pg_locks: how many sessions hold the mailbox watcher's advisory lock."""

    def __init__(self, w: LoopWorld) -> None:
        super().__init__(daemon=True)
        key = lock_key(f"arbot-mailbox:{w.config.imap.folder}")
        unsigned = key & 0xFFFFFFFFFFFFFFFF
        self.classid, self.objid = unsigned >> 32, unsigned & 0xFFFFFFFF
        self.db = w.db
        self.stop = threading.Event()
        self.max_holders = 0
        self.holders: set[int] = set()
        self.samples = 0

    def run(self) -> None:
        with self.db.engine.connect() as c:
            while not self.stop.is_set():
                pids = c.execute(text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = :c AND objid = :o AND objsubid = 1"),
                    {"c": self.classid, "o": self.objid}).scalars().all()
                c.commit()
                self.samples += 1
                self.max_holders = max(self.max_holders, len(pids))
                self.holders.update(pids)
                self.stop.wait(0.05)


def test_two_daemons_on_one_postgresql_database_do_everything_exactly_once(
        tmp_path: Path, pg_server_url: str, sink: SmtpSink, pymap_server: ImapServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import _reset_pg
    from tests.imap_fixtures import PASSWORD_ENV

    _reset_pg(pg_server_url)
    monkeypatch.setenv(PASSWORD_ENV, pymap_server.password)
    w = _world(tmp_path, pg_server_url, sink, pymap_server)
    customers = _ledger(w, N_CUSTOMERS)
    watch = LockWatch(w)
    watch.start()
    daemons = [Daemon(w, tmp_path / f"daemon{i}.log") for i in (1, 2)]
    try:
        wait_for(lambda: _campaign_count(w, N_CUSTOMERS), 90, f"{N_CUSTOMERS} campaign emails")
        now = dt.datetime.now(dt.UTC)
        by_rcpt = {d.rcpt_to[0]: d for d in w.mail}      # one campaign email each so far
        replies = []
        for i, ext in enumerate(customers[:N_PROMISES + N_COPIES]):
            body = _promise_text(5 + i % 20) if i < N_PROMISES else _copy_text()
            replies.append(mailers.reply(by_rcpt[w.contact(ext)].raw, sender=w.contact(ext),
                                         sender_name=f"{ext} AP", text=body, now=now, tz="Europe/London",
                                         language="en"))
        w.imap.append(w.folder, *replies)
        total = N_PROMISES + N_COPIES
        wait_for(lambda: _inbound_status(w)["processed"] >= total, 90, f"{total} replies processed")
        wait_for(lambda: _copies_sent(w) >= N_COPIES, 60, f"{N_COPIES} copy answers sent")
        # both daemons keep ticking over the same accounts for a while: still nothing new
        ticks_before = [d.output().count("tick:") for d in daemons]
        wait_for(lambda: _both_ticked(daemons, ticks_before), 30, "more ticks in both daemons")
        for d in daemons:
            d.stop(signal.SIGTERM)
    finally:
        for d in daemons:
            d.kill()
        watch.stop.set()
        watch.join(5)
    w.collect()
    logs = "\n".join(d.output() for d in daemons)

    # every campaign email delivered exactly once: by Message-ID and by (customer, step)
    parsed = [parse(d.raw) for d in w.mail]
    campaign = [m for m in parsed if "X-Arbot-Token" in m and m["In-Reply-To"] is None]
    mids = Counter(str(m["Message-ID"]) for m in campaign)
    assert all(n == 1 for n in mids.values()), [m for m, n in mids.items() if n > 1][:5]
    with w.db.session() as s:
        rows = {m: (c, st) for m, c, st in s.execute(select(
            OutboxMessage.message_id, OutboxMessage.customer_id, OutboxMessage.step).where(
            OutboxMessage.kind == "dunning"))}
        ext_of = dict(s.execute(select(Customer.id, Customer.external_id)).all())
    pairs = Counter(rows[m] for m in mids)
    assert len(pairs) == N_CUSTOMERS and set(pairs.values()) == {1}, "one email per (customer, step)"
    assert {ext_of[c] for c, _st in pairs if c is not None} == set(customers), "none missing"
    assert len(rows) == N_CUSTOMERS, "the outbox queued each step once"

    # every reply processed exactly once, with exactly one set of effects
    with w.db.session() as s:
        inbound = s.execute(select(InboundMessage.id, InboundMessage.message_id, InboundMessage.status)).all()
        promises = Counter(s.scalars(select(Promise.source_message_id)))
        noted = Counter(int(e["inbound_message_id"]) for e in s.scalars(
            select(Event.evidence).where(Event.kind == "note_added")))
        copies = Counter(s.scalars(select(OutboxMessage.in_reply_to).where(OutboxMessage.kind == "copy")))
    assert len(inbound) == total and {st for _i, _m, st in inbound} == {"processed"}
    assert len({m for _i, m, _s in inbound}) == total, "each reply stored once"
    assert len(promises) == N_PROMISES and set(promises.values()) == {1}
    assert set(noted.values()) == {1} and len(noted) == total
    assert len(copies) == N_COPIES and set(copies.values()) == {1}
    answers = Counter(str(m["In-Reply-To"]) for m in parsed if str(m.get("Auto-Submitted", "")) == "auto-replied")
    assert len(answers) == N_COPIES and set(answers.values()) == {1}, "each answer delivered once"
    assert _half_done(w) == {"sending": 0, "inbound_failed": 0}

    # one mailbox watcher at a time (and the lock was really in use)
    assert watch.samples > 10 and watch.max_holders == 1, (watch.samples, watch.max_holders)
    assert "Traceback" not in logs and " failed (" not in logs, logs[-4000:]
    digests = [m for m in parsed if "digest" in str(m["Subject"]).lower()]
    assert len(digests) == 1, "one digest a day, however many daemons"
    assert logs.count("digest queued") == 1
    assert w.imap.uids(w.folder) == []
    w.close()


def _copies_sent(w: LoopWorld) -> int:
    with w.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "copy", OutboxMessage.status == "sent")) or 0)


def _both_ticked(daemons: list[Daemon], before: list[int]) -> bool:
    return all(d.output().count("tick:") > b + 2 for d, b in zip(daemons, before))


# ---------------------------------------------------------------------------- (c) poison


def test_poison_messages_are_set_aside_while_the_rest_flows(tmp_path: Path, sqlite_url: str, sink: SmtpSink,
                                                           pymap_server: ImapServer) -> None:
    w = _world(tmp_path, sqlite_url, sink, pymap_server)
    customers = _ledger(w, 3)
    daemon = Daemon(w, tmp_path / "daemon.log")
    try:
        wait_for(lambda: _campaign_count(w, 3), 30, "the campaign emails")
        now = dt.datetime.now(dt.UTC)
        first = {ext: w.campaign_mail(ext)[0] for ext in customers}
        poison = poison_messages()
        w.reply(first["C1"], "C1", _promise_text(7), now)
        w.imap.append(w.folder, *poison)
        w.reply(first["C2"], "C2", _promise_text(8), now)
        w.reply(first["C3"], "C3", _promise_text(9), now)
        wait_for(lambda: all(w.customer(e).state == "promised" for e in customers), 40,
                 "the good replies acted on around the poison")
        wait_for(lambda: len(w.imap.uids(w.folder)) == 0, 30, "every message moved off the folder")
        daemon.stop(signal.SIGTERM)
    finally:
        daemon.kill()
    rows = w.inbound()
    assert len(rows) == 6
    bad = [r for r in rows if r.message_id and "poison" in r.message_id]
    assert len(bad) == 3
    for r in bad:
        assert r.status in ("review", "failed") and r.attempts <= 3 and r.mailbox_done, (r.status, r.attempts)
    good = [r for r in rows if r not in bad]
    assert {r.status for r in good} == {"processed"}
    assert len(w.imap.uids(f"{w.folder}/Needs review")) == 3
    assert len(w.imap.uids(f"{w.folder}/Processed")) == 3
    w.close()


def test_a_message_that_keeps_failing_is_set_aside_after_three_attempts(
        tmp_path: Path, sqlite_url: str, sink: SmtpSink, pymap_server: ImapServer) -> None:
    """The real reader fails open on the poison above; here the daemon's own tasks (the
    supervisor over ``Runtime.tasks()``, in a thread instead of a process) get a reader
    that raises on one message, as a reader bug would: that message is tried at most 3
    times, marked failed and moved to review, while the replies around it are acted on."""
    import asyncio

    from bot.daemon import Supervisor
    from bot.runtime import Runtime
    from parsers.read import read_reply
    from parsers.types import ReadContext, Reading

    def reader(raw: bytes, ctx: ReadContext) -> Reading:
        if b"X-Test-Poison: yes" in raw[:2000]:
            raise UnicodeError("the reader cannot decode this message")
        return read_reply(raw, ctx)

    w = _world(tmp_path, sqlite_url, sink, pymap_server)
    customers = _ledger(w, 3)
    rt = Runtime(w.db, w.config, reader=reader)
    loop = asyncio.new_event_loop()
    sup = Supervisor(rt.tasks(), stop_timeout=8)
    runner = threading.Thread(target=loop.run_until_complete, args=(sup.run(),), daemon=True)
    runner.start()
    try:
        wait_for(lambda: _campaign_count(w, 3), 30, "the campaign emails")
        now = dt.datetime.now(dt.UTC)
        first = {ext: w.campaign_mail(ext)[0] for ext in customers}
        w.reply(first["C1"], "C1", _promise_text(7), now)
        poison = mailers.reply(first["C2"].raw, sender=w.contact("C2"), sender_name="C2 AP",
                               text=_promise_text(8), now=now, tz="Europe/London", language="en").replace(
            b"\r\nSubject:", b"\r\nX-Test-Poison: yes\r\nSubject:", 1)
        w.imap.append(w.folder, poison)
        w.reply(first["C3"], "C3", _promise_text(9), now)
        wait_for(lambda: len(w.imap.uids(f"{w.folder}/Needs review")) == 1, 40, "the poison set aside")
        wait_for(lambda: w.customer("C1").state == w.customer("C3").state == "promised", 20,
                 "the replies around it acted on")
    finally:
        loop.call_soon_threadsafe(sup.request_stop)
        runner.join(15)
    assert not runner.is_alive()
    rows = {r.message_id: r for r in w.inbound()}
    bad = [r for r in rows.values() if b"X-Test-Poison" in r.raw[:3000]]
    assert len(bad) == 1 and bad[0].status == "failed" and bad[0].attempts == 3, (bad[0].status, bad[0].attempts)
    assert "UnicodeError" in (bad[0].last_error or "")
    assert w.customer("C2").state == "active", "a failed message changes nothing"
    assert sorted(r.status for r in rows.values()) == ["failed", "processed", "processed"]
    assert w.events(kind="inbound_set_aside")
    assert w.imap.uids(w.folder) == []
    w.close()


def test_concurrent_ticks_on_postgresql_split_the_accounts(pg_server_url: str, config_factory: object) -> None:
    """Four ticks at the same instant over 200 due accounts, in small chunks (so their
    writes interleave): every account is queued exactly once, none fails."""
    from bot.config import Config
    from bot.db import Database
    from bot.scheduler import fallback_render, tick
    from tests.conftest import _reset_pg
    from tests.factories import LedgerBuilder

    _reset_pg(pg_server_url)
    cfg: Config = config_factory(pg_server_url, ALWAYS_OPEN)  # type: ignore[operator]
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    dbs = [Database(cfg.database_url) for _ in range(4)]
    with dbs[0].session() as s:
        b = LedgerBuilder(s)
        for i in range(200):
            c = b.customer(f"C{i}", email=f"ap@c{i}.test")
            b.invoice(c, f"INV-{i}", due=D(2026, 11, 18), amount="10.00")
    barrier = threading.Barrier(len(dbs))
    results: list[object] = []

    def run(db: Database) -> None:
        barrier.wait()
        try:
            results.append(tick(db, cfg, now, render=fallback_render, chunk_size=7))
        except Exception as exc:  # noqa: BLE001 - reported below
            results.append(exc)

    threads = [threading.Thread(target=run, args=(db,)) for db in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    queued = [r.queued for r in results]  # type: ignore[attr-defined]
    # every tick reads every account; the write re-checks each one under a row lock, so
    # the losers of each race find it changed ("stale") and leave it
    assert sum(queued) == 200, (queued, [r.stale for r in results])  # type: ignore[attr-defined]
    with dbs[0].session() as s:
        per_customer = Counter(s.scalars(select(OutboxMessage.customer_id).where(OutboxMessage.kind == "dunning")))
        steps = Counter(s.scalars(select(Customer.dunning_step)))
    assert len(per_customer) == 200 and set(per_customer.values()) == {1}
    assert steps == Counter({0: 200})
    for db in dbs:
        db.close()
