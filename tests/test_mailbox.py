"""The mailbox watcher against real IMAP servers (embedded pymap; Dovecot when enabled)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Config
from bot.db import Database, utcnow
from bot.imap_client import ImapAuthError, ImapConfigError, ImapConnection, ImapTransientError
from bot.mailbox import MAX_ATTEMPTS, MailboxWatcher
from bot.models import Event, InboundMessage, MailboxState, OutboxMessage
from tests.imap_fixtures import ImapServer, new_folder
from tests.mailbox_helpers import (
    RecordingBatchHook,
    RecordingHook,
    poison_messages,
    processed_counts,
    reply,
    status_counts,
)

Factory = Callable[..., Config]


@pytest.fixture
def folder(imap_server: ImapServer) -> str:
    f = new_folder()
    imap_server.create(f)
    return f


def _setup(config_factory: Factory, server: ImapServer, folder: str, db_url: str | None = None,
           **kw: object) -> tuple[Config, Database]:
    cfg = config_factory(db_url, server.toml(folder, **kw))  # type: ignore[arg-type]
    return cfg, Database(cfg.database_url)


def test_fetch_store_process_move(imap_server: ImapServer, folder: str, config_factory: Factory) -> None:
    cfg, db = _setup(config_factory, imap_server, folder)
    msgs = [reply(i) for i in range(5)]
    imap_server.append(folder, *msgs)
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)
    try:
        rep = w.run_once()
        assert (rep.stored, rep.processed, rep.moved) == (5, 5, 5)
        with db.session() as s:
            rows = s.scalars(select(InboundMessage).order_by(InboundMessage.uid)).all()
            assert [r.raw for r in rows] == msgs          # raw bytes, exactly
            assert all(r.status == "processed" and r.mailbox_done for r in rows)
            st = s.get(MailboxState, folder)
            assert st is not None and st.last_uid == rows[-1].uid
        assert imap_server.uids(folder) == []
        assert len(imap_server.uids(f"{folder}/Processed")) == 5
        # Nothing new: a second pass does nothing.
        rep2 = w.run_once()
        assert (rep2.stored, rep2.processed, rep2.moved) == (0, 0, 0)
        assert processed_counts(db) == {r.id: 1 for r in rows}
    finally:
        w.close()


def test_store_only_then_process_and_move_without_reprocessing(
        imap_server: ImapServer, folder: str, config_factory: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Crash windows: stored-not-processed is processed later; processed-not-moved is only moved."""
    cfg, db = _setup(config_factory, imap_server, folder)
    imap_server.append(folder, reply(1), reply(2))
    w0 = MailboxWatcher(db, cfg, process=None)        # as if killed right after storing
    assert w0.run_once().stored == 2
    w0.close()
    assert status_counts(db) == {"new": 2}
    assert len(imap_server.uids(folder)) == 2

    def broken_move(self: ImapConnection, uids: object, dest: str) -> None:
        raise ImapTransientError("connection lost (simulated, before MOVE)")

    hook = RecordingHook(db)
    w1 = MailboxWatcher(db, cfg, process=hook)
    with monkeypatch.context() as m:
        m.setattr(ImapConnection, "move", broken_move)
        with pytest.raises(ImapTransientError):
            w1.run_once()                               # processed, not moved
    w1.close()
    assert status_counts(db) == {"processed": 2}
    assert len(imap_server.uids(folder)) == 2
    w2 = MailboxWatcher(db, cfg, process=hook)
    rep = w2.run_once()
    w2.close()
    assert (rep.processed, rep.moved) == (0, 2)
    assert len(hook.calls) == 2 and sorted(processed_counts(db).values()) == [1, 1]
    assert imap_server.uids(folder) == []


def test_poison_set_aside_while_the_rest_flows(imap_server: ImapServer, folder: str,
                                               config_factory: Factory) -> None:
    cfg, db = _setup(config_factory, imap_server, folder)
    good = [reply(i) for i in range(4)]
    imap_server.append(folder, good[0], *poison_messages(), *good[1:])
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)
    try:
        for _ in range(MAX_ATTEMPTS + 1):
            w.run_once()
        with db.session() as s:
            rows = s.scalars(select(InboundMessage)).all()
            bad = [r for r in rows if b"X-Test-Poison" in r.raw]
            ok = [r for r in rows if b"X-Test-Poison" not in r.raw]
            assert len(bad) == 3 and len(ok) == 4
            assert all(r.status == "failed" and r.attempts == MAX_ATTEMPTS and r.mailbox_done
                       and "cannot read" in (r.last_error or "") for r in bad)
            assert all(r.status == "processed" for r in ok)
            set_aside = s.scalars(select(Event).where(Event.kind == "inbound_set_aside")).all()
            assert len(set_aside) == 3
        assert imap_server.uids(folder) == []
        assert len(imap_server.uids(f"{folder}/Needs review")) == 3
        assert len(imap_server.uids(f"{folder}/Processed")) == 4
        assert hook.calls.count(bad[0].id) == MAX_ATTEMPTS     # no more than 3 attempts
    finally:
        w.close()


def test_batch_hook_falls_back_to_single_messages_around_poison(
        imap_server: ImapServer, folder: str, config_factory: Factory) -> None:
    cfg, db = _setup(config_factory, imap_server, folder)
    imap_server.append(folder, *[reply(i) for i in range(6)])
    hook = RecordingHook(db)
    batch = RecordingBatchHook(hook)
    w = MailboxWatcher(db, cfg, process=hook, process_batch=batch)
    try:
        rep = w.run_once()
        assert (rep.processed, rep.moved) == (6, 6)
        assert len(batch.batches) == 1 and hook.calls == []      # one transaction for all six
        imap_server.append(folder, reply(10), poison_messages()[0], reply(11))
        for _ in range(MAX_ATTEMPTS + 1):
            w.run_once()
    finally:
        w.close()
    assert status_counts(db) == {"processed": 8, "failed": 1}
    assert set(processed_counts(db).values()) == {1}
    assert len(imap_server.uids(f"{folder}/Needs review")) == 1


def test_own_mail_is_stored_but_not_processed(imap_server: ImapServer, folder: str,
                                              config_factory: Factory) -> None:
    cfg, db = _setup(config_factory, imap_server, folder)
    now = utcnow()
    with db.session() as s:
        s.add(OutboxMessage(idempotency_key="k1", kind="dunning", message_id="<sent-1@northwind.test>",
                            mail_from="ar@northwind.test", rcpt_to=["ap@acme.test"], raw=b"x",
                            created_at=now))
    ours_by_id = reply(1, message_id="<sent-1@northwind.test>", sender="someone@relay.test")
    ours_by_from = reply(2, sender="ar+tok123@northwind.test")
    theirs = reply(3)
    imap_server.append(folder, ours_by_id, ours_by_from, theirs)
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)
    try:
        rep = w.run_once()
    finally:
        w.close()
    assert (rep.stored, rep.own, rep.processed, rep.moved) == (3, 2, 1, 3)
    assert status_counts(db) == {"own": 2, "processed": 1}
    assert len(hook.calls) == 1


def test_uidvalidity_change_loses_and_repeats_nothing(imap_server: ImapServer, folder: str,
                                                      config_factory: Factory) -> None:
    cfg, db = _setup(config_factory, imap_server, folder)
    old = [reply(i) for i in range(3)] + [reply(9, message_id=None)]
    imap_server.append(folder, *old)
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)
    try:
        assert w.run_once().processed == 4
        before = imap_server.uidvalidity(folder)
        # The server loses its index: the folder comes back renumbered with the old
        # messages restored (unprocessed copies) and one genuinely new message.
        imap_server.recreate(folder)
        assert imap_server.uidvalidity(folder) != before
        new = reply(100)
        imap_server.append(folder, *old, new)
        rep = w.run_once()
        assert rep.uidvalidity_changed
        assert (rep.readopted, rep.stored, rep.processed, rep.moved) == (4, 1, 1, 5)
        with db.session() as s:
            assert s.scalar(select(Event.id).where(Event.kind == "mailbox_uidvalidity_changed"))
            assert len(s.scalars(select(InboundMessage.id)).all()) == 5
        assert sorted(processed_counts(db).values()) == [1] * 5
        assert imap_server.uids(folder) == []
    finally:
        w.close()


def test_auth_error_classified_alerted_and_backed_off(imap_server: ImapServer, folder: str,
                                                      config_factory: Factory,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cfg, db = _setup(config_factory, imap_server, folder)
    monkeypatch.setenv("ARBOT_TEST_IMAP_PASSWORD", "wrong")
    # One refused login only: Dovecot delays repeated failures from one address.
    attempts: list[float] = []
    alerts: list[tuple[str, str]] = []

    failures: list[BaseException] = []

    class Recording(ImapConnection):
        def connect(self) -> ImapConnection:
            attempts.append(time.monotonic())
            try:
                return super().connect()
            except Exception as exc:
                failures.append(exc)
                raise

    w2 = MailboxWatcher(db, cfg, process=RecordingHook(db), connect=lambda: Recording(cfg.imap),
                        alert=lambda k, s: alerts.append((k, s)))

    async def scenario() -> float:
        stop = asyncio.Event()
        task = asyncio.create_task(w2.run(stop))
        assert await asyncio.to_thread(_wait_until, lambda: bool(alerts), 10)
        await asyncio.sleep(1.0)      # the watcher is now backing off, not retrying
        t = time.monotonic()
        stop.set()
        await asyncio.wait_for(task, 5)
        return time.monotonic() - t

    stopped_in = asyncio.run(scenario())
    assert len(attempts) == 1, "no tight retry loop after a refused login"
    assert [type(e) for e in failures] == [ImapAuthError]
    assert [k for k, _ in alerts] == ["auth"]
    assert stopped_in < 2.0
    with db.session() as s:
        ev = s.scalars(select(Event).where(Event.kind == "mailbox_alert")).one()
        assert ev.rule == "mailbox.auth" and "wrong" not in ev.summary


def test_missing_folder_and_bad_host_are_config_errors(imap_server: ImapServer,
                                                        config_factory: Factory,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cfg, db = _setup(config_factory, imap_server, "NoSuchFolderHere")
    w = MailboxWatcher(db, cfg)
    with pytest.raises(ImapConfigError, match="does not exist"):
        w.run_once()
    w.close()

    def no_dns(*a: object, **k: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    bad = cfg.model_copy(update={"imap": cfg.imap.model_copy(update={"host": "imap.example.invalid"})})
    w2 = MailboxWatcher(db, bad)
    with pytest.raises(ImapConfigError, match="does not resolve"):
        w2.run_once()
    w2.close()


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "polling"])
def test_new_mail_wakes_the_running_watcher(imap_server: ImapServer, folder: str,
                                            config_factory: Factory, idle: bool) -> None:
    """IDLE: an APPENDed message is committed within ~1 s (Dovecot adds ~0.5 s).
    Polling fallback (idle = false, poll 0.5 s): within the poll interval."""
    cfg, db = _setup(config_factory, imap_server, folder, idle=idle, poll_seconds=30 if idle else 0.5)
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)
    latencies: list[float] = []

    async def scenario() -> float:
        stop = asyncio.Event()
        task = asyncio.create_task(w.run(stop))
        # Wait until the watcher has done its first pass and (with IDLE) is idling.
        await asyncio.to_thread(_wait_until, lambda: w.conn is not None, 5)
        for i in range(3):
            await asyncio.sleep(0.2)
            t0 = time.monotonic()
            await asyncio.to_thread(imap_server.append, folder, reply(i))
            ok = await asyncio.to_thread(hook.wait_for, lambda n=i: len(hook.calls) > n, 5)
            assert ok, "message not processed in time"
            latencies.append(time.monotonic() - t0)
        t = time.monotonic()
        stop.set()
        await asyncio.wait_for(task, 5)
        return time.monotonic() - t

    stopped_in = asyncio.run(scenario())
    assert stopped_in < 2.0, "graceful stop within a second or two"
    assert max(latencies) < 1.5, latencies
    assert status_counts(db) == {"processed": 3}


def _wait_until(pred: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("db_kind", ["sqlite", "postgres"])
def test_one_watcher_at_a_time(pymap_server: ImapServer, config_factory: Factory,
                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                               request: pytest.FixtureRequest, db_kind: str) -> None:
    monkeypatch.setenv("ARBOT_TEST_IMAP_PASSWORD", pymap_server.password)
    folder = new_folder()
    pymap_server.create(folder)
    if db_kind == "postgres":
        url = request.getfixturevalue("pg_server_url")
        from tests.conftest import _reset_pg
        _reset_pg(url)
    else:
        url = f"sqlite:///{tmp_path / 'lock.db'}"
    cfg, db = _setup(config_factory, pymap_server, folder, url)
    pymap_server.append(folder, reply(1))
    a = MailboxWatcher(db, cfg, process=RecordingHook(db))
    b = MailboxWatcher(Database(cfg.database_url), cfg, process=RecordingHook(db))
    try:
        assert a.run_once().stored == 1
        rb = b.run_once()
        assert rb.standby and rb.stored == 0
        a.close()                                    # the lock is released with it
        pymap_server.append(folder, reply(2))
        rb2 = b.run_once()
        assert not rb2.standby and rb2.stored == 1
    finally:
        a.close()
        b.close()


def test_connection_drop_reconnects_and_nothing_is_lost(imap_server: ImapServer, folder: str,
                                                        config_factory: Factory) -> None:
    """The network drops every connection while the watcher idles: it reconnects (backoff
    starting at ~1 s) and the reply that arrived meanwhile is processed."""
    from tests.tcp_proxy import CuttableProxy

    proxy = CuttableProxy(imap_server.host, imap_server.port)
    via_proxy = ImapServer(imap_server.kind, "127.0.0.1", proxy.port, imap_server.user,
                           imap_server.password, imap_server.separator)
    cfg, db = _setup(config_factory, via_proxy, folder, idle=True, poll_seconds=30)
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(w.run(stop))
        await asyncio.to_thread(imap_server.append, folder, reply(1))
        assert await asyncio.to_thread(hook.wait_for, lambda: len(hook.calls) == 1, 5)
        before = proxy.accepted
        proxy.cut()
        await asyncio.to_thread(imap_server.append, folder, reply(2))
        assert await asyncio.to_thread(hook.wait_for, lambda: len(hook.calls) == 2, 10)
        assert proxy.accepted > before            # it reconnected
        stop.set()
        await asyncio.wait_for(task, 5)

    try:
        asyncio.run(scenario())
    finally:
        proxy.close()
    assert status_counts(db) == {"processed": 2}
    assert imap_server.uids(folder) == []


def test_idle_is_reissued_periodically(imap_server: ImapServer, folder: str,
                                       config_factory: Factory) -> None:
    """IDLE is re-issued every poll_seconds (and never later than 29 minutes)."""
    cfg, db = _setup(config_factory, imap_server, folder, idle=True, poll_seconds=0.3)
    starts: list[float] = []

    class Counting(ImapConnection):
        def idle_start(self) -> None:
            starts.append(time.monotonic())
            super().idle_start()

    w = MailboxWatcher(db, cfg, process=RecordingHook(db), connect=lambda: Counting(cfg.imap))

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(w.run(stop))
        await asyncio.to_thread(_wait_until, lambda: len(starts) >= 3, 5)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert len(starts) >= 3


def test_uidvalidity_rescan_interrupted_resumes_with_dedupe(imap_server: ImapServer, folder: str,
                                                            config_factory: Factory) -> None:
    """A crash in the middle of a re-scan: the next watcher still recognises the rest."""
    cfg, db = _setup(config_factory, imap_server, folder)
    old = [reply(i) for i in range(5)]
    imap_server.append(folder, *old)
    hook = RecordingHook(db)
    w = MailboxWatcher(db, cfg, process=hook)
    assert w.run_once().processed == 5
    w.close()
    imap_server.recreate(folder)
    imap_server.append(folder, *old, reply(50))

    class StopsAfterOneBatch(MailboxWatcher):
        def _store_batch(self, *a: object, **k: object) -> None:  # type: ignore[override]
            super()._store_batch(*a, **k)  # type: ignore[arg-type]
            self._stop.set()                # as if the process died after this commit

    w1 = StopsAfterOneBatch(db, cfg, process=hook, fetch_batch=2)
    r1 = w1.run_once()
    w1.close()
    assert r1.uidvalidity_changed and (r1.readopted, r1.processed, r1.moved) == (2, 0, 2)
    w2 = MailboxWatcher(db, cfg, process=hook)
    r2 = w2.run_once()
    w2.close()
    assert not r2.uidvalidity_changed
    assert (r2.readopted, r2.stored, r2.processed, r2.moved) == (3, 1, 1, 4)
    assert sorted(processed_counts(db).values()) == [1] * 6
    assert imap_server.uids(folder) == []


def test_move_fallback_without_move_capability(imap_server: ImapServer, folder: str,
                                               config_factory: Factory) -> None:
    """Servers without MOVE: UID COPY + STORE \\Deleted + UID EXPUNGE does the same."""
    cfg, db = _setup(config_factory, imap_server, folder)

    class NoMove(ImapConnection):
        def connect(self) -> ImapConnection:
            super().connect()
            assert self.client is not None
            real = self.client.has_capability
            self.client.has_capability = lambda cap: cap.upper() != "MOVE" and real(cap)  # type: ignore[method-assign]
            return self

    imap_server.append(folder, reply(1), reply(2), poison_messages()[0])
    w = MailboxWatcher(db, cfg, process=RecordingHook(db), connect=lambda: NoMove(cfg.imap))
    try:
        for _ in range(MAX_ATTEMPTS):
            w.run_once()
    finally:
        w.close()
    assert imap_server.uids(folder) == []
    assert len(imap_server.uids(f"{folder}/Processed")) == 2
    assert len(imap_server.uids(f"{folder}/Needs review")) == 1
