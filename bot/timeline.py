"""The account timeline: append-only events recording every decision and its evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

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
