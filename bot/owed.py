"""What a customer still owes, as SQL: shared by the payment path and the sender's claim.

A customer *owes* while it has an open invoice (not a credit note) with a positive balance.
A dunning email is claimable only while its customer owes: a payment that settled the account
after the tick queued the email (from a read taken before the payment committed) must never
let it go out. See docs/payments.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, or_

from bot.models import Invoice, OutboxMessage


def owes_clause(customer_id: Any) -> ColumnElement[bool]:
    """SQL: the customer ``customer_id`` (a column or value) has an open invoice with a balance."""
    return exists().where(
        Invoice.customer_id == customer_id,
        Invoice.status == "open",
        Invoice.kind == "invoice",
        Invoice.balance_minor > 0,
    )


def claimable_outbox_clause() -> ColumnElement[bool]:
    """The sender's claim filter: never claim a dunning email of a customer who owes nothing.

    Other kinds (receipts, digests, copies, alerts) are always claimable.
    """
    return or_(OutboxMessage.kind != "dunning", OutboxMessage.customer_id.is_(None),
               owes_clause(OutboxMessage.customer_id))
