"""``arbot send``, ``arbot outbox`` and ``arbot outbox release`` through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import update
from typer.testing import CliRunner

from bot.config import Config
from bot.db import Database
from bot.models import OutboxMessage
from tests.outbox_factory import seed
from tests.smtp_server import Recorder, start_sink

REPO = Path(__file__).resolve().parent.parent


def arbot_process(cfg_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "bot", "-c", str(cfg_path), *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False)


def arbot(cfg_path: Path, *args: str) -> Any:
    """In-process (fast); one call below goes through a real process."""
    from bot.cli import app

    r = CliRunner().invoke(app, ["-c", str(cfg_path), *args])
    return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr)


def test_send_outbox_and_release(config_factory: Callable[..., Config], tmp_path: Path) -> None:
    ctl = start_sink(Recorder(on_rcpt=lambda a: "550 5.1.1 unknown" if a.startswith("ap1@") else None))
    try:
        cfg = config_factory(extra_toml=f"[smtp]\nhost = \"127.0.0.1\"\nport = {ctl.port}\n")
        db = Database(cfg.database_url)
        seed(db, 3)
        with db.session() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == 3).values(status="uncertain"))
        db.close()
        path = tmp_path / "bot.toml"
        r = arbot_process(path, "send", "--now", "2026-11-23T10:00:00+00:00", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["sent"] == 1 and json.loads(r.stdout)["failed"] == 1
        r = arbot(path, "outbox", "--json")
        by_id = {row["id"]: row for row in json.loads(r.stdout)}
        assert [by_id[i]["status"] for i in (1, 2, 3)] == ["sent", "failed", "uncertain"]
        assert "raw" not in by_id[1]
        r = arbot(path, "outbox", "--status", "uncertain")
        assert r.returncode == 0 and "uncertain: 1" in r.stdout
        r = arbot(path, "outbox", "release", "3")
        assert r.returncode == 2 and "--sent or --resend" in r.stderr
        r = arbot(path, "outbox", "release", "1", "--sent")
        assert r.returncode == 2 and "is sent" in r.stderr
        r = arbot(path, "outbox", "release", "3", "--resend", "--now", "2026-11-23T10:05:00+00:00")
        assert r.returncode == 0 and "pending" in r.stdout
        r = arbot(path, "send", "--now", "2026-11-23T10:06:00+00:00")
        assert r.returncode == 0 and "sent=1" in r.stdout
        assert sorted(ctl.recorder.message_ids()) == ["<arbot-0@northwind.test>", "<arbot-2@northwind.test>"]
    finally:
        ctl.stop()
