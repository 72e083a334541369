"""Learning of payments: apply Stripe payments, refunds and chargebacks to the ledger.

One entry point for both delivery paths (polling, :class:`PaymentPoller`, and the signed
webhook, :mod:`bot.webhook`): :func:`apply_stripe_event`, which in the caller's transaction

1. records the event id in ``stripe_events`` first (a replay, or the same event arriving by
   both paths at once, hits the primary key and changes nothing);
2. turns the event into facts (:mod:`bot.stripe_events`) and applies them:
   a payment is matched to a customer (metadata ``arbot_customer_id``, else the Stripe
   customer id we know, else the payer's email against contacts, else staff review), stored
   once (``payments.external_id`` = payment intent id; :func:`find_existing_payment` also finds
   the same payment imported from the ERP), allocated (named invoices first, then oldest
   first), and the account settled (:func:`settle_account`);
   a refund or chargeback reverses what it takes back (newest allocation first) and reopens
   the account;
3. writes every decision to the timeline with its rule and evidence.

Fully paid means no open invoice with a positive balance (credit notes do not count as
owed). Then, in the same transaction: the account moves to CLOSED (PAID_IN_FULL), pending
dunning emails for it are cancelled, open promises are kept, and optionally a receipt is
queued. See docs/payments.md for the contract the sender must follow
(:func:`claimable_outbox_clause`, :func:`cancel_paid_dunning`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import stripe
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot import timeline
from bot.allocation import allocate, reverse
from bot.config import Config
from bot.db import Database
from bot.models import (
    Contact,
    Cursor,
    Customer,
    Invoice,
    Note,
    OutboxMessage,
    Payment,
    Promise,
    StripeEvent,
)
from bot.money import to_str
from bot.owed import claimable_outbox_clause, owes_clause
from bot.stripe_events import (
    EVENT_TYPES,
    PaymentFacts,
    ReversalFacts,
    facts_from_event,
    is_stripe_payment_id,
)
from bot.stripe_gateway import stripe_client
from campaigns.state import AccountEvent, AccountState, transition

log = logging.getLogger(__name__)

CURSOR_NAME = "stripe_events"
ACTOR = "stripe"


# --- what is owed ------------------------------------------------------------------------------

def customer_still_owes(session: Session, customer_id: int) -> bool:
    """True while the customer has an open invoice with a positive balance."""
    return bool(session.scalar(select(owes_clause(customer_id))))


def cancel_paid_dunning(session: Session, now: dt.datetime, customer_id: int | None = None) -> int:
    """Cancel pending dunning emails of customers who owe nothing (set-based); returns the count.

    The payment path calls it for the one customer it settled; the sender may call it with no
    customer before claiming, to clear rows a tick queued from a stale read.
    """
    cond = [OutboxMessage.status == "pending", OutboxMessage.kind == "dunning",
            OutboxMessage.customer_id.is_not(None), ~owes_clause(OutboxMessage.customer_id)]
    if customer_id is not None:
        cond.append(OutboxMessage.customer_id == customer_id)
    res = session.execute(
        update(OutboxMessage).where(*cond)
        .values(status="cancelled", last_error="cancelled: account paid in full", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(res.rowcount or 0)   # type: ignore[attr-defined]


# --- finding the same payment from two sources ------------------------------------------------

def find_existing_payment(
    session: Session,
    external_id: str | None,
    reference: str | None = None,
    *,
    aliases: Sequence[str] = (),
) -> Payment | None:
    """The payment already stored for this external id or Stripe reference, if any.

    Rule (used by the Stripe path and the ERP import alike):
    * the same ``external_id`` is the same payment;
    * otherwise, any Stripe payment id among ``external_id``, ``reference`` and ``aliases``
      (``pi_``, ``ch_``, ``py_``, ``cs_`` ...) that equals a stored payment's ``external_id`` or
      ``reference`` is the same payment. Free-text references ("BACS 0412") never match each
      other: only Stripe ids are global.
    """
    if external_id:
        found = session.scalar(select(Payment).where(Payment.external_id == external_id))
        if found is not None:
            return found
    keys = sorted({k for k in (external_id, reference, *aliases) if k and is_stripe_payment_id(k)})
    if not keys:
        return None
    # An import row already reconciled to another payment (status 'duplicate') is never the
    # payment itself: prefer the counted one.
    return session.scalar(
        select(Payment).where(or_(Payment.external_id.in_(keys), Payment.reference.in_(keys)))
        .order_by(case((Payment.status == "duplicate", 1), else_=0), Payment.id).limit(1)
    )


# --- matching ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Match:
    customer: Customer | None
    rule: str
    summary: str


def match_customer(session: Session, facts: PaymentFacts) -> Match:
    """Which account a Stripe payment belongs to, by a fixed order of evidence."""
    if facts.customer_external_id:
        c = session.scalar(select(Customer).where(Customer.external_id == facts.customer_external_id))
        if c is not None:
            return Match(c, "payments.match.metadata", f"metadata arbot_customer_id={c.external_id}")
        return Match(None, "payments.match.metadata_unknown",
                     f"metadata names unknown customer {facts.customer_external_id!r}")
    if facts.stripe_customer:
        c = session.scalar(select(Customer).where(Customer.stripe_customer_id == facts.stripe_customer))
        if c is not None:
            return Match(c, "payments.match.stripe_customer", f"Stripe customer {facts.stripe_customer}")
    if facts.email:
        ids = list(session.scalars(
            select(Contact.customer_id).where(func.lower(Contact.email) == facts.email).distinct()))
        if len(ids) == 1:
            c = session.get(Customer, ids[0])
            return Match(c, "payments.match.email", f"payer email {facts.email} is a contact")
        if len(ids) > 1:
            return Match(None, "payments.match.email_ambiguous",
                         f"payer email {facts.email} is a contact of {len(ids)} customers")
        return Match(None, "payments.match.none", f"payer email {facts.email} is no contact's")
    return Match(None, "payments.match.none", "no metadata and no payer email")


# --- applying -------------------------------------------------------------------------------

@dataclass
class ApplyResult:
    """What one event did. ``status``: ``applied`` (the ledger changed: a payment stored,
    allocated or reversed), ``unchanged`` (already known: the same payment from its other
    event, a refund already counted), ``ignored`` (an event type or state arbot does not act
    on), ``failed`` (recorded with its error for staff)."""

    outcome: str
    customer_id: int | None = None
    payment_id: int | None = None
    closed: bool = False
    status: str = "applied"


def apply_stripe_event(
    session: Session,
    config: Config,
    event: dict[str, Any],
    now: dt.datetime,
    *,
    facts: PaymentFacts | ReversalFacts | None = None,
) -> ApplyResult | None:
    """Apply one Stripe event (a JSON dict) in the caller's transaction.

    Returns None when the event id was already applied (nothing changed). ``facts`` may be
    given pre-resolved (e.g. with the payer's email looked up outside the transaction).
    The ``stripe_events`` row is flushed first, so a concurrent duplicate fails with
    ``IntegrityError`` before doing anything; callers treat that as "already applied".
    """
    ev_id = str(event["id"])
    if session.get(StripeEvent, ev_id) is not None:
        return None
    row = StripeEvent(id=ev_id, type=str(event.get("type")), created=int(event.get("created") or 0),
                      received_at=now, outcome=None)
    session.add(row)
    session.flush()
    if facts is None:
        facts = facts_from_event(row.type, (event.get("data") or {}).get("object") or {})
    if facts is None:
        result = ApplyResult("ignored", status="ignored")
    elif isinstance(facts, PaymentFacts):
        result = apply_payment(session, config, facts, now, event_id=ev_id)
    else:
        result = apply_reversal(session, config, facts, now, event_id=ev_id)
    row.outcome = result.outcome[:2000]
    return result


def apply_payment(session: Session, config: Config, facts: PaymentFacts, now: dt.datetime,
                  *, event_id: str | None = None) -> ApplyResult:
    """Store, match, allocate and settle one Stripe payment (idempotent by payment id)."""
    existing = find_existing_payment(session, facts.external_id, facts.reference, aliases=facts.aliases)
    if existing is not None:
        if existing.source != "stripe":
            ids = sorted(set(existing.details.get("stripe_ids", [])) | {facts.external_id, *facts.aliases})
            existing.details = {**existing.details, "stripe_ids": ids}
            timeline.record(session, at=now, kind="payment_seen_twice", actor=ACTOR, customer_id=existing.customer_id,
                            rule="payments.reconcile.reference",
                            summary=f"Stripe payment {facts.external_id} is {existing.source} payment "
                                    f"{existing.external_id}; counted once",
                            evidence={"event": event_id, "payment": existing.external_id})
            return ApplyResult(f"already recorded as {existing.source} payment {existing.external_id}",
                               existing.customer_id, existing.id, status="unchanged")
        _enrich(existing, facts)
        return ApplyResult(f"payment {existing.external_id} already recorded", existing.customer_id, existing.id,
                           status="unchanged")

    match = match_customer(session, facts)
    customer = match.customer
    if customer is not None:
        customer = session.get(Customer, customer.id, with_for_update=True)   # serialise with the tick
    payment = Payment(
        external_id=facts.external_id, source="stripe", customer_id=customer.id if customer else None,
        date=facts.date, amount_minor=facts.amount_minor, currency=facts.currency,
        reference=facts.reference or (facts.aliases[0] if facts.aliases else None),
        unallocated_minor=facts.amount_minor, refunded_minor=0,
        status="succeeded" if customer else "review",
        details={"stripe_ids": sorted({facts.external_id, *facts.aliases}), "event": event_id,
                 "metadata": dict(facts.metadata), "email": facts.email,
                 "stripe_customer": facts.stripe_customer, "payment_link": facts.payment_link,
                 "match": match.rule},
        created_at=now,
    )
    session.add(payment)
    session.flush()
    amount = f"{to_str(facts.amount_minor, facts.currency)} {facts.currency}"
    evidence = {"event": event_id, "payment": facts.external_id, "match": match.summary,
                "invoices_named": list(facts.invoice_numbers)}
    if customer is None:
        timeline.record(session, at=now, kind="payment_review", actor=ACTOR, rule=match.rule,
                        summary=f"Stripe payment {facts.external_id} of {amount} needs staff review: "
                                f"{match.summary}", evidence=evidence)
        return ApplyResult(f"review: {match.summary}", None, payment.id)

    if facts.stripe_customer and not customer.stripe_customer_id and match.rule != "payments.match.email":
        customer.stripe_customer_id = facts.stripe_customer
    res = allocate(session, payment, now=now, invoice_numbers=facts.invoice_numbers)
    alloc_text = ", ".join(f"{n} {to_str(a, facts.currency)}" for n, a in res.allocated) or "nothing"
    timeline.record(session, at=now, kind="payment_received", actor=ACTOR, customer_id=customer.id,
                    rule=match.rule, summary=f"Payment {amount} received via Stripe; allocated to {alloc_text}",
                    evidence={**evidence, "allocated": [list(a) for a in res.allocated],
                              "closed": list(res.closed), "credit_minor": res.unallocated_minor})
    if res.unallocated_minor > 0:
        _note_credit(session, customer, payment, res.unallocated_minor, now)
    closed = settle_account(session, config, customer, now, cause=payment)
    return ApplyResult(f"applied to customer {customer.external_id}: {alloc_text}"
                       + (f"; credit {to_str(res.unallocated_minor, facts.currency)}" if res.unallocated_minor else "")
                       + ("; paid in full" if closed else ""), customer.id, payment.id, closed)


class PaymentError(ValueError):
    """A staff action on a payment that cannot be done (one line, names the payment)."""


def assign_payment(session: Session, config: Config, external_id: str, customer_external_id: str,
                   now: dt.datetime, *, invoice_numbers: Sequence[str] = (), staff: str | None = None) -> ApplyResult:
    """Staff resolves a payment in review: assign it to a customer, allocate and settle.

    Raises :class:`PaymentError` when the payment or customer is unknown or the payment is not
    in review.
    """
    payment = session.scalar(select(Payment).where(Payment.external_id == external_id).with_for_update())
    if payment is None:
        raise PaymentError(f"no payment {external_id!r}")
    if payment.customer_id is not None or payment.status != "review":
        raise PaymentError(f"payment {external_id} is not awaiting review (status {payment.status})")
    customer = session.scalar(select(Customer).where(Customer.external_id == customer_external_id)
                              .with_for_update())
    if customer is None:
        raise PaymentError(f"no customer {customer_external_id!r}")
    payment.customer_id = customer.id
    payment.status = "succeeded"
    payment.details = {**payment.details, "match": "payments.match.staff", "assigned_by": staff}
    session.flush()
    available = payment.unallocated_minor
    res = allocate(session, payment, now=now, invoice_numbers=invoice_numbers, amount_minor=available)
    alloc_text = ", ".join(f"{n} {to_str(a, payment.currency)}" for n, a in res.allocated) or "nothing"
    timeline.record(session, at=now, kind="payment_received", actor="staff", customer_id=customer.id,
                    rule="payments.match.staff",
                    summary=f"Payment {to_str(payment.amount_minor, payment.currency)} {payment.currency} "
                            f"({payment.external_id}) assigned by staff; allocated to {alloc_text}",
                    evidence={"payment": payment.external_id, "staff": staff,
                              "allocated": [list(a) for a in res.allocated]})
    if payment.unallocated_minor > 0:
        _note_credit(session, customer, payment, payment.unallocated_minor, now)
    closed = settle_account(session, config, customer, now, cause=payment)
    return ApplyResult(f"assigned to {customer.external_id}: {alloc_text}", customer.id, payment.id, closed)


def _enrich(payment: Payment, facts: PaymentFacts) -> None:
    """The same payment seen from its other event: remember every Stripe id, prefer the charge
    id as the reference (what ERPs and bank files usually record)."""
    ids = sorted(set(payment.details.get("stripe_ids", [])) | {facts.external_id, *facts.aliases})
    if ids != payment.details.get("stripe_ids"):
        payment.details = {**payment.details, "stripe_ids": ids}
    if facts.reference and (payment.reference is None or not payment.reference.startswith("ch_")):
        payment.reference = facts.reference


def _note_credit(session: Session, customer: Customer, payment: Payment, credit: int, now: dt.datetime) -> None:
    text = (f"Overpayment: {to_str(credit, payment.currency)} {payment.currency} of payment "
            f"{payment.external_id} is a credit on the account.")
    session.add(Note(customer_id=customer.id, author_kind="bot", author="arbot", text=text, created_at=now))
    timeline.record(session, at=now, kind="payment_credit", actor="bot", customer_id=customer.id,
                    rule="payments.overpayment", summary=text,
                    evidence={"payment": payment.external_id, "credit_minor": credit})


def apply_reversal(session: Session, config: Config, facts: ReversalFacts, now: dt.datetime,
                   *, event_id: str | None = None) -> ApplyResult:
    """A refund or chargeback (or a won dispute returning the money); idempotent per key."""
    payment = None
    for pid in facts.payment_ids:
        payment = find_existing_payment(session, pid, pid)
        if payment is not None:
            break
    if payment is None and facts.payment is not None:
        # Out of order: the payment's own event has not been applied yet; apply it from
        # Stripe's current copy first (its own event will then find it already recorded).
        apply_payment(session, config, facts.payment, now, event_id=event_id)
        payment = find_existing_payment(session, facts.payment.external_id, facts.payment.reference,
                                        aliases=facts.payment.aliases)
    if payment is None:
        return ApplyResult(f"{facts.kind}: unknown payment {', '.join(facts.payment_ids)}", status="ignored")
    customer = session.get(Customer, payment.customer_id, with_for_update=True) if payment.customer_id else None
    details = dict(payment.details or {})
    disputes: dict[str, Any] = dict(details.get("disputes") or {})
    if facts.kind == "refund":
        delta = facts.amount_minor - int(details.get("refunds_total", 0))
        if delta <= 0:
            return ApplyResult("refund already applied", payment.customer_id, payment.id, status="unchanged")
        details["refunds_total"] = facts.amount_minor
        what, rule = "Refund", "payments.refund"
    elif facts.kind == "dispute_opened":
        if facts.key in disputes:
            return ApplyResult("dispute already applied", payment.customer_id, payment.id, status="unchanged")
        delta = min(facts.amount_minor, payment.amount_minor - payment.refunded_minor)
        disputes[facts.key] = {"amount_minor": max(delta, 0), "status": "open", "reason": facts.reason}
        what, rule = "Chargeback", "payments.chargeback"
    elif facts.kind == "dispute_won":
        d = disputes.get(facts.key)
        if d is None or d.get("status") != "open":
            return ApplyResult("dispute close already applied", payment.customer_id, payment.id, status="unchanged")
        d = {**d, "status": "won"}
        disputes[facts.key] = d
        details["disputes"] = disputes
        payment.details = details
        return _dispute_won(session, config, payment, customer, int(d["amount_minor"]), now, event_id)
    else:   # dispute_lost: the money was already taken back when it opened
        d = disputes.get(facts.key)
        if d is not None:
            disputes[facts.key] = {**d, "status": "lost"}
            details["disputes"] = disputes
            payment.details = details
        timeline.record(session, at=now, kind="chargeback_lost", actor=ACTOR, customer_id=payment.customer_id,
                        rule="payments.chargeback", summary=f"Chargeback {facts.key} on {payment.external_id} lost",
                        evidence={"event": event_id, "dispute": facts.key})
        return ApplyResult("dispute lost (already reversed)", payment.customer_id, payment.id)

    details["disputes"] = disputes
    payment.details = details
    delta = min(delta, payment.amount_minor - payment.refunded_minor)
    if delta <= 0:
        return ApplyResult(f"{what.lower()}: nothing left to reverse", payment.customer_id, payment.id, status="unchanged")
    reopened = reverse(session, payment, delta, now=now)
    payment.status = ("disputed" if any(d.get("status") == "open" for d in disputes.values())
                      else "refunded" if payment.refunded_minor >= payment.amount_minor
                      else payment.status if payment.status == "review" else "succeeded")
    amount = f"{to_str(delta, payment.currency)} {payment.currency}"
    text = (f"{what} of {amount} on payment {payment.external_id}"
            + (f" reopened {', '.join(reopened)}" if reopened else "") + ".")
    if customer is not None:
        session.add(Note(customer_id=customer.id, author_kind="bot", author="arbot", text=text, created_at=now))
    timeline.record(session, at=now, kind=facts.kind if facts.kind == "refund" else "chargeback", actor=ACTOR,
                    customer_id=payment.customer_id, rule=rule, summary=text,
                    evidence={"event": event_id, "payment": payment.external_id, "key": facts.key,
                              "amount_minor": delta, "reopened": list(reopened), "reason": facts.reason})
    if customer is not None and reopened:
        _reopen(session, customer, now, rule, text)
    return ApplyResult(text, payment.customer_id, payment.id)


def _dispute_won(session: Session, config: Config, payment: Payment, customer: Customer | None, amount: int,
                 now: dt.datetime, event_id: str | None) -> ApplyResult:
    payment.refunded_minor -= amount
    payment.unallocated_minor += amount
    payment.status = "succeeded" if customer else "review"
    text = f"Chargeback on payment {payment.external_id} won: {to_str(amount, payment.currency)} returned"
    timeline.record(session, at=now, kind="chargeback_won", actor=ACTOR, customer_id=payment.customer_id,
                    rule="payments.chargeback", summary=text, evidence={"event": event_id})
    if customer is None:
        return ApplyResult(text, None, payment.id)
    res = allocate(session, payment, now=now, invoice_numbers=(payment.details.get("metadata") or {}).get(
        "arbot_invoices", "").split(","))
    if res.unallocated_minor > 0:
        _note_credit(session, customer, payment, res.unallocated_minor, now)
    closed = settle_account(session, config, customer, now, cause=payment)
    return ApplyResult(text, customer.id, payment.id, closed)


def _move(session: Session, customer: Customer, event: AccountEvent, now: dt.datetime, rule: str,
          why: str) -> None:
    before = AccountState(customer.state)
    after, expected = transition(before, event)
    if after == before and expected:
        return
    customer.state = after.value
    customer.updated_at = now
    timeline.record(session, at=now, kind="state_changed", actor="bot", customer_id=customer.id, rule=rule,
                    summary=f"{before.value} -> {after.value} ({event.value}): {why}",
                    evidence={"from": before.value, "to": after.value, "event": event.value,
                              "expected": expected})


def _reopen(session: Session, customer: Customer, now: dt.datetime, rule: str, why: str) -> None:
    if customer_still_owes(session, customer.id):
        _move(session, customer, AccountEvent.BALANCE_REOPENED, now, rule, why)


def settle_customers(session: Session, customer_ids: Iterable[int], now: dt.datetime,
                     config: Config | None = None) -> int:
    """:func:`settle_account` for customers whose balances changed elsewhere (the ERP payment
    import); returns how many are paid in full. No receipts (there is no Stripe payment)."""
    closed = 0
    for cid in sorted(set(customer_ids)):
        customer = session.get(Customer, cid, with_for_update=True)
        if customer is not None and settle_account(session, config, customer, now):
            closed += 1
    return closed


def settle_account(session: Session, config: Config | None, customer: Customer, now: dt.datetime,
                   *, cause: Payment | None = None) -> bool:
    """After money came in: keep promises it satisfies; close the account if nothing is owed.

    Returns True when the account is (now) paid in full. Closing cancels the customer's
    pending dunning emails in the same transaction and, with ``[stripe] send_receipts``,
    queues a thank-you receipt.
    """
    session.flush()
    owes = customer_still_owes(session, customer.id)
    _keep_promises(session, customer, owes, now)
    if owes:
        return False
    if customer.state != AccountState.CLOSED.value:
        why = f"payment {cause.external_id}" if cause else "balance settled"
        _move(session, customer, AccountEvent.PAID_IN_FULL, now, "payments.paid_in_full", why)
        customer.next_action_at = None
    cancelled = cancel_paid_dunning(session, now, customer.id)
    if cancelled:
        timeline.record(session, at=now, kind="steps_cancelled", actor="bot", customer_id=customer.id,
                        rule="payments.paid_in_full",
                        summary=f"{cancelled} pending reminder(s) cancelled: account paid in full",
                        evidence={"cancelled": cancelled})
    if config is not None and config.stripe.send_receipts and cause is not None:
        queue_receipt(session, config, customer, cause, now)
    return True


def _keep_promises(session: Session, customer: Customer, owes: bool, now: dt.datetime) -> None:
    promises = list(session.scalars(
        select(Promise).where(Promise.customer_id == customer.id, Promise.status == "open")))
    for p in promises:
        why = _promise_kept(session, customer, p, owes)
        if why is None:
            continue
        p.status = "kept"
        p.resolved_at = now
        timeline.record(session, at=now, kind="promise_kept", actor="bot", customer_id=customer.id,
                        rule="payments.promise_kept",
                        summary=f"Promise to pay by {p.promised_date.isoformat()} kept: {why}",
                        evidence={"promise": p.id, "why": why})


def _promise_kept(session: Session, customer: Customer, p: Promise, owes: bool) -> str | None:
    if not owes:
        return "nothing left to pay"
    if p.invoice_numbers:
        still_open = session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.customer_id == customer.id, Invoice.number.in_([str(n) for n in p.invoice_numbers]),
            Invoice.status == "open", Invoice.balance_minor > 0))
        return None if still_open else f"invoices {', '.join(map(str, p.invoice_numbers))} paid"
    if p.amount_minor:
        paid = session.scalar(select(func.coalesce(func.sum(Payment.amount_minor - Payment.refunded_minor), 0))
                              .where(Payment.customer_id == customer.id, Payment.created_at >= p.created_at,
                                     Payment.status.not_in(("duplicate", "review")),
                                     Payment.currency == (p.currency or Payment.currency))) or 0
        return f"{to_str(int(paid), p.currency or 'EUR')} paid since the promise" if paid >= p.amount_minor else None
    return None


def queue_receipt(session: Session, config: Config, customer: Customer, payment: Payment,
                  now: dt.datetime) -> OutboxMessage | None:
    """Queue a thank-you receipt rendered from the ``receipt`` template (outbox kind ``receipt``).

    Idempotent per payment. Skipped (noted on the timeline) when the customer has no usable
    contact.
    """
    from bot.answers import account_context
    from bot.money import Money
    from bot.outbox import enqueue
    from bot.render import MessageOptions, PaymentView, render_message

    ctx = account_context(session, config, customer.id, now, template="receipt", attach=[])
    if ctx is None or not ctx.to:
        timeline.record(session, at=now, kind="receipt_skipped", actor="bot", customer_id=customer.id,
                        rule="payments.receipt", summary="No contact to send the receipt to")
        return None
    rcpt = ctx.to[0]
    paid = PaymentView(date=payment.date, amount=Money(payment.amount_minor, payment.currency),
                       reference=payment.reference or payment.external_id)
    email = render_message(ctx, MessageOptions(template="receipt", to=(rcpt,), attach=(), payment=paid))
    row = enqueue(session, key=f"receipt:{customer.id}:{payment.external_id}", kind="receipt",
                  customer_id=customer.id, mail_from=ctx.from_address, rcpt_to=[rcpt], raw=email.raw,
                  message_id=ctx.message_id, reply_token=ctx.reply_token, subject=email.subject,
                  step="receipt", now=now)
    if row is not None:
        amount = f"{to_str(payment.amount_minor, payment.currency)} {payment.currency}"
        timeline.record(session, at=now, kind="receipt_queued", actor="bot", customer_id=customer.id,
                        rule="payments.receipt", summary=f"Receipt for {amount} queued to {rcpt}")
    return row


# --- polling ------------------------------------------------------------------------------

@dataclass
class PollStats:
    seen: int = 0
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    failed: int = 0
    cancelled: int = 0            # left-over dunning rows of paid customers cancelled
    cursor: int | None = None
    outcomes: list[str] = field(default_factory=list)


class PaymentPoller:
    """Poll Stripe's events (the default: a mailbox daemon often has no public URL).

    Contract of :meth:`run_once`: lists events of :data:`EVENT_TYPES` created at or after
    ``cursor - overlap_seconds`` (events of the same second, or made visible a little late, are
    not skipped), applies them oldest first, each in its own transaction together with its
    ``stripe_events`` row (so each is applied at most once), then stores the newest ``created``
    seen in ``cursors`` (``stripe_events``). First run: starts ``initial_lookback`` before ``now``.
    A database error stops the run without moving the cursor (the next run retries); an event
    whose data arbot cannot apply is recorded as failed with its error (and on the timeline),
    never retried blindly.
    """

    def __init__(self, db: Database, config: Config, *, client: stripe.StripeClient | None = None,
                 overlap_seconds: int = 300, initial_lookback: dt.timedelta = dt.timedelta(days=1),
                 page_size: int = 100) -> None:
        self.db = db
        self.config = config
        self.client = client or stripe_client(config)
        self.overlap_seconds = overlap_seconds
        self.initial_lookback = initial_lookback
        self.page_size = page_size

    def read_cursor(self) -> int | None:
        with self.db.session() as s:
            row = s.get(Cursor, CURSOR_NAME)
            return int(json.loads(row.value)["created"]) if row else None

    def run_once(self, now: dt.datetime) -> PollStats:
        stats = PollStats()
        if self.client is None:
            return stats
        cursor = self.read_cursor()
        since = (cursor - self.overlap_seconds) if cursor is not None else int(
            (now - self.initial_lookback).timestamp())
        listing = self.client.v1.events.list(params={
            "created": {"gte": max(since, 0)}, "types": list(EVENT_TYPES), "limit": self.page_size})
        events = [e.to_dict() for e in listing.auto_paging_iter()]
        events.reverse()                       # Stripe lists newest first; apply oldest first
        stats.seen = len(events)
        newest = cursor
        with self.db.session() as s:
            done = set(s.scalars(select(StripeEvent.id).where(
                StripeEvent.id.in_([e["id"] for e in events])))) if events else set()
        for ev in events:
            created = int(ev.get("created") or 0)
            if ev["id"] in done:
                stats.duplicates += 1
            else:
                try:
                    result = self.apply(ev, now)
                except OperationalError:
                    log.exception("database error applying Stripe event %s; will retry", ev["id"])
                    break
                if result is not None:
                    stats.outcomes.append(f"{ev['id']} {ev.get('type')}: {result.outcome}")
                if result is None:
                    stats.duplicates += 1
                elif result.status == "failed":
                    stats.failed += 1
                elif result.status == "ignored":
                    stats.ignored += 1
                elif result.status == "unchanged":
                    stats.duplicates += 1
                else:
                    stats.applied += 1
            newest = created if newest is None else max(newest, created)
        if newest is not None and newest != cursor:
            with self.db.session() as s:
                row = s.get(Cursor, CURSOR_NAME)
                value = json.dumps({"created": newest})
                if row is None:
                    s.add(Cursor(name=CURSOR_NAME, value=value, updated_at=now))
                else:
                    row.value, row.updated_at = value, now
        stats.cursor = newest
        # Housekeeping: dunning rows queued (from a stale read) for customers who owe nothing
        # any more are never claimed by the sender; close them out here.
        with self.db.session() as s:
            stats.cancelled = cancel_paid_dunning(s, now)
        return stats

    def apply(self, event: dict[str, Any], now: dt.datetime) -> ApplyResult | None:
        """Apply one event in its own transaction; None if it was already applied."""
        return apply_event_once(self.db, self.config, event, now, client=self.client)


def resolve_facts(event: dict[str, Any], client: stripe.StripeClient | None) -> PaymentFacts | ReversalFacts | None:
    """Facts of an event, with the payer's email looked up in Stripe when needed (no DB)."""
    facts = facts_from_event(str(event.get("type")), (event.get("data") or {}).get("object") or {})
    if client is None:
        return facts
    if isinstance(facts, PaymentFacts):
        return _complete_payment(client, facts)
    if isinstance(facts, ReversalFacts):
        pi_id = next((p for p in facts.payment_ids if p.startswith("pi_")), None)
        if pi_id:
            try:
                pi = client.v1.payment_intents.retrieve(pi_id).to_dict()
            except stripe.StripeError as exc:
                log.warning("cannot fetch payment intent %s: %s", pi_id, exc.__class__.__name__)
                return facts
            paid = facts_from_event("payment_intent.succeeded", pi) if pi.get("status") == "succeeded" else None
            if isinstance(paid, PaymentFacts):
                from dataclasses import replace

                facts = replace(facts, payment=_complete_payment(client, paid))
    return facts


def _complete_payment(client: stripe.StripeClient, facts: PaymentFacts) -> PaymentFacts:
    if facts.reference is None and facts.external_id.startswith("pi_"):
        facts = _with_charge(client, facts)
    if facts.needs_email_lookup:
        facts = facts.with_email(_lookup_email(client, facts))
    return facts


def _with_charge(client: stripe.StripeClient, facts: PaymentFacts) -> PaymentFacts:
    """A checkout session names its payment intent but not the charge, which is what an ERP or
    bank file usually records: fetch it so :func:`find_existing_payment` can see both."""
    from dataclasses import replace

    try:
        charge = client.v1.payment_intents.retrieve(facts.external_id).to_dict().get("latest_charge")
    except stripe.StripeError as exc:
        log.warning("cannot fetch payment intent %s: %s", facts.external_id, exc.__class__.__name__)
        return facts
    if isinstance(charge, dict):
        charge = charge.get("id")
    if not charge:
        return facts
    return replace(facts, reference=str(charge), aliases=tuple(dict.fromkeys((*facts.aliases, str(charge)))))


def _lookup_email(client: stripe.StripeClient, facts: PaymentFacts) -> str | None:
    try:
        if facts.stripe_customer:
            email = client.v1.customers.retrieve(facts.stripe_customer).to_dict().get("email")
            if email:
                return str(email)
        if facts.reference and facts.reference.startswith("ch_"):
            charge = client.v1.charges.retrieve(facts.reference).to_dict()
            billing = charge.get("billing_details") or {}
            return billing.get("email") or charge.get("receipt_email")
    except stripe.StripeError as exc:
        log.warning("cannot look up the payer of %s: %s", facts.external_id, exc.__class__.__name__)
    return None


def apply_event_once(db: Database, config: Config, event: dict[str, Any], now: dt.datetime,
                     *, client: stripe.StripeClient | None = None) -> ApplyResult | None:
    """Resolve and apply one event in one transaction (the poller's and the webhook's path).

    Returns the outcome, or None when the event was already applied (also when a concurrent
    delivery of the same event won the race).
    """
    try:
        facts = resolve_facts(event, client)
    except Exception as exc:  # noqa: BLE001 - malformed data must not stop the stream
        return _record_failure(db, event, now, exc)
    for attempt in range(2):
        try:
            with db.session() as s:
                result = apply_stripe_event(s, config, event, now, facts=facts)
            return result
        except IntegrityError:
            # A concurrent delivery committed first (same event id, or the same payment from
            # its other event): once more, now seeing its rows, so this event is recorded too.
            if attempt:
                return None
        except OperationalError:
            raise
        except Exception as exc:  # noqa: BLE001
            return _record_failure(db, event, now, exc)
    return None


def _record_failure(db: Database, event: dict[str, Any], now: dt.datetime, exc: Exception) -> ApplyResult:
    outcome = f"failed: {type(exc).__name__}: {exc}".splitlines()[0][:500]
    log.error("Stripe event %s: %s", event.get("id"), outcome)
    try:
        with db.session() as s:
            if s.get(StripeEvent, str(event["id"])) is None:
                s.add(StripeEvent(id=str(event["id"]), type=str(event.get("type")),
                                  created=int(event.get("created") or 0), received_at=now, outcome=outcome))
                timeline.record(s, at=now, kind="payment_event_failed", actor=ACTOR,
                                rule="payments.event_failed",
                                summary=f"Stripe event {event.get('id')} ({event.get('type')}) could not be "
                                        f"applied: {outcome}", evidence={"event": event.get("id")})
    except IntegrityError:
        pass
    return ApplyResult(outcome, status="failed")


def payments_of(session: Session, customer_ids: Iterable[int] | None = None) -> list[Payment]:
    """Payments (newest first), optionally of some customers only."""
    q = select(Payment).order_by(Payment.date.desc(), Payment.id.desc())
    if customer_ids is not None:
        q = q.where(Payment.customer_id.in_(list(customer_ids)))
    return list(session.scalars(q))


__all__ = [
    "ApplyResult",
    "Match",
    "PaymentError",
    "PaymentPoller",
    "PollStats",
    "apply_event_once",
    "apply_payment",
    "apply_reversal",
    "apply_stripe_event",
    "assign_payment",
    "cancel_paid_dunning",
    "claimable_outbox_clause",
    "customer_still_owes",
    "find_existing_payment",
    "match_customer",
    "owes_clause",
    "queue_receipt",
    "settle_account",
    "settle_customers",
]
