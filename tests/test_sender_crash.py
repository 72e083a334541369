"""Crash safety: a real sender process SIGKILLed at random moments of a 1,000-message drain,
restarted until the outbox is empty; nothing lost, nothing received twice, and uncertain
only where the process died after the DATA command (see tests/crash_harness.py).
The long version with many trials: benchmarks/soak_sender_crash.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db import Database
from tests.crash_harness import run_trial, write_config
from tests.smtp_server import Recorder, SinkController, start_sink


@pytest.fixture
def sink() -> Iterator[SinkController]:
    ctl = start_sink(Recorder(keep_content=False))
    yield ctl
    ctl.stop()


@pytest.mark.timeout(170)
def test_sigkilled_sender_neither_loses_nor_repeats(sqlite_url: str, tmp_path: Path,
                                                    sink: SinkController) -> None:
    db = Database(sqlite_url)
    cfg = write_config(tmp_path / "bot.toml", sqlite_url, sink.port, connections=8)
    rng = random.Random(20261123)
    trials = []
    for t in range(2):
        res = run_trial(db, cfg, sink.recorder, n=1000, kills=2, rng=rng, start=t * 1000)
        assert not res.problems, res.problems
        assert res.sent + res.uncertain == 1000 and not res.duplicates
        trials.append(res)
    assert sum(r.kills_mid_send for r in trials) >= 2       # the kills really hit the drain
    db.close()


@pytest.mark.timeout(170)
def test_sigkilled_sender_on_postgres(pg_server_url: str, tmp_path: Path, sink: SinkController) -> None:
    """The same proof, one trial, on PostgreSQL (skipped without ARBOT_TEST_PG_URL)."""
    from tests.conftest import _reset_pg

    _reset_pg(pg_server_url)
    db = Database(pg_server_url)
    cfg = write_config(tmp_path / "bot.toml", pg_server_url, sink.port, connections=8)
    res = run_trial(db, cfg, sink.recorder, n=1000, kills=2, rng=random.Random(7))
    assert not res.problems, res.problems
    assert res.sent + res.uncertain == 1000 and not res.duplicates and res.kills_mid_send >= 1
    db.close()
