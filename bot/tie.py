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
from collections.abc import Iterable, Sequence
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
    """The newest outbox row (with an account) whose ``column`` is one of ``values``."""
    if not values:
        return None
    pre: dict[str, tuple[set[str], dict[str, list[OutboxMessage]]]] = session.info.get(_PREFETCH_OUTBOX, {})
    looked_up, rows = pre.get(column.key, (set(), {}))
    if looked_up.issuperset(values):
        found = [r for v in dict.fromkeys(values) for r in rows.get(v, ())]
        return max(found, key=lambda r: r.id, default=None)
    with session.no_autoflush:      # outbox rows queued by this batch are never replied to yet
        return session.scalars(
            select(OutboxMessage).where(column.in_(values), OutboxMessage.customer_id.is_not(None))
            .order_by(OutboxMessage.id.desc()).limit(1).options(lazyload(OutboxMessage.body))  # not the ~20 KB body
        ).first()


# Batch look-ups kept in ``session.info`` for the rest of the transaction (see prefetch_*).
_PREFETCH_OUTBOX = "arbot_outbox_prefetch"
_CONTACT_OWNERS = "arbot_contact_owners"


def _token_and_msgid_values(raw: bytes, reading: Reading, ar_address: str) -> tuple[list[str], list[str]]:
    tokens = reply_tokens(raw, ar_address)
    ids = [reading.in_reply_to or "", *reading.references, reading.bounce_original_message_id or ""]
    msgids = list(dict.fromkeys(m for v in ids if v for m in _MSGID.findall(v)))
    # Bounces and quoting clients carry our Message-ID in the body too.
    msgids += [m.decode() for m in _OUR_MSGID.findall(raw[:2_000_000]) if m.decode() not in msgids]
    return tokens, msgids


def prefetch_ties(session: Session, items: Sequence[tuple[bytes, Reading]], *, ar_address: str) -> None:
    """Look up, for many messages at once, the outbox rows :func:`tie_reply` would query
    one by one (reply tokens, our Message-IDs) and the owners of the senders' addresses.

    Later :func:`tie_reply` calls in the same session answer from these results; a value
    not looked up here is still queried, so the outcome is the same either way.
    """
    tokens: set[str] = set()
    msgids: set[str] = set()
    senders = {(r.from_address or "").lower() for _raw, r in items} - {""}
    for raw, reading in items:
        t, m = _token_and_msgid_values(raw, reading, ar_address)
        tokens.update(t)
        msgids.update(m)
    pre = session.info.setdefault(_PREFETCH_OUTBOX, {})
    for column, values in ((OutboxMessage.reply_token, tokens), (OutboxMessage.message_id, msgids)):
        rows: dict[str, list[OutboxMessage]] = {}
        vals = sorted(values)
        for i in range(0, len(vals), 500):
            for row in session.scalars(select(OutboxMessage).where(
                    column.in_(vals[i:i + 500]), OutboxMessage.customer_id.is_not(None))
                    .options(lazyload(OutboxMessage.body))):
                rows.setdefault(getattr(row, column.key), []).append(row)
        old_seen, old_rows = pre.get(column.key, (set(), {}))
        pre[column.key] = (old_seen | values, {**old_rows, **rows})
    owners: dict[str, list[int]] = session.info.setdefault(_CONTACT_OWNERS, {})
    want = sorted(senders - owners.keys())
    for i in range(0, len(want), 500):
        chunk = want[i:i + 500]
        for email in chunk:
            owners[email] = []
        for cid, email in session.execute(select(Contact.customer_id, Contact.email).where(
                Contact.email.in_(chunk)).order_by(Contact.id)):
            owners[email].append(cid)


def prefetch_accounts(session: Session, customer_ids: Iterable[int]) -> None:
    """Load the accounts and their contact addresses (for :func:`is_proven`) at once."""
    cache: dict[int, frozenset[str]] = session.info.setdefault("arbot_contact_emails", {})
    want = sorted(set(customer_ids) - cache.keys())
    for i in range(0, len(want), 500):
        chunk = want[i:i + 500]
        # Held here: the session's identity map keeps only weak references.
        held: dict[int, Customer] = session.info.setdefault("arbot_accounts", {})
        held.update({c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(chunk)))})
        found: dict[int, set[str]] = {c: set() for c in chunk}
        with session.no_autoflush:
            for cid, email in session.execute(select(Contact.customer_id, Contact.email).where(
                    Contact.customer_id.in_(chunk))):
                found[cid].add(email)
        cache.update({c: frozenset(v) for c, v in found.items()})


def contact_owners(session: Session) -> set[int]:
    """The accounts owning the senders looked up by :func:`prefetch_ties`."""
    return {c for cids in session.info.get(_CONTACT_OWNERS, {}).values() for c in cids}


def forget_contact(session: Session, customer_id: int, address: str) -> None:
    """A contact was added in this transaction: drop what was looked up about it."""
    session.info.get("arbot_contact_emails", {}).pop(customer_id, None)
    session.info.get(_CONTACT_OWNERS, {}).pop(address.lower(), None)


def forget_prefetched(session: Session) -> None:
    """Drop every batch look-up (after something that may change contacts or invoices)."""
    for key in (_PREFETCH_OUTBOX, _CONTACT_OWNERS, "arbot_contact_emails", "arbot_open_numbers",
                "arbot_open_invoices", "arbot_accounts"):
        session.info.pop(key, None)


def _sender_owners(session: Session, sender: str) -> list[int]:
    cached = session.info.get(_CONTACT_OWNERS, {}).get(sender)
    if cached is not None:
        return list(cached)
    return list(session.scalars(select(Contact.customer_id).where(Contact.email == sender)))


def _unique(ids: list[int]) -> tuple[int | None, tuple[int, ...]]:
    uniq = tuple(dict.fromkeys(ids))
    if len(uniq) == 1:
        return uniq[0], ()
    return None, uniq


def tie_reply(session: Session, raw: bytes, reading: Reading, *, ar_address: str,
              headers_only: bool = False) -> Tie:
    """Find the account ``reading`` belongs to. Never raises on unknown data.

    ``headers_only``: stop after the evidence that needs no reading (reply tokens, our
    Message-IDs); used before reading, to give the reader the thread's invoices.
    """
    sender = (reading.from_address or "").lower() or None

    def done(customer_id: int, method: str, ev: dict[str, Any], row: OutboxMessage | None = None) -> Tie:
        proven = is_proven(session, customer_id, sender)
        if not proven and reading.bounce_recipient:
            # A bounce is written by a mail server; it belongs to the account whose
            # contact address failed.
            proven = is_proven(session, customer_id, reading.bounce_recipient)
        thread = tuple(row.invoice_numbers or []) if row is not None else ()
        return Tie(customer_id, method, proven, thread, row.id if row is not None else None, ev)

    tokens, msgids = _token_and_msgid_values(raw, reading, ar_address)
    row = _by_outbox(session, OutboxMessage.reply_token, tokens)
    if row is not None and row.customer_id is not None:
        return done(row.customer_id, "reply_token", {"token": row.reply_token}, row)

    row = _by_outbox(session, OutboxMessage.message_id, msgids)
    if row is not None and row.customer_id is not None:
        return done(row.customer_id, "in_reply_to", {"message_id": row.message_id}, row)
    if headers_only:
        return Tie(None, None, False)

    refs = list(reading.invoice_refs)
    if refs:
        with session.no_autoflush:      # replies never add or renumber invoices
            found = session.execute(
                select(Invoice.customer_id, Invoice.number).where(Invoice.number.in_(refs))
            ).all()
        cid, amb = _unique([r[0] for r in found])
        if cid is not None:
            return done(cid, "invoice_number", {"invoices": [r[1] for r in found]})
        if amb:
            return Tie(None, "invoice_number", False, evidence={"invoices": refs}, ambiguous=amb)

    if sender:
        owners = _sender_owners(session, sender)
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
