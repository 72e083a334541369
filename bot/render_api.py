"""The contract between the scheduler (who decides and queues) and the renderer (who writes).

The scheduler builds one :class:`StepRenderContext` per dunning email and calls a
renderer ``render_step(ctx) -> RenderedEmail``. The shipped renderer is
``bot.render.render_step``; the scheduler has a minimal plain-text fallback for when it
is not importable. Both sides only exchange these plain frozen dataclasses (no ORM rows,
no sessions): a renderer must not touch the database.

Contract for a renderer:

* ``raw`` is the complete serialised RFC 5322 message, ready for SMTP ``DATA``. It
  carries at least: ``From`` (``ctx.from_address``), ``To`` (``ctx.to``), ``Cc``
  (``ctx.cc`` when not empty), ``Reply-To`` (``ctx.reply_to``), ``Subject``, ``Date``
  (``ctx.now``), ``Message-ID`` (exactly ``ctx.message_id``),
  ``Auto-Submitted: auto-generated`` and ``X-Arbot-Token: <ctx.reply_token>``;
* it is deterministic for a given context apart from MIME boundaries;
* it raises an ``Exception`` when it cannot render; the scheduler then writes nothing for
  that account (a ``render_failed`` timeline event instead) and retries it next tick;
* it is called outside any database transaction (it must not use the database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from bot.config import Config, StepConfig

HEADER_TOKEN = "X-Arbot-Token"


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    """The customer an email is for (a plain copy of the ``customers`` row)."""

    id: int
    external_id: str               # the ledger's (ERP's) own id
    name: str
    language: str | None           # None: use company.language
    timezone: str | None           # None: use company.timezone
    currency: str | None


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """One recipient: a non-bounced contact of the customer."""

    email: str
    name: str | None
    role: str | None
    is_primary: bool


@dataclass(frozen=True, slots=True)
class InvoiceInfo:
    """One open invoice as shown in an email or statement. Amounts in minor units."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    total_minor: int
    balance_minor: int
    currency: str
    po_number: str | None
    pdf_path: str | None           # the ERP's own PDF when the ledger names one
    days_overdue: int              # negative: due in that many days; 0: due today
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    """A recent payment, for the statement PDF."""

    date: dt.date
    amount_minor: int
    currency: str
    reference: str | None


@dataclass(frozen=True, slots=True)
class StepRenderContext:
    """Everything needed to write one dunning email; nothing needs the database.

    ``contacts`` are ordered primary first (then by id); ``to`` is their addresses.
    ``invoices`` are the invoices this email chases (oldest due first): for an overdue
    step every open, undisputed overdue invoice, plus any coming due within the
    reminder horizon. ``statement_items`` are all open items of the account (including
    disputed and not-yet-due ones, flagged) for a statement PDF. ``totals`` sums
    ``invoices`` per currency (minor units).
    """

    config: Config
    customer: CustomerInfo
    contacts: tuple[ContactInfo, ...]
    step: StepConfig
    step_index: int
    campaign: str
    cycle: int
    invoices: tuple[InvoiceInfo, ...]
    totals: Mapping[str, int]
    now: dt.datetime               # aware UTC; show it in the customer's zone
    message_id: str                # "<arbot.{uuid}@{domain}>", use verbatim
    reply_token: str
    reply_to: str                  # ar+TOKEN@domain, or ar_address without plus-addressing
    from_address: str
    payment_link_url: str | None
    cc: tuple[str, ...] = ()       # step.cc, already resolved to addresses
    statement_items: tuple[InvoiceInfo, ...] = ()
    recent_payments: tuple[PaymentInfo, ...] = field(default_factory=tuple)

    @property
    def to(self) -> tuple[str, ...]:
        return tuple(c.email for c in self.contacts)

    @property
    def language(self) -> str:
        return self.customer.language or self.config.company.language

    @property
    def timezone(self) -> str:
        return self.customer.timezone or self.config.company.timezone


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """A rendered, serialised email. ``attachments`` lists ``(filename, content_type)``."""

    subject: str
    text: str
    html: str | None
    raw: bytes
    attachments: list[tuple[str, str]] = field(default_factory=list)


RenderStep = Callable[[StepRenderContext], RenderedEmail]
"""The renderer's signature: ``render_step(ctx) -> RenderedEmail``."""

class PaymentLinkFn(Protocol):
    """``payment_link(customer_id, *, customer, invoices, totals, now, session) -> url | None``.

    Called by the scheduler for steps with ``payment_link = true``, before the chunk is
    rendered, inside a short transaction of its own per chunk whose ``session`` it
    receives (links it creates or reuses are stored there, committed even if the chunk's
    emails are later not written: a stored link is simply reused). Keep it fast: reuse
    stored links, create at most once per balance.
    Returns None when no link can be had; the email is then written without one.
    Must not raise for an unavailable provider (return None); an exception leaves the
    chunk unwritten.
    """

    def __call__(self, customer_id: int, *, customer: CustomerInfo, invoices: tuple[InvoiceInfo, ...],
                 totals: Mapping[str, int], now: dt.datetime, session: Session) -> str | None: ...


def reply_address(ar_address: str, token: str, plus_addressing: bool) -> str:
    """``ar+TOKEN@domain`` when plus-addressing is on, else the AR address itself."""
    if not plus_addressing:
        return ar_address
    local, _, domain = ar_address.rpartition("@")
    return f"{local}+{token}@{domain}"


def totals_by_currency(invoices: tuple[InvoiceInfo, ...]) -> Mapping[str, int]:
    out: dict[str, int] = {}
    for inv in invoices:
        out[inv.currency] = out.get(inv.currency, 0) + inv.balance_minor
    return dict(sorted(out.items()))
