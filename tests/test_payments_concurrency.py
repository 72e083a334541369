"""A payment landing while the tick and the sender run never lets a paid customer get the next step.

Thread "tick+send" loops: queue the customer's next dunning step if (by its own, possibly
stale, read) the customer still owes, then claim pending rows with the sender's own claim (:func:`bot.outbox.claim`, which
filters with :func:`bot.owed.claimable_outbox_clause`) and "send" them. Thread "payment" applies the
Stripe payment mid-way. Contract checked: no claim that started after the payment committed
contains the paid customer's dunning email, and afterwards none of its dunning rows is pending.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from bot import outbox
from bot.config import Config
from bot.db import Database, utcnow
from bot.devtools.stripe_local import LocalStripe
from bot.models import Customer, OutboxMessage
from bot.payments import apply_event_once, cancel_paid_dunning, customer_still_owes
from bot.stripe_gateway import stripe_client
from tests.stripe_support import add_customer, queue_dunning
from tests.test_payments import link_for

ROUNDS = 60


def claim(db: Database, limit: int = 10) -> list[tuple[int, int | None]]:
    """The sender's real claim (:func:`bot.outbox.claim`), then "sent"."""
    now = utcnow()
    got = outbox.claim(db, "test-sender", limit, now)
    with db.session() as s:
        outbox.mark_sent(s, [m.id for m in got], now)
    return [(m.id, m.customer_id) for m in got]


def test_payment_during_tick_cancels_and_never_sends(pay_db: Database, pay_config: Config,
                                                     stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        paid = add_customer(s, "C1", [("INV-1", 10000)]).id
        other = add_customer(s, "C2", [("INV-2", 5000)]).id
    stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 10000)
    event = next(e for e in stripe_env.events if e["type"] == "checkout.session.completed")
    client = stripe_client(pay_config)

    paid_flag = threading.Event()
    claims_after: list[tuple[int, int | None]] = []
    errors: list[BaseException] = []

    def tick_and_send() -> None:
        try:
            for i in range(ROUNDS):
                # A planner reads, then writes in a later transaction: its read may be stale.
                with pay_db.session() as s:
                    due = [cid for cid in (paid, other) if customer_still_owes(s, cid)]
                time.sleep(0.002)
                with pay_db.session() as s:
                    for cid in due:
                        queue_dunning(s, cid, f"step{i}")
                started_after_payment = paid_flag.is_set()
                got = claim(pay_db)
                if started_after_payment:
                    claims_after.extend(got)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def payment() -> None:
        try:
            time.sleep(0.05)
            result = apply_event_once(pay_db, pay_config, event, utcnow(), client=client)
            assert result is not None and result.closed
            paid_flag.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=tick_and_send), threading.Thread(target=payment)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert paid_flag.is_set()
    # The sender's housekeeping clears rows a tick queued from a read older than the payment.
    with pay_db.session() as s:
        cancel_paid_dunning(s, utcnow())
    assert [c for _id, c in claims_after if c == paid] == []
    assert any(c == other for _id, c in claims_after), "the race window was not exercised"
    with pay_db.session() as s:
        statuses = list(s.scalars(select(OutboxMessage.status).where(OutboxMessage.customer_id == paid)))
        assert "pending" not in statuses and "sending" not in statuses
        assert s.scalar(select(Customer.state).where(Customer.id == paid)) == "closed"


def test_same_payment_from_webhook_and_poller_at_once(pay_db: Database, pay_config: Config,
                                                       stripe_env: LocalStripe) -> None:
    """Both events of one payment (and each twice), applied by four threads at once: one payment."""
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 6000)
    events = [e for e in stripe_env.events if e["type"] in ("checkout.session.completed",
                                                            "payment_intent.succeeded")]
    client = stripe_client(pay_config)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def deliver(ev: dict) -> None:
        try:
            barrier.wait(timeout=30)
            apply_event_once(pay_db, pay_config, ev, utcnow(), client=client)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(ev,)) for ev in events * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with pay_db.session() as s:
        from sqlalchemy import func

        from bot.models import Allocation, Payment, StripeEvent

        assert s.scalar(select(func.count()).select_from(Payment)) == 1
        assert s.scalar(select(func.count()).select_from(StripeEvent)) == 2
        assert s.scalar(select(func.sum(Allocation.amount_minor))) == 6000
