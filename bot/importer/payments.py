"""``arbot import payments``: receipts from an ERP export, allocated to open invoices.

Contract:
* one ledger payment per ``payment_id`` (``payments.external_id``, source ``import``);
  re-importing the same file changes nothing; a known id with a different customer,
  amount, currency or date is a row error (payments are facts: reverse, don't edit);
* allocation by :func:`bot.allocation.allocate`: to the invoice named in the row first,
  then the customer's oldest open invoices of that currency; what is left is credit on
  account (``unallocated_minor``); invoices reaching zero are marked paid;
* counted once: when the row's ``reference`` or ``payment_id`` is already known as the
  reference or id of a payment from another source (e.g. Stripe), the row is reconciled
  to it instead of being counted again: it is stored with ``status='duplicate'``, no
  allocation, ``details.duplicate_of`` naming the other payment, and a timeline event;
  the same reference with a different amount or currency is a row error;
* ``customer_id`` may be left empty when ``invoice_number`` names the invoice;
* all or nothing: every row is checked before anything is written.

Payment files are small (receipts of a period): rows are held in memory and applied
through the ORM, one allocation at a time, in file order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.allocation import allocate
from bot.config import ImportFileConfig
from bot.db import Database
from bot.importer.common import (
    Currencies,
    KnownCustomer,
    ProgressFn,
    load_customers,
    money_text,
    padded,
    text,
    unit_of_work,
)
from bot.importer.problems import ImportRejected, ImportSummary, Problem
from bot.importer.source import ColumnSpec, open_table
from bot.importer.values import DateReader, parse_amount
from bot.models import Invoice, Payment
from bot.timeline import record

SPEC = ColumnSpec(
    "payments",
    required=("payment_id", "date", "amount"),
    optional=("customer_id", "invoice_number", "currency", "reference"),
)


@dataclass(frozen=True, slots=True)
class _Receipt:
    line: int
    payment_id: str
    customer_ext: str
    invoice_number: str | None
    date: dt.date | None
    raw_amount: Any
    currency_code: str
    reference: str | None


@dataclass(frozen=True, slots=True)
class _Valid:
    line: int
    payment_id: str
    customer_id: int
    invoice_number: str | None
    date: dt.date
    amount_minor: int
    currency: str
    reference: str | None
    duplicate_of: Payment | None


def import_payments(
    db: Database,
    path: Path,
    *,
    now: dt.datetime,
    options: ImportFileConfig | None = None,
    default_currency: str | None = None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> ImportSummary:
    """Import a payments export; see the module docstring. Raises ImportRejected."""
    opts = options or ImportFileConfig()
    started = time.perf_counter()
    table = open_table(path, SPEC, column_map=opts.columns, delimiter=opts.delimiter,
                       encoding=opts.encoding, label=label)
    summary = ImportSummary("payments", table.label, dry_run=dry_run)
    dates = DateReader(day_first=opts.day_first, fmt=opts.date_format)
    problems: list[Problem] = []
    receipts: list[_Receipt] = []
    width = max(table.columns.values()) + 1
    cols = table.columns
    try:
        for line, cells in table.rows:
            summary.rows += 1
            cells = padded(cells, width)

            def get(name: str, _cells: Sequence[Any] = cells) -> str:
                return text(_cells[cols[name]]) if name in cols else ""

            day: dt.date | None = None
            raw_date = cells[cols["date"]]
            if not text(raw_date):
                problems.append(Problem(table.label, line, "date", "required value is empty"))
            else:
                try:
                    day = dates(raw_date)
                except ValueError as exc:
                    problems.append(Problem(table.label, line, "date", str(exc)))
            receipts.append(_Receipt(line, get("payment_id"), get("customer_id"), get("invoice_number") or None,
                                     day, cells[cols["amount"]], get("currency"), get("reference") or None))
            if progress is not None and summary.rows % 1024 == 0:
                progress(table.position(), table.size)
    finally:
        table.close()
    if not receipts and not problems:
        raise ImportRejected([Problem(table.label, 2, "file", "empty file (a header but no rows)")])

    with unit_of_work(db, dry_run) as session:
        valid = _validate(session, receipts, table.label, default_currency, problems, summary)
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: p.line))
        for v in valid:
            _apply(session, v, now, table.label, summary)
        # Paid in full: close the account, cancel its pending reminders, keep its promises
        # (the same settlement as a Stripe payment; see docs/payments.md).
        from bot.payments import settle_customers

        settle_customers(session, (v.customer_id for v in valid if v.duplicate_of is None), now)
    summary.seconds = time.perf_counter() - started
    return summary


def _validate(session: Session, receipts: list[_Receipt], label: str, default_currency: str | None,
              problems: list[Problem], summary: ImportSummary) -> list[_Valid]:
    conn = session.connection()
    customers = load_customers(conn)
    numbers = {r.invoice_number for r in receipts if r.invoice_number}
    invoices: dict[str, tuple[int, str]] = {}
    for start in range(0, len(numbers), 500):
        chunk = list(numbers)[start:start + 500]
        for num, cid, cur in conn.execute(
            select(Invoice.number, Invoice.customer_id, Invoice.currency).where(Invoice.number.in_(chunk))
        ):
            invoices[num] = (cid, cur)
    ids = [r.payment_id for r in receipts if r.payment_id]
    refs = {r.reference for r in receipts if r.reference} | set(ids)
    existing: dict[str, Payment] = {}
    others: dict[str, Payment] = {}      # reference or id -> payment from another source
    ref_list = list(refs)
    for start in range(0, len(ref_list), 500):
        chunk = ref_list[start:start + 500]
        for p in session.scalars(select(Payment).where(
            or_(Payment.external_id.in_(chunk), Payment.reference.in_(chunk))
        )):
            if p.source == "import" and p.external_id in refs:
                existing[p.external_id] = p
            if p.source != "import":
                for key in (p.external_id, p.reference):
                    if key and key in refs:
                        others.setdefault(key, p)
    by_ext_customer = {c.id: ext for ext, c in customers.items()}
    currencies = Currencies()
    seen: dict[str, int] = {}
    valid: list[_Valid] = []
    for r in receipts:
        before = len(problems)

        def bad(column: str, message: str, _line: int = r.line) -> None:
            problems.append(Problem(label, _line, column, message))

        if not r.payment_id:
            bad("payment_id", "required value is empty")
        elif len(r.payment_id) > 128:
            bad("payment_id", "longer than 128 characters")
        else:
            first = seen.setdefault(r.payment_id, r.line)
            if first != r.line:
                bad("payment_id", f"duplicate payment id {r.payment_id!r} (first at line {first})")
        customer: KnownCustomer | None = None
        if r.customer_ext:
            customer = customers.get(r.customer_ext)
            if customer is None:
                bad("customer_id", f"unknown customer {r.customer_ext!r} (import customers first)")
        invoice = None
        if r.invoice_number:
            invoice = invoices.get(r.invoice_number)
            if invoice is None:
                bad("invoice_number", f"unknown invoice {r.invoice_number!r}")
            elif customer is not None and invoice[0] != customer.id:
                bad("invoice_number", f"invoice {r.invoice_number!r} belongs to customer "
                                      f"{by_ext_customer.get(invoice[0])!r}, not {r.customer_ext!r}")
            elif customer is None and not r.customer_ext:
                ext = by_ext_customer[invoice[0]]
                customer = customers[ext]
        if not r.customer_ext and not r.invoice_number:
            bad("customer_id", "required value is empty (give customer_id or invoice_number)")
        code = r.currency_code or (invoice[1] if invoice else "") or (customer.currency if customer else "") \
            or (default_currency or "")
        currency, exp = "", 2
        try:
            currency, exp = currencies(code)
        except ValueError as exc:
            bad("currency", str(exc) if code else "required value is empty")
        if invoice is not None and currency and invoice[1] != currency:
            bad("currency", f"payment in {currency} but invoice {r.invoice_number} is in {invoice[1]}")
        amount = 0
        try:
            amount = parse_amount(r.raw_amount, exp)
            if amount <= 0:
                bad("amount", f"a payment must be positive, not {money_text(amount, currency or 'EUR')}"
                              " (refunds are not imported)")
        except ValueError as exc:
            bad("amount", "required value is empty" if not text(r.raw_amount) else str(exc))
        if len(problems) != before or r.date is None or customer is None:
            continue

        old = existing.get(r.payment_id)
        if old is not None:
            if (old.customer_id, old.amount_minor, old.currency, old.date) != (customer.id, amount, currency, r.date):
                bad("payment_id", f"payment {r.payment_id!r} was imported before with other values "
                                  f"({money_text(old.amount_minor, old.currency)} on {old.date.isoformat()}); "
                                  "payments cannot be edited by import")
            else:
                summary.unchanged += 1
            continue
        twin = others.get(r.reference or "") or others.get(r.payment_id)
        if twin is not None and (twin.amount_minor, twin.currency) != (amount, currency):
            bad("reference", f"reference {(r.reference or r.payment_id)!r} is already known from "
                             f"{twin.source} payment {twin.external_id} of "
                             f"{money_text(twin.amount_minor, twin.currency)}, not {money_text(amount, currency)}")
            continue
        valid.append(_Valid(r.line, r.payment_id, customer.id, r.invoice_number, r.date, amount, currency,
                            r.reference, twin))
    return valid


def _apply(session: Session, v: _Valid, now: dt.datetime, label: str, summary: ImportSummary) -> None:
    if v.duplicate_of is not None:
        twin = v.duplicate_of
        p = Payment(external_id=v.payment_id, source="import", customer_id=v.customer_id, date=v.date,
                    amount_minor=v.amount_minor, currency=v.currency, reference=v.reference,
                    unallocated_minor=0, refunded_minor=0, status="duplicate",
                    details={"duplicate_of": twin.external_id, "file": label}, created_at=now)
        session.add(p)
        record(session, at=now, kind="payment_reconciled", actor="import", rule="import.count_payment_once",
               customer_id=v.customer_id,
               summary=f"payment {v.payment_id} in {label} is {twin.source} payment {twin.external_id} "
                       f"({money_text(v.amount_minor, v.currency)}); not counted twice",
               evidence={"file": label, "line": v.line, "payment_id": v.payment_id,
                         "reference": v.reference, "duplicate_of": twin.external_id})
        summary.reconciled += 1
        return
    p = Payment(external_id=v.payment_id, source="import", customer_id=v.customer_id, date=v.date,
                amount_minor=v.amount_minor, currency=v.currency, reference=v.reference,
                unallocated_minor=v.amount_minor, refunded_minor=0, status="succeeded",
                details={"file": label}, created_at=now)
    session.add(p)
    session.flush()
    result = allocate(session, p, now=now, invoice_numbers=[v.invoice_number] if v.invoice_number else ())
    summary.new += 1
    allocated = sum(a for _, a in result.allocated)
    summary.allocated_minor[v.currency] = summary.allocated_minor.get(v.currency, 0) + allocated
    if result.unallocated_minor:
        summary.credit_minor[v.currency] = summary.credit_minor.get(v.currency, 0) + result.unallocated_minor
    parts = [f"{num} {money_text(a, v.currency)}" for num, a in result.allocated]
    credit = f"; {money_text(result.unallocated_minor, v.currency)} left as credit on account" \
        if result.unallocated_minor else ""
    record(session, at=now, kind="payment_imported", actor="import", rule="import.allocate_named_then_oldest",
           customer_id=v.customer_id,
           summary=f"payment {v.payment_id} of {money_text(v.amount_minor, v.currency)} imported from {label}: "
                   f"{', '.join(parts) or 'nothing open to allocate'}{credit}",
           evidence={"file": label, "line": v.line, "payment_id": v.payment_id, "reference": v.reference,
                     "named_invoice": v.invoice_number,
                     "allocated": [[num, money_text(a, v.currency)] for num, a in result.allocated],
                     "credit": money_text(result.unallocated_minor, v.currency)})
    if result.closed:
        for inv_id, num in session.execute(
            select(Invoice.id, Invoice.number).where(Invoice.number.in_(result.closed))
        ).all():
            record(session, at=now, kind="invoice_paid", actor="import", rule="import.allocate_named_then_oldest",
                   customer_id=v.customer_id, invoice_id=inv_id,
                   summary=f"{num} paid by payment {v.payment_id} ({label})",
                   evidence={"file": label, "payment_id": v.payment_id})
