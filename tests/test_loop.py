"""The whole loop through the real pieces: send, reply, read, tie, act, move, digest.

A small ledger, a bot.toml pointing SMTP at an aiosmtpd sink and IMAP at a real server
(embedded pymap, and Dovecot when ``ARBOT_TEST_DOVECOT=1``), the daemon's own tasks run
one cycle at a time at simulated moments (``run_cycle`` over ``Runtime.tasks()``, and
``arbot run --once --now T`` as a subprocess). Customers answer with the demo's mailers
(quoted replies, RFC 3834 out-of-office, RFC 3464 bounce) delivered by IMAP APPEND.
Nothing is stubbed: the parser reads the replies, the tie uses the reply token, the
applier writes the ledger, the sender delivers answers and alerts, the watcher moves
messages on the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.devtools.smtp_sink import Delivered, SmtpSink
from bot.models import Contact, Invoice, OutboxMessage, PaymentLink, Promise
from tests.imap_fixtures import ImapServer, new_folder
from tests.loop_helpers import ESCALATION, STAFF, LoopWorld, parse, text_of

D = dt.date
UTC = dt.UTC
MON = dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC)       # Monday, London = UTC in winter
DUE = ((D(2026, 11, 10), "100.00"), (D(2026, 11, 18), "250.00"))


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        yield s


def _world(tmp_path: Path, db_url: str, sink: SmtpSink, imap: ImapServer, **kw: object) -> LoopWorld:
    return LoopWorld.create(tmp_path, db_url, sink, imap, new_folder(), **kw)  # type: ignore[arg-type]


@pytest.fixture
def world(tmp_path: Path, db_url: str, sink: SmtpSink, imap_server: ImapServer) -> Iterator[LoopWorld]:
    """Over both databases and both IMAP servers."""
    w = _world(tmp_path, db_url, sink, imap_server)
    yield w
    w.close()


@pytest.fixture
def lite_world(tmp_path: Path, sqlite_url: str, sink: SmtpSink, imap_server: ImapServer) -> Iterator[LoopWorld]:
    """SQLite, over both IMAP servers."""
    w = _world(tmp_path, sqlite_url, sink, imap_server)
    yield w
    w.close()


def _first_campaign_round(w: LoopWorld, customers: list[str]) -> dict[str, Delivered]:
    w.ledger(customers, due=DUE)
    w.cycle(MON)
    first = {}
    for ext in customers:
        got = w.campaign_mail(ext)
        assert len(got) == 1, f"{ext}: exactly one campaign email, got {len(got)}"
        msg = parse(got[0].raw)
        assert msg["Reply-To"].startswith("ar+") and msg["X-Arbot-Token"]
        assert msg["Auto-Submitted"] == "auto-generated"
        first[ext] = got[0]
    mids = [parse(d.raw)["Message-ID"] for d in first.values()]
    assert len(set(mids)) == len(mids)
    return first


def test_replies_are_read_tied_acted_on_moved_and_digested(world: LoopWorld) -> None:
    w = world
    first = _first_campaign_round(w, ["C1", "C2", "C3", "C4", "C5"])
    at = MON + dt.timedelta(hours=1)
    promise = w.reply(first["C1"], "C1", "Hello,\n\nThanks for the reminder. We will pay the open invoices on "
                      "4 December 2026 with our next payment run.\n\nKind regards,\nPriya", at)
    dispute_words = "the goods arrived damaged and we returned them"
    w.reply(first["C2"], "C2", f"Hello,\n\nWe dispute invoice INV-C2-1: {dispute_words}. Please issue a "
            "credit note.\n\nRegards,\nClaire", at)
    copy_req = w.reply(first["C3"], "C3", "Hello,\n\nWe cannot find invoice INV-C3-2 in our system. Could "
                       "you please send us a copy?\n\nThanks,\nSanne", at)
    w.auto_reply(first["C4"], "C4", "Hello,\n\nI am out of the office until 7 December 2026 with no access "
                 "to email. For urgent matters please contact reception.\n\nJoao", at)
    w.bounce(first["C5"], "C5", at)
    expected_mids = {str(parse(r)["Message-ID"]) for r in (promise, copy_req)}

    lines = w.cycle(MON + dt.timedelta(hours=2))
    assert any("processed=5" in line for line in lines), lines

    # C1: a promise with its date; the account paused until the end of that day (grace on top)
    c1 = w.customer("C1")
    with w.db.session() as s:
        promises = s.scalars(select(Promise).where(Promise.customer_id == c1.id)).all()
        assert [(p.promised_date, p.status) for p in promises] == [(D(2026, 12, 4), "open")]
    assert c1.state == "promised" and c1.state_until is not None
    assert c1.state_until.date() >= D(2026, 12, 4)
    # C2: the named invoice disputed with the customer's words; staff alerted at once
    with w.db.session() as s:
        disputed = {i.number: (i.disputed, i.dispute_reason) for i in s.scalars(select(Invoice).where(
            Invoice.customer_id == w.customer("C2").id))}
    assert disputed["INV-C2-1"][0] and dispute_words in (disputed["INV-C2-1"][1] or "")
    assert not disputed["INV-C2-2"][0], "the undisputed rest is still chased"
    alerts = [d for d in w.to(ESCALATION) if "C2" in str(parse(d.raw)["Subject"])]
    assert len(alerts) == 1 and dispute_words in text_of(alerts[0].raw)
    # C3: the copy answered in the same thread with the PDF, marked as an automatic answer
    answers = [d for d in w.to(w.contact("C3")) if "X-Arbot-Token" in parse(d.raw)][1:]
    assert len(answers) == 1, "one answer to the copy request"
    ans = parse(answers[0].raw)
    assert ans["In-Reply-To"] == parse(copy_req)["Message-ID"]
    assert ans["Auto-Submitted"] == "auto-replied"
    pdfs = [p for p in ans.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdfs and pdfs[0].get_content()[:5] == b"%PDF-"
    # C4: out of office: no answer, the next email postponed to the return date
    c4 = w.customer("C4")
    assert c4.next_action_at is not None and c4.next_action_at.date() >= D(2026, 12, 7)
    assert len(w.to(w.contact("C4"))) == 1, "never answer an auto-reply"
    # C5: the contact bounced (and, being the only one, staff must fix it)
    with w.db.session() as s:
        assert s.scalar(select(Contact.bounced).where(Contact.email == w.contact("C5"))) is True
    assert w.events("C5", "contact_bounced")

    # Every message tied by its reply token, processed once, moved off the watched folder
    rows = w.inbound()
    assert len(rows) == 5 and all(r.mailbox_done for r in rows)
    assert {r.status for r in rows} <= {"processed", "review"}
    assert all((r.tie or {}).get("method") in ("reply_token", "in_reply_to") for r in rows), [r.tie for r in rows]
    assert w.imap.uids(w.folder) == []
    moved = w.message_ids_in(f"{w.folder}/Processed") | w.message_ids_in(f"{w.folder}/Needs review")
    assert len(moved) == 5 and expected_mids <= w.message_ids_in(f"{w.folder}/Processed")

    # The next morning at 08:00 London the staff digest carries the customers' words
    w.cycle(dt.datetime(2026, 11, 24, 7, 30, tzinfo=UTC))
    assert not [d for d in w.to(STAFF) if "digest" in str(parse(d.raw)["Subject"]).lower()
                and "2026-11-24" in str(parse(d.raw)["Subject"])], "not before the configured local time"
    w.cycle(dt.datetime(2026, 11, 24, 8, 5, tzinfo=UTC))
    digests = [d for d in w.to(STAFF) if "2026-11-24" in str(parse(d.raw)["Subject"])]
    assert len(digests) == 1
    body = text_of(digests[0].raw)
    assert dispute_words in body and "C2" in body and "C1" in body
    # nothing left half-done in the outbox
    assert set(w.outbox_status_counts()) == {"sent"}


def test_staff_command_by_email_is_applied_and_confirmed(lite_world: LoopWorld) -> None:
    """Through ``arbot run --once --now T`` subprocesses, as cron would run it."""
    w = lite_world
    w.ledger(["C1", "C2"], due=DUE)
    out = w.run_once_cli(MON)
    assert "tick:" in out and "queued=2" in out
    assert len(w.campaign_mail("C1")) == 1
    cmd = w.staff_mail("hold C1 until 2026-12-20\n\n-- \nController", MON + dt.timedelta(hours=1))
    w.run_once_cli(MON + dt.timedelta(hours=2))
    c1 = w.customer("C1")
    assert c1.hold_until == D(2026, 12, 20)
    confirm = [d for d in w.to(STAFF) if parse(d.raw)["In-Reply-To"] == parse(cmd)["Message-ID"]]
    assert len(confirm) == 1
    assert "OK" in text_of(confirm[0].raw) and "hold C1 until 2026-12-20" in text_of(confirm[0].raw)
    # the hold is honoured: C2 is chased at its next step, C1 is not
    w.cycle(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert len(w.campaign_mail("C2")) == 2
    assert len(w.campaign_mail("C1")) == 1
    assert w.imap.uids(w.folder) == []


def test_broken_promise_resumes_at_the_next_step_and_escalates(lite_world: LoopWorld) -> None:
    w = lite_world
    first = _first_campaign_round(w, ["C1"])
    step0 = w.customer("C1").dunning_step
    w.reply(first["C1"], "C1", "Hello,\n\nWe will pay both invoices on 27 November 2026.\n\nRegards,\nPriya",
            MON + dt.timedelta(hours=1))
    w.cycle(MON + dt.timedelta(hours=2))
    assert w.customer("C1").state == "promised"
    grace = w.config.reactions.promise_grace_days
    # promised Fri 27 Nov; grace 3 days -> paused through Mon 30 Nov; chased on Tue 1 Dec
    w.cycle(dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    assert len(w.campaign_mail("C1")) == 1, "still inside the grace period"
    assert grace == 3
    w.cycle(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    c1 = w.customer("C1")
    assert c1.state == "active"
    assert step0 is not None and c1.dunning_step == step0 + 1, "resumed at the next step"
    assert len(w.campaign_mail("C1")) == 2
    broken = [e for e in w.events("C1", "escalation") if e.rule == "state.promise_broken"]
    assert len(broken) == 1, [e.summary for e in w.events("C1", "escalation")]
    # the day's digest (queued in the same cycle, after the tick) reports it to staff
    digest = [d for d in w.to(STAFF) if "2026-12-01" in str(parse(d.raw)["Subject"])]
    assert len(digest) == 1 and "Promises broken" in text_of(digest[0].raw)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_stripe_payment_closes_the_account_and_stops_the_campaign(
        tmp_path: Path, db_url: str, sink: SmtpSink, pymap_server: ImapServer,
        stripe_env: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.devtools.stripe_local import LocalStripe
    from tests.imap_fixtures import PASSWORD_ENV
    from tests.stripe_support import stripe_toml

    stripe: LocalStripe = stripe_env  # type: ignore[assignment]
    monkeypatch.setenv(PASSWORD_ENV, pymap_server.password)
    w = _world(tmp_path, db_url, sink, pymap_server, extra_toml=stripe_toml(stripe.url))
    try:
        _first_campaign_round(w, ["C1", "C2"])
        assert "https://" in text_of(w.campaign_mail("C1")[0].raw) or "http" in text_of(w.campaign_mail("C1")[0].raw)
        with w.db.session() as s:
            link = s.execute(select(PaymentLink.link_id, PaymentLink.balance_minor).where(
                PaymentLink.customer_id == w.customer("C1").id, PaymentLink.active.is_(True))).one()
        stripe.pay_link(link.link_id, link.balance_minor)
        w.cycle(MON + dt.timedelta(hours=2))
        c1 = w.customer("C1")
        assert c1.state == "closed"
        with w.db.session() as s:
            assert set(s.scalars(select(Invoice.status).where(Invoice.customer_id == c1.id))) == {"paid"}
        for day in (D(2026, 12, 1), D(2026, 12, 10), D(2026, 12, 21)):
            w.cycle(dt.datetime.combine(day, dt.time(10, 0), tzinfo=UTC))
        assert len(w.campaign_mail("C1")) == 1, "no further step after the payment"
        assert len(w.campaign_mail("C2")) >= 3, "the unpaid customer is still chased"
        with w.db.session() as s:
            assert not s.scalars(select(OutboxMessage).where(
                OutboxMessage.customer_id == c1.id, OutboxMessage.kind == "dunning",
                OutboxMessage.status != "sent")).all()
    finally:
        w.close()
