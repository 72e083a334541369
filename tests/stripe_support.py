"""Helpers for payment tests: a ledger builder and a config pointing at the local Stripe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.models import Contact, Customer, Invoice, OutboxMessage

KEY_ENV = "ARBOT_TEST_STRIPE_KEY"
SECRET_ENV = "ARBOT_TEST_STRIPE_WHSEC"
WEBHOOK_SECRET = "whsec_test_arbot_local"

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def stripe_toml(api_base: str, *, receipts: bool = False) -> str:
    return (f'[stripe]\napi_key_env = "{KEY_ENV}"\nwebhook_secret_env = "{SECRET_ENV}"\n'
            f'api_base = "{api_base}"\nsuccess_url = "https://northwind.test/thanks"\n'
            f'send_receipts = {"true" if receipts else "false"}\n')


def add_customer(s: Session, ext: str, invoices: Sequence[tuple[str, int]], *, email: str | None = None,
                 currency: str = "GBP", state: str = "active", start: dt.date = dt.date(2026, 9, 1)) -> Customer:
    """A customer with invoices ``(number, balance_minor)`` due one day apart, oldest first."""
    c = Customer(external_id=ext, name=f"Customer {ext}", currency=currency, state=state,
                 created_at=T0, updated_at=T0)
    s.add(c)
    s.flush()
    s.add(Contact(customer_id=c.id, email=email or f"ap@{ext.lower()}.test", is_primary=True, created_at=T0))
    for i, (number, amount) in enumerate(invoices):
        due = start + dt.timedelta(days=i)
        s.add(Invoice(number=number, customer_id=c.id, issue_date=due - dt.timedelta(days=30), due_date=due,
                      total_minor=amount, balance_minor=amount, currency=currency, created_at=T0, updated_at=T0))
    s.flush()
    return c


def queue_dunning(s: Session, customer_id: int, step: str, *, cycle: int = 0) -> OutboxMessage:
    row = OutboxMessage(idempotency_key=f"{customer_id}:default:{step}:{cycle}", customer_id=customer_id,
                        kind="dunning", campaign="default", step=step, cycle=cycle,
                        message_id=f"{customer_id}.{step}.{cycle}@northwind.test", mail_from="ar@northwind.test",
                        rcpt_to=["ap@example.test"], subject=step, raw=b"Subject: x\r\n\r\nx\r\n",
                        status="pending", next_attempt_at=T0, created_at=T0)
    s.add(row)
    s.flush()
    return row


def open_invoices(s: Session, customer_id: int) -> list[Invoice]:
    return list(s.scalars(select(Invoice).where(Invoice.customer_id == customer_id, Invoice.status == "open")
                          .order_by(Invoice.due_date)))


def balances(db: Database, ext: str) -> dict[str, tuple[int, str]]:
    with db.session() as s:
        c = s.scalar(select(Customer).where(Customer.external_id == ext))
        assert c is not None
        return {i.number: (i.balance_minor, i.status) for i in
                s.scalars(select(Invoice).where(Invoice.customer_id == c.id))}


def customer_state(db: Database, ext: str) -> str:
    with db.session() as s:
        c = s.scalar(select(Customer).where(Customer.external_id == ext))
        assert c is not None
        return c.state


# --- fixtures (import them into a test module to use them) ---------------------------------

from collections.abc import Callable, Iterator

import pytest

from bot.config import Config
from bot.devtools.stripe_local import LocalStripe


@pytest.fixture
def stripe_server() -> Iterator[LocalStripe]:
    with LocalStripe() as server:
        yield server


@pytest.fixture
def stripe_env(monkeypatch: pytest.MonkeyPatch, stripe_server: LocalStripe) -> LocalStripe:
    monkeypatch.setenv(KEY_ENV, stripe_server.api_key)
    monkeypatch.setenv(SECRET_ENV, WEBHOOK_SECRET)
    return stripe_server


@pytest.fixture
def pay_config(config_factory: Callable[..., Config], db_url: str, stripe_env: LocalStripe) -> Config:
    return config_factory(db_url, stripe_toml(stripe_env.url))


@pytest.fixture
def pay_db(pay_config: Config) -> Iterator[Database]:
    db = Database(pay_config.database_url)
    yield db
    db.close()
