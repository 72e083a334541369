"""The outbox table API: insert-or-ignore enqueue, set-based claim, outcome marks."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time
from collections import Counter
from typing import Any

from sqlalchemy import select

from bot import outbox
from bot.db import Database
from bot.models import OutboxMessage

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _enqueue(s, i: int, *, key: str | None = None, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    return outbox.enqueue(
        s, key=key or f"k{i}", kind="alert", customer_id=None, mail_from="ar@northwind.test",
        rcpt_to=[f"ap{i}@example.test"], raw=b"Subject: x\r\n\r\nbody\r\n", message_id=f"<m{i}@t>",
        reply_token=None, subject="x", invoice_numbers=["INV-1"], now=now)


def test_enqueue_is_insert_or_ignore(db_url: str) -> None:
    db = Database(db_url)
    with db.session() as s:
        first = _enqueue(s, 1)
        assert first is not None and first.status == "pending" and first.next_attempt_at == NOW
    with db.session() as s:
        assert _enqueue(s, 2, key="k1") is None       # same key, other message id: ignored
    with db.session() as s:
        rows = s.scalars(select(OutboxMessage)).all()
        assert [r.message_id for r in rows] == ["<m1@t>"]
    db.close()


def test_claim_moves_due_rows_and_marks(db_url: str) -> None:
    db = Database(db_url)
    with db.session() as s:
        for i in range(5):
            _enqueue(s, i)
        _enqueue(s, 99, now=NOW + dt.timedelta(hours=1))      # not yet due
    got = outbox.claim(db, "w1", 3, NOW)
    assert [m.attempts for m in got] == [1, 1, 1] and len({m.id for m in got}) == 3
    rest = outbox.claim(db, "w2", 10, NOW)
    assert len(rest) == 2
    with db.session() as s:
        assert outbox.mark_sent(s, [got[0].id], NOW, "w1") == 1
        assert outbox.mark_sent(s, [got[1].id], NOW, "w2") == 0      # not w2's row
        assert outbox.mark_retry(s, got[1].id, NOW + dt.timedelta(minutes=1), "451 later", "w1")
        assert outbox.mark_failed(s, got[2].id, "550 no such user")
        assert outbox.mark_uncertain(s, rest[0].id, "drop after DATA")
    with db.session() as s:
        st = {r.id: (r.status, r.attempts) for r in s.scalars(select(OutboxMessage))}
    assert st[got[0].id] == ("sent", 1) and st[got[1].id] == ("pending", 1)
    assert st[got[2].id][0] == "failed" and st[rest[0].id][0] == "uncertain"
    assert outbox.claim(db, "w3", 10, NOW + dt.timedelta(minutes=2))[0].attempts in (1, 2)
    db.close()


def _claimer(url: str, worker: str, out: mp.Queue[list[int]], start: Any) -> None:
    db = Database(url, migrate=False)
    mine: list[int] = []
    start.wait(60)                     # all processes begin claiming together
    while True:
        batch = outbox.claim(db, worker, 7, NOW)
        if not batch:
            break
        mine.extend(m.id for m in batch)
        time.sleep(0.002)              # a real sender works between claims; lets others in
    db.close()
    out.put(mine)


def test_concurrent_claimers_never_share_a_row(db_url: str) -> None:
    db = Database(db_url)
    n = 600
    with db.session() as s:
        for i in range(n):
            _enqueue(s, i)
    db.close()
    ctx = mp.get_context("spawn")
    q: mp.Queue[list[int]] = ctx.Queue()
    start = ctx.Barrier(4)
    procs = [ctx.Process(target=_claimer, args=(db_url, f"w{k}", q, start)) for k in range(4)]
    for p in procs:
        p.start()
    claimed = [q.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    counts = Counter(i for ids in claimed for i in ids)
    assert len(counts) == n and max(counts.values()) == 1
    assert sum(1 for ids in claimed if ids) >= 2      # they really raced
