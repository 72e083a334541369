"""Kill-and-restart trials of a real sender process (``python -m bot send``) against an
aiosmtpd sink, and the checks that make them a proof (used by tests/test_sender_crash.py
and benchmarks/soak_sender_crash.py).

One trial: queue N messages (the envelope sender of message i is ``bounces+i@...`` so the
sink can tell which message each DATA command belonged to); start the sender; SIGKILL it
once the sink has received a random number of messages (plus a random sub-millisecond-to-
milliseconds delay); restart; repeat ``kills`` times; then let a last sender run to the
end. Checks, on the final state:

* nothing lost: every row is ``sent`` or ``uncertain``; every ``sent`` row arrived;
* nothing twice: no Message-ID arrived twice;
* uncertainty is honest: every ``uncertain`` row had its DATA command seen by the server
  (the process died between DATA and recording the reply), and nothing else is uncertain.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.db import Database
from bot.models import OutboxMessage
from tests.outbox_factory import NOW, seed
from tests.smtp_server import Recorder

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
[company]
name = "Northwind Supplies Ltd"
ar_address = "ar@northwind.test"
timezone = "Europe/London"
currency = "GBP"
staff = ["controller@northwind.test"]
escalation = ["collections@northwind.test"]

[database]
url = "{url}"

[smtp]
host = "127.0.0.1"
port = {port}
connections = {connections}
timeout_seconds = 10
per_domain_per_minute = 1000000
"""


def write_config(path: Path, url: str, port: int, connections: int = 8) -> Path:
    path.write_text(CONFIG.format(url=url, port=port, connections=connections), encoding="utf-8")
    return path


@dataclass
class TrialResult:
    kills: int = 0
    kills_mid_send: int = 0
    runs: int = 0
    sent: int = 0
    uncertain: int = 0
    uncertain_arrived: int = 0       # uncertain rows whose message had in fact arrived
    received: int = 0
    duplicates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _start(cfg: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "bot", "-c", str(cfg), "send",
                             "--now", (NOW + __import__("datetime").timedelta(minutes=5)).isoformat()],
                            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_trial(db: Database, cfg: Path, rec: Recorder, *, n: int, kills: int, rng: random.Random,
              start: int = 0, timeout: float = 120.0) -> TrialResult:
    """Queue ``n`` messages numbered from ``start`` and drain them through killed senders."""
    res = TrialResult()
    seed(db, n, domains=20, size=2_000, verp=True, start=start)
    base = len(rec.message_ids())
    deadline = time.monotonic() + timeout
    for k in range(kills + 1):
        proc = _start(cfg)
        res.runs += 1
        if k < kills:
            # Kill after a random share of what is left has arrived (and a random delay).
            remaining = n - (len(rec.message_ids()) - base)
            target = len(rec.message_ids()) + rng.randint(0, max(0, remaining - 1))
            while proc.poll() is None and len(rec.message_ids()) < target:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.0005)
            time.sleep(rng.choice([0, 0, 0.0002, 0.001, 0.003]))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                res.kills += 1
                if len(rec.message_ids()) - base < n:
                    res.kills_mid_send += 1
            proc.wait(30)
        else:
            try:
                _, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                res.problems.append("the last sender did not finish in time")
                return res
            if proc.returncode != 0:
                res.problems.append(f"the last sender exited {proc.returncode}: {err.decode()[-400:]}")
    check(db, rec, res, first=start, n=n)
    return res


def check(db: Database, rec: Recorder, res: TrialResult, *, first: int, n: int) -> None:
    wanted = {f"<arbot-{i}@northwind.test>" for i in range(first, first + n)}
    with db.session() as s:
        rows = {r.message_id: (r.status, r.mail_from) for r in s.execute(
            select(OutboxMessage.message_id, OutboxMessage.status, OutboxMessage.mail_from))
            if r.message_id in wanted}
    got = Counter(m for m in rec.message_ids() if m in wanted)
    with rec.lock:
        data_seen = set(rec.data_commands)
    res.received = len(got)
    res.duplicates = sorted(m for m, c in got.items() if c > 1)
    for mid, (status, mail_from) in sorted(rows.items()):
        if status == "sent":
            res.sent += 1
            if mid not in got:
                res.problems.append(f"{mid}: marked sent but never arrived")
        elif status == "uncertain":
            res.uncertain += 1
            res.uncertain_arrived += mid in got
            if mail_from not in data_seen:
                res.problems.append(f"{mid}: uncertain although its DATA command never reached the server")
        else:
            res.problems.append(f"{mid}: left {status}")
    if len(rows) != n:
        res.problems.append(f"{n - len(rows)} rows missing")
    if res.duplicates:
        res.problems.append(f"received twice: {res.duplicates[:5]}")
