"""``arbot payments [CUSTOMER] [--json]`` and ``arbot payments poll [--now T]``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy import select

from bot.cli_common import NOW_HELP, fail, parse_now, print_json, state
from bot.models import Allocation, Customer, Invoice, Payment
from bot.money import to_str


def _rows(session: Any, customer: str | None) -> list[dict[str, Any]]:
    q = select(Payment, Customer.external_id).outerjoin(Customer, Payment.customer_id == Customer.id)
    if customer:
        c = session.scalar(select(Customer).where(Customer.external_id == customer))
        if c is None:
            fail(f"no customer {customer!r}")
        q = q.where(Payment.customer_id == c.id)
    q = q.order_by(Payment.date.desc(), Payment.id.desc())
    pays = list(session.execute(q))
    ids = [p.id for p, _ in pays]
    allocs: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for a, number, cur in session.execute(
                select(Allocation, Invoice.number, Invoice.currency).join(Invoice, Allocation.invoice_id == Invoice.id)
                .where(Allocation.payment_id.in_(ids)).order_by(Allocation.id)):
            allocs.setdefault(a.payment_id, []).append({
                "invoice": number, "amount": to_str(a.amount_minor, cur),
                "at": a.created_at.isoformat()})
    out = []
    for p, ext in pays:
        out.append({
            "payment": p.external_id, "source": p.source, "customer": ext, "date": p.date.isoformat(),
            "amount": to_str(p.amount_minor, p.currency), "currency": p.currency,
            "credit": to_str(p.unallocated_minor, p.currency), "refunded": to_str(p.refunded_minor, p.currency),
            "status": p.status, "reference": p.reference, "allocations": allocs.get(p.id, []),
        })
    return out


def _poll(ctx: typer.Context, now: str | None, as_json: bool) -> None:
    from bot.payments import PaymentPoller

    st = state(ctx)
    cfg = st.config()
    if not cfg.stripe.enabled:
        fail("Stripe is not configured ([stripe] api_key_env unset or its variable empty)")
    at = parse_now(now, cfg.company.tz)
    try:
        stats = PaymentPoller(st.db(), cfg).run_once(at)
    except Exception as exc:  # noqa: BLE001 - one line, never the key
        fail(f"Stripe poll failed: {type(exc).__name__}: {exc}".splitlines()[0])
    data = {"seen": stats.seen, "applied": stats.applied, "duplicates": stats.duplicates,
            "ignored": stats.ignored, "failed": stats.failed, "cancelled": stats.cancelled, "cursor": stats.cursor,
            "outcomes": stats.outcomes}
    if as_json:
        print_json(data)
        return
    typer.echo(f"{stats.seen} events: {stats.applied} applied, {stats.duplicates} already applied, "
               f"{stats.ignored} ignored, {stats.failed} failed"
               + (f"; {stats.cancelled} reminder(s) of paid accounts cancelled" if stats.cancelled else ""))
    for o in stats.outcomes:
        typer.echo(f"  {o}")


def _assign(ctx: typer.Context, args: list[str], now: str | None) -> None:
    from bot.payments import PaymentError, assign_payment

    if len(args) < 2:
        fail("usage: arbot payments assign PAYMENT CUSTOMER [INVOICE ...]")
    st = state(ctx)
    cfg = st.config()
    at = parse_now(now, cfg.company.tz)
    try:
        with st.db().session() as s:
            result = assign_payment(s, cfg, args[0], args[1], at, invoice_numbers=args[2:], staff="cli")
    except PaymentError as exc:
        fail(str(exc))
    typer.echo(result.outcome + ("; account paid in full" if result.closed else ""))


def _zero(amount: str) -> bool:
    return amount.strip("0.") == ""


def register(app: typer.Typer) -> None:
    @app.command("payments")
    def payments_cmd(
        ctx: typer.Context,
        customer: Annotated[str | None, typer.Argument(
            help="Customer id (ledger external id); `poll` to poll Stripe's events once; "
                 "`assign PAYMENT CUSTOMER [INVOICE ...]` to resolve a payment in review.")] = None,
        more: Annotated[list[str] | None, typer.Argument(hidden=True)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
        now: Annotated[str | None, typer.Option("--now", help=NOW_HELP + " (poll, assign)")] = None,
    ) -> None:
        """List payments with their allocations (newest first); `payments poll` polls Stripe."""
        if customer == "poll":
            _poll(ctx, now, as_json)
            return
        if customer == "assign":
            _assign(ctx, more or [], now)
            return
        if more:
            fail(f"unexpected arguments: {' '.join(more)}")
        with state(ctx).db().session() as s:
            rows = _rows(s, customer)
        if as_json:
            print_json(rows)
            return
        if not rows:
            typer.echo("no payments")
            return
        for r in rows:
            typer.echo(f"{r['date']}  {r['payment']:<32} {r['source']:<7} {r['customer'] or '(review)':<14} "
                       f"{r['amount']:>12} {r['currency']}  {r['status']}"
                       + ("" if _zero(r["credit"]) else f"  credit {r['credit']}")
                       + ("" if _zero(r["refunded"]) else f"  refunded {r['refunded']}"))
            for a in r["allocations"]:
                typer.echo(f"    -> {a['invoice']:<20} {a['amount']:>12}")
