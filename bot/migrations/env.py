"""Alembic environment: runs on the connection handed in by bot.db.upgrade."""

from __future__ import annotations

from alembic import context

from bot.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only bot.db.upgrade drives migrations
    raise RuntimeError("run migrations through `arbot db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
