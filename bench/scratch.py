"""A throw-away database for a benchmark: a SQLite file in a temporary folder, or a
schema of its own on the PostgreSQL server at 127.0.0.1:5432 (database ``test``), dropped
afterwards whatever happens, with every engine the run opened disposed first."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from provwatch.crawler.storage.db import close_all

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def scratch_database(backend: str, name: str) -> Iterator[tuple[str, str | None]]:
    """(database URL, PostgreSQL schema or None) of a fresh, empty database."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"{name}_") as folder:
            try:
                yield f"sqlite:///{folder}/bench.db", None
            finally:
                close_all()
        return
    schema = f"bench_{name}_{os.getpid()}"
    with create_engine(PG_URL).begin() as admin:
        admin.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}", schema
    finally:
        close_all()
        with create_engine(PG_URL).begin() as admin:
            admin.execute(text(f"DROP SCHEMA {schema} CASCADE"))
