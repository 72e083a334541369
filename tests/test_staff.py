"""Staff steering by email and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email import message_from_bytes

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Config
from bot.db import Database
from bot.inbox import process_message
from bot.models import Contact, Customer, Event, InboundMessage, Invoice, OutboxMessage
from bot.staff import command_lines
from tests.factories import LedgerBuilder

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
D = dt.date


@pytest.fixture
def world(db_url: str, config_factory: Callable[..., Config]) -> tuple[Config, Database]:
    cfg = config_factory(db_url)
    db = Database(cfg.database_url)
    with db.session() as s:
        b = LedgerBuilder(s)
        acme = b.customer("ACME", "Acme Ltd", email="ap@acme.example")
        b.invoice(acme, "INV-1042", due=D(2026, 11, 1), amount="100.00", disputed=True)
        acme.state = "needs_staff"
        s.add(Contact(customer_id=acme.id, email="new@acme.example", proposed=True, source="reply", created_at=NOW))
    return cfg, db


def staff_mail(body: str, frm: str = "controller@northwind.test", extra: str = "") -> bytes:
    return (f"From: Controller <{frm}>\r\nTo: ar@northwind.test\r\nSubject: Re: arbot digest\r\n"
            f"Message-ID: <s1@northwind.test>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}\r\n").encode()


def store(db: Database, raw: bytes) -> int:
    with db.session() as s:
        m = InboundMessage(folder="INBOX", uidvalidity=1, uid=1, raw=raw, received_at=NOW, status="new")
        s.add(m)
        s.flush()
        return m.id


def never_read(raw: bytes, ctx: object) -> object:
    raise AssertionError("staff mail must not go through the customer-reply reader")


def test_staff_commands_by_email_are_applied_and_confirmed(world: tuple[Config, Database]) -> None:
    cfg, db = world
    from bot.staff import handler

    body = ("resume ACME\nresolve INV-1042\nnote ACME called them\nconfirm contact new@acme.example\n"
            "frobnicate ACME\n\nOn Mon, arbot wrote:\n> resume OTHER\n")
    mid = store(db, staff_mail(body))
    out = process_message(db, cfg, mid, NOW, reader=never_read, staff=handler(cfg))  # type: ignore[arg-type]
    assert out.status == "processed" and "4 done, 1 refused" in out.summary
    with db.session() as s:
        assert s.query(Customer).one().state == "active"
        assert not s.query(Invoice).one().disputed
        assert not s.query(Contact).filter_by(email="new@acme.example").one().proposed
        reply = s.query(OutboxMessage).filter_by(kind="staff_reply").one()
        assert reply.rcpt_to == ["controller@northwind.test"]
        msg = message_from_bytes(reply.raw)
        assert msg["In-Reply-To"] == "<s1@northwind.test>" and msg["Auto-Submitted"] == "auto-generated"
        text = msg.get_payload(decode=True).decode()
        assert "OK   resume ACME" in text and "ERR  frobnicate ACME" in text and "unknown command" in text
        assert "resume CUSTOMER" in text     # help appended when something was refused


def test_forged_staff_mail_is_refused(world: tuple[Config, Database]) -> None:
    cfg, db = world
    from bot.staff import handler

    raw = staff_mail("resume ACME", extra="Authentication-Results: mx.northwind.test; dkim=fail; spf=fail\r\n")
    out = process_message(db, cfg, store(db, raw), NOW, reader=never_read, staff=handler(cfg))  # type: ignore[arg-type]
    assert "failed authentication" in out.summary
    with db.session() as s:
        assert s.query(Customer).one().state == "needs_staff"
        assert s.query(Event).filter_by(rule="staff_auth_failed").count() == 1


def test_non_staff_sender_is_not_a_command(world: tuple[Config, Database]) -> None:
    from bot.inbox import is_staff

    cfg, _ = world
    assert is_staff(staff_mail("x"), cfg)
    assert not is_staff(staff_mail("resume ACME", frm="ap@acme.example"), cfg)


def test_command_lines_stop_at_quotes_and_signature() -> None:
    assert command_lines("resume A\n\n-- \nJane\nresume B") == ["resume A"]
    assert command_lines("hold A until 2026-12-01\n> resume B") == ["hold A until 2026-12-01"]


def test_same_actions_on_cli(world: tuple[Config, Database]) -> None:
    cfg, db = world
    r = CliRunner()
    base = ["--config", str(cfg.source_path)]
    assert r.invoke(app, [*base, "resolve", "INV-1042"]).exit_code == 0
    res = r.invoke(app, [*base, "resolve", "INV-1042"])
    assert res.exit_code == 2 and "is not disputed" in res.output
    assert r.invoke(app, [*base, "contact", "confirm", "new@acme.example"]).exit_code == 0
    assert r.invoke(app, [*base, "resume", "ACME"]).exit_code == 0
    with db.session() as s:
        assert s.query(Customer).one().state == "active"
