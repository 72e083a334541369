"""arbot's side of Stripe: the client, and one payment link per customer account.

Policy (docs/payments.md):

* one *active* link per customer: a Price with ``custom_unit_amount`` (the customer chooses
  the amount; preset = the open balance, minimum = one major unit or the balance if smaller,
  maximum = the balance) and a Payment Link with that one line item;
* one currency per link: the customer's own currency when it has open invoices in it, else
  the currency with the largest open balance. Invoices in other currencies are not on the
  link (the statement shows them; they are paid by transfer);
* metadata ``arbot_customer_id`` (ledger external id) and ``arbot_invoices`` (comma-separated
  invoice numbers) on the Product, the Price, the Payment Link, and via
  ``payment_intent_data[metadata]`` on every payment the link creates; a link's metadata is
  copied by Stripe to its checkout sessions;
* reused while the balance, currency and invoice set are unchanged; otherwise the old link is
  deactivated (``active=false``) and a new one created;
* creates carry idempotency keys derived from the customer, the content and a generation
  number (the count of links we ever stored for the customer), so a crash between Stripe's
  answer and our commit gets the same objects back on retry, never duplicates;
* the API key comes from the environment variable named by ``[stripe] api_key_env`` and is
  never logged; no key configured (or the variable unset) means no link (``None``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import stripe
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import Config
from bot.models import Customer, Invoice, PaymentLink
from bot.money import exponent

log = logging.getLogger(__name__)

META_CUSTOMER = "arbot_customer_id"
META_INVOICES = "arbot_invoices"
META_TRUNCATED = "arbot_invoices_truncated"
METADATA_VALUE_LIMIT = 500   # Stripe's limit on one metadata value


def stripe_client(config: Config) -> stripe.StripeClient | None:
    """A client for the configured account, or None when Stripe is not configured."""
    if not config.stripe.enabled:
        return None
    import os

    key = os.environ[config.stripe.api_key_env or ""]
    bases: dict[str, str] = {}
    if config.stripe.api_base:
        bases["api"] = config.stripe.api_base.rstrip("/")
    # Retries are safe: every create carries an idempotency key.
    return stripe.StripeClient(key, base_addresses=bases or None, max_network_retries=2)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """What the link for an account should cover."""

    currency: str
    balance_minor: int
    invoice_numbers: tuple[str, ...]


def plan_link(customer: Customer, open_invoices: Sequence[Invoice]) -> LinkPlan | None:
    """Choose the link's currency and content; None when nothing is owed."""
    by_cur: dict[str, list[Invoice]] = defaultdict(list)
    for inv in open_invoices:
        if inv.status == "open" and inv.balance_minor != 0:
            by_cur[inv.currency].append(inv)
    totals = {cur: sum(i.balance_minor for i in invs) for cur, invs in by_cur.items()}
    owed = {cur: t for cur, t in totals.items() if t > 0}
    if not owed:
        return None
    if customer.currency and customer.currency in owed:
        currency = customer.currency
    else:
        currency = max(sorted(owed), key=lambda c: owed[c])
    numbers = tuple(sorted(i.number for i in by_cur[currency] if i.balance_minor > 0))
    return LinkPlan(currency, owed[currency], numbers)


def invoices_metadata(numbers: Sequence[str]) -> dict[str, str]:
    """``arbot_invoices`` within Stripe's 500-character limit (flagged when truncated)."""
    out: list[str] = []
    size = 0
    for n in numbers:
        extra = len(n) + (1 if out else 0)
        if size + extra > METADATA_VALUE_LIMIT:
            return {META_INVOICES: ",".join(out), META_TRUNCATED: "true"}
        out.append(n)
        size += extra
    return {META_INVOICES: ",".join(out)}


def link_metadata(customer: Customer, plan: LinkPlan) -> dict[str, str]:
    return {META_CUSTOMER: customer.external_id, **invoices_metadata(plan.invoice_numbers)}


def _idem_key(kind: str, customer: Customer, plan: LinkPlan, generation: int) -> str:
    digest = hashlib.sha256(",".join(plan.invoice_numbers).encode()).hexdigest()[:16]
    return (f"arbot-{kind}-{customer.external_id}-{generation}-{plan.currency}-"
            f"{plan.balance_minor}-{digest}")[:255]


def ensure_payment_link(
    session: Session,
    config: Config,
    customer: Customer,
    open_invoices: Sequence[Invoice],
    now: dt.datetime,
    *,
    client: stripe.StripeClient | None = None,
) -> str | None:
    """The URL of the customer's current payment link, creating or replacing it as needed.

    Returns None when Stripe is not configured or nothing is owed. Runs in the caller's
    transaction (the ``payment_links`` row is written there); Stripe errors propagate as
    ``stripe.StripeError`` so the caller can decide to send without a link.
    """
    client = client or stripe_client(config)
    if client is None:
        return None
    plan = plan_link(customer, open_invoices)
    active = list(session.scalars(
        select(PaymentLink).where(PaymentLink.customer_id == customer.id, PaymentLink.active.is_(True))
        .order_by(PaymentLink.id)
    ))
    for link in active:
        if plan is not None and (link.currency, link.balance_minor, tuple(link.invoice_numbers)) == (
                plan.currency, plan.balance_minor, plan.invoice_numbers):
            for other in active:
                if other is not link:
                    _deactivate(client, other)
            return link.url
    for link in active:
        _deactivate(client, link)
    if plan is None:
        return None
    generation = session.scalar(
        select(func.count()).select_from(PaymentLink).where(PaymentLink.customer_id == customer.id)) or 0
    row = _create(session, config, client, customer, plan, generation, now)
    return row.url


def _deactivate(client: stripe.StripeClient, link: PaymentLink) -> None:
    client.v1.payment_links.update(link.link_id, params={"active": False})
    link.active = False


def _create(session: Session, config: Config, client: stripe.StripeClient, customer: Customer,
            plan: LinkPlan, generation: int, now: dt.datetime) -> PaymentLink:
    metadata = link_metadata(customer, plan)
    one_unit = 10 ** exponent(plan.currency)
    price = client.v1.prices.create(
        params={
            "currency": plan.currency.lower(),
            "custom_unit_amount": {
                "enabled": True,
                "preset": plan.balance_minor,
                "minimum": min(one_unit, plan.balance_minor),
                "maximum": plan.balance_minor,
            },
            "product_data": {"name": f"{config.company.name}: account {customer.external_id}",
                             "metadata": metadata},
            "metadata": metadata,
        },
        options={"idempotency_key": _idem_key("price", customer, plan, generation)},
    )
    params: dict[str, object] = {
        "line_items": [{"price": price.id, "quantity": 1}],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "customer_creation": "always",
    }
    if config.stripe.success_url:
        params["after_completion"] = {"type": "redirect", "redirect": {"url": config.stripe.success_url}}
    link = client.v1.payment_links.create(
        params=params,  # type: ignore[arg-type]
        options={"idempotency_key": _idem_key("link", customer, plan, generation)},
    )
    row = PaymentLink(customer_id=customer.id, price_id=price.id, link_id=link.id, url=link.url,
                      balance_minor=plan.balance_minor, currency=plan.currency,
                      invoice_numbers=list(plan.invoice_numbers), active=True, created_at=now)
    session.add(row)
    session.flush()
    log.info("payment link %s created for customer %s (%s %s)", link.id, customer.external_id,
             plan.balance_minor, plan.currency)
    return row


def payment_link_or_none(
    session: Session,
    config: Config,
    customer: Customer,
    open_invoices: Sequence[Invoice],
    now: dt.datetime,
    *,
    client: stripe.StripeClient | None = None,
) -> str | None:
    """:func:`ensure_payment_link`, but a Stripe failure (network, API error) means no link this
    time (logged without the key) instead of an exception: the reminder goes out without a
    "pay now" button rather than not at all. The next tick tries again."""
    try:
        return ensure_payment_link(session, config, customer, open_invoices, now, client=client)
    except stripe.StripeError as exc:
        log.warning("no payment link for customer %s this time: %s %s", customer.external_id,
                    type(exc).__name__, getattr(exc, "code", None) or "")
        return None
