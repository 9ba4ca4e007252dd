"""Alembic environment: runs on the engine handed over by crawler.storage.db."""

from __future__ import annotations

from alembic import context

from provwatch.crawler.storage.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER TABLE limits
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
