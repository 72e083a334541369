"""Realistic pre-serialised dunning emails queued in the outbox (tests and benchmarks)."""

from __future__ import annotations

import datetime as dt
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime

from sqlalchemy import insert

from bot import outbox
from bot.db import Database
from bot.models import Contact, Customer, Invoice

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

_TEXT = (
    "Dear Accounts Payable team,\n\nOur records show that the invoices below are now past due.\n"
    ".A line starting with a dot, to prove dot-stuffing round-trips.\n"
    "Invoice INV-{i:06d}   due 2026-10-01   GBP 1,234.56\n"
    "\nYou can pay any amount online: https://pay.example.test/l/{i}\n\nKind regards,\nAR team\n"
)


def make_raw(i: int, rcpt: str, *, size: int = 20_000, now: dt.datetime = NOW) -> bytes:
    """A multipart dunning email of about ``size`` bytes (text, HTML, a PDF attachment)."""
    msg = MIMEMultipart("mixed")
    msg["From"] = "Northwind AR <ar@northwind.test>"
    msg["To"] = rcpt
    msg["Subject"] = f"Overdue invoices - account {i}"
    msg["Message-ID"] = f"<arbot-{i}@northwind.test>"
    msg["Date"] = format_datetime(now)
    msg["Auto-Submitted"] = "auto-generated"
    msg["Reply-To"] = f"ar+tok{i}@northwind.test"
    msg["X-Arbot-Token"] = f"tok{i}"
    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText(_TEXT.format(i=i), "plain", "us-ascii"))   # 7bit: dot lines on the wire
    html = "<html><body>" + _TEXT.format(i=i).replace("\n", "<br>\n") + "</body></html>"
    alt.attach(MIMEText(html, "html", "utf-8"))
    msg.attach(alt)
    pad = max(0, (size - 3_000) * 3 // 4)
    pdf = b"%PDF-1.4\n" + bytes((j * 7 + i) % 256 for j in range(pad))
    msg.attach(MIMEApplication(pdf, "pdf", Name=f"INV-{i:06d}.pdf"))
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def seed(db: Database, n: int, *, domains: int = 8, size: int = 20_000, now: dt.datetime = NOW,
         mail_from: str = "bounces@northwind.test", verp: bool = False, start: int = 0,
         raw_cache: bool = True) -> list[int]:
    """Customers, contacts and ``n`` queued dunning emails; returns outbox ids.

    ``verp``: the envelope sender carries the message number (``bounces+N@...``), so a
    test server can tell which message a DATA command belonged to.
    """
    ids: list[int] = []
    template = make_raw(0, "x@example.test", size=size, now=now) if raw_cache else None
    with db.session() as s:
        s.execute(insert(Customer), [
            {"id": start + i + 1, "external_id": f"C{start + i:06d}", "name": f"Customer {start + i}",
             "created_at": now, "updated_at": now} for i in range(n)])
        s.execute(insert(Contact), [
            {"customer_id": start + i + 1, "email": _addr(start + i, domains), "is_primary": True,
             "created_at": now} for i in range(n)])
        # Each owes its invoice: the sender never claims a dunning email of a paid customer.
        s.execute(insert(Invoice), [
            {"number": f"INV-{start + i:06d}", "customer_id": start + i + 1, "issue_date": now.date(),
             "due_date": now.date(), "total_minor": 123456, "balance_minor": 123456, "currency": "GBP",
             "created_at": now, "updated_at": now} for i in range(n)])
    with db.session() as s:
        for k in range(n):
            i = start + k
            rcpt = _addr(i, domains)
            if template is not None:   # same size and shape, unique ids, fast to make
                raw = template.replace(b"<arbot-0@", f"<arbot-{i}@".encode(), 1)
            else:
                raw = make_raw(i, rcpt, size=size, now=now)
            row = outbox.enqueue(
                s, key=f"dunning:{i + 1}:default:+3:0", kind="dunning", customer_id=i + 1,
                mail_from=(mail_from.replace("@", f"+{i}@") if verp else mail_from),
                rcpt_to=[rcpt], raw=raw, message_id=f"<arbot-{i}@northwind.test>",
                reply_token=f"tok{i}", subject=f"Overdue invoices - account {i}",
                invoice_numbers=[f"INV-{i:06d}"], campaign="default", step="+3", cycle=0, now=now)
            assert row is not None
            ids.append(row.id)
    return ids


def _addr(i: int, domains: int) -> str:
    return f"ap{i}@customer{i % domains}.example.test"
