"""Foundation CLI: aging, customers, show, note, hold, release, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Config
from bot.db import Database
from bot.models import Event, Note
from tests.factories import LedgerBuilder

D = dt.date


@pytest.fixture
def ledger(db_url: str, config_factory: Callable[..., Config]) -> tuple[Config, Database]:
    cfg = config_factory(db_url)
    db = Database(cfg.database_url)
    with db.session() as s:
        b = LedgerBuilder(s)
        acme = b.customer("C001", "Acme Ltd", email="ap@acme.example")
        b.invoice(acme, "INV-1", due=D(2026, 11, 30), amount="100.00")                      # current
        b.invoice(acme, "INV-2", due=D(2026, 11, 13), amount="1000.00",
                  balance="250.50")                                                           # 10 days: 1-30
        b.invoice(acme, "INV-3", due=D(2026, 9, 1), amount="75.00", disputed=True)            # 83 days: 61-90
        b.invoice(acme, "INV-4", due=D(2026, 1, 1), amount="10.00", status="paid", balance="0")
        globex = b.customer("C002", "Globex SA", email="compta@globex.example", currency="EUR")
        b.invoice(globex, "F-9", due=D(2026, 7, 1), amount="999.99", currency="EUR")          # 145 days: 90+
        b.invoice(globex, "F-10", due=D(2026, 10, 24), amount="10.00", currency="EUR")        # exactly 30: 1-30
        b.invoice(globex, "F-11", due=D(2026, 10, 23), amount="20.00", currency="EUR")        # 31: 31-60
    return cfg, db


def run(cfg: Config, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["--config", str(cfg.source_path), *args])
    return res.exit_code, res.output


def test_aging_json_exact_shape_and_buckets(ledger: tuple[Config, Database]) -> None:
    cfg, _ = ledger
    code, out = run(cfg, "aging", "--json", "--now", "2026-11-23")
    assert code == 0, out
    data = json.loads(out)
    assert data["as_of"] == "2026-11-23"
    assert data["buckets"] == {
        "current": {"EUR": "0.00", "GBP": "100.00"},
        "1-30": {"EUR": "10.00", "GBP": "250.50"},
        "31-60": {"EUR": "20.00", "GBP": "0.00"},
        "61-90": {"EUR": "0.00", "GBP": "75.00"},
        "90+": {"EUR": "999.99", "GBP": "0.00"},
    }
    assert data["disputed"] == {"GBP": "75.00"}
    ids = [c["customer_id"] for c in data["customers"]]
    assert ids == ["C001", "C002"]
    acme = data["customers"][0]
    assert acme["name"] == "Acme Ltd"
    assert acme["buckets"]["61-90"] == {"EUR": "0.00", "GBP": "75.00"}
    assert acme["disputed"] == {"GBP": "75.00"}


def test_aging_csv_and_table(ledger: tuple[Config, Database]) -> None:
    cfg, _ = ledger
    code, out = run(cfg, "aging", "--csv", "--now", "2026-11-23")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "customer_id,name,currency,current,1-30,31-60,61-90,90+,total,disputed"
    assert "C002,Globex SA,EUR,0.00,10.00,20.00,0.00,999.99,1029.99,0.00" in lines
    code, out = run(cfg, "aging", "--now", "2026-11-23")
    assert code == 0 and "Acme Ltd" in out


def test_customers_and_show(ledger: tuple[Config, Database]) -> None:
    cfg, _ = ledger
    code, out = run(cfg, "customers", "--json", "--now", "2026-11-23")
    assert code == 0
    rows = {r["customer_id"]: r for r in json.loads(out)}
    assert rows["C001"]["open_balance"] == {"GBP": "425.50"}
    assert rows["C001"]["overdue_balance"] == {"GBP": "325.50"}
    assert rows["C002"]["oldest_days_overdue"] == 145
    code, out = run(cfg, "show", "C001", "--json", "--now", "2026-11-23")
    assert code == 0
    d = json.loads(out)
    assert [i["number"] for i in d["open_invoices"]] == ["INV-3", "INV-2", "INV-1"]
    assert d["contacts"][0]["email"] == "ap@acme.example"
    code, out = run(cfg, "show", "NOPE")
    assert code == 2 and "no customer with id 'NOPE'" in out


def test_note_hold_release_write_timeline(ledger: tuple[Config, Database]) -> None:
    cfg, db = ledger
    assert run(cfg, "note", "INV-2", "Customer called: cheque next week", "--now", "2026-11-23")[0] == 0
    assert run(cfg, "note", "C002", "Key account", "--now", "2026-11-23")[0] == 0
    code, out = run(cfg, "note", "ZZZ", "x")
    assert code == 2 and "no customer or invoice named 'ZZZ'" in out
    assert run(cfg, "hold", "C001", "--until", "2026-12-15", "--now", "2026-11-23")[0] == 0
    code, out = run(cfg, "hold", "C001", "--until", "15/12/2026")
    assert code == 2 and "--until: not an ISO date" in out
    code, out = run(cfg, "hold", "C001", "--until", "2026-11-01", "--now", "2026-11-23")
    assert code == 2 and "not in the future" in out
    _, out = run(cfg, "show", "C001", "--json", "--now", "2026-11-23")
    d = json.loads(out)
    assert d["hold_until"] == "2026-12-15"
    assert d["notes"][0]["invoice"] == "INV-2"
    assert run(cfg, "release", "C001", "--now", "2026-11-24")[0] == 0
    with db.session() as s:
        kinds = [e.kind for e in s.query(Event).order_by(Event.id)]
        assert kinds == ["note_added", "note_added", "hold", "release"]
        assert s.query(Note).count() == 2
    _, out = run(cfg, "show", "C001", "--json")
    assert json.loads(out)["hold_until"] is None


def test_bad_now_is_one_line_error(ledger: tuple[Config, Database]) -> None:
    cfg, _ = ledger
    code, out = run(cfg, "aging", "--now", "yesterday")
    assert code == 2 and "--now: not an ISO date or datetime" in out


def test_missing_config_is_clear(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(app, ["--config", str(tmp_path / "nope.toml"), "aging"])
    assert res.exit_code == 2 and "config file not found" in res.output
