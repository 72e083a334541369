"""The outbox sender against a real aiosmtpd server on 127.0.0.1 (sink and scripted faults).

Time is injected (``run_once(now)``); nothing sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from bot import outbox
from bot.config import SmtpConfig
from bot.db import Database
from bot.models import Contact, Event, OutboxMessage
from bot.sender import Sender, make_worker_id, worker_is_dead
from tests.outbox_factory import NOW, seed
from tests.smtp_server import Recorder, SinkController, start_sink


@pytest.fixture
def sink() -> Iterator[SinkController]:
    ctl = start_sink(Recorder())
    yield ctl
    ctl.stop()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    d = Database(db_url)
    yield d
    d.close()


def smtp_cfg(ctl: SinkController, **kw: Any) -> SmtpConfig:
    base: dict[str, Any] = {"host": "127.0.0.1", "port": ctl.port, "connections": 2,
                            "timeout_seconds": 5, "retry_base_seconds": 60,
                            "retry_lifetime_hours": 1, "per_domain_per_minute": 1000}
    base.update(kw)
    return SmtpConfig(**base)


def drain(sender: Sender, now: dt.datetime) -> Any:
    return asyncio.run(_drain_close(sender, now))


async def _drain_close(sender: Sender, now: dt.datetime) -> Any:
    try:
        return await sender.run_once(now)
    finally:
        await sender.aclose()


def rows(db: Database) -> dict[int, OutboxMessage]:
    with db.session() as s:
        return {r.id: r for r in s.scalars(select(OutboxMessage))}


def events(db: Database, kind: str) -> list[Event]:
    with db.session() as s:
        return list(s.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_happy_path_bytes_identical_and_connections_reused(db: Database, sink: SinkController) -> None:
    ids = seed(db, 24, domains=3, raw_cache=False)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW)

    async def twice() -> tuple[Any, Any]:
        first = await sender.run_once(NOW)
        seed(db, 6, domains=3, start=24, raw_cache=False)
        second = await sender.run_once(NOW)
        await sender.aclose()
        return first, second

    first, second = asyncio.run(twice())
    assert first.sent == 24 and second.sent == 6 and first.failed == first.retried == 0
    rec = sink.recorder
    assert sink.recorder.connections == 2 == sender.connections_opened   # persistent, reused
    by_id = {m.message_id: m for m in rec.messages}
    assert len(rec.messages) == 30 == len(by_id)
    st = rows(db)
    for r in st.values():
        m = by_id[r.message_id]
        assert m.content == r.raw                     # byte for byte, headers untouched
        assert b"\r\nAuto-Submitted: auto-generated\r\n" in m.content and b"\r\nDate: " in m.content
        assert b"\r\n.A line starting with a dot" in m.content
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at == NOW for r in st.values())
    sent_events = events(db, "step_sent")
    assert sorted(e.customer_id for e in sent_events) == list(range(1, 31))
    assert {e.evidence["outbox_id"] for e in sent_events} >= set(ids)


def test_per_domain_rate_limit(db: Database, sink: SinkController) -> None:
    seed(db, 20, domains=1)                                # all to customer0.example.test
    sender = Sender(db, smtp_cfg(sink, per_domain_per_minute=12), clock=lambda: NOW)
    s1 = drain(sender, NOW)
    assert s1.sent == 12 and s1.deferred == 8
    waiting = [r for r in rows(db).values() if r.status == "pending"]
    assert len(waiting) == 8 and all(r.attempts == 0 for r in waiting)   # not counted as tries
    assert all(NOW < r.next_attempt_at <= NOW + dt.timedelta(seconds=60) for r in waiting)
    s2 = drain(sender, NOW + dt.timedelta(seconds=10))    # 2 tokens back
    assert s2.sent == 2
    drain(sender, NOW + dt.timedelta(seconds=60))
    assert len(sink.recorder.messages) == 20 == len(set(sink.recorder.message_ids()))


def test_4xx_then_250_is_retried_with_backoff(db: Database, sink: SinkController) -> None:
    seen: set[bytes] = set()

    def once_451(content: bytes) -> str | None:
        if content in seen:
            return None
        seen.add(content)
        return "451 4.3.0 try again later"

    sink.recorder.on_data_end = once_451
    [oid] = seed(db, 1)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW, rng=random.Random(1))
    assert drain(sender, NOW).retried == 1
    r = rows(db)[oid]
    assert r.status == "pending" and r.attempts == 1 and "451" in (r.last_error or "")
    assert NOW + dt.timedelta(seconds=48) <= r.next_attempt_at <= NOW + dt.timedelta(seconds=72)
    assert drain(sender, NOW + dt.timedelta(seconds=30)).claimed == 0      # not yet due
    assert drain(sender, r.next_attempt_at).sent == 1
    r = rows(db)[oid]
    assert r.status == "sent" and r.attempts == 2 and len(sink.recorder.messages) == 1


def test_5xx_recipient_fails_once_flags_contact_and_escalates(db: Database, sink: SinkController) -> None:
    sink.recorder.on_rcpt = lambda addr: "550 5.1.1 no such user" if addr.startswith("ap0@") else None
    seed(db, 2)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW)
    st = drain(sender, NOW)
    assert st.failed == 1 and st.sent == 1
    r = rows(db)[1]
    assert r.status == "failed" and r.attempts == 1 and "550" in (r.last_error or "")
    assert drain(sender, NOW + dt.timedelta(days=3)).claimed == 0        # exactly one attempt
    with db.session() as s:
        c = s.scalars(select(Contact).where(Contact.customer_id == 1)).one()
        assert c.bounced and "550" in (c.invalid_reason or "")
        assert not s.scalars(select(Contact).where(Contact.customer_id == 2)).one().bounced
    [esc] = events(db, "escalation")
    assert esc.rule == "smtp_permanent_failure" and esc.customer_id == 1
    assert esc.evidence["refused"][0]["code"] == 550


def test_partial_refusal_sends_to_the_rest_and_flags(db: Database, sink: SinkController) -> None:
    sink.recorder.on_rcpt = lambda addr: "550 5.1.1 gone" if addr.startswith("old@") else None
    with db.session() as s:
        seed(db, 1)
        s.execute(update(OutboxMessage).values(rcpt_to=["ap0@customer0.example.test", "old@customer0.example.test"]))
        s.add(Contact(customer_id=1, email="old@customer0.example.test", created_at=NOW))
    st = drain(Sender(db, smtp_cfg(sink), clock=lambda: NOW), NOW)
    assert st.sent == 1 and st.partial == 1
    assert sink.recorder.messages[0].rcpt_tos == ["ap0@customer0.example.test"]
    with db.session() as s:
        flagged = {c.email: c.bounced for c in s.scalars(select(Contact))}
    assert flagged == {"ap0@customer0.example.test": False, "old@customer0.example.test": True}
    assert events(db, "escalation")[0].rule == "smtp_partial_refusal"


@pytest.mark.parametrize("where", ["rcpt", "data_command"])
def test_drop_before_data_retried_until_lifetime_then_failed(
        db: Database, sink: SinkController, where: str) -> None:
    if where == "rcpt":
        sink.recorder.on_rcpt = lambda addr: "drop"
    else:
        sink.recorder.on_data_command = lambda mail_from: "drop"
    [oid] = seed(db, 1)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW, rng=random.Random(7))
    t = NOW
    delays: list[float] = []
    for _ in range(20):
        st = drain(sender, t)
        r = rows(db)[oid]
        if r.status != "pending":
            break
        assert st.retried == 1
        delays.append((r.next_attempt_at - t).total_seconds())
        t = r.next_attempt_at
    assert r.status == "failed" and "lifetime" in (r.last_error or "")
    assert t >= NOW + dt.timedelta(hours=1) - dt.timedelta(seconds=1)
    assert delays[1] > delays[0] * 1.3 and delays[2] > delays[1] * 1.3        # exponential
    assert 5 <= r.attempts <= 9
    assert sink.recorder.messages == []
    assert events(db, "escalation")[0].rule == "smtp_permanent_failure"


def test_drop_after_final_dot_is_uncertain_and_never_resent(db: Database, sink: SinkController) -> None:
    sink.recorder.on_data_end = lambda content: "accept-drop"
    [oid] = seed(db, 1)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW)
    assert drain(sender, NOW).uncertain == 1
    sink.recorder.on_data_end = None
    assert drain(sender, NOW + dt.timedelta(days=2)).claimed == 0
    r = rows(db)[oid]
    assert r.status == "uncertain" and r.attempts == 1 and len(sink.recorder.messages) == 1
    [ev] = events(db, "send_uncertain")
    assert ev.customer_id == 1 and ev.evidence["outbox_id"] == oid


def _dead_worker_id() -> str:
    code = "from bot.sender import make_worker_id; print(make_worker_id())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_recovery_of_a_dead_workers_rows_spares_live_ones(db: Database, sink: SinkController) -> None:
    seed(db, 4)
    dead, live = _dead_worker_id(), make_worker_id()
    assert worker_is_dead(dead) and not worker_is_dead(live)
    recent = NOW - dt.timedelta(seconds=5)
    with db.session() as s:
        def put(i: int, worker: str, claimed_at: dt.datetime, handed: bool) -> None:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == i).values(
                status="sending", claimed_by=worker, claimed_at=claimed_at, attempts=1,
                sent_at=claimed_at if handed else outbox.NOT_HANDED_OVER))
        put(1, dead, recent, False)              # died before DATA: resend
        put(2, dead, recent, True)               # died after DATA was issued: uncertain
        put(3, live, recent, True)               # a live worker's: untouched
        put(4, "otherhost:1:1:ab", NOW - dt.timedelta(hours=2), False)   # lease over
    st = drain(Sender(db, smtp_cfg(sink), clock=lambda: NOW), NOW)
    assert (st.recovered_pending, st.recovered_uncertain) == (2, 1)
    status = {i: r.status for i, r in rows(db).items()}
    assert status == {1: "sent", 2: "uncertain", 3: "sending", 4: "sent"}
    assert sorted(sink.recorder.message_ids()) == ["<arbot-0@northwind.test>", "<arbot-3@northwind.test>"]
    assert [e.evidence["outbox_id"] for e in events(db, "send_uncertain")] == [2]


def test_outbox_release_rules(db: Database) -> None:
    seed(db, 2)
    with db.session() as s:
        s.execute(update(OutboxMessage).values(status="uncertain", attempts=1))
    with db.session() as s:
        assert outbox.release(s, 1, resend=True, now=NOW, actor="staff")
        assert outbox.release(s, 2, resend=False, now=NOW, actor="staff")
        with pytest.raises(outbox.OutboxError):
            outbox.release(s, 2, resend=True, now=NOW, actor="staff")
    st = rows(db)
    assert (st[1].status, st[1].next_attempt_at) == ("pending", NOW) and st[2].status == "sent"


def test_a_row_taken_over_by_recovery_is_not_sent_by_the_old_worker(db: Database, sink: SinkController) -> None:
    """Fencing: the hand-over mark is only set while the row is still this worker's claim."""
    [oid] = seed(db, 1)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW)

    def steal(address: str) -> None:
        with db.session() as s:     # another worker recovered the row meanwhile (before DATA)
            s.execute(update(OutboxMessage).where(OutboxMessage.sent_at == outbox.NOT_HANDED_OVER)
                      .values(status="pending", claimed_by=None))

    sink.recorder.on_rcpt = steal
    st = drain(sender, NOW)
    assert st.sent == 0 and st.uncertain == 0 and sink.recorder.messages == []
    assert rows(db)[oid].status == "pending"


def test_run_loop_sends_wakes_and_stops_gracefully(db: Database, sink: SinkController) -> None:
    seed(db, 5)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW + dt.timedelta(minutes=1))

    async def scenario() -> Any:
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop, idle_seconds=30))
        await _until(lambda: len(sink.recorder.messages) == 5)
        await asyncio.to_thread(seed, db, 3, start=5)
        sender.wake()
        await _until(lambda: len(sink.recorder.messages) == 8)
        stop.set()
        return await asyncio.wait_for(task, 10)

    total = asyncio.run(scenario())
    assert total.sent == 8
    assert all(link.client is None for link in sender.links)          # connections closed


async def _until(cond: Any, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        assert loop.time() < end, "condition not reached"
        await asyncio.sleep(0.01)


def test_own_row_orphaned_by_a_failed_write_is_recovered(db: Database, sink: SinkController) -> None:
    seed(db, 1)
    sender = Sender(db, smtp_cfg(sink), clock=lambda: NOW)
    with db.session() as s:        # as if this worker's "sent" write had failed after the mark
        s.execute(update(OutboxMessage).values(status="sending", claimed_by=sender.worker_id,
                                               claimed_at=NOW, attempts=1, sent_at=NOW))
    st = drain(sender, NOW)
    assert st.recovered_uncertain == 1 and rows(db)[1].status == "uncertain"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("how", ["password", "xoauth2"])
def test_auth_from_environment(sqlite_url: str, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(sqlite_url)
    rec = Recorder(users={"arbot": "s3cret"}, tokens={"arbot": "ya29.token"})
    ctl = start_sink(rec)
    try:
        seed(db, 2)
        if how == "password":
            monkeypatch.setenv("ARBOT_SMTP_PASSWORD", "s3cret")
            cfg = smtp_cfg(ctl, username="arbot", password_env="ARBOT_SMTP_PASSWORD")
        else:
            monkeypatch.setenv("ARBOT_SMTP_TOKEN", "ya29.token")
            cfg = smtp_cfg(ctl, username="arbot", oauth_token_env="ARBOT_SMTP_TOKEN")
        assert drain(Sender(db, cfg, clock=lambda: NOW), NOW).sent == 2
        mechs = {m for m, _ in rec.auth_log}
        assert mechs == ({"XOAUTH2"} if how == "xoauth2" else mechs - {"XOAUTH2"}) and mechs
        # wrong secret: nothing sent, retried later (not the message's fault)
        seed(db, 1, start=2)
        monkeypatch.setenv("ARBOT_SMTP_PASSWORD", "wrong")
        monkeypatch.setenv("ARBOT_SMTP_TOKEN", "wrong")
        assert drain(Sender(db, cfg, clock=lambda: NOW), NOW).retried == 1
    finally:
        ctl.stop()
        db.close()


def test_missing_secret_is_a_clear_config_error(sqlite_url: str, sink: SinkController) -> None:
    from bot.config import ConfigError

    db = Database(sqlite_url)
    with pytest.raises(ConfigError, match="ARBOT_NOT_SET"):
        Sender(db, smtp_cfg(sink, username="u", password_env="ARBOT_NOT_SET"))
    db.close()


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    import shutil

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    return str(crt), str(key)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_verified_and_refused_when_untrusted(sqlite_url: str, cert: tuple[str, str],
                                                 security: str) -> None:
    import ssl

    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(*cert)
    ctl = start_sink(Recorder(), tls=security, server_ctx=server_ctx)
    db = Database(sqlite_url)
    try:
        seed(db, 2)
        cfg = smtp_cfg(ctl, security=security)
        st = drain(Sender(db, cfg, clock=lambda: NOW), NOW)     # system trust store: refused
        assert st.retried == 2 and ctl.recorder.messages == []
        assert "certificate" in (rows(db)[1].last_error or "").lower()
        trusting = ssl.create_default_context(cafile=cert[0])
        later = NOW + dt.timedelta(hours=1)
        st = drain(Sender(db, cfg, clock=lambda: later, tls_context=trusting), later)
        assert st.sent == 2 and len(ctl.recorder.messages) == 2
    finally:
        ctl.stop()
        db.close()


@given(st.lists(st.sampled_from([b".", b"\r\n", b"\n", b"\r", b"a", b"..", b" "]), max_size=40))
def test_dot_stuffing_is_exactly_aiosmtplibs(parts: list[bytes]) -> None:
    from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

    from bot.sender import _dot_stuffed

    raw = b"".join(parts)
    assert _dot_stuffed(raw) == PERIOD_REGEX.sub(b"..", normalize_message_line_endings(raw)) + b".\r\n"


def test_journal_groups_outcomes_while_more_are_in_flight_and_never_delays_a_lone_one(
        sqlite_url: str) -> None:
    """Outcomes wait (bounded) to share a transaction only while more are on their way;
    urgent work (claims, hand-over marks) never waits for them."""
    from bot.sender import Journal

    db = Database(sqlite_url)

    class SlowJournal(Journal):
        GROUP_MAX_WAIT = 1.0          # long enough that "at once" is unmistakable on a busy machine

    async def scenario(in_flight: int, n: int) -> tuple[int, float]:
        journal = SlowJournal(db, more_coming=lambda held: in_flight > held)
        journal.start()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        futs = [journal.submit(lambda s: None) for _ in range(n)]
        await asyncio.gather(*futs)
        waited = loop.time() - t0
        urgent_t0 = loop.time()
        await journal.run(lambda s: None, urgent=True)
        assert loop.time() - urgent_t0 < SlowJournal.GROUP_MAX_WAIT
        await journal.close()
        return journal.transactions, waited

    # 3 outcomes with 10 rows in flight: held together, committed once the oldest aged
    txs, waited = asyncio.run(scenario(10, 3))
    assert txs == 2 and waited >= SlowJournal.GROUP_MAX_WAIT * 0.9
    # the lone message's outcome (nothing else in flight) goes at once
    txs, waited = asyncio.run(scenario(1, 1))
    assert txs == 2 and waited < SlowJournal.GROUP_MAX_WAIT
    db.close()
