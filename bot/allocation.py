"""Allocating a payment to invoices, and reversing it.

Rules (the Payments issue):
* to the invoices named (payment metadata, ERP file), in the order named, else the
  oldest open invoice first (by due date, then number), disputed invoices last;
* only invoices of the payment's currency and customer; never beyond an invoice's balance;
* what is left is a credit on the account (``payments.unallocated_minor``), noted;
* an invoice whose balance reaches zero is marked paid; a reversal (refund, chargeback)
  reopens what it takes back, newest allocation first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Allocation, Invoice, Payment


@dataclass(frozen=True, slots=True)
class AllocationResult:
    allocated: tuple[tuple[str, int], ...]   # (invoice number, minor units)
    unallocated_minor: int
    closed: tuple[str, ...]                  # invoices this payment made fully paid


def _open_invoices(session: Session, customer_id: int, currency: str) -> list[Invoice]:
    return list(session.scalars(
        select(Invoice)
        .where(Invoice.customer_id == customer_id, Invoice.status == "open",
               Invoice.currency == currency, Invoice.balance_minor > 0)
        .order_by(Invoice.due_date, Invoice.number)
        .with_for_update()
    ))


def allocate(
    session: Session,
    payment: Payment,
    *,
    now: dt.datetime,
    invoice_numbers: Sequence[str] = (),
    amount_minor: int | None = None,
) -> AllocationResult:
    """Allocate ``amount_minor`` (default: the payment's unallocated amount) of ``payment``.

    The caller owns the transaction. ``payment.customer_id`` must be set.
    """
    if payment.customer_id is None:
        raise ValueError("cannot allocate a payment with no customer")
    remaining = payment.unallocated_minor if amount_minor is None else amount_minor
    candidates = _open_invoices(session, payment.customer_id, payment.currency)
    by_number = {inv.number: inv for inv in candidates}
    named = [by_number[n] for n in dict.fromkeys(invoice_numbers) if n in by_number]
    # Named invoices first; what they cannot absorb goes oldest-first to the rest, undisputed
    # invoices before disputed ones (a payer who names nothing is not paying what they contest).
    rest = [inv for inv in candidates if inv not in named]
    order = named + [inv for inv in rest if not inv.disputed] + [inv for inv in rest if inv.disputed]
    allocated: list[tuple[str, int]] = []
    closed: list[str] = []
    for inv in order:
        if remaining <= 0:
            break
        take = min(remaining, inv.balance_minor)
        if take <= 0:
            continue
        inv.balance_minor -= take
        inv.updated_at = now
        remaining -= take
        session.add(Allocation(payment_id=payment.id, invoice_id=inv.id, amount_minor=take, created_at=now))
        allocated.append((inv.number, take))
        if inv.balance_minor == 0:
            inv.status = "paid"
            inv.closed_at = now
            closed.append(inv.number)
    payment.unallocated_minor = remaining if amount_minor is None else payment.unallocated_minor - (
        amount_minor - remaining)
    return AllocationResult(tuple(allocated), remaining, tuple(closed))


def reverse(session: Session, payment: Payment, amount_minor: int, *, now: dt.datetime) -> tuple[str, ...]:
    """Take ``amount_minor`` back from ``payment`` (refund/chargeback); reopen invoices.

    Credit on account is consumed first, then allocations newest first. Returns the
    invoice numbers reopened or whose balance grew.
    """
    take_credit = min(payment.unallocated_minor, amount_minor)
    payment.unallocated_minor -= take_credit
    remaining = amount_minor - take_credit
    touched: list[str] = []
    allocations = list(session.scalars(
        select(Allocation).where(Allocation.payment_id == payment.id).order_by(Allocation.id.desc())
    ))
    net: dict[int, int] = {}
    for a in allocations:
        net[a.invoice_id] = net.get(a.invoice_id, 0) + a.amount_minor
    for a in allocations:
        if remaining <= 0:
            break
        avail = net.get(a.invoice_id, 0)
        if avail <= 0 or a.amount_minor <= 0:
            continue
        back = min(avail, remaining)
        inv = session.get(Invoice, a.invoice_id, with_for_update=True)
        assert inv is not None
        inv.balance_minor += back
        inv.updated_at = now
        if inv.status == "paid":
            inv.status = "open"
            inv.closed_at = None
        session.add(Allocation(payment_id=payment.id, invoice_id=inv.id, amount_minor=-back, created_at=now))
        net[a.invoice_id] = avail - back
        remaining -= back
        touched.append(inv.number)
    payment.refunded_minor += amount_minor
    return tuple(touched)
