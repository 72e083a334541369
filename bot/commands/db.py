"""``arbot db upgrade|current``: database migrations."""

from __future__ import annotations

import typer

from bot.cli_common import state
from bot.db import current_revision, redact


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)

    @db_app.command("upgrade")
    def upgrade_cmd(ctx: typer.Context) -> None:
        """Apply migrations (also done automatically whenever arbot opens the database)."""
        db = state(ctx).db()
        typer.echo(f"{redact(db.url)}: at revision {current_revision(db.engine)}")

    @db_app.command("current")
    def current_cmd(ctx: typer.Context) -> None:
        """Print the current schema revision."""
        db = state(ctx).db()
        typer.echo(current_revision(db.engine) or "none")

    app.add_typer(db_app, name="db")
