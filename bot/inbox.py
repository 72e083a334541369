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
from concurrent.futures import Future
from dataclasses import dataclass, field
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
from bot.readpool import MIN_BATCH, ReadPool
from bot.tie import Tie, contact_owners, forget_prefetched, prefetch_accounts, prefetch_ties, tie_reply
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


def _lazy_default_reader(raw: bytes, context: ReadContext) -> Reading:
    """The default reader, imported on first use (a batch read in worker processes never
    needs it in this process; importing it costs seconds)."""
    return default_reader()(raw, context)


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
        since = now - dt.timedelta(days=1)
        with session.no_autoflush:      # the copies queued in this transaction are counted below
            sent_today = session.scalar(
                select(func.count()).select_from(OutboxMessage)
                .where(OutboxMessage.customer_id == customer_id, OutboxMessage.kind == "copy",
                       OutboxMessage.created_at >= since)
            ) or 0
        sent_today += sum(1 for o in session.new if isinstance(o, OutboxMessage) and o.customer_id == customer_id
                          and o.kind == "copy" and o.created_at is not None and _utc(o.created_at) >= since)
    return ReactionPolicy(
        promise_grace_days=r.promise_grace_days, max_promise_days=r.max_promise_days,
        reconciliation_business_days=r.reconciliation_business_days, min_confidence=r.min_confidence,
        auto_answer_copies=r.auto_answer_copies, copies_left_today=max(0, r.copy_answers_per_day - sent_today),
    )


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


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
    pool: ReadPool | None = None,
) -> Outcome:
    """Read, tie, decide and apply one stored message in one transaction (see module doc).

    ``pool``: when given and active (a backlog started it), the reading is done
    in a worker process, so a reader that hangs or crashes costs this message only
    (:class:`~bot.readpool.ReadFailed`, the message is set aside) and never the daemon.
    """
    with db.session() as s:
        msg = s.get(InboundMessage, inbound_id, with_for_update=True)
        if msg is None:
            raise LookupError(f"no inbound message {inbound_id}")
        use_pool = pool if pool is not None and pool.active and reader is None else None
        return _process(s, config, msg, now, reader or default_reader(), answer, alert, staff, use_pool)


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
    pool: ReadPool | None = None,
) -> list[Outcome]:
    """The same as :func:`process_message` for several messages in ONE transaction.

    All or nothing: if any message raises, nothing is written and the exception
    propagates (the watcher then redoes the batch message by message, so one poison
    message is set aside alone). One commit per batch instead of per message is what
    makes a backlog fast.

    Set-based: the rows, their header facts, our own Message-IDs, the first-pass ties
    (reply tokens, our Message-IDs), the senders' contacts, the tied accounts and their
    open invoices are each looked up once for the batch. With ``pool`` (and the default
    reader) the readings are computed in worker processes while this process does the
    database work of the messages before them; each message's outcome is still decided
    and applied in id order, exactly as one by one.
    """
    read = reader or _lazy_default_reader
    with db.session() as s:
        msgs = list(s.scalars(select(InboundMessage).where(InboundMessage.id.in_(list(inbound_ids)))
                              .order_by(InboundMessage.id).with_for_update()))
        missing = set(inbound_ids) - {m.id for m in msgs}
        if missing:
            raise LookupError(f"no inbound message {min(missing)}")
        by_id = {m.id: m for m in msgs}
        staff_addrs = {a.lower() for a in config.company.staff} if staff is not None else set()
        if staff_addrs and any(_head(bytes(m.raw)).sender in staff_addrs for m in msgs):
            # Staff commands may change what later messages are tied and read against:
            # such a batch is done one message after the other, nothing looked up ahead.
            return [_process(s, config, by_id[i], now, read, answer, alert, staff, None) for i in inbound_ids]
        plan = _prepare(s, config, msgs)
        futures: dict[int, Future[Reading]] = {}
        if pool is not None and reader is None and len(plan.to_read) >= MIN_BATCH:
            futures = {mid: pool.submit(plan.raw[mid], ctx) for mid, ctx in plan.to_read.items()}
        out = []
        try:
            for i in inbound_ids:
                fut = futures.get(i)
                ready = None if fut is None or pool is None else pool.result(fut)
                out.append(_process(s, config, by_id[i], now, read, answer, alert, staff, None,
                                    plan=plan, reading=ready))
        except BaseException:
            for f in futures.values():      # the batch is rolled back: its reads are not needed
                f.cancel()
            raise
        return out


@dataclass
class _Plan:
    """What the batch looked up at once (see :func:`process_messages`)."""

    raw: dict[int, bytes] = field(default_factory=dict)
    heads: dict[int, _Head] = field(default_factory=dict)
    own_mids: set[str] = field(default_factory=set)
    ties: dict[int, Tie] = field(default_factory=dict)             # first pass, by inbound id
    to_read: dict[int, ReadContext] = field(default_factory=dict)  # inbound id -> its context


@dataclass(frozen=True)
class _Head:
    sender: str             # From address, lower case ("" when none)
    message_id: str         # stripped Message-ID ("" when none)


def _head(raw: bytes) -> _Head:
    h = _headers(raw)
    return _Head(parseaddr(str(h.get("From", "")))[1].lower(), str(h.get("Message-ID", "")).strip())


def _prepare(s: Session, config: Config, msgs: Sequence[InboundMessage]) -> _Plan:
    """The batch's look-ups at once, and each message's first-pass tie and read context."""
    plan = _Plan()
    todo = [m for m in msgs if m.status not in DONE]
    for m in todo:
        plan.raw[m.id] = raw = bytes(m.raw)
        plan.heads[m.id] = _head(raw)
    mids = [h.message_id for h in plan.heads.values() if h.message_id]
    if mids:
        plan.own_mids = set(s.scalars(select(OutboxMessage.message_id).where(OutboxMessage.message_id.in_(mids))))
    readers = [m.id for m in todo if not _is_own(s, config, plan.heads[m.id], plan)]
    blanks = {i: _blank(plan.heads[i].sender) for i in readers}
    prefetch_ties(s, [(plan.raw[i], blanks[i]) for i in readers], ar_address=config.company.ar_address)
    for i in readers:
        plan.ties[i] = _first_tie(s, plan.raw[i], blanks[i], config)
    # The accounts tied now and the senders' accounts (most replies tie to those later).
    likely = {t.customer_id for t in plan.ties.values() if t.customer_id is not None} | contact_owners(s)
    prefetch_accounts(s, likely)
    _prefetch_open_numbers(s, likely)
    for i in readers:
        plan.to_read[i] = _context_for(s, plan.ties[i], config)
    return plan


def _blank(sender: str) -> Reading:
    return Reading(intent=Intent.OTHER, confidence=0.0, reply_text="", from_address=sender or None)


def _first_tie(s: Session, raw: bytes, blank: Reading, config: Config) -> Tie:
    """Tie by what needs no reading (tokens, our Message-IDs) only."""
    tie = tie_reply(s, raw, blank, ar_address=config.company.ar_address, headers_only=True)
    return tie if tie.method in ("reply_token", "in_reply_to") else Tie(None, None, False)


def _prefetch_open_numbers(s: Session, customer_ids: set[int]) -> None:
    """The accounts' open invoices at once: their numbers (the read context) and the rows
    (for the actions on them, see :func:`bot.apply.open_invoices_cached`)."""
    cache: dict[int, tuple[str, ...]] = s.info.setdefault("arbot_open_numbers", {})
    rows: dict[int, dict[str, Invoice]] = s.info.setdefault("arbot_open_invoices", {})
    want = sorted(c for c in customer_ids if c not in cache)
    for i in range(0, len(want), 500):
        chunk = want[i:i + 500]
        found: dict[int, list[Invoice]] = {c: [] for c in chunk}
        with s.no_autoflush:
            for inv in s.scalars(select(Invoice).where(Invoice.customer_id.in_(chunk), Invoice.status == "open")
                                 .order_by(Invoice.customer_id, Invoice.due_date, Invoice.number)):
                found[inv.customer_id].append(inv)
        cache.update({c: tuple(inv.number for inv in v) for c, v in found.items()})
        rows.update({c: {inv.number: inv for inv in v} for c, v in found.items()})


def _process(s: Session, config: Config, msg: InboundMessage, now: dt.datetime, read: Reader,
             answer: AnswerQueuer | None, alert: AlertQueuer | None, staff: StaffHandler | None,
             pool: ReadPool | None, *, plan: _Plan | None = None, reading: Reading | None = None) -> Outcome:
    if msg.status in DONE:
        return Outcome(msg.id, msg.status, msg.customer_id, None, "already done")
    raw = plan.raw[msg.id] if plan is not None else bytes(msg.raw)
    head = plan.heads[msg.id] if plan is not None else _head(raw)
    if _is_own(s, config, head, plan):
        return _finish(s, msg, "own", None, None, "our own mail: ignored", now)
    if staff is not None and head.sender in {a.lower() for a in config.company.staff}:
        summary = staff(s, msg, now)
        forget_prefetched(s)     # staff commands may change contacts, invoices, accounts
        return _finish(s, msg, "processed", None, None, summary, now)

    # First pass: tie by what needs no reading (tokens, our Message-IDs), then read
    # with the thread's invoices as context, then tie by content if still unknown.
    if plan is not None and msg.id in plan.ties:
        tie, ctx = plan.ties[msg.id], plan.to_read[msg.id]
    else:
        tie = _first_tie(s, raw, _blank(head.sender), config)
        ctx = _context_for(s, tie, config)
    if reading is None:
        reading = pool.result(pool.submit(raw, ctx)) if pool is not None else read(raw, ctx)
    if tie.customer_id is None:
        tie = tie_reply(s, raw, reading, ar_address=config.company.ar_address)
    return _act(s, config, msg, now, tie, reading, answer, alert)


def _is_own(s: Session, config: Config, head: _Head, plan: _Plan | None) -> bool:
    """Our own outgoing mail seen again (a copy in the mailbox, a loop): never a reply."""
    if head.sender and head.sender in _our_addresses(config):
        return True
    if not head.message_id:
        return False
    if plan is not None:
        return head.message_id in plan.own_mids
    return s.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == head.message_id)) is not None


def _act(s: Session, config: Config, msg: InboundMessage, now: dt.datetime, tie: Tie, reading: Reading,
         answer: AnswerQueuer | None, alert: AlertQueuer | None) -> Outcome:
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
