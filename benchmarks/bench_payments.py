"""Benchmark: learning of payments by polling (stripe library -> local Stripe server -> ledger).

N customers with 3 open invoices each pay through their payment link; one poll applies the
2N events (checkout session + payment intent per payment). Prints events/s and payments/s
for the poll, on SQLite in a temp folder. Run: ``python benchmarks/bench_payments.py [N]``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import parse_config
from bot.db import Database, utcnow
from bot.devtools.stripe_local import LocalStripe
from bot.models import Contact, Customer, Invoice, PaymentLink
from bot.payments import PaymentPoller


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, LocalStripe() as server:
        os.environ["BENCH_STRIPE_KEY"] = server.api_key
        toml = (f'[company]\nname = "Bench"\nar_address = "ar@bench.test"\ncurrency = "EUR"\n'
                f'[database]\nurl = "sqlite:///{tmp}/bench.db"\n'
                f'[stripe]\napi_key_env = "BENCH_STRIPE_KEY"\napi_base = "{server.url}"\n')
        cfg = parse_config(toml, Path(tmp) / "bot.toml")
        db = Database(cfg.database_url)
        now = utcnow()
        with db.session() as s:
            for i in range(n):
                c = Customer(external_id=f"C{i}", name=f"C{i}", currency="EUR", created_at=now, updated_at=now)
                s.add(c)
                s.flush()
                s.add(Contact(customer_id=c.id, email=f"ap{i}@x.test", created_at=now))
                for k in range(3):
                    s.add(Invoice(number=f"I{i}-{k}", customer_id=c.id, issue_date=dt.date(2026, 9, 1),
                                  due_date=dt.date(2026, 10, 1 + k), total_minor=1000, balance_minor=1000,
                                  currency="EUR", created_at=now, updated_at=now))
        # Links are made directly in the server (link creation is not what is measured).
        client_links = []
        for i in range(n):
            price = server._create_price({"currency": "eur", "product_data": {"name": "x"},
                                          "custom_unit_amount": {"enabled": "true", "preset": "3000"}})
            md = {"arbot_customer_id": f"C{i}", "arbot_invoices": f"I{i}-0,I{i}-1,I{i}-2"}
            link = server._create_payment_link({"line_items": [{"price": price["id"]}], "metadata": md,
                                                "payment_intent_data": {"metadata": md}})
            client_links.append(link["id"])
        with db.session() as s:
            for i, lid in enumerate(client_links):
                s.add(PaymentLink(customer_id=i + 1, price_id="p", link_id=lid, url="u", balance_minor=3000,
                                  currency="EUR", invoice_numbers=[], created_at=now))
        for i, lid in enumerate(client_links):
            server.pay_link(lid, 3000 if i % 2 else 1500)   # half pay in full, half partially
        t0 = time.perf_counter()
        stats = PaymentPoller(db, cfg).run_once(utcnow())
        elapsed = time.perf_counter() - t0
        assert stats.applied == n, stats
        print(f"poll: {stats.seen} events, {stats.applied} payments applied in {elapsed:.2f} s: "
              f"{stats.seen / elapsed:.0f} events/s, {stats.applied / elapsed:.0f} payments/s "
              f"(SQLite, one transaction per event, one payment-intent lookup per checkout session)")
        db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
