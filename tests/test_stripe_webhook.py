"""``POST /stripe/webhook``: signed events (the real signing scheme) over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Config
from bot.db import Database, utcnow
from bot.devtools.stripe_local import LocalStripe
from bot.models import Payment, StripeEvent
from bot.payments import PaymentPoller
from bot.webhook import PATH, StripeWebhook, make_server, serve_in_thread
from tests.stripe_support import WEBHOOK_SECRET, add_customer, balances, customer_state, stripe_toml
from tests.test_payments import link_for, snapshot

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def hook_url(pay_db: Database, pay_config: Config) -> Iterator[str]:
    server = make_server(StripeWebhook(pay_db, pay_config), "127.0.0.1", 0)
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    server.shutdown()
    server.server_close()


def post(url: str, body: bytes, signature: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _paid_event(db: Database, cfg: Config, stripe: LocalStripe, amount: int = 10000) -> dict:
    with db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    stripe.pay_link(link_for(db, cfg, "C1"), amount)
    return next(e for e in stripe.events if e["type"] == "checkout.session.completed")


def _recorded(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(StripeEvent)) or 0)


def test_good_signature_applied_and_replay_changes_nothing(pay_db: Database, pay_config: Config,
                                                           stripe_env: LocalStripe, hook_url: str) -> None:
    ev = _paid_event(pay_db, pay_config, stripe_env)
    body, sig = stripe_env.signed_webhook(ev, WEBHOOK_SECRET)
    assert post(hook_url, body, sig) == (200, {"received": True})
    assert balances(pay_db, "C1") == {"INV-1": (0, "paid")}
    assert customer_state(pay_db, "C1") == "closed"
    state = snapshot(pay_db)
    body2, sig2 = stripe_env.signed_webhook(ev, WEBHOOK_SECRET)      # Stripe's retry: a new signature
    assert post(hook_url, body2, sig2) == (200, {"received": True, "duplicate": True})
    assert snapshot(pay_db) == state
    # The poller later sees the same events: nothing new.
    stats = PaymentPoller(pay_db, pay_config).run_once(utcnow())
    assert stats.applied == 0
    assert snapshot(pay_db) == state


def test_bad_signature_rejected_and_nothing_recorded(pay_db: Database, pay_config: Config,
                                                     stripe_env: LocalStripe, hook_url: str) -> None:
    ev = _paid_event(pay_db, pay_config, stripe_env)
    body, good = stripe_env.signed_webhook(ev, WEBHOOK_SECRET)
    cases = {
        "forged": stripe_env.signed_webhook(ev, "whsec_attacker"),
        "expired": stripe_env.signed_webhook(ev, WEBHOOK_SECRET, timestamp=int(time.time()) - 301),
        "missing": (body, None),
        "garbage": (body, "nonsense"),
        "tampered": (body.replace(b'"amount_total":10000', b'"amount_total":99999'), good),
    }
    for how, (raw, sig) in cases.items():
        status, answer = post(hook_url, raw, sig)
        assert status == 400 and "error" in answer, how
    assert _recorded(pay_db) == 0
    assert balances(pay_db, "C1") == {"INV-1": (10000, "open")}


def test_refund_by_webhook(pay_db: Database, pay_config: Config, stripe_env: LocalStripe, hook_url: str) -> None:
    ev = _paid_event(pay_db, pay_config, stripe_env)
    post(hook_url, *stripe_env.signed_webhook(ev, WEBHOOK_SECRET))
    stripe_env.refund(ev["data"]["object"]["payment_intent"], 2500)
    refund_ev = next(e for e in stripe_env.events if e["type"] == "charge.refunded")
    assert post(hook_url, *stripe_env.signed_webhook(refund_ev, WEBHOOK_SECRET))[0] == 200
    assert balances(pay_db, "C1") == {"INV-1": (2500, "open")}
    assert customer_state(pay_db, "C1") == "active"


def test_webhook_command_serves(config_factory, sqlite_url: str, stripe_env: LocalStripe) -> None:  # type: ignore[no-untyped-def]
    pay_config = config_factory(sqlite_url, stripe_toml(stripe_env.url))   # SQLite only: a subprocess
    pay_db = Database(pay_config.database_url)
    ev = _paid_event(pay_db, pay_config, stripe_env)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(pay_config.source_path), "webhook",
                             "--port", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, proc.stderr.read() if proc.stderr else line
        url = line.split("listening on ", 1)[1].strip()
        assert post(url, *stripe_env.signed_webhook(ev, WEBHOOK_SECRET))[0] == 200
        assert post(url, *stripe_env.signed_webhook(ev, "whsec_wrong"))[0] == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    with pay_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
    pay_db.close()


def test_refund_delivered_before_its_payment(pay_db: Database, pay_config: Config, stripe_env: LocalStripe,
                                             hook_url: str) -> None:
    """Stripe does not deliver events in order: a refund first still reverses the right payment."""
    ev = _paid_event(pay_db, pay_config, stripe_env)
    stripe_env.refund(ev["data"]["object"]["payment_intent"], 4000)
    refund_ev = next(e for e in stripe_env.events if e["type"] == "charge.refunded")
    assert post(hook_url, *stripe_env.signed_webhook(refund_ev, WEBHOOK_SECRET))[0] == 200
    assert post(hook_url, *stripe_env.signed_webhook(ev, WEBHOOK_SECRET))[0] == 200
    pi_ev = next(e for e in stripe_env.events if e["type"] == "payment_intent.succeeded")
    assert post(hook_url, *stripe_env.signed_webhook(pi_ev, WEBHOOK_SECRET))[0] == 200
    assert balances(pay_db, "C1") == {"INV-1": (4000, "open")}
    with pay_db.session() as s:
        p = s.scalar(select(Payment))
        assert p is not None and p.refunded_minor == 4000
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
