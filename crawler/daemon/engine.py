"""The crawl queue: "crawl source X now" carried by Procrastinate on PostgreSQL.

Why Procrastinate (read in its documentation, procrastinate.readthedocs.io, and source,
3.x): production already runs PostgreSQL, so the queue needs no broker of its own; a job
is a row taken with ``SELECT ... FOR UPDATE SKIP LOCKED``, so a job runs in exactly one
worker; and its job options map onto the guarantees provwatch needs:

- ``queueing_lock=crawl:<source>``: at most one *waiting* crawl per source; provwatch's
  enqueue (crawler.storage.slots.DEFER_ONCE) also refuses while the source's crawl runs,
  and the scheduler counts either as "already queued";
- ``lock=crawl:<source>``: jobs sharing a lock never run at the same time, in order;
- worker heartbeats (``update_heartbeat_interval``) and ``get_stalled_jobs`` /
  ``retry_job``: the crawls of a worker whose heartbeat is older than
  ``worker_stall_timeout`` are put back in the queue, and the lock passes on; so are
  crawls running longer than a crawl can (``orphan_after``), which a live worker lost.

(Sources, procrastinate 3.10: ``sql/schema.sql``, the unique index on ``queueing_lock``
``WHERE status = 'todo'`` and ``procrastinate_fetch_job_v2``'s ``FOR UPDATE OF jobs SKIP
LOCKED``; ``worker.py`` and ``manager.py`` for heartbeats and ``get_stalled_jobs``.)

Celery was the other candidate: it needs Redis or RabbitMQ next to PostgreSQL, and holds
neither "one waiting job per key" nor "never two at once per key" itself.

Per-host politeness ("at most ``crawls_per_host`` crawls of a host at once across every
worker") is not a queue feature: the crawl takes a PostgreSQL advisory lock per host slot
(crawler.storage.slots) and, when every slot is taken, raises ``HostBusy``, which the
task's retry strategy turns into "try again in ``host_busy_retry`` seconds" (the job keeps
its queueing lock meanwhile, so the source is not queued twice).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import random
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime, timezone
from typing import Any, TypeVar

from procrastinate import App, PsycopgConnector, exceptions
from procrastinate.jobs import Status
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.schema import SchemaManager
from procrastinate.types import TimeDeltaParams

from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.redact import redact
from provwatch.crawler.storage import slots

TASK = "provwatch.crawl"
NOOP = "provwatch.noop"  # bench/scale_workers.py: the queue's own cost per job
QUEUE = slots.CRAWL_QUEUE
T = TypeVar("T")


class HostBusy(Exception):
    """Every slot of a host the crawl needs (or the source itself) is taken."""

    def __init__(self, what: str) -> None:
        super().__init__(f"busy: {what}")
        self.what = what


class QueueError(ProvwatchError):
    """The queue's database cannot be reached or used: one line, no password."""


class QueueClosed(Exception):
    """The scheduler is stopping: calls still in flight are cancelled, not waited for."""


def orphan_after(config: Config) -> float:
    """Seconds after which a running crawl job is one its worker lost: a crawl is killed
    at ``crawl_timeout``, stops within ``stop_grace``, and its record and alert pass get a
    minute more. Putting back a job that was in fact still finishing costs nothing: the
    re-run finds the source crawled (not due) or its lock taken (host busy)."""
    return config.crawl_timeout + config.stop_grace + 60.0


def lock_of(source_id: str) -> str:
    return f"crawl:{source_id}"


class BusyRetry(BaseRetryStrategy):
    """Only a busy host is retried (for ever, after ``wait`` to twice that); a crawl's own
    failures are recorded on its source and retried by the schedule, not by the queue."""

    def __init__(self, wait: float) -> None:
        self.wait = wait

    def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
        if isinstance(exception, HostBusy):
            # procrastinate types the seconds as int, but passes them to timedelta(), which
            # takes a float
            delay: TimeDeltaParams = {
                "seconds": self.wait * (1 + random.random())}  # type: ignore[typeddict-item]
            return RetryDecision(retry_in=delay)
        return None


def make_app(config: Config, **pool: Any) -> App:
    assert config.queue_url, "make_app needs queue_url"
    # "Adding tasks from blueprint" at every start says nothing an operator needs
    logging.getLogger("procrastinate.blueprints").setLevel(logging.WARNING)
    return App(connector=PsycopgConnector(conninfo=slots.conninfo(config.queue_url),
                                          **pool))


def ensure_schema(config: Config) -> bool:
    """Create the queue's tables on first use (True when this call did)."""
    assert config.queue_url, "ensure_schema needs queue_url"
    try:
        return slots.ensure_queue_schema(config.queue_url, SchemaManager.get_schema())
    except Exception as e:  # psycopg's errors name the server; the URL may hold a password
        raise QueueError(f"queue_url {config.redacted()['queue_url']}: "
                         f"{redact(_first_line(e))}") from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0]


class Queue:
    """The scheduler's (and `status`'s) handle on the queue: plain calls over the engine's
    async API, run on one event loop in a thread of their own."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.app = make_app(config, min_size=1, max_size=2)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="queue-loop")
        self._open = False
        self._closing = False
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._guard = threading.Lock()

    def open(self) -> Queue:
        ensure_schema(self.config)
        self._thread.start()
        try:
            self._run(self.app.open_async().__aenter__())
        except Exception as e:
            self._stop_loop()
            raise QueueError(f"queue_url {self.config.redacted()['queue_url']}: "
                             f"{redact(_first_line(e))}") from None
        self._open = True
        return self

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        with self._guard:
            if self._closing:
                coro.close()
                raise QueueClosed
            future = asyncio.run_coroutine_threadsafe(coro, self._loop)
            self._pending.add(future)
        try:
            return future.result(timeout)
        except concurrent.futures.CancelledError:
            raise QueueClosed from None
        finally:
            with self._guard:
                self._pending.discard(future)

    def enqueue(self, source_id: str, delay: float = 0.0) -> bool:
        """Queue a crawl of ``source_id``; False when one is waiting or running already
        (crawler.storage.slots.DEFER_ONCE says why running counts too)."""
        try:
            return self._run(slots.defer_once(
                self.app.connector, queue=QUEUE, task=TASK, lock=lock_of(source_id),
                kwargs={"source_id": source_id}, delay=max(0.0, delay)))
        except exceptions.UniqueViolation:
            return False  # queued by another enqueuer in the same instant

    def defer(self, task: str, **kwargs: Any) -> int:
        """Any task by name, no locks (bench/scale_workers.py's no-op jobs)."""
        return self._run(self.app.configure_task(task, queue=QUEUE).defer_async(**kwargs))

    def running_sources(self) -> set[str]:
        """Sources with a crawl being run now (status ``doing``)."""
        jobs = self._run(self.app.job_manager.list_jobs_async(task=TASK, status="doing"))
        # every crawl job is deferred with its source_id, a str
        return {s for j in jobs if isinstance(s := j.task_kwargs.get("source_id"), str)}

    def rerun_stalled(self) -> list[str]:
        """Put back in the queue the crawls of workers silent for ``worker_stall_timeout``
        (their locks pass on), and crawls running longer than a crawl can (``orphan_after``:
        their live worker lost track of them); the sources they were crawling."""
        manager = self.app.job_manager
        stalled = self._run(manager.get_stalled_jobs(
            task_name=TASK, seconds_since_heartbeat=self.config.worker_stall_timeout))
        jobs = [(j.id, j.task_kwargs.get("source_id")) for j in stalled if j.id is not None]
        jobs += self._run(slots.orphaned_jobs(self.app.connector, queue=QUEUE, task=TASK,
                                              seconds=orphan_after(self.config)))
        done: list[str] = []
        for job_id, source_id in dict(jobs).items():
            try:
                try:
                    self._run(manager.retry_job_by_id_async(job_id, datetime.now(timezone.utc)))
                except exceptions.UniqueViolation:
                    # a twin waits under the same lock, queued by a provwatch before
                    # DEFER_ONCE: it is the one to run, and this one ends
                    self._run(manager.finish_job_by_id_async(
                        job_id, status=Status.ABORTED, delete_job=True))
                if isinstance(source_id, str):
                    done.append(source_id)  # every crawl job has one
            except exceptions.ProcrastinateException:
                continue  # finished or retried by the time we got there
        return done

    def depth(self) -> dict[str, int]:
        """Crawl jobs waiting (todo, due or scheduled later) and running (doing)."""
        rows = self._run(self.app.job_manager.list_queues_async(queue=QUEUE))
        row = next(iter(rows), {})
        return {"waiting": int(row.get("todo") or 0), "running": int(row.get("doing") or 0)}

    def call(self, fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return self._run(fn())

    def close(self) -> None:
        """Cancel calls in flight (a pass running while the scheduler stops ends at once),
        close the pool, stop the loop."""
        with self._guard:
            self._closing = True
            pending = list(self._pending)
        for future in pending:
            future.cancel()
        if self._open:
            try:
                asyncio.run_coroutine_threadsafe(self.app.close_async(), self._loop).result(10)
            except Exception:  # closing on the way out: nothing left to save
                pass
            self._open = False
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()
