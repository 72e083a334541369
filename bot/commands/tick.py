"""``arbot tick [--now T] [--dry-run]``: one pass of the campaigns, queueing due emails in the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_common import NOW_HELP, fail, parse_now, print_json, state


def register(app: typer.Typer) -> None:
    @app.command("tick")
    def tick_cmd(
        ctx: typer.Context,
        now: Annotated[str | None, typer.Option("--now", help=NOW_HELP)] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Decide but write nothing.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
        workers: Annotated[int, typer.Option("--workers", help="Render in N processes.")] = 1,
    ) -> None:
        """Run the campaigns once at NOW: render due emails into the outbox (the sender sends them)."""
        from bot.scheduler import TickError, tick

        st = state(ctx)
        cfg = st.config()
        moment = parse_now(now, cfg.company.tz)
        try:
            res = tick(st.db(), cfg, moment, dry_run=dry_run, render_workers=max(1, workers))
        except TickError as exc:
            fail(str(exc).splitlines()[0], code=1)
        counts = {"now": moment.isoformat(), "dry_run": dry_run, "examined": res.examined,
                  "queued": res.queued, "alerts": res.alerts, "escalations": res.escalations,
                  "state_changes": res.state_changes, "duplicates_skipped": res.duplicates,
                  "changed_meanwhile": res.stale, "render_failed": res.render_failed,
                  "not_due": dict(sorted(res.skipped.items()))}
        if as_json:
            print_json(counts)
            return
        verb = "would queue" if dry_run else "queued"
        typer.echo(f"{moment.isoformat()}: examined {res.examined} account(s), {verb} {res.queued} email(s), "
                   f"{res.alerts} alert(s), {res.escalations} escalation(s), "
                   f"{res.state_changes} state change(s)"
                   + (f", {res.render_failed} could not be rendered (see the timeline)" if res.render_failed else ""))
        for rule, n in sorted(res.skipped.items()):
            typer.echo(f"  not due: {rule}: {n}")
