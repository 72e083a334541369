"""The ledger schema: SQLAlchemy 2.x typed ORM.

Conventions:
* money is ``*_minor`` (BigInteger minor units) beside a ``currency`` ISO code; never float;
* every ``DateTime`` is stored in UTC (naive UTC on SQLite, ``timestamptz`` on PostgreSQL,
  normalised by :class:`UTCDateTime`);
* ``events`` is append-only: the account's timeline (what was decided, by which rule, on
  what evidence);
* the outbox and inbound-message tables make sending and reading crash-safe.

Every table the product needs is declared here so that migrations stay linear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    campaign: Mapped[str | None] = mapped_column(String(64))       # per-customer override
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_until: Mapped[dt.date | None] = mapped_column(Date)
    # collection state (campaigns.state.AccountState by value) and dunning position
    state: Mapped[str] = mapped_column(String(32), default="active", index=True)
    state_until: Mapped[dt.datetime | None] = mapped_column()
    dunning_step: Mapped[int | None] = mapped_column(Integer)        # index of last step sent
    dunning_cycle: Mapped[int] = mapped_column(Integer, default=0)
    last_dunning_at: Mapped[dt.datetime | None] = mapped_column()
    next_action_at: Mapped[dt.datetime | None] = mapped_column()     # postponements (auto-reply)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column()

    contacts: Mapped[list[Contact]] = relationship(back_populates="customer", order_by="Contact.id")
    invoices: Mapped[list[Invoice]] = relationship(back_populates="customer", order_by="Invoice.due_date")


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("customer_id", "email", name="uq_contacts_customer_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)      # stored lower-case
    name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(64))             # billing, ap, manager ...
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    bounced: Mapped[bool] = mapped_column(Boolean, default=False)
    invalid_reason: Mapped[str | None] = mapped_column(Text)
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)   # suggested by a reply, awaiting staff
    source: Mapped[str] = mapped_column(String(16), default="import")  # import, staff, reply
    created_at: Mapped[dt.datetime] = mapped_column()

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Invoice(Base):
    """An invoice, or a credit note (``kind='credit_note'``, negative total)."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_status_due", "status", "due_date"),
        Index("ix_invoices_customer_status", "customer_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="invoice")  # invoice | credit_note
    issue_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    po_number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|paid|void|written_off
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    pdf_path: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column()

    customer: Mapped[Customer] = relationship(back_populates="invoices")


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)  # ERP id or Stripe object id
    source: Mapped[str] = mapped_column(String(16))                    # import | stripe | staff
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(255), index=True)
    unallocated_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # credit on account
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="succeeded")  # succeeded|refunded|disputed|review
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column()


class Allocation(Base):
    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)   # negative for a reversal
    created_at: Mapped[dt.datetime] = mapped_column()


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    author_kind: Mapped[str] = mapped_column(String(16))     # customer | staff | bot
    author: Mapped[str | None] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    created_at: Mapped[dt.datetime] = mapped_column()


class Event(Base):
    """Append-only account timeline: every decision with its rule and evidence."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(48))        # e.g. step_sent, promise_recorded, import_closed
    actor: Mapped[str] = mapped_column(String(16))       # bot | staff | import | customer | stripe
    rule: Mapped[str | None] = mapped_column(String(96))  # which rule decided
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Promise(Base):
    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    promised_date: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    invoice_numbers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | kept | broken | superseded
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    created_at: Mapped[dt.datetime] = mapped_column()
    resolved_at: Mapped[dt.datetime | None] = mapped_column()


class OutboxMessage(Base):
    """A fully rendered email waiting to be (or already) sent: the transactional outbox."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))   # dunning | copy | digest | alert | staff_reply | receipt
    campaign: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))
    cycle: Mapped[int | None] = mapped_column(Integer)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    reply_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    mail_from: Mapped[str] = mapped_column(String(320))
    rcpt_to: Mapped[list[Any]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text, default="")
    invoice_numbers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # pending | sending | sent | failed | uncertain | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    # The serialised message lives in its own table (see OutboxBody); ``row.raw`` reads
    # and writes it through the relationship, loaded with the row ("selectin").
    body: Mapped[OutboxBody] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                            single_parent=True)
    raw: AssociationProxy[bytes] = association_proxy("body", "raw", creator=lambda raw: OutboxBody(raw=raw))


class OutboxBody(Base):
    """The complete serialised email of one outbox row: written once when the row is
    queued, read when it is claimed, never updated.

    Kept out of ``outbox`` so that the state changes made several times per send
    (claim, hand-over mark, outcome) touch a row of a few hundred bytes: SQLite rewrites
    the whole record, overflow pages included, when an update changes its size, and
    PostgreSQL copies the row (its TOAST pointer aside) on every update.
    """

    __tablename__ = "outbox_bodies"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class InboundMessage(Base):
    """Every message read from the AR mailbox, stored raw before it is parsed."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("folder", "uidvalidity", "uid", name="uq_inbound_folder_uid"),
        Index("ix_inbound_status", "status"),
        Index("ix_inbound_message_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="new")
    # new | processed | review | failed | ignored | own
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    reading: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    tie: Mapped[dict[str, Any] | None] = mapped_column(JSON)        # winning evidence
    mailbox_done: Mapped[bool] = mapped_column(Boolean, default=False)  # moved/flagged on the server
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    processed_at: Mapped[dt.datetime | None] = mapped_column()


class MailboxState(Base):
    __tablename__ = "mailbox_state"

    folder: Mapped[str] = mapped_column(String(255), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column()


class PaymentLink(Base):
    __tablename__ = "payment_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    price_id: Mapped[str] = mapped_column(String(64))
    link_id: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    invoice_numbers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column()


class StripeEvent(Base):
    """Stripe events already applied (idempotency by event id)."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    created: Mapped[int] = mapped_column(BigInteger)   # Stripe's epoch seconds
    received_at: Mapped[dt.datetime] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(Text)


class Cursor(Base):
    """Small named positions kept between runs (Stripe event cursor, last digest ...)."""

    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column()


ALL_TABLES = Base.metadata.sorted_tables
