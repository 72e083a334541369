"""Messages and a recording processing hook for the mailbox tests and benchmarks."""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
from collections.abc import Callable

from sqlalchemy import func, select

from bot import timeline
from bot.db import Database
from bot.models import Event, InboundMessage

POISON_HEADER = b"X-Test-Poison: yes"


def reply(i: int, *, sender: str = "ap@acme.test", message_id: str | None = "auto",
          subject: str | None = None, body: str | None = None, extra_headers: bytes = b"") -> bytes:
    """A realistic small customer reply."""
    mid = f"<reply-{i}-{os.urandom(4).hex()}@acme.test>" if message_id == "auto" else message_id
    lines = [
        f"From: Accounts Payable <{sender}>",
        "To: ar@northwind.test",
        f"Subject: {subject or f'Re: Invoice INV-{1000 + i} overdue'}",
        "Date: Mon, 23 Nov 2026 10:00:00 +0000",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
    ]
    if mid:
        lines.insert(0, f"Message-ID: {mid}")
    head = "\r\n".join(lines).encode() + (b"\r\n" + extra_headers if extra_headers else b"")
    text = body or (f"Hello,\r\n\r\nWe will pay invoice INV-{1000 + i} by 15 December.\r\n\r\n"
                    "Regards,\r\nJane\r\n\r\n> On Mon, Northwind wrote:\r\n> Your invoice is overdue.\r\n")
    return head + b"\r\n\r\n" + text.encode()


def poison_messages() -> list[bytes]:
    """Broken MIME, a multi-megabyte attachment, an unknown charset; all marked poison."""
    broken = (POISON_HEADER + b"\r\nMessage-ID: <poison-mime@acme.test>\r\nFrom: x@acme.test\r\n"
              b"Subject: broken\r\nMIME-Version: 1.0\r\n"
              b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\n'
              b"--wrong\r\nContent-Type: text/plain\r\n\r\nunterminated\r\n")
    blob = base64.encodebytes(os.urandom(3 * 1024 * 1024)).replace(b"\n", b"\r\n")
    huge = (POISON_HEADER + b"\r\nMessage-ID: <poison-huge@acme.test>\r\nFrom: x@acme.test\r\n"
            b"Subject: remittance\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            b"--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="r.pdf"\r\n\r\n' + blob + b"--b1--\r\n")
    charset = (POISON_HEADER + b"\r\nMessage-ID: <poison-charset@acme.test>\r\nFrom: x@acme.test\r\n"
               b"Subject: =?x-unknown-7?Q?caf=E9?=\r\nMIME-Version: 1.0\r\n"
               b'Content-Type: text/plain; charset="x-unknown-7"\r\n\r\ncaf\xe9 \xff\xfe\r\n')
    return [broken, huge, charset]


class RecordingHook:
    """Marks a row processed and appends a ``test_processed`` timeline event, in ONE
    transaction (as the real step must); raises for messages carrying the poison header."""

    def __init__(self, db: Database, now: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.calls: list[int] = []
        self.done = threading.Condition()

    def __call__(self, inbound_id: int) -> None:
        self.calls.append(inbound_id)
        with self.db.session() as s:
            row = s.get(InboundMessage, inbound_id)
            assert row is not None
            if POISON_HEADER in row.raw[:2000]:
                raise ValueError("cannot read this message")
            row.status = "processed"
            row.processed_at = self.now()
            timeline.record(s, at=self.now(), kind="test_processed", summary="processed",
                            evidence={"inbound": inbound_id})
        with self.done:
            self.done.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self.done:
            return self.done.wait_for(predicate, timeout)


def processed_counts(db: Database) -> dict[int, int]:
    """inbound id -> how many times the hook committed an outcome for it."""
    with db.session() as s:
        evs = s.scalars(select(Event.evidence).where(Event.kind == "test_processed")).all()
    counts: dict[int, int] = {}
    for ev in evs:
        counts[int(ev["inbound"])] = counts.get(int(ev["inbound"]), 0) + 1
    return counts


def status_counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return dict(s.execute(select(InboundMessage.status, func.count())
                              .group_by(InboundMessage.status)).all())


class RecordingBatchHook:
    """The batch form of :class:`RecordingHook`: all rows in ONE transaction, all or nothing."""

    def __init__(self, single: RecordingHook) -> None:
        self.single = single
        self.batches: list[list[int]] = []

    def __call__(self, ids: list[int]) -> None:
        self.batches.append(list(ids))
        with self.single.db.session() as s:
            for inbound_id in ids:
                row = s.get(InboundMessage, inbound_id)
                assert row is not None
                if POISON_HEADER in row.raw[:2000]:
                    raise ValueError("cannot read this message")
                row.status = "processed"
                row.processed_at = self.single.now()
                timeline.record(s, at=self.single.now(), kind="test_processed", summary="processed",
                                evidence={"inbound": inbound_id})
