"""Status reads what does not grow with history: each source's last outcome lives on its
row (filled from the history by the migration), and old crawl runs can be pruned."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alembic import command
from conftest import make_config
from sqlalchemy import func, select, text

from provwatch.crawler.services.status import gather
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import alembic_config, make_engine, open_database, transaction
from provwatch.crawler.storage.models import CrawlRun, SourceState

NOW = datetime(2026, 12, 6, 6, tzinfo=timezone.utc)


def _run(session, source_id: str, outcome: str, days_ago: float) -> None:
    started = NOW - timedelta(days=days_ago)
    repository.record_crawl(session, {"source_id": source_id, "started_at": started,
                                      "finished_at": started + timedelta(seconds=5),
                                      "outcome": outcome}, {})


def test_the_last_outcome_survives_pruning_every_run_of_the_source(tmp_path, database_url):
    sessions = open_database(database_url)
    with transaction(sessions) as session:
        _run(session, "gov_a", "ok", 200)
        _run(session, "gov_a", "failed", 120)
        _run(session, "gov_b", "ok", 100)
        _run(session, "gov_b", "not_modified", 1)
    with transaction(sessions) as session:
        gone = repository.prune_crawl_runs(session, NOW - timedelta(days=90))
    with sessions() as session:
        left = session.scalars(select(CrawlRun.outcome)).all()
    assert gone == 3 and left == ["not_modified"]

    config = make_config(tmp_path, database_url)
    outcomes = {s["id"]: s["last_outcome"] for s in gather(config, now=NOW)["sources"]}
    assert outcomes["gov_a"] == "failed" and outcomes["gov_b"] == "not_modified"


def test_the_migration_fills_the_last_outcome_from_the_history(tmp_path, database_url):
    engine = make_engine(database_url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (id, validators, consecutive_failures) "
                          "VALUES ('gov_a', '{}', 0), ('gov_b', '{}', 0)"))
        for n, (sid, outcome) in enumerate([("gov_a", "ok"), ("gov_a", "timeout"),
                                            ("gov_b", "not_modified")]):
            conn.execute(text("INSERT INTO crawl_runs (source_id, started_at, outcome, pages, "
                              "new_articles, duplicates, errors, already_seen, dropped) "
                              "VALUES (:s, :t, :o, 0, 0, 0, 0, 0, '{}')"),
                         {"s": sid, "t": NOW + timedelta(minutes=n), "o": outcome})
    command.upgrade(cfg, "head")
    with open_database(database_url)() as session:
        got = dict(session.execute(select(SourceState.id, SourceState.last_outcome)).all())
        indexed = session.scalar(select(func.count()).select_from(CrawlRun))
    engine.dispose()
    assert got == {"gov_a": "timeout", "gov_b": "not_modified"} and indexed == 3
