"""The account timeline: append-only events recording every decision and its evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

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
) -> Event:
    """Append one event to the timeline in the caller's transaction.

    ``evidence`` must be JSON-serialisable: message ids, quoted words, confidence,
    dates as ISO strings.
    """
    ev = Event(
        customer_id=customer_id,
        invoice_id=invoice_id,
        at=at,
        kind=kind,
        actor=actor,
        rule=rule,
        summary=summary,
        evidence=dict(evidence or {}),
    )
    session.add(ev)
    return ev


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
