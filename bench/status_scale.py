"""Status at 2M crawl runs: what `provwatch status --json`, `/healthz` and every heartbeat
read must not grow with history.

    python bench/status_scale.py [--backend postgresql|sqlite|both] [--runs N]
                                 [--sources S] [--calls K]

Fills a fresh database with ``S`` sources (default 250, the bundled catalog's ids first),
``N`` crawl runs spread over them (default 2,000,000: about 83 days of 250 sources polled
every hour) and 200,000 sent deliveries, then times ``crawler.services.status.gather`` (the
whole status, catalog included) ``K`` times and prints the median. The baseline, timed in
the same run on the same rows, is the query status used before each source's last
outcome lived on its row: a ranking of every crawl run. Target: gather < 50 ms.
PostgreSQL is the server at 127.0.0.1:5432, database ``test``, in a schema of its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from scratch import scratch_database  # bench/scratch.py
from sqlalchemy import func, insert, select, text

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.config import load_config
from provwatch.crawler.services.status import gather
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article, CrawlRun, SourceState, Story
from provwatch.crawler.storage.models import Watchlist as WatchlistRow

NOW = datetime(2026, 12, 6, 6, tzinfo=timezone.utc)
OUTCOMES = ("ok", "ok", "ok", "not_modified", "failed")


def fill(url: str, runs: int, sources: int) -> None:
    ids = [s.id for s in load_catalog()][:sources]
    ids += [f"extra_{n}" for n in range(sources - len(ids))]
    engine = open_database(url)().get_bind()
    rng = random.Random(7)
    with engine.begin() as conn:
        conn.execute(insert(SourceState), [
            {"id": sid, "validators": {}, "consecutive_failures": 0, "health": "ok",
             "last_outcome": "ok", "last_run_at": NOW} for sid in ids])
        batch = []
        for n in range(runs):
            started = NOW - timedelta(minutes=15 * (n // len(ids)))  # every 15 min
            batch.append({"source_id": ids[n % len(ids)], "started_at": started,
                          "finished_at": started + timedelta(seconds=20),
                          "outcome": rng.choice(OUTCOMES), "dropped": {}})
            if len(batch) == 20000:
                conn.execute(insert(CrawlRun), batch)
                batch = []
        if batch:
            conn.execute(insert(CrawlRun), batch)
        conn.execute(insert(WatchlistRow), [{"name": "w", "channels": ["email:a@b.example"],
                                             "created_at": NOW}])
        conn.execute(insert(Story), [{"title": "s", "copy_count": 1, "first_seen_at": NOW}])
        conn.execute(insert(Article), [{
            "canonical_url": "https://x.example/1", "url": "https://x.example/1",
            "source_id": ids[0], "title": "t", "text": "t", "content_hash": "h",
            "story_id": 1, "fetched_at": NOW}])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO stories (title, copy_count, first_seen_at) "
                          "SELECT 's', 1, :now FROM crawl_runs LIMIT 200000"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO deliveries (watchlist_id, story_id, article_id, channel, status, "
            "attempts, next_attempt_at, created_at, sent_at) SELECT 1, id, 1, 'email:a', "
            "'sent', 1, :old, :old, :old FROM stories WHERE id > 1"),
            {"old": NOW - timedelta(days=30)})
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def timed(call, k: int) -> float:
    times = []
    for _ in range(k):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def ranked_outcomes(url: str) -> dict:
    """The query status ran before: every crawl run ranked per source."""
    rank = func.row_number().over(partition_by=CrawlRun.source_id,
                                  order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc()))
    ranked = select(CrawlRun.source_id, CrawlRun.outcome, rank.label("rank")).subquery()
    with open_database(url)() as session:
        return dict(session.execute(select(ranked.c.source_id, ranked.c.outcome)
                                    .where(ranked.c.rank == 1)).all())


def run(backend: str, args) -> bool:
    with scratch_database(backend, "status") as (url, _):
        started = time.perf_counter()
        fill(url, args.runs, args.sources)
        filled = time.perf_counter() - started
        config = load_config(env={}, overrides={"database_url": url,
                                                "data_dir": str(Path(tempfile.gettempdir()))})
        gather(config, now=NOW)  # warm: engine, catalog
        ours = timed(lambda: gather(config, now=NOW), args.calls)
        before = timed(lambda: ranked_outcomes(url), max(1, args.calls // 5))
    ok = ours < 50
    print(f"{backend:>10}: {args.runs:,} crawl runs, {args.sources} sources (filled in "
          f"{filled:.0f} s)")
    print(f"{'':>10}  status gather median {ours:.1f} ms over {args.calls} calls "
          f"(target < 50 ms: {'PASS' if ok else 'FAIL'}); the old ranking of every run "
          f"alone {before:.0f} ms: {before / ours:.0f}x")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"),
                        default="postgresql")
    parser.add_argument("--runs", type=int, default=2_000_000)
    parser.add_argument("--sources", type=int, default=250)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    return 0 if all([run(b, args) for b in backends]) else 1


if __name__ == "__main__":
    sys.exit(main())
