"""What a customer still owes, as SQL: shared by the payment path and the sender's claim.

A customer *owes* while it has an open invoice (not a credit note) with a positive balance.
A dunning email is claimable only while its customer owes: a payment that settled the account
after the tick queued the email (from a read taken before the payment committed) must never
let it go out. See docs/payments.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, exists, or_

from bot.models import Invoice, OutboxMessage


def owes_clause(customer_id: Any) -> ColumnElement[bool]:
    """SQL: the customer ``customer_id`` (a column or value) has an open invoice with a balance."""
    inv: Table = Invoice.__table__  # type: ignore[assignment]   # Core: fits ORM and Core statements
    return exists().where(
        inv.c.customer_id == customer_id,
        inv.c.status == "open",
        inv.c.kind == "invoice",
        inv.c.balance_minor > 0,
    )


def claimable_outbox_clause(outbox: Table | None = None) -> ColumnElement[bool]:
    """The sender's claim filter: never claim a dunning email of a customer who owes nothing.

    Other kinds (receipts, digests, copies, alerts) are always claimable. ``outbox``: the
    outbox ``Table`` for a Core statement (default: the ORM entity's columns).
    """
    cols: Any = outbox.c if outbox is not None else OutboxMessage
    return or_(cols.kind != "dunning", cols.customer_id.is_(None), owes_clause(cols.customer_id))
