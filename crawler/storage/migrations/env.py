"""Alembic environment: runs on the connection handed over by crawler.storage.db.migrate
(which holds the migration lock on it), else on a connection of the engine handed over."""

from __future__ import annotations

from alembic import context

from provwatch.crawler.storage.models import Base


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER TABLE limits
    )
    with context.begin_transaction():  # a no-op inside the lock's transaction
        context.run_migrations()
    connection.commit()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    with context.config.attributes["engine"].connect() as connection:
        _run(connection)
