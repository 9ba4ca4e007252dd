"""`provwatch worker`: run queued crawls (crawler.daemon.engine), on any number of machines.

A worker is a Procrastinate worker with ``--concurrency`` job threads; each job is one
crawl in its own child process (crawler.daemon.worker_crawl), exactly as `provwatch run`
crawls. Every ``heartbeat`` seconds the engine refreshes the worker's heartbeat (a worker
silent for ``worker_stall_timeout`` is presumed dead and the scheduler puts its crawls
back in the queue), and the worker refreshes its row for `provwatch status` (host, pid,
running crawls, last seen) and its metrics.

Stopping (SIGTERM, SIGINT): the worker takes no new job; its running crawls are stopped
in order (the child closes the spider; every stored article is committed), recorded as
``interrupted`` and due again at once, so another worker takes them at the scheduler's
next pass; its row is removed; exit 0 within ``stop_grace`` + a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from procrastinate.worker import Worker as EngineWorker

from provwatch.crawler import __version__
from provwatch.crawler.catalog.sources import Catalog, load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.daemon.engine import (
    NOOP,
    QUEUE,
    TASK,
    BusyRetry,
    QueueError,
    ensure_schema,
    make_app,
)
from provwatch.crawler.daemon.logs import database_failure, event, failure_line
from provwatch.crawler.daemon.metrics import MetricsServer, serve
from provwatch.crawler.daemon.worker_crawl import CrawlJob
from provwatch.crawler.daemon.worker_metrics import WorkerMetrics
from provwatch.crawler.processes import host_id
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

log = logging.getLogger("provwatch.worker")
FORGET_AFTER = timedelta(hours=1)  # rows of workers killed without a goodbye, shown this long


def one_line_database_errors(record: logging.LogRecord) -> bool:
    """The engine logs a failed side task (heartbeat, listener) with its traceback; a
    database failure is one line instead, like every other in provwatch."""
    exc = record.exc_info[1] if record.exc_info else None
    reason = database_failure(exc)
    if reason is not None:
        record.exc_info, record.exc_text = None, None
        record.msg, record.args = f"{record.getMessage()} ({reason})", ()
    return True


def noop() -> None:
    """A job that does nothing: bench/scale_workers.py measures the queue's own cost."""


class Worker:
    def __init__(self, config: Config, concurrency: int = 1,
                 catalog: Catalog | None = None, metrics_port: int | None = None) -> None:
        self.config = config
        self.concurrency = concurrency
        self.catalog = catalog or load_catalog(config.catalog)
        self.stopping = threading.Event()
        self.metrics = WorkerMetrics(concurrency)
        self.job = CrawlJob(config, {s.id: s for s in self.catalog.enabled()}, self.stopping,
                            self.metrics)
        self.sessions = open_database(config.database_url)
        self.host, self.pid = host_id(), os.getpid()
        self.name = f"{repository.WORKER_PREFIX}{uuid.uuid4().hex[:12]}"
        self.started_at = datetime.now(timezone.utc)
        self.metrics_port = config.metrics_port if metrics_port is None else metrics_port
        self._engine: EngineWorker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: MetricsServer | None = None

    def run(self, install_signals: bool = True) -> int:
        created = ensure_schema(self.config)
        self._register()
        if self.metrics_port:
            self._server = serve(self.metrics, self.config.metrics_address, self.metrics_port)
        event(log, "worker_started", pid=self.pid, host=self.host, version=__version__,
              concurrency=self.concurrency, sources=len(self.job.sources),
              queue=self.config.redacted()["queue_url"], queue_created=created,
              metrics_port=getattr(self._server, "port", None))
        engine_log = logging.getLogger("procrastinate")
        engine_log.addFilter(one_line_database_errors)
        try:
            self._serve(install_signals)
        finally:
            engine_log.removeFilter(one_line_database_errors)
            self.stopping.set()
            try:
                with transaction(self.sessions) as session:
                    repository.remove_worker_row(session, self.name)
            except Exception as e:  # the database may be why we stop; the row ages out
                log.error("could not remove this worker's status row: %s",
                          database_failure(e) or e)
            if self._server is not None:
                self._server.shutdown()
            event(log, "worker_stopped", crawls=self.job.crawls_done)
        return 0

    def _serve(self, install_signals: bool) -> None:
        """Run the engine's worker until stopped; when the queue fails under it (database
        gone, tables dropped) log one line and start it again after a pause: a worker
        outlives an outage, as the scheduler does."""
        while True:
            error = None
            try:
                asyncio.run(self._main(install_signals))
            except Exception as e:
                error = database_failure(e)
                if error is None:
                    raise  # a bug: its traceback
            if self.stopping.is_set():
                return
            if install_signals:  # the engine's loop is gone, and its handlers with it
                for sig in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(sig, lambda signum, _frame: self._on_signal(signum))
            pause = min(30.0, 3 * self.config.heartbeat)
            event(log, "worker_restarting", level=logging.ERROR, seconds=pause,
                  error=error or "the queue engine stopped (the line before says why)")
            if self.stopping.wait(pause):
                return
            try:
                ensure_schema(self.config)  # a database that came back empty
            except QueueError as e:
                log.error("%s", e)

    def stop(self) -> None:
        """Stop as SIGTERM does (from any thread)."""
        self.stopping.set()
        loop, engine = self._loop, self._engine
        if loop is not None and engine is not None:
            try:
                loop.call_soon_threadsafe(engine.stop)
            except RuntimeError:  # that loop has ended: the engine is not running
                pass

    async def _main(self, install_signals: bool) -> None:
        self._loop = loop = asyncio.get_running_loop()
        # the engine runs a sync task in the loop's default executor: one thread per crawl
        loop.set_default_executor(ThreadPoolExecutor(self.concurrency + 2,
                                                     thread_name_prefix="crawl"))
        app = make_app(self.config, min_size=2, max_size=self.concurrency + 4)
        job = self.job

        def crawl(source_id: str) -> str:
            return job(source_id)

        app.task(name=TASK, queue=QUEUE, retry=BusyRetry(self.config.host_busy_retry))(crawl)
        app.task(name=NOOP, queue=QUEUE)(noop)
        async with app.open_async():
            self._engine = EngineWorker(
                app, queues=[QUEUE], name=f"provwatch-{self.host}-{self.pid}",
                concurrency=self.concurrency, install_signal_handlers=False,
                update_heartbeat_interval=self.config.heartbeat,
                stalled_worker_timeout=self.config.worker_stall_timeout,
                # the crawl child's own stop takes up to stop_grace; then it is killed
                shutdown_graceful_timeout=self.config.stop_grace + 5,
                fetch_job_polling_interval=min(5.0, self.config.host_busy_retry),
                delete_jobs="successful")
            if install_signals:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, self._on_signal, sig)
            if self.stopping.is_set():  # stop() came before the engine existed
                self._engine.stop()
            beat = asyncio.create_task(self._heartbeats(app))
            try:
                await self._engine.run()
            finally:
                beat.cancel()
                self._loop = self._engine = None

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self.stopping.is_set():
            log.warning("%s again while stopping: still waiting for running crawls", name)
            return
        log.info("%s received: stopping (running crawls get %gs to close)", name,
                 self.config.stop_grace)
        self.stop()

    async def _heartbeats(self, app: Any) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                depth = await app.job_manager.list_queues_async(queue=QUEUE)
                row = depth[0] if depth else {}
                self.metrics.queue.labels("waiting").set(row.get("todo") or 0)
                self.metrics.queue.labels("running").set(row.get("doing") or 0)
                await loop.run_in_executor(None, self._beat)
            except Exception as e:  # boundary: the next heartbeat tries again
                failure_line(log, e, doing="worker heartbeat", name="heartbeat_failed",
                             next_seconds=self.config.heartbeat)
            await asyncio.sleep(self.config.heartbeat)

    def _info(self) -> dict[str, Any]:
        return {"running": self.job.running_now(), "crawls": self.job.crawls_done,
                "concurrency": self.concurrency, "stopping": self.stopping.is_set()}

    def _register(self) -> None:
        now = datetime.now(timezone.utc)
        with transaction(self.sessions) as session:
            repository.prune_worker_rows(session, now - FORGET_AFTER)
            repository.add_worker_row(session, self.name, {
                "owner": f"{self.host}:{self.pid}", "host": self.host, "pid": self.pid,
                "version": __version__, "started_at": now, "heartbeat_at": now,
                "info": self._info()})

    def _beat(self) -> None:
        now = datetime.now(timezone.utc)
        with transaction(self.sessions) as session:
            seen = repository.worker_heartbeat(session, self.name, now, self._info())
        if not seen:
            self._register()
        self.metrics.heartbeat.set(now.timestamp())
