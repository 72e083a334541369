"""The daily digest and immediate alerts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from email import message_from_bytes
from email.policy import default

import pytest

from bot.alerts import alert_queuer
from bot.config import Config
from bot.db import Database
from bot.digest import due, send_if_due
from bot.models import Contact, Customer, Event, InboundMessage, OutboxMessage
from campaigns.actions import Escalate, Why
from tests.factories import LedgerBuilder

D = dt.date
NOW = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)   # 08:30 London


@pytest.fixture
def world(db_url: str, config_factory: Callable[..., Config]) -> tuple[Config, Database]:
    cfg = config_factory(db_url)
    db = Database(cfg.database_url)
    with db.session() as s:
        b = LedgerBuilder(s)
        acme = b.customer("ACME", "Acme <Ltd>", email="ap@acme.example")
        b.invoice(acme, "INV-1", due=D(2026, 8, 1), amount="900.00", disputed=True)
        b.invoice(acme, "INV-2", due=D(2026, 11, 10), amount="100.00")
        glx = b.customer("GLX", "Globex", email="ap@globex.example")
        b.invoice(glx, "G-1", due=D(2026, 12, 10), amount="50.00")
        glx.state = "awaiting_reconciliation"
        glx.state_until = NOW + dt.timedelta(days=5)
        s.add(Event(customer_id=acme.id, at=NOW - dt.timedelta(hours=3), kind="invoice_disputed", actor="bot",
                    rule="dispute", summary="INV-1 disputed: chasing stopped",
                    evidence={"words": "The pallets arrived <damaged>"}))
        s.add(Event(customer_id=acme.id, at=NOW - dt.timedelta(hours=2), kind="promise_recorded", actor="bot",
                    rule="promise_to_pay", summary="promise to pay by 2026-11-27", evidence={"words": "Friday"}))
        s.add(Contact(customer_id=glx.id, email="new@globex.example", proposed=True, source="reply",
                      created_at=NOW))
        s.add(InboundMessage(folder="INBOX", uidvalidity=1, uid=9, raw=b"x", received_at=NOW, status="review",
                             reading={"intent": "other", "from": "x@y.example", "subject": "hello",
                                      "reply_text": "Who is this?"}))
    return cfg, db


def test_digest_sections_chart_and_csv(world: tuple[Config, Database]) -> None:
    cfg, db = world
    assert send_if_due(db, cfg, NOW)
    assert not send_if_due(db, cfg, NOW + dt.timedelta(hours=2))     # once per local day
    with db.session() as s:
        row = s.query(OutboxMessage).filter_by(kind="digest").one()
        assert row.rcpt_to == ["controller@northwind.test"]
    msg = message_from_bytes(row.raw, policy=default)
    assert msg["Auto-Submitted"] == "auto-generated"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "== New disputes (1) ==" in text and "The pallets arrived <damaged>" in text
    assert "== Promises made (1) ==" in text
    assert "Remittances awaiting reconciliation (1)" in text and "Redirects to confirm (1)" in text
    assert "Replies needing review (1)" in text and "Who is this?" in text
    assert "Acme &lt;Ltd&gt;" in html and "<Ltd>" not in html          # autoescaped
    assert "bgcolor=" in html                                           # table-cell bar chart
    assert "90+" in text and "£900.00" in text
    attachments = list(msg.iter_attachments())
    assert attachments[0].get_filename() == "arbot-digest-2026-11-23.csv"
    rows = list(csv.reader(io.StringIO(attachments[0].get_content())))
    assert rows[0][0] == "section" and {r[0] for r in rows[1:]} >= {"dispute", "promise_made", "review"}
    # next day's digest only covers what happened since
    assert send_if_due(db, cfg, NOW + dt.timedelta(days=1))
    with db.session() as s:
        second = s.query(OutboxMessage).filter_by(kind="digest").order_by(OutboxMessage.id.desc()).first()
        assert second is not None and b"New disputes" not in second.raw


def test_digest_waits_for_local_time(world: tuple[Config, Database]) -> None:
    cfg, _ = world
    early = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)    # 07:30 London < 08:00
    assert not due(cfg, early, None)
    assert due(cfg, NOW, None)
    assert not due(cfg, NOW, NOW - dt.timedelta(minutes=5))


def test_immediate_alert_goes_to_escalation_once(world: tuple[Config, Database]) -> None:
    cfg, db = world
    q = alert_queuer(cfg)
    with db.session() as s:
        cid = s.query(Customer).filter_by(external_id="ACME").one().id
        esc = Escalate(cid, "dispute", "Dispute on INV-1", True,
                       Why("dispute", "dispute on INV-1", (("words", "goods damaged"), ("message", "inbound:4"))))
        q(s, esc, NOW)
        q(s, esc, NOW)
    with db.session() as s:
        rows = s.query(OutboxMessage).filter_by(kind="alert").all()
        assert len(rows) == 1 and rows[0].rcpt_to == ["collections@northwind.test"]
        body = message_from_bytes(rows[0].raw, policy=default).get_body(("plain",)).get_content()
        assert "goods damaged" in body and "Rule: dispute" in body


def test_alert_with_non_ascii_names_is_encoded(db_url: str, config_factory: Callable[..., Config]) -> None:
    """Regression: an alert about "Maison Lefèvre & Fils" could not be serialised."""
    cfg = config_factory(db_url)
    db = Database(cfg.database_url)
    with db.session() as s:
        c = LedgerBuilder(s).customer("C-1010", "Maison Lefèvre & Fils", email="factures@lefevre.example")
        alert_queuer(cfg)(s, Escalate(c.id, "dispute", "Litige sur la facture n° 14", True,
                                      Why("dispute", "contestée", (("words", "marchandise endommagée"),))), NOW)
    with db.session() as s:
        row = s.query(OutboxMessage).filter_by(kind="alert").one()
    msg = message_from_bytes(row.raw, policy=default)
    assert row.raw.isascii()
    assert msg["Subject"] == "[arbot] dispute: C-1010 Maison Lefèvre & Fils"
    assert "marchandise endommagée" in msg.get_body(("plain",)).get_content()
