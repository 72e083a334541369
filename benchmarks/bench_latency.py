"""Reply-to-outcome latency with IDLE: APPEND one message at a time, time until committed.

    python benchmarks/bench_latency.py [N]

The watcher runs as in the daemon (``MailboxWatcher.run`` with IDLE). For each message
the clock starts just before the APPEND and stops when the processing hook has
committed its outcome. Prints p50 and p99. Bar (Dovecot): p50 <= 0.7 s, p99 <= 1.5 s;
Dovecot's IDLE notification alone takes about 0.5 s.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import threading
import time

from _imap_bench import bench_setup, real_or_passthrough, realistic_reply, seed_ledger
from imapclient import IMAPClient

from bot.mailbox import MailboxWatcher


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def main(n: int) -> None:
    with bench_setup("Replies", idle=True, poll_seconds=600) as b:
        seed_ledger(b.db)
        inner, which = real_or_passthrough(b.db, b.config)
        done = threading.Condition()
        finished: list[float] = []

        def hook(inbound_id: int) -> None:
            inner(inbound_id)
            with done:
                finished.append(time.perf_counter())
                done.notify_all()

        watcher = MailboxWatcher(b.db, b.config, process=hook)
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        runner = threading.Thread(target=loop.run_until_complete, args=(watcher.run(stop),), daemon=True)
        with IMAPClient(b.host, port=b.port, ssl=False) as c:
            c.login(b.user, b.password)
            c.create_folder("Replies")
            runner.start()
            time.sleep(2.0)          # let the watcher connect and start idling
            latencies = []
            rng = random.Random(7)
            for i in range(n):
                t0 = time.perf_counter()
                c.append("Replies", realistic_reply(i))
                with done:
                    if not done.wait_for(lambda n=i: len(finished) > n, 10):
                        raise SystemExit(f"message {i} not processed within 10 s")
                latencies.append(finished[i] - t0)
                time.sleep(rng.uniform(0.05, 0.3))
        loop.call_soon_threadsafe(stop.set)
        runner.join(10)
        print(f"server: {b.kind}; database: {b.db.dialect}; hook: {which}")
        print(f"{n} replies, APPEND -> outcome committed: p50 {percentile(latencies, 50):.3f} s, "
              f"p99 {percentile(latencies, 99):.3f} s, mean {statistics.mean(latencies):.3f} s, "
              f"max {max(latencies):.3f} s (bar p50 <= 0.7 s, p99 <= 1.5 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
