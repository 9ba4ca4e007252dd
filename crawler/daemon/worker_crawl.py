"""One queued crawl, as a worker runs it: due check, slots, the crawl child, the record.

Order of a crawl job (the task ``provwatch.crawl`` of crawler.daemon.engine):

1. A source no longer in the catalog (or disabled) is skipped with a log line.
2. A source that is not due (``next_due_at`` more than one ``queue_tick`` away) is
   skipped: it was crawled since the job was queued (a job queued in the instant a crawl
   of the same source ended), so the job is a repeat.
3. The source's advisory lock, then a slot on each of its hosts (crawler.storage.slots);
   any of them taken: ``HostBusy``, and the queue tries the job again later.
4. The crawl runs in its child process (crawler.daemon.runner, as in `provwatch run`),
   which inherits the locks' connection: the slots are free again only when both the
   worker and the child are gone.
5. New articles: one dispatch pass here and now. Dispatch is safe in many workers at
   once: every message is claimed with a compare-and-set (alerts.dispatch).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from provwatch.alerts.channels import settings_from_config
from provwatch.alerts.dispatch import dispatch
from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.config import Config
from provwatch.crawler.daemon.engine import HostBusy
from provwatch.crawler.daemon.hosts import hosts_of
from provwatch.crawler.daemon.logs import event
from provwatch.crawler.daemon.result import CrawlResult
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.daemon.worker_metrics import WorkerMetrics
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.slots import Slots

log = logging.getLogger("provwatch.worker")


class CrawlJob:
    """The task body; one instance per worker, called from the engine's job threads."""

    def __init__(self, config: Config, sources: dict[str, Source], stopping: threading.Event,
                 metrics: WorkerMetrics) -> None:
        self.config = config
        self.sources = sources
        self.stopping = stopping
        self.metrics = metrics
        self.sessions = open_database(config.database_url)
        self.channel_settings = settings_from_config(config)
        self.running: dict[str, float] = {}  # source id -> monotonic start
        self.crawls_done = 0
        self._lock = threading.Lock()
        self._dispatch_lock = threading.Lock()

    def __call__(self, source_id: str) -> str:
        source = self.sources.get(source_id)
        if source is None:
            event(log, "crawl_skipped", level=logging.WARNING, source=source_id,
                  reason="not an enabled source of this worker's catalog")
            return "unknown"
        if not self._due(source_id):
            event(log, "crawl_skipped", level=logging.DEBUG, source=source_id,
                  reason="not due: crawled since it was queued")
            return "not_due"
        assert self.config.queue_url  # a worker's jobs come from the crawl queue
        slots = Slots(self.config.queue_url)
        try:
            busy = slots.take_all(source_id, hosts_of(source), self.config.crawls_per_host)
            if busy is not None:
                self.metrics.host_busy.inc()
                event(log, "crawl_waits", level=logging.DEBUG, source=source_id, busy=busy)
                raise HostBusy(busy)
            result = self._run(source, slots.fileno())
        finally:
            slots.close()
        self.metrics.crawl_finished(result)
        self._log(result)
        if result.new_articles and not self.stopping.is_set():
            self.dispatch()
        return result.outcome

    def _due(self, source_id: str) -> bool:
        with self.sessions() as session:
            due = repository.next_due_at(session, source_id)
        if due is None:
            return True
        if due.tzinfo is None:
            due = due.replace(tzinfo=timezone.utc)
        return due <= datetime.now(timezone.utc) + timedelta(seconds=self.config.queue_tick)

    def _run(self, source: Source, fd: int) -> CrawlResult:
        with self._lock:
            self.running[source.id] = time.monotonic()
        self.metrics.running.inc()
        try:
            return run_crawl(self.config, source, stop=self.stopping, pass_fds=(fd,))
        finally:
            self.metrics.running.dec()
            with self._lock:
                self.running.pop(source.id, None)
                self.crawls_done += 1

    def running_now(self) -> list[str]:
        with self._lock:
            return sorted(self.running)

    def dispatch(self, should_stop: Callable[[], bool] | None = None) -> None:
        """One pass of the alert dispatcher; a pass already running here covers this one
        (other workers' passes run at the same time, safely)."""
        if not self._dispatch_lock.acquire(blocking=False):
            return
        try:
            report = dispatch(self.sessions, self.channel_settings,
                              max_attempts=self.config.alert_max_attempts,
                              rate_limit=self.config.alert_rate_limit,
                              should_stop=should_stop or self.stopping.is_set)
            if report.sent or report.retrying or report.failed:
                event(log, "dispatch", sent=report.sent, retrying=report.retrying,
                      failed=report.failed, errors=report.messages[:5])
        except Exception:  # boundary: the scheduler's dispatcher tries again on its tick
            log.exception("alert dispatch after a crawl failed")
        finally:
            self._dispatch_lock.release()

    def _log(self, r: CrawlResult) -> None:
        level = logging.WARNING if r.outcome in ("failed", "timeout") else logging.INFO
        event(log, "crawl", level=level, source=r.source_id, outcome=r.outcome,
              seconds=round(r.seconds, 2), pages=r.pages, new=r.new_articles,
              duplicates=r.duplicates, errors=r.errors, health=r.health,
              next_due=r.next_due_at.isoformat() if r.next_due_at else None,
              error=r.error_messages[0] if r.error_messages else None)
