"""The scheduler's pass when a crawl queue is configured: enqueue due sources, re-run the
crawls of dead workers. `provwatch run` calls ``Enqueuer.tick`` every ``queue_tick``
seconds from its APScheduler instead of running crawls itself (crawler.daemon.scheduler).

One pass, in this order:

1. Crawl jobs of workers whose heartbeat is older than ``worker_stall_timeout`` go back
   to the queue (the engine's stalled-job retry); the source's lock passes on with them.
   So do jobs running longer than any crawl can (``engine.orphan_after``).
2. The sources with a crawl running now are read from the queue, then the sources' due
   times from the database, in that order: a crawl that ended in between has already
   written its next due time, so it is not queued again.
3. Every enabled source that is due (never crawled, or ``next_due_at`` passed) and not
   running is queued, with up to one tick of jitter; one already waiting is left alone
   (the queueing lock answers "already queued").

The due times are the ones the crawls write (crawler.daemon.health: interval, adaptive,
backoff after failures), so a source is crawled on the same schedule as under
`provwatch run` alone.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timezone

from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.config import Config
from provwatch.crawler.daemon.engine import Queue, QueueClosed
from provwatch.crawler.daemon.logs import event, failure_line
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database

log = logging.getLogger("provwatch.daemon")


class Enqueuer:
    def __init__(self, config: Config, sources: dict[str, Source]) -> None:
        self.config = config
        self.sources = sources
        self.sessions = open_database(config.database_url)
        self.queue = Queue(config)
        self.enqueued = 0

    def open(self) -> Enqueuer:
        self.queue.open()
        return self

    def tick(self) -> None:
        try:
            self._tick()
        except QueueClosed:
            return  # the scheduler stops
        except Exception as e:  # boundary: a database hiccup costs one pass, not the scheduler
            failure_line(log, e, doing="enqueueing due sources", name="enqueue_failed",
                         next_seconds=self.config.queue_tick)

    def _tick(self) -> None:
        rerun = self.queue.rerun_stalled()
        running = self.queue.running_sources()
        with self.sessions() as session:
            due_at = {r.id: r.next_due_at for r in repository.source_states(session)}
        now = datetime.now(timezone.utc)
        queued = []
        for source in self.sources.values():
            due = due_at.get(source.id)
            if due is not None and due.tzinfo is None:
                due = due.replace(tzinfo=timezone.utc)
            if source.id in running or (due is not None and due > now):
                continue
            delay = random.uniform(0, min(self.config.queue_tick, source.interval / 10))
            if self.queue.enqueue(source.id, delay):
                queued.append(source.id)
        self.enqueued += len(queued)
        if queued or rerun:
            event(log, "enqueued", level=logging.DEBUG if not rerun else logging.WARNING,
                  sources=len(queued), rerun_after_worker_died_or_lost=rerun)

    def close(self) -> None:
        self.queue.close()
