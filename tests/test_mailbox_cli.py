"""``arbot inbox ...`` end to end (subprocess), OAuth token sources, backoff policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Config, ImapConfig
from bot.imap_client import ImapAuthError, _batches, _uid_set, oauth_token
from bot.mailbox import BACKOFF_AUTH, Backoff, header_facts
from tests.imap_fixtures import PASSWORD_ENV, ImapServer, new_folder
from tests.mailbox_helpers import reply

REPO = Path(__file__).resolve().parent.parent


def _arbot(cfg: Config, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a real subprocess (as users run it)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(cfg.source_path), *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False)


def _arbot_inproc(cfg: Config, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in-process (typer's runner): same code, no interpreter start-up."""
    from typer.testing import CliRunner

    from bot.cli import app

    res = CliRunner().invoke(app, ["--config", str(cfg.source_path), *args])
    return subprocess.CompletedProcess(args, res.exit_code, res.stdout, res.stderr)


def test_inbox_fetch_list_show(pymap_server: ImapServer, config_factory: Callable[..., Config],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, pymap_server.password)
    folder = new_folder()
    pymap_server.create(folder)
    pymap_server.append(folder, reply(1), reply(2, sender="ar@northwind.test"))
    cfg = config_factory(None, pymap_server.toml(folder))
    r = _arbot(cfg, "inbox", "fetch", "--once")
    assert r.returncode == 0, r.stderr
    assert "stored 2 (own 1" in r.stdout
    r = _arbot_inproc(cfg, "inbox", "list", "--json")
    data = json.loads(r.stdout)
    # The other one is `new` in store-only mode, or whatever the processing step decided.
    assert data["counts"]["own"] == 1 and sum(data["counts"].values()) == 2
    first = data["messages"][-1]["id"]
    r = _arbot_inproc(cfg, "inbox", "show", str(first))
    assert r.returncode == 0 and json.loads(r.stdout)["from"] == "ap@acme.test"
    r = _arbot_inproc(cfg, "inbox", "list", "--status", "bogus")
    assert r.returncode == 2 and "unknown status 'bogus'" in r.stderr
    r = _arbot_inproc(cfg, "inbox", "show", "999")
    assert r.returncode == 2 and "not found" in r.stderr


def test_inbox_baseline_leaves_existing_mail_alone(pymap_server: ImapServer,
                                                   config_factory: Callable[..., Config],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, pymap_server.password)
    folder = new_folder()
    pymap_server.create(folder)
    pymap_server.append(folder, reply(1), reply(2))
    cfg = config_factory(None, pymap_server.toml(folder))
    r = _arbot_inproc(cfg, "inbox", "baseline")
    assert r.returncode == 0 and r.stdout.startswith("2 existing messages left alone"), r.stderr
    pymap_server.append(folder, reply(3))
    r = _arbot_inproc(cfg, "inbox", "fetch", "--once")
    assert "stored 1 " in r.stdout, r.stdout + r.stderr
    assert len(pymap_server.uids(folder)) >= 2     # the two old ones were left alone


def test_inbox_fetch_bad_password_is_one_clear_line(pymap_server: ImapServer,
                                                    config_factory: Callable[..., Config],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    cfg = config_factory(None, pymap_server.toml("INBOX"))
    r = _arbot_inproc(cfg, "inbox", "fetch", "--once")
    assert r.returncode == 2
    assert r.stderr.startswith("error: ImapAuthError:") and "wrong" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_oauth_token_from_env_and_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOK", "ya29.token")
    assert oauth_token(ImapConfig(username="u", oauth_token_env="TOK")) == "ya29.token"
    cmd = f"{sys.executable} -c \"print('  tok-from-cmd  ')\""
    assert oauth_token(ImapConfig(username="u", oauth_token_command=cmd)) == "tok-from-cmd"
    with pytest.raises(ImapAuthError, match="printed no token"):
        oauth_token(ImapConfig(username="u", oauth_token_command=f"{sys.executable} -c pass"))
    with pytest.raises(ImapAuthError, match="MISSING_TOK"):
        oauth_token(ImapConfig(username="u", oauth_token_env="MISSING_TOK"))
    assert oauth_token(ImapConfig(username="u")) is None


def test_auth_backoff_is_hard() -> None:
    b = Backoff(*BACKOFF_AUTH)
    delays = [b.next_delay() for _ in range(8)]
    assert delays[0] >= 450                       # at least 7.5 min before the first retry
    assert max(delays) <= 6 * 3600
    assert delays[5] >= 3600                      # hours after a few failures


def test_helpers() -> None:
    assert _uid_set([5, 1, 2, 3, 9, 10]) == "1:3,5,9:10"
    sizes = {1: 10, 2: 10, 3: 100, 4: 10, 5: 10, 6: 10}
    assert list(_batches([1, 2, 3, 4, 5, 6], sizes, count=3, max_bytes=50)) == [[1, 2], [3], [4, 5, 6]]
    assert list(_batches([1, 2], {}, count=1, max_bytes=1)) == [[1], [2]]
    assert header_facts(b"Message-ID: <a@b>\r\nFrom: X <x@y.test>\r\n\r\nbody") == ("<a@b>", "x@y.test")
    assert header_facts(b"\xff\xfe garbage") == (None, None)


def test_real_step_in_batches_matches_one_by_one(tmp_path: Path,
                                                 config_factory: Callable[..., Config]) -> None:
    """The batch form of the real processing step (N steps, one transaction) decides
    exactly what the one-by-one step decides."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from _imap_bench import realistic_reply, seed_ledger
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    from sqlalchemy import select

    from bot.db import Database, utcnow
    from bot.mailbox import default_batch_hook, default_process_hook
    from bot.models import InboundMessage

    outcomes = []
    for name in ("single", "batch"):
        cfg = config_factory(f"sqlite:///{tmp_path / (name + '.db')}")
        db = Database(cfg.database_url)
        seed_ledger(db, customers=10)
        with db.session() as s:
            s.add_all([InboundMessage(folder="INBOX", uidvalidity=1, uid=i + 1, raw=realistic_reply(i),
                                      received_at=utcnow(), status="new", attempts=0, mailbox_done=False)
                       for i in range(10)])
        single, batch = default_process_hook(db, cfg), default_batch_hook(db, cfg)
        if single is None or batch is None:
            pytest.skip("no processing step installed")
        if name == "single":
            for i in range(1, 11):
                single(i)
        else:
            batch(list(range(1, 11)))
        with db.session() as s:
            outcomes.append([(r.status, r.customer_id) for r in
                             s.scalars(select(InboundMessage).order_by(InboundMessage.id))])
        db.close()
    assert outcomes[0] == outcomes[1]
    assert all(st in ("processed", "review") for st, _c in outcomes[1])
