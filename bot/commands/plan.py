"""``arbot plan [--days N] [--now T] [--json]``: every email the campaigns would send, sending nothing."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_common import NOW_HELP, fail, parse_now, print_json, state


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_cmd(
        ctx: typer.Context,
        days: Annotated[int, typer.Option("--days", help="How many days to simulate (today included).")] = 14,
        now: Annotated[str | None, typer.Option("--now", help=NOW_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list instead of a table.")] = False,
    ) -> None:
        """Show, day by day, every email the campaigns would send; writes nothing.

        Each simulated day assumes the previous days' emails were sent.
        """
        from bot.money import to_str
        from bot.scheduler import plan

        if days < 1:
            fail("--days: must be at least 1")
        st = state(ctx)
        cfg = st.config()
        moment = parse_now(now, cfg.company.tz)
        emails = plan(st.db(), cfg, moment, days)
        if as_json:
            print_json([e.as_json() for e in emails])
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Planned emails, {days} days from {moment.astimezone(cfg.company.tz):%Y-%m-%d %H:%M}"
                            f" ({cfg.company.timezone})")
        for col in ("date", "customer", "campaign", "step", "invoices", "to", "amount", "rule"):
            table.add_column(col)
        for e in emails:
            table.add_row(e.date.isoformat(), e.external_id, e.campaign, e.step, ", ".join(e.invoices),
                          ", ".join(e.to) or "-",
                          " + ".join(f"{to_str(m, c)} {c}" for c, m in sorted(e.totals.items())), e.rule)
        console = Console()
        if not console.is_terminal:   # piped or captured: never truncate cells
            console = Console(width=220)
        console.print(table)
        console.print(f"{len(emails)} email(s) over {days} day(s); nothing was sent or written.")
