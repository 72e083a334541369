"""The daily staff digest: what needs a person, and where the money stands.

Sections: new disputes, promises made and broken, remittances awaiting reconciliation,
payment-plan requests, redirects to confirm, bounces, replies needing review (with the
customer's text), accounts handed over to collections, uncertain sends, and an aging
summary (bucket totals, a bar chart made of table cells so it renders in every mail
client, the top overdue accounts). HTML and text parts, the items as a CSV attachment.

Sent once per local day at ``[digest] local_time`` (company time zone); the window is
everything since the previous digest (cursor ``digest_last_at``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from bot import system_mail
from bot.config import Config
from bot.db import Database
from bot.ledger import BUCKETS, aging, list_customers
from bot.models import Contact, Cursor, Customer, Event, InboundMessage, OutboxMessage
from bot.money import display

CURSOR = "digest_last_at"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "staff"


@dataclass(frozen=True)
class DigestItem:
    section: str
    customer_id: str
    customer: str
    at: str
    summary: str
    words: str = ""


@dataclass
class Digest:
    company: str
    as_of: dt.date
    since: dt.datetime | None
    items: list[DigestItem] = field(default_factory=list)
    buckets: list[dict[str, object]] = field(default_factory=list)   # bucket, amount text, width %
    top: list[dict[str, object]] = field(default_factory=list)

    def section(self, name: str) -> list[DigestItem]:
        return [i for i in self.items if i.section == name]


SECTIONS = (
    ("dispute", "New disputes"),
    ("promise_made", "Promises made"),
    ("promise_broken", "Promises broken"),
    ("reconciliation", "Remittances awaiting reconciliation"),
    ("payment_plan", "Payment-plan requests"),
    ("redirect", "Redirects to confirm"),
    ("bounce", "Bounces"),
    ("review", "Replies needing review"),
    ("payment_review", "Payments needing review"),
    ("collections", "Handed over to collections"),
    ("uncertain", "Emails whose delivery is uncertain"),
)


def _names(s: Session) -> dict[int, tuple[str, str]]:
    return {cid: (ext, name) for cid, ext, name in s.execute(select(Customer.id, Customer.external_id,
                                                                    Customer.name))}


def collect(s: Session, config: Config, now: dt.datetime, since: dt.datetime | None) -> Digest:
    tz = config.company.tz
    d = Digest(company=config.company.name, as_of=now.astimezone(tz).date(), since=since)
    names = _names(s)
    start = since or (now - dt.timedelta(days=1))

    def add(section: str, cid: int | None, at: dt.datetime, summary: str, words: str = "") -> None:
        ext, name = names.get(cid or -1, ("-", "(no account)"))
        d.items.append(DigestItem(section, ext, name, at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), summary,
                                  words[:500]))

    events = s.scalars(select(Event).where(Event.at > start, Event.at <= now).order_by(Event.at, Event.id))
    for e in events:
        words = str((e.evidence or {}).get("words", ""))
        if e.kind == "invoice_disputed":
            add("dispute", e.customer_id, e.at, e.summary, words)
        elif e.kind == "promise_recorded":
            add("promise_made", e.customer_id, e.at, e.summary, words)
        elif e.kind in ("promise_broken",) or (e.kind == "state_changed" and "promise_broken" in e.summary):
            add("promise_broken", e.customer_id, e.at, e.summary)
        elif e.kind == "escalation" and "[payment_plan]" in e.summary:
            add("payment_plan", e.customer_id, e.at, e.summary, words)
        elif e.kind in ("contact_bounced", "bounce_transient"):
            add("bounce", e.customer_id, e.at, e.summary)
        elif e.kind == "state_changed" and "-> in_collections" in e.summary:
            add("collections", e.customer_id, e.at, e.summary)
    for c in s.scalars(select(Customer).where(Customer.state == "awaiting_reconciliation")):
        until = c.state_until.astimezone(tz).date().isoformat() if c.state_until else "?"
        add("reconciliation", c.id, c.updated_at, f"payment reported; waiting for it until {until}")
    for ct in s.scalars(select(Contact).where(Contact.proposed.is_(True))):
        add("redirect", ct.customer_id, ct.created_at, f"proposed contact {ct.email}: "
            f"reply `confirm contact {ct.email}` to accept")
    for m in s.scalars(select(InboundMessage).where(InboundMessage.status.in_(("review", "failed")))
                       .order_by(InboundMessage.received_at).limit(200)):
        reading = m.reading or {}
        summary = f"{reading.get('intent', 'unread')} from {reading.get('from') or '?'}: " \
                  f"{reading.get('subject') or ''}".strip()
        if m.status == "failed":
            summary = f"could not be processed ({(m.last_error or '')[:120]}): `arbot inbox retry {m.id}`"
        add("review", m.customer_id, m.received_at, summary, str(reading.get("reply_text", "")))
    _payments(s, d, add, start, now)
    for o in s.scalars(select(OutboxMessage).where(OutboxMessage.status == "uncertain")
                       .options(lazyload(OutboxMessage.body))):
        add("uncertain", o.customer_id, o.created_at, f"{o.subject} to {', '.join(o.rcpt_to)}: "
            f"`arbot outbox release {o.id} --sent|--resend`")
    _aging(s, config, d)
    return d


def _payments(s: Session, d: Digest, add: Any, start: dt.datetime, now: dt.datetime) -> None:
    """Stripe payments no account could be proven for, and chargebacks since the last digest."""
    from bot.models import Payment

    for p in s.scalars(select(Payment).where(Payment.status == "review").order_by(Payment.id).limit(200)):
        payer = (p.details or {}).get("email") or "unknown payer"
        add("payment_review", None, p.created_at, f"{display(p.amount_minor, p.currency)} from {payer} "
            f"({p.external_id}): `arbot payments assign {p.external_id} CUSTOMER`")
    for e in s.scalars(select(Event).where(Event.kind.in_(("chargeback", "payment_event_failed")),
                                          Event.at > start, Event.at <= now).order_by(Event.at)):
        add("payment_review", e.customer_id, e.at, e.summary)


def _aging(s: Session, config: Config, d: Digest) -> None:
    report = aging(s, d.as_of)
    cur = config.company.currency
    totals = {b: report.totals.get(b, {}) for b in BUCKETS}
    biggest = max([v.get(cur, 0) for v in totals.values()] + [1])
    for b in BUCKETS:
        amounts = totals[b]
        d.buckets.append({"bucket": b, "text": "  ".join(display(v, c) for c, v in sorted(amounts.items()) if v)
                          or display(0, cur), "width": max(1, round(100 * amounts.get(cur, 0) / biggest))})
    rows = [r for r in list_customers(s, d.as_of) if r.overdue_balance]
    rows.sort(key=lambda r: (-r.oldest_days_overdue, r.external_id))
    top = sorted(rows, key=lambda r: -sum(r.overdue_balance.values()))[: config.digest.top_accounts]
    d.top = [{"customer_id": r.external_id, "name": r.name, "state": r.state, "days": r.oldest_days_overdue,
              "overdue": "  ".join(display(v, c) for c, v in sorted(r.overdue_balance.items()))} for r in top]


def _env() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                                         autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default=False), trim_blocks=True,
                                         lstrip_blocks=True)


def render(d: Digest, brand_color: str = "#1f4e79") -> tuple[str, str, str, bytes]:
    """(subject, text, html, csv bytes)."""
    env = _env()
    ctx = {"d": d, "sections": [(k, title, d.section(k)) for k, title in SECTIONS], "brand_color": brand_color}
    subject = f"arbot digest {d.as_of.isoformat()}: " + ", ".join(
        f"{len(d.section(k))} {title.lower()}" for k, title in SECTIONS[:3] if d.section(k)) if d.items else \
        f"arbot digest {d.as_of.isoformat()}: nothing needs you today"
    text = env.get_template("digest.txt.j2").render(ctx)
    html = env.get_template("digest.html.j2").render(ctx)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["section", "customer_id", "customer", "at", "summary", "customer_words"])
    for i in d.items:
        w.writerow([i.section, i.customer_id, i.customer, i.at, i.summary, i.words])
    return subject, text, html, buf.getvalue().encode("utf-8")


def _get_cursor(s: Session) -> dt.datetime | None:
    c = s.get(Cursor, CURSOR)
    return dt.datetime.fromisoformat(c.value) if c else None


def due(config: Config, now: dt.datetime, last: dt.datetime | None) -> bool:
    """Is a digest due at ``now``: past the local send time, none yet sent today."""
    if not config.digest.enabled or not (config.company.staff or config.company.escalation):
        return False
    local = now.astimezone(config.company.tz)
    if local.time() < config.digest.local_time:
        return False
    return last is None or last.astimezone(config.company.tz).date() < local.date()


def send_if_due(db: Database, config: Config, now: dt.datetime, *, force: bool = False) -> bool:
    """Queue today's digest through the outbox if due (idempotent per local day).

    True only when this call queued it: with two daemons on one database both may find
    it due; the outbox key ``digest:<local date>`` lets one of them in.
    """
    with db.session() as s:
        last = _get_cursor(s)
        if not force and not due(config, now, last):
            return False
        d = collect(s, config, now, last)
        subject, text, html, data = render(d, config.company.brand_color)
        to = config.company.staff or config.company.escalation
        key = f"digest:{d.as_of.isoformat()}" + (f":{now.isoformat()}" if force else "")
        queued = system_mail.queue(s, config, key=key, kind="digest", to=to, subject=subject, text=text,
                                   html=html, now=now,
                                   attachments=[(f"arbot-digest-{d.as_of.isoformat()}.csv", "text/csv", data)])
        cur = s.get(Cursor, CURSOR)
        if cur is None:
            s.add(Cursor(name=CURSOR, value=now.isoformat(), updated_at=now))
        else:
            cur.value, cur.updated_at = now.isoformat(), now
        return queued
