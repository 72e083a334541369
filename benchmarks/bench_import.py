"""Benchmark: import 100,000 customers and 1,000,000 invoices from CSV into fresh SQLite.

Run: ``python benchmarks/bench_import.py [--invoices N] [--customers N] [--keep DIR]``

Generates deterministic CSVs in a temp dir (fixed seed), imports customers, then
invoices, then the same invoices file again (the no-change path), and prints seconds and
rows/s for each. Target: the invoice import under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import Database
from bot.importer import import_customers, import_invoices

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
CURRENCIES = ["EUR", "EUR", "EUR", "GBP", "USD", "CHF"]
LANGS = ["en", "fr", "de", "es", "nl", "pt", "it"]
ZONES = ["Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "America/New_York"]


def generate(folder: Path, customers: int, invoices: int) -> tuple[Path, Path]:
    rnd = random.Random(42)
    cpath, ipath = folder / "customers.csv", folder / "invoices.csv"
    currency_of = []
    with open(cpath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "name", "email", "language", "timezone", "currency"])
        for i in range(customers):
            cur = CURRENCIES[i % len(CURRENCIES)]
            currency_of.append(cur)
            w.writerow([f"C{i:06d}", f"Customer {i} Ltd", f"ap{i}@customer{i}.example",
                        LANGS[i % len(LANGS)], ZONES[i % len(ZONES)], cur])
    base = dt.date(2026, 5, 1)
    with open(ipath, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["invoice_number", "customer_id", "issue_date", "due_date", "amount", "balance",
                    "currency", "po_number"])
        for n in range(invoices):
            c = rnd.randrange(customers)
            issue = base + dt.timedelta(days=rnd.randrange(200))
            due = issue + dt.timedelta(days=rnd.choice((14, 30, 30, 45, 60)))
            cents = rnd.randrange(5_000, 5_000_000)
            balance = cents if rnd.random() < 0.8 else cents // 2
            w.writerow([f"INV-{n:08d}", f"C{c:06d}", issue.isoformat(), due.isoformat(),
                        f"{cents // 100}.{cents % 100:02d}", f"{balance // 100}.{balance % 100:02d}",
                        currency_of[c], f"PO-{n % 9973}" if n % 3 == 0 else ""])
    return cpath, ipath


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--invoices", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="arbot-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        cpath, ipath = generate(folder, args.customers, args.invoices)
        print(f"generated {args.customers:,} customers, {args.invoices:,} invoices "
              f"({ipath.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        db = Database(f"sqlite:///{folder / 'bench.db'}")
        for label, path, fn in (
            ("customers", cpath, import_customers),
            ("invoices", ipath, import_invoices),
            ("invoices again (no change)", ipath, import_invoices),
        ):
            t, cpu = time.perf_counter(), time.process_time()
            s = fn(db, path, now=NOW)
            secs, cpu = time.perf_counter() - t, time.process_time() - cpu
            print(f"{label:28s} {secs:7.1f} s  {s.rows / secs:10,.0f} rows/s  (cpu {cpu:.1f} s; "
                  f"new {s.new:,}, updated {s.updated:,}, unchanged {s.unchanged:,})")
        db.close()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {rss:,.0f} MB; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              "(other work on the machine slows the wall-clock figures)")


if __name__ == "__main__":
    main()
