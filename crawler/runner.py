"""Run one crawl of one source and record it: used by `provwatch crawl`, the demo and the daemon.

The crawl itself runs in a child process (crawler.crawl_child); this side hands it the
job, relays progress, enforces the timeout, and writes the crawl run and the source's
new state to the database.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

from crawler.config import Config
from crawler.sources import Source
from crawler.storage import repository
from crawler.storage.db import open_database, transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlResult:
    source_id: str
    outcome: str  # ok | not_modified | failed | timeout | interrupted
    started_at: datetime
    finished_at: datetime
    pages: int = 0
    new_articles: int = 0
    duplicates: int = 0
    already_seen: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    error_messages: tuple[str, ...] = ()
    error_kinds: dict[str, int] = field(default_factory=dict)  # e.g. {"http_403": 2}
    entry_ok: int = 0  # feeds / list pages / sitemaps fetched and usable
    entry_failed: int = 0
    alerts_held: int = 0  # matches not alerted: published before the watchlist existed
    health: str | None = None  # the source's state after this run (crawler.health)
    health_changed: bool = False
    next_due_at: datetime | None = None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "outcome": self.outcome,
                "started_at": self.started_at.isoformat(), "seconds": round(self.seconds, 2),
                "pages": self.pages, "new_articles": self.new_articles,
                "duplicates": self.duplicates, "already_seen": self.already_seen,
                "dropped": self.dropped, "errors": self.errors,
                "error_kinds": self.error_kinds, "entry_ok": self.entry_ok,
                "entry_failed": self.entry_failed, "alerts_held": self.alerts_held,
                "error_messages": list(self.error_messages)}


def summarise(source_id: str, payload: dict[str, Any], started: datetime,
              finished: datetime) -> tuple[CrawlResult, dict[str, Any]]:
    """Turn the child's stats into a CrawlResult and the source's new validators."""
    if "fatal" in payload:
        return CrawlResult(source_id, "failed", started, finished, errors=1,
                           error_messages=(payload["fatal"],), error_kinds={"fatal": 1}), {}
    stats, spider = payload["stats"], payload["spider"]
    dropped = {reason: int(n) for reason, n in payload.get("dropped", {}).items()}
    kinds = {k.split("/", 2)[2]: int(n) for k, n in stats.items()
             if k.startswith("provwatch/errors/")}
    if spider.get("interrupted"):
        outcome = "interrupted"
    elif spider["entry_ok"] == 0 and spider["entry_failed"] > 0:
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
        dropped=dropped, errors=sum(kinds.values()), error_messages=tuple(spider["errors"]),
        error_kinds=kinds, entry_ok=int(spider["entry_ok"]),
        entry_failed=int(spider["entry_failed"]),
        alerts_held=int(stats.get("provwatch/alerts_held_old", 0)),
    )
    return result, {"validators": spider.get("validators") or {}}


@dataclass(frozen=True)
class Window:
    """A backfill's bounds: articles published from ``since`` to ``until``, both days
    included (China time)."""

    since: date | None = None
    until: date | None = None

    def key(self) -> dict[str, str | None]:
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None}


def run_crawl(
    config: Config,
    source: Source,
    *,
    max_pages: int | None = None,
    paginate: bool | None = None,
    on_progress: Callable[[dict[str, int]], None] | None = None,
    env: Mapping[str, str] | None = None,
    window: Window | None = None,
    resume: bool = True,
    alert_old: bool = False,
    stop: threading.Event | None = None,
) -> CrawlResult:
    """One crawl of ``source`` in a child process, recorded as a crawl run.

    ``window`` makes it a backfill: pagination back to ``window.since``; the child reports
    a cursor after every list page, kept on the source so an interrupted backfill resumes
    there (``resume``). ``stop`` set from another thread (a signal) asks the child to stop
    gracefully; it is killed if it has not within ``config.stop_grace`` seconds.
    """
    sessions = open_database(config.database_url)
    with transaction(sessions) as session:
        state = repository.source_state(session, source.id)
        validators = dict(state.validators or {})
        cursor = dict(state.backfill or {})
    job: dict[str, Any] = {
        "config": config.to_dict(), "source_id": source.id, "validators": validators,
        "max_pages": max_pages, "paginate": paginate, "alert_old": alert_old}
    if window is not None:
        job.update(window.key())
        job["paginate"] = True
        if resume and cursor.get("next_url") and all(
                cursor.get(k) == v for k, v in window.key().items()):
            job["start_url"], job["start_page"] = cursor["next_url"], cursor.get("page", 1)
            job["start_request"] = cursor.get("request")

    def save_cursor(c: dict[str, Any]) -> None:
        if window is None:
            return
        with transaction(sessions) as session:
            repository.source_state(session, source.id).backfill = {**window.key(), **c}

    started = datetime.now(timezone.utc)
    payload, ended = _run_child(job, config, on_progress, save_cursor, env, stop)
    finished = datetime.now(timezone.utc)
    if ended == "timeout":
        result, new_state = CrawlResult(
            source.id, "timeout", started, finished, errors=1, error_kinds={"crawl_timeout": 1},
            error_messages=(f"source {source.id}: crawl killed after {config.crawl_timeout:g}s",),
        ), {}
    elif payload is None and ended == "stopped":
        result, new_state = CrawlResult(
            source.id, "interrupted", started, finished,
            error_messages=(f"source {source.id}: crawl stopped",)), {}
    elif payload is None:
        result, new_state = CrawlResult(
            source.id, "failed", started, finished, errors=1, error_kinds={"crashed": 1},
            error_messages=(f"source {source.id}: crawl process ended without a result",)), {}
    else:
        result, new_state = summarise(source.id, payload, started, finished)
        if ended == "stopped" and result.outcome != "interrupted":
            result = replace(result, outcome="interrupted")
    if window is not None and result.outcome in ("ok", "not_modified"):
        new_state["backfill"] = None  # walked to the end: nothing to resume
    from crawler import health  # health rules build on CrawlResult

    with transaction(sessions) as session:
        _, state = repository.record_crawl(session, {
            "source_id": source.id, "started_at": started, "finished_at": finished,
            "outcome": result.outcome, "pages": result.pages,
            "new_articles": result.new_articles, "duplicates": result.duplicates,
            "already_seen": result.already_seen,
            "errors": result.errors, "dropped": result.dropped,
            "error_message": "\n".join(result.error_messages)[:4000] or None,
        }, new_state)
        change = health.apply(state, source, result, datetime.now(timezone.utc),
                              adaptive=window is None)
        result = replace(result, health=state.health, health_changed=change is not None,
                         next_due_at=state.next_due_at)
    return result


def _run_child(job: dict[str, Any], config: Config,
               on_progress: Callable[[dict[str, int]], None] | None,
               on_cursor: Callable[[dict[str, Any]], None],
               env: Mapping[str, str] | None,
               stop: threading.Event | None) -> tuple[dict[str, Any] | None, str]:
    """Run the child; return its result and how it ended: done | timeout | stopped.

    The child gets its own session (a terminal's Ctrl-C reaches only this process, which
    then stops the child in order) and watches its stdin: this side keeps it open, so
    when this process dies, even by kill -9, the child sees end-of-file and stops.
    """
    child_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.crawl_child"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, env=child_env, text=True, encoding="utf-8",
        start_new_session=True,
    )
    result: list[dict[str, Any]] = []

    def read() -> None:
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            try:
                if "progress" in msg and on_progress:
                    on_progress(msg["progress"])
                elif "cursor" in msg:
                    on_cursor(msg["cursor"])
                elif "result" in msg:
                    result.append(msg["result"])
            except Exception:  # a progress display or cursor write must not lose the result
                log.exception("crawl %s: handling %s failed", job["source_id"], line[:200])

    reader = threading.Thread(target=read, daemon=True, name=f"crawl-{job['source_id']}")
    reader.start()
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(job) + "\n")
    proc.stdin.flush()
    deadline = time.monotonic() + config.crawl_timeout
    ended = "done"
    try:
        while True:
            try:
                proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if stop is not None and stop.is_set():
                ended = "stopped"
                _stop_child(proc, config.stop_grace)
                break
            if time.monotonic() >= deadline:
                ended = "timeout"
                proc.kill()
                proc.wait()
                break
    except BaseException:  # KeyboardInterrupt in the CLI: stop the child in order, then go
        _stop_child(proc, config.stop_grace)
        raise
    finally:
        reader.join(timeout=5)
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
    if ended == "timeout":
        return None, ended
    return (result[0] if result else None), ended


def _stop_child(proc: subprocess.Popen, grace: float) -> None:
    """Ask the child to stop by closing its stdin (it then closes the spider and reports
    what it did; stored items are committed), and kill it if it has not ended within
    ``grace`` seconds."""
    if proc.poll() is not None:
        return
    try:
        proc.stdin.close()
    except OSError:  # the pipe broke: a signal does the same
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
