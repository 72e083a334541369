"""``arbot demo``: the whole loop offline, on embedded servers, in about a minute."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_common import fail


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        out: Annotated[Path | None, typer.Option(help="Folder for the demo's files (default: a new temp folder).")] = None,
        days: Annotated[int, typer.Option(min=1, max=365, help="Simulated days.")] = 60,
        start: Annotated[str, typer.Option(help="First simulated day (YYYY-MM-DD).")] = "2026-11-23",
    ) -> None:
        """Run arbot end to end offline: SMTP, IMAP and Stripe stand-ins, simulated customers, narrated."""
        from bot.demo.run import run_demo

        try:
            first = dt.date.fromisoformat(start)
        except ValueError:
            fail(f"--start: not an ISO date: {start!r}")
        folder = out or Path(tempfile.mkdtemp(prefix="arbot-demo-"))
        if folder.exists() and any(folder.iterdir()) and out is not None:
            fail(f"{folder} is not empty: choose a new folder for the demo")
        run_demo(folder, days=days, start=first)
