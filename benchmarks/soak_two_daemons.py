"""Soak: several ``arbot run`` daemons on one PostgreSQL database, optionally killed -9
and restarted at random moments, while thousands of campaign emails go out and replies
come in. Afterwards: every campaign email delivered at most once (exactly once unless a
kill landed mid-DATA, which leaves the row ``uncertain`` for staff, never resent), every
reply stored and processed exactly once, one promise/answer per reply.

    python benchmarks/soak_two_daemons.py [--customers 2000] [--replies 1000]
                                          [--daemons 2] [--kills 0] [--db URL] [--seed S]

--db: a PostgreSQL server URL (default: $ARBOT_TEST_PG_URL); a throwaway database is
created on it and dropped afterwards. The IMAP server is the embedded pymap, the SMTP
server an aiosmtpd sink, both on 127.0.0.1. Prints the figures (wall-clock; the machine
is shared, so they are noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.db import sync_url
from bot.demo import mailers
from bot.devtools.smtp_sink import SmtpSink
from bot.models import InboundMessage, OutboxMessage, Promise
from tests.imap_fixtures import new_folder, start_pymap
from tests.loop_helpers import ALWAYS_OPEN, Daemon, LoopWorld, today, wait_for


def _status(w: LoopWorld, model: type, *conds: object) -> int:
    with w.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*conds)) or 0)  # type: ignore[arg-type]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--replies", type=int, default=1000)
    ap.add_argument("--daemons", type=int, default=2)
    ap.add_argument("--kills", type=int, default=0, help="SIGKILL a random daemon this many times")
    ap.add_argument("--db", default=os.environ.get("ARBOT_TEST_PG_URL"))
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    if not args.db:
        print("needs --db or ARBOT_TEST_PG_URL (a PostgreSQL server)", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    admin = create_engine(sync_url(args.db), isolation_level="AUTOCOMMIT")
    name = f"arbot_soak_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(sync_url(args.db)).set(database=name).render_as_string(hide_password=False)
    imap = start_pymap()
    os.environ["ARBOT_TEST_IMAP_PASSWORD"] = imap.password
    failures: list[str] = []
    try:
        with SmtpSink() as sink, tempfile.TemporaryDirectory() as tmp:
            w = LoopWorld.create(Path(tmp), url, sink, imap, new_folder(), extra_toml=ALWAYS_OPEN,
                                 tick_seconds=1.0, idle=True, poll_seconds=1.0, digest_time="00:00:00")
            ids = [f"C{i}" for i in range(1, args.customers + 1)]
            w.ledger(ids, due=((today() - dt.timedelta(days=5), "120.00"),))
            logs = Path(tmp)
            daemons = [Daemon(w, logs / f"d{i}.log") for i in range(args.daemons)]
            started = len(daemons)
            t0 = time.perf_counter()

            def campaign_done() -> bool:
                return bool(_status(w, OutboxMessage, OutboxMessage.kind == "dunning",
                               OutboxMessage.status.in_(("sent", "uncertain", "failed"))) >= args.customers)

            kill_at = sorted(rng.uniform(0.5, 8.0) for _ in range(args.kills))

            def maybe_kill() -> None:
                nonlocal started
                while kill_at and time.perf_counter() - t0 > kill_at[0]:
                    kill_at.pop(0)
                    i = rng.randrange(len(daemons))
                    daemons[i].proc.kill()
                    daemons[i].proc.wait(10)
                    daemons[i].kill()
                    daemons[i] = Daemon(w, logs / f"d{started}.log")
                    started += 1

            def campaign_step() -> bool:
                maybe_kill()
                return campaign_done()

            wait_for(campaign_step, 900, "the campaign emails", interval=0.5)
            t_campaign = time.perf_counter() - t0
            w.collect()
            by_rcpt: dict[str, bytes] = {}
            for got in w.mail:
                by_rcpt.setdefault(got.rcpt_to[0], got.raw)
            now = dt.datetime.now(dt.UTC)
            replies = []
            for i, ext in enumerate(ids[:args.replies]):
                raw = by_rcpt.get(w.contact(ext))
                if raw is None:
                    continue
                text_ = (f"Hello,\n\nWe will pay on {today() + dt.timedelta(days=5 + i % 20):%d %B %Y}.\n\nRegards"
                         if i % 3 else "Hello,\n\nCould you please send us a copy of the invoice?\n\nThanks")
                replies.append(mailers.reply(raw, sender=w.contact(ext), sender_name=f"{ext} AP", text=text_,
                                             now=now, tz="Europe/London", language="en"))
            kill_at[:] = sorted(time.perf_counter() - t0 + rng.uniform(0.5, 8.0) for _ in range(args.kills))
            t1 = time.perf_counter()
            w.imap.append(w.folder, *replies)
            t_append = time.perf_counter() - t1

            def replies_step() -> bool:
                maybe_kill()
                return _status(w, InboundMessage, InboundMessage.status.in_(("processed", "review"))) >= len(replies)

            wait_for(replies_step, 900, "the replies processed", interval=0.5)
            t_replies = time.perf_counter() - t1
            for d in daemons:
                d.stop()
            w.collect()

            mids = Counter(m.raw.split(b"Message-ID:", 1)[1].split(b"\r\n", 1)[0].strip()
                           for m in w.mail if b"X-Arbot-Token" in m.raw.split(b"\r\n\r\n", 1)[0])
            dup = sum(n - 1 for n in mids.values() if n > 1)
            with w.db.session() as s:
                outbox: Counter[tuple[str, str]] = Counter(
                    (k, st) for k, st in s.execute(select(OutboxMessage.kind, OutboxMessage.status)))
                inbound = Counter(s.scalars(select(InboundMessage.status)))
                promises = Counter(s.scalars(select(Promise.source_message_id)))
                n_in = s.scalar(select(func.count(func.distinct(InboundMessage.message_id))))
            if dup:
                failures.append(f"{dup} emails delivered more than once")
            if any(n > 1 for n in promises.values()):
                failures.append("a reply produced more than one promise")
            if n_in != len(replies) or sum(inbound.values()) != len(replies):
                failures.append(f"inbound rows {sum(inbound.values())} for {len(replies)} replies")
            if outbox.get(("dunning", "sending")) or outbox.get(("copy", "sending")):
                failures.append("outbox rows left in 'sending'")
            print(f"daemons {args.daemons}, kills {args.kills} (processes started {started}), seed {args.seed}")
            print(f"campaign: {args.customers} emails queued and sent in {t_campaign:.1f} s "
                  f"({args.customers / t_campaign:.0f}/s)")
            print(f"replies: {len(replies)} appended in {t_append:.1f} s; all processed "
                  f"{t_replies:.1f} s after the append started ({len(replies) / t_replies:.0f}/s)")
            print(f"outbox: {dict(outbox)}")
            print(f"inbound: {dict(inbound)}; promises {len(promises)}; duplicate deliveries {dup}")
            w.close()
    finally:
        for item in imap._stop:
            if callable(item):
                item()
        with admin.connect() as c:
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
