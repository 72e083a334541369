"""Learning of payments by polling: matching, allocation, settlement, reversals, reconciliation."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from bot.config import Config
from bot.db import Database, utcnow
from bot.devtools.stripe_local import LocalStripe
from bot.models import (
    Allocation,
    Cursor,
    Customer,
    Event,
    Note,
    OutboxMessage,
    Payment,
    Promise,
    StripeEvent,
)
from bot.payments import PaymentPoller, apply_payment, customer_still_owes, find_existing_payment
from bot.stripe_events import PaymentFacts
from bot.stripe_gateway import ensure_payment_link
from tests.stripe_support import T0, add_customer, balances, customer_state, open_invoices, queue_dunning


def link_for(db: Database, cfg: Config, ext: str) -> str:
    with db.session() as s:
        c = s.scalar(select(Customer).where(Customer.external_id == ext))
        assert c is not None
        url = ensure_payment_link(s, cfg, c, open_invoices(s, c.id), T0)
    assert url
    return url.rsplit("/", 1)[-1]


def poll(db: Database, cfg: Config, now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    return PaymentPoller(db, cfg).run_once(now or utcnow())


def snapshot(db: Database) -> dict[str, object]:
    with db.session() as s:
        return {
            "payments": sorted((p.external_id, p.customer_id, p.amount_minor, p.unallocated_minor,
                                p.refunded_minor, p.status) for p in s.scalars(select(Payment))),
            "allocations": s.scalar(select(func.count()).select_from(Allocation)),
            "events": s.scalar(select(func.count()).select_from(Event)),
            "notes": s.scalar(select(func.count()).select_from(Note)),
            "outbox": sorted((o.idempotency_key, o.status) for o in s.scalars(select(OutboxMessage))),
        }


def test_full_payment_closes_account_cancels_steps_keeps_promise(pay_db: Database, pay_config: Config,
                                                                  stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        c = add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)], state="promised")
        queue_dunning(s, c.id, "polite")
        s.add(Promise(customer_id=c.id, promised_date=dt.date(2026, 11, 30), amount_minor=None,
                      invoice_numbers=["INV-1"], status="open", created_at=T0))
        other = add_customer(s, "C2", [("INV-9", 500)])
        queue_dunning(s, other.id, "polite")
    link = link_for(pay_db, pay_config, "C1")
    stripe_env.pay_link(link, 12550, email="ap@c1.test")
    stats = poll(pay_db, pay_config)
    assert stats.applied == 1 and stats.duplicates == 1     # checkout + payment intent: one payment
    assert balances(pay_db, "C1") == {"INV-1": (0, "paid"), "INV-2": (0, "paid")}
    assert customer_state(pay_db, "C1") == "closed"
    with pay_db.session() as s:
        rows = {o.customer_id: o.status for o in s.scalars(select(OutboxMessage))}
        assert rows == {c.id: "cancelled", other.id: "pending"}
        assert s.scalar(select(Promise.status)) == "kept"
        p = s.scalar(select(Payment))
        assert p is not None and p.source == "stripe" and p.external_id.startswith("pi_")
        assert p.reference and p.reference.startswith("ch_") and p.status == "succeeded"
        kinds = set(s.scalars(select(Event.kind).where(Event.customer_id == c.id)))
        assert {"payment_received", "state_changed", "steps_cancelled", "promise_kept"} <= kinds
        assert not customer_still_owes(s, c.id)


def test_polling_is_idempotent_and_cursor_persisted(pay_db: Database, pay_config: Config,
                                                    stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)])
    link = link_for(pay_db, pay_config, "C1")
    stripe_env.pay_link(link, 3000)
    first = poll(pay_db, pay_config)
    state1 = snapshot(pay_db)
    again = poll(pay_db, pay_config)
    assert again.applied == 0 and snapshot(pay_db) == state1
    with pay_db.session() as s:
        cur = s.get(Cursor, "stripe_events")
        assert cur is not None and json.loads(cur.value)["created"] == first.cursor
        seen = s.scalar(select(func.count()).select_from(StripeEvent))
    assert seen == 2   # checkout.session.completed and payment_intent.succeeded
    # A new poller (a restart) resumes from the cursor; a second payment in the same second
    # as the first is not skipped.
    stripe_env.pay_link(link, 2000, created=first.cursor)
    later = PaymentPoller(pay_db, pay_config, overlap_seconds=0).run_once(utcnow())
    assert later.applied == 1
    assert balances(pay_db, "C1")["INV-1"] == (5000, "open")


def test_partial_payment_keeps_campaign_step(pay_db: Database, pay_config: Config,
                                             stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        c = add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)])
        c.dunning_step = 2
        queue_dunning(s, c.id, "why_delay")
    stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 4000)
    poll(pay_db, pay_config)
    assert balances(pay_db, "C1") == {"INV-1": (6000, "open"), "INV-2": (2550, "open")}
    assert customer_state(pay_db, "C1") == "active"
    with pay_db.session() as s:
        assert s.scalar(select(OutboxMessage.status)) == "pending"
        assert s.scalar(select(Customer.dunning_step)) == 2


def test_split_payment_over_named_invoices(pay_db: Database, pay_config: Config) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 1000), ("INV-2", 2000), ("INV-3", 3000)])
    facts = PaymentFacts(external_id="pi_split", amount_minor=4500, currency="GBP", date=T0.date(),
                         customer_external_id="C1", invoice_numbers=("INV-3", "INV-2"))
    with pay_db.session() as s:
        res = apply_payment(s, pay_config, facts, T0)
    assert "INV-3" in res.outcome
    # Named first, in the order named; the rest oldest first.
    assert balances(pay_db, "C1") == {"INV-1": (1000, "open"), "INV-2": (500, "open"), "INV-3": (0, "paid")}
    with pay_db.session() as s:
        allocs = [(a.invoice_id, a.amount_minor) for a in s.scalars(select(Allocation).order_by(Allocation.id))]
    assert [a for _i, a in allocs] == [3000, 1500]


def test_overpayment_becomes_credit_with_note(pay_db: Database, pay_config: Config,
                                              stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    link = link_for(pay_db, pay_config, "C1")
    stripe_env.pay_link(link, 10000)
    poll(pay_db, pay_config)
    # The customer pays the same link twice (e.g. two tabs): the second payment is a credit.
    stripe_env.objects[link]["active"] = True
    stripe_env.pay_link(link, 10000)
    poll(pay_db, pay_config)
    with pay_db.session() as s:
        pays = list(s.scalars(select(Payment).order_by(Payment.id)))
        assert [p.unallocated_minor for p in pays] == [0, 10000]
        note = s.scalar(select(Note))
        assert note is not None and note.author_kind == "bot" and "credit" in note.text
        assert s.scalar(select(Event).where(Event.kind == "payment_credit")) is not None
    assert customer_state(pay_db, "C1") == "closed"


def test_refund_reopens_and_notes(pay_db: Database, pay_config: Config, stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)])
    cs = stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 12550)
    poll(pay_db, pay_config)
    assert customer_state(pay_db, "C1") == "closed"
    stripe_env.refund(cs["payment_intent"], 3000)
    poll(pay_db, pay_config)
    # Newest allocation first: INV-2 (2550) then 450 of INV-1.
    assert balances(pay_db, "C1") == {"INV-1": (450, "open"), "INV-2": (2550, "open")}
    assert customer_state(pay_db, "C1") == "active"
    state = snapshot(pay_db)
    poll(pay_db, pay_config)
    assert snapshot(pay_db) == state
    stripe_env.refund(cs["payment_intent"])      # the rest
    poll(pay_db, pay_config)
    assert balances(pay_db, "C1") == {"INV-1": (10000, "open"), "INV-2": (2550, "open")}
    with pay_db.session() as s:
        p = s.scalar(select(Payment))
        assert p is not None and p.status == "refunded" and p.refunded_minor == 12550
        assert s.scalar(select(func.count()).select_from(Note)) == 2


def test_chargeback_reopens_and_won_dispute_reapplies(pay_db: Database, pay_config: Config,
                                                      stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    cs = stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 10000)
    poll(pay_db, pay_config)
    dp = stripe_env.dispute(cs["payment_intent"])
    poll(pay_db, pay_config)
    assert balances(pay_db, "C1") == {"INV-1": (10000, "open")}
    assert customer_state(pay_db, "C1") == "active"
    with pay_db.session() as s:
        p = s.scalar(select(Payment))
        assert p is not None and p.status == "disputed"
        assert s.scalar(select(Event).where(Event.kind == "chargeback")) is not None
    stripe_env.close_dispute(dp["id"], won=True)
    poll(pay_db, pay_config)
    assert balances(pay_db, "C1") == {"INV-1": (0, "paid")}
    assert customer_state(pay_db, "C1") == "closed"


def test_payment_without_metadata_matched_by_email_else_review(pay_db: Database, pay_config: Config,
                                                               stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 500)], email="pay@acme.test")
    stripe_env.pay_without_metadata(10000, "gbp", email="Pay@Acme.test")
    stripe_env.pay_without_metadata(777, "gbp", email="stranger@else.test")
    poll(pay_db, pay_config)
    assert balances(pay_db, "C1") == {"INV-1": (0, "paid"), "INV-2": (500, "open")}
    with pay_db.session() as s:
        pays = {p.amount_minor: p for p in s.scalars(select(Payment))}
        assert pays[10000].details["match"] == "payments.match.email"
        assert pays[777].customer_id is None and pays[777].status == "review"
        ev = s.scalar(select(Event).where(Event.kind == "payment_review"))
        assert ev is not None and "stranger@else.test" in ev.summary


def test_erp_and_stripe_same_payment_counted_once(pay_db: Database, pay_config: Config,
                                                  stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 5000)])
    cs = stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 5000)
    pi = stripe_env.objects[cs["payment_intent"]]
    # The ERP recorded the payment first, with the charge id as its reference.
    with pay_db.session() as s:
        c = s.scalar(select(Customer))
        assert c is not None
        assert find_existing_payment(s, "ERP-PAY-1", pi["latest_charge"]) is None
        s.add(Payment(external_id="ERP-PAY-1", source="import", customer_id=c.id, date=T0.date(),
                      amount_minor=5000, currency="GBP", reference=pi["latest_charge"], unallocated_minor=0,
                      created_at=T0))
    poll(pay_db, pay_config)
    with pay_db.session() as s:
        pays = list(s.scalars(select(Payment)))
        assert len(pays) == 1 and pi["id"] in pays[0].details["stripe_ids"]
        assert pays[0].source == "import" and pays[0].reference == pi["latest_charge"]
        assert s.scalar(select(Event).where(Event.kind == "payment_seen_twice")) is not None
        assert find_existing_payment(s, "ERP-PAY-3", "BACS 0412") is None


def test_erp_reimport_finds_stripe_payment(pay_db: Database, pay_config: Config,
                                           stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    cs = stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 10000)
    poll(pay_db, pay_config)
    with pay_db.session() as s:
        found = find_existing_payment(s, "ERP-77", cs["payment_intent"])
        assert found is not None and found.source == "stripe"
        ch = stripe_env.objects[cs["payment_intent"]]["latest_charge"]
        assert find_existing_payment(s, ch, None) is found


def test_receipt_queued_when_enabled(config_factory, db_url: str, stripe_env: LocalStripe) -> None:  # type: ignore[no-untyped-def]
    from tests.stripe_support import stripe_toml

    cfg = config_factory(db_url, stripe_toml(stripe_env.url, receipts=True))
    db = Database(cfg.database_url)
    with db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    stripe_env.pay_link(link_for(db, cfg, "C1"), 10000)
    poll(db, cfg)
    poll(db, cfg)
    with db.session() as s:
        rows = list(s.scalars(select(OutboxMessage)))
        assert len(rows) == 1 and rows[0].kind == "receipt" and rows[0].status == "pending"
        assert b"Auto-Submitted: auto-generated" in rows[0].raw and rows[0].rcpt_to == ["ap@c1.test"]
    db.close()


def test_reconciliation_wait_and_amount_promise_satisfied(pay_db: Database, pay_config: Config) -> None:
    with pay_db.session() as s:
        a = add_customer(s, "A1", [("INV-A", 5000)], state="awaiting_reconciliation")
        b = add_customer(s, "B1", [("INV-B1", 5000), ("INV-B2", 5000)], state="promised")
        s.add(Promise(customer_id=b.id, promised_date=dt.date(2026, 11, 20), amount_minor=6000, currency="GBP",
                      invoice_numbers=[], status="open", created_at=T0))
        s.add(Promise(customer_id=b.id, promised_date=dt.date(2026, 11, 21), amount_minor=None,
                      invoice_numbers=["INV-B2"], status="open", created_at=T0))
    with pay_db.session() as s:
        apply_payment(s, pay_config, PaymentFacts("pi_a", 5000, "GBP", T0.date(), customer_external_id="A1"), T0)
        apply_payment(s, pay_config, PaymentFacts("pi_b", 6000, "GBP", T0.date(), customer_external_id="B1"), T0)
    assert customer_state(pay_db, "A1") == "closed"
    assert customer_state(pay_db, "B1") == "promised"       # 4000 still owed on INV-B2
    with pay_db.session() as s:
        st = {p.promised_date.day: p.status for p in s.scalars(select(Promise).where(Promise.customer_id == b.id))}
        assert st == {20: "kept", 21: "open"}
        assert a.id is not None


def test_staff_assigns_review_payment(pay_db: Database, pay_config: Config) -> None:
    from bot.payments import PaymentError, assign_payment

    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 1000), ("INV-2", 2000)])
        queue_dunning(s, 1, "polite")
        apply_payment(s, pay_config, PaymentFacts("pi_r", 3000, "GBP", T0.date(), email="x@unknown.test"), T0)
    with pay_db.session() as s:
        res = assign_payment(s, pay_config, "pi_r", "C1", T0, staff="controller")
    assert res.closed
    assert customer_state(pay_db, "C1") == "closed"
    with pay_db.session() as s:
        assert s.scalar(select(OutboxMessage.status)) == "cancelled"
        try:
            assign_payment(s, pay_config, "pi_r", "C1", T0)
            raise AssertionError("assigned twice")
        except PaymentError as exc:
            assert "not awaiting review" in str(exc)


def test_review_payments_and_chargebacks_reach_the_digest(pay_db: Database, pay_config: Config) -> None:
    from bot import digest

    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 1000)])
        apply_payment(s, pay_config, PaymentFacts("pi_unknown", 777, "GBP", T0.date(), email="who@x.test"), T0)
    with pay_db.session() as s:
        d = digest.collect(s, pay_config, T0 + dt.timedelta(hours=1), None)
    items = d.section("payment_review")
    assert len(items) == 1 and "who@x.test" in items[0].summary
    assert "arbot payments assign pi_unknown" in items[0].summary


def test_poll_cancels_left_over_dunning_rows_of_paid_customers(pay_db: Database, pay_config: Config) -> None:
    with pay_db.session() as s:
        c = add_customer(s, "C1", [("INV-1", 1000)])
        owing = add_customer(s, "C2", [("INV-2", 1000)])
        for inv in open_invoices(s, c.id):
            inv.balance_minor, inv.status = 0, "paid"      # settled elsewhere (e.g. ERP import)
        queue_dunning(s, c.id, "stern")
        queue_dunning(s, owing.id, "stern")
    stats = poll(pay_db, pay_config)
    assert stats.cancelled == 1
    with pay_db.session() as s:
        assert {o.customer_id: o.status for o in s.scalars(select(OutboxMessage))} == {
            c.id: "cancelled", owing.id: "pending"}


def test_erp_import_settles_like_stripe(pay_db: Database, pay_config: Config, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.importer import import_payments

    with pay_db.session() as s:
        c = add_customer(s, "C1", [("INV-1", 1000), ("INV-2", 500)], state="promised")
        queue_dunning(s, c.id, "stern")
        s.add(Promise(customer_id=c.id, promised_date=dt.date(2026, 11, 30), invoice_numbers=["INV-1"],
                      status="open", created_at=T0))
    path = tmp_path / "payments.csv"
    path.write_text("payment_id,customer_id,invoice_number,date,amount,currency,reference\n"
                    "ERP-1,C1,INV-1,2026-11-02,10.00,GBP,BACS 1\n", encoding="utf-8")
    import_payments(pay_db, path, now=T0)
    assert customer_state(pay_db, "C1") == "promised"
    with pay_db.session() as s:
        assert s.scalar(select(Promise.status)) == "kept"
        assert s.scalar(select(OutboxMessage.status)) == "pending"
    path.write_text("payment_id,customer_id,invoice_number,date,amount,currency,reference\n"
                    "ERP-2,C1,INV-2,2026-11-03,5.00,GBP,BACS 2\n", encoding="utf-8")
    import_payments(pay_db, path, now=T0)
    assert customer_state(pay_db, "C1") == "closed"
    with pay_db.session() as s:
        assert s.scalar(select(OutboxMessage.status)) == "cancelled"
