"""Build small ledgers directly through the ORM for tests (no importer needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.models import Contact, Customer, Invoice
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
