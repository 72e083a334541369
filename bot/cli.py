"""The ``arbot`` command line. Commands live in ``bot.commands.*`` modules."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Annotated

import typer

from bot import __version__, commands
from bot.cli_common import CliState

app = typer.Typer(
    name="arbot",
    help="arbot: an email-native accounts-receivable collections bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"arbot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[str | None, typer.Option(
        "--config", "-c", help="Path to bot.toml (default: $ARBOT_CONFIG, else ./bot.toml).")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    ctx.obj = CliState(config_path=config)


def _register_all() -> None:
    for mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{mod.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
