"""The outbox sender: drains pre-serialised emails over persistent SMTP connections.

Shape (one asyncio task group per drain)::

    claimer --(claimed rows, bounded queue)--> N connection workers --(outcomes)--> journal
                                                                                       |
    SQLite / PostgreSQL  <--- one writer: claims, hand-over marks, outcomes, grouped ----+

* N = ``smtp.connections`` workers, each owning one persistent aiosmtplib connection,
  reused across messages, reopened after a drop; this bounds concurrency.
* Per recipient domain a token bucket (``smtp.per_domain_per_minute``, per process): a row
  whose domain has no token left is handed back to ``pending`` with ``next_attempt_at``
  set to its slot, without counting an attempt.
* Crash safety (see docs/sending.md): a row is ``sending`` (committed) before its SMTP
  transaction starts; the hand-over mark (``sent_at`` on a ``sending`` row) is committed
  after the DATA command is written and before the message content is; ``sent`` is
  committed after the server's 250, grouped with other outcomes. Database work is
  grouped into few transactions (group commit), never ahead of the SMTP facts.
* Outcomes: 2xx sent; 4xx, timeouts and drops before the content was written are retried
  with capped exponential backoff and jitter until ``retry_lifetime_hours`` after the row
  was created, then failed; 5xx failed after one attempt (recipient refusals flag the
  contact and escalate); a drop or timeout after the content was written is ``uncertain``
  and put before staff, never resent automatically.

The send path never parses the message: it reads the raw bytes and writes them (dot-
stuffed, as aiosmtplib's own ``data()`` does) to the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import random
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import aiosmtplib
from aiosmtplib.protocol import normalize_message_line_endings
from sqlalchemy import Connection, Table, and_, func, insert, select, update
from sqlalchemy.orm import Session

from bot import outbox
from bot.config import Config, SmtpConfig, secret
from bot.db import Database, utcnow
from bot.models import Contact, Event, OutboxMessage
from bot.outbox import ClaimedMessage

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

#: the longest any retry waits, whatever the attempt count
RETRY_CAP_SECONDS = 3600.0
#: a worker's ``sending`` row older than this is presumed abandoned (see :func:`lease_for`)
MIN_LEASE_SECONDS = 600.0


# ---------------------------------------------------------------------------- results


@dataclass
class SendStats:
    """What one drain did. ``recovered_*`` count other (dead) workers' rows resolved."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    deferred: int = 0               # handed back by the per-domain rate limit
    partial: int = 0                # sent, but some recipients refused
    recovered_pending: int = 0
    recovered_uncertain: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def add(self, other: SendStats) -> None:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)


@dataclass(frozen=True)
class Refusal:
    recipient: str
    code: int
    message: str


@dataclass(frozen=True)
class Outcome:
    """The SMTP verdict on one message (pure data; applied by the journal)."""

    verdict: str                    # sent | retry | failed | uncertain | lost (claim taken over)
    error: str = ""
    refused: tuple[Refusal, ...] = ()   # permanent recipient refusals (flag contacts)
    soft_refused: tuple[Refusal, ...] = ()  # temporary refusals on a message sent to others


# ---------------------------------------------------------------------------- policies


def retry_delay(attempts: int, base: float, rng: random.Random) -> float:
    """Backoff before attempt ``attempts + 1``: base * 2^(attempts-1), capped, +-20% jitter."""
    delay = min(max(RETRY_CAP_SECONDS, base), base * (2.0 ** min(30, max(0, attempts - 1))))
    return delay * rng.uniform(0.8, 1.2)


def next_retry_at(msg: ClaimedMessage, now: dt.datetime, smtp: SmtpConfig,
                  rng: random.Random) -> dt.datetime | None:
    """When to try ``msg`` again, or None when its retry lifetime is over (then: failed).

    The last try is placed at the end of the lifetime rather than skipped.
    """
    deadline = msg.created_at + dt.timedelta(hours=smtp.retry_lifetime_hours)
    if now >= deadline:
        return None
    at = now + dt.timedelta(seconds=retry_delay(msg.attempts, smtp.retry_base_seconds, rng))
    return min(at, deadline)


def lease_for(smtp: SmtpConfig) -> dt.timedelta:
    """How long a ``sending`` row may stay claimed before another worker presumes it abandoned.

    A live worker never holds a row that long: every SMTP command has ``timeout_seconds``
    and a transaction is a handful of commands, and rows wait at most a short queue.
    """
    return dt.timedelta(seconds=max(MIN_LEASE_SECONDS, 20 * smtp.timeout_seconds))


def recipient_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower() or "(none)"


class DomainLimiter:
    """Token buckets per recipient domain: ``per_minute`` per domain, burst of the same size.

    Time comes from the caller (``now``), so injected clocks drive it in tests.
    ``defer_until`` spreads messages that found the bucket empty over the next free slots.
    """

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._tokens: dict[str, float] = {}
        self._stamp: dict[str, dt.datetime] = {}
        self._next_slot: dict[str, dt.datetime] = {}

    def _refill(self, domain: str, now: dt.datetime) -> float:
        last = self._stamp.get(domain)
        tokens = self._tokens.get(domain, self.capacity)
        if last is not None and now > last:
            tokens = min(self.capacity, tokens + (now - last).total_seconds() * self.rate)
        self._stamp[domain] = max(now, last) if last else now
        self._tokens[domain] = tokens
        return tokens

    def try_take(self, domains: Sequence[str], now: dt.datetime) -> dt.datetime | None:
        """Take one token from every domain and return None, or return when to retry."""
        short = [d for d in domains if self._refill(d, now) < 1.0 - 1e-9]
        if not short:
            for d in domains:
                self._tokens[d] -= 1.0
            return None
        later = now
        for d in short:
            wait = (1.0 - self._tokens[d]) / self.rate
            slot = max(now + dt.timedelta(seconds=wait), self._next_slot.get(d, now))
            self._next_slot[d] = slot + dt.timedelta(seconds=1.0 / self.rate)
            later = max(later, slot)
        return later


# ---------------------------------------------------------------------------- worker identity


def _proc_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (Linux), to tell a reused pid from the original."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def make_worker_id() -> str:
    """``host:pid:start:nonce``: unique per process run, and checkable for liveness on this host."""
    pid = os.getpid()
    return f"{socket.gethostname()[:24]}:{pid}:{_proc_start(pid) or '-'}:{os.urandom(3).hex()}"


def worker_is_dead(worker_id: str) -> bool:
    """True only when ``worker_id`` is certainly not running: a process of THIS host whose
    pid is gone or now belongs to a later process. Other hosts' workers are never judged
    dead here (the lease covers them)."""
    try:
        host, pid_s, start, _nonce = worker_id.rsplit(":", 3)
        pid = int(pid_s)
    except ValueError:
        return False
    if host != socket.gethostname()[:24]:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    now_start = _proc_start(pid)
    return start != "-" and now_start is not None and now_start != start


# ---------------------------------------------------------------------------- journal


_Op = Callable[[Session], Any]
_BatchOp = Callable[[Connection, list[Any]], list[Any]]


class Journal:
    """The single database writer of a sender: runs queued operations in grouped transactions.

    Operations arriving while a transaction runs go into the next one (group commit).
    ``submit(op)`` queues ``op(session)``; ``submit_batched(fn, item)`` queues an item for a
    set-based ``fn(connection, items) -> results`` run once per transaction for all items
    queued with that ``fn`` (one UPDATE for hundreds of rows). Either returns a future
    resolved after the commit holding the operation (or failed with its error).

    ``urgent`` work (someone waits on it: a hand-over mark mid-SMTP-transaction, a claim)
    is committed at once, on its own. The rest (outcomes) is held to be grouped larger,
    while ``more_coming(n_held)`` says more is on its way: committed once
    :attr:`GROUP_LIMIT` items wait, the oldest has waited :attr:`GROUP_MAX_WAIT`, or
    nothing more is coming (a lone message's outcome is not delayed).
    """

    def __init__(self, db: Database, more_coming: Callable[[int], bool] | None = None) -> None:
        self.db = db
        self._more_coming = more_coming or (lambda _held: False)
        self._ops: list[tuple[_Op, asyncio.Future[Any]]] = []
        self._urgent_ops: list[tuple[_Op, asyncio.Future[Any]]] = []
        self._batched: dict[_BatchOp, list[tuple[Any, asyncio.Future[Any]]]] = {}
        self._urgent: set[_BatchOp] = set()
        self._rest = 0                            # non-urgent items queued
        self._rest_since: float | None = None     # loop time the oldest non-urgent item queued
        self._holding = False                     # the loop waits for the rest to grow or age
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.transactions = 0
        self._conn: Connection | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="outbox-journal")

    def submit(self, op: _Op, *, urgent: bool = False) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if urgent:
            self._urgent_ops.append((op, fut))
        else:
            self._ops.append((op, fut))
        self._queued(urgent)
        return fut

    def submit_batched(self, fn: _BatchOp, item: Any, *, urgent: bool = False) -> asyncio.Future[Any]:
        """``urgent``: someone waits on it mid-SMTP-transaction; such batches are committed
        on their own, ahead of the rest, which waits (within bounds) to be grouped larger.
        (A function is urgent or not for the journal's whole life.)"""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._batched.setdefault(fn, []).append((item, fut))
        if urgent:
            self._urgent.add(fn)
        self._queued(urgent or fn in self._urgent)
        return fut

    def _queued(self, urgent: bool) -> None:
        if not urgent:
            self._rest += 1
            if self._rest_since is None:
                self._rest_since = asyncio.get_running_loop().time()
            if self._holding and self._rest < self.GROUP_LIMIT and self._more_coming(self._rest):
                return      # the held loop wakes on its timer; no wake-up per outcome
        self._wake.set()

    async def run(self, op: _Op, *, urgent: bool = False) -> Any:
        return await self.submit(op, urgent=urgent)

    def _commit(self, ops: list[tuple[_Op, asyncio.Future[Any]]],
                batched: dict[_BatchOp, list[tuple[Any, asyncio.Future[Any]]]]) -> list[Any]:
        # One connection kept open for the journal's life: with SQLite, closing the last
        # connection checkpoints the whole WAL, which would cost tens of ms per transaction.
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.db.engine.connect()
        try:
            with self._conn.begin():
                results: list[Any] = []
                if ops:
                    # A Session only when some operation wants one (it joins the connection's
                    # transaction); the batched hot path runs on the connection.
                    with Session(bind=self._conn, expire_on_commit=False) as s:
                        results = [op(s) for op, _ in ops]
                        s.flush()
                for fn, items in batched.items():
                    results.extend(fn(self._conn, [item for item, _ in items]))
                return results
        except Exception:
            self._conn.close()
            self._conn = None
            raise

    async def _loop(self) -> None:
        while True:
            if not self._ops and not self._urgent_ops and not self._batched:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            taken = self._take()
            if isinstance(taken, float):
                # Only young outcomes queued: let them group (woken early by urgent work,
                # by the group filling up, or by close()).
                self._wake.clear()
                self._holding = True
                try:
                    await asyncio.wait_for(self._wake.wait(), taken)
                except TimeoutError:
                    pass
                finally:
                    self._holding = False
                continue
            ops, batched = taken
            futs = [f for _, f in ops] + [f for items in batched.values() for _, f in items]
            try:
                results = await asyncio.to_thread(self._commit, ops, batched)
            except Exception as exc:  # noqa: BLE001 - every waiter learns of the failure
                log.error("outbox journal: transaction of %d operations failed: %s", len(futs), exc)
                for fut in futs:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            self.transactions += 1
            for fut, res in zip(futs, results):
                if not fut.done():
                    fut.set_result(res)

    #: non-urgent work is committed once this many items wait ...
    GROUP_LIMIT = 128
    #: ... or once its oldest item has waited this long (seconds). Bounds how many 250-
    #: acknowledged messages a crash can leave unrecorded (and so ``uncertain``).
    GROUP_MAX_WAIT = 0.05

    def _take(self) -> float | tuple[list[tuple[_Op, asyncio.Future[Any]]],
                                     dict[_BatchOp, list[tuple[Any, asyncio.Future[Any]]]]]:
        """The work for the next transaction, or how long to hold the rest (seconds)."""
        waited = (asyncio.get_running_loop().time() - self._rest_since
                  if self._rest_since is not None else 0.0)
        if (self._rest >= self.GROUP_LIMIT or waited >= self.GROUP_MAX_WAIT or self._closing
                or not self._more_coming(self._rest)):
            ops, self._ops, self._urgent_ops = self._urgent_ops + self._ops, [], []
            batched, self._batched = self._batched, {}
            self._rest, self._rest_since = 0, None
            return ops, batched
        urgent = {fn: items for fn, items in self._batched.items() if fn in self._urgent}
        if not urgent and not self._urgent_ops:
            return max(0.001, self.GROUP_MAX_WAIT - waited)
        for fn in urgent:
            del self._batched[fn]
        ops, self._urgent_ops = self._urgent_ops, []
        return ops, urgent

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        self._closing = False
        if self._conn is not None:
            await asyncio.to_thread(self._conn.close)
            self._conn = None


# ---------------------------------------------------------------------------- SMTP


class _ClaimLost(Exception):
    """The row was taken over by crash recovery elsewhere; this worker must drop it."""


class _Transport(Exception):
    """A transport failure; ``after_content`` tells whether the content may have arrived."""

    def __init__(self, message: str, *, after_content: bool) -> None:
        super().__init__(message)
        self.after_content = after_content


_TRANSPORT_ERRORS = (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError,
                     aiosmtplib.SMTPConnectError, ConnectionError, OSError, asyncio.TimeoutError)


def _dot_stuffed(raw: bytes) -> bytes:
    """What aiosmtplib's DATA does to the stored bytes (no MIME parsing), with the regex
    passes skipped when byte counts show they would change nothing (the usual case:
    the outbox holds CRLF text)."""
    if not (raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r")):
        raw = normalize_message_line_endings(raw)
    # aiosmtplib quotes with ``(?m)^\.`` (a dot at the start or after a newline);
    # bytes.replace does exactly that, several times faster than the regex.
    if b"\n." in raw:
        raw = raw.replace(b"\n.", b"\n..")
    if raw.startswith(b"."):
        raw = b"." + raw
    return raw + b".\r\n"


class SmtpLink:
    """One persistent SMTP connection (reopened on demand after a drop)."""

    def __init__(self, smtp: SmtpConfig, password: str | None, oauth_token: str | None,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.cfg = smtp
        self._password = password
        self._oauth = oauth_token
        self._tls_context = tls_context
        self.client: aiosmtplib.SMTP | None = None
        self.opened = 0
        self.dirty = False          # a transaction was left half-way: RSET before the next

    async def ensure(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            if self.dirty:
                await self.client.rset()
                self.dirty = False
            return self.client
        self.close()
        cfg = self.cfg
        kwargs: dict[str, Any] = {
            "hostname": cfg.host, "port": cfg.port, "timeout": cfg.timeout_seconds,
            "use_tls": cfg.security == "tls", "start_tls": cfg.security == "starttls",
        }
        if self._tls_context is not None:
            kwargs["tls_context"] = self._tls_context
        if cfg.username and self._oauth:
            token = self._oauth

            async def _token() -> str:
                return token

            kwargs.update(username=cfg.username, oauth_token_generator=_token)
        elif cfg.username and self._password is not None:
            kwargs.update(username=cfg.username, password=self._password)
        client = aiosmtplib.SMTP(**kwargs)
        await client.connect()
        self.client = client
        self.opened += 1
        self.dirty = False
        return client

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):   # closing a dead socket
                self.client.close()
        self.client = None

    async def quit(self) -> None:
        if self.client is not None and self.client.is_connected:
            with contextlib.suppress(Exception):   # the server may be gone already
                await self.client.quit()
        self.close()


# ---------------------------------------------------------------------------- the sender


@dataclass
class _Drain:
    now: dt.datetime | None                 # fixed (injected) time, or None = clock
    stats: SendStats = field(default_factory=SendStats)
    queue: asyncio.Queue[ClaimedMessage | None] | None = None
    taken: asyncio.Event = field(default_factory=asyncio.Event)
    pending_ops: list[asyncio.Future[Any]] = field(default_factory=list)


class Sender:
    """Drains the outbox. ``run_once`` for a single drain, ``run`` as a long-lived task.

    ``config`` is the whole :class:`Config` or just its ``smtp`` section. ``clock`` is the
    time source when no ``now`` is given (tests inject one). ``rng`` feeds the jitter.
    ``tls_context``: an explicit context for ``tls``/``starttls`` (e.g. trusting a private
    CA); by default the system's verified context is used.
    """

    def __init__(self, db: Database, config: Config | SmtpConfig, *, clock: Clock = utcnow,
                 worker_id: str | None = None, rng: random.Random | None = None,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.db = db
        self.smtp = config.smtp if isinstance(config, Config) else config
        self.clock = clock
        self.worker_id = worker_id or make_worker_id()
        self.rng = rng or random.Random()
        self.limiter = DomainLimiter(self.smtp.per_domain_per_minute)
        password = secret(self.smtp.password_env, "SMTP password")
        oauth = secret(self.smtp.oauth_token_env, "SMTP OAuth token")
        self.links = [SmtpLink(self.smtp, password, oauth, tls_context)
                      for _ in range(self.smtp.connections)]
        self.lease = lease_for(self.smtp)
        self._wake = asyncio.Event()
        self._stopping = False
        self._drain_lock = asyncio.Lock()
        # Rows this process has claimed and not yet recorded an outcome for. A row claimed
        # by this worker but not in here was orphaned (its outcome write failed): recovery
        # treats it like a dead worker's row.
        self._in_flight: set[int] = set()

    #: rows claimed ahead, per connection (claims are batched; the queue holds this many)
    CLAIM_FACTOR = 4

    # -- public ------------------------------------------------------------------------

    @property
    def connections_opened(self) -> int:
        return sum(link.opened for link in self.links)

    def wake(self) -> None:
        """Tell a running :meth:`run` that new rows were queued."""
        self._wake.set()

    async def run_once(self, now: dt.datetime | None = None) -> SendStats:
        """Recover abandoned rows, then send everything due at ``now`` (default: the clock).

        Returns when no due row is left (rows retried or deferred to a later time are not
        waited for). Connections stay open for the next call; :meth:`aclose` closes them.
        """
        async with self._drain_lock:
            # Outcomes are worth holding while more rows are in flight than outcomes held.
            journal = Journal(self.db, more_coming=lambda held: len(self._in_flight) > held)
            journal.start()
            try:
                drain = _Drain(now=now)
                await self._recover(journal, drain)
                await self._drain(journal, drain)
                await asyncio.gather(*drain.pending_ops, return_exceptions=True)
                return drain.stats
            finally:
                await journal.close()

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 60.0) -> SendStats:
        """Drain, sleep until the next due row (or :meth:`wake`, or ``idle_seconds``), repeat.

        When ``stop`` is set: messages already in an SMTP transaction finish, claimed rows
        not yet started go back to ``pending``, connections are closed, and it returns.
        """
        total = SendStats()
        stopper = asyncio.create_task(self._watch_stop(stop))
        try:
            while not stop.is_set():
                # Cleared before draining, not after: a wake() arriving while the drain or
                # the next-due query runs must cut the following sleep short, not be lost.
                self._wake.clear()
                try:
                    total.add(await self.run_once())
                except Exception as exc:  # noqa: BLE001 - the daemon never dies on one failure
                    log.error("sender: drain failed: %s", exc)
                if stop.is_set():
                    break
                try:
                    delay = await asyncio.to_thread(self._seconds_to_next_due, idle_seconds)
                except Exception as exc:  # noqa: BLE001 - e.g. the database is unreachable
                    log.error("sender: cannot read the next due time: %s", exc)
                    delay = min(idle_seconds, 10.0)
                waits = [asyncio.create_task(stop.wait()), asyncio.create_task(self._wake.wait())]
                await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
        finally:
            stopper.cancel()
            await self.aclose()
        return total

    async def aclose(self) -> None:
        await asyncio.gather(*(link.quit() for link in self.links), return_exceptions=True)

    # -- stop --------------------------------------------------------------------------

    async def _watch_stop(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._stopping = True

    def _seconds_to_next_due(self, cap: float) -> float:
        with self.db.session() as s:
            nxt = s.scalar(select(func.min(OutboxMessage.next_attempt_at))
                           .where(OutboxMessage.status == outbox.PENDING))
        if nxt is None:
            return cap
        return max(0.05, min(cap, (nxt - self.clock()).total_seconds()))

    # -- recovery ----------------------------------------------------------------------

    async def _recover(self, journal: Journal, drain: _Drain) -> None:
        now = drain.now or self.clock()
        moved = await journal.run(lambda s: self._recover_in(s, now), urgent=True)
        drain.stats.recovered_pending += moved[0]
        drain.stats.recovered_uncertain += moved[1]

    def _recover_in(self, s: Session, now: dt.datetime) -> tuple[int, int]:
        """Resolve ``sending`` rows of workers that are dead or past the lease.

        Without the hand-over mark nothing reached the server: back to ``pending``.
        With it the server may have the message: ``uncertain``, and staff are told.
        A live worker's rows are left alone (liveness by pid on this host, else lease).
        """
        rows = s.execute(
            select(OutboxMessage.id, OutboxMessage.claimed_by, OutboxMessage.claimed_at,
                   OutboxMessage.sent_at, OutboxMessage.customer_id, OutboxMessage.message_id,
                   OutboxMessage.kind, OutboxMessage.step)
            .where(OutboxMessage.status == outbox.SENDING)
        ).all()
        back = unsure = 0
        dead: dict[str, bool] = {}
        for r in rows:
            if r.claimed_by == self.worker_id:
                if r.id in self._in_flight:
                    continue
            else:
                expired = r.claimed_at is None or r.claimed_at < now - self.lease
                worker = r.claimed_by or ""
                if worker not in dead:
                    dead[worker] = worker_is_dead(worker)
                if not (expired or dead[worker]):
                    continue
            why = f"worker {r.claimed_by} died or lost its lease while sending"
            if not outbox.handed_over(r.sent_at):
                if outbox.mark_retry(s, r.id, now, why + " (before DATA: not delivered)",
                                     r.claimed_by, only_if_not_handed_over=True):
                    back += 1
            elif outbox.mark_uncertain(s, r.id, why + " after DATA was issued", r.claimed_by):
                unsure += 1
                _record_uncertain(s, now, r.id, r.customer_id, r.message_id, why)
        return back, unsure

    # -- draining ----------------------------------------------------------------------

    async def _drain(self, journal: Journal, drain: _Drain) -> None:
        n = len(self.links)
        drain.queue = asyncio.Queue(maxsize=self.CLAIM_FACTOR * n)
        workers = [asyncio.create_task(self._work(link, journal, drain)) for link in self.links]
        try:
            await self._feed(journal, drain, n)
        finally:
            for _ in workers:
                await drain.queue.put(None)
            await asyncio.gather(*workers, return_exceptions=True)

    async def _feed(self, journal: Journal, drain: _Drain, n: int) -> None:
        """Claim rows in batches as the workers free room, until nothing is due."""
        assert drain.queue is not None
        batch = self.CLAIM_FACTOR * n
        while not self._stopping:
            room = batch - drain.queue.qsize()
            if room < n:
                drain.taken.clear()
                await drain.taken.wait()          # a worker took a row off the queue
                continue
            now = drain.now or self.clock()
            claimed: list[ClaimedMessage] = await journal.run(
                partial(_claim_op, worker_id=self.worker_id, limit=room, now=now), urgent=True)
            if not claimed:
                return
            drain.stats.claimed += len(claimed)
            self._in_flight.update(m.id for m in claimed)
            for msg in claimed:
                await drain.queue.put(msg)

    async def _work(self, link: SmtpLink, journal: Journal, drain: _Drain) -> None:
        assert drain.queue is not None
        while True:
            msg = await drain.queue.get()
            drain.taken.set()
            if msg is None:
                return
            if self._stopping:
                # Claimed, never started: give it back untouched.
                self._settle(drain, msg, journal.submit(partial(
                    _give_back_op, msg_id=msg.id, at=msg.claimed_at, why="sender stopped",
                    worker_id=self.worker_id)))
                continue
            now = drain.now or self.clock()
            slot = self.limiter.try_take(sorted({recipient_domain(r) for r in msg.rcpt_to}), now)
            if slot is not None:
                drain.stats.deferred += 1
                self._settle(drain, msg, journal.submit(partial(
                    _give_back_op, msg_id=msg.id, at=slot, why="per-domain rate limit",
                    worker_id=self.worker_id)))
                continue
            outcome = await self._transact(link, msg, journal, drain)
            self._settle(drain, msg, self._apply(journal, drain, msg, outcome))

    def _settle(self, drain: _Drain, msg: ClaimedMessage, write: asyncio.Future[Any]) -> None:
        """Track the outcome write; the row leaves the in-flight set once it is done."""
        def done(_f: asyncio.Future[Any], msg_id: int = msg.id) -> None:
            self._in_flight.discard(msg_id)

        write.add_done_callback(done)
        drain.pending_ops.append(write)

    async def _transact(self, link: SmtpLink, msg: ClaimedMessage, journal: Journal,
                        drain: _Drain) -> Outcome:
        """One SMTP transaction for ``msg`` on ``link``; never raises for SMTP trouble."""
        try:
            return await self._smtp_transaction(link, msg, journal, drain)
        except _ClaimLost as exc:
            log.warning("sender: %s", exc)
            link.close()          # abandons the open DATA: the server discards it
            return Outcome("lost")
        except _Transport as exc:
            link.close()
            if exc.after_content:
                return Outcome("uncertain", f"connection lost after the message content: {exc}")
            return Outcome("retry", f"connection problem before DATA completed: {exc}")
        except aiosmtplib.SMTPResponseException as exc:
            link.dirty = True
            text = f"{exc.code} {exc.message}".strip()
            return Outcome("failed" if exc.code // 100 == 5 else "retry", text)
        except _TRANSPORT_ERRORS as exc:
            link.close()
            return Outcome("retry", f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - e.g. the database failed under the mark:
            # the content was not written, so the message was not delivered.
            log.error("sender: message %s: %s: %s", msg.id, type(exc).__name__, exc)
            link.close()
            return Outcome("retry", f"{type(exc).__name__}: {exc}")

    async def _smtp_transaction(self, link: SmtpLink, msg: ClaimedMessage, journal: Journal,
                                drain: _Drain) -> Outcome:
        try:
            client = await link.ensure()
        except Exception as exc:
            raise _Transport(f"cannot open SMTP session: {type(exc).__name__}: {exc}",
                             after_content=False) from exc
        link.dirty = True
        await client.mail(msg.mail_from)
        accepted: list[str] = []
        hard: list[Refusal] = []
        soft: list[Refusal] = []
        for rcpt in msg.rcpt_to:
            try:
                await client.rcpt(rcpt)
                accepted.append(rcpt)
            except aiosmtplib.SMTPRecipientRefused as exc:
                (hard if exc.code // 100 == 5 else soft).append(
                    Refusal(rcpt, exc.code, str(exc.message)))
        if not accepted:
            await client.rset()
            link.dirty = False
            text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in hard + soft)
            if soft:
                return Outcome("retry", text, refused=tuple(hard))
            return Outcome("failed", text, refused=tuple(hard))

        # DATA: write the command, then commit the hand-over mark while the 354 travels.
        mark = journal.submit_batched(self._hand_over_batch, (msg.id, drain.now or self.clock()),
                                      urgent=True)
        try:
            start = await client.execute_command(b"DATA")
        except _TRANSPORT_ERRORS as exc:
            raise _Transport(f"{type(exc).__name__}: {exc}", after_content=False) from exc
        finally:
            # The content must not be written before the mark is durable. (The DATA command
            # is written before the journal can run: submit only queues, and the command is
            # written before execute_command first yields.)
            still_ours = await asyncio.shield(mark)
        if start.code != 354:
            raise aiosmtplib.SMTPDataError(start.code, start.message)
        if not still_ours:
            # Another worker recovered this row (lease over): never send it from here.
            raise _ClaimLost(f"outbox {msg.id} is no longer claimed by {self.worker_id}")
        reply = await self._write_content(client, msg.raw)
        link.dirty = False
        if reply.code // 100 == 2:
            return Outcome("sent", soft_refused=tuple(soft), refused=tuple(hard))
        if reply.code // 100 == 5:
            return Outcome("failed", f"{reply.code} {reply.message}")
        return Outcome("retry", f"{reply.code} {reply.message}")

    async def _write_content(self, client: aiosmtplib.SMTP, raw: bytes) -> Any:
        proto = client.protocol
        if proto is None:
            raise _Transport("connection lost before the content", after_content=False)
        payload = _dot_stuffed(raw)
        try:
            # aiosmtplib has no public "content after 354" call: this is the second half of
            # its own execute_data_command (kept in step with aiosmtplib 5.1).
            async with proto._command_lock:  # type: ignore[union-attr]
                proto._response_pending = True
                proto.write(payload)
                return await proto.read_response(timeout=self.smtp.timeout_seconds)
        except _TRANSPORT_ERRORS as exc:
            raise _Transport(f"{type(exc).__name__}: {exc}", after_content=True) from exc

    # -- outcomes ----------------------------------------------------------------------

    def _apply(self, journal: Journal, drain: _Drain, msg: ClaimedMessage,
               outcome: Outcome) -> asyncio.Future[Any]:
        now = drain.now or self.clock()
        st = drain.stats
        verdict = outcome.verdict
        if verdict == "lost":
            done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done
        if verdict == "retry":
            at = next_retry_at(msg, now, self.smtp, self.rng)
            if at is None:
                verdict = "failed"
                outcome = Outcome("failed", f"retry lifetime over after {msg.attempts} attempts; "
                                  f"last: {outcome.error}", refused=outcome.refused)
            else:
                st.retried += 1
                return journal.submit(lambda s: outbox.mark_retry(
                    s, msg.id, at, outcome.error, self.worker_id))
        if verdict == "sent":
            st.sent += 1
            if outcome.refused or outcome.soft_refused:
                st.partial += 1
            if outcome.refused or outcome.soft_refused:
                return journal.submit(lambda s: self._apply_sent(s, msg, outcome, now))
            return journal.submit_batched(self._sent_batch, (msg, now))
        if verdict == "failed":
            st.failed += 1
            return journal.submit(lambda s: self._apply_failed(s, msg, outcome, now))
        st.uncertain += 1
        return journal.submit(lambda s: self._apply_uncertain(s, msg, outcome, now))

    def _hand_over_batch(self, conn: Connection, items: list[tuple[int, dt.datetime]]) -> list[Any]:
        kept = set(outbox.mark_handed_over(conn, [i for i, _ in items], min(t for _, t in items),
                                           self.worker_id))
        return [i in kept for i, _ in items]

    def _sent_batch(self, conn: Connection, items: list[tuple[ClaimedMessage, dt.datetime]]) -> list[Any]:
        """Mark many rows sent in one statement; their ``step_sent`` events in one insert."""
        now = max(t for _, t in items)
        done = set(outbox.mark_sent_returning(conn, [m.id for m, _ in items], now, self.worker_id))
        evs = [_step_sent_event(m, t) for m, t in items
               if m.id in done and m.kind in outbox.DUNNING_KINDS and m.customer_id is not None]
        if evs:
            conn.execute(_EVENTS_INSERT, evs)
        return [m.id in done for m, _ in items]

    def _apply_sent(self, s: Session, msg: ClaimedMessage, outcome: Outcome,
                    now: dt.datetime) -> None:
        if not outbox.mark_sent(s, [msg.id], now, self.worker_id):
            return
        if msg.kind in outbox.DUNNING_KINDS and msg.customer_id is not None:
            s.connection().execute(_EVENTS_INSERT, [_step_sent_event(msg, now)])
        if outcome.refused or outcome.soft_refused:
            _flag_contacts(s, msg, outcome.refused, now)
            _event(s, now, msg.customer_id, "escalation", "smtp_partial_refusal",
                   "Email delivered to some recipients only: "
                   + ", ".join(f"{r.recipient} ({r.code})" for r in outcome.refused + outcome.soft_refused),
                   {"outbox_id": msg.id, "message_id": msg.message_id,
                    "refused": [asdict(r) for r in outcome.refused + outcome.soft_refused]})

    def _apply_failed(self, s: Session, msg: ClaimedMessage, outcome: Outcome,
                      now: dt.datetime) -> None:
        if not outbox.mark_failed(s, msg.id, outcome.error, self.worker_id):
            return
        _flag_contacts(s, msg, outcome.refused, now)
        _event(s, now, msg.customer_id, "escalation", "smtp_permanent_failure",
               f"Email could not be delivered ({msg.kind}"
               + (f" {msg.step}" if msg.step else "") + f"): {outcome.error}",
               {"outbox_id": msg.id, "message_id": msg.message_id, "error": outcome.error,
                "refused": [asdict(r) for r in outcome.refused], "attempts": msg.attempts})

    def _apply_uncertain(self, s: Session, msg: ClaimedMessage, outcome: Outcome,
                         now: dt.datetime) -> None:
        if outbox.mark_uncertain(s, msg.id, outcome.error, self.worker_id):
            _record_uncertain(s, now, msg.id, msg.customer_id, msg.message_id, outcome.error)


def _claim_op(s: Session, *, worker_id: str, limit: int, now: dt.datetime) -> list[ClaimedMessage]:
    return outbox.claim_in(s, worker_id, limit, now)


def _give_back_op(s: Session, *, msg_id: int, at: dt.datetime, why: str, worker_id: str) -> bool:
    """A claimed row never tried goes back to ``pending`` without counting an attempt."""
    return outbox.mark_retry(s, msg_id, at, why, worker_id, count_attempt=False)


def _event(s: Session, now: dt.datetime, customer_id: int | None, kind: str, rule: str,
           summary: str, evidence: dict[str, Any]) -> None:
    # Core insert: the journal may apply hundreds of outcomes per transaction.
    s.connection().execute(_EVENTS_INSERT, [{
        "customer_id": customer_id, "invoice_id": None, "at": now, "kind": kind, "actor": "bot",
        "rule": rule, "summary": summary, "evidence": evidence}])


#: timeline rows written by the journal: a Core insert (executemany), not the ORM's bulk path
_EVENTS_TABLE: Table = Event.__table__  # type: ignore[assignment]
_EVENTS_INSERT = insert(_EVENTS_TABLE)


def _step_sent_event(msg: ClaimedMessage, now: dt.datetime) -> dict[str, Any]:
    return {"customer_id": msg.customer_id, "invoice_id": None, "at": now, "kind": "step_sent",
            "actor": "bot", "rule": "campaign_step",
            "summary": f"Sent {msg.campaign or 'campaign'} step {msg.step or '?'}",
            "evidence": {"outbox_id": msg.id, "message_id": msg.message_id,
                         "recipients": list(msg.rcpt_to), "attempts": msg.attempts}}


def _record_uncertain(s: Session, now: dt.datetime, outbox_id: int, customer_id: int | None,
                      message_id: str, why: str) -> None:
    _event(s, now, customer_id, "send_uncertain", "smtp_outcome_unknown",
           "Email may or may not have been delivered; not resent. Check and resolve with "
           f"`arbot outbox release {outbox_id} --sent|--resend`.",
           {"outbox_id": outbox_id, "message_id": message_id, "error": why})


def _flag_contacts(s: Session, msg: ClaimedMessage, refused: Sequence[Refusal],
                   now: dt.datetime) -> None:
    """Mark permanently refused addresses as bounced (the customer's contacts, else any)."""
    for r in refused:
        if r.code // 100 != 5:
            continue
        cond = func.lower(Contact.email) == r.recipient.strip("<>").lower()
        if msg.customer_id is not None:
            cond = and_(cond, Contact.customer_id == msg.customer_id)
        s.execute(update(Contact).where(cond).values(
            bounced=True, invalid_reason=f"SMTP {r.code} {r.message} ({now.date().isoformat()})"[:1000])
            .execution_options(synchronize_session=False))
