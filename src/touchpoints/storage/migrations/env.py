"""Alembic environment: migrations run from :func:`touchpoints.storage.database.open_database`
with its connection (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from touchpoints.storage.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` on the command line, with sqlalchemy.url set
    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
)
with context.begin_transaction():
    context.run_migrations()
