"""Run one crawl of one source and record it: used by `provwatch crawl`, the demo and the daemon.

The crawl itself runs in a child process (crawler.crawl_child); this side hands it the
job, relays progress, enforces the timeout, and writes the crawl run and the source's
new state to the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from crawler.config import Config
from crawler.sources import Source
from crawler.storage import repository
from crawler.storage.db import open_database, transaction
from pipelines import errors as drop_errors

_DROP_REASONS = {cls.__name__: cls.reason for cls in (
    drop_errors.Undecodable, drop_errors.NoText, drop_errors.DuplicateUrl, drop_errors.NotHtml)}


@dataclass(frozen=True)
class CrawlResult:
    source_id: str
    outcome: str  # ok | not_modified | failed | timeout
    started_at: datetime
    finished_at: datetime
    pages: int = 0
    new_articles: int = 0
    duplicates: int = 0
    already_seen: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    error_messages: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "outcome": self.outcome,
                "started_at": self.started_at.isoformat(), "seconds": round(self.seconds, 2),
                "pages": self.pages, "new_articles": self.new_articles,
                "duplicates": self.duplicates, "already_seen": self.already_seen,
                "dropped": self.dropped, "errors": self.errors,
                "error_messages": list(self.error_messages)}


def summarise(source_id: str, payload: dict[str, Any], started: datetime,
              finished: datetime) -> tuple[CrawlResult, dict[str, Any]]:
    """Turn the child's stats into a CrawlResult and the source's new validators."""
    if "fatal" in payload:
        return CrawlResult(source_id, "failed", started, finished, errors=1,
                           error_messages=(payload["fatal"],)), {}
    stats, spider = payload["stats"], payload["spider"]
    dropped: dict[str, int] = {}
    for key, n in stats.items():
        if key.startswith("item_dropped_reasons_count/"):
            name = key.split("/", 1)[1]
            dropped[_DROP_REASONS.get(name, name)] = int(n)
        elif key.startswith("provwatch/dropped/"):
            dropped[key.split("/", 2)[2]] = int(n)
    errors = sum(int(n) for k, n in stats.items() if k.startswith("provwatch/errors/"))
    if spider["entry_ok"] == 0 and spider["entry_failed"] > 0:
        outcome = "failed"
    elif spider["not_modified"] and spider["not_modified"] == spider["entry_ok"]:
        outcome = "not_modified"
    else:
        outcome = "ok"
    result = CrawlResult(
        source_id, outcome, started, finished,
        pages=int(stats.get("response_received_count", 0)),
        new_articles=int(stats.get("provwatch/new_articles", 0)),
        duplicates=dropped.get("duplicate_url", 0) + int(stats.get("provwatch/copies", 0)),
        already_seen=int(stats.get("provwatch/seen_skipped", 0)),
        dropped=dropped, errors=errors, error_messages=tuple(spider["errors"]),
    )
    return result, {"validators": spider.get("validators") or {}}


def run_crawl(
    config: Config,
    source: Source,
    *,
    max_pages: int | None = None,
    paginate: bool | None = None,
    on_progress: Callable[[dict[str, int]], None] | None = None,
    env: Mapping[str, str] | None = None,
) -> CrawlResult:
    sessions = open_database(config.database_url)
    with transaction(sessions) as session:
        validators = dict(repository.source_state(session, source.id).validators or {})
    job = {"config": config.to_dict(), "source_id": source.id, "validators": validators,
           "max_pages": max_pages, "paginate": paginate}
    started = datetime.now(timezone.utc)
    payload, timed_out = _run_child(job, config.crawl_timeout, on_progress, env)
    finished = datetime.now(timezone.utc)
    if timed_out:
        result, new_state = CrawlResult(
            source.id, "timeout", started, finished, errors=1,
            error_messages=(f"source {source.id}: crawl killed after {config.crawl_timeout:g}s",),
        ), {}
    elif payload is None:
        result, new_state = CrawlResult(
            source.id, "failed", started, finished, errors=1,
            error_messages=(f"source {source.id}: crawl process ended without a result",)), {}
    else:
        result, new_state = summarise(source.id, payload, started, finished)
    with transaction(sessions) as session:
        repository.record_crawl(session, {
            "source_id": source.id, "started_at": started, "finished_at": finished,
            "outcome": result.outcome, "pages": result.pages,
            "new_articles": result.new_articles, "duplicates": result.duplicates,
            "errors": result.errors, "dropped": result.dropped,
            "error_message": "\n".join(result.error_messages)[:4000] or None,
        }, new_state)
    return result


def _run_child(job: dict[str, Any], timeout: float,
               on_progress: Callable[[dict[str, int]], None] | None,
               env: Mapping[str, str] | None) -> tuple[dict[str, Any] | None, bool]:
    child_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.crawl_child"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, env=child_env, text=True, encoding="utf-8",
    )
    result: list[dict[str, Any]] = []

    def read() -> None:
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "progress" in msg and on_progress:
                on_progress(msg["progress"])
            elif "result" in msg:
                result.append(msg["result"])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(job))
    proc.stdin.close()
    deadline = time.monotonic() + timeout
    try:
        proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None, True
    finally:
        reader.join(timeout=5)
        proc.stdout.close()
    return (result[0] if result else None), False
