"""Processes that open one new database at the same moment upgrade its schema once: two
`ingest` runs on a new SQLite file, or a scheduler and its workers starting on an empty
PostgreSQL schema, all come to a schema at head, none fails with "table already exists".
Real processes meet at a barrier just before they open it, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import create_engine, text

from provwatch.crawler.storage.db import head_revision

SPAWN = multiprocessing.get_context("spawn")
OPENERS = 4


def _open(database_url: str, barrier, results) -> None:
    from provwatch.crawler.storage.db import DatabaseError, open_database

    barrier.wait(timeout=120)
    try:
        open_database(database_url)
        results.put("ok")
    except DatabaseError as e:
        results.put(str(e))


def test_processes_opening_a_new_database_at_once_migrate_it_once(database_url):
    barrier = SPAWN.Barrier(OPENERS)
    results = SPAWN.Queue()
    openers = [SPAWN.Process(target=_open, args=(database_url, barrier, results))
               for _ in range(OPENERS)]
    for p in openers:
        p.start()
    outcomes = [results.get(timeout=180) for _ in openers]
    for p in openers:
        p.join(timeout=60)

    assert outcomes == ["ok"] * OPENERS
    assert all(p.exitcode == 0 for p in openers)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert versions == [(head_revision(),)]  # one row: upgraded once, to head
