"""``arbot webhook --port P [--host H]``: serve ``POST /stripe/webhook`` (signed Stripe events)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_common import fail, state
from bot.config import ConfigError


def register(app: typer.Typer) -> None:
    @app.command("webhook")
    def webhook_cmd(
        ctx: typer.Context,
        port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8787,
        host: Annotated[str, typer.Option("--host", help="Address to bind (behind a TLS proxy).")] = "127.0.0.1",
    ) -> None:
        """Receive Stripe events by webhook (optional: polling is the default)."""
        from bot.webhook import PATH, StripeWebhook, make_server

        st = state(ctx)
        cfg = st.config()
        try:
            hook = StripeWebhook(st.db(), cfg)
        except (ConfigError, ValueError) as exc:
            fail(str(exc))
        server = make_server(hook, host, port)
        typer.echo(f"listening on http://{host}:{server.server_address[1]}{PATH}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
