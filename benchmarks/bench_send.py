"""Sending benchmark: arbot's outbox Sender against bare aiosmtplib, side by side, one run.

    python benchmarks/bench_send.py [--messages 5000] [--connections 32] [--size 20000]
                                    [--sink process|thread|both] [--db URL]

N pre-rendered ~20 KB dunning emails are queued in an outbox (SQLite in a temp dir unless
--db names a database). A local aiosmtpd sink receives them: by default in a separate
process, so the sink does not share the sender's event loop and GIL (``thread`` runs it in a
thread of this process, ``both`` measures both ways). Measured, in this order:

  bare     aiosmtplib alone: N workers, one persistent connection each, ``sendmail`` of the
           same bytes (read from the outbox beforehand);
  arbot    ``Sender.run_once``: claim in batches, per-domain limiter, hand-over marks and
           outcomes grouped into few transactions, timeline events, over the same number
           of persistent connections;

alternating which goes first, ``--rounds`` times; prints each round and the medians of the
rates and of the per-round ratio arbot / bare (bar: >= 0.70), and the CPU time this
process spent per message in each (all threads: for arbot that includes the database
work), a figure less disturbed than wall-clock rates by other load on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import aiosmtplib
from sqlalchemy import select, update

from bot.config import SmtpConfig
from bot.db import Database
from bot.models import OutboxBody, OutboxMessage
from bot.sender import Sender
from tests.outbox_factory import NOW, seed
from tests.smtp_server import Recorder, start_sink


class Sink:
    """The aiosmtpd sink, in a child process or a thread of this one."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        if mode == "process":
            env = dict(os.environ, PYTHONPATH=str(REPO))
            self._proc = subprocess.Popen([sys.executable, "-m", "tests.smtp_server"],
                                          stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
            assert self._proc.stdout is not None
            line = self._proc.stdout.readline().split()
            if not line or line[0] != "ready":
                raise RuntimeError("sink process did not start")
            self.port = int(line[1])
        else:
            self._ctl = start_sink(Recorder(keep_content=False))
            self.port = self._ctl.port

    def close(self) -> None:
        if self.mode == "process":
            self._proc.terminate()
            self._proc.wait(10)
        else:
            self._ctl.stop()


async def bare(port: int, conns: int, jobs: list[tuple[str, list[str], bytes]]) -> float:
    queue: asyncio.Queue[tuple[str, list[str], bytes]] = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)

    async def worker() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=30)
        await smtp.connect()
        while not queue.empty():
            sender, rcpts, raw = queue.get_nowait()
            await smtp.sendmail(sender, rcpts, raw)
        await smtp.quit()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conns)))
    return len(jobs) / (time.perf_counter() - t0)


async def arbot(db: Database, port: int, conns: int, n: int) -> tuple[float, int]:
    cfg = SmtpConfig(host="127.0.0.1", port=port, connections=conns, timeout_seconds=30,
                     per_domain_per_minute=1_000_000)
    sender = Sender(db, cfg, clock=lambda: NOW)
    t0 = time.perf_counter()
    stats = await sender.run_once(NOW)
    elapsed = time.perf_counter() - t0
    await sender.aclose()
    if stats.sent != n:
        raise SystemExit(f"arbot sent {stats.sent} of {n}: {stats.as_dict()}")
    return n / elapsed, sender.connections_opened


def cpu(run: Callable[[], T]) -> tuple[T, float]:
    """``run()`` and the CPU seconds this process (all its threads) spent on it."""
    t0 = time.process_time()
    out = run()
    return out, time.process_time() - t0


def reset(db: Database) -> None:
    with db.session() as s:
        s.execute(update(OutboxMessage).values(status="pending", attempts=0, sent_at=None,
                                               claimed_by=None, claimed_at=None))


def measure(db: Database, mode: str, conns: int, n: int, rounds: int) -> dict[str, float]:
    """``rounds`` alternations of bare and arbot runs; the median of the per-round ratios
    (alternating the order damps the drift of a shared, loaded machine)."""
    with db.session() as s:
        jobs = [(r.mail_from, list(r.rcpt_to), bytes(r.raw))
                for r in s.execute(select(OutboxMessage.mail_from, OutboxMessage.rcpt_to,
                                          OutboxBody.raw)
                                   .join(OutboxBody, OutboxBody.outbox_id == OutboxMessage.id))]
    sink = Sink(mode)
    bares: list[float] = []
    arbots: list[float] = []
    ratios: list[float] = []
    cpus: list[tuple[float, float]] = []
    try:
        for r in range(rounds):
            reset(db)
            if r % 2 == 0:
                (b, cpu_b) = cpu(lambda: asyncio.run(bare(sink.port, conns, jobs)))
                ((a, opened), cpu_a) = cpu(lambda: asyncio.run(arbot(db, sink.port, conns, n)))
            else:
                ((a, opened), cpu_a) = cpu(lambda: asyncio.run(arbot(db, sink.port, conns, n)))
                (b, cpu_b) = cpu(lambda: asyncio.run(bare(sink.port, conns, jobs)))
            bares.append(b)
            arbots.append(a)
            ratios.append(a / b)
            cpus.append((cpu_b / len(jobs), cpu_a / n))
            print(f"  [sink in a {mode:7}] round {r + 1}: bare aiosmtplib {b:6.0f} msg/s | "
                  f"arbot Sender {a:6.0f} msg/s ({opened} connections) | ratio {a / b:.2f} | "
                  f"CPU of this process per message: bare {1000 * cpu_b / len(jobs):.2f} ms, "
                  f"arbot {1000 * cpu_a / n:.2f} ms", flush=True)
    finally:
        sink.close()
    res = {"bare": statistics.median(bares), "arbot": statistics.median(arbots),
           "ratio": statistics.median(ratios),
           "cpu_bare": statistics.median(c[0] for c in cpus),
           "cpu_arbot": statistics.median(c[1] for c in cpus)}
    print(f"[sink in a {mode:7}] median: bare {res['bare']:.0f} msg/s, arbot {res['arbot']:.0f} msg/s, "
          f"ratio {res['ratio']:.2f}; CPU per message bare {1000 * res['cpu_bare']:.2f} ms, "
          f"arbot {1000 * res['cpu_arbot']:.2f} ms (ratio {res['cpu_bare'] / res['cpu_arbot']:.2f})")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--sink", choices=["process", "thread", "both"], default="both")
    ap.add_argument("--rounds", type=int, default=3, help="bare/arbot alternations per sink mode")
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        db = Database(url)
        t0 = time.perf_counter()
        seed(db, args.messages, domains=50, size=args.size, now=NOW - dt.timedelta(minutes=1))
        print(f"queued {args.messages} messages of ~{args.size // 1000} KB in "
              f"{time.perf_counter() - t0:.1f} s ({db.dialect}); {args.connections} connections")
        modes = ["process", "thread"] if args.sink == "both" else [args.sink]
        results = {}
        for mode in modes:
            results[mode] = measure(db, mode, args.connections, args.messages, args.rounds)
        db.close()
    main_mode = "process" if "process" in results else modes[0]
    r = results[main_mode]
    print(f"RESULT sink={main_mode}: bare {r['bare']:.0f} msg/s, arbot {r['arbot']:.0f} msg/s, "
          f"ratio {r['ratio']:.2f} (bar 0.70)")


if __name__ == "__main__":
    main()
