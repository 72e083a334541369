"""Per-call cost of ``bot.render.render_step``, with and without PDF attachments.

Run: ``python benchmarks/bench_render.py [N]`` (from the repository root). Prints the
mean milliseconds per call of each phase and of whole renders, and what 100,000
customers would cost at that rate on one core.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Config, StepConfig, default_campaigns, parse_config
from bot.render import Renderer, build_mime, language_chain
from bot.render_api import (
    ContactInfo,
    CustomerInfo,
    InvoiceInfo,
    StepRenderContext,
    reply_address,
    totals_by_currency,
)

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
LANGS = ("en", "fr", "de", "es")


def config(tmp: Path) -> Config:
    text = """
[company]
name = "Northwind Supplies Ltd"
ar_address = "ar@northwind.example"
timezone = "Europe/London"
currency = "EUR"
address = "1 Harbour Road, Bristol BS1 4XX"
bank_details = "IBAN GB00BARC20000012345678"
"""
    return parse_config(text, tmp / "bot.toml")


def contexts(cfg: Config, n: int, step: StepConfig, *, unicode_names: bool = False) -> list[StepRenderContext]:
    out = []
    for k in range(n):
        invs = tuple(
            InvoiceInfo(f"INV-{k:06d}-{j}", dt.date(2026, 1, 1) + dt.timedelta(days=j * 7),
                        dt.date(2026, 2, 1) + dt.timedelta(days=j * 7), 10000 + k * 7 + j, 9000 + k * 7 + j,
                        "EUR", f"PO-{k}" if j == 0 else None, None, 47 - j * 7)
            for j in range(3))
        name = f"Łódź Trading {k}" if unicode_names else f"Customer {k} Ltd"
        token = f"tok{k:012d}"
        out.append(StepRenderContext(
            config=cfg, customer=CustomerInfo(k, f"C{k:06d}", name, LANGS[k % 4], None, "EUR"),
            contacts=(ContactInfo(f"ap{k}@customer{k}.example", f"Contact {k}", "billing", True),),
            step=step, step_index=3, campaign="default", cycle=0, invoices=invs, totals=totals_by_currency(invs),
            now=NOW, message_id=f"<arbot.{k}@northwind.example>", reply_token=token,
            reply_to=reply_address(cfg.company.ar_address, token, True), from_address=cfg.company.ar_address,
            payment_link_url=f"https://pay.example/{k}", statement_items=invs))
    return out


def per_call(f: Callable[[StepRenderContext], object], ctxs: list[StepRenderContext], rounds: int = 3) -> float:
    """Median over ``rounds`` of the mean CPU ms per call (process time: less noisy on a shared machine)."""
    results = []
    for _ in range(rounds):
        t = time.process_time()
        for c in ctxs:
            f(c)
        results.append((time.process_time() - t) / len(ctxs) * 1000)
    return statistics.median(results)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    cfg = config(Path(tempfile.mkdtemp()))
    plain = StepConfig(name="why_delay", offset_days=10, template="why_delay", attach=[])
    with_inv = plain.model_copy(update={"attach": ["invoice_pdfs"]})
    with_stmt = plain.model_copy(update={"attach": ["statement_pdf"]})

    r = Renderer(cfg)
    base = contexts(cfg, n, plain)
    r.render_step(base[0])
    tset = r.template_set("why_delay", language_chain("de", "en"))
    v = r.variables(base[0], tset)
    html = tset.html.render(v)
    text = tset.txt.render(v)
    rows = [
        ("variables", per_call(lambda c: r.variables(c, tset), base)),
        ("jinja subject+text+html", per_call(lambda c: (tset.subject.render(v), tset.txt.render(v),
                                                        tset.html.render(v)), base)),
        ("css-inline", per_call(lambda c: r._inliner.inline(html), base)),
        ("MIME build+serialise", per_call(
            lambda c: build_mime(c, subject="Überfällige Rechnungen", text=text, html=html, files=[], to=c.to,
                                 language="de"), base)),
        ("render_step, no PDF", per_call(r.render_step, base)),
    ]
    inv_ctx = contexts(cfg, n, with_inv)
    r2 = Renderer(cfg)
    rows.append(("render_step + 3 invoice PDFs (cold)", per_call(r2.render_step, inv_ctx, rounds=1)))
    rows.append(("render_step + 3 invoice PDFs (cached)", per_call(r2.render_step, inv_ctx)))
    stmt_ctx = contexts(cfg, n, with_stmt)
    rows.append(("render_step + statement PDF (Helvetica)", per_call(r.render_step, stmt_ctx)))
    uni = contexts(cfg, max(n // 4, 20), with_stmt, unicode_names=True)
    rows.append(("render_step + statement PDF (TTF embedded)", per_call(r.render_step, uni, rounds=1)))
    steps = default_campaigns()["default"].steps
    mix = []
    for k, c in enumerate(contexts(cfg, n, plain)):
        step = steps[k % len(steps)]
        mix.append(replace(c, step=step, step_index=k % len(steps), statement_items=c.invoices * 3))
    r3 = Renderer(cfg)
    rows.append(("render_step, default steps' attachments (mix)", per_call(r3.render_step, mix, rounds=1)))
    print(f"bench_render: {n} customers, 3 invoices each, 4 languages (shared machine: figures are noisy)")
    for label, ms in rows:
        print(f"  {label:44s} {ms:7.3f} ms/call   100k customers: {ms * 100:7.1f} s")


if __name__ == "__main__":
    main()
