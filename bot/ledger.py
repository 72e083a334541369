"""Ledger read-side queries and staff actions on accounts (aging, show, notes, holds).

All aggregate queries are set-based: one GROUP BY over open invoices, whatever the
number of customers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot import timeline
from bot.models import Contact, Customer, Event, Invoice, Note, Promise
from bot.money import to_str
from campaigns.state import AccountEvent, AccountState, transition

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


class LedgerError(LookupError):
    """A customer or invoice that does not exist (one-line message)."""


def bucket_expr(as_of: dt.date) -> Any:
    """SQL CASE naming the aging bucket of ``invoices.due_date`` as of ``as_of``.

    Days past due = as_of - due_date; "current" is not yet past due (<= 0 days).
    """
    d = dt.timedelta
    return case(
        (Invoice.due_date >= as_of, "current"),
        (Invoice.due_date >= as_of - d(days=30), "1-30"),
        (Invoice.due_date >= as_of - d(days=60), "31-60"),
        (Invoice.due_date >= as_of - d(days=90), "61-90"),
        else_="90+",
    )


@dataclass
class AgingReport:
    as_of: dt.date
    currencies: list[str] = field(default_factory=list)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)      # bucket -> cur -> minor
    disputed: dict[str, int] = field(default_factory=dict)               # cur -> minor
    customers: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def fmt(amounts: dict[str, int]) -> dict[str, str]:
            return {c: to_str(amounts.get(c, 0), c) for c in self.currencies}

        return {
            "as_of": self.as_of.isoformat(),
            "buckets": {b: fmt(self.totals.get(b, {})) for b in BUCKETS},
            "disputed": {c: to_str(v, c) for c, v in sorted(self.disputed.items())},
            "customers": [
                {
                    "customer_id": c["customer_id"],
                    "name": c["name"],
                    "buckets": {b: fmt(c["buckets"].get(b, {})) for b in BUCKETS},
                    "disputed": {k: to_str(v, k) for k, v in sorted(c["disputed"].items())},
                }
                for c in self.customers
            ],
        }


def aging(session: Session, as_of: dt.date) -> AgingReport:
    """Open balances by days past due, per currency, in total and per customer."""
    bucket = bucket_expr(as_of).label("bucket")
    rows = session.execute(
        select(
            Customer.external_id, Customer.name, bucket, Invoice.currency,
            func.sum(Invoice.balance_minor),
            func.sum(case((Invoice.disputed.is_(True), Invoice.balance_minor), else_=0)),
        )
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.status == "open", Invoice.balance_minor != 0)
        .group_by(Customer.external_id, Customer.name, bucket, Invoice.currency)
        .order_by(Customer.external_id)
    ).all()
    report = AgingReport(as_of=as_of)
    per_customer: dict[str, dict[str, Any]] = {}
    currencies: set[str] = set()
    for ext_id, name, bkt, cur, total, disputed in rows:
        total, disputed = int(total or 0), int(disputed or 0)
        currencies.add(cur)
        report.totals.setdefault(bkt, {}).setdefault(cur, 0)
        report.totals[bkt][cur] += total
        c = per_customer.setdefault(ext_id, {"customer_id": ext_id, "name": name,
                                             "buckets": {}, "disputed": {}})
        c["buckets"].setdefault(bkt, {}).setdefault(cur, 0)
        c["buckets"][bkt][cur] += total
        if disputed:
            report.disputed[cur] = report.disputed.get(cur, 0) + disputed
            c["disputed"][cur] = c["disputed"].get(cur, 0) + disputed
    report.currencies = sorted(currencies)
    report.customers = list(per_customer.values())
    return report


def get_customer(session: Session, external_id: str) -> Customer:
    cust = session.scalar(select(Customer).where(Customer.external_id == external_id))
    if cust is None:
        raise LedgerError(f"no customer with id {external_id!r}")
    return cust


def get_invoice(session: Session, number: str) -> Invoice | None:
    return session.scalar(select(Invoice).where(Invoice.number == number))


@dataclass(frozen=True)
class CustomerRow:
    external_id: str
    name: str
    state: str
    open_balance: dict[str, int]
    overdue_balance: dict[str, int]
    oldest_days_overdue: int
    open_invoices: int
    hold_until: dt.date | None


def list_customers(session: Session, as_of: dt.date) -> list[CustomerRow]:
    """Every customer with its state and open/overdue balances (one grouped query)."""
    agg = session.execute(
        select(
            Invoice.customer_id, Invoice.currency,
            func.sum(Invoice.balance_minor),
            func.sum(case((Invoice.due_date < as_of, Invoice.balance_minor), else_=0)),
            func.min(case((Invoice.due_date < as_of, Invoice.due_date), else_=None)),
            func.count(),
        )
        .where(Invoice.status == "open")
        .group_by(Invoice.customer_id, Invoice.currency)
    ).all()
    by_cust: dict[int, dict[str, Any]] = defaultdict(lambda: {"open": {}, "overdue": {}, "oldest": None, "n": 0})
    for cid, cur, total, overdue, oldest, n in agg:
        slot = by_cust[cid]
        slot["open"][cur] = int(total or 0)
        if overdue:
            slot["overdue"][cur] = int(overdue)
        if oldest is not None:
            oldest_d = oldest if isinstance(oldest, dt.date) else dt.date.fromisoformat(str(oldest))
            slot["oldest"] = min(filter(None, [slot["oldest"], oldest_d]))
        slot["n"] += int(n)
    out = []
    for cust in session.scalars(select(Customer).order_by(Customer.external_id)):
        slot = by_cust.get(cust.id, {"open": {}, "overdue": {}, "oldest": None, "n": 0})
        oldest = slot["oldest"]
        out.append(CustomerRow(
            external_id=cust.external_id, name=cust.name, state=cust.state,
            open_balance=slot["open"], overdue_balance=slot["overdue"],
            oldest_days_overdue=(as_of - oldest).days if oldest else 0,
            open_invoices=slot["n"], hold_until=cust.hold_until,
        ))
    return out


def customer_detail(session: Session, external_id: str, as_of: dt.date, *, events: int = 50) -> dict[str, Any]:
    """Everything staff need about one account, as JSON-ready data."""
    cust = get_customer(session, external_id)
    contacts = session.scalars(select(Contact).where(Contact.customer_id == cust.id).order_by(Contact.id)).all()
    invoices = session.scalars(
        select(Invoice).where(Invoice.customer_id == cust.id, Invoice.status == "open")
        .order_by(Invoice.due_date, Invoice.number)
    ).all()
    numbers = {i.id: i.number for i in session.scalars(select(Invoice).where(Invoice.customer_id == cust.id))}
    notes = session.scalars(select(Note).where(Note.customer_id == cust.id).order_by(Note.created_at, Note.id)).all()
    evs = session.scalars(
        select(Event).where(Event.customer_id == cust.id).order_by(Event.at.desc(), Event.id.desc()).limit(events)
    ).all()
    promises = session.scalars(select(Promise).where(Promise.customer_id == cust.id).order_by(Promise.id)).all()
    return {
        "customer_id": cust.external_id,
        "name": cust.name,
        "language": cust.language,
        "timezone": cust.timezone,
        "currency": cust.currency,
        "tags": list(cust.tags or []),
        "campaign": cust.campaign,
        "state": cust.state,
        "state_until": cust.state_until.isoformat() if cust.state_until else None,
        "dunning_step": cust.dunning_step,
        "hold_until": cust.hold_until.isoformat() if cust.hold_until else None,
        "excluded": cust.excluded,
        "contacts": [
            {"email": c.email, "name": c.name, "role": c.role, "primary": c.is_primary,
             "bounced": c.bounced, "proposed": c.proposed, "source": c.source}
            for c in contacts
        ],
        "open_invoices": [
            {"number": i.number, "kind": i.kind, "issue_date": i.issue_date.isoformat(),
             "due_date": i.due_date.isoformat(), "days_overdue": max(0, (as_of - i.due_date).days),
             "total": to_str(i.total_minor, i.currency), "balance": to_str(i.balance_minor, i.currency),
             "currency": i.currency, "po_number": i.po_number, "disputed": i.disputed,
             "dispute_reason": i.dispute_reason}
            for i in invoices
        ],
        "promises": [
            {"date": p.promised_date.isoformat(), "status": p.status,
             "amount": to_str(p.amount_minor, p.currency) if p.amount_minor is not None and p.currency else None,
             "currency": p.currency, "invoices": list(p.invoice_numbers or [])}
            for p in promises
        ],
        "notes": [
            {"at": n.created_at.isoformat(), "author_kind": n.author_kind, "author": n.author,
             "invoice": numbers.get(n.invoice_id) if n.invoice_id else None, "text": n.text}
            for n in notes
        ],
        "timeline": [
            {"at": e.at.isoformat(), "kind": e.kind, "actor": e.actor, "rule": e.rule,
             "summary": e.summary, "evidence": e.evidence}
            for e in reversed(evs)
        ],
    }


def add_note(session: Session, target: str, text: str, *, now: dt.datetime, author_kind: str = "staff",
             author: str | None = None) -> Note:
    """Note on an invoice (when ``target`` is an invoice number) or on a customer."""
    if not text.strip():
        raise LedgerError("a note needs some text")
    inv = get_invoice(session, target)
    if inv is not None:
        cust_id, inv_id = inv.customer_id, inv.id
    else:
        try:
            cust_id, inv_id = get_customer(session, target).id, None
        except LedgerError:
            raise LedgerError(f"no customer or invoice named {target!r}") from None
    note = Note(customer_id=cust_id, invoice_id=inv_id, author_kind=author_kind, author=author,
                text=text.strip(), created_at=now)
    session.add(note)
    timeline.record(session, at=now, kind="note_added", actor=author_kind, customer_id=cust_id,
                    invoice_id=inv_id, summary=f"note: {text.strip()[:200]}",
                    evidence={"author": author or author_kind})
    return note


def hold(session: Session, external_id: str, until: dt.date, *, now: dt.datetime, by: str = "staff") -> Customer:
    cust = get_customer(session, external_id)
    if until <= now.date():
        raise LedgerError(f"hold date {until.isoformat()} is not in the future")
    cust.hold_until = until
    cust.updated_at = now
    timeline.record(session, at=now, kind="hold", actor="staff", rule="staff_hold", customer_id=cust.id,
                    summary=f"on hold until {until.isoformat()}", evidence={"by": by})
    return cust


def release(session: Session, external_id: str, *, now: dt.datetime, by: str = "staff") -> Customer:
    """Clear a hold and resume chasing (staff action: may also leave promised/review states)."""
    cust = get_customer(session, external_id)
    before = cust.state
    cust.hold_until = None
    cust.next_action_at = None
    if AccountState(cust.state) not in (AccountState.ACTIVE, AccountState.CLOSED):
        new, _ = transition(AccountState(cust.state), AccountEvent.STAFF_RESUME)
        cust.state = new.value
        cust.state_until = None
    cust.updated_at = now
    timeline.record(session, at=now, kind="release", actor="staff", rule="staff_release", customer_id=cust.id,
                    summary=f"released ({before} -> {cust.state})", evidence={"by": by})
    return cust
