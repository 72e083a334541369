"""Tying an inbound message to the account it belongs to.

A fixed order of evidence, strongest first; the first that yields exactly one account wins
and is recorded:

1. ``reply_token``: our per-message token, in a plus-address (``ar+TOKEN@``) or in an
   ``X-Arbot-Token`` header (bounces carry the returned message's headers);
2. ``in_reply_to``: In-Reply-To / References (or a bounce's original Message-ID) naming
   one of our sent Message-IDs;
3. ``invoice_number``: invoice numbers in the subject and the customer's text that are
   open invoices of exactly one customer;
4. ``sender``: the From address is a contact of exactly one customer;
5. ``domain``: the From domain is the contacts' domain of exactly one customer (never
   for free-mail providers).

Proof of ownership is separate from the tie: a reply is *proven* to come from the
account when its sender is one of the account's contacts or shares their (non-free-mail)
domain. An unproven reply is still tied (for the timeline) but cannot change the account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from bot.models import Contact, Customer, Invoice, OutboxMessage
from parsers.types import Reading

FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.fr", "hotmail.de", "hotmail.es",
    "hotmail.it", "hotmail.co.uk", "live.com", "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "yahoo.de",
    "yahoo.es", "yahoo.it", "yahoo.co.uk", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
    "gmx.de", "gmx.net", "gmx.at", "web.de", "t-online.de", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net",
    "libero.it", "virgilio.it", "tiscali.it", "proton.me", "protonmail.com", "mail.com", "zoho.com",
    "yandex.ru", "mail.ru", "qq.com", "163.com", "telefonica.net", "terra.com.br", "uol.com.br", "bol.com.br",
    "sapo.pt", "ziggo.nl", "kpnmail.nl", "hetnet.nl", "home.nl", "bluewin.ch", "btinternet.com",
})

_TOKEN_HEADER = re.compile(rb"(?im)^X-Arbot-Token:\s*([A-Za-z0-9_-]{8,64})\s*$")
_MSGID = re.compile(r"<[^<>\s]+>")
_OUR_MSGID = re.compile(rb"<arbot\.[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>")


@dataclass(frozen=True)
class Tie:
    customer_id: int | None
    method: str | None                 # which evidence won
    proven: bool                       # sender belongs to the account
    thread_invoices: tuple[str, ...] = ()
    outbox_id: int | None = None       # the email being answered, when known
    evidence: dict[str, Any] = field(default_factory=dict)
    ambiguous: tuple[int, ...] = ()    # several accounts matched the best evidence


def reply_tokens(raw: bytes, ar_address: str) -> list[str]:
    """Tokens from plus-addresses of our AR mailbox and X-Arbot-Token headers in ``raw``."""
    local, _, domain = ar_address.partition("@")
    head = raw[:2_000_000]
    plus = re.compile(rb"(?i)" + re.escape(local.encode()) + rb"\+([A-Za-z0-9_-]{8,64})@"
                      + re.escape(domain.encode()))
    found = [m.group(1).decode() for m in plus.finditer(head)]
    found += [m.group(1).decode() for m in _TOKEN_HEADER.finditer(head)]
    return list(dict.fromkeys(found))


def _domain(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].lower().strip(">").strip()


def _contact_emails(session: Session, customer_id: int) -> frozenset[str]:
    """The account's contact addresses, looked up once per transaction (the session's cache)."""
    cache: dict[int, frozenset[str]] = session.info.setdefault("arbot_contact_emails", {})
    if customer_id not in cache:
        with session.no_autoflush:
            cache[customer_id] = frozenset(session.scalars(
                select(Contact.email).where(Contact.customer_id == customer_id)))
    return cache[customer_id]


def is_proven(session: Session, customer_id: int, sender: str | None) -> bool:
    """The sender is a contact of the account, or shares a contact's own company domain."""
    if not sender:
        return False
    sender = sender.lower()
    emails = _contact_emails(session, customer_id)
    if sender in emails:
        return True
    dom = _domain(sender)
    return bool(dom) and dom not in FREE_MAIL and dom in {_domain(e) for e in emails}


def _by_outbox(session: Session, column: Any, values: list[str]) -> OutboxMessage | None:
    if not values:
        return None
    return session.scalars(
        select(OutboxMessage).where(column.in_(values), OutboxMessage.customer_id.is_not(None))
        .order_by(OutboxMessage.id.desc()).limit(1).options(lazyload(OutboxMessage.body))   # not the ~20 KB body
    ).first()


def _unique(ids: list[int]) -> tuple[int | None, tuple[int, ...]]:
    uniq = tuple(dict.fromkeys(ids))
    if len(uniq) == 1:
        return uniq[0], ()
    return None, uniq


def tie_reply(session: Session, raw: bytes, reading: Reading, *, ar_address: str) -> Tie:
    """Find the account ``reading`` belongs to. Never raises on unknown data."""
    sender = (reading.from_address or "").lower() or None

    def done(customer_id: int, method: str, ev: dict[str, Any], row: OutboxMessage | None = None) -> Tie:
        proven = is_proven(session, customer_id, sender)
        if not proven and reading.bounce_recipient:
            # A bounce is written by a mail server; it belongs to the account whose
            # contact address failed.
            proven = is_proven(session, customer_id, reading.bounce_recipient)
        thread = tuple(row.invoice_numbers or []) if row is not None else ()
        return Tie(customer_id, method, proven, thread, row.id if row is not None else None, ev)

    tokens = reply_tokens(raw, ar_address)
    row = _by_outbox(session, OutboxMessage.reply_token, tokens)
    if row is not None and row.customer_id is not None:
        return done(row.customer_id, "reply_token", {"token": row.reply_token}, row)

    ids = [reading.in_reply_to or "", *reading.references, reading.bounce_original_message_id or ""]
    msgids = list(dict.fromkeys(m for v in ids if v for m in _MSGID.findall(v)))
    # Bounces and quoting clients carry our Message-ID in the body too.
    msgids += [m.decode() for m in _OUR_MSGID.findall(raw[:2_000_000]) if m.decode() not in msgids]
    row = _by_outbox(session, OutboxMessage.message_id, msgids)
    if row is not None and row.customer_id is not None:
        return done(row.customer_id, "in_reply_to", {"message_id": row.message_id}, row)

    refs = list(reading.invoice_refs)
    if refs:
        found = session.execute(
            select(Invoice.customer_id, Invoice.number).where(Invoice.number.in_(refs))
        ).all()
        cid, amb = _unique([r[0] for r in found])
        if cid is not None:
            return done(cid, "invoice_number", {"invoices": [r[1] for r in found]})
        if amb:
            return Tie(None, "invoice_number", False, evidence={"invoices": refs}, ambiguous=amb)

    if sender:
        owners = list(session.scalars(select(Contact.customer_id).where(Contact.email == sender)))
        cid, amb = _unique(owners)
        if cid is not None:
            return done(cid, "sender", {"from": sender})
        if amb:
            return Tie(None, "sender", False, evidence={"from": sender}, ambiguous=amb)
        dom = _domain(sender)
        if dom and dom not in FREE_MAIL:
            owners = list(session.scalars(
                select(Contact.customer_id).where(Contact.email.endswith(f"@{dom}", autoescape=True)).distinct()
            ))
            cid, amb = _unique(owners)
            if cid is not None:
                return done(cid, "domain", {"domain": dom})
            if amb:
                return Tie(None, "domain", False, evidence={"domain": dom}, ambiguous=amb)
    return Tie(None, None, False, evidence={"from": sender or ""})


def customer_external_id(session: Session, customer_id: int) -> str:
    return session.scalar(select(Customer.external_id).where(Customer.id == customer_id)) or ""
