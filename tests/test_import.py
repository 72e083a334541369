"""ERP import: formats, all-or-nothing validation, idempotency, snapshots, payments.

Runs on SQLite and PostgreSQL (``db_url``), through the CLI (``bot.cli.app`` with
``--config``) and through the Python API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Config, ImportFileConfig
from bot.db import Database
from bot.importer import ImportRejected, import_customers, import_invoices, import_payments
from bot.models import Contact, Customer, Event, Invoice, Payment

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)

CUSTOMERS = """\
customer_id,name,email,contact_name,language,timezone,currency,tags
C1,Acme Ltd,ap@acme.example;boss@acme.example,Ann Payable,en,Europe/London,GBP,key-account
C2,Béta SARL,compta@beta.example,,fr,Europe/Paris,EUR,
C3,Gamma GmbH,buchhaltung@gamma.example,,de,Europe/Berlin,EUR,
"""

INVOICES = """\
invoice_number,customer_id,issue_date,due_date,amount,balance,currency,po_number
INV-1,C1,2026-09-01,2026-10-01,1000.00,1000.00,GBP,PO-1
INV-2,C1,2026-10-01,2026-10-31,500.00,200.00,GBP,
INV-3,C2,2026-10-15,2026-11-14,750.50,750.50,EUR,
"""

TABLES = ("customers", "contacts", "invoices", "payments", "allocations", "events")


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the ledger tables, for "the database is unchanged" assertions."""
    with db.engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


@pytest.fixture
def db(db_url: str) -> Any:
    database = Database(db_url)
    yield database
    database.close()


@pytest.fixture
def ledger(db: Database, tmp_path: Path) -> Database:
    """Customers and three invoices already imported."""
    import_customers(db, write(tmp_path, "customers.csv", CUSTOMERS), now=NOW)
    import_invoices(db, write(tmp_path, "invoices.csv", INVOICES), now=NOW)
    return db


def invoice(db: Database, number: str) -> Invoice:
    with db.session() as s:
        inv = s.scalars(select(Invoice).where(Invoice.number == number)).one()
        s.expunge(inv)
        return inv


def events(db: Database, kind: str | None = None) -> list[Event]:
    with db.session() as s:
        q = select(Event).order_by(Event.id)
        if kind:
            q = q.where(Event.kind == kind)
        out = list(s.scalars(q))
        s.expunge_all()
        return out


def rejected(call: Callable[[], Any]) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        call()
    return [str(p) for p in info.value.problems]


# --- bad rows: every problem reported, nothing written ------------------------------

BAD_INVOICES = """\
invoice_number,customer_id,issue_date,due_date,amount,balance,currency,po_number
INV-10,C1,2026-10-01,2026-10-31,100.00,100.00,GBP,
INV-11,C9,2026-10-01,2026-10-31,100.00,,GBP,
INV-10,C1,2026-10-01,2026-10-31,100.00,,GBP,
INV-12,C1,2026-10-01,2026-10-31,abc,,GBP,
INV-13,C1,2026-10-31,2026-10-01,100.00,,GBP,
INV-14,C1,2026-10-01,2026-10-31,100.00,,XYZ,
INV-15,C1,2026-13-45,2026-10-31,100.00,,GBP,
INV-16,C1,2026-10-01,2026-10-31,100.00,150.00,GBP,
"""


def test_every_bad_row_is_reported_and_nothing_is_written(ledger: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", BAD_INVOICES)
    before = dump(ledger)
    problems = rejected(lambda: import_invoices(ledger, path, now=LATER))
    f = str(path)
    assert problems == [
        f"{f}:3: customer_id: unknown customer 'C9' (import customers first)",
        f"{f}:4: invoice_number: duplicate invoice number 'INV-10' (first at line 2)",
        f"{f}:5: amount: not a number: 'abc'",
        f"{f}:6: due_date: due date 2026-10-01 is before issue date 2026-10-31",
        f"{f}:7: currency: unknown currency 'XYZ'",
        f"{f}:8: issue_date: not a date: '2026-13-45'",
        f"{f}:9: balance: balance 150.00 GBP is greater than amount 100.00 GBP",
    ]
    assert dump(ledger) == before


def test_cli_reports_bad_rows_on_stderr_and_exits_non_zero(
    db_url: str, config_factory: Callable[..., Config], tmp_path: Path
) -> None:
    cfg = config_factory(db_url)
    runner = CliRunner()
    ok = runner.invoke(app, ["--config", str(cfg.source_path), "import", "customers",
                             str(write(tmp_path, "c.csv", CUSTOMERS))])
    assert ok.exit_code == 0, ok.output
    db = Database(db_url)
    before = dump(db)
    path = write(tmp_path, "bad.csv", BAD_INVOICES)
    result = runner.invoke(app, ["--config", str(cfg.source_path), "import", "invoices", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{path}:5: amount: not a number: 'abc'" in lines
    assert f"{path}:3: customer_id: unknown customer 'C9' (import customers first)" in lines
    assert lines[-1] == f"error: {path}: 7 problems; nothing imported"
    assert dump(db) == before
    db.close()


def test_bad_row_after_written_batches_rolls_everything_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.importer.invoices as mod

    monkeypatch.setattr(mod, "INSERT_BATCH", 2)   # rows are streamed into the table in batches
    import_customers(db, write(tmp_path, "c.csv", CUSTOMERS), now=NOW)
    before = dump(db)
    rows = "".join(f"INV-{n},C1,2026-10-01,2026-10-31,10.00,,GBP,\n" for n in range(7))
    path = write(tmp_path, "i.csv", INVOICES.splitlines()[0] + "\n" + rows + "INV-X,C1,2026-10-01,2026-10-31,x,,GBP,\n")
    assert rejected(lambda: import_invoices(db, path, now=NOW)) == [f"{path}:9: amount: not a number: 'x'"]
    assert dump(db) == before


def test_missing_required_column_names_column_and_file(ledger: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "i.csv", "invoice_number,customer_id,issue_date,amount\nINV-9,C1,2026-10-01,10\n")
    assert rejected(lambda: import_invoices(ledger, path, now=NOW)) == [
        (f"{path}:1: due_date: required column is missing; the header has: "
         "invoice_number, customer_id, issue_date, amount")
    ]


@pytest.mark.parametrize("content, line, problem", [
    ("", 1, "file: empty file (no header row)"),
    ("\n\n", 1, "file: empty file (no header row)"),
    (INVOICES.splitlines()[0] + "\n", 2, "file: empty file (a header but no rows)"),
])
def test_empty_file(ledger: Database, tmp_path: Path, content: str, line: int, problem: str) -> None:
    path = write(tmp_path, "i.csv", content)
    assert rejected(lambda: import_invoices(ledger, path, now=NOW)) == [f"{path}:{line}: {problem}"]


def test_wrong_encoding(ledger: Database, tmp_path: Path) -> None:
    utf16 = write(tmp_path, "u16.csv", INVOICES, encoding="utf-16")
    assert rejected(lambda: import_invoices(ledger, utf16, now=NOW)) == [
        f"{utf16}:1: encoding: file looks like UTF-16 or binary; save it as CSV UTF-8 or Windows-1252"
    ]
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8.
    broken = write(tmp_path, "bad.csv", INVOICES.encode() + b"INV-9,C1,2026-10-01,2026-10-31,1\x81,,GBP,\n")
    assert rejected(lambda: import_invoices(ledger, broken, now=NOW)) == [
        f"{broken}:5: encoding: byte 0x81 is neither UTF-8 nor Windows-1252; save the file as CSV UTF-8"
    ]


def test_more_row_problems(ledger: Database, tmp_path: Path) -> None:
    content = (
        "invoice_number,customer_id,issue_date,due_date,amount,currency,type,status\n"
        ",C1,2026-10-01,2026-10-31,10.00,GBP,,\n"
        "INV-20,,2026-10-01,2026-10-31,10.00,GBP,,\n"
        "INV-21,C1,,2026-10-31,,GBP,,\n"
        "INV-22,C1,2026-10-01,2026-10-31,12.3456,GBP,,\n"
        "INV-23,C1,2026-10-01,2026-10-31,12.00,GBP,receipt,\n"
        "INV-24,C1,2026-10-01,2026-10-31,12.00,GBP,,lost\n"
    )
    path = write(tmp_path, "i.csv", content)
    f = str(path)
    assert rejected(lambda: import_invoices(ledger, path, now=NOW)) == [
        f"{f}:2: invoice_number: required value is empty",
        f"{f}:3: customer_id: required value is empty",
        f"{f}:4: amount: required value is empty",
        f"{f}:4: issue_date: required value is empty",
        f"{f}:5: amount: too many decimals: '12.3456'",
        f"{f}:6: type: unknown document type 'receipt' (invoice or credit_note)",
        f"{f}:7: status: unknown status 'lost' (open, paid, void or written_off)",
    ]


def test_customer_row_problems(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", (
        "customer_id,name,email,language,timezone,currency\n"
        "C1,Acme,ap@acme.example,en,Europe/London,GBP\n"
        "C1,Acme again,ap@acme.example,en,Europe/London,GBP\n"
        "C2,,not-an-email,english!,Mars/Base,ZZZ\n"
    ))
    f = str(path)
    assert rejected(lambda: import_customers(db, path, now=NOW)) == [
        f"{f}:3: customer_id: duplicate customer id 'C1' (first at line 2)",
        f"{f}:4: name: required value is empty",
        f"{f}:4: email: not an email address: 'not-an-email'",
        f"{f}:4: language: not a language code: 'english!' (e.g. en, fr, pt-BR)",
        f"{f}:4: timezone: unknown time zone 'Mars/Base' (e.g. Europe/Paris)",
        f"{f}:4: currency: unknown currency 'ZZZ'",
    ]
    assert dump(db)["customers"] == []


# --- idempotency, balance changes, snapshots, dry run -------------------------------

def test_second_import_changes_nothing(ledger: Database, tmp_path: Path) -> None:
    before = dump(ledger)
    c = import_customers(ledger, tmp_path / "customers.csv", now=LATER)
    i = import_invoices(ledger, tmp_path / "invoices.csv", now=LATER)
    assert (c.new, c.updated, c.unchanged) == (0, 0, 3)
    assert (i.new, i.updated, i.unchanged, i.closed) == (0, 0, 3, 0)
    assert dump(ledger) == before    # no new rows, no events, updated_at untouched


def test_first_import_contents(ledger: Database) -> None:
    with ledger.session() as s:
        acme = s.scalars(select(Customer).where(Customer.external_id == "C1")).one()
        assert (acme.name, acme.language, acme.timezone, acme.currency, acme.tags) == (
            "Acme Ltd", "en", "Europe/London", "GBP", ["key-account"])
        contacts = [(c.email, c.is_primary, c.name, c.source) for c in acme.contacts]
        assert contacts == [("ap@acme.example", True, "Ann Payable", "import"),
                            ("boss@acme.example", False, None, "import")]
    inv2 = invoice(ledger, "INV-2")
    assert (inv2.total_minor, inv2.balance_minor, inv2.currency, inv2.status, inv2.kind) == (
        50000, 20000, "GBP", "open", "invoice")
    assert invoice(ledger, "INV-1").po_number == "PO-1"
    assert [e.kind for e in events(ledger, "invoices_imported")] == ["invoices_imported"] * 2


def test_balance_changes_are_applied_and_recorded(ledger: Database, tmp_path: Path) -> None:
    changed = INVOICES.replace("INV-1,C1,2026-09-01,2026-10-01,1000.00,1000.00", "INV-1,C1,2026-09-01,2026-10-01,1000.00,400.00")
    changed = changed.replace("INV-2,C1,2026-10-01,2026-10-31,500.00,200.00", "INV-2,C1,2026-10-01,2026-10-31,500.00,0")
    s = import_invoices(ledger, write(tmp_path, "i2.csv", changed), now=LATER)
    assert (s.new, s.updated, s.unchanged) == (0, 2, 1)
    inv1, inv2 = invoice(ledger, "INV-1"), invoice(ledger, "INV-2")
    assert (inv1.balance_minor, inv1.status, inv1.updated_at) == (40000, "open", LATER)
    assert (inv2.balance_minor, inv2.status, inv2.closed_at) == (0, "paid", LATER)
    assert invoice(ledger, "INV-3").updated_at == NOW
    ev = {e.kind: e for e in events(ledger) if e.at == LATER}
    assert ev["import_balance_changed"].summary == "INV-1 balance 1000.00 GBP -> 400.00 GBP per ERP import"
    assert ev["import_balance_changed"].evidence["changes"] == {"balance_minor": ["1000.00 GBP", "400.00 GBP"]}
    assert ev["import_paid"].invoice_id == inv2.id and ev["import_paid"].actor == "import"
    # and once more: nothing
    again = import_invoices(ledger, tmp_path / "i2.csv", now=LATER)
    assert (again.updated, again.unchanged) == (0, 3)


def test_snapshot_closes_missing_open_invoices(ledger: Database, tmp_path: Path) -> None:
    snap = write(tmp_path, "open-items.csv", "\n".join(INVOICES.splitlines()[:2]) + "\n")  # only INV-1
    s = import_invoices(ledger, snap, now=LATER, snapshot=True)
    assert (s.new, s.updated, s.unchanged, s.closed) == (0, 0, 1, 2)
    for number in ("INV-2", "INV-3"):
        inv = invoice(ledger, number)
        assert (inv.status, inv.balance_minor, inv.closed_at) == ("paid", 0, LATER)
    closed = events(ledger, "closed_by_snapshot")
    assert len(closed) == 2
    assert closed[0].actor == "import" and closed[0].evidence["file"] == str(snap)
    assert closed[0].summary == f"INV-2 closed as paid: not among the open items of {snap} (balance was 200.00 GBP)"
    assert invoice(ledger, "INV-1").status == "open"
    again = import_invoices(ledger, snap, now=LATER, snapshot=True)
    assert again.closed == 0 and len(events(ledger, "closed_by_snapshot")) == 2


def test_dry_run_changes_nothing(ledger: Database, tmp_path: Path) -> None:
    before = dump(ledger)
    content = INVOICES.replace("750.50,750.50", "750.50,100.00") + "INV-4,C3,2026-11-01,2026-12-01,99.00,,EUR,\n"
    snap = write(tmp_path, "dry.csv", content.replace("INV-1,", "INV-9,"))
    s = import_invoices(ledger, snap, now=LATER, snapshot=True, dry_run=True)
    assert s.dry_run and (s.new, s.updated, s.unchanged, s.closed) == (2, 1, 1, 1)
    assert dump(ledger) == before


def test_cli_dry_run_and_counts(db_url: str, config_factory: Callable[..., Config], tmp_path: Path) -> None:
    cfg = config_factory(db_url)
    runner = CliRunner()
    base = ["--config", str(cfg.source_path), "import"]
    c = write(tmp_path, "c.csv", CUSTOMERS)
    i = write(tmp_path, "i.csv", INVOICES)
    dry = runner.invoke(app, [*base, "customers", str(c), "--dry-run"])
    assert dry.exit_code == 0 and "dry run, nothing written: 3 rows: 3 new, 0 updated, 0 unchanged" in dry.stdout
    assert runner.invoke(app, [*base, "customers", str(c), "--now", "2026-11-23"]).exit_code == 0
    res = runner.invoke(app, [*base, "invoices", str(i), "--json"])
    assert res.exit_code == 0, res.output
    assert '"new": 3' in res.stdout
    res = runner.invoke(app, [*base, "invoices", str(i), "--snapshot"])
    assert f"{i}: 3 rows: 0 new, 0 updated, 3 unchanged, 0 closed" in res.stdout


# --- formats ----------------------------------------------------------------------

def test_utf8_bom_semicolons_and_european_numbers(ledger: Database, tmp_path: Path) -> None:
    content = (
        "invoice_number;customer_id;issue_date;due_date;amount;balance;currency\n"
        "RE-2026-1;C3;01.10.2026;31.10.2026;1.234,56 €;1.000,00;EUR\n"
        "RE-2026-2;C3;15 Oct 2026;14 Nov 2026;(50,00);;EUR\n"
    )
    path = write(tmp_path, "de.csv", "\ufeff" + content)
    s = import_invoices(ledger, path, now=NOW)
    assert s.new == 2
    a, b = invoice(ledger, "RE-2026-1"), invoice(ledger, "RE-2026-2")
    assert (a.issue_date, a.due_date, a.total_minor, a.balance_minor) == (
        dt.date(2026, 10, 1), dt.date(2026, 10, 31), 123456, 100000)
    assert (b.kind, b.total_minor, b.balance_minor, b.issue_date) == ("credit_note", -5000, -5000, dt.date(2026, 10, 15))


def test_cp1252_file(db: Database, tmp_path: Path) -> None:
    content = "customer_id,name,email,currency\nC7,Société Générale Équipements,ap@sge.example,EUR\n"
    path = write(tmp_path, "c.csv", content, encoding="cp1252")
    import_customers(db, path, now=NOW)
    with db.session() as s:
        assert s.scalars(select(Customer.name)).one() == "Société Générale Équipements"
    inv = write(tmp_path, "i.csv", "invoice_number,customer_id,issue_date,due_date,amount\n"
                                   "F1,C7,2026-10-01,2026-10-31,€1.234,50\n".replace("€1.234,50", '"€1.234,50"'),
                encoding="cp1252")
    import_invoices(db, inv, now=NOW)
    assert invoice(db, "F1").total_minor == 123450


def test_xlsx_with_excel_dates_and_numbers(ledger: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Invoice Number", "Customer ID", "Issue Date", "Due Date", "Amount", "Balance", "Currency"])
    ws.append(["X-1", "C2", dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 31), 1234.5, 1000, "EUR"])
    ws.append([None, None, None, None, None, None, None])
    ws.append([20001, "C2", dt.date(2026, 10, 2), 46326, "99.90", None, "EUR"])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    s = import_invoices(ledger, path, now=NOW)
    assert s.new == 2
    x1 = invoice(ledger, "X-1")
    assert (x1.issue_date, x1.total_minor, x1.balance_minor) == (dt.date(2026, 10, 1), 123450, 100000)
    n = invoice(ledger, "20001")
    assert (n.due_date, n.total_minor) == (dt.date(2026, 10, 31), 9990)
    ws.append(["X-3", "C404", dt.date(2026, 10, 2), dt.date(2026, 10, 1), "abc", None, "EUR"])
    wb.save(path)
    assert rejected(lambda: import_invoices(ledger, path, now=NOW)) == [
        f"{path}:5: customer_id: unknown customer 'C404' (import customers first)",
        f"{path}:5: amount: not a number: 'abc'",
        f"{path}:5: due_date: due date 2026-10-01 is before issue date 2026-10-02",
    ]


def test_column_mapping_and_month_first_dates_via_config(
    db_url: str, config_factory: Callable[..., Config], tmp_path: Path
) -> None:
    cfg = config_factory(db_url, extra_toml=(
        "[import.invoices]\n"
        'columns = { invoice_number = "Num", customer_id = "Account", amount = "Total", '
        'balance = "Open Balance", issue_date = "Date", due_date = "Due" }\n'
        "day_first = false\n"
    ))
    runner = CliRunner()
    base = ["--config", str(cfg.source_path), "import"]
    assert runner.invoke(app, [*base, "customers", str(write(tmp_path, "c.csv", CUSTOMERS))]).exit_code == 0
    qb = write(tmp_path, "qb.csv", (
        "Date,Num,Account,Due,Total,Open Balance\n"
        '10/02/2026,1043,C1,11/01/2026,"$1,250.00","$1,250.00"\n'
    ))
    res = runner.invoke(app, [*base, "invoices", str(qb)])
    assert res.exit_code == 0, res.output
    db = Database(db_url)
    inv = invoice(db, "1043")
    # no currency column: the customer's currency
    assert (inv.issue_date, inv.due_date, inv.total_minor, inv.currency) == (
        dt.date(2026, 10, 2), dt.date(2026, 11, 1), 125000, "GBP")
    db.close()
    missing = write(tmp_path, "qb2.csv", "Date,Number,Account,Due,Total\n")
    res = runner.invoke(app, [*base, "invoices", str(missing)])
    assert res.exit_code == 1
    assert (f"{missing}:1: invoice_number: required column is missing (mapped to header 'Num'); "
            "the header has: Date, Number, Account, Due, Total") in res.stderr


def test_unknown_column_in_mapping_is_refused(ledger: Database, tmp_path: Path) -> None:
    opts = ImportFileConfig(columns={"invoice_numbr": "Num"})
    path = tmp_path / "invoices.csv"
    assert rejected(lambda: import_invoices(ledger, path, now=NOW, options=opts)) == [
        (f"{path}:1: invoice_numbr: unknown column in import.invoices.columns (known: invoice_number, "
         "customer_id, issue_date, due_date, amount, balance, currency, po_number, pdf_path, status, type)")
    ]


def test_credit_notes_by_sign_and_by_type(ledger: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "cn.csv", (
        "invoice_number,customer_id,issue_date,due_date,amount,balance,currency,type\n"
        "CN-1,C1,2026-10-05,2026-10-05,-120.00,-120.00,GBP,\n"
        "CN-2,C1,2026-10-06,2026-10-06,80.00,80.00,GBP,Credit Note\n"
        "CN-3,C1,2026-10-06,2026-10-06,80.00,,GBP,credit memo\n"
    ))
    import_invoices(ledger, path, now=NOW)
    got = [(i.kind, i.total_minor, i.balance_minor, i.status) for i in (invoice(ledger, n) for n in ("CN-1", "CN-2", "CN-3"))]
    assert got == [("credit_note", -12000, -12000, "open"), ("credit_note", -8000, -8000, "open"),
                   ("credit_note", -8000, -8000, "open")]
    assert import_invoices(ledger, path, now=LATER).unchanged == 3


def test_customer_update_syncs_import_contacts_only(ledger: Database, tmp_path: Path) -> None:
    with ledger.session() as s:
        acme = s.scalars(select(Customer).where(Customer.external_id == "C1")).one()
        s.add(Contact(customer_id=acme.id, email="cfo@acme.example", source="staff", is_primary=False,
                      bounced=False, proposed=False, created_at=NOW))
    changed = CUSTOMERS.replace("ap@acme.example;boss@acme.example", "new-ap@acme.example;ap@acme.example")
    s = import_customers(ledger, write(tmp_path, "c2.csv", changed), now=LATER)
    assert (s.new, s.updated, s.unchanged) == (0, 1, 2)
    with ledger.session() as sess:
        acme = sess.scalars(select(Customer).where(Customer.external_id == "C1")).one()
        assert sorted((c.email, c.is_primary, c.source) for c in acme.contacts) == [
            ("ap@acme.example", False, "import"), ("cfo@acme.example", False, "staff"),
            ("new-ap@acme.example", True, "import")]
        assert acme.updated_at == LATER
    ev = events(ledger, "customer_updated")
    assert len(ev) == 1 and ev[0].evidence["changes"]["emails"] == [
        ["ap@acme.example", "boss@acme.example"], ["new-ap@acme.example", "ap@acme.example"]]
    assert import_customers(ledger, tmp_path / "c2.csv", now=LATER).unchanged == 3


# --- payments ---------------------------------------------------------------------

PAYMENTS_HEADER = "payment_id,customer_id,invoice_number,date,amount,currency,reference\n"


def test_payment_to_named_invoice_then_oldest_first(ledger: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", PAYMENTS_HEADER + (
        "P1,C1,INV-2,2026-11-20,300.00,GBP,BACS INV-2\n"        # closes INV-2 (balance 200), 100 to INV-1
        "P2,C1,,2026-11-21,150.00,GBP,\n"                       # oldest first: INV-1
    ))
    s = import_payments(ledger, path, now=LATER)
    assert (s.new, s.allocated_minor) == (2, {"GBP": 45000})
    inv1, inv2 = invoice(ledger, "INV-1"), invoice(ledger, "INV-2")
    assert (inv2.balance_minor, inv2.status) == (0, "paid")
    assert (inv1.balance_minor, inv1.status) == (100000 - 10000 - 15000, "open")
    assert [e.invoice_id for e in events(ledger, "invoice_paid")] == [inv2.id]
    first = events(ledger, "payment_imported")[0]
    assert first.evidence["allocated"] == [["INV-2", "200.00 GBP"], ["INV-1", "100.00 GBP"]]
    before = dump(ledger)
    again = import_payments(ledger, path, now=LATER)
    assert (again.new, again.unchanged) == (0, 2)
    assert dump(ledger) == before


def test_partial_payment_and_overpayment_credit(ledger: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", PAYMENTS_HEADER + (
        "P1,C2,INV-3,2026-11-20,250.50,EUR,partial\n"
        "P2,,INV-3,2026-11-21,600.00,,overpaid\n"      # customer and currency from the invoice
    ))
    s = import_payments(ledger, path, now=LATER)
    assert s.credit_minor == {"EUR": 10000}
    inv3 = invoice(ledger, "INV-3")
    assert (inv3.balance_minor, inv3.status) == (0, "paid")
    with ledger.session() as sess:
        p2 = sess.scalars(select(Payment).where(Payment.external_id == "P2")).one()
        assert (p2.unallocated_minor, p2.source, p2.currency) == (10000, "import", "EUR")
    assert "100.00 EUR left as credit on account" in events(ledger, "payment_imported")[1].summary


def test_payment_known_from_stripe_is_not_counted_twice(ledger: Database, tmp_path: Path) -> None:
    with ledger.session() as s:
        cid = s.scalars(select(Customer.id).where(Customer.external_id == "C1")).one()
        s.add(Payment(external_id="pi_3Qx", source="stripe", customer_id=cid, date=dt.date(2026, 11, 19),
                      amount_minor=20000, currency="GBP", reference="RF-77", unallocated_minor=0,
                      refunded_minor=0, status="succeeded", details={}, created_at=NOW))
    path = write(tmp_path, "p.csv", PAYMENTS_HEADER + "P9,C1,INV-2,2026-11-20,200.00,GBP,RF-77\n")
    s = import_payments(ledger, path, now=LATER)
    assert (s.new, s.reconciled) == (0, 1)
    assert invoice(ledger, "INV-2").balance_minor == 20000     # untouched: counted once
    ev = events(ledger, "payment_reconciled")
    assert len(ev) == 1 and ev[0].evidence["duplicate_of"] == "pi_3Qx"
    before = dump(ledger)
    assert import_payments(ledger, path, now=LATER).unchanged == 1
    assert dump(ledger) == before
    # same reference, different amount: refused
    other = write(tmp_path, "p2.csv", PAYMENTS_HEADER + "P10,C1,,2026-11-20,999.00,GBP,RF-77\n")
    assert rejected(lambda: import_payments(ledger, other, now=LATER)) == [
        (f"{other}:2: reference: reference 'RF-77' is already known from stripe payment pi_3Qx of "
         "200.00 GBP, not 999.00 GBP")
    ]


def test_payment_row_problems(ledger: Database, tmp_path: Path) -> None:
    import_payments(ledger, write(tmp_path, "p0.csv", PAYMENTS_HEADER + "P1,C1,,2026-11-20,10.00,GBP,\n"), now=NOW)
    path = write(tmp_path, "p.csv", PAYMENTS_HEADER + (
        "P1,C1,,2026-11-20,11.00,GBP,\n"
        "P2,C2,INV-1,2026-11-20,10.00,EUR,\n"
        "P3,C1,INV-404,31/02/2026,-5.00,GBP,\n"
        "P4,,,2026-11-20,10.00,GBP,\n"
        "P4,C1,INV-1,2026-11-20,10.00,EUR,\n"
    ))
    f = str(path)
    assert rejected(lambda: import_payments(ledger, path, now=LATER)) == [
        (f"{f}:2: payment_id: payment 'P1' was imported before with other values (10.00 GBP on 2026-11-20); "
         "payments cannot be edited by import"),
        f"{f}:3: invoice_number: invoice 'INV-1' belongs to customer 'C1', not 'C2'",
        f"{f}:3: currency: payment in EUR but invoice INV-1 is in GBP",
        f"{f}:4: date: not a date: '31/02/2026'",
        f"{f}:4: invoice_number: unknown invoice 'INV-404'",
        f"{f}:4: amount: a payment must be positive, not -5.00 GBP (refunds are not imported)",
        f"{f}:5: customer_id: required value is empty (give customer_id or invoice_number)",
        f"{f}:6: payment_id: duplicate payment id 'P4' (first at line 5)",
        f"{f}:6: currency: payment in EUR but invoice INV-1 is in GBP",
    ]


def test_erp_balance_not_yet_reflecting_our_payment_does_not_reopen(ledger: Database, tmp_path: Path) -> None:
    import_payments(ledger, write(tmp_path, "p.csv", PAYMENTS_HEADER + "P1,C1,INV-2,2026-11-20,200.00,GBP,\n"),
                    now=NOW)
    assert invoice(ledger, "INV-2").status == "paid"
    # The ERP export still shows 200.00 open on INV-2: explained by P1, the ledger stands.
    s = import_invoices(ledger, tmp_path / "invoices.csv", now=LATER)
    assert (s.updated, s.unchanged) == (0, 3)
    assert invoice(ledger, "INV-2").status == "paid"
    # A real increase beyond what arbot knows is applied (and reopens).
    more = INVOICES.replace("500.00,200.00", "500.00,450.00")
    s = import_invoices(ledger, write(tmp_path, "i3.csv", more), now=LATER)
    assert s.updated == 1 and invoice(ledger, "INV-2").balance_minor == 45000
    assert events(ledger, "import_reopened")[0].invoice_id == invoice(ledger, "INV-2").id


# --- the sample ledger --------------------------------------------------------------

def test_sample_ledger_imports_cleanly(db: Database) -> None:
    c = import_customers(db, EXAMPLES / "customers.csv", now=NOW)
    i = import_invoices(db, EXAMPLES / "invoices.csv", now=NOW)
    p = import_payments(db, EXAMPLES / "payments.csv", now=NOW)
    assert (c.new, i.new, p.new) == (30, 117, 6)
    with db.session() as s:
        kinds = {k: n for k, n in s.execute(text("SELECT kind, COUNT(*) FROM invoices GROUP BY kind"))}
        assert kinds == {"invoice": 113, "credit_note": 4}
        langs = set(s.scalars(select(Customer.language)))
        assert langs == {"en", "fr", "de", "es", "nl", "pt", "it"}
        currencies = set(s.scalars(select(Invoice.currency)))
        assert {"EUR", "GBP", "USD", "CHF"} <= currencies
    before = dump(db)
    again = [import_customers(db, EXAMPLES / "customers.csv", now=LATER),
             import_invoices(db, EXAMPLES / "invoices.csv", now=LATER),
             import_payments(db, EXAMPLES / "payments.csv", now=LATER)]
    assert [a.new + a.updated for a in again] == [0, 0, 0]
    assert dump(db) == before


def test_pdf_folder_fills_pdf_path(ledger: Database, tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "INV-1.pdf").write_bytes(b"%PDF-1.4\n")
    s = import_invoices(ledger, tmp_path / "invoices.csv", now=LATER, pdf_folder=folder)
    assert (s.updated, s.unchanged) == (1, 2)
    assert invoice(ledger, "INV-1").pdf_path == str(folder / "INV-1.pdf")
    assert invoice(ledger, "INV-2").pdf_path is None
    assert import_invoices(ledger, tmp_path / "invoices.csv", now=LATER, pdf_folder=folder).unchanged == 3


def test_line_numbers_count_physical_lines(ledger: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "i.csv", (
        "\n"
        "invoice_number,customer_id,issue_date,due_date,amount,currency,po_number\n"
        'M-1,C1,2026-10-01,2026-10-31,10.00,GBP,"PO 1\nsecond line"\n'
        "\n"
        "M-2,C1,2026-10-01,2026-10-31,ten,GBP,\n"
    ))
    assert rejected(lambda: import_invoices(ledger, path, now=NOW)) == [f"{path}:6: amount: not a number: 'ten'"]


def test_cli_payments_and_customers_from_xlsx(
    db_url: str, config_factory: Callable[..., Config], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    cfg = config_factory(db_url)
    runner = CliRunner()
    base = ["--config", str(cfg.source_path), "import"]
    wb = Workbook()
    ws = wb.active
    for row in CUSTOMERS.splitlines():
        ws.append(row.split(","))
    wb.save(tmp_path / "customers.xlsx")
    res = runner.invoke(app, [*base, "customers", str(tmp_path / "customers.xlsx")])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, [*base, "invoices", str(write(tmp_path, "i.csv", INVOICES))]).exit_code == 0
    pay = write(tmp_path, "p.csv", PAYMENTS_HEADER + "P1,C2,,2026-11-20,800.00,EUR,wire\n")
    res = runner.invoke(app, [*base, "payments", str(pay), "--now", "2026-11-23"])
    assert res.exit_code == 0, res.output
    assert f"{pay}: 1 rows: 1 new, 0 updated, 0 unchanged, 0 reconciled" in res.stdout
    assert "allocated 750.50 EUR" in res.stdout and "credit on account 49.50 EUR" in res.stdout
    missing = runner.invoke(app, [*base, "payments", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1
    assert f"{tmp_path / 'nope.csv'}:0: file: cannot read: No such file or directory" in missing.stderr


def test_bulk_load_suspends_and_rebuilds_indexes_on_sqlite(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.importer.invoices as mod

    monkeypatch.setattr(mod, "BULK_BYTES", 0)       # every file counts as large
    db = Database(sqlite_url)
    import_customers(db, write(tmp_path, "c.csv", CUSTOMERS), now=NOW)

    def indexes() -> set[str]:
        with db.engine.connect() as conn:
            return {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices' AND sql IS NOT NULL")}

    expected = {"ix_invoices_status_due", "ix_invoices_customer_status"}
    assert indexes() == expected
    bad = write(tmp_path, "bad.csv", INVOICES + "INV-9,C1,2026-10-01,2026-10-31,x,,GBP,\n")
    rejected(lambda: import_invoices(db, bad, now=NOW))
    assert indexes() == expected                    # rolled back with the rest
    assert import_invoices(db, write(tmp_path, "i.csv", INVOICES), now=NOW).new == 3
    assert indexes() == expected
    db.close()


def test_progress_is_reported(ledger: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = tmp_path / "invoices.csv"
    import_invoices(ledger, path, now=LATER, progress=lambda pos, total: seen.append((pos, total)))
    size = path.stat().st_size
    assert seen and seen[-1] == (size, size)


def test_cli_snapshot_dry_run_reports_closures(
    db_url: str, config_factory: Callable[..., Config], tmp_path: Path
) -> None:
    cfg = config_factory(db_url)
    runner = CliRunner()
    base = ["--config", str(cfg.source_path), "import"]
    assert runner.invoke(app, [*base, "customers", str(write(tmp_path, "c.csv", CUSTOMERS))]).exit_code == 0
    assert runner.invoke(app, [*base, "invoices", str(write(tmp_path, "i.csv", INVOICES))]).exit_code == 0
    snap = write(tmp_path, "open.csv", "\n".join(INVOICES.splitlines()[:3]) + "\n")
    res = runner.invoke(app, [*base, "invoices", str(snap), "--snapshot", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert f"{snap}: dry run, nothing written: 2 rows: 0 new, 0 updated, 2 unchanged, 1 closed" in res.stdout
    db = Database(db_url)
    assert invoice(db, "INV-3").status == "open"
    db.close()
