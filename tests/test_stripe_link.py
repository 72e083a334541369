"""The payment link: the real stripe library against the local Stripe server."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import stripe
from sqlalchemy import select

from bot.config import Config
from bot.db import Database
from bot.devtools.stripe_local import LocalStripe
from bot.models import Customer, Invoice, PaymentLink
from bot.stripe_gateway import ensure_payment_link, invoices_metadata, plan_link
from tests.conftest import SHARED
from tests.stripe_support import KEY_ENV, T0, add_customer, open_invoices, stripe_toml


def _link(db: Database, cfg: Config, ext: str) -> str | None:
    with db.session() as s:
        c = s.scalar(select(Customer).where(Customer.external_id == ext))
        assert c is not None
        return ensure_payment_link(s, cfg, c, open_invoices(s, c.id), T0)


def _posts(server: LocalStripe, path: str) -> list[dict]:
    return [p for (m, pth, p, _h) in server.requests if m == "POST" and pth == path]


def test_link_created_once_with_metadata_and_reused(pay_db: Database, pay_config: Config,
                                                    stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)])
    url = _link(pay_db, pay_config, "C1")
    assert url and url.startswith(stripe_env.url)
    assert _link(pay_db, pay_config, "C1") == url
    assert len(_posts(stripe_env, "/v1/prices")) == 1
    assert len(_posts(stripe_env, "/v1/payment_links")) == 1

    price = next(o for o in stripe_env.objects.values() if o["object"] == "price")
    assert price["custom_unit_amount"] == {"preset": 12550, "minimum": 100, "maximum": 12550}
    assert price["currency"] == "gbp" and price["unit_amount"] is None
    md = {"arbot_customer_id": "C1", "arbot_invoices": "INV-1,INV-2"}
    assert price["metadata"] == md
    link = next(o for o in stripe_env.objects.values() if o["object"] == "payment_link")
    assert link["metadata"] == md and link["payment_intent_data"]["metadata"] == md
    assert link["after_completion"]["redirect"]["url"] == "https://northwind.test/thanks"
    product = stripe_env.objects[price["product"]]
    assert product["metadata"] == md
    # Creates carry our idempotency keys.
    keys = [h.get("idempotency-key", "") for (m, _p, _q, h) in stripe_env.requests if m == "POST"]
    assert all(k.startswith("arbot-") for k in keys)


def test_link_recreated_when_balance_changes(pay_db: Database, pay_config: Config,
                                             stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000), ("INV-2", 2550)])
    first = _link(pay_db, pay_config, "C1")
    with pay_db.session() as s:
        inv = s.scalar(select(Invoice).where(Invoice.number == "INV-1"))
        assert inv is not None
        inv.balance_minor = 4000
    second = _link(pay_db, pay_config, "C1")
    assert second != first
    with pay_db.session() as s:
        rows = list(s.scalars(select(PaymentLink).order_by(PaymentLink.id)))
    assert [r.active for r in rows] == [False, True]
    assert rows[1].balance_minor == 6550
    assert stripe_env.objects[rows[0].link_id]["active"] is False
    assert stripe_env.objects[rows[1].link_id]["active"] is True
    # Fully paid: no link, the old one deactivated.
    with pay_db.session() as s:
        for inv in s.scalars(select(Invoice)):
            inv.balance_minor, inv.status = 0, "paid"
    assert _link(pay_db, pay_config, "C1") is None
    assert stripe_env.objects[rows[1].link_id]["active"] is False


def test_crash_before_commit_gets_the_same_link_back(pay_db: Database, pay_config: Config,
                                                     stripe_env: LocalStripe) -> None:
    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])

    class Crash(Exception):
        pass

    with pytest.raises(Crash), pay_db.session() as s:
        c = s.scalar(select(Customer))
        assert c is not None
        ensure_payment_link(s, pay_config, c, open_invoices(s, c.id), T0)
        raise Crash
    url = _link(pay_db, pay_config, "C1")
    links = [o for o in stripe_env.objects.values() if o["object"] == "payment_link"]
    prices = [o for o in stripe_env.objects.values() if o["object"] == "price"]
    assert len(links) == 1 and len(prices) == 1 and links[0]["url"] == url


def test_no_link_when_stripe_not_configured(config_factory: Callable[..., Config], sqlite_url: str,
                                            monkeypatch: pytest.MonkeyPatch, stripe_server: LocalStripe) -> None:
    cfg = config_factory(sqlite_url)
    db = Database(cfg.database_url)
    with db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    assert _link(db, cfg, "C1") is None
    monkeypatch.delenv(KEY_ENV, raising=False)
    cfg2 = config_factory(sqlite_url, stripe_toml(stripe_server.url))   # key env named but unset
    assert _link(db, cfg2, "C1") is None
    assert stripe_server.requests == []
    db.close()


def test_link_currency_policy() -> None:
    c = Customer(external_id="C", name="C", currency="EUR")

    def inv(n: str, bal: int, cur: str) -> Invoice:
        return Invoice(number=n, balance_minor=bal, currency=cur, status="open")

    plan = plan_link(c, [inv("A", 100, "USD"), inv("B", 50, "EUR"), inv("C", -20, "EUR")])
    assert plan is not None and (plan.currency, plan.balance_minor, plan.invoice_numbers) == ("EUR", 30, ("B",))
    c2 = Customer(external_id="D", name="D", currency="GBP")
    plan = plan_link(c2, [inv("A", 100, "USD"), inv("B", 500, "EUR")])
    assert plan is not None and plan.currency == "EUR"
    assert plan_link(c2, [inv("A", -5, "GBP")]) is None
    md = invoices_metadata([f"INVOICE-{i:06d}" for i in range(100)])
    assert len(md["arbot_invoices"]) <= 500 and md["arbot_invoices_truncated"] == "true"


def test_local_server_errors_in_stripe_shape(stripe_server: LocalStripe) -> None:
    client = stripe.StripeClient(stripe_server.api_key, base_addresses={"api": stripe_server.url})
    with pytest.raises(stripe.InvalidRequestError) as e404:
        client.v1.payment_links.retrieve("plink_missing")
    assert e404.value.http_status == 404 and e404.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as e400:
        client.v1.prices.create(params={"currency": "gbp", "product_data": {"name": "x"}})
    assert e400.value.http_status == 400 and e400.value.param == "unit_amount"
    with pytest.raises(stripe.AuthenticationError) as e401:
        stripe.StripeClient("sk_test_wrong", base_addresses={"api": stripe_server.url}).v1.prices.list()
    assert e401.value.http_status == 401
    p = {"currency": "gbp", "unit_amount": 5, "product_data": {"name": "x"}}
    a = client.v1.prices.create(params=p, options={"idempotency_key": "k"})
    b = client.v1.prices.create(params=p, options={"idempotency_key": "k"})
    assert a.id == b.id
    with pytest.raises(stripe.IdempotencyError):
        client.v1.prices.create(params={**p, "unit_amount": 6}, options={"idempotency_key": "k"})


def test_events_pagination_and_filters(stripe_server: LocalStripe) -> None:
    client = stripe.StripeClient(stripe_server.api_key, base_addresses={"api": stripe_server.url})
    for i in range(25):
        stripe_server.pay_without_metadata(100 + i, "gbp", email=None, created=1_000 + i // 5)
    listing = client.v1.events.list(params={"created": {"gt": 1_001}, "types": ["payment_intent.succeeded"],
                                            "limit": 4})
    assert listing.has_more
    got = [e for e in listing.auto_paging_iter()]
    assert len(got) == 15 and all(e.type == "payment_intent.succeeded" for e in got)
    assert [e.created for e in got] == sorted((e.created for e in got), reverse=True)


def test_builders_follow_stripes_published_shapes(stripe_server: LocalStripe) -> None:
    """Every field our builders emit exists in Stripe's example object, with a compatible type."""
    path = SHARED / "stripe" / "fixtures3.json"
    if not path.exists():
        pytest.skip("Stripe's fixtures3.json not available beside the repo")
    ref = json.loads(path.read_text())["resources"]
    client = stripe.StripeClient(stripe_server.api_key, base_addresses={"api": stripe_server.url})
    price = client.v1.prices.create(params={"currency": "gbp", "product_data": {"name": "x"},
                                            "custom_unit_amount": {"enabled": True, "preset": 500}})
    link = client.v1.payment_links.create(params={"line_items": [{"price": price.id, "quantity": 1}]})
    cs = stripe_server.pay_link(link.id, 500)
    re = stripe_server.refund(cs["payment_intent"], 100)
    dp = stripe_server.dispute(cs["payment_intent"], 400)
    objs = [o for o in stripe_server.objects.values()] + [stripe_server.events[0], re, dp]
    for obj in objs:
        kind = obj["object"]
        example = ref[kind]
        for key, value in obj.items():
            if key.startswith("_"):
                continue
            assert key in example, f"{kind}.{key} is not a Stripe field"
            ex = example[key]
            if value is not None and ex is not None and key != "data":
                assert type(value) is type(ex) or {type(value), type(ex)} <= {int, float}, (kind, key)


def test_stripe_down_means_no_link_not_a_crash(pay_db: Database, pay_config: Config,
                                               stripe_env: LocalStripe) -> None:
    from bot.stripe_gateway import payment_link_or_none

    with pay_db.session() as s:
        add_customer(s, "C1", [("INV-1", 10000)])
    stripe_env.stop()
    with pay_db.session() as s:
        c = s.scalar(select(Customer))
        assert c is not None
        client = stripe.StripeClient(stripe_env.api_key, base_addresses={"api": stripe_env.url},
                                     max_network_retries=0)
        assert payment_link_or_none(s, pay_config, c, open_invoices(s, c.id), T0, client=client) is None
        assert s.scalar(select(PaymentLink)) is None
