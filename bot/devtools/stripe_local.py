"""A small local HTTP server speaking Stripe's wire format, for tests and the offline demo.

It answers the real ``stripe`` library (pointed at it with
``StripeClient(key, base_addresses={"api": server.url})``) for what arbot uses:

* ``/v1/prices`` (create with ``custom_unit_amount`` and ``product_data``, retrieve, list),
  ``/v1/products``, ``/v1/payment_links`` (create, retrieve, update ``active``, list),
  ``/v1/checkout/sessions`` (retrieve, list), ``/v1/events`` (list with ``created[gt|gte|lt|lte]``,
  ``type``, ``types[]``, ``limit``, ``starting_after``; newest first, ``has_more``),
  ``/v1/customers`` (retrieve), ``/v1/payment_intents`` (retrieve), ``/v1/charges`` (retrieve),
  ``/v1/refunds`` (create, retrieve);
* form-encoded bodies with nested keys (``metadata[k]``, ``line_items[0][price]``), booleans as
  ``true``/``false``; ``Authorization: Bearer <key>`` checked (401 otherwise);
* ``Idempotency-Key`` honoured on POST: the same key returns the first answer; the same key
  with different parameters is a 400 ``idempotency_error``;
* errors in Stripe's JSON error shape: 400 ``invalid_request_error`` (missing or bad
  parameter), 401 (bad key), 404 ``resource_missing``.

Objects are built by compact builders following the shapes of Stripe's published example
objects (same field names and types for the fields they carry). The test-control API is plain
Python (no HTTP): :meth:`LocalStripe.pay_link`, :meth:`LocalStripe.pay_without_metadata`,
:meth:`LocalStripe.refund`, :meth:`LocalStripe.dispute`, :meth:`LocalStripe.close_dispute`, each
creating the objects and the events Stripe would, plus :meth:`LocalStripe.signed_webhook` to
build a correctly signed webhook request body and ``Stripe-Signature`` header.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Obj = dict[str, Any]

DEFAULT_KEY = "sk_test_arbot_local"


class StripeHTTPError(Exception):
    """An error answered in Stripe's JSON shape."""

    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: Obj = {"error": {"type": type_, "message": message}}
        if code:
            self.body["error"]["code"] = code
        if param:
            self.body["error"]["param"] = param


# --- wire format -------------------------------------------------------------------------------

def parse_form(pairs: list[tuple[str, str]]) -> Obj:
    """Decode Stripe's nested form keys (``a[b][0][c]=v``) into dicts and lists."""
    root: Obj = {}
    for key, value in pairs:
        parts = [key.split("[", 1)[0]]
        rest = key[len(parts[0]):]
        while rest.startswith("["):
            end = rest.index("]")
            parts.append(rest[1:end])
            rest = rest[end + 1:]
        node: Obj = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":          # a[]=x (array append)
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    out: Obj = _listify(root)
    return out


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: _listify(v) for k, v in node.items()}
    if out and all(k.isdigit() for k in out):
        return [out[k] for k in sorted(out, key=int)]
    return out


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _int(params: Obj, key: str, *, required: bool = False, where: str | None = None) -> int | None:
    value = params.get(key)
    name = where or key
    if value is None or value == "":
        if required:
            raise StripeHTTPError(400, f"Missing required param: {name}.", code="parameter_missing",
                                  param=name)
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeHTTPError(400, f"Invalid integer: {value}", code="parameter_invalid_integer",
                              param=name) from None


def _require(params: Obj, key: str) -> Any:
    if params.get(key) in (None, ""):
        raise StripeHTTPError(400, f"Missing required param: {key}.", code="parameter_missing", param=key)
    return params[key]


def _metadata(params: Obj) -> dict[str, str]:
    md = params.get("metadata") or {}
    if not isinstance(md, dict):
        raise StripeHTTPError(400, "Invalid object", code="parameter_invalid_object", param="metadata")
    for k, v in md.items():
        if len(k) > 40:
            raise StripeHTTPError(400, f"Metadata key too long: {k}", param=f"metadata[{k}]")
        if len(str(v)) > 500:
            raise StripeHTTPError(400, "Metadata values can have up to 500 characters",
                                  param=f"metadata[{k}]")
    return {k: str(v) for k, v in md.items()}


# --- builders (shapes follow Stripe's published example objects) ----------------------------

def build_product(id_: str, created: int, name: str, metadata: dict[str, str]) -> Obj:
    return {"id": id_, "object": "product", "active": True, "created": created, "default_price": None,
            "description": None, "images": [], "livemode": False, "marketing_features": [],
            "metadata": metadata, "name": name, "package_dimensions": None, "shippable": None,
            "statement_descriptor": None, "tax_code": None, "unit_label": None, "updated": created,
            "url": None, "type": "service"}


def build_price(id_: str, created: int, currency: str, product: str, metadata: dict[str, str],
                unit_amount: int | None, custom: Obj | None) -> Obj:
    return {"id": id_, "object": "price", "active": True, "billing_scheme": "per_unit",
            "created": created, "currency": currency, "custom_unit_amount": custom,
            "livemode": False, "lookup_key": None, "metadata": metadata, "nickname": None,
            "product": product, "recurring": None, "tax_behavior": "unspecified", "tiers_mode": None,
            "transform_quantity": None, "type": "one_time", "unit_amount": unit_amount,
            "unit_amount_decimal": None if unit_amount is None else str(unit_amount)}


def build_payment_link(id_: str, currency: str, metadata: dict[str, str], pi_metadata: dict[str, str],
                       after_completion: Obj, url: str) -> Obj:
    return {"id": id_, "object": "payment_link", "active": True, "after_completion": after_completion,
            "allow_promotion_codes": False, "application": None, "application_fee_amount": None,
            "application_fee_percent": None, "automatic_tax": {"enabled": False, "liability": None},
            "billing_address_collection": "auto", "currency": currency, "custom_fields": [],
            "customer_creation": "if_required", "inactive_message": None, "livemode": False,
            "metadata": metadata, "on_behalf_of": None,
            "payment_intent_data": {"capture_method": None, "description": None, "metadata": pi_metadata,
                                    "setup_future_usage": None, "statement_descriptor": None,
                                    "statement_descriptor_suffix": None, "transfer_group": None},
            "payment_method_collection": "always", "payment_method_types": None,
            "phone_number_collection": {"enabled": False}, "restrictions": None,
            "shipping_address_collection": None, "shipping_options": [], "submit_type": "pay",
            "tax_id_collection": {"enabled": False, "required": "never"}, "transfer_data": None,
            "url": url}


def build_customer(id_: str, created: int, email: str | None, name: str | None) -> Obj:
    return {"id": id_, "object": "customer", "address": None, "balance": 0, "created": created,
            "currency": None, "default_source": None, "delinquent": False, "description": None,
            "discount": None, "email": email, "invoice_prefix": id_[-7:].upper(), "livemode": False,
            "metadata": {}, "name": name, "next_invoice_sequence": 1, "phone": None,
            "preferred_locales": [], "shipping": None, "tax_exempt": "none", "test_clock": None}


def build_payment_intent(id_: str, created: int, amount: int, currency: str, customer: str | None,
                         metadata: dict[str, str], charge: str, receipt_email: str | None) -> Obj:
    return {"id": id_, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
            "amount_received": amount, "application": None, "application_fee_amount": None,
            "automatic_payment_methods": None, "canceled_at": None, "cancellation_reason": None,
            "capture_method": "automatic", "client_secret": f"{id_}_secret_{secrets.token_hex(8)}",
            "confirmation_method": "automatic", "created": created, "currency": currency,
            "customer": customer, "description": None, "last_payment_error": None,
            "latest_charge": charge, "livemode": False, "metadata": metadata, "next_action": None,
            "on_behalf_of": None, "payment_method": f"pm_{secrets.token_hex(8)}",
            "payment_method_types": ["card"], "processing": None, "receipt_email": receipt_email,
            "review": None, "setup_future_usage": None, "shipping": None, "statement_descriptor": None,
            "statement_descriptor_suffix": None, "status": "succeeded", "transfer_data": None,
            "transfer_group": None}


def build_charge(id_: str, created: int, amount: int, currency: str, customer: str | None,
                 payment_intent: str, metadata: dict[str, str], email: str | None) -> Obj:
    return {"id": id_, "object": "charge", "amount": amount, "amount_captured": amount,
            "amount_refunded": 0, "application": None, "application_fee": None,
            "application_fee_amount": None, "balance_transaction": f"txn_{secrets.token_hex(8)}",
            "billing_details": {"address": None, "email": email, "name": None, "phone": None},
            "calculated_statement_descriptor": None, "captured": True, "created": created,
            "currency": currency, "customer": customer, "description": None, "disputed": False,
            "failure_balance_transaction": None, "failure_code": None, "failure_message": None,
            "fraud_details": {}, "livemode": False, "metadata": metadata, "on_behalf_of": None,
            "outcome": {"network_status": "approved_by_network", "reason": None, "risk_level": "normal",
                        "seller_message": "Payment complete.", "type": "authorized"},
            "paid": True, "payment_intent": payment_intent, "payment_method": None,
            "receipt_email": email, "receipt_number": None, "receipt_url": None, "refunded": False,
            "refunds": {"object": "list", "data": [], "has_more": False,
                        "url": f"/v1/charges/{id_}/refunds"},
            "review": None, "shipping": None, "source_transfer": None, "statement_descriptor": None,
            "statement_descriptor_suffix": None, "status": "succeeded", "transfer_data": None,
            "transfer_group": None}


def build_checkout_session(id_: str, created: int, amount: int, currency: str, customer: str | None,
                           email: str | None, payment_intent: str, payment_link: str | None,
                           metadata: dict[str, str], success_url: str | None) -> Obj:
    return {"id": id_, "object": "checkout.session", "after_expiration": None,
            "allow_promotion_codes": None, "amount_subtotal": amount, "amount_total": amount,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": None, "cancel_url": None, "client_reference_id": None,
            "client_secret": None, "consent": None, "consent_collection": None, "created": created,
            "currency": currency, "custom_fields": [], "customer": customer,
            "customer_creation": "if_required",
            "customer_details": {"address": None, "email": email, "name": None, "phone": None,
                                 "tax_exempt": "none", "tax_ids": []},
            "customer_email": None, "expires_at": created + 86400, "invoice": None,
            "invoice_creation": None, "livemode": False, "locale": None, "metadata": metadata,
            "mode": "payment", "payment_intent": payment_intent, "payment_link": payment_link,
            "payment_method_collection": "always", "payment_method_options": {},
            "payment_method_types": ["card"], "payment_status": "paid",
            "phone_number_collection": {"enabled": False}, "recovered_from": None,
            "setup_intent": None, "shipping_address_collection": None, "shipping_cost": None,
            "shipping_options": [], "status": "complete", "submit_type": "pay", "subscription": None,
            "success_url": success_url, "total_details": {"amount_discount": 0, "amount_shipping": 0,
                                                          "amount_tax": 0},
            "ui_mode": "hosted", "url": None}


def build_refund(id_: str, created: int, amount: int, currency: str, charge: str,
                 payment_intent: str | None, reason: str | None) -> Obj:
    return {"id": id_, "object": "refund", "amount": amount, "balance_transaction": None,
            "charge": charge, "created": created, "currency": currency, "metadata": {},
            "payment_intent": payment_intent, "reason": reason, "receipt_number": None,
            "source_transfer_reversal": None, "status": "succeeded", "transfer_reversal": None}


def build_dispute(id_: str, created: int, amount: int, currency: str, charge: str,
                  payment_intent: str | None, reason: str) -> Obj:
    return {"id": id_, "object": "dispute", "amount": amount, "balance_transactions": [],
            "charge": charge, "created": created, "currency": currency, "evidence": {},
            "evidence_details": {"due_by": created + 7 * 86400, "has_evidence": False,
                                 "past_due": False, "submission_count": 0},
            "is_charge_refundable": False, "livemode": False, "metadata": {},
            "payment_intent": payment_intent, "reason": reason, "status": "needs_response"}


def build_event(id_: str, created: int, type_: str, obj: Obj) -> Obj:
    return {"id": id_, "object": "event", "api_version": "2026-10-28.endive", "created": created,
            "data": {"object": copy.deepcopy(obj)}, "livemode": False, "pending_webhooks": 0,
            "request": {"id": None, "idempotency_key": None}, "type": type_}


# --- the server ----------------------------------------------------------------------------------

_PREFIX = {"price": "price", "product": "prod", "payment_link": "plink", "customer": "cus",
           "payment_intent": "pi", "charge": "ch", "checkout.session": "cs_test", "refund": "re",
           "dispute": "dp", "event": "evt"}


class LocalStripe:
    """The store, the test-control API and the HTTP server (started by :meth:`start`)."""

    def __init__(self, api_key: str = DEFAULT_KEY, *, host: str = "127.0.0.1", port: int = 0,
                 clock: Callable[[], float] = time.time) -> None:
        self.api_key = api_key
        self.host = host
        self.port = port
        self.clock = clock
        self.objects: dict[str, Obj] = {}
        self.events: list[Obj] = []            # in creation order
        self.requests: list[tuple[str, str, Obj, dict[str, str]]] = []
        self._idem: dict[str, tuple[str, Obj, int, Obj]] = {}
        self._lock = threading.RLock()
        self._seq = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalStripe:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="local-stripe",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> LocalStripe:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ids, time, storage
    def now(self) -> int:
        return int(self.clock())

    def new_id(self, kind: str) -> str:
        with self._lock:
            self._seq += 1
            return f"{_PREFIX[kind]}_{self._seq:06d}{secrets.token_hex(6)}"

    def _put(self, obj: Obj) -> Obj:
        with self._lock:
            self.objects[obj["id"]] = obj
        return obj

    def get(self, id_: str, kind: str | None = None) -> Obj:
        obj = self.objects.get(id_)
        if obj is None or (kind is not None and obj["object"] != kind):
            what = kind or "object"
            raise StripeHTTPError(404, f"No such {what.replace('checkout.session', 'checkout session')}: "
                                       f"'{id_}'", code="resource_missing", param="id")
        return obj

    def emit(self, type_: str, obj: Obj, *, created: int | None = None) -> Obj:
        """Append an event carrying a snapshot of ``obj``."""
        ev = build_event(self.new_id("event"), self.now() if created is None else created, type_, obj)
        with self._lock:
            self.events.append(ev)
        return ev

    # --- test control (Python, not HTTP) ---------------------------------------------------------
    def pay_link(self, link_id: str, amount: int, *, email: str | None = "payer@example.com",
                 created: int | None = None) -> Obj:
        """A customer pays ``amount`` (minor units) through a payment link.

        Creates the Stripe customer, payment intent (with the link's ``payment_intent_data``
        metadata), charge and checkout session (with the link's metadata) and emits
        ``checkout.session.completed``, ``charge.succeeded`` and ``payment_intent.succeeded``.
        Returns the checkout session.
        """
        link = self.get(link_id, "payment_link")
        if not link["active"]:
            raise ValueError(f"payment link {link_id} is not active")
        price = self.get(link["_price"], "price")
        custom = price.get("custom_unit_amount") or {}
        if custom.get("minimum") is not None and amount < custom["minimum"]:
            raise ValueError("amount below the price's minimum")
        if custom.get("maximum") is not None and amount > custom["maximum"]:
            raise ValueError("amount above the price's maximum")
        after = link["after_completion"]
        success = after.get("redirect", {}).get("url") if after.get("type") == "redirect" else None
        return self._checkout(amount, link["currency"], email, link["metadata"],
                              link["payment_intent_data"]["metadata"], link_id, success, created)

    def pay_without_metadata(self, amount: int, currency: str, *, email: str | None,
                             created: int | None = None) -> Obj:
        """A payment made outside arbot's links (no metadata); returns the payment intent."""
        ts = self.now() if created is None else created
        cus_id = self._put(build_customer(self.new_id("customer"), ts, email, None))["id"] if email else None
        pi_id, ch_id = self.new_id("payment_intent"), self.new_id("charge")
        ch = self._put(build_charge(ch_id, ts, amount, currency.lower(), cus_id, pi_id, {}, email))
        pi = self._put(build_payment_intent(pi_id, ts, amount, currency.lower(), cus_id, {}, ch_id, None))
        self.emit("charge.succeeded", ch, created=ts)
        self.emit("payment_intent.succeeded", pi, created=ts)
        return pi

    def _checkout(self, amount: int, currency: str, email: str | None, metadata: dict[str, str],
                  pi_metadata: dict[str, str], link_id: str | None, success_url: str | None,
                  created: int | None) -> Obj:
        ts = self.now() if created is None else created
        cus = self._put(build_customer(self.new_id("customer"), ts, email, None)) if email else None
        cus_id = cus["id"] if cus else None
        pi_id, ch_id, cs_id = self.new_id("payment_intent"), self.new_id("charge"), self.new_id(
            "checkout.session")
        ch = self._put(build_charge(ch_id, ts, amount, currency, cus_id, pi_id, dict(pi_metadata), email))
        pi = self._put(build_payment_intent(pi_id, ts, amount, currency, cus_id, dict(pi_metadata), ch_id,
                                            email))
        cs = self._put(build_checkout_session(cs_id, ts, amount, currency, cus_id, email, pi_id, link_id,
                                              dict(metadata), success_url))
        self.emit("checkout.session.completed", cs, created=ts)
        self.emit("charge.succeeded", ch, created=ts)
        self.emit("payment_intent.succeeded", pi, created=ts)
        return cs

    def _charge_of(self, payment: str) -> Obj:
        obj = self.get(payment)
        if obj["object"] == "checkout.session":
            obj = self.get(obj["payment_intent"])
        if obj["object"] == "payment_intent":
            obj = self.get(obj["latest_charge"])
        if obj["object"] != "charge":
            raise ValueError(f"{payment} is not a payment")
        return obj

    def refund(self, payment: str, amount: int | None = None, *, reason: str | None = None,
               created: int | None = None) -> Obj:
        """Refund (part of) a payment (payment intent, charge or checkout session id).

        Emits ``refund.created`` and ``charge.refunded`` (the charge with its cumulative
        ``amount_refunded``). Returns the refund.
        """
        ch = self._charge_of(payment)
        ts = self.now() if created is None else created
        amt = ch["amount"] - ch["amount_refunded"] if amount is None else amount
        if amt <= 0 or ch["amount_refunded"] + amt > ch["amount"]:
            raise ValueError("refund exceeds the charge")
        re = self._put(build_refund(self.new_id("refund"), ts, amt, ch["currency"], ch["id"],
                                    ch["payment_intent"], reason))
        ch["amount_refunded"] += amt
        ch["refunded"] = ch["amount_refunded"] == ch["amount"]
        ch["refunds"]["data"].insert(0, re)
        self.emit("refund.created", re, created=ts)
        self.emit("charge.refunded", ch, created=ts)
        return re

    def dispute(self, payment: str, amount: int | None = None, *, reason: str = "fraudulent",
                created: int | None = None) -> Obj:
        """Open a dispute (chargeback) on a payment; emits ``charge.dispute.created``."""
        ch = self._charge_of(payment)
        ts = self.now() if created is None else created
        dp = self._put(build_dispute(self.new_id("dispute"), ts, ch["amount"] if amount is None else amount,
                                     ch["currency"], ch["id"], ch["payment_intent"], reason))
        ch["disputed"] = True
        self.emit("charge.dispute.created", dp, created=ts)
        return dp

    def close_dispute(self, dispute_id: str, *, won: bool, created: int | None = None) -> Obj:
        """Close a dispute as won or lost; emits ``charge.dispute.closed``."""
        dp = self.get(dispute_id, "dispute")
        dp["status"] = "won" if won else "lost"
        self.emit("charge.dispute.closed", dp, created=created)
        return dp

    def signed_webhook(self, event: Obj, secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and ``Stripe-Signature`` header Stripe would send for ``event``."""
        body = json.dumps(event, separators=(",", ":"))
        ts = int(time.time()) if timestamp is None else timestamp
        sig = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
        return body.encode(), f"t={ts},v1={sig}"

    # --- API -------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, params: Obj, headers: dict[str, str]) -> tuple[int, Obj]:
        with self._lock:
            self.requests.append((method, path, params, headers))
        auth = headers.get("authorization", "")
        if auth != f"Bearer {self.api_key}":
            raise StripeHTTPError(401, "Invalid API Key provided.", code="api_key_invalid")
        key = headers.get("idempotency-key")
        if method == "POST" and key:
            with self._lock:
                seen = self._idem.get(key)
                if seen is not None:
                    if seen[0] != path or seen[1] != params:
                        raise StripeHTTPError(
                            400, "Keys for idempotent requests can only be used with the same "
                                 "parameters they were first used with.", type_="idempotency_error")
                    return seen[2], seen[3]
                status, body = self._route(method, path, params)
                self._idem[key] = (path, params, status, body)
                return status, body
        return self._route(method, path, params)

    def _route(self, method: str, path: str, params: Obj) -> tuple[int, Obj]:
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["v1"]:
            raise StripeHTTPError(404, f"Unrecognized request URL ({method}: {path}).")
        parts = parts[1:]
        if parts[:1] == ["checkout"]:
            parts = ["checkout/" + parts[1]] + parts[2:] if len(parts) > 1 else parts
        resource = parts[0] if parts else ""
        kind = {"prices": "price", "products": "product", "payment_links": "payment_link",
                "checkout/sessions": "checkout.session", "customers": "customer",
                "payment_intents": "payment_intent", "charges": "charge", "refunds": "refund",
                "disputes": "dispute", "events": "event"}.get(resource)
        if kind is None:
            raise StripeHTTPError(404, f"Unrecognized request URL ({method}: {path}).")
        if len(parts) == 1 and method == "GET":
            return 200, self._list(kind, params, "/v1/" + resource)
        if len(parts) == 1 and method == "POST":
            create = {"price": self._create_price, "product": self._create_product,
                      "payment_link": self._create_payment_link, "refund": self._create_refund}.get(kind)
            if create is None:
                raise StripeHTTPError(404, f"Unrecognized request URL ({method}: {path}).")
            return 200, _public(create(params))
        if len(parts) == 2 and method == "GET":
            return 200, _public(self.get(parts[1], kind))
        if len(parts) == 2 and method == "POST" and kind in ("payment_link", "price", "product"):
            return 200, _public(self._update(self.get(parts[1], kind), params))
        raise StripeHTTPError(404, f"Unrecognized request URL ({method}: {path}).")

    def _list(self, kind: str, params: Obj, url: str) -> Obj:
        if kind == "event":
            items = list(reversed(self.events))   # newest first (stable within a second)
            items.sort(key=lambda e: -e["created"])
            types = params.get("types") or ([params["type"]] if params.get("type") else None)
            if types:
                items = [e for e in items if e["type"] in types]
        else:
            items = sorted((o for o in self.objects.values() if o["object"] == kind),
                           key=lambda o: -int(o.get("created") or o.get("_created") or 0))
            if kind == "checkout.session" and params.get("payment_intent"):
                items = [o for o in items if o["payment_intent"] == params["payment_intent"]]
            if kind == "checkout.session" and params.get("payment_link"):
                items = [o for o in items if o["payment_link"] == params["payment_link"]]
        created = params.get("created")
        if isinstance(created, dict):
            ops = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
            for op in created:
                if op not in ops:
                    raise StripeHTTPError(400, f"Invalid created[{op}]", param=f"created[{op}]")
                bound = _int(created, op, required=True, where=f"created[{op}]") or 0
                items = [o for o in items if ops[op](o["created"], bound)]
        elif created not in (None, ""):
            exact = _int(params, "created")
            items = [o for o in items if o["created"] == exact]
        limit = _int(params, "limit") or 10
        if not 1 <= limit <= 100:
            raise StripeHTTPError(400, "Invalid limit: must be between 1 and 100", param="limit")
        after = params.get("starting_after")
        before = params.get("ending_before")
        if after:
            ids = [o["id"] for o in items]
            if after not in ids:
                raise StripeHTTPError(400, f"Invalid starting_after id: {after}", param="starting_after")
            items = items[ids.index(after) + 1:]
            page = items[:limit]
        elif before:
            ids = [o["id"] for o in items]
            if before not in ids:
                raise StripeHTTPError(400, f"Invalid ending_before id: {before}", param="ending_before")
            items = items[:ids.index(before)]
            page = items[-limit:]
        else:
            page = items[:limit]
        return {"object": "list", "url": url, "has_more": len(items) > len(page),
                "data": [_public(o) for o in page]}

    def _create_product(self, params: Obj) -> Obj:
        name = _require(params, "name")
        return self._put(build_product(self.new_id("product"), self.now(), str(name), _metadata(params)))

    def _create_price(self, params: Obj) -> Obj:
        currency = str(_require(params, "currency")).lower()
        product = params.get("product")
        if product:
            self.get(product, "product")
        elif isinstance(params.get("product_data"), dict):
            pd = params["product_data"]
            product = self._create_product({"name": _require(pd, "name"), "metadata": pd.get("metadata") or {}
                                            })["id"]
        else:
            raise StripeHTTPError(400, "Missing required param: product.", code="parameter_missing",
                                  param="product")
        unit_amount = _int(params, "unit_amount")
        custom: Obj | None = None
        cua = params.get("custom_unit_amount")
        if isinstance(cua, dict):
            if not _bool(cua.get("enabled")):
                raise StripeHTTPError(400, "custom_unit_amount[enabled] must be true",
                                      param="custom_unit_amount[enabled]")
            custom = {"maximum": _int(cua, "maximum", where="custom_unit_amount[maximum]"),
                      "minimum": _int(cua, "minimum", where="custom_unit_amount[minimum]"),
                      "preset": _int(cua, "preset", where="custom_unit_amount[preset]")}
            lo, hi, pre = custom["minimum"], custom["maximum"], custom["preset"]
            if pre is not None and ((lo is not None and pre < lo) or (hi is not None and pre > hi)):
                raise StripeHTTPError(400, "custom_unit_amount[preset] must be between minimum and maximum",
                                      param="custom_unit_amount[preset]")
            if unit_amount is not None:
                raise StripeHTTPError(400, "You may only specify one of unit_amount and custom_unit_amount",
                                      param="unit_amount")
        elif unit_amount is None:
            raise StripeHTTPError(400, "Missing required param: unit_amount.", code="parameter_missing",
                                  param="unit_amount")
        return self._put(build_price(self.new_id("price"), self.now(), currency, product, _metadata(params),
                                     unit_amount, custom))

    def _create_payment_link(self, params: Obj) -> Obj:
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeHTTPError(400, "Missing required param: line_items.", code="parameter_missing",
                                  param="line_items")
        price_id = _require(items[0], "price") if isinstance(items[0], dict) else None
        price = self.get(str(price_id), "price")
        if price.get("custom_unit_amount") and len(items) != 1:
            raise StripeHTTPError(400, "A payment link with a customer-chosen price has exactly one line item",
                                  param="line_items")
        pid = params.get("payment_intent_data") or {}
        after = params.get("after_completion") or {"type": "hosted_confirmation",
                                                   "hosted_confirmation": {"custom_message": None}}
        if after.get("type") == "redirect" and not (after.get("redirect") or {}).get("url"):
            raise StripeHTTPError(400, "Missing required param: after_completion[redirect][url].",
                                  code="parameter_missing", param="after_completion[redirect][url]")
        id_ = self.new_id("payment_link")
        link = build_payment_link(id_, price["currency"], _metadata(params), _metadata(pid), after,
                                  f"{self.url}/pay/{id_}")
        link["_price"] = price["id"]
        link["_created"] = self.now()
        return self._put(link)

    def _create_refund(self, params: Obj) -> Obj:
        target = params.get("payment_intent") or params.get("charge")
        if not target:
            raise StripeHTTPError(400, "Missing required param: charge or payment_intent.",
                                  code="parameter_missing", param="payment_intent")
        return self.refund(str(target), _int(params, "amount"), reason=params.get("reason"))

    def _update(self, obj: Obj, params: Obj) -> Obj:
        if "active" in params:
            obj["active"] = _bool(params["active"])
        if "metadata" in params:
            obj["metadata"] = {**obj.get("metadata", {}), **_metadata(params)}
        return obj


def _public(obj: Obj) -> Obj:
    """The object as answered over HTTP (internal ``_`` keys removed)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _make_handler(server: LocalStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self, method: str) -> None:
            split = urlsplit(self.path)
            pairs = parse_qsl(split.query, keep_blank_values=True)
            if method in ("POST", "DELETE"):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                pairs += parse_qsl(body, keep_blank_values=True)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, payload = server.handle(method, split.path, parse_form(pairs), headers)
            except StripeHTTPError as exc:
                status, payload = exc.status, exc.body
            except Exception as exc:  # noqa: BLE001 - a server bug answers 500 like Stripe's api_error
                status, payload = 500, {"error": {"type": "api_error", "message": str(exc)}}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler


def main(argv: list[str] | None = None) -> None:
    """``python -m bot.devtools.stripe_local [--port P] [--key K]``: serve until interrupted."""
    import argparse

    ap = argparse.ArgumentParser(description="A local server speaking Stripe's wire format (offline demo).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=12111)
    ap.add_argument("--key", default=DEFAULT_KEY, help="the API key clients must present")
    args = ap.parse_args(argv)
    server = LocalStripe(args.key, host=args.host, port=args.port).start()
    print(f"local Stripe on {server.url} (key {args.key})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
