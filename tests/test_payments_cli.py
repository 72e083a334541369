"""``arbot payments [CUSTOMER] [--json]`` and ``arbot payments poll --now T`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.config import Config
from bot.db import Database
from bot.devtools.stripe_local import LocalStripe
from tests.stripe_support import add_customer, stripe_toml
from tests.test_payments import link_for

REPO = Path(__file__).resolve().parent.parent


def arbot(cfg: Config, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(cfg.source_path), *args],
                          env=env, capture_output=True, text=True, timeout=60, check=False)


def test_poll_then_list(config_factory, sqlite_url: str, stripe_env: LocalStripe) -> None:  # type: ignore[no-untyped-def]
    # SQLite only: the subprocesses are slow and the backends are covered by the other tests.
    pay_config = config_factory(sqlite_url, stripe_toml(stripe_env.url))
    pay_db = Database(pay_config.database_url)
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)])
        add_customer(s, "C2", [("INV-3", 700)])
    stripe_env.pay_link(link_for(pay_db, pay_config, "C1"), 12000)
    stripe_env.pay_without_metadata(999, "gbp", email="nobody@else.test")
    polled = arbot(pay_config, "payments", "poll", "--json")
    assert polled.returncode == 0, polled.stderr
    stats = json.loads(polled.stdout)
    assert stats["applied"] == 2 and stats["failed"] == 0 and stats["cursor"]
    again = arbot(pay_config, "payments", "poll", "--now", "2026-11-23T10:00:00")
    assert again.returncode == 0 and "0 applied" in again.stdout
    listed = arbot(pay_config, "payments", "C1", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 1
    assert rows[0]["amount"] == "120.00" and rows[0]["currency"] == "GBP"
    assert [(a["invoice"], a["amount"]) for a in rows[0]["allocations"]] == [("INV-1", "100.00"),
                                                                             ("INV-2", "20.00")]
    text = arbot(pay_config, "payments")
    assert "(review)" in text.stdout and "-> INV-1" in text.stdout
    missing = arbot(pay_config, "payments", "NOPE")
    assert missing.returncode != 0 and "no customer 'NOPE'" in missing.stderr
    review = next(r for r in json.loads(arbot(pay_config, "payments", "--json").stdout) if r["customer"] is None)
    assigned = arbot(pay_config, "payments", "assign", review["payment"], "C2")
    assert assigned.returncode == 0 and "assigned to C2" in assigned.stdout and "paid in full" in assigned.stdout
    again = arbot(pay_config, "payments", "assign", review["payment"], "C2")
    assert again.returncode == 2 and "not awaiting review" in again.stderr
    # The key never appears in output.
    assert stripe_env.api_key not in polled.stdout + polled.stderr + text.stdout
    pay_db.close()


def test_poll_without_stripe_is_a_clear_error(config_factory, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    cfg = config_factory(sqlite_url)
    out = arbot(cfg, "payments", "poll")
    assert out.returncode == 2 and "Stripe is not configured" in out.stderr
