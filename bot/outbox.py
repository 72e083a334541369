"""The transactional outbox: queueing rendered emails, claiming them, recording outcomes.

Producers (the dunning tick, the mailbox's copy answers, alerts, digests) call
:func:`enqueue` in their own transaction, beside the state change the email belongs to.
The sender (:mod:`bot.sender`) drains the table with :func:`claim` and the ``mark_*``
functions. Row states (``OutboxMessage.status``)::

    pending --claim--> sending --250--> sent
       ^                  |---4xx / timeout / drop before DATA--> pending (retry later)
       |                  |---5xx, or retry lifetime over------> failed
       |                  |---drop after DATA, process death---> uncertain (staff decide)
       +-- staff: ``arbot outbox release ID --resend``  (uncertain -> pending)
    pending/uncertain --staff--> cancelled

``sent_at`` doubles as the *hand-over mark*. The claim sets it to :data:`NOT_HANDED_OVER`
(year 1); the sender sets it to the real time once the DATA command is issued: "the
server may have the message from now on". Crash recovery relies on it: a dead worker's
``sending`` row without the mark was certainly not delivered and goes back to
``pending``; with the mark it becomes ``uncertain``. Once a row is ``sent``, ``sent_at``
is the time of the 250 reply. Count sent mail with ``status = 'sent'``, never with
``sent_at IS NOT NULL``; use :func:`handed_over` to read the mark.

The serialised message is not in the ``outbox`` row: it is in ``outbox_bodies``
(:class:`~bot.models.OutboxBody`), inserted with the row and never updated, so the
several state updates of a send touch a row of a few hundred bytes. (On SQLite an update
that changes a row's size rewrites the whole record, overflow pages included; a body of
~20 KB in the row made each claim and mark cost tens of KB of WAL.) The placeholder
rather than NULL keeps the hand-over mark, committed inside each SMTP transaction, an
in-place update of a fixed-size value.

All functions take ``now`` (aware UTC); none reads the clock.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Integer, Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db import Database
from bot.models import OutboxBody, OutboxMessage
from bot.owed import claimable_outbox_clause

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNCERTAIN = "uncertain"
CANCELLED = "cancelled"
STATUSES = (PENDING, SENDING, SENT, FAILED, UNCERTAIN, CANCELLED)

#: kinds that are campaign steps: their sending is an account event (``step_sent``)
DUNNING_KINDS = frozenset({"dunning"})

_ERROR_MAX = 2000

#: ``sent_at`` of a claimed row whose DATA command has not been issued (see module doc)
NOT_HANDED_OVER = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def handed_over(sent_at: dt.datetime | None) -> bool:
    """Whether a ``sending``/``uncertain`` row's hand-over mark is set."""
    return sent_at is not None and sent_at > NOT_HANDED_OVER


def _not_handed_over() -> Any:
    return or_(OutboxMessage.sent_at.is_(None), OutboxMessage.sent_at == NOT_HANDED_OVER)


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    customer_id: int | None,
    mail_from: str,
    rcpt_to: Sequence[str],
    raw: bytes,
    message_id: str,
    reply_token: str | None,
    subject: str,
    invoice_numbers: Sequence[str] = (),
    campaign: str | None = None,
    step: str | None = None,
    cycle: int | None = None,
    in_reply_to: str | None = None,
    now: dt.datetime,
) -> OutboxMessage | None:
    """Queue one fully serialised email in the caller's transaction; due at ``now``.

    Insert-or-ignore on ``key`` (the idempotency key, e.g. ``dunning:<customer>:<campaign>:
    <step>:<cycle>``): returns the new row, or None when a row with that key already
    exists (whatever its status), so a re-run tick never queues a step twice. Works on
    SQLite and PostgreSQL (``INSERT ... ON CONFLICT (idempotency_key) DO NOTHING``).
    A clash on ``message_id`` or ``reply_token`` (which must be unique) still raises.
    The body goes to ``outbox_bodies`` in the same transaction.

    ``raw`` is the complete RFC 5322 message (CRLF line endings) as it goes on the
    wire: the sender never parses or rewrites it, so Message-ID, Date and
    Auto-Submitted headers must already be in it. ``rcpt_to`` is the envelope.
    """
    if not rcpt_to:
        raise ValueError(f"outbox {key}: no envelope recipient")
    if now.tzinfo is None:
        raise ValueError("enqueue: naive now")
    values: dict[str, Any] = {
        "idempotency_key": key,
        "customer_id": customer_id,
        "kind": kind,
        "campaign": campaign,
        "step": step,
        "cycle": cycle,
        "message_id": message_id,
        "reply_token": reply_token,
        "in_reply_to": in_reply_to,
        "mail_from": mail_from,
        "rcpt_to": list(rcpt_to),
        "subject": subject,
        "invoice_numbers": list(invoice_numbers),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert_fn(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    if new_id is None:
        return None
    session.execute(insert(OutboxBody).values(outbox_id=new_id, raw=bytes(raw)))
    return session.get(OutboxMessage, new_id)


def body_rows(rows: Sequence[dict[str, Any]], ids: Sequence[int]) -> list[dict[str, Any]]:
    """``outbox_bodies`` rows for outbox rows given as dicts with a ``raw`` key (set-based
    producers insert the outbox rows without it, ``RETURNING`` their ids in order)."""
    return [{"outbox_id": i, "raw": r["raw"]} for r, i in zip(rows, ids, strict=True)]


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """One outbox row handed to a sender: everything the SMTP transaction needs."""

    id: int
    kind: str
    customer_id: int | None
    campaign: str | None
    step: str | None
    message_id: str
    mail_from: str
    rcpt_to: tuple[str, ...]
    raw: bytes
    attempts: int                 # including this one
    created_at: dt.datetime
    claimed_at: dt.datetime


#: the tables, for the sender's hot statements: Core, built once (below), so a claim or a
#: mark costs one cached compiled statement rather than an ORM statement built per call
_o: Table = OutboxMessage.__table__  # type: ignore[assignment]
_b: Table = OutboxBody.__table__  # type: ignore[assignment]


@functools.cache
def _claim_stmt(dialect: str) -> Any:
    """``UPDATE outbox ... RETURNING`` for parameters ``worker``, ``now`` and ``lim``."""
    now = bindparam("now", type_=_o.c.claimed_at.type)
    due = (
        select(_o.c.id)
        .where(_o.c.status == PENDING, _o.c.next_attempt_at <= now,
               # a dunning email whose customer paid meanwhile is never claimed (docs/payments.md)
               claimable_outbox_clause(_o))
        .order_by(_o.c.next_attempt_at, _o.c.id)
        .limit(bindparam("lim", type_=Integer()))
    )
    if dialect == "postgresql":
        # Concurrent claimers skip each other's locked rows instead of queueing on them.
        # A MATERIALIZED CTE: as a plain ``IN (subquery)`` PostgreSQL may rescan the
        # subquery and update more than ``limit`` rows. (On SQLite FOR UPDATE would be
        # silently dropped: there BEGIN IMMEDIATE serialises writers, which is what
        # makes the statement safe.)
        cte = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        ids: Any = select(cte.c.id)
    else:
        ids = due.scalar_subquery()
    return (
        update(_o)
        .where(and_(_o.c.id.in_(ids), _o.c.status == PENDING))
        .values(
            status=SENDING,
            claimed_by=bindparam("worker", type_=_o.c.claimed_by.type),
            claimed_at=now,
            attempts=_o.c.attempts + 1,
            sent_at=NOT_HANDED_OVER,
        )
        .returning(
            _o.c.id, _o.c.kind, _o.c.customer_id, _o.c.campaign, _o.c.step, _o.c.message_id,
            _o.c.mail_from, _o.c.rcpt_to, _o.c.attempts, _o.c.created_at,
        )
    )


_BODIES = select(_b.c.outbox_id, _b.c.raw).where(_b.c.outbox_id.in_(bindparam("ids", expanding=True)))


def claim_in(session: Session, worker_id: str, limit: int, now: dt.datetime) -> list[ClaimedMessage]:
    """:func:`claim` inside the caller's transaction (the claim holds once it commits)."""
    if limit <= 0:
        return []
    conn = session.connection()
    rows = conn.execute(_claim_stmt(conn.dialect.name),
                        {"worker": worker_id, "now": now, "lim": limit}).all()
    if not rows:
        return []
    # The bodies in one read (never written here: the claim updated small rows only).
    bodies: dict[int, bytes] = {i: raw for i, raw in conn.execute(_BODIES, {"ids": [r.id for r in rows]})}
    for r in rows:
        if r.id not in bodies:    # only by hand-made damage: never send an empty message
            mark_failed(session, r.id, "the message body is missing from outbox_bodies", worker_id)
    out = [
        ClaimedMessage(
            id=r.id, kind=r.kind, customer_id=r.customer_id, campaign=r.campaign, step=r.step,
            message_id=r.message_id, mail_from=r.mail_from, rcpt_to=tuple(r.rcpt_to or ()),
            raw=bytes(bodies[r.id]), attempts=r.attempts, created_at=r.created_at, claimed_at=now,
        )
        for r in rows if r.id in bodies
    ]
    out.sort(key=lambda m: m.id)
    return out


def claim(db: Database, worker_id: str, limit: int, now: dt.datetime) -> list[ClaimedMessage]:
    """Move up to ``limit`` due ``pending`` rows to ``sending`` for ``worker_id``; commit.

    One set-based statement (``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING``),
    with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and the ``BEGIN IMMEDIATE`` write lock
    on SQLite, so several processes claiming at once never get the same row. Increments
    ``attempts``; clears the hand-over mark. Returns the rows by id.
    """
    with db.session() as s:
        return claim_in(s, worker_id, limit, now)


def _count(result: Any) -> int:
    """Rows matched by an UPDATE (``CursorResult.rowcount``)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _clip(error: str) -> str:
    return error if len(error) <= _ERROR_MAX else error[: _ERROR_MAX - 1] + "…"


def _guarded(ids: Iterable[int], worker_id: str | None) -> Any:
    cond = and_(OutboxMessage.id.in_(list(ids)), OutboxMessage.status == SENDING)
    if worker_id is not None:
        cond = and_(cond, OutboxMessage.claimed_by == worker_id)
    return cond


@functools.cache
def _guarded_update(worker: bool, returning: bool, **values: Any) -> Any:
    """``UPDATE outbox SET values WHERE id IN :ids AND status = 'sending' [AND claimed_by =
    :worker] [RETURNING id]``, built once per shape (``values`` may name bind parameters)."""
    cond = and_(_o.c.id.in_(bindparam("ids", expanding=True)), _o.c.status == SENDING)
    if worker:
        cond = and_(cond, _o.c.claimed_by == bindparam("worker", type_=_o.c.claimed_by.type))
    stmt = update(_o).where(cond).values(
        **{k: bindparam(v[1:], type_=_o.c[k].type) if isinstance(v, str) and v.startswith(":") else v
           for k, v in values.items()})
    return stmt.returning(_o.c.id) if returning else stmt


def _run_guarded(session: Session | Connection, ids: Sequence[int], worker_id: str | None,
                 returning: bool, params: dict[str, Any], **values: Any) -> Any:
    stmt = _guarded_update(worker_id is not None, returning, **values)
    conn = session if isinstance(session, Connection) else session.connection()
    return conn.execute(stmt, {"ids": list(ids), "worker": worker_id, **params})


def mark_handed_over(session: Session | Connection, ids: Sequence[int], now: dt.datetime,
                     worker_id: str | None = None) -> list[int]:
    """Set the hand-over mark (``sent_at``) on ``sending`` rows: DATA is about to be sent.

    Must be committed before the message content is written to the server. Returns the
    ids still claimed by ``worker_id`` (a fence: a row recovered by another worker in the
    meantime is not in the list, and its content must not be sent).
    """
    if not ids:
        return []
    res = _run_guarded(session, ids, worker_id, True, {"at": now}, sent_at=":at")
    return [r[0] for r in res]


def mark_sent(session: Session | Connection, ids: Sequence[int], now: dt.datetime,
              worker_id: str | None = None) -> int:
    """``sending`` -> ``sent`` (after the server's 250 for the final dot). Returns rows changed."""
    if not ids:
        return 0
    return _count(_run_guarded(session, ids, worker_id, False, {"at": now},
                               status=SENT, sent_at=":at", last_error=None))


def mark_sent_returning(session: Session | Connection, ids: Sequence[int], now: dt.datetime,
                        worker_id: str | None = None) -> list[int]:
    """:func:`mark_sent` returning the ids actually changed (one statement)."""
    if not ids:
        return []
    res = _run_guarded(session, ids, worker_id, True, {"at": now},
                       status=SENT, sent_at=":at", last_error=None)
    return [r[0] for r in res]


def mark_retry(session: Session, msg_id: int, next_attempt_at: dt.datetime, error: str,
               worker_id: str | None = None, *, count_attempt: bool = True,
               only_if_not_handed_over: bool = False) -> bool:
    """``sending`` -> ``pending``, due again at ``next_attempt_at`` (nothing was delivered).

    ``count_attempt=False`` gives back the attempt counted by the claim (used when the
    sender defers a row it never tried, e.g. its domain's rate limit was exhausted).
    """
    values: dict[str, Any] = {
        "status": PENDING, "next_attempt_at": next_attempt_at, "last_error": _clip(error),
        "sent_at": None, "claimed_by": None,
    }
    if not count_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    cond = _guarded([msg_id], worker_id)
    if only_if_not_handed_over:
        # Recovery of another worker's row: re-checked at write time, so a hand-over mark
        # committed meanwhile (PostgreSQL, READ COMMITTED) keeps the row out of the queue.
        cond = and_(cond, _not_handed_over())
    res = session.execute(
        update(OutboxMessage).where(cond).values(**values)
        .execution_options(synchronize_session=False))
    return bool(_count(res))


def mark_failed(session: Session, msg_id: int, error: str, worker_id: str | None = None) -> bool:
    """``sending`` -> ``failed`` (permanent refusal, or retry lifetime over)."""
    res = session.execute(
        update(OutboxMessage).where(_guarded([msg_id], worker_id))
        .values(status=FAILED, last_error=_clip(error), sent_at=None)
        .execution_options(synchronize_session=False))
    return bool(_count(res))


def mark_uncertain(session: Session, msg_id: int, error: str, worker_id: str | None = None) -> bool:
    """``sending`` -> ``uncertain``: the server may or may not have the message; staff decide."""
    res = session.execute(
        update(OutboxMessage).where(_guarded([msg_id], worker_id))
        .values(status=UNCERTAIN, last_error=_clip(error))
        .execution_options(synchronize_session=False))
    return bool(_count(res))


class OutboxError(Exception):
    """A staff action on the outbox that cannot be done (one clear line)."""


def release(session: Session, msg_id: int, *, resend: bool, now: dt.datetime,
            actor: str = "staff") -> OutboxMessage:
    """Staff resolve a message: ``resend`` re-queues it (due at ``now``), otherwise it is
    recorded as sent (staff checked it arrived). Only ``uncertain`` rows may be marked
    sent; ``uncertain`` and ``failed`` rows may be re-queued. Recorded in the timeline.
    """
    row = session.get(OutboxMessage, msg_id, with_for_update=True)
    if row is None:
        raise OutboxError(f"outbox message {msg_id} does not exist")
    allowed = (UNCERTAIN, FAILED) if resend else (UNCERTAIN,)
    if row.status not in allowed:
        raise OutboxError(
            f"outbox message {msg_id} is {row.status}; only {' or '.join(allowed)} messages "
            f"can be {'re-queued' if resend else 'marked sent'}")
    before = row.status
    if resend:
        row.status, row.next_attempt_at, row.sent_at, row.claimed_by = PENDING, now, None, None
    else:
        row.status, row.sent_at = SENT, row.sent_at if handed_over(row.sent_at) else now
    from bot.timeline import record

    record(session, at=now, kind="send_resolved", actor=actor, rule="staff_release",
           customer_id=row.customer_id,
           summary=(f"Email {row.message_id} ({before}) "
                    + ("re-queued for sending" if resend else "confirmed as sent") + " by staff"),
           evidence={"outbox_id": row.id, "message_id": row.message_id, "was": before,
                     "resend": resend})
    return row
