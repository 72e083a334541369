"""``arbot import invoices``: open items (invoices and credit notes) from an ERP export.

Contract:
* upsert by invoice number; a row identical to the ledger changes nothing (no write, no
  event, ``updated_at`` untouched). Only the columns present in the file are compared
  and applied (a file without ``po_number`` never clears PO numbers);
* a balance change is applied and recorded in the timeline; balance 0 makes the invoice
  ``paid`` (chasing stops), a positive balance on a paid invoice reopens it; except that a
  balance HIGHER than the ledger's by no more than the payments arbot itself allocated to
  the invoice (Stripe, payment import) is read as "the ERP has not booked them yet" and the
  ledger's balance stands (no re-chasing of what was paid);
  ``void``/``written_off`` set by staff are left alone unless the file has ``status``;
* ``snapshot=True``: the file is the full list of open items; open ledger invoices not in
  it are closed as paid, each with a ``closed_by_snapshot`` event naming the file;
* all or nothing: every row is validated; if any is bad, :class:`ImportRejected` lists
  every problem and the transaction is rolled back;
* a credit note is a negative document (``kind='credit_note'``): a negative amount, or a
  ``type`` column saying credit note (then the amount's sign is forced negative). The
  balance takes the document's sign.

Memory (1,000,000 invoices): the ledger's invoice numbers with a 64-bit fingerprint of
their imported fields (~150 MB), the file's invoice numbers with their line (~100 MB) for
duplicate detection and snapshots, the customer map, and one insert batch. Rows are
validated and written in one streaming pass inside one transaction; a bad row stops the
writing and the whole transaction is rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Index, func, select

from bot.config import ImportFileConfig
from bot.db import Database
from bot.importer.bulk import BulkInsert, BulkUpdate
from bot.importer.common import (
    INSERT_BATCH,
    PROGRESS_EVERY,
    Currencies,
    KnownCustomer,
    ProgressFn,
    event_writer,
    iso,
    load_customers,
    money_text,
    padded,
    text,
    unit_of_work,
)
from bot.importer.problems import ImportRejected, ImportSummary, Problem
from bot.importer.source import ColumnSpec, Table, open_table
from bot.importer.values import DateReader, parse_amount
from bot.models import Allocation, Invoice

SPEC = ColumnSpec(
    "invoices",
    required=("invoice_number", "customer_id", "issue_date", "due_date", "amount"),
    optional=("balance", "currency", "po_number", "pdf_path", "status", "type"),
)

# A parsed row ("doc"): the ledger's columns in this order, as selected from the table.
DOC_FIELDS = ("number", "customer_id", "kind", "issue_date", "due_date", "total_minor",
              "balance_minor", "currency", "po_number", "pdf_path", "status")
_F = {name: i for i, name in enumerate(DOC_FIELDS)}
_INSERT_COLUMNS = (*DOC_FIELDS, "closed_at")
_UPDATE_COLUMNS = ("customer_id", "kind", "issue_date", "due_date", "total_minor", "balance_minor",
                   "currency", "po_number", "pdf_path", "status", "closed_at", "updated_at")
_MEMO = ("issue_date", "due_date", "created_at", "updated_at", "closed_at")

_CREDIT_TYPES = {"credit_note", "credit note", "creditnote", "credit memo", "credit_memo", "credit",
                 "cn", "cm", "gutschrift", "avoir", "abono", "creditnota", "nota de crédito"}
_INVOICE_TYPES = {"", "invoice", "inv", "bill", "rechnung", "facture", "factura", "factuur", "fattura"}
_STATUSES = {"open": "open", "unpaid": "open", "paid": "paid", "closed": "paid", "void": "void",
             "voided": "void", "cancelled": "void", "canceled": "void", "written_off": "written_off",
             "written off": "written_off", "write off": "written_off", "write-off": "written_off"}
_MAX_NUMBER = 64
BULK_BYTES = 8 << 20     # files above ~100,000 rows load with secondary indexes suspended (SQLite)


def import_invoices(
    db: Database,
    path: Path,
    *,
    now: dt.datetime,
    options: ImportFileConfig | None = None,
    default_currency: str | None = None,
    snapshot: bool = False,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    label: str | None = None,
    pdf_folder: Path | None = None,
) -> ImportSummary:
    """Import an invoices export; see the module docstring for the contract.

    ``now`` (aware UTC) stamps ``created_at``/``updated_at``/events. ``pdf_folder``: ERP
    invoice PDFs named ``<invoice number>.pdf``; a row without ``pdf_path`` gets the one
    found there. Raises :class:`ImportRejected` with every problem when any row is bad
    (nothing written).
    """
    opts = options or ImportFileConfig()
    started = time.perf_counter()
    table = open_table(path, SPEC, column_map=opts.columns, delimiter=opts.delimiter,
                       encoding=opts.encoding, label=label)
    summary = ImportSummary("invoices", table.label, dry_run=dry_run)
    try:
        pdfs = _pdf_names(pdf_folder, table.label)
        with unit_of_work(db, dry_run) as session:
            run = _InvoiceRun(session.connection(), table, opts, now, default_currency, summary, progress,
                              pdf_folder, pdfs)
            run.read_and_insert()
            run.apply_updates()
            if snapshot:
                run.close_missing()
            run.record_new()
    finally:
        table.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _pdf_names(folder: Path | None, label: str) -> frozenset[str] | None:
    """The PDF file names in ``folder``, listed once (not one stat per row)."""
    if folder is None:
        return None
    try:
        return frozenset(n for n in os.listdir(folder) if n.lower().endswith(".pdf"))
    except OSError as exc:
        raise ImportRejected([Problem(label, 0, "pdf_path",
                                      f"import.pdf_folder {folder}: {exc.strerror or exc}")]) from None


class _InvoiceRun:
    """One import: state shared by the passes (kept as attributes, not module globals)."""

    def __init__(self, conn: Connection, table: Table, opts: ImportFileConfig, now: dt.datetime,
                 default_currency: str | None, summary: ImportSummary, progress: ProgressFn | None,
                 pdf_folder: Path | None = None, pdfs: frozenset[str] | None = None) -> None:
        self.conn = conn
        self.table = table
        self.now = now
        self.default_currency = default_currency
        self.summary = summary
        self.progress = progress
        self.pdf_folder = pdf_folder
        self.pdfs = pdfs
        self.dates = DateReader(day_first=opts.day_first, fmt=opts.date_format)
        self.currencies = Currencies()
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}                 # invoice number -> line in the file
        self.changed: list[tuple[int, tuple[Any, ...]]] = []
        self.new_by_customer: dict[int, list[str]] = {}
        cols = table.columns
        self.width = max(cols.values()) + 1
        self.at = {name: cols.get(name, -1) for name in SPEC.known}   # -1: column absent
        self.date_memo = self.dates.memo
        # Which ledger fields this file controls (absent columns are left alone).
        controlled = ["customer_id", "kind", "issue_date", "due_date", "total_minor"]
        if "currency" in cols:
            controlled.append("currency")
        if "balance" in cols:
            controlled.append("balance_minor")
        for col, field in (("po_number", "po_number"), ("pdf_path", "pdf_path"), ("status", "status")):
            if col in cols or (col == "pdf_path" and pdfs is not None):
                controlled.append(field)
        self.controlled = tuple(controlled)
        self.fingerprint = itemgetter(*(_F[f] for f in self.controlled))

    # --- pass 1: validate every row, stream new invoices into the table ---------------

    def read_and_insert(self) -> None:
        customers = load_customers(self.conn)
        existing = self._existing_fingerprints()
        insert = BulkInsert(self.conn, Invoice.__table__, _INSERT_COLUMNS, memo=_MEMO,  # type: ignore[arg-type]
                            constants={"disputed": False, "created_at": self.now, "updated_at": self.now})
        rebuilt = self._suspend_indexes(len(existing))
        batch: list[tuple[Any, ...]] = []
        now = self.now
        fingerprint = self.fingerprint
        summary = self.summary
        for line, cells in self.table.rows:
            summary.rows += 1
            if self.progress is not None and summary.rows % PROGRESS_EVERY == 0:
                self.progress(self.table.position(), self.table.size)
            doc = self._parse(line, cells, customers)
            if doc is None:
                batch.clear()
                continue
            number = doc[0]
            old = existing.get(number)
            if old is None:
                summary.new += 1
                if self.problems:
                    continue
                closed_at = now if doc[10] != "open" else None
                batch.append((*doc, closed_at))
                self.new_by_customer.setdefault(doc[1], []).append(number)
                if len(batch) >= INSERT_BATCH:
                    insert(batch)
                    batch.clear()
            elif old != hash(fingerprint(doc)):
                self.changed.append((line, doc))
            else:
                summary.unchanged += 1
        if self.progress is not None:
            self.progress(self.table.size, self.table.size)
        if not summary.rows and not self.problems:
            self.problems.append(Problem(self.table.label, 2, "file", "empty file (a header but no rows)"))
        if self.problems:
            raise ImportRejected(self.problems)
        insert(batch)
        for index in rebuilt:
            index.create(self.conn)

    def _suspend_indexes(self, existing: int) -> list[Index]:
        """On SQLite, for a large file into a small table, drop the secondary indexes
        for the duration of the load and rebuild them after (one sort instead of a million
        random B-tree inserts: 2x faster). DDL is transactional in SQLite, so a rejected
        file rolls the indexes back too. Not on PostgreSQL: DROP INDEX would lock the
        table against the running daemon's readers for the whole import."""
        if self.conn.dialect.name != "sqlite" or self.table.size < BULK_BYTES:
            return []
        if existing > self.table.size // 70:     # ~70 bytes a row: the table is the larger part
            return []
        indexes = sorted(Invoice.__table__.indexes, key=lambda i: str(i.name))  # type: ignore[attr-defined]
        for index in indexes:
            index.drop(self.conn)
        return indexes

    def _existing_fingerprints(self) -> dict[str, int]:
        cols = [Invoice.__table__.c[name] for name in DOC_FIELDS]
        fingerprint = self.fingerprint
        result = self.conn.execute(select(*cols).execution_options(yield_per=50_000))
        return {row[0]: hash(fingerprint(row)) for row in result}

    def _bad(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.table.label, line, column, message))

    def _date(self, line: int, column: str, raw: Any, get: Any) -> dt.date | None:
        if get(raw) == "":
            self._bad(line, column, "required value is empty")
            return None
        try:
            return self.dates(raw)
        except ValueError as exc:
            self._bad(line, column, str(exc))
            return None

    def _parse(self, line: int, cells: Sequence[Any], customers: dict[str, KnownCustomer]
               ) -> tuple[Any, ...] | None:
        """The row as a doc tuple (``DOC_FIELDS``), or None after recording its problems.

        The hot loop of a million-row import: column positions are precomputed
        attributes, CSV cells take ``str.strip``, dates hit the reader's memo directly.
        """
        if len(cells) < self.width:
            cells = padded(cells, self.width)
        before = len(self.problems)
        bad = self._bad
        get = str.strip if self.table.text_cells else text
        at = self.at

        number = get(cells[at["invoice_number"]])
        if not number:
            bad(line, "invoice_number", "required value is empty")
        elif len(number) > _MAX_NUMBER:
            bad(line, "invoice_number", f"longer than {_MAX_NUMBER} characters")
        else:
            first = self.seen.setdefault(number, line)
            if first != line:
                bad(line, "invoice_number", f"duplicate invoice number {number!r} (first at line {first})")

        ext = get(cells[at["customer_id"]])
        customer = customers.get(ext)
        if customer is None:
            bad(line, "customer_id", f"unknown customer {ext!r} (import customers first)" if ext
                else "required value is empty")

        i = at["currency"]
        code = get(cells[i]) if i >= 0 else ""
        if not code:
            code = (customer.currency if customer else None) or self.default_currency or ""
        currency, exp = "", 2
        if not code:
            bad(line, "currency", "required value is empty (no customer or company currency to fall back on)")
        else:
            try:
                currency, exp = self.currencies(code)
            except ValueError as exc:
                bad(line, "currency", str(exc))

        total = balance = 0
        raw_amount = cells[at["amount"]]
        try:
            total = parse_amount(raw_amount, exp)
        except ValueError as exc:
            bad(line, "amount", "required value is empty" if get(raw_amount) == "" else str(exc))
        i = at["balance"]
        raw_balance = cells[i] if i >= 0 else None
        has_balance = raw_balance is not None and get(raw_balance) != ""
        if has_balance:
            try:
                balance = parse_amount(raw_balance, exp)
            except ValueError as exc:
                bad(line, "balance", str(exc))

        memo = self.date_memo
        raw = cells[at["issue_date"]]
        issue = memo.get(raw) or self._date(line, "issue_date", raw, get)
        raw = cells[at["due_date"]]
        due = memo.get(raw) or self._date(line, "due_date", raw, get)
        if issue is not None and due is not None and due < issue:
            bad(line, "due_date", f"due date {due.isoformat()} is before issue date {issue.isoformat()}")

        kind = "invoice"
        i = at["type"]
        if i >= 0:
            word = get(cells[i]).lower()
            if word in _CREDIT_TYPES:
                kind = "credit_note"
            elif word not in _INVOICE_TYPES:
                bad(line, "type", f"unknown document type {word!r} (invoice or credit_note)")
        if total < 0:
            kind = "credit_note"
        if kind == "credit_note":
            total = -abs(total)
        balance = (-abs(balance) if kind == "credit_note" else abs(balance)) if has_balance else total

        status = None
        i = at["status"]
        if i >= 0:
            word = get(cells[i]).lower()
            if word:
                status = _STATUSES.get(word)
                if status is None:
                    bad(line, "status", f"unknown status {word!r} (open, paid, void or written_off)")
                elif status == "paid":
                    if has_balance and balance != 0:
                        bad(line, "status", f"status is paid but the balance is "
                                            f"{money_text(balance, currency or 'EUR')}")
                    balance = 0
        if abs(balance) > abs(total) and currency:
            bad(line, "balance", f"balance {money_text(abs(balance), currency)} is greater than amount "
                                 f"{money_text(abs(total), currency)}")
        if status is None or status == "open":
            status = "paid" if balance == 0 else "open"

        if len(self.problems) != before or customer is None:
            return None
        i = at["po_number"]
        po = (get(cells[i]) or None) if i >= 0 else None
        i = at["pdf_path"]
        pdf = (get(cells[i]) or None) if i >= 0 else None
        if pdf is None and self.pdfs is not None and f"{number}.pdf" in self.pdfs:
            pdf = str(Path(self.pdf_folder or ".") / f"{number}.pdf")
        return (number, customer.id, kind, issue, due, total, balance, currency, po, pdf, status)

    # --- pass 2: rows that differ from the ledger -----------------------------------

    def apply_updates(self) -> None:
        if not self.changed:
            return
        table = Invoice.__table__
        cols = [table.c[name] for name in ("id", *DOC_FIELDS, "closed_at")]
        update = BulkUpdate(self.conn, table, _UPDATE_COLUMNS, "id", memo=_MEMO)  # type: ignore[arg-type]
        events = event_writer(self.conn)
        for start in range(0, len(self.changed), 500):
            chunk = self.changed[start:start + 500]
            current = {row[1]: row for row in self.conn.execute(
                select(*cols).where(table.c.number.in_([doc[0] for _, doc in chunk]))
            )}
            known_paid = self._allocated(current.values(), {doc[0]: doc for _, doc in chunk})
            updates, evs = [], []
            for _line, doc in chunk:
                old = current[doc[0]]
                new_values, ev = self._merge(old, doc, known_paid.get(old[0], 0))
                if ev is None:
                    self.summary.unchanged += 1
                    continue
                self.summary.updated += 1
                updates.append(new_values)
                evs.append(ev)
            update(updates)
            events(evs)

    def _allocated(self, rows: Any, docs: dict[str, tuple[Any, ...]]) -> dict[int, int]:
        """Net allocations arbot knows of, for invoices whose file balance went UP."""
        if "balance_minor" not in self.controlled:
            return {}
        bi = _F["balance_minor"] + 1
        ids = [row[0] for row in rows if docs[row[1]][bi - 1] > row[bi] >= 0]
        if not ids:
            return {}
        a = Allocation.__table__.c
        return {inv_id: int(total) for inv_id, total in self.conn.execute(
            select(a.invoice_id, func.sum(a.amount_minor)).where(a.invoice_id.in_(ids)).group_by(a.invoice_id)
        )}

    def _merge(self, old: Sequence[Any], doc: tuple[Any, ...], known_paid: int = 0
               ) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
        """New column values (``_UPDATE_COLUMNS`` + id) and the timeline event, or no event."""
        inv_id, old_doc, closed_at = old[0], tuple(old[1:12]), old[12]
        merged = list(old_doc)
        for field in self.controlled:
            merged[_F[field]] = doc[_F[field]]
        si, bi = _F["status"], _F["balance_minor"]
        if 0 < merged[bi] - old_doc[bi] <= known_paid:
            # The ERP has not booked yet payments arbot allocated (Stripe, payment import):
            # its higher balance is explained by them, so the ledger's lower balance stands.
            merged[bi] = old_doc[bi]
            if "status" in self.controlled and merged[si] == "open" and old_doc[si] == "paid":
                merged[si] = "paid"
        if "status" not in self.controlled and merged[bi] != old_doc[bi]:
            # Balance-driven status: paid at zero, reopened when the ERP shows money owed.
            if merged[bi] == 0 and old_doc[si] == "open":
                merged[si] = "paid"
            elif merged[bi] != 0 and old_doc[si] == "paid":
                merged[si] = "open"
        changes = {f: [iso(old_doc[i]), iso(merged[i])] for i, f in enumerate(DOC_FIELDS) if merged[i] != old_doc[i]}
        if not changes:
            return (), None
        if merged[si] != old_doc[si]:
            closed_at = None if merged[si] == "open" else self.now
        number, cur = merged[0], merged[_F["currency"]]
        if "status" in changes and merged[si] == "paid":
            kind, summary = "import_paid", f"{number} paid per ERP import (balance now 0)"
        elif "status" in changes and merged[si] == "open":
            kind, summary = "import_reopened", (f"{number} reopened per ERP import: balance "
                                                f"{money_text(merged[bi], cur)}")
        elif "balance_minor" in changes:
            kind, summary = "import_balance_changed", (
                f"{number} balance {money_text(old_doc[bi], old_doc[_F['currency']])} -> "
                f"{money_text(merged[bi], cur)} per ERP import")
        else:
            kind, summary = "import_changed", f"{number} changed per ERP import: {', '.join(changes)}"
        for f in ("total_minor", "balance_minor"):
            if f in changes:
                changes[f] = [money_text(old_doc[_F[f]], old_doc[_F["currency"]]), money_text(merged[_F[f]], cur)]
        values = (*merged[1:], closed_at, self.now, inv_id)
        event = (merged[1], inv_id, self.now, kind, "import", "import.erp_is_source_of_truth", summary,
                 {"file": self.table.label, "changes": changes})
        return values, event

    # --- snapshot: open items missing from the file ----------------------------------

    def close_missing(self) -> None:
        table = Invoice.__table__
        c = table.c
        missing = [row for row in self.conn.execute(
            select(c.id, c.number, c.customer_id, c.balance_minor, c.currency).where(c.status == "open")
        ) if row[1] not in self.seen]
        if not missing:
            return
        update = BulkUpdate(self.conn, table, ("balance_minor", "status", "closed_at", "updated_at"), "id",  # type: ignore[arg-type]
                            memo=_MEMO)
        events = event_writer(self.conn)
        now, label = self.now, self.table.label
        update((0, "paid", now, now, inv_id) for inv_id, *_ in missing)
        events(
            (customer_id, inv_id, now, "closed_by_snapshot", "import", "import.snapshot_missing_is_paid",
             (f"{number} closed as paid: not among the open items of {label} "
              f"(balance was {money_text(balance, currency)})"),
             {"file": label, "previous_balance": money_text(balance, currency)})
            for inv_id, number, customer_id, balance, currency in missing
        )
        self.summary.closed = len(missing)

    # --- one timeline event per customer with new invoices ---------------------------

    def record_new(self) -> None:
        if not self.new_by_customer:
            return
        now, label = self.now, self.table.label
        events = event_writer(self.conn)
        events(
            (customer_id, None, now, "invoices_imported", "import", None,
             f"{len(numbers)} new document{'s' if len(numbers) != 1 else ''} imported from {label}",
             {"file": label, "count": len(numbers), "numbers": numbers[:20]})
            for customer_id, numbers in self.new_by_customer.items()
        )
