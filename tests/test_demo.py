"""`arbot demo` end to end: embedded SMTP, IMAP and Stripe, scripted customers, real daemon cycle.

Asserts what arbot decided for each scripted customer, from the ledger it leaves behind.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select

from bot.config import load_config
from bot.db import Database
from bot.demo.run import run_demo
from bot.models import Contact, Customer, Event, InboundMessage, Invoice, OutboxMessage, Promise


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Database]:
    out = tmp_path_factory.mktemp("demo")
    buf = io.StringIO()
    run_demo(out, days=12, console=Console(file=buf, width=200))
    cfg = load_config(out / "bot.toml")
    return out, buf.getvalue(), Database(cfg.database_url)


def _customer(db: Database, ext: str) -> Customer:
    with db.session() as s:
        return s.scalars(select(Customer).where(Customer.external_id == ext)).one()


def test_demo_leaves_files_and_narrates(demo: tuple[Path, str, Database]) -> None:
    out, text, _ = demo
    assert (out / "digest.html").read_text(encoding="utf-8").count("<table") >= 2
    assert "promise_recorded" in (out / "timeline.txt").read_text(encoding="utf-8")
    assert "Day 1 · Mon 23 Nov 2026" in text and "After 12 days" in text


def test_every_reply_was_read_and_none_lost(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    with db.session() as s:
        rows = s.scalars(select(InboundMessage)).all()
        assert len(rows) >= 9
        assert all(r.status in ("processed", "review") for r in rows), [(r.id, r.status, r.last_error) for r in rows]
        assert all(r.mailbox_done for r in rows)


def test_promise_then_card_payment_closes_the_account(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    c = _customer(db, "C-1001")
    assert c.state == "closed"
    with db.session() as s:
        p = s.scalars(select(Promise).where(Promise.customer_id == c.id)).one()
        assert p.status == "kept"
        assert not s.scalars(select(Invoice).where(Invoice.customer_id == c.id, Invoice.status == "open")).all()


def test_dispute_marks_invoice_and_alerts_collections(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    c = _customer(db, "C-1010")
    with db.session() as s:
        disputed = s.scalars(select(Invoice).where(Invoice.customer_id == c.id, Invoice.disputed.is_(True))).all()
        assert disputed and "endommagée" in (disputed[0].dispute_reason or "")
        alerts = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert",
                                                      OutboxMessage.customer_id == c.id)).all()
        assert any(a.status == "sent" and "dispute" in a.subject for a in alerts)


def test_remittance_then_ledger_payment_settles(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    assert _customer(db, "C-1013").state == "closed"


def test_copy_request_answered_in_thread_with_pdf(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    c = _customer(db, "C-1005")
    with db.session() as s:
        copy = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "copy",
                                                    OutboxMessage.customer_id == c.id)).one()
        assert copy.status == "sent" and copy.in_reply_to
        assert b"application/pdf" in copy.raw and b"Auto-Submitted: auto-replied" in copy.raw


def test_out_of_office_postpones_bounce_flags_redirect_proposes(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    assert _customer(db, "C-1006").next_action_at is not None
    with db.session() as s:
        assert s.scalars(select(Contact).where(Contact.email == "ap@pinecrest-dental.example")).one().bounced
        proposed = s.scalars(select(Contact).where(Contact.email == "payables@northgate-fm.example")).one()
        assert proposed.proposed


def test_staff_command_by_email_holds_the_account(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    c = _customer(db, "C-1007")
    assert c.hold_until is not None
    with db.session() as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_reply")).first() is not None
        assert s.scalars(select(Event).where(Event.kind == "hold", Event.customer_id == c.id)).first() is not None


def test_no_customer_got_a_step_twice(demo: tuple[Path, str, Database]) -> None:
    _, _, db = demo
    with db.session() as s:
        pairs = s.execute(select(OutboxMessage.customer_id, OutboxMessage.step, OutboxMessage.cycle)
                          .where(OutboxMessage.kind == "dunning")).all()
    assert len(pairs) == len(set(pairs))
