"""``arbot run [--once] [--now T]``: the daemon, or one full cycle for cron and tests."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer

from bot.cli_common import NOW_HELP, parse_now, state
from bot.daemon import Supervisor, run_cycle
from bot.db import utcnow
from bot.runtime import Runtime


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_cmd(
        ctx: typer.Context,
        once: Annotated[bool, typer.Option("--once", help="Run one full cycle (tick, send, mailbox, payments, "
                                                          "digest, send) and exit.")] = False,
        now: Annotated[str | None, typer.Option(help=NOW_HELP + " Only with --once.")] = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    ) -> None:
        """Run the daemon: campaigns, sender, mailbox watcher, payment poller, digest."""
        logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        for noisy in ("alembic", "aiosmtplib", "imapclient", "stripe"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        st = state(ctx)
        cfg = st.config()
        db = st.db()
        if once:
            at = parse_now(now, cfg.company.tz)
            rt = Runtime(db, cfg, clock=lambda: at)
            try:
                for line in asyncio.run(run_cycle(rt.tasks(), at)):
                    typer.echo(line)
            finally:
                rt.close()
            return
        if now:
            typer.echo("error: --now only makes sense with --once", err=True)
            raise typer.Exit(2)
        rt = Runtime(db, cfg, clock=utcnow)

        async def main() -> None:
            sup = Supervisor(rt.tasks(), stop_timeout=cfg.daemon.stop_timeout_seconds)
            sup.install_signal_handlers()
            await sup.run()

        try:
            asyncio.run(main())
        finally:
            rt.close()
        typer.echo("arbot stopped")
