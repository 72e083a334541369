"""Ledger commands: aging, customers, show, note, hold, release."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli_common import NOW_HELP, fail, parse_date, parse_now, print_json, staff_action, state
from bot.ledger import BUCKETS, LedgerError, add_note, aging, customer_detail, hold, list_customers, release
from bot.money import display, to_str


def _fmt_multi(amounts: dict[str, int]) -> str:
    return "  ".join(display(v, c) for c, v in sorted(amounts.items()) if v) or "-"


def register(app: typer.Typer) -> None:
    @app.command("aging")
    def aging_cmd(
        ctx: typer.Context,
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV, one row per customer and currency.")] = False,
    ) -> None:
        """Open balances by days past due (current, 1-30, 31-60, 61-90, 90+)."""
        st = state(ctx)
        cfg = st.config()
        as_of = parse_now(now, cfg.company.tz).astimezone(cfg.company.tz).date()
        with st.db().session() as s:
            report = aging(s, as_of)
        if as_json:
            print_json(report.to_json())
            return
        if as_csv:
            w = csv.writer(sys.stdout)
            w.writerow(["customer_id", "name", "currency", *BUCKETS, "total", "disputed"])
            for c in report.customers:
                for cur in sorted({k for b in c["buckets"].values() for k in b}):
                    vals = [c["buckets"].get(b, {}).get(cur, 0) for b in BUCKETS]
                    w.writerow([c["customer_id"], c["name"], cur, *[to_str(v, cur) for v in vals],
                                to_str(sum(vals), cur), to_str(c["disputed"].get(cur, 0), cur)])
            return
        t = Table(title=f"Aging as of {as_of.isoformat()}")
        t.add_column("Customer")
        for b in BUCKETS:
            t.add_column(b, justify="right")
        for c in report.customers:
            t.add_row(f"{c['customer_id']} {c['name']}", *[_fmt_multi(c["buckets"].get(b, {})) for b in BUCKETS])
        t.add_section()
        t.add_row("[bold]Total[/bold]", *[_fmt_multi(report.totals.get(b, {})) for b in BUCKETS])
        Console().print(t)
        if report.disputed:
            Console().print(f"Disputed (included above): {_fmt_multi(report.disputed)}")

    @app.command("customers")
    def customers_cmd(
        ctx: typer.Context,
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON.")] = False,
    ) -> None:
        """List customers with their state and balances."""
        st = state(ctx)
        cfg = st.config()
        as_of = parse_now(now, cfg.company.tz).astimezone(cfg.company.tz).date()
        with st.db().session() as s:
            rows = list_customers(s, as_of)
        if as_json:
            print_json([
                {"customer_id": r.external_id, "name": r.name, "state": r.state,
                 "open_balance": {c: to_str(v, c) for c, v in sorted(r.open_balance.items())},
                 "overdue_balance": {c: to_str(v, c) for c, v in sorted(r.overdue_balance.items())},
                 "oldest_days_overdue": r.oldest_days_overdue, "open_invoices": r.open_invoices,
                 "hold_until": r.hold_until.isoformat() if r.hold_until else None}
                for r in rows
            ])
            return
        t = Table(title=f"Customers ({len(rows)})")
        for col in ("ID", "Name", "State", "Open", "Overdue", "Oldest", "Hold"):
            t.add_column(col)
        for r in rows:
            t.add_row(r.external_id, r.name, r.state, _fmt_multi(r.open_balance), _fmt_multi(r.overdue_balance),
                      f"{r.oldest_days_overdue}d" if r.oldest_days_overdue else "-",
                      r.hold_until.isoformat() if r.hold_until else "")
        Console().print(t)

    @app.command("show")
    def show_cmd(
        ctx: typer.Context,
        customer: Annotated[str, typer.Argument(help="The customer's ledger id.")],
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON.")] = False,
        events: Annotated[int, typer.Option(help="How many timeline events to show.")] = 50,
    ) -> None:
        """Contacts, open invoices, promises, notes and timeline of one customer."""
        st = state(ctx)
        cfg = st.config()
        as_of = parse_now(now, cfg.company.tz).astimezone(cfg.company.tz).date()
        try:
            with st.db().session() as s:
                d = customer_detail(s, customer, as_of, events=events)
        except LedgerError as exc:
            fail(str(exc))
        if as_json:
            print_json(d)
            return
        con = Console()
        con.print(f"[bold]{d['customer_id']} {d['name']}[/bold]  state: {d['state']}"
                  + (f"  hold until {d['hold_until']}" if d["hold_until"] else "")
                  + f"  language: {d['language'] or '-'}  time zone: {d['timezone'] or '-'}")
        t = Table(title="Contacts")
        for col in ("Email", "Name", "Role", "Primary", "Status"):
            t.add_column(col)
        for c in d["contacts"]:
            status = "bounced" if c["bounced"] else ("proposed" if c["proposed"] else "ok")
            t.add_row(c["email"], c["name"] or "", c["role"] or "", "yes" if c["primary"] else "", status)
        con.print(t)
        t = Table(title="Open invoices")
        for col in ("Number", "Issued", "Due", "Days", "Balance", "PO", "Disputed"):
            t.add_column(col)
        for i in d["open_invoices"]:
            t.add_row(i["number"], i["issue_date"], i["due_date"], str(i["days_overdue"]),
                      f"{i['balance']} {i['currency']}", i["po_number"] or "",
                      (i["dispute_reason"] or "yes") if i["disputed"] else "")
        con.print(t)
        if d["promises"]:
            con.print("Promises: " + "; ".join(f"{p['date']} {p['status']}" for p in d["promises"]))
        if d["notes"]:
            t = Table(title="Notes")
            for col in ("At", "By", "Invoice", "Text"):
                t.add_column(col)
            for n in d["notes"]:
                t.add_row(n["at"][:16], n["author"] or n["author_kind"], n["invoice"] or "", n["text"])
            con.print(t)
        t = Table(title="Timeline")
        for col in ("At (UTC)", "Event", "Rule", "Summary"):
            t.add_column(col)
        for e in d["timeline"]:
            t.add_row(e["at"][:16], e["kind"], e["rule"] or "", e["summary"])
        con.print(t)

    @app.command("note")
    def note_cmd(
        ctx: typer.Context,
        target: Annotated[str, typer.Argument(help="A customer id or an invoice number.")],
        text: Annotated[str, typer.Argument(help="The note.")],
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    ) -> None:
        """Add a staff note to a customer or an invoice."""
        staff_action(ctx, now, lambda s, at, by: add_note(s, target, text, now=at, author=by), (LedgerError,))
        typer.echo(f"note added to {target}")

    @app.command("hold")
    def hold_cmd(
        ctx: typer.Context,
        customer: Annotated[str, typer.Argument(help="The customer's ledger id.")],
        until: Annotated[str, typer.Option("--until", help="Hold chasing until this date (YYYY-MM-DD).")],
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    ) -> None:
        """Stop chasing a customer until a date."""
        d = parse_date(until, "--until")
        staff_action(ctx, now, lambda s, at, by: hold(s, customer, d, now=at, by=by), (LedgerError,))
        typer.echo(f"{customer} on hold until {d.isoformat()}")

    @app.command("resume", help="Resume chasing a customer (same as `release`).")
    @app.command("release")
    def release_cmd(
        ctx: typer.Context,
        customer: Annotated[str, typer.Argument(help="The customer's ledger id.")],
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    ) -> None:
        """Clear a hold (or a pause awaiting staff) and resume chasing."""
        new_state = staff_action(ctx, now, lambda s, at, by: release(s, customer, now=at, by=by).state,
                                 (LedgerError,))
        typer.echo(f"{customer} released (state: {new_state})")
