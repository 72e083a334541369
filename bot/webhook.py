"""``POST /stripe/webhook``: Stripe events pushed to us, verified, applied like polled ones.

Contract:
* the raw body is verified with ``stripe.Webhook.construct_event(raw, Stripe-Signature,
  secret)`` (HMAC-SHA256, 300 s tolerance); a missing, forged or expired signature answers 400
  and records nothing;
* a verified event goes through :func:`bot.payments.apply_event_once` (the poller's path):
  applied at most once by event id and by payment id; a replay answers 200 with
  ``{"received": true, "duplicate": true}`` and changes nothing;
* anything else (path, method, body too large) answers 404/405/413; the secret is never logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe

from bot.config import Config, secret
from bot.db import Database, utcnow
from bot.payments import apply_event_once
from bot.stripe_gateway import stripe_client

log = logging.getLogger(__name__)

PATH = "/stripe/webhook"
MAX_BODY = 1 << 20     # Stripe events are a few KB


class StripeWebhook:
    """The handler logic, independent of the HTTP server (tests call :meth:`handle`)."""

    def __init__(self, db: Database, config: Config, *, webhook_secret: str | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.config = config
        self.secret = webhook_secret or secret(config.stripe.webhook_secret_env, "[stripe] webhook_secret_env")
        if not self.secret:
            raise ValueError("the webhook needs [stripe] webhook_secret_env")
        self.clock = clock
        self.client = stripe_client(config)

    def handle(self, raw: bytes, signature: str | None) -> tuple[int, dict[str, Any]]:
        try:
            stripe.Webhook.construct_event(raw, signature, self.secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            log.warning("webhook rejected: %s", str(exc).splitlines()[0])
            return 400, {"error": "invalid signature"}
        try:
            event = json.loads(raw)
        except ValueError:
            return 400, {"error": "invalid JSON"}
        if not isinstance(event, dict) or "id" not in event or event.get("object") != "event":
            return 400, {"error": "not an event"}
        result = apply_event_once(self.db, self.config, event, self.clock(), client=self.client)
        if result is None:
            return 200, {"received": True, "duplicate": True}
        if result.status == "failed":
            # Recorded for staff; answering 2xx stops Stripe retrying data we cannot apply.
            return 200, {"received": True, "failed": True}
        return 200, {"received": True}


def make_server(hook: StripeWebhook, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("webhook: " + format, *args)

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0] != PATH:
                self._answer(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413, {"error": "too large"})
                return
            raw = self.rfile.read(length)
            try:
                status, body = hook.handle(raw, self.headers.get("Stripe-Signature"))
            except Exception:
                log.exception("webhook: cannot apply event")
                status, body = 500, {"error": "internal error"}
            self._answer(status, body)

        def do_GET(self) -> None:
            self._answer(405, {"error": "POST only"})

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="stripe-webhook",
                         daemon=True)
    t.start()
    return t
