"""Crash soak: many trials of SIGKILLing a real sender process (``python -m bot send``) at
random moments of a 1,000-message drain to an aiosmtpd sink, restarting it until the outbox
is empty, and checking after each trial that nothing was lost, nothing arrived twice, and
only messages whose DATA command reached the server are uncertain (tests/crash_harness.py).

    python benchmarks/soak_sender_crash.py [--trials 20] [--messages 1000] [--kills 4]
                                           [--connections 8] [--db URL] [--seed S]

--db: a PostgreSQL URL to run against PostgreSQL (default: a temporary SQLite file). Each
trial adds its messages to the same outbox, as a long-running daemon would see them.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.db import Database
from tests.crash_harness import run_trial, write_config
from tests.smtp_server import Recorder, start_sink


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--db")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    ctl = start_sink(Recorder(keep_content=False))
    failures = 0
    totals = {"kills": 0, "mid": 0, "sent": 0, "uncertain": 0, "arrived": 0, "dups": 0}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/soak.db"
        db = Database(url)
        cfg = write_config(Path(tmp) / "bot.toml", url, ctl.port, args.connections)
        t0 = time.perf_counter()
        for t in range(args.trials):
            res = run_trial(db, cfg, ctl.recorder, n=args.messages, kills=args.kills, rng=rng,
                            start=t * args.messages, timeout=300)
            totals["kills"] += res.kills
            totals["mid"] += res.kills_mid_send
            totals["sent"] += res.sent
            totals["uncertain"] += res.uncertain
            totals["arrived"] += res.uncertain_arrived
            totals["dups"] += len(res.duplicates)
            verdict = "ok" if not res.problems else "FAIL: " + "; ".join(res.problems[:3])
            failures += bool(res.problems)
            print(f"trial {t + 1:>3}: runs={res.runs} kills={res.kills} (mid-drain {res.kills_mid_send}) "
                  f"sent={res.sent} uncertain={res.uncertain} (arrived {res.uncertain_arrived}) "
                  f"received={res.received} "
                  f"dups={len(res.duplicates)}  {verdict}", flush=True)
        db.close()
    ctl.stop()
    print(f"RESULT seed={args.seed} db={'postgresql' if args.db else 'sqlite'}: {args.trials} trials, "
          f"{totals['kills']} kills ({totals['mid']} mid-drain), {totals['sent']} sent, "
          f"{totals['uncertain']} uncertain ({totals['arrived']} of them had arrived), "
          f"{totals['dups']} received twice, "
          f"{failures} failed trials, {time.perf_counter() - t0:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
