"""Processing stored replies: tie to the account, decide, apply, one transaction.

The reader is injected so these tests pin down tying and applying; the real parser is
exercised end to end in the mailbox and demo tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from bot.config import Config
from bot.db import Database
from bot.inbox import process_message
from bot.models import Contact, Customer, Event, InboundMessage, Invoice, Note, Promise
from parsers.types import Intent, ReadContext, Reading
from tests.factories import seed_acme_and_globex

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
D = dt.date


def mail(frm: str, body: str, *, to: str = "ar@northwind.test", subject: str = "Re: your invoices",
         in_reply_to: str | None = None, extra: str = "") -> bytes:
    head = f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <m{abs(hash(body))}@cust.example>\r\n"
    if in_reply_to:
        head += f"In-Reply-To: {in_reply_to}\r\n"
    return (head + extra + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n").encode()


class FakeReader:
    """Stands in for parsers.read.read_reply; records the context it was given."""

    def __init__(self, **fields: object) -> None:
        self.fields = fields
        self.contexts: list[ReadContext] = []

    def __call__(self, raw: bytes, context: ReadContext) -> Reading:
        self.contexts.append(context)
        from email import message_from_bytes
        m = message_from_bytes(raw)
        frm = m["From"].split("<")[-1].strip(">").lower()
        base: dict[str, object] = dict(intent=Intent.OTHER, confidence=0.9, reply_text=m.get_payload().strip(),
                                       from_address=frm, in_reply_to=m["In-Reply-To"])
        base.update(self.fields)
        return Reading(**base)  # type: ignore[arg-type]


@pytest.fixture
def world(db_url: str, config_factory: Callable[..., Config]) -> tuple[Config, Database]:
    cfg = config_factory(db_url)
    db = Database(cfg.database_url)
    with db.session() as s:
        seed_acme_and_globex(s, NOW)
    return cfg, db


def store(db: Database, raw: bytes, uid: int = 1) -> int:
    with db.session() as s:
        m = InboundMessage(folder="INBOX", uidvalidity=1, uid=uid, raw=raw, received_at=NOW, status="new")
        s.add(m)
        s.flush()
        return m.id


def test_promise_via_plus_token_updates_account_in_one_go(world: tuple[Config, Database]) -> None:
    cfg, db = world
    reader = FakeReader(intent=Intent.PROMISE_TO_PAY, promise_date=D(2026, 11, 27), amount=Decimal("100.00"),
                        currency="GBP")
    mid = store(db, mail("Jane <ap@acme.example>", "We will pay on Friday", to="ar+tok_acme_12345@northwind.test"))
    out = process_message(db, cfg, mid, NOW, reader=reader)
    assert out.status == "processed" and out.intent == "promise_to_pay"
    assert reader.contexts[0].invoices == ("INV-1",)          # the thread's invoices as context
    with db.session() as s:
        cust = s.query(Customer).filter_by(external_id="C001").one()
        assert cust.state == "promised"
        assert cust.state_until == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
        p = s.query(Promise).one()
        assert p.promised_date == D(2026, 11, 27) and p.amount_minor == 10000 and p.invoice_numbers == ["INV-1"]
        note = s.query(Note).one()
        assert note.text == "We will pay on Friday" and note.author_kind == "customer"
        msg = s.get(InboundMessage, mid)
        assert msg is not None and msg.tie["method"] == "reply_token" and msg.tie["proven"] is True
        ev = s.query(Event).filter_by(kind="promise_recorded").one()
        assert ev.rule == "promise_to_pay" and ev.evidence["inbound_message_id"] == mid
        assert ev.evidence["words"] == "We will pay on Friday"
    # exactly once: a second call changes nothing
    again = process_message(db, cfg, mid, NOW, reader=reader)
    assert again.summary == "already done"
    with db.session() as s:
        assert s.query(Promise).count() == 1


def test_dispute_via_in_reply_to_marks_invoice_and_queues_alert(world: tuple[Config, Database]) -> None:
    cfg, db = world
    alerts: list[str] = []
    reader = FakeReader(intent=Intent.DISPUTE, invoice_refs=("INV-2",))
    mid = store(db, mail("ap@acme.example", "INV-2 goods damaged", in_reply_to="<arbot.abc123@northwind.test>"))
    process_message(db, cfg, mid, NOW, reader=reader, alert=lambda s, esc, now: alerts.append(esc.kind))
    with db.session() as s:
        inv = s.query(Invoice).filter_by(number="INV-2").one()
        assert inv.disputed and inv.dispute_reason == "INV-2 goods damaged"
        assert not s.query(Invoice).filter_by(number="INV-1").one().disputed
    assert alerts == ["dispute"]


def test_spoofed_sender_cannot_dispute(world: tuple[Config, Database]) -> None:
    cfg, db = world
    reader = FakeReader(intent=Intent.DISPUTE, invoice_refs=("INV-1",))
    mid = store(db, mail("mallory@evil.example", "dispute it all", to="ar+tok_acme_12345@northwind.test"))
    out = process_message(db, cfg, mid, NOW, reader=reader)
    assert out.status == "review" and out.customer_id is not None
    with db.session() as s:
        assert not s.query(Invoice).filter(Invoice.disputed.is_(True)).count()
        assert s.query(Event).filter_by(rule="unproven_sender", kind="escalation").count() == 1


def test_tie_by_invoice_number_then_sender_then_domain(world: tuple[Config, Database]) -> None:
    cfg, db = world
    reader = FakeReader(intent=Intent.OTHER, invoice_refs=("G-1",))
    out = process_message(db, cfg, store(db, mail("ap@globex.example", "about G-1", subject="G-1"), 1), NOW,
                          reader=reader)
    with db.session() as s:
        assert s.get(InboundMessage, out.message_id).tie["method"] == "invoice_number"  # type: ignore[union-attr]
    out = process_message(db, cfg, store(db, mail("ap@globex.example", "hello"), 2), NOW, reader=FakeReader())
    with db.session() as s:
        assert s.get(InboundMessage, out.message_id).tie["method"] == "sender"  # type: ignore[union-attr]
    out = process_message(db, cfg, store(db, mail("boss@globex.example", "hi"), 3), NOW, reader=FakeReader())
    with db.session() as s:
        m = s.get(InboundMessage, out.message_id)
        assert m is not None and m.tie["method"] == "domain" and m.tie["proven"] is True


def test_unmatched_goes_to_review(world: tuple[Config, Database]) -> None:
    cfg, db = world
    out = process_message(db, cfg, store(db, mail("x@gmail.com", "who are you")), NOW, reader=FakeReader())
    assert out.status == "review" and out.customer_id is None
    with db.session() as s:
        assert s.query(Event).filter_by(rule="unmatched_reply").count() == 1


def test_own_mail_is_ignored(world: tuple[Config, Database]) -> None:
    cfg, db = world
    out = process_message(db, cfg, store(db, mail("ar@northwind.test", "our own")), NOW, reader=FakeReader())
    assert out.status == "own"


def test_permanent_bounce_flags_contact_and_escalates_without_alternative(world: tuple[Config, Database]) -> None:
    cfg, db = world
    reader = FakeReader(intent=Intent.BOUNCE, bounce_recipient="ap@acme.example", bounce_permanent=True)
    raw = mail("MAILER-DAEMON@mx.example", "Delivery failed", extra="X-Dummy: 1\r\n")
    raw = raw + b"\r\nX-Arbot-Token: tok_acme_12345\r\n"
    out = process_message(db, cfg, store(db, raw), NOW, reader=reader)
    assert out.customer_id is not None
    with db.session() as s:
        assert s.query(Contact).filter_by(email="ap@acme.example").one().bounced
        assert s.query(Event).filter(Event.kind == "escalation", Event.summary.like("%Fix this address%")).count() == 1


def test_failure_rolls_back_everything(world: tuple[Config, Database]) -> None:
    cfg, db = world

    def broken(raw: bytes, ctx: ReadContext) -> Reading:
        raise RuntimeError("parser exploded")

    mid = store(db, mail("ap@acme.example", "x"))
    with pytest.raises(RuntimeError):
        process_message(db, cfg, mid, NOW, reader=broken)
    with db.session() as s:
        m = s.get(InboundMessage, mid)
        assert m is not None and m.status == "new" and m.reading is None
        assert s.query(Event).count() == 0
