"""Benchmark of ``read_reply``: median and worst latency, and batch throughput on one core.

Run: ``python benchmarks/bench_classify.py [--rounds N]`` from the repository root.

Messages: the golden replies in ``tests/golden/replies``, the shared corpora next to the
repository when present (``../shared/replies`` and ``../shared/realworld/*``), and a set of
pathological inputs (10 MB body, deep MIME nesting, huge header, random bytes, long runs of
digits and addresses). Bars (issue 4): median < 20 ms, worst < 1 s on pathological input,
>= 200 messages/s in a batch after start-up.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers.read import read_reply


def _message(body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "a@customer.example"
    msg["To"] = "ar@seller.example"
    msg["Subject"] = "RE: invoice"
    msg["Date"] = "Tue, 14 Apr 2026 10:00:00 +0200"
    msg.set_content(body)
    return msg.as_bytes()


def pathological() -> list[tuple[str, bytes]]:
    rng = random.Random(7)
    nested = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + (
        b"--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" * 5000)
    return [
        ("10 MB body", _message(("x" * 998 + "\n") * 10_000)),
        ("2.6 MB of one sentence", _message("We will pay on Friday. " * 120_000)),
        ("deep MIME nesting", nested),
        ("huge header", b"Subject: " + b"a" * 2_000_000 + b"\r\n\r\nbody"),
        ("random bytes", bytes(rng.getrandbits(8) for _ in range(200_000))),
        ("digits and slashes", _message("1/2/3/4/5/6/7/8/9 " * 50_000 + "$1,1,1,1,1 " * 20_000)),
        ("address-like runs", _message("a@b." * 100_000)),
        ("10k short lines of quotes", _message("> quoted line\n" * 10_000)),
    ]


def corpus() -> list[tuple[str, bytes]]:
    files = sorted((REPO / "tests" / "golden" / "replies").glob("*.eml"))
    shared = REPO.parent / "shared"
    for folder in [shared / "replies", *sorted((shared / "realworld").glob("*"))]:
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.eml")))
    return [(str(f.relative_to(f.parent.parent)), f.read_bytes()) for f in files]


def timed(raw: bytes) -> float:
    start = time.perf_counter()
    read_reply(raw)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="batch passes over the corpus")
    args = parser.parse_args()
    messages = corpus()
    for _, raw in messages[:20]:  # start-up: imports, regex compilation, first-call caches
        read_reply(raw)
    latencies = sorted((timed(raw), name) for name, raw in messages)
    values = [t for t, _ in latencies]
    median = statistics.median(values)
    p95 = values[int(0.95 * (len(values) - 1))]
    print(f"corpus: {len(messages)} messages")
    print(f"  median latency   {median * 1000:8.2f} ms   (bar < 20 ms)  {'OK' if median < 0.020 else 'MISSED'}")
    print(f"  p95 latency      {p95 * 1000:8.2f} ms")
    print(f"  worst latency    {values[-1] * 1000:8.2f} ms   ({latencies[-1][1]})")
    start = time.perf_counter()
    for _ in range(args.rounds):
        for _, raw in messages:
            read_reply(raw)
    elapsed = time.perf_counter() - start
    rate = args.rounds * len(messages) / elapsed
    print(f"  batch throughput {rate:8.1f} msg/s (one core, {args.rounds} rounds)   (bar >= 200)  "
          f"{'OK' if rate >= 200 else 'MISSED'}")
    print("pathological inputs:")
    worst = 0.0
    for name, raw in pathological():
        took = timed(raw)
        worst = max(worst, took)
        print(f"  {name:<28}{took * 1000:9.1f} ms")
    print(f"  worst            {worst * 1000:8.1f} ms   (bar < 1000 ms)  {'OK' if worst < 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
