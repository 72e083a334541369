"""The tick and the plan against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.config import Config
from bot.db import Database
from bot.models import Contact, Customer, Event, Invoice, OutboxMessage
from bot.render_api import RenderedEmail, StepRenderContext
from bot.scheduler import fallback_render, plan, tick

REPO = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def at(day: str, hour: int = 10) -> dt.datetime:
    """``day`` at ``hour``:00 London time, as aware UTC."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=LONDON).astimezone(dt.UTC)


def add_customer(s: Any, ext: str, *, emails: tuple[str, ...] = (), bounced: tuple[str, ...] = (),
                 **kw: Any) -> Customer:
    fields: dict[str, Any] = {"tags": [], "excluded": False, "state": "active", "dunning_cycle": 0, **kw}
    c = Customer(external_id=ext, name=f"Customer {ext}", created_at=T0, updated_at=T0, **fields)
    s.add(c)
    s.flush()
    for n, addr in enumerate(emails):
        s.add(Contact(customer_id=c.id, email=addr, is_primary=(n == 0), bounced=addr in bounced,
                      proposed=False, source="import", created_at=T0))
    return c


def add_invoice(s: Any, cust: Customer, number: str, due: str, amount: int, *, status: str = "open",
                balance: int | None = None, disputed: bool = False, currency: str = "GBP") -> Invoice:
    d = dt.date.fromisoformat(due)
    inv = Invoice(number=number, customer_id=cust.id, kind="invoice", issue_date=d - dt.timedelta(days=30),
                  due_date=d, total_minor=amount, balance_minor=amount if balance is None else balance,
                  currency=currency, status=status, disputed=disputed, created_at=T0, updated_at=T0)
    s.add(inv)
    return inv


@pytest.fixture
def setup(db_url: str, config_factory: Callable[..., Config]) -> tuple[Database, Config]:
    cfg = config_factory(db_url)
    db = Database(cfg.database_url)
    yield db, cfg
    db.close()


def outbox(db: Database) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def counts(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
                s.scalar(select(func.count()).select_from(Event)) or 0)


def month_ledger(db: Database) -> None:
    with db.session() as s:
        c1 = add_customer(s, "C1", emails=("ap@acme.test", "old@acme.test"), bounced=("old@acme.test",))
        add_invoice(s, c1, "INV-1", "2026-03-02", 120000)
        add_invoice(s, c1, "INV-2", "2026-03-10", 5000, balance=2500)   # partially paid
        add_invoice(s, c1, "INV-P", "2026-02-01", 9900, status="paid", balance=0)
        add_invoice(s, c1, "INV-D", "2026-02-15", 7700, disputed=True)
        c2 = add_customer(s, "C2", emails=("ap@beta.test",))
        add_invoice(s, c2, "INV-9", "2026-02-20", 1000, status="void", balance=0)
        add_invoice(s, c2, "INV-10", "2026-02-20", 1000, disputed=True)


EXPECTED_MONTH = [  # (date of the tick, step, invoices)
    ("2026-02-27", "reminder", ["INV-1"]),
    ("2026-03-02", "due_today", ["INV-1"]),
    ("2026-03-05", "polite", ["INV-1"]),
    ("2026-03-12", "why_delay", ["INV-1", "INV-2"]),
    ("2026-03-23", "concerned", ["INV-1", "INV-2"]),   # +20 is Sunday 22nd: next weekday
    ("2026-04-01", "stern", ["INV-1", "INV-2"]),
    ("2026-04-16", "final_notice", ["INV-1", "INV-2"]),
]


def test_month_of_ticks_queues_each_step_once(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    day = dt.date(2026, 2, 20)
    while day <= dt.date(2026, 5, 10):
        for hour in (7, 10, 16):            # several ticks a day, one before the send window
            tick(db, cfg, at(day.isoformat(), hour), render=fallback_render)
        day += dt.timedelta(days=1)
    rows = [r for r in outbox(db) if r.kind == "dunning"]
    got = [(r.created_at.astimezone(LONDON).date().isoformat(), r.step, r.invoice_numbers) for r in rows]
    assert got == EXPECTED_MONTH
    assert all(r.customer_id == rows[0].customer_id for r in rows)   # C2 has nothing to chase
    assert {r.idempotency_key for r in rows} == {f"dunning:{rows[0].customer_id}:default:{s}:0"
                                                 for _, s, _ in EXPECTED_MONTH}
    alerts = [r for r in outbox(db) if r.kind == "alert"]
    assert len(alerts) == 1 and alerts[0].rcpt_to == ["collections@northwind.test"]
    # Every message is real, sendable MIME with the headers the sender and mailbox rely on.
    for r in rows:
        msg = email.message_from_bytes(r.raw, policy=email.policy.default)
        assert msg["Message-ID"] == r.message_id and r.message_id.endswith("@northwind.test>")
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg["X-Arbot-Token"] == r.reply_token and len(r.reply_token) >= 16
        assert msg["Reply-To"] == f"ar+{r.reply_token}@northwind.test"
        assert msg["Date"] and msg["To"] == "ap@acme.test" and r.rcpt_to == ["ap@acme.test"]
        assert "INV-P" not in r.invoice_numbers and "INV-D" not in r.invoice_numbers
    with db.session() as s:
        c1 = s.scalar(select(Customer).where(Customer.external_id == "C1"))
        assert c1.state == "in_collections" and c1.dunning_step == 6 and c1.dunning_cycle == 0
        kinds = [e.kind for e in s.scalars(select(Event).where(Event.customer_id == c1.id).order_by(Event.id))]
        assert kinds.count("step_queued") == 7 and "escalation" in kinds and "state_changed" in kinds
        handover = s.scalar(select(Event).where(Event.kind == "state_changed", Event.customer_id == c1.id))
        assert "active -> in_collections on final_step_sent" in handover.summary   # what the digest reads
        ev = s.scalar(select(Event).where(Event.kind == "step_queued").order_by(Event.id))
        assert ev.rule == "step.reminder" and ev.evidence["campaign"] == "default"
        assert ev.evidence["message_id"] == rows[0].message_id


def test_same_now_twice_queues_nothing_new(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    first = tick(db, cfg, at("2026-03-05"), render=fallback_render)
    assert first.queued == 1
    before = counts(db)
    second = tick(db, cfg, at("2026-03-05"), render=fallback_render)
    assert second.queued == 0 and counts(db) == before


def test_catch_up_after_downtime_sends_one_email(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    tick(db, cfg, at("2026-02-27"), render=fallback_render)           # reminder
    res = tick(db, cfg, at("2026-03-25"), render=fallback_render)     # down for almost a month
    assert res.queued == 1
    assert [r.step for r in outbox(db)] == ["reminder", "concerned"]


def test_crash_in_a_chunk_leaves_it_unwritten_and_rerun_completes(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    with db.session() as s:
        for n in range(3):
            c = add_customer(s, f"K{n}", emails=(f"ap@k{n}.test",))
            add_invoice(s, c, f"K-{n}", "2026-03-02", 1000 + n)
    calls: list[str] = []

    class SimulatedCrash(BaseException):
        """Like the process dying mid-chunk: nothing catches it."""

    def crashing(ctx: StepRenderContext) -> RenderedEmail:
        calls.append(ctx.customer.external_id)
        if ctx.customer.external_id == "K1":
            raise SimulatedCrash()
        return fallback_render(ctx)

    with pytest.raises(SimulatedCrash):
        tick(db, cfg, at("2026-03-05"), render=crashing, chunk_size=1)
    rows = outbox(db)
    assert [r.invoice_numbers for r in rows] == [["K-0"]]
    with db.session() as s:
        k1 = s.scalar(select(Customer).where(Customer.external_id == "K1"))
        assert k1.dunning_step is None and k1.last_dunning_at is None
        assert s.scalar(select(func.count()).select_from(Event).where(Event.customer_id == k1.id)) == 0
    res = tick(db, cfg, at("2026-03-05"), render=fallback_render, chunk_size=1)
    assert res.queued == 2
    assert sorted(r.invoice_numbers[0] for r in outbox(db)) == ["K-0", "K-1", "K-2"]


def test_held_excluded_and_undeliverable_get_nothing(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    with db.session() as s:
        a = add_customer(s, "H", emails=("a@h.test",), hold_until=dt.date(2026, 3, 20))
        add_invoice(s, a, "H-1", "2026-03-02", 1000)
        b = add_customer(s, "X", emails=("a@x.test",), excluded=True)
        add_invoice(s, b, "X-1", "2026-03-02", 1000)
        c = add_customer(s, "B", emails=("gone@b.test",), bounced=("gone@b.test",))
        add_invoice(s, c, "B-1", "2026-03-02", 1000)
        d = add_customer(s, "P", emails=("a@p.test",), state="promised",
                         state_until=at("2026-03-10"))
        add_invoice(s, d, "P-1", "2026-03-02", 1000)
    res = tick(db, cfg, at("2026-03-05"), render=fallback_render)
    assert res.queued == 0 and res.skipped["contact.none_deliverable"] == 1
    res = tick(db, cfg, at("2026-03-16"), render=fallback_render)   # pause (promise + grace) ended 10th
    assert [r.invoice_numbers for r in outbox(db)] == [["P-1"]]
    assert res.state_changes == 1
    res = tick(db, cfg, at("2026-03-20"), render=fallback_render)   # hold ends
    assert [r.invoice_numbers for r in outbox(db)][-1] == ["H-1"]


def _run_cli(cfg: Config, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "bot", "-c", str(cfg.source_path), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_plan_json_shape_and_writes_nothing(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    with db.session() as s:
        snapshot = [(c.id, c.state, c.dunning_step, c.last_dunning_at) for c in s.scalars(select(Customer))]
    before = counts(db)
    proc = _run_cli(cfg, "plan", "--json", "--days", "14", "--now", "2026-02-27T08:00")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data == [
        {"date": "2026-02-27", "customer_id": "C1", "step": "reminder", "invoices": ["INV-1"],
         "to": ["ap@acme.test"], "amount": {"GBP": "1200.00"}},
        {"date": "2026-03-02", "customer_id": "C1", "step": "due_today", "invoices": ["INV-1"],
         "to": ["ap@acme.test"], "amount": {"GBP": "1200.00"}},
        {"date": "2026-03-05", "customer_id": "C1", "step": "polite", "invoices": ["INV-1"],
         "to": ["ap@acme.test"], "amount": {"GBP": "1200.00"}},
        {"date": "2026-03-12", "customer_id": "C1", "step": "why_delay", "invoices": ["INV-1", "INV-2"],
         "to": ["ap@acme.test"], "amount": {"GBP": "1225.00"}},
    ]
    assert counts(db) == before
    with db.session() as s:
        assert [(c.id, c.state, c.dunning_step, c.last_dunning_at) for c in s.scalars(select(Customer))] \
            == snapshot
    # The plan is the tick's own decisions: ticking through the same days queues the same emails.
    for n in range(14):
        tick(db, cfg, at((dt.date(2026, 2, 27) + dt.timedelta(days=n)).isoformat()), render=fallback_render)
    assert [(r.step, r.invoice_numbers) for r in outbox(db) if r.kind == "dunning"] == \
        [(d["step"], d["invoices"]) for d in data]


def test_plan_amount_includes_joined_invoices(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    tick(db, cfg, at("2026-03-05"), render=fallback_render)      # polite sent
    emails = plan(db, cfg, at("2026-03-11"), days=3)
    assert [(e.step, e.invoices) for e in emails] == [("why_delay", ("INV-1", "INV-2"))]
    assert emails[0].as_json()["amount"] == {"GBP": "1225.00"}


def test_tick_cli_prints_counts(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    proc = _run_cli(cfg, "tick", "--now", "2026-03-05T10:00", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["queued"] == 1 and out["dry_run"] is False
    assert len(outbox(db)) == 1


def test_sql_prefilter_never_drops_a_due_account(setup: tuple[Database, Config]) -> None:
    """The "next step cannot be due yet" SQL narrowing gives exactly the engine's decisions."""
    import random

    db, cfg = setup
    rnd = random.Random(7)
    steps = [s.offset_days for s in cfg.campaigns["default"].steps]
    with db.session() as s:
        for n in range(120):
            c = add_customer(s, f"R{n}", emails=(f"ap@r{n}.test",),
                             timezone=rnd.choice([None, "America/New_York", "Asia/Tokyo", "Pacific/Auckland"]))
            dues = []
            for k in range(rnd.randint(1, 4)):
                due = dt.date(2026, 3, 1) + dt.timedelta(days=rnd.randint(-70, 20))
                status = rnd.choice(["open", "open", "paid"])
                add_invoice(s, c, f"R{n}-{k}", due.isoformat(), rnd.randint(100, 90000), status=status,
                            balance=0 if status == "paid" else None, disputed=rnd.random() < 0.1)
                dues.append(due)
            if rnd.random() < 0.8:
                i = rnd.randrange(len(steps))
                c.dunning_step = i
                c.dunning_cycle = rnd.randint(0, 2)
                c.last_dunning_at = at((min(dues) + dt.timedelta(days=steps[i] + rnd.randint(-5, 5))).isoformat())
    key = lambda e: (e.customer_id, e.step, e.cycle, e.invoices, e.rule)
    seen = 0
    for day in range(0, 40, 3):
        for hour in (1, 10, 15, 22):
            now = at((dt.date(2026, 2, 20) + dt.timedelta(days=day)).isoformat(), hour)
            wide = tick(db, cfg, now, dry_run=True, prefilter=False)
            narrow = tick(db, cfg, now, dry_run=True)
            assert sorted(map(key, narrow.planned)) == sorted(map(key, wide.planned)), now
            assert narrow.examined <= wide.examined
            seen += len(wide.planned)
        tick(db, cfg, now.replace(hour=11), render=fallback_render)
    assert seen > 50


def test_fallback_message_with_non_ascii_names_parses_back(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    with db.session() as s:
        c = add_customer(s, "U1", emails=("compta@societe.test",))
        c.name = "Société Générale d'Électricité Ñandú GmbH & Co. KG — Zürich"
        add_invoice(s, c, "FA-2026-001", "2026-03-02", 123456, currency="EUR")
    tick(db, cfg, at("2026-03-05"), render=fallback_render)
    (row,) = outbox(db)
    msg = email.message_from_bytes(row.raw, policy=email.policy.default)
    assert "\r\n" in row.raw.decode("ascii") and row.raw.isascii()
    body = msg.get_content()
    assert "Société Générale d'Électricité Ñandú" in body and "FA-2026-001" in body and "1234.56" in body
    assert msg["Message-ID"] == row.message_id and msg["X-Arbot-Token"] == row.reply_token


def test_plan_table_output(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    month_ledger(db)
    proc = _run_cli(cfg, "plan", "--days", "7", "--now", "2026-02-27T08:00")
    assert proc.returncode == 0, proc.stderr
    assert "reminder" in proc.stdout and "due_today" in proc.stdout and "nothing was sent" in proc.stdout
    assert counts(db) == (0, 0)


def test_account_changed_while_rendering_is_left_for_the_next_tick(setup: tuple[Database, Config]) -> None:
    """Rendering happens outside the transaction: a payment arriving meanwhile wins."""
    db, cfg = setup
    with db.session() as s:
        for n in range(2):
            c = add_customer(s, f"S{n}", emails=(f"ap@s{n}.test",))
            add_invoice(s, c, f"S-{n}", "2026-03-02", 1000)
            add_invoice(s, c, f"S-{n}b", "2026-03-03", 500)

    def paying_renderer(ctx: StepRenderContext) -> RenderedEmail:
        if ctx.customer.external_id == "S1":
            with db.session() as s2:    # another writer (an import, a Stripe event) in the meantime
                inv = s2.scalar(select(Invoice).where(Invoice.number == "S-1"))
                inv.status, inv.balance_minor = "paid", 0
        return fallback_render(ctx)

    res = tick(db, cfg, at("2026-03-05"), render=paying_renderer)
    assert res.queued == 1 and res.stale == 1
    assert [r.invoice_numbers for r in outbox(db)] == [["S-0", "S-0b"]]
    with db.session() as s:
        s1 = s.scalar(select(Customer).where(Customer.external_id == "S1"))
        assert s1.dunning_step is None
    res = tick(db, cfg, at("2026-03-05", 11), render=fallback_render)
    assert res.queued == 1 and [r.invoice_numbers for r in outbox(db)][-1] == ["S-1b"]


def test_parallel_rendering_queues_the_same_emails(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    with db.session() as s:
        for n in range(12):
            c = add_customer(s, f"W{n}", emails=(f"ap@w{n}.test",))
            add_invoice(s, c, f"W-{n}", "2026-03-02", 1000 + n)
    res = tick(db, cfg, at("2026-03-05"), render=fallback_render, render_workers=2, chunk_size=5)
    assert res.queued == 12
    rows = outbox(db)
    assert sorted(r.invoice_numbers[0] for r in rows) == sorted(f"W-{n}" for n in range(12))
    for r in rows:
        msg = email.message_from_bytes(r.raw, policy=email.policy.default)
        assert msg["Message-ID"] == r.message_id and msg["X-Arbot-Token"] == r.reply_token
        assert r.invoice_numbers[0] in msg.get_content()


def test_payment_link_provider_gets_a_session_and_its_url_reaches_the_email(
        setup: tuple[Database, Config]) -> None:
    from bot.models import Cursor

    db, cfg = setup
    month_ledger(db)
    calls: list[tuple[int, tuple[str, ...], dict[str, int]]] = []

    def link(customer_id: int, *, customer: Any, invoices: Any, totals: Any, now: dt.datetime,
             session: Any) -> str | None:
        calls.append((customer_id, tuple(i.number for i in invoices), dict(totals)))
        session.merge(Cursor(name=f"link:{customer_id}", value="pl_1", updated_at=now))   # stored by the provider
        return f"https://pay.example.test/{customer.external_id}"

    res = tick(db, cfg, at("2026-03-05"), render=fallback_render, payment_link=link)
    assert res.queued == 1
    assert calls == [(calls[0][0], ("INV-1",), {"GBP": 120000})]
    (row,) = outbox(db)
    assert "https://pay.example.test/C1" in email.message_from_bytes(
        row.raw, policy=email.policy.default).get_content()
    with db.session() as s:
        assert s.get(Cursor, f"link:{calls[0][0]}") is not None


def test_an_account_the_renderer_refuses_waits_and_the_others_go_ahead(setup: tuple[Database, Config]) -> None:
    db, cfg = setup
    with db.session() as s:
        for n in range(3):
            c = add_customer(s, f"E{n}", emails=(f"ap@e{n}.test",))
            add_invoice(s, c, f"E-{n}", "2026-03-02", 1000 + n)

    def picky(ctx: StepRenderContext) -> RenderedEmail:
        if ctx.customer.external_id == "E1":
            raise ValueError("template polite.fr.txt line 3: 'contact' is undefined")
        return fallback_render(ctx)

    for hour in (10, 11):
        res = tick(db, cfg, at("2026-03-05", hour), render=picky)
        assert res.render_failed == 1
    assert sorted(r.invoice_numbers[0] for r in outbox(db)) == ["E-0", "E-2"]
    with db.session() as s:
        e1 = s.scalar(select(Customer).where(Customer.external_id == "E1"))
        assert e1.dunning_step is None
        events = list(s.scalars(select(Event).where(Event.customer_id == e1.id)))
        assert [e.kind for e in events] == ["render_failed"]          # once a day, not every tick
        assert "polite.fr.txt line 3" in events[0].summary
    res = tick(db, cfg, at("2026-03-05", 12), render=fallback_render)  # template fixed
    assert res.queued == 1 and res.render_failed == 0
