"""Kill -9 the watcher process at random moments while replies arrive; restart it.

Afterwards every reply is stored exactly once, processed exactly once (the hook's
outcome is committed once), and none is left unmoved.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Config
from bot.db import Database
from bot.models import InboundMessage
from tests.imap_fixtures import ImapServer, new_folder
from tests.mailbox_helpers import processed_counts, reply

REPO = Path(__file__).resolve().parent.parent
N_MESSAGES = 30
KILLS = 4


def _spawn(config_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "tests.mailbox_worker", str(config_path)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kill_and_restart_loses_and_repeats_nothing(imap_server: ImapServer,
                                                    config_factory: Callable[..., Config]) -> None:
    folder = new_folder()
    imap_server.create(folder)
    cfg = config_factory(None, imap_server.toml(folder, idle=True, poll_seconds=1.0))
    db = Database(cfg.database_url)
    rng = random.Random(int(os.environ.get("ARBOT_TEST_SEED", "0")) or None)
    msgs = [reply(i) for i in range(N_MESSAGES)]

    def deliver() -> None:
        with imap_server.client() as c:
            for raw in msgs:
                c.append(imap_server.name(folder), raw)
                time.sleep(rng.uniform(0.05, 0.25))

    sender = threading.Thread(target=deliver, daemon=True)
    sender.start()
    windows = {"stored, not processed": 0, "processed, not moved": 0}
    for _ in range(KILLS):
        before = _progress(db)
        proc = _spawn(cfg.source_path)
        # Kill while it works: shortly after it has made progress (or after 3 s anyway).
        deadline = time.monotonic() + 3
        while _progress(db) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        with db.session() as s:
            rows = s.scalars(select(InboundMessage)).all()
        windows["stored, not processed"] += sum(r.status == "new" for r in rows)
        windows["processed, not moved"] += sum(r.status != "new" and not r.mailbox_done for r in rows)
    sender.join(30)
    print(f"crash windows left behind by the kills: {windows}")

    proc = _spawn(cfg.source_path)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with db.session() as s:
                done = s.scalars(select(InboundMessage.id).where(
                    InboundMessage.mailbox_done.is_(True))).all()
            if len(done) >= N_MESSAGES:
                break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("watcher did not stop within 10 s of SIGTERM")
    err = proc.stderr.read().decode() if proc.stderr else ""
    with db.session() as s:
        rows = s.scalars(select(InboundMessage)).all()
    assert sorted(r.raw for r in rows) == sorted(msgs), "each reply stored exactly once"
    assert all(r.status == "processed" and r.mailbox_done for r in rows), err[-2000:]
    counts = processed_counts(db)
    assert sorted(counts) == sorted(r.id for r in rows)
    assert set(counts.values()) == {1}, "each reply processed exactly once"
    assert imap_server.uids(folder) == []
    assert len(imap_server.uids(f"{folder}/Processed")) == N_MESSAGES


def test_two_watcher_processes_on_postgresql_one_wins_then_fails_over(
        pymap_server: ImapServer, config_factory: Callable[..., Config], pg_server_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two daemons on one PostgreSQL database: one watcher holds the advisory lock; when it
    is killed the other takes over; every reply is processed exactly once."""
    from tests.conftest import _reset_pg

    _reset_pg(pg_server_url)
    monkeypatch.setenv("ARBOT_TEST_IMAP_PASSWORD", pymap_server.password)
    folder = new_folder()
    pymap_server.create(folder)
    cfg = config_factory(pg_server_url, pymap_server.toml(folder, idle=True, poll_seconds=0.5))
    db = Database(cfg.database_url)
    first = _spawn(cfg.source_path)
    second: subprocess.Popen[bytes] | None = None
    try:
        pymap_server.append(folder, *[reply(i) for i in range(10)])
        assert _wait_done(db, 10, 20)               # the first watcher holds the lock
        second = _spawn(cfg.source_path)            # a second daemon: standby
        pymap_server.append(folder, *[reply(i) for i in range(10, 15)])
        assert _wait_done(db, 15, 20)
        time.sleep(1.0)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        pymap_server.append(folder, *[reply(i) for i in range(15, 20)])
        assert _wait_done(db, 20, 20), "the surviving watcher took over"
    finally:
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(10)
    counts = processed_counts(db)
    assert len(counts) == 20 and set(counts.values()) == {1}
    assert pymap_server.uids(folder) == []


def _progress(db: Database) -> tuple[int, int, int]:
    """(stored, processed, moved) counts."""
    with db.session() as s:
        rows = s.execute(select(InboundMessage.status, InboundMessage.mailbox_done)).all()
    return (len(rows), sum(st != "new" for st, _d in rows), sum(bool(d) for _st, d in rows))


def _wait_done(db: Database, n: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session() as s:
            done = s.scalars(select(InboundMessage.id).where(InboundMessage.mailbox_done.is_(True))).all()
        if len(done) >= n:
            return True
        time.sleep(0.1)
    return False
