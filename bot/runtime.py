"""Wiring the daemon's tasks from a configuration: what ``arbot run`` and the demo start.

Tasks, in cycle order: ``tick`` (queue due campaign steps), ``send`` (drain the outbox),
``mailbox`` (read the AR mailbox and act), ``payments`` (poll Stripe events), ``digest``
(the daily staff digest). The mailbox task runs only when ``[imap] username`` is set;
the payment poller only when Stripe is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import digest, staff
from bot.alerts import alert_queuer
from bot.apply import AnswerQueuer
from bot.config import Config
from bot.daemon import AsyncTask, Clock, PeriodicTask, Task
from bot.db import Database, utcnow
from bot.inbox import Reader, process_message, process_messages
from bot.readpool import ReadPool
from bot.render_api import CustomerInfo, InvoiceInfo, PaymentLinkFn

log = logging.getLogger("arbot.runtime")


def _fmt(obj: object, fields: tuple[str, ...]) -> str:
    parts = [f"{f}={getattr(obj, f)}" for f in fields if getattr(obj, f, 0)]
    return ", ".join(parts) or "nothing to do"


@dataclass
class Runtime:
    """Builds the tasks over one database and configuration, sharing one clock."""

    db: Database
    config: Config
    clock: Clock = utcnow
    reader: Reader | None = None
    answer: AnswerQueuer | None = None
    tasks_built: dict[str, object] = field(default_factory=dict)
    #: Reader processes for a backlog (started on the first big batch; see bot.readpool).
    read_pool: ReadPool = field(default_factory=ReadPool, repr=False)
    # The running sender's loop (continuous mode): producers in worker threads wake it.
    _send_loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)

    def wake_sender(self) -> None:
        """Tell a running sender that rows were queued (thread-safe; no-op in --once mode).

        Without it the sender, idle, slept up to a minute before noticing a freshly
        queued campaign step, copy answer or "immediate" dispute alert.
        """
        loop, sender = self._send_loop, self.tasks_built.get("send")
        if loop is None or sender is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):     # the loop is shutting down
            loop.call_soon_threadsafe(sender.wake)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ processing hook
    def process(self, inbound_id: int) -> None:
        """The mailbox watcher's hook: one stored message, one transaction."""
        process_message(self.db, self.config, inbound_id, self.clock(), reader=self.reader,
                        answer=self.answer or default_answerer(self.config),
                        alert=alert_queuer(self.config), staff=staff.handler(self.config),
                        pool=self.read_pool)
        self.wake_sender()     # an answer, alert or staff confirmation may have been queued

    def process_batch(self, inbound_ids: Sequence[int]) -> None:
        """Several stored messages in one transaction (a backlog); all or nothing."""
        process_messages(self.db, self.config, inbound_ids, self.clock(), reader=self.reader,
                         answer=self.answer or default_answerer(self.config),
                         alert=alert_queuer(self.config), staff=staff.handler(self.config),
                         pool=self.read_pool)

    def backlog_ahead(self, count: int) -> None:
        """The watcher found ``count`` new messages: start the reader processes now (only
        with the default reader; an injected reader is called in this process)."""
        if self.reader is None:
            self.read_pool.warm_up(count)

    def close(self) -> None:
        """Stop the reader processes, if any were started (graceful stop)."""
        self.read_pool.close()

    def mailbox_alert(self, kind: str, summary: str) -> None:
        """Problems staff must fix (bad IMAP password, missing folder): mail them once."""
        from bot import system_mail

        now = self.clock()
        with self.db.session() as s:
            system_mail.queue(s, self.config, key=f"mailbox_alert:{kind}:{now.date().isoformat()}", kind="alert",
                              to=self.config.company.escalation or self.config.company.staff,
                              subject=f"[arbot] mailbox problem: {kind}", text=summary + "\n", now=now)
        self.wake_sender()

    # ------------------------------------------------------------------ tasks
    def tick_task(self) -> Task:
        from bot.render import render_step
        from bot.scheduler import tick

        link = payment_link_fn(self.config)

        def work(now: dt.datetime) -> str:
            from bot.payments import cancel_paid_dunning

            # Rows queued from a read that a payment overtook are never claimed (the
            # sender's claim filter); here they are also marked cancelled, set-based.
            with self.db.session() as s:
                cancelled = cancel_paid_dunning(s, now)
            r = tick(self.db, self.config, now, render=render_step, payment_link=link)
            if r.queued or r.alerts:
                self.wake_sender()
            summary = _fmt(r, ("examined", "queued", "alerts", "escalations", "state_changes", "duplicates"))
            return summary + (f", cancelled for paid accounts={cancelled}" if cancelled else "")

        return PeriodicTask("tick", self.config.daemon.tick_seconds, work, self.clock)

    def send_task(self) -> Task:
        from bot.sender import Sender

        sender = Sender(self.db, self.config, clock=self.clock)
        self.tasks_built["send"] = sender

        async def once(now: dt.datetime) -> str:
            stats = await sender.run_once(now)
            return _fmt(stats, ("claimed", "sent", "retried", "failed", "uncertain", "deferred"))

        async def loop(stop: asyncio.Event) -> None:
            self._send_loop = asyncio.get_running_loop()
            await sender.run(stop)

        return AsyncTask("send", once, loop)

    def mailbox_task(self) -> Task | None:
        if not self.config.imap.username:
            log.info("mailbox: [imap] username not set, not watching a mailbox")
            return None
        from bot.mailbox import MailboxWatcher

        watcher = MailboxWatcher(self.db, self.config, process=self.process, process_batch=self.process_batch,
                                 clock=self.clock, alert=self.mailbox_alert, backlog=self.backlog_ahead)
        self.tasks_built["mailbox"] = watcher

        async def once(now: dt.datetime) -> str:
            r = await asyncio.to_thread(watcher.run_once)
            return _fmt(r, ("stored", "own", "processed", "failed", "moved", "standby"))

        async def loop(stop: asyncio.Event) -> None:
            try:
                await watcher.run(stop)
            finally:
                await asyncio.to_thread(self.close)

        return AsyncTask("mailbox", once, loop)

    def payments_task(self) -> Task | None:
        from bot.stripe_gateway import stripe_client

        if stripe_client(self.config) is None:
            log.info("payments: Stripe not configured, not polling")
            return None
        from bot.payments import PaymentPoller

        poller = PaymentPoller(self.db, self.config)

        def work(now: dt.datetime) -> str:
            return _fmt(poller.run_once(now), ("seen", "applied", "duplicates", "failed"))

        return PeriodicTask("payments", self.config.daemon.payment_poll_seconds, work, self.clock)

    def digest_task(self) -> Task:
        def work(now: dt.datetime) -> str:
            if digest.send_if_due(self.db, self.config, now):
                self.wake_sender()
                return "digest queued"
            return ""

        return PeriodicTask("digest", 60.0, work, self.clock)

    def tasks(self) -> list[Task]:
        built = [self.tick_task(), self.send_task(), self.mailbox_task(), self.payments_task(),
                 self.digest_task()]
        return [t for t in built if t is not None]


def payment_link_fn(config: Config) -> PaymentLinkFn | None:
    """The scheduler's payment-link provider, or None when Stripe is not configured.

    One link per account covering all its open invoices (created once, reused until the
    balance changes; see bot.stripe_gateway). A Stripe failure never blocks the email:
    it is sent without a link and the failure is logged.
    """
    import stripe

    from bot.models import Customer, Invoice
    from bot.stripe_gateway import ensure_payment_link, stripe_client

    client = stripe_client(config)
    if client is None:
        return None

    def link(customer_id: int, *, customer: CustomerInfo, invoices: tuple[InvoiceInfo, ...],
             totals: Mapping[str, int], now: dt.datetime, session: Session) -> str | None:
        row = session.get(Customer, customer_id)
        if row is None:
            return None
        open_invoices = list(session.scalars(select(Invoice).where(
            Invoice.customer_id == customer_id, Invoice.status == "open", Invoice.balance_minor > 0)
            .order_by(Invoice.due_date, Invoice.number)))
        try:
            with session.begin_nested():
                return ensure_payment_link(session, config, row, open_invoices, now, client=client)
        except stripe.StripeError as exc:
            log.warning("payment link for %s not available (%s): sending without", customer.external_id,
                        type(exc).__name__)
            return None

    return link


def default_answerer(config: Config) -> AnswerQueuer | None:
    """Copy answers (invoice PDFs, statement) rendered from the ``copy`` templates."""
    try:
        from bot.answers import answer_queuer
    except ImportError:  # pragma: no cover - answers module not installed
        return None
    return answer_queuer(config)
