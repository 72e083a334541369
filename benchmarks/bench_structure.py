"""Timing of the structural readers (decode, split_reply, read_bounce, read_auto_reply).

    python benchmarks/bench_structure.py

Prints median / p95 / max per message over the shared corpora (when present, else over the
golden files) and the worst case over generated pathological inputs (10 MB bodies, deep
nesting, huge HTML, thousands of parts, broken charsets). Figures depend on machine load.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from parsers.autoreply import is_automated, read_auto_reply
from parsers.bounce import read_bounce
from parsers.mime import decode
from parsers.quotes import split_reply

SHARED = Path(os.environ.get("ARBOT_SHARED", REPO.parent / "shared"))


def run_one(raw: bytes) -> float:
    start = time.perf_counter()
    msg = decode(raw)
    split = split_reply(msg.text)
    read_bounce(msg)
    read_auto_reply(msg, split.reply)
    is_automated(msg)
    return time.perf_counter() - start


def pathological() -> dict[str, bytes]:
    head = b"From: a@b.example\r\nTo: ar@seller.example\r\nSubject: x\r\n"
    return {
        "10MB plain body": head + b"\r\n" + (b"We paid the invoice. " * 50 + b"\r\n") * 9500,
        "10MB single line": head + b"\r\n" + b"x" * 10_000_000,
        "9MB quoted lines": head + b"\r\n" + b"> quoted line with some text\r\n" * 300_000,
        "nested blockquotes": head + b"Content-Type: text/html\r\n\r\n" + b"<div><blockquote>" * 20_000
        + b"hi" + b"</blockquote></div>" * 20_000,
        "3000-deep multipart": head + b"MIME-Version: 1.0\r\n" + b"".join(
            b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(3000)) + b"x",
        "20000 parts": head + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
        + b"".join(b"--z\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(20_000)) + b"--z--",
        "unknown charset": head + b"Content-Type: text/plain; charset=x-nope\r\n\r\n" + b"Caf\xe9 " * 100_000,
        "8MB base64 attachment": head + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
        b"--z\r\nContent-Type: text/plain\r\n\r\nsee\r\n--z\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n" * 170_000
        + b"--z--\r\n",
        "50000 headers": b"".join(b"X-H%d: v\r\n" % i for i in range(50_000)) + b"\r\nbody",
    }


def main() -> None:
    files = sorted(SHARED.glob("replies/*.eml")) + sorted(SHARED.glob("realworld/*/*.eml"))
    if not files:
        files = sorted((REPO / "tests" / "golden" / "structure").glob("*.eml"))
    raws = [f.read_bytes() for f in files]
    for raw in raws[:20]:  # warm-up (imports, regex compilation)
        run_one(raw)
    times = sorted(run_one(raw) for raw in raws)
    total = sum(times)
    print(f"corpus: {len(times)} messages  median {statistics.median(times) * 1000:.2f} ms  "
          f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms  max {times[-1] * 1000:.2f} ms  "
          f"throughput {len(times) / total:.0f} msg/s (one core)")
    worst = 0.0
    for name, raw in pathological().items():
        elapsed = run_one(raw)
        worst = max(worst, elapsed)
        print(f"pathological: {name:24s} {len(raw) / 1e6:6.1f} MB  {elapsed * 1000:7.1f} ms")
    print(f"pathological worst case: {worst * 1000:.0f} ms")


if __name__ == "__main__":
    main()
