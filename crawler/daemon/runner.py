"""Run one crawl of one source and record it: used by `provwatch crawl`, the demo and the daemon.

The crawl itself runs in a child process (crawler/daemon/crawl_child.py); this side hands it the
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
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Any

from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.config import Config
from provwatch.crawler.daemon import health
from provwatch.crawler.daemon.result import CrawlResult, summarise
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

log = logging.getLogger(__name__)


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
    quiet: bool = False,
    pass_fds: tuple[int, ...] = (),
) -> CrawlResult:
    """One crawl of ``source`` in a child process, recorded as a crawl run.

    ``window`` makes it a backfill: pagination back to ``window.since``; the child reports
    a cursor after every list page, kept on the source so an interrupted backfill resumes
    there (``resume``). ``stop`` set from another thread (a signal) asks the child to stop
    gracefully; it is killed if it has not within ``config.stop_grace`` seconds.
    ``quiet``: the caller prints the run's error messages, so the child logs only bugs.
    ``pass_fds``: descriptors the child inherits and never uses (a worker's advisory-lock
    connection, crawler.storage.slots: held until the child too has exited).
    """
    sessions = open_database(config.database_url)
    with transaction(sessions) as session:
        state = repository.source_state(session, source.id)
        validators = dict(state.validators or {})
        cursor = dict(state.backfill or {})
    job: dict[str, Any] = {
        "config": config.to_dict(), "source_id": source.id, "validators": validators,
        "max_pages": max_pages, "paginate": paginate, "alert_old": alert_old,
        "quiet": quiet}
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

    last: dict[str, Any] = {}

    def progress(p: dict[str, Any]) -> None:
        last.update(p)
        if on_progress is not None:
            on_progress(p)

    started = datetime.now(timezone.utc)
    new_state: dict[str, Any]
    payload, ended = _run_child(job, config, progress, save_cursor, env, stop, pass_fds)
    finished = datetime.now(timezone.utc)
    if ended == "timeout":
        # what the child reported last: its stored articles are committed, and count
        result, new_state = CrawlResult(
            source.id, "timeout", started, finished, pages=int(last.get("pages", 0)),
            new_articles=int(last.get("new", 0)), errors=1,
            error_kinds={"crawl_timeout": 1},
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
               stop: threading.Event | None,
               pass_fds: tuple[int, ...] = ()) -> tuple[dict[str, Any] | None, str]:
    """Run the child; return its result and how it ended: done | timeout | stopped.

    The child gets its own session (a terminal's Ctrl-C reaches only this process, which
    then stops the child in order) and watches its stdin: this side keeps it open, so
    when this process dies, even by kill -9, the child sees end-of-file and stops.
    """
    child_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "provwatch.crawler.daemon.crawl_child"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, env=child_env, text=True, encoding="utf-8",
        start_new_session=True, pass_fds=pass_fds,
    )
    assert proc.stdin is not None and proc.stdout is not None  # both PIPE
    result: list[dict[str, Any]] = []

    def read() -> None:
        assert proc.stdout is not None  # PIPE
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
    assert proc.stdin is not None  # _run_child opens it as a PIPE
    try:
        proc.stdin.close()
    except OSError:  # the pipe broke: a signal does the same
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
