"""Staff actions also available by email: resolve, confirm contact (resume is in ledger.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_common import NOW_HELP, staff_action
from bot.staff import CommandError, confirm_contact, resolve_dispute


def register(app: typer.Typer) -> None:
    @app.command("resolve")
    def resolve_cmd(
        ctx: typer.Context,
        invoice: Annotated[str, typer.Argument(help="The disputed invoice number.")],
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    ) -> None:
        """Mark an invoice's dispute as settled: it is chased again."""
        staff_action(ctx, now, lambda s, at, by: resolve_dispute(s, invoice, now=at, by=by), (CommandError,))
        typer.echo(f"{invoice}: dispute resolved")

    contact_app = typer.Typer(help="Contacts proposed by customers' replies.", no_args_is_help=True)

    @contact_app.command("confirm")
    def confirm_cmd(
        ctx: typer.Context,
        email: Annotated[str, typer.Argument(help="The proposed address.")],
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    ) -> None:
        """Accept a contact proposed by a reply (a redirect)."""
        staff_action(ctx, now, lambda s, at, by: confirm_contact(s, email, now=at, by=by), (CommandError,))
        typer.echo(f"{email} confirmed")

    app.add_typer(contact_app, name="contact")
