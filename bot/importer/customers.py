"""``arbot import customers``: customers and their AR contacts from an ERP export.

Contract:
* upsert by ``customer_id`` (the ERP's id, stored as ``customers.external_id``); only
  the columns present in the file are compared and applied; an identical row changes
  nothing (no write, no event);
* ``email`` may hold several addresses separated by ``;`` or ``,``: each becomes a
  contact (source ``import``), the first one primary; ``contact_name`` names the primary
  contact. On re-import, import contacts no longer listed are removed; contacts added by
  staff or learnt from replies are never touched;
* ``tags`` are separated by ``;``, ``,`` or ``|``;
* all or nothing, like every import (:class:`ImportRejected` lists every bad row).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, selectinload

from bot.config import ImportFileConfig
from bot.db import Database
from bot.importer.bulk import BulkInsert
from bot.importer.common import (
    INSERT_BATCH,
    PROGRESS_EVERY,
    Currencies,
    ProgressFn,
    event_writer,
    padded,
    text,
    unit_of_work,
)
from bot.importer.problems import ImportRejected, ImportSummary, Problem
from bot.importer.source import ColumnSpec, Table, open_table
from bot.models import Contact, Customer

SPEC = ColumnSpec(
    "customers",
    required=("customer_id", "name"),
    optional=("email", "contact_name", "language", "timezone", "currency", "tags", "campaign"),
)

# A parsed row: (external_id, name, language, timezone, currency, tags, campaign, emails, contact_name)
DOC_FIELDS = ("external_id", "name", "language", "timezone", "currency", "tags", "campaign",
              "emails", "contact_name")
_F = {name: i for i, name in enumerate(DOC_FIELDS)}
_COLUMN_FIELD = {"language": "language", "timezone": "timezone", "currency": "currency", "tags": "tags",
                 "campaign": "campaign", "email": "emails", "contact_name": "contact_name"}
_CUSTOMER_INSERT = ("external_id", "name", "language", "timezone", "currency", "tags", "campaign",
                    "excluded", "state", "dunning_cycle", "created_at", "updated_at")
_CONTACT_INSERT = ("customer_id", "email", "name", "is_primary", "bounced", "proposed", "source", "created_at")

_EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")
_SPLIT_EMAILS = re.compile(r"[;,\s]+")
_SPLIT_TAGS = re.compile(r"\s*[;,|]\s*")
_LANGUAGE = re.compile(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}|[A-Za-z]{4}))?")


def import_customers(
    db: Database,
    path: Path,
    *,
    now: dt.datetime,
    options: ImportFileConfig | None = None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> ImportSummary:
    """Import a customers export; see the module docstring. Raises ImportRejected."""
    opts = options or ImportFileConfig()
    started = time.perf_counter()
    table = open_table(path, SPEC, column_map=opts.columns, delimiter=opts.delimiter,
                       encoding=opts.encoding, label=label)
    summary = ImportSummary("customers", table.label, dry_run=dry_run)
    try:
        with unit_of_work(db, dry_run) as session:
            run = _CustomerRun(session, table, now, summary, progress)
            run.read_and_insert()
            run.apply_updates()
    finally:
        table.close()
    summary.seconds = time.perf_counter() - started
    return summary


def split_emails(raw: str) -> list[str]:
    return list(dict.fromkeys(e.lower() for e in _SPLIT_EMAILS.split(raw) if e))


class _CustomerRun:
    def __init__(self, session: Session, table: Table, now: dt.datetime, summary: ImportSummary,
                 progress: ProgressFn | None) -> None:
        self.session = session
        self.conn: Connection = session.connection()
        self.table = table
        self.now = now
        self.summary = summary
        self.progress = progress
        self.currencies = Currencies()
        self.zones: dict[str, bool] = {}
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}
        self.changed: list[tuple[Any, ...]] = []
        self.new_docs: list[tuple[Any, ...]] = []
        cols = table.columns
        self.width = max(cols.values()) + 1
        self.controlled = ("name", *(_COLUMN_FIELD[c] for c in SPEC.optional if c in cols))
        self.fingerprint = itemgetter(*(_F[f] for f in self.controlled))

    def _bad(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.table.label, line, column, message))

    def read_and_insert(self) -> None:
        existing = self._existing_fingerprints()
        summary = self.summary
        for line, cells in self.table.rows:
            summary.rows += 1
            if self.progress is not None and summary.rows % PROGRESS_EVERY == 0:
                self.progress(self.table.position(), self.table.size)
            doc = self._parse(line, cells)
            if doc is None:
                continue
            old = existing.get(doc[0])
            if old is None:
                summary.new += 1
                if not self.problems:
                    self.new_docs.append(doc)
            elif old != hash(self.fingerprint(doc)):
                self.changed.append(doc)
            else:
                summary.unchanged += 1
        if not summary.rows and not self.problems:
            self.problems.append(Problem(self.table.label, 2, "file", "empty file (a header but no rows)"))
        if self.problems:
            raise ImportRejected(self.problems)
        self._insert_new()

    def _existing_fingerprints(self) -> dict[str, int]:
        contacts: dict[int, list[tuple[str, str | None]]] = {}
        for cid, email, name in self.conn.execute(
            select(Contact.customer_id, Contact.email, Contact.name)
            .where(Contact.source == "import")
            .order_by(Contact.customer_id, Contact.is_primary.desc(), Contact.id)
        ):
            contacts.setdefault(cid, []).append((email, name))
        out: dict[str, int] = {}
        for cid, ext, name, lang, tz, cur, tags, campaign in self.conn.execute(select(
            Customer.id, Customer.external_id, Customer.name, Customer.language, Customer.timezone,
            Customer.currency, Customer.tags, Customer.campaign,
        )):
            mine = contacts.get(cid, [])
            doc = (ext, name, lang, tz, cur, tuple(tags or ()), campaign,
                   tuple(e for e, _ in mine), mine[0][1] if mine else None)
            out[ext] = hash(self.fingerprint(doc))
        return out

    def _parse(self, line: int, cells: Sequence[Any]) -> tuple[Any, ...] | None:
        cols = self.table.columns
        if len(cells) < self.width:
            cells = padded(cells, self.width)
        before = len(self.problems)
        bad = self._bad

        def get(name: str) -> str:
            return text(cells[cols[name]]) if name in cols else ""

        ext = get("customer_id")
        if not ext:
            bad(line, "customer_id", "required value is empty")
        elif len(ext) > 64:
            bad(line, "customer_id", "longer than 64 characters")
        else:
            first = self.seen.setdefault(ext, line)
            if first != line:
                bad(line, "customer_id", f"duplicate customer id {ext!r} (first at line {first})")
        name = get("name")
        if not name:
            bad(line, "name", "required value is empty")
        elif len(name) > 255:
            bad(line, "name", "longer than 255 characters")

        emails = split_emails(get("email"))
        for e in emails:
            if not _EMAIL.fullmatch(e) or len(e) > 320:
                bad(line, "email", f"not an email address: {e!r}")

        language = get("language") or None
        if language is not None:
            m = _LANGUAGE.fullmatch(language)
            if not m:
                bad(line, "language", f"not a language code: {language!r} (e.g. en, fr, pt-BR)")
            else:
                language = m.group(1).lower() + (f"-{m.group(2).upper()}" if m.group(2) else "")

        tz = get("timezone") or None
        if tz is not None:
            ok = self.zones.get(tz)
            if ok is None:
                try:
                    ZoneInfo(tz)
                    ok = True
                except (ZoneInfoNotFoundError, ValueError):
                    ok = False
                self.zones[tz] = ok
            if not ok:
                bad(line, "timezone", f"unknown time zone {tz!r} (e.g. Europe/Paris)")

        currency = get("currency") or None
        if currency is not None:
            try:
                currency = self.currencies(currency)[0]
            except ValueError as exc:
                bad(line, "currency", str(exc))

        tags = tuple(dict.fromkeys(t for t in _SPLIT_TAGS.split(get("tags")) if t))
        campaign = get("campaign") or None
        if campaign is not None and len(campaign) > 64:
            bad(line, "campaign", "longer than 64 characters")
        contact_name = get("contact_name") or None
        if len(self.problems) != before:
            return None
        return (ext, name, language, tz, currency, tags, campaign, tuple(emails), contact_name)

    def _insert_new(self) -> None:
        if not self.new_docs:
            return
        now = self.now
        insert = BulkInsert(self.conn, Customer.__table__, _CUSTOMER_INSERT,  # type: ignore[arg-type]
                            memo=("created_at", "updated_at"))
        for start in range(0, len(self.new_docs), INSERT_BATCH):
            insert((ext, name, lang, tz, cur, list(tags), campaign, False, "active", 0, now, now)
                   for ext, name, lang, tz, cur, tags, campaign, _e, _n in self.new_docs[start:start + INSERT_BATCH])
        ids = {ext: cid for ext, cid in self.conn.execute(select(Customer.external_id, Customer.id))}
        contacts = BulkInsert(self.conn, Contact.__table__, _CONTACT_INSERT, memo=("created_at",))  # type: ignore[arg-type]
        contacts(
            (ids[doc[0]], email, doc[8] if i == 0 else None, i == 0, False, False, "import", now)
            for doc in self.new_docs for i, email in enumerate(doc[7])
        )
        label = self.table.label
        event_writer(self.conn)(
            (ids[doc[0]], None, now, "customer_imported", "import", None,
             f"customer {doc[0]} ({doc[1]}) imported from {label}",
             {"file": label, "contacts": list(doc[7])})
            for doc in self.new_docs
        )

    def apply_updates(self) -> None:
        """Changed customers (few, usually): through the ORM, contacts synchronised."""
        events = []
        for start in range(0, len(self.changed), 500):
            chunk = {doc[0]: doc for doc in self.changed[start:start + 500]}
            customers = self.session.scalars(
                select(Customer).where(Customer.external_id.in_(chunk)).options(selectinload(Customer.contacts))
            )
            for customer in customers:
                changes = self._merge(customer, chunk[customer.external_id])
                if not changes:
                    self.summary.unchanged += 1
                    continue
                self.summary.updated += 1
                customer.updated_at = self.now
                events.append((customer.id, None, self.now, "customer_updated", "import",
                               "import.erp_is_source_of_truth",
                               f"customer {customer.external_id} changed per {self.table.label}: {', '.join(changes)}",
                               {"file": self.table.label, "changes": changes}))
        self.session.flush()
        event_writer(self.conn)(events)

    def _merge(self, customer: Customer, doc: tuple[Any, ...]) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for field in self.controlled:
            if field in ("emails", "contact_name"):
                continue
            new = doc[_F[field]]
            old = getattr(customer, field)
            if field == "tags":
                new, old = list(new), list(old or [])
            if new != old:
                changes[field] = [old, new]
                setattr(customer, field, new)
        if "emails" in self.controlled or "contact_name" in self.controlled:
            changes.update(self._sync_contacts(customer, doc))
        return changes

    def _sync_contacts(self, customer: Customer, doc: tuple[Any, ...]) -> dict[str, list[Any]]:
        wanted: list[str] = list(doc[7])
        contact_name = doc[8]
        ours = [c for c in customer.contacts if c.source == "import"]
        by_email = {c.email: c for c in customer.contacts}
        before = [c.email for c in sorted(ours, key=lambda c: (not c.is_primary, c.id))]
        changes: dict[str, list[Any]] = {}
        if "emails" in self.controlled:
            for c in ours:
                if c.email not in wanted:
                    customer.contacts.remove(c)
                    self.session.delete(c)
            for i, email in enumerate(wanted):
                found = by_email.get(email)
                if found is None:
                    found = Contact(email=email, source="import", is_primary=False, bounced=False,
                                    proposed=False, created_at=self.now)
                    customer.contacts.append(found)
                    by_email[email] = found
                c = found
                if c.source == "import" and c.is_primary != (i == 0):
                    c.is_primary = i == 0
            after = [e for e in wanted if by_email[e].source == "import"]
            if after != before:
                changes["emails"] = [before, after]
        if "contact_name" in self.controlled and wanted:
            primary = by_email[wanted[0]]
            if primary.source == "import" and primary.name != contact_name:
                changes["contact_name"] = [primary.name, contact_name]
                primary.name = contact_name
        return changes
