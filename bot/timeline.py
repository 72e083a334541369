"""The account timeline: append-only events recording every decision and its evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from bot.models import Event


def record(
    session: Session,
    *,
    at: dt.datetime,
    kind: str,
    summary: str,
    actor: str = "bot",
    rule: str | None = None,
    customer_id: int | None = None,
    invoice_id: int | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> None:
    """Append one event to the timeline in the caller's transaction.

    ``evidence`` must be JSON-serialisable: message ids, quoted words, confidence,
    dates as ISO strings.

    The event is written when a pending ORM object would be: at the session's next
    flush, autoflushing query or commit, in the order recorded, all pending events in
    one INSERT (executemany) -- a batch of replies records thousands, and one INSERT
    per ORM object is what SQLite would otherwise do. Rolled back with the transaction
    (or the savepoint) it was recorded in.
    """
    pending: list[tuple[Any, dict[str, Any]]] = session.info.setdefault(_PENDING, [])
    pending.append((session.get_nested_transaction(), {
        "customer_id": customer_id, "invoice_id": invoice_id, "at": at, "kind": kind, "actor": actor,
        "rule": rule, "summary": summary, "evidence": dict(evidence or {}),
    }))


_PENDING = "arbot_timeline_pending"
_WRITING = "arbot_timeline_writing"


def _write_pending(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending or session.info.get(_WRITING):
        return
    session.info[_WRITING] = True
    try:
        rows = [row for _tx, row in pending]
        pending.clear()
        session.connection().execute(insert(Event), rows)
    finally:
        session.info[_WRITING] = False


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    _write_pending(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write_pending(session)


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: ORMExecuteState) -> None:
    if state.session.autoflush:      # where a query would autoflush a pending object
        _write_pending(state.session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if not previous.nested:
        pending.clear()
        return

    def inside(tx: SessionTransaction | None) -> bool:
        while tx is not None:
            if tx is previous:
                return True
            tx = tx.parent
        return False

    pending[:] = [(tx, row) for tx, row in pending if not inside(tx)]


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)     # committed (written) or rolled back: nothing left


def record_many(session: Session, events: Iterable[Mapping[str, Any]], *, at: dt.datetime,
                actor: str = "bot") -> int:
    """Append many events at once (one INSERT ... executemany) in the caller's transaction.

    Each mapping has ``kind``, ``summary`` and optionally ``rule``, ``customer_id``,
    ``invoice_id``, ``evidence`` -- the same fields as :func:`record`, for hot paths (the
    tick) where building ORM objects would cost more than the rest of the work.
    Returns the number of events written.
    """
    rows = [{"customer_id": e.get("customer_id"), "invoice_id": e.get("invoice_id"), "at": at,
             "kind": e["kind"], "actor": e.get("actor", actor), "rule": e.get("rule"),
             "summary": e["summary"], "evidence": dict(e.get("evidence") or {})} for e in events]
    if rows:
        session.execute(insert(Event), rows)
    return len(rows)
