"""Build small ledgers directly through the ORM for tests (no importer needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.models import Contact, Customer, Invoice, OutboxMessage
from bot.money import to_minor

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@dataclass
class LedgerBuilder:
    session: Session
    now: dt.datetime = T0

    def customer(self, external_id: str, name: str | None = None, *, email: str | None = None,
                 language: str = "en", timezone: str = "Europe/London", currency: str = "GBP",
                 tags: list[str] | None = None) -> Customer:
        c = Customer(external_id=external_id, name=name or f"Customer {external_id}", language=language,
                     timezone=timezone, currency=currency, tags=tags or [], state="active",
                     dunning_cycle=0, created_at=self.now, updated_at=self.now)
        self.session.add(c)
        self.session.flush()
        if email:
            self.contact(c, email, primary=True)
        return c

    def contact(self, customer: Customer, email: str, *, primary: bool = False, name: str | None = None) -> Contact:
        ct = Contact(customer_id=customer.id, email=email.lower(), name=name, is_primary=primary,
                     source="import", created_at=self.now)
        self.session.add(ct)
        self.session.flush()
        return ct

    def invoice(self, customer: Customer, number: str, *, due: dt.date, amount: str,
                balance: str | None = None, currency: str = "GBP", issued: dt.date | None = None,
                status: str = "open", disputed: bool = False, po: str | None = None) -> Invoice:
        total = to_minor(amount, currency)
        inv = Invoice(number=number, customer_id=customer.id, kind="credit_note" if total < 0 else "invoice",
                      issue_date=issued or (due - dt.timedelta(days=30)), due_date=due,
                      total_minor=total, balance_minor=to_minor(balance, currency) if balance is not None else total,
                      currency=currency, po_number=po, status=status, disputed=disputed,
                      created_at=self.now, updated_at=self.now)
        self.session.add(inv)
        self.session.flush()
        return inv


def seed_acme_and_globex(session: Session, now: dt.datetime) -> None:
    """The inbox tests' ledger: Acme (INV-1, INV-2) and Globex (G-1), and one dunning email sent
    to Acme with a known Message-ID and reply token, so replies can be tied by either."""
    b = LedgerBuilder(session)
    acme = b.customer("C001", "Acme Ltd", email="ap@acme.example")
    b.invoice(acme, "INV-1", due=dt.date(2026, 11, 1), amount="100.00")
    b.invoice(acme, "INV-2", due=dt.date(2026, 11, 5), amount="200.00")
    other = b.customer("C002", "Globex", email="ap@globex.example")
    b.invoice(other, "G-1", due=dt.date(2026, 11, 1), amount="50.00")
    session.add(OutboxMessage(idempotency_key="dunning:1", customer_id=acme.id, kind="dunning", campaign="default",
                              step="polite", cycle=0, message_id="<arbot.abc123@northwind.test>",
                              reply_token="tok_acme_12345", mail_from="ar@northwind.test",
                              rcpt_to=["ap@acme.example"], subject="Overdue", invoice_numbers=["INV-1"],
                              raw=b"x", status="sent", created_at=now))
