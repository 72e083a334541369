"""The AR mailbox watcher: IMAP in, raw rows stored, processing hook called, then moved.

Lifecycle of one message (see docs/mailbox.md for the crash-window argument):

1. **store** -- fetched in batches (``BODY.PEEK[]``); each batch is inserted into
   ``inbound_messages`` (status ``new``, or ``own`` for our own mail) together with the
   advance of ``mailbox_state.last_uid``, in one transaction.
2. **process** -- the processing hook ``process(inbound_id)`` is called for every row in
   status ``new`` (and ``failed`` with attempts left). The hook commits the outcome and
   the row's final status (``processed``, ``review`` or ``ignored``) in ONE transaction;
   that commit is the exactly-once point. A hook that raises leaves nothing behind; the
   watcher records ``failed``, ``attempts + 1`` and ``last_error`` and goes on. After
   :data:`MAX_ATTEMPTS` the row stays ``failed`` (poison) and is moved to review.
3. **move** -- rows with a final status and ``mailbox_done = false`` are moved on the
   server (UID MOVE in batches) to ``processed_folder`` or ``review_folder`` (or flagged
   ``\\Seen`` when the folder is not configured), then ``mailbox_done`` is committed.

Every step is idempotent against a crash between it and the next, so a restart resumes
where the process died: stored-but-unprocessed rows are processed, processed-but-unmoved
rows are only moved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.parser
import email.policy
import email.utils
import hashlib
import importlib
import importlib.util
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot import timeline
from bot.config import Config
from bot.db import Database, utcnow
from bot.imap_client import (
    IDLE_MAX_SECONDS,
    FetchedMessage,
    ImapAuthError,
    ImapConfigError,
    ImapConnection,
    ImapError,
    ImapTransientError,
)
from bot.mailbox_lock import WatcherLock
from bot.models import Cursor, InboundMessage, MailboxState, OutboxMessage

log = logging.getLogger("arbot.mailbox")

ProcessHook = Callable[[int], None]
BatchHook = Callable[[Sequence[int]], None]     # all-or-nothing, one transaction
AlertHook = Callable[[str, str], None]          # (kind, one-line summary)
Clock = Callable[[], dt.datetime]

MAX_ATTEMPTS = 3
FINAL_STATUSES = ("processed", "review", "ignored", "own", "failed")
TO_PROCESSED = ("processed", "ignored", "own")
TO_REVIEW = ("review", "failed")
MOVE_BATCH = 500
PROCESS_CHUNK = 100
BACKLOG_WARM_UP = 32
IDLE_CHECK_SECONDS = 0.5           # short, so a stop request is seen promptly

# Backoff policy per error class: (first wait, cap) in seconds.
BACKOFF_TRANSIENT = (1.0, 300.0)
BACKOFF_CONFIG = (60.0, 3600.0)
BACKOFF_AUTH = (900.0, 6 * 3600.0)   # 15 min doubling to 6 h: never hammer a login


@dataclass
class RunReport:
    """What one :meth:`MailboxWatcher.run_once` did."""

    standby: bool = False            # another watcher holds the lock
    uidvalidity: int | None = None
    uidvalidity_changed: bool = False
    stored: int = 0
    own: int = 0
    readopted: int = 0               # rows found again after a UIDVALIDITY change
    processed: int = 0
    failed: int = 0
    moved: int = 0
    seconds: dict[str, float] = field(default_factory=dict)   # per phase: ingest, process, move


class Backoff:
    """Exponential backoff with full jitter on the upper half: ``[d/2, d]``."""

    def __init__(self, first: float, cap: float, rng: random.Random | None = None) -> None:
        self.first, self.cap = first, cap
        self.failures = 0
        self.rng = rng or random.Random()

    def next_delay(self) -> float:
        d = min(self.cap, self.first * (2 ** self.failures))
        self.failures += 1
        return self.rng.uniform(d / 2, d)

    def reset(self) -> None:
        self.failures = 0


def _addr_key(address: str) -> str:
    """``local@domain`` lower-cased with any ``+tag`` removed from the local part."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def header_facts(raw: bytes) -> tuple[str | None, str | None]:
    """(Message-ID, From address) from the header block; never raises."""
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
    head = raw if end < 0 else raw[:end + 2]
    try:
        msg = _HEADER_PARSER.parsebytes(head)
        mid = msg.get("Message-ID")
        frm = msg.get("From")
        mid_s = str(mid).strip()[:998] if mid is not None else None
        from_addr = email.utils.parseaddr(str(frm))[1] if frm is not None else None
        return (mid_s or None), (from_addr or None)
    except Exception:  # noqa: BLE001 - broken headers: store anyway, the reader decides
        return None, None


class MailboxWatcher:
    """Watches ``config.imap.folder``; see the module docstring for the lifecycle.

    ``process`` is the processing hook (None: store and do nothing else -- rows stay
    ``new`` and are not moved). ``process_batch``, optional, processes several fresh
    rows in ONE transaction, all or nothing (one commit per batch instead of one per
    message: the backlog throughput); when it raises, the batch is re-run message by
    message through ``process`` so one poison message costs only itself. ``alert`` is called with ``(kind, summary)`` for
    problems staff must fix (bad credentials, bad configuration); a timeline event is
    recorded as well. ``connect`` builds an unconnected :class:`ImapConnection`
    (tests inject TLS contexts or timeouts through it). ``backlog``, optional, is told the
    number of new messages when a pass finds at least :data:`BACKLOG_WARM_UP` of them,
    before fetching (the runtime starts its reader processes then, so their start-up
    overlaps the fetch and store).
    """

    def __init__(
        self,
        db: Database,
        config: Config,
        *,
        process: ProcessHook | None = None,
        process_batch: BatchHook | None = None,
        clock: Clock = utcnow,
        alert: AlertHook | None = None,
        connect: Callable[[], ImapConnection] | None = None,
        name: str = "mailbox",
        fetch_batch: int = 200,
        backlog: Callable[[int], None] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.imap = config.imap
        self.folder = config.imap.folder
        if process_batch is not None and process is None:
            raise ValueError("process_batch needs the per-message process hook as fallback")
        self.process = process
        self.process_batch = process_batch
        self.clock = clock
        self.alert = alert
        self._connect = connect or (lambda: ImapConnection(config.imap))
        self.name = name
        self.fetch_batch = fetch_batch
        self.backlog = backlog
        self.lock = WatcherLock(db, f"arbot-mailbox:{self.folder}")
        self.conn: ImapConnection | None = None
        self._idle_conn: ImapConnection | None = None
        self._stop = threading.Event()
        self._own_addresses = {_addr_key(config.company.ar_address), _addr_key(config.from_address)}
        self._alerted: set[str] = set()

    # ================================================================== one cycle
    def run_once(self) -> RunReport:
        """Connect if needed, store what is new, process, move. Synchronous.

        Raises :class:`ImapAuthError`, :class:`ImapConfigError` or
        :class:`ImapTransientError` for the caller's backoff; the connection is closed
        on a transient error so the next call reconnects.
        """
        report = RunReport()
        if not self.lock.acquire():
            report.standby = True
            return report
        try:
            conn = self._ensure_connection()
            uidvalidity = conn.select(self.folder)
            report.uidvalidity = uidvalidity
            t0 = time.perf_counter()
            self._ingest(conn, uidvalidity, report)
            t1 = time.perf_counter()
            if not self._stop.is_set():
                self._process_pending(report)
            t2 = time.perf_counter()
            self._move_done(conn, uidvalidity, report)
            report.seconds = {"ingest": t1 - t0, "process": t2 - t1, "move": time.perf_counter() - t2}
        except ImapError:
            self._drop_connection()     # the next pass starts from a fresh connection
            raise
        self._alerted.discard("auth")
        self._alerted.discard("config")
        return report

    def baseline(self) -> int:
        """Start watching from now: messages already in the folder are left alone.

        Sets ``mailbox_state`` to the folder's current UIDVALIDITY and highest UID (for
        a first start on a mailbox with years of history that staff already handled).
        Returns the number of messages skipped.
        """
        if not self.lock.acquire():
            raise ImapConfigError("another mailbox watcher is running; stop it first")
        conn = self._ensure_connection()
        uidvalidity = conn.select(self.folder)
        uids = conn.uids_after(0)
        with self.db.session() as s:
            state = s.get(MailboxState, self.folder)
            if state is None:
                state = MailboxState(folder=self.folder, uidvalidity=uidvalidity, last_uid=0,
                                     updated_at=self.clock())
                s.add(state)
            skipped = len([u for u in uids if u > (state.last_uid if state.uidvalidity == uidvalidity else 0)])
            state.uidvalidity = uidvalidity
            state.last_uid = max(uids, default=0)
            state.updated_at = self.clock()
            timeline.record(s, at=self.clock(), kind="mailbox_baseline", actor="staff",
                            rule="mailbox.baseline",
                            summary=f"watching {self.folder} from UID {state.last_uid + 1}; "
                                    f"{skipped} earlier messages left alone",
                            evidence={"folder": self.folder, "uidvalidity": uidvalidity,
                                      "last_uid": state.last_uid})
        return skipped

    def _ensure_connection(self) -> ImapConnection:
        if self.conn is not None:
            try:
                self.conn.noop()    # cheap liveness check; servers drop idle sessions
                return self.conn
            except ImapTransientError:
                self._drop_connection()
        conn = self._connect()
        try:
            conn.connect()
        except ImapError:
            conn.close()
            raise
        self.conn = conn
        return conn

    def _drop_connection(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def close(self) -> None:
        """Close connections and release the lock."""
        self._drop_connection()
        if self._idle_conn is not None:
            self._idle_conn.close()
            self._idle_conn = None
        self.lock.release()

    # ------------------------------------------------------------------ store
    def _ingest(self, conn: ImapConnection, uidvalidity: int, report: RunReport) -> None:
        with self.db.session() as s:
            state = s.get(MailboxState, self.folder)
            known = state is not None and state.uidvalidity == uidvalidity
            last_uid = state.last_uid if state is not None and known else 0
        uids = conn.uids_after(last_uid)
        if self.backlog is not None and len(uids) >= BACKLOG_WARM_UP and self.process_batch is not None:
            self.backlog(len(uids))     # e.g. start the reader processes while we fetch and store
        with self.db.session() as s:
            state = s.get(MailboxState, self.folder)
            if state is None:
                s.add(MailboxState(folder=self.folder, uidvalidity=uidvalidity, last_uid=0,
                                   updated_at=self.clock()))
            elif state.uidvalidity != uidvalidity:
                self._start_rescan(s, state, uidvalidity, max(uids, default=0))
                report.uidvalidity_changed = True
            rescan_until = self._rescan_until(s, uidvalidity)
        old_index = _OldEpochIndex(self.db, self.folder, uidvalidity) if rescan_until else None
        for batch in conn.fetch(uids, batch=self.fetch_batch):
            if batch:
                self._store_batch(batch, uidvalidity, old_index, rescan_until or 0, report)
            if self._stop.is_set():      # a big backlog must not delay a stop: resume later
                return
        if rescan_until is not None:
            self._finish_rescan(uidvalidity)

    # -- UIDVALIDITY change: a re-scan deduplicated against the earlier epochs --------
    def _rescan_cursor(self) -> str:
        return "mailbox_rescan:" + hashlib.sha256(self.folder.encode()).hexdigest()[:16]

    def _start_rescan(self, s: Session, state: MailboxState, uidvalidity: int, until: int) -> None:
        """The server renumbered the folder: re-scan all of it. Until UID ``until`` (the
        highest at the change) every message is first looked up among the rows of the
        earlier epochs; the marker lives in ``cursors`` so a crash mid-re-scan resumes
        with the dedupe still on, and later mail is not looked up at all."""
        log.warning("mailbox %s: UIDVALIDITY changed %s -> %s; re-scanning",
                    self.folder, state.uidvalidity, uidvalidity)
        timeline.record(s, at=self.clock(), kind="mailbox_uidvalidity_changed",
                        rule="mailbox.uidvalidity",
                        summary=f"folder {self.folder} was renumbered by the server; re-scanned",
                        evidence={"folder": self.folder, "old": state.uidvalidity, "new": uidvalidity,
                                  "rescan_until_uid": until})
        state.uidvalidity = uidvalidity
        state.last_uid = 0
        state.updated_at = self.clock()
        cur = s.get(Cursor, self._rescan_cursor())
        value = f"{uidvalidity}:{until}"
        if cur is None:
            s.add(Cursor(name=self._rescan_cursor(), value=value, updated_at=self.clock()))
        else:
            cur.value, cur.updated_at = value, self.clock()

    def _rescan_until(self, s: Session, uidvalidity: int) -> int | None:
        """The last UID to dedupe in the current re-scan; None when none is going on."""
        cur = s.get(Cursor, self._rescan_cursor())
        if cur is None:
            return None
        epoch, _, until = cur.value.partition(":")
        return int(until) if epoch == str(uidvalidity) else None

    def _finish_rescan(self, uidvalidity: int) -> None:
        """Rows of an earlier UIDVALIDITY not found in the re-scan are gone from the
        server: nothing left to move (their processing, if pending, still happens)."""
        with self.db.session() as s:
            s.execute(update(InboundMessage).where(
                InboundMessage.folder == self.folder,
                InboundMessage.uidvalidity != uidvalidity,
                InboundMessage.mailbox_done.is_(False),
            ).values(mailbox_done=True))
            cur = s.get(Cursor, self._rescan_cursor())
            if cur is not None:
                s.delete(cur)

    def _store_batch(self, batch: Sequence[FetchedMessage], uidvalidity: int,
                     old_index: _OldEpochIndex | None, rescan_until: int, report: RunReport) -> None:
        now = self.clock()
        facts = [(m, *header_facts(m.raw)) for m in batch]
        with self.db.session() as s:
            present = set(s.scalars(select(InboundMessage.uid).where(
                InboundMessage.folder == self.folder, InboundMessage.uidvalidity == uidvalidity,
                InboundMessage.uid.in_([m.uid for m in batch]))))
            ours = self._our_message_ids(s, [mid for _m, mid, _f in facts if mid])
            rows = []
            for m, mid, frm in facts:
                if m.uid in present:
                    continue
                if (old_index is not None and m.uid <= rescan_until
                        and old_index.readopt(s, m, mid, uidvalidity)):
                    report.readopted += 1
                    continue
                own = ((mid is not None and mid.strip("<>") in ours)
                       or (frm is not None and _addr_key(frm) in self._own_addresses))
                rows.append(InboundMessage(
                    folder=self.folder, uidvalidity=uidvalidity, uid=m.uid, message_id=mid,
                    raw=m.raw, received_at=now, status="own" if own else "new",
                    attempts=0, mailbox_done=False,
                    processed_at=now if own else None,
                ))
                report.own += own
            s.add_all(rows)
            report.stored += len(rows)
            s.execute(update(MailboxState).where(MailboxState.folder == self.folder).values(
                last_uid=max(m.uid for m in batch), updated_at=now))

    @staticmethod
    def _our_message_ids(s: Session, mids: list[str]) -> set[str]:
        """Which of ``mids`` we sent (outbox), compared without angle brackets."""
        if not mids:
            return set()
        bare = {m.strip("<>") for m in mids}
        forms = list(bare | {f"<{b}>" for b in bare})
        return {m.strip("<>") for m in s.scalars(select(OutboxMessage.message_id).where(
            OutboxMessage.message_id.in_(forms)))}

    # ------------------------------------------------------------------ process
    def _process_pending(self, report: RunReport) -> None:
        if self.process is None:
            return
        with self.db.session() as s:
            pending = s.execute(select(InboundMessage.id, InboundMessage.status).where(
                InboundMessage.folder == self.folder,
                or_(InboundMessage.status == "new",
                    (InboundMessage.status == "failed") & (InboundMessage.attempts < MAX_ATTEMPTS)),
            ).order_by(InboundMessage.id)).all()
        ids = [rid for rid, _st in pending]
        retries = {rid for rid, st in pending if st == "failed"}
        for i in range(0, len(ids), PROCESS_CHUNK):
            chunk = ids[i:i + PROCESS_CHUNK]
            fresh = [m for m in chunk if m not in retries]
            if self.process_batch is not None and len(fresh) > 1 and self._call_batch(fresh):
                report.processed += len(fresh) - self._check_outcomes(fresh)
                chunk = [m for m in chunk if m in retries]
            ok = [mid for mid in chunk if not self._stop.is_set() and self._call_hook(mid)]
            report.failed += len(chunk) - len(ok)
            report.processed += len(ok) - self._check_outcomes(ok)
            if self._stop.is_set():
                return

    def _call_batch(self, ids: Sequence[int]) -> bool:
        assert self.process_batch is not None
        try:
            self.process_batch(ids)
        except Exception as exc:  # noqa: BLE001 - fall back to one by one
            log.info("batch of %d failed (%s); processing one by one", len(ids), type(exc).__name__)
            return False
        return True

    def process_one(self, inbound_id: int) -> bool:
        """Run the hook for one stored row; on failure record it. True on success."""
        return self._call_hook(inbound_id) and self._check_outcomes([inbound_id]) == 0

    def _call_hook(self, inbound_id: int) -> bool:
        assert self.process is not None
        try:
            self.process(inbound_id)
        except Exception as exc:  # noqa: BLE001 - one bad message never stops the watcher
            self._record_failure(inbound_id, f"{type(exc).__name__}: {exc}")
            log.warning("inbound %s: processing failed: %s", inbound_id, exc)
            return False
        return True

    def _check_outcomes(self, ids: Sequence[int]) -> int:
        """Rows the hook returned for without recording an outcome count as failures
        (one query per chunk, not per message)."""
        if not ids:
            return 0
        with self.db.session() as s:
            left = list(s.scalars(select(InboundMessage.id).where(
                InboundMessage.id.in_(list(ids)), InboundMessage.status == "new")))
        for mid in left:
            self._record_failure(mid, "the processing hook returned without recording an outcome")
        return len(left)

    def _record_failure(self, inbound_id: int, error: str) -> None:
        with self.db.session() as s:
            row = s.get(InboundMessage, inbound_id)
            if row is None:
                return
            row.status = "failed"
            row.attempts = (row.attempts or 0) + 1
            row.last_error = error[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                timeline.record(s, at=self.clock(), kind="inbound_set_aside", rule="mailbox.poison",
                                customer_id=row.customer_id,
                                summary=f"message {row.id} failed {row.attempts} times; "
                                        "set aside for review (arbot inbox retry)",
                                evidence={"inbound_id": row.id, "message_id": row.message_id,
                                          "error": row.last_error})

    # ------------------------------------------------------------------ move
    def _move_done(self, conn: ImapConnection, uidvalidity: int, report: RunReport) -> None:
        with self.db.session() as s:
            rows = s.execute(select(InboundMessage.id, InboundMessage.uid, InboundMessage.status,
                                    InboundMessage.attempts).where(
                InboundMessage.folder == self.folder,
                InboundMessage.uidvalidity == uidvalidity,
                InboundMessage.mailbox_done.is_(False),
                InboundMessage.status.in_(FINAL_STATUSES),
            ).order_by(InboundMessage.uid)).all()
        groups: dict[str | None, list[tuple[int, int]]] = {}
        for rid, uid, status, attempts in rows:
            if status == "failed" and attempts < MAX_ATTEMPTS:
                continue            # will be retried; leave it in place
            dest = self.imap.processed_folder if status in TO_PROCESSED else self.imap.review_folder
            groups.setdefault(dest, []).append((rid, uid))
        for dest, items in groups.items():
            for i in range(0, len(items), MOVE_BATCH):
                chunk = items[i:i + MOVE_BATCH]
                uids = [u for _r, u in chunk]
                # After a crash between MOVE and the commit below, some are already gone.
                still_there = conn.existing(uids)
                if dest:
                    conn.move(still_there, dest)
                else:
                    conn.mark_seen(still_there)
                with self.db.session() as s:
                    s.execute(update(InboundMessage).where(
                        InboundMessage.id.in_([r for r, _u in chunk])).values(mailbox_done=True))
                report.moved += len(still_there)
                if self._stop.is_set():
                    return

    # ================================================================== the daemon task
    async def run(self, stop_event: asyncio.Event) -> None:
        """Watch until ``stop_event`` is set: IDLE (or poll), run_once, back off on errors.

        Stops within about a second of ``stop_event`` (IDLE checks every 0.5 s).
        """
        self._stop.clear()
        bridge = asyncio.create_task(self._bridge_stop(stop_event))
        transient = Backoff(*BACKOFF_TRANSIENT)
        config_bo = Backoff(*BACKOFF_CONFIG)
        auth = Backoff(*BACKOFF_AUTH)
        try:
            while not stop_event.is_set():
                delay: float | None = None
                try:
                    await asyncio.to_thread(self._prepare_idle)
                    report = await asyncio.to_thread(self.run_once)
                    transient.reset()
                    config_bo.reset()
                    auth.reset()
                    if report.standby:
                        delay = self.imap.poll_seconds
                except ImapAuthError as exc:
                    delay = auth.next_delay()
                    self._raise_alert("auth", f"IMAP login failed: {exc}; next try in {delay / 60:.0f} min")
                except ImapConfigError as exc:
                    delay = config_bo.next_delay()
                    self._raise_alert("config", f"IMAP configuration problem: {exc}")
                except ImapTransientError as exc:
                    delay = transient.next_delay()
                    log.warning("mailbox: %s; reconnecting in %.1f s", exc, delay)
                    await asyncio.to_thread(self._drop_idle)
                except Exception as exc:
                    delay = transient.next_delay()
                    log.exception("mailbox: unexpected error (%s); retry in %.1f s", type(exc).__name__, delay)
                if stop_event.is_set():
                    break
                if delay is not None:
                    await _wait(stop_event, delay)
                    continue
                try:
                    await asyncio.to_thread(self._wait_for_news)
                except ImapTransientError as exc:
                    log.warning("mailbox: idle connection: %s", exc)
                    await asyncio.to_thread(self._drop_idle)
        finally:
            self._stop.set()
            bridge.cancel()
            await asyncio.to_thread(self.close)

    async def _bridge_stop(self, stop_event: asyncio.Event) -> None:
        await stop_event.wait()
        self._stop.set()

    # -- IDLE (runs in a worker thread) --------------------------------------------
    def _idle_usable(self) -> bool:
        return self.imap.idle and self.lock.held

    def _prepare_idle(self) -> None:
        """Open and SELECT the idle connection BEFORE run_once, so anything arriving
        after run_once's search is reported when IDLE starts (never missed)."""
        if not self.imap.idle or self._idle_conn is not None:
            return
        if not self.lock.held and not self.lock.acquire():
            return
        conn = self._connect()
        try:
            conn.connect()
            if not conn.has("IDLE"):
                log.info("mailbox: server lacks IDLE; polling every %s s", self.imap.poll_seconds)
                conn.close()
                self.imap = self.imap.model_copy(update={"idle": False})
                return
            conn.select(self.folder)
        except ImapError:
            conn.close()
            raise
        self._idle_conn = conn

    def _drop_idle(self) -> None:
        if self._idle_conn is not None:
            self._idle_conn.close()
        self._idle_conn = None

    def _wait_for_news(self) -> None:
        """Block until the server reports new mail, the poll interval passes, or stop."""
        conn = self._idle_conn
        if not self._idle_usable() or conn is None:
            self._stop.wait(self.imap.poll_seconds)
            return
        deadline = time.monotonic() + min(self.imap.poll_seconds, IDLE_MAX_SECONDS)
        conn.idle_start()
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                if conn.idle_wait(IDLE_CHECK_SECONDS):
                    return
        finally:
            if conn.connected:
                conn.idle_stop()

    # -- alerts --------------------------------------------------------------------
    def _raise_alert(self, kind: str, summary: str) -> None:
        """Tell staff once per failure streak: timeline event + the alert hook."""
        log.error("mailbox: %s", summary)
        if kind in self._alerted:
            return
        self._alerted.add(kind)
        try:
            with self.db.session() as s:
                timeline.record(s, at=self.clock(), kind="mailbox_alert", rule=f"mailbox.{kind}",
                                summary=summary, evidence={"host": self.imap.host,
                                                           "user": self.imap.username,
                                                           "folder": self.folder})
        except Exception:
            log.exception("mailbox: could not record the alert")
        if self.alert is not None:
            try:
                self.alert(kind, summary)
            except Exception:
                log.exception("mailbox: alert hook failed")


class _OldEpochIndex:
    """Rows stored under an earlier UIDVALIDITY, looked up by Message-ID or raw hash."""

    def __init__(self, db: Database, folder: str, uidvalidity: int) -> None:
        self.folder = folder
        self._by_hash: dict[str, int] | None = None
        self._db = db
        self._uidvalidity = uidvalidity

    def _hash_index(self, s: Session) -> dict[str, int]:
        # Only rows without a Message-ID need hashing: rare, so computed on demand.
        if self._by_hash is None:
            self._by_hash = {}
            for rid, raw in s.execute(select(InboundMessage.id, InboundMessage.raw).where(
                    InboundMessage.folder == self.folder,
                    InboundMessage.uidvalidity != self._uidvalidity,
                    InboundMessage.message_id.is_(None))):
                self._by_hash.setdefault(hashlib.sha256(raw).hexdigest(), rid)
        return self._by_hash

    def readopt(self, s: Session, m: FetchedMessage, mid: str | None, uidvalidity: int) -> bool:
        """If ``m`` was stored in an earlier epoch, point that row at its new UID."""
        if mid:
            rid = s.scalar(select(InboundMessage.id).where(
                InboundMessage.folder == self.folder, InboundMessage.message_id == mid,
                InboundMessage.uidvalidity != uidvalidity).order_by(InboundMessage.id).limit(1))
        else:
            rid = self._hash_index(s).pop(hashlib.sha256(m.raw).hexdigest(), None)
        if rid is None:
            return False
        s.execute(update(InboundMessage).where(InboundMessage.id == rid).values(
            uidvalidity=uidvalidity, uid=m.uid, mailbox_done=False))
        return True


async def _wait(stop_event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop_event.wait(), timeout=seconds)
    except TimeoutError:
        pass


def _module_exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def default_process_hook(db: Database, config: Config, clock: Clock = utcnow) -> ProcessHook | None:
    """The real processing step: the daemon runtime's hook (read, tie, decide, apply,
    with answers, alerts and staff commands wired), else bare
    ``bot.inbox.process_message(db, config, inbound_id, now)``; None when neither exists
    (store-only mode).

    Contract of the step: ONE transaction that applies the outcome and sets the row's
    final status; it must leave rows already final untouched (idempotent).
    """
    # Only an absent module means "not installed"; a broken import must fail loudly
    # rather than silently degrade to store-only mode.
    if _module_exists("bot.runtime"):
        runtime = importlib.import_module("bot.runtime")
        return runtime.Runtime(db, config, clock=clock).process  # type: ignore[no-any-return]
    if not _module_exists("bot.inbox"):
        return None
    process_message = getattr(importlib.import_module("bot.inbox"), "process_message", None)
    if process_message is None:
        return None

    def hook(inbound_id: int) -> None:
        process_message(db, config, inbound_id, clock())

    return hook


def default_batch_hook(db: Database, config: Config, clock: Clock = utcnow) -> BatchHook | None:
    """The real processing step for several fresh rows in ONE transaction:
    ``bot.runtime.Runtime.process_batch`` (``bot.inbox.process_messages`` with the
    runtime's hooks). All or nothing: if any message raises, the batch rolls back and the
    watcher re-runs it message by message (so a batch can never do worse than single steps).
    """
    if not _module_exists("bot.runtime"):
        return None
    runtime = importlib.import_module("bot.runtime")
    # The runtime's batch step carries the same hooks as its single step (staff commands,
    # alerts, copy answers), so batching never changes what is decided.
    return runtime.Runtime(db, config, clock=clock).process_batch  # type: ignore[no-any-return]
