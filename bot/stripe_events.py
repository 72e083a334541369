"""Reading Stripe events into typed facts arbot applies (pure; no database, no network).

Each event type arbot cares about becomes one of:

* :class:`PaymentFacts` -- money received (``checkout.session.completed`` /
  ``checkout.session.async_payment_succeeded`` with ``payment_status=paid``,
  ``payment_intent.succeeded``). Keyed by the payment intent id (the checkout session id when a
  session has no payment intent), with the charge and session ids as aliases;
* :class:`ReversalFacts` -- money taken back or returned (``charge.refunded`` with the charge's
  cumulative ``amount_refunded``; ``charge.dispute.created``; ``charge.dispute.closed`` won or
  lost);
* ``None`` -- an event arbot ignores (recorded as seen, nothing else).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.stripe_gateway import META_CUSTOMER, META_INVOICES

#: The event types the poller asks for (and the webhook acts on).
EVENT_TYPES: tuple[str, ...] = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "payment_intent.succeeded",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
)

STRIPE_ID_PREFIXES = ("pi_", "ch_", "py_", "cs_", "src_")


def is_stripe_payment_id(value: str | None) -> bool:
    """True for ids Stripe gives payments (payment intent, charge, checkout session ...)."""
    return bool(value) and str(value).startswith(STRIPE_ID_PREFIXES)


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    external_id: str                  # payment intent id (else checkout session id)
    amount_minor: int
    currency: str                     # upper-case ISO
    date: dt.date
    aliases: tuple[str, ...] = ()     # charge id, checkout session id
    reference: str | None = None      # the charge id when known (what ERPs usually record)
    customer_external_id: str | None = None   # metadata arbot_customer_id
    invoice_numbers: tuple[str, ...] = ()     # metadata arbot_invoices
    email: str | None = None
    stripe_customer: str | None = None
    payment_link: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def needs_email_lookup(self) -> bool:
        return self.customer_external_id is None and self.email is None

    def with_email(self, email: str | None) -> PaymentFacts:
        from dataclasses import replace

        return replace(self, email=email.strip().lower() if email else None)


ReversalKind = Literal["refund", "dispute_opened", "dispute_won", "dispute_lost"]


@dataclass(frozen=True, slots=True)
class ReversalFacts:
    kind: ReversalKind
    payment_ids: tuple[str, ...]      # payment intent id and charge id (whichever exist)
    amount_minor: int                 # refund: the charge's cumulative refunded amount
    currency: str
    key: str                          # charge id (refund) or dispute id
    reason: str | None = None
    # The payment itself, fetched from Stripe before applying: events are not delivered in
    # order, so a refund may arrive before the payment it reverses.
    payment: PaymentFacts | None = None


Facts = PaymentFacts | ReversalFacts


def _md(obj: Mapping[str, Any]) -> dict[str, str]:
    md = obj.get("metadata") or {}
    return {str(k): str(v) for k, v in md.items()}


def _invoices(md: Mapping[str, str]) -> tuple[str, ...]:
    raw = md.get(META_INVOICES) or ""
    return tuple(n.strip() for n in raw.split(",") if n.strip())


def _date(ts: Any) -> dt.date:
    return dt.datetime.fromtimestamp(int(ts or 0), tz=dt.UTC).date()


def _email(value: Any) -> str | None:
    return str(value).strip().lower() if value else None


def facts_from_event(event_type: str, obj: Mapping[str, Any]) -> Facts | None:
    """The facts in one event's ``data.object`` (None: nothing arbot acts on)."""
    if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        return _from_session(obj)
    if event_type == "payment_intent.succeeded":
        return _from_payment_intent(obj)
    if event_type == "charge.refunded":
        ids = tuple(x for x in (obj.get("payment_intent"), obj.get("id")) if x)
        return ReversalFacts("refund", ids, int(obj.get("amount_refunded") or 0),
                             str(obj.get("currency") or "").upper(), str(obj.get("id")))
    if event_type in ("charge.dispute.created", "charge.dispute.closed"):
        ids = tuple(x for x in (obj.get("payment_intent"), obj.get("charge")) if x)
        if event_type == "charge.dispute.created":
            kind: ReversalKind = "dispute_opened"
        elif obj.get("status") == "won":
            kind = "dispute_won"
        elif obj.get("status") == "lost":
            kind = "dispute_lost"
        else:
            return None    # warning_closed etc.: no money moved
        return ReversalFacts(kind, ids, int(obj.get("amount") or 0), str(obj.get("currency") or "").upper(),
                             str(obj.get("id")), reason=obj.get("reason"))
    return None


def _from_session(obj: Mapping[str, Any]) -> PaymentFacts | None:
    if obj.get("payment_status") != "paid" or obj.get("mode", "payment") != "payment":
        return None   # async methods: wait for checkout.session.async_payment_succeeded
    md = _md(obj)
    pi = obj.get("payment_intent")
    details = obj.get("customer_details") or {}
    return PaymentFacts(
        external_id=str(pi or obj["id"]),
        amount_minor=int(obj.get("amount_total") or 0),
        currency=str(obj.get("currency") or "").upper(),
        date=_date(obj.get("created")),
        aliases=(str(obj["id"]),) if pi else (),
        customer_external_id=md.get(META_CUSTOMER) or None,
        invoice_numbers=_invoices(md),
        email=_email(details.get("email") or obj.get("customer_email")),
        stripe_customer=obj.get("customer"),
        payment_link=obj.get("payment_link"),
        metadata=md,
    )


def _from_payment_intent(obj: Mapping[str, Any]) -> PaymentFacts:
    md = _md(obj)
    charge = obj.get("latest_charge")
    if isinstance(charge, Mapping):
        charge = charge.get("id")
    return PaymentFacts(
        external_id=str(obj["id"]),
        amount_minor=int(obj.get("amount_received") or obj.get("amount") or 0),
        currency=str(obj.get("currency") or "").upper(),
        date=_date(obj.get("created")),
        aliases=(str(charge),) if charge else (),
        reference=str(charge) if charge else None,
        customer_external_id=md.get(META_CUSTOMER) or None,
        invoice_numbers=_invoices(md),
        email=_email(obj.get("receipt_email")),
        stripe_customer=obj.get("customer") if isinstance(obj.get("customer"), str) else None,
        metadata=md,
    )
