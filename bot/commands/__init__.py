"""CLI command modules. Each module defines ``register(app: typer.Typer) -> None``.

``bot.cli`` discovers every module here, so adding a command never edits a shared file.
"""
