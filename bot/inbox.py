"""Processing one stored inbound message: read, tie, decide, apply, commit.

Contract of :func:`process_message` (the mailbox watcher's processing hook):
* the raw bytes are already stored (``inbound_messages``); this never changes the IMAP
  mailbox;
* everything it decides is written in ONE transaction together with the message's new
  status (``processed``, ``review``, ``own``, ``ignored``); on any exception nothing is
  written and the exception propagates, so the watcher can set the message aside
  (``failed``, attempts + 1) and replay it later;
* a message already processed is not processed again (exactly-once with the watcher).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import timeline
from bot.apply import AlertQueuer, AnswerQueuer, ApplyContext, apply_actions
from bot.config import Config
from bot.db import Database
from bot.models import Customer, InboundMessage, Invoice, OutboxMessage
from bot.tie import Tie, tie_reply
from campaigns.actions import Escalate
from campaigns.reactions import ReactionPolicy, ReplyContext, react
from parsers.types import Intent, ReadContext, Reading

Reader = Callable[[bytes, ReadContext], Reading]
#: Handles a message from a staff address; returns a one-line outcome.
StaffHandler = Callable[[Session, InboundMessage, dt.datetime], str]

DONE = frozenset({"processed", "review", "own", "ignored"})


@dataclass(frozen=True)
class Outcome:
    message_id: int
    status: str
    customer_id: int | None
    intent: str | None
    summary: str


def default_reader() -> Reader:
    from parsers.read import read_reply

    return read_reply


def _headers(raw: bytes) -> Any:
    return BytesHeaderParser().parsebytes(raw[:256_000])


def _our_addresses(config: Config) -> set[str]:
    return {config.company.ar_address.lower(), config.from_address.lower()}


def is_own_mail(session: Session, raw: bytes, config: Config) -> bool:
    """Our own outgoing mail seen again (a copy in the mailbox, a loop): never a reply."""
    h = _headers(raw)
    sender = parseaddr(str(h.get("From", "")))[1].lower()
    if sender and sender in _our_addresses(config):
        return True
    mid = str(h.get("Message-ID", "")).strip()
    return bool(mid) and session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == mid)) is not None


def is_staff(raw: bytes, config: Config) -> bool:
    h = _headers(raw)
    sender = parseaddr(str(h.get("From", "")))[1].lower()
    return sender in {a.lower() for a in config.company.staff}


def _policy(session: Session, config: Config, customer_id: int, now: dt.datetime,
            intent: Intent) -> ReactionPolicy:
    r = config.reactions
    sent_today = 0
    if intent is Intent.REQUEST_COPY:    # the daily limit only matters for copy requests
        sent_today = session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.customer_id == customer_id, OutboxMessage.kind == "copy",
                   OutboxMessage.created_at >= now - dt.timedelta(days=1))
        ) or 0
    return ReactionPolicy(
        promise_grace_days=r.promise_grace_days, max_promise_days=r.max_promise_days,
        reconciliation_business_days=r.reconciliation_business_days, min_confidence=r.min_confidence,
        auto_answer_copies=r.auto_answer_copies, copies_left_today=max(0, r.copy_answers_per_day - sent_today),
    )


def _next_send_at(cust: Customer) -> dt.datetime | None:
    return cust.next_action_at


def reading_json(reading: Reading) -> dict[str, Any]:
    data = reading.to_json()
    data.update({
        "from": reading.from_address, "subject": reading.subject, "defects": list(reading.defects),
        "bounce_status": reading.bounce_status, "is_automated": reading.is_automated,
    })
    return data


def _open_numbers(session: Session, customer_id: int) -> tuple[str, ...]:
    """The account's open invoice numbers, oldest due first (cached per session and account)."""
    cache: dict[int, tuple[str, ...]] = session.info.setdefault("arbot_open_numbers", {})
    if customer_id not in cache:
        cache[customer_id] = tuple(session.scalars(
            select(Invoice.number).where(Invoice.customer_id == customer_id, Invoice.status == "open")
            .order_by(Invoice.due_date, Invoice.number)))
    return cache[customer_id]


def _context_for(session: Session, tie: Tie, config: Config) -> ReadContext:
    if tie.customer_id is None:
        return ReadContext()
    cust = session.get(Customer, tie.customer_id)
    assert cust is not None
    invoices = tie.thread_invoices or _open_numbers(session, cust.id)
    return ReadContext(invoices=tuple(invoices), language=cust.language,
                       timezone=cust.timezone or config.company.timezone)


def process_message(
    db: Database,
    config: Config,
    inbound_id: int,
    now: dt.datetime,
    *,
    reader: Reader | None = None,
    answer: AnswerQueuer | None = None,
    alert: AlertQueuer | None = None,
    staff: StaffHandler | None = None,
) -> Outcome:
    """Read, tie, decide and apply one stored message in one transaction (see module doc)."""
    with db.session() as s:
        return _process(s, config, inbound_id, now, reader or default_reader(), answer, alert, staff)


def process_messages(
    db: Database,
    config: Config,
    inbound_ids: Sequence[int],
    now: dt.datetime,
    *,
    reader: Reader | None = None,
    answer: AnswerQueuer | None = None,
    alert: AlertQueuer | None = None,
    staff: StaffHandler | None = None,
) -> list[Outcome]:
    """The same as :func:`process_message` for several messages in ONE transaction.

    All or nothing: if any message raises, nothing is written and the exception
    propagates (the watcher then redoes the batch message by message, so one poison
    message is set aside alone). One commit per batch instead of per message is what
    makes a backlog fast.
    """
    read = reader or default_reader()
    with db.session() as s:
        return [_process(s, config, i, now, read, answer, alert, staff) for i in inbound_ids]


def _process(s: Session, config: Config, inbound_id: int, now: dt.datetime, read: Reader,
             answer: AnswerQueuer | None, alert: AlertQueuer | None, staff: StaffHandler | None) -> Outcome:
    msg = s.get(InboundMessage, inbound_id, with_for_update=True)
    if msg is None:
        raise LookupError(f"no inbound message {inbound_id}")
    if msg.status in DONE:
        return Outcome(msg.id, msg.status, msg.customer_id, None, "already done")
    raw = bytes(msg.raw)
    if is_own_mail(s, raw, config):
        return _finish(s, msg, "own", None, None, "our own mail: ignored", now)
    if staff is not None and is_staff(raw, config):
        summary = staff(s, msg, now)
        return _finish(s, msg, "processed", None, None, summary, now)

    # First pass: tie by what needs no reading (tokens, our Message-IDs), then read
    # with the thread's invoices as context, then tie by content if still unknown.
    blank = Reading(intent=Intent.OTHER, confidence=0.0, reply_text="",
                    from_address=parseaddr(str(_headers(raw).get("From", "")))[1].lower() or None)
    tie = tie_reply(s, raw, blank, ar_address=config.company.ar_address)
    if tie.method not in ("reply_token", "in_reply_to"):
        tie = Tie(None, None, False)
    reading = read(raw, _context_for(s, tie, config))
    if tie.customer_id is None:
        tie = tie_reply(s, raw, reading, ar_address=config.company.ar_address)
    msg.reading = reading_json(reading)
    msg.tie = {"method": tie.method, "proven": tie.proven, **tie.evidence,
               "ambiguous": list(tie.ambiguous)}

    if tie.customer_id is None:
        timeline.record(s, at=now, kind="escalation", actor="bot", rule="unmatched_reply",
                        summary=f"[review] reply from {reading.from_address or 'unknown'} matches no account",
                        evidence={"inbound_message_id": msg.id, "intent": reading.intent.value,
                                  "words": reading.reply_text[:300], "tie": msg.tie})
        return _finish(s, msg, "review", None, reading.intent.value, "unmatched: needs review", now)

    cust = s.get(Customer, tie.customer_id)
    assert cust is not None
    open_invoices = _open_numbers(s, cust.id)
    ctx = ReplyContext(
        customer_id=cust.id, sender=reading.from_address, sender_proven=tie.proven,
        tie_method=tie.method or "", thread_invoices=tie.thread_invoices, open_invoices=open_invoices,
        next_send_at=_next_send_at(cust), message_ref=f"inbound:{msg.id} {reading.message_id or ''}".strip(),
        timezone=cust.timezone or config.company.timezone, now=now,
    )
    actions = react(reading, ctx, _policy(s, config, cust.id, now, reading.intent))
    applied = apply_actions(s, ApplyContext(config=config, now=now, source_message_id=msg.id,
                                            answer=answer, alert=alert), actions)
    needs_review = any(isinstance(a, Escalate) and a.kind == "review" for a in actions)
    status = "review" if needs_review else "processed"
    return _finish(s, msg, status, cust.id, reading.intent.value, "; ".join(applied) or "no action", now)




def _finish(s: Session, msg: InboundMessage, status: str, customer_id: int | None, intent: str | None,
            summary: str, now: dt.datetime) -> Outcome:
    msg.status = status
    msg.customer_id = customer_id
    msg.processed_at = now
    msg.last_error = None
    return Outcome(msg.id, status, customer_id, intent, summary)


def recipients_of(raw: bytes) -> list[str]:
    h = _headers(raw)
    return [a.lower() for _, a in getaddresses([str(v) for v in h.get_all("To", []) + h.get_all("Cc", [])]) if a]
