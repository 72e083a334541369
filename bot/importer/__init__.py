"""ERP import: customers, invoices (and credit notes), payments from CSV or XLSX exports.

Public API (each returns an :class:`ImportSummary` or raises :class:`ImportRejected`
listing every bad row, with the database unchanged):

* :func:`import_customers(db, path, *, now, options, dry_run, progress)`
* :func:`import_invoices(db, path, *, now, options, default_currency, snapshot, dry_run, progress)`
* :func:`import_payments(db, path, *, now, options, default_currency, dry_run, progress)`

``options`` is the file kind's :class:`bot.config.ImportFileConfig` (column re-mapping,
date format, delimiter, encoding). See docs/import.md for formats and rules.
"""

from bot.importer.customers import import_customers
from bot.importer.invoices import import_invoices
from bot.importer.payments import import_payments
from bot.importer.problems import ImportRejected, ImportSummary, Problem

__all__ = ["ImportRejected", "ImportSummary", "Problem", "import_customers", "import_invoices", "import_payments"]
