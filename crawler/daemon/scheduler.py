"""`provwatch run`: the long-lived daemon.

One process holds the database's daemon lock (crawler.daemon.lock) and an APScheduler 3
``BackgroundScheduler``: one job per enabled source, one for the alert dispatcher, one
heartbeat. Every crawl runs in a child process (crawler.daemon.runner), so the daemon itself
never imports Scrapy or starts a Twisted reactor: its memory stays flat over thousands of
crawls, and a hung crawl is killed at ``crawl_timeout`` by the thread waiting for it, so
the job always ends and ``max_instances=1`` can never wedge a source ("maximum number of
running instances reached" forever).

Per source: its interval (catalog, then adaptive, see crawler.daemon.health) with jitter,
``coalesce`` (runs missed while the machine slept collapse into one), ``max_instances=1``,
a misfire grace of half the interval. After each run the job is rescheduled to the due
time health.apply computed (interval, or backoff after failures). Politeness across
sources (crawler.daemon.hosts): a source whose host already has ``crawls_per_host``
crawls running (a province's news, leaders and policy columns share one portal) waits
15-30 s and tries again, so a host sees one crawl's request rate, not three. Upkeep
(pruning, the search backlog, planner statistics) is crawler.daemon.upkeep's job.

With ``queue_url`` set (several machines, README "Running on several machines") the
daemon is the one scheduler: instead of a job per source it runs one pass every
``queue_tick`` that enqueues due sources (crawler.daemon.enqueue), and `provwatch worker`
processes crawl them; dispatch, heartbeat, lock and notices stay here. A second
scheduler on the database refuses to start, naming the one that runs (the daemon lock).

Stopping (SIGTERM, SIGINT): no new runs start; running crawls get SIGTERM (Scrapy closes
the spider; every stored article is already committed), are killed after ``stop_grace``;
their runs are recorded as ``interrupted`` and due again at the next start; the lock is
released; exit 0, within ``stop_grace`` + a few seconds.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from provwatch.alerts.dispatch import dispatch
from provwatch.crawler import __version__
from provwatch.crawler.catalog.sources import Catalog, Source, load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.daemon import lock
from provwatch.crawler.daemon.hosts import HOST_WAIT, busy_host
from provwatch.crawler.daemon.logs import configure_logging, event, failure_line  # noqa: F401
from provwatch.crawler.daemon.metrics import Metrics, MetricsServer, serve
from provwatch.crawler.daemon.notices import OperatorNotices
from provwatch.crawler.daemon.result import CrawlResult, log_crawl
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.daemon.upkeep import EVERY_HOURS as UPKEEP_EVERY_HOURS
from provwatch.crawler.daemon.upkeep import upkeep
from provwatch.crawler.services.status import check, gather
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import SourceState

if TYPE_CHECKING:
    from provwatch.crawler.daemon.enqueue import Enqueuer

log = logging.getLogger("provwatch.daemon")
STARTUP_SPREAD = 30.0  # seconds over which overdue sources are started after a (re)start
MAX_JITTER = 300.0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def jitter_for(interval: float) -> float:
    """Up to a tenth of the interval (at most 5 minutes): sources that share an interval
    drift apart instead of hitting the network together."""
    return min(interval * 0.1, MAX_JITTER)


class Daemon:
    def __init__(self, config: Config, catalog: Catalog | None = None) -> None:
        self.config = config
        self.catalog = catalog or load_catalog(config.catalog)
        self.sources: dict[str, Source] = {s.id: s for s in self.catalog.enabled()}
        self.sessions = open_database(config.database_url)
        self.stopping = threading.Event()
        self.me = lock.Holder.me(__version__)
        self.started_at = utcnow()
        self.running: dict[str, float] = {}  # source id -> monotonic start
        self.dispatching = False
        self._dispatch_lock = threading.Lock()
        self._dispatch_again = threading.Event()
        self.crawls_done = 0
        self.last_dispatch_at: datetime | None = None
        self.unfinished = False  # threads still busy when run() returned
        self._state_lock = threading.Lock()
        self.notices = OperatorNotices(config, self.sessions, self.stopping)
        self.channel_settings = self.notices.channel_settings  # alert dispatch uses them too
        self.scheduler: BackgroundScheduler | None = None
        self.metrics: Metrics | None = None
        self._server: MetricsServer | None = None
        # crawler.daemon.enqueue, when a crawl queue is configured
        self.enqueuer: Enqueuer | None = None

    # -- life cycle -----------------------------------------------------------------------

    def run(self, install_signals: bool = True) -> int:
        lock.acquire(self.sessions, self.me, stale=self._stale_after())
        self.metrics = Metrics()
        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        try:
            self._start()
            while not self.stopping.wait(0.5):
                pass
        finally:
            self._shutdown()
        return 0

    def stop(self) -> None:
        self.stopping.set()

    def _on_signal(self, signum: int, _frame: Any) -> None:
        name = signal.Signals(signum).name
        if self.stopping.is_set():
            log.warning("%s again while stopping: still waiting for running crawls", name)
            return
        log.info("%s received: stopping (running crawls get %gs to finish)", name,
                 self.config.stop_grace)
        self.stopping.set()

    def _stale_after(self) -> timedelta:
        return timedelta(seconds=max(30.0, 3 * self.config.heartbeat))

    def _start(self) -> None:
        workers = self.config.workers
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc,
            executors={"crawls": ThreadPoolExecutor(workers), "default": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        states = self._states()
        now = utcnow()
        # overdue or never-run sources start soon, spread so that they do not all start at
        # once: about two seconds per source and worker, at most STARTUP_SPREAD
        spread = min(STARTUP_SPREAD, 2.0 * len(self.sources) / workers)
        for source in ([] if self._queue_mode(now) else self.sources.values()):
            state = states.get(source.id)
            poll = (state.poll_interval if state and state.poll_interval else source.interval)
            due = state.next_due_at if state and state.next_due_at else now
            if due <= now:
                due = now + timedelta(seconds=random.uniform(0, min(spread, poll / 2)))
            self.scheduler.add_job(
                self._crawl_job, self._trigger(poll, due), args=[source.id],
                id=f"crawl:{source.id}", name=f"crawl {source.id}", executor="crawls",
                misfire_grace_time=max(30, poll // 2), next_run_time=due)
        self.scheduler.add_job(self._dispatch_job, IntervalTrigger(
            seconds=self.config.alert_interval, timezone=timezone.utc), id="alerts",
            name="alert dispatcher", next_run_time=now, misfire_grace_time=None)
        self.scheduler.add_job(self._prune_job, IntervalTrigger(
            hours=UPKEEP_EVERY_HOURS, timezone=timezone.utc), id="prune", name="prune crawl runs",
            next_run_time=now + timedelta(minutes=1), misfire_grace_time=None)
        self.scheduler.add_job(self._heartbeat_job, IntervalTrigger(
            seconds=self.config.heartbeat, timezone=timezone.utc), id="heartbeat",
            name="heartbeat", next_run_time=now, misfire_grace_time=None)
        self.scheduler.start()
        if self.config.metrics_port:
            assert self.metrics is not None  # run() makes it first
            self._server = serve(self.metrics, self.config.metrics_address,
                                 self.config.metrics_port, self.health_reasons)
        event(log, "started", pid=os.getpid(), version=__version__, sources=len(self.sources),
              workers=workers, database=self.config.redacted()["database_url"],
              metrics_port=getattr(self._server, "port", None))

    def _queue_mode(self, now: datetime) -> bool:
        """With ``queue_url`` set, one pass every ``queue_tick`` enqueues due sources for
        `provwatch worker` processes instead of a crawl job per source here."""
        if not self.config.queue_url:
            return False
        # lazy: the engine (Procrastinate) loads only when a queue is configured
        from provwatch.crawler.daemon.enqueue import Enqueuer

        self.enqueuer = enqueuer = Enqueuer(self.config, self.sources).open()
        assert self.scheduler is not None  # the caller made it
        self.scheduler.add_job(enqueuer.tick, IntervalTrigger(
            seconds=self.config.queue_tick, timezone=timezone.utc), id="enqueue",
            name="enqueue due sources", next_run_time=now, misfire_grace_time=None)
        return True

    def _shutdown(self) -> None:
        self.stopping.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.enqueuer is not None:
            self.enqueuer.close()
        deadline = time.monotonic() + self.config.stop_grace + 3.0
        while time.monotonic() < deadline:
            with self._state_lock:
                busy = bool(self.running) or self.dispatching
            if not busy:
                break
            time.sleep(0.1)
        with self._state_lock:
            self.unfinished = bool(self.running) or self.dispatching
            left = sorted(self.running)
        try:
            lock.release(self.sessions, self.me, self._info(stopped=True))
        except Exception:  # the database may be the reason we stop; the lock goes stale then
            log.exception("could not release the daemon lock")
        if self._server is not None:
            self._server.shutdown()
        self.notices.shutdown(wait=False)
        self._write_textfile()
        event(log, "stopped", crawls=self.crawls_done,
              uptime_seconds=round((utcnow() - self.started_at).total_seconds(), 1),
              still_running=left)

    # -- jobs -------------------------------------------------------------------------------

    def _trigger(self, poll: float, start: datetime) -> IntervalTrigger:
        return IntervalTrigger(seconds=max(1, int(poll)), start_date=start,
                               jitter=jitter_for(poll), timezone=timezone.utc)

    def _crawl_job(self, source_id: str) -> None:
        if self.stopping.is_set():
            return
        source = self.sources[source_id]
        with self._state_lock:
            busy = busy_host(source, [self.sources[s] for s in self.running],
                             self.config.crawls_per_host)
            if busy is None:
                self.running[source_id] = time.monotonic()
        if busy is not None:
            self._postpone(source, busy)
            return
        self._hold(source)
        result: CrawlResult | None = None
        try:
            result = run_crawl(self.config, source, stop=self.stopping)
        except Exception as e:  # e.g. the database went away: log, keep the schedule
            log.exception("crawl %s could not run: %s", source_id, e)
        finally:
            with self._state_lock:
                self.running.pop(source_id, None)
                self.crawls_done += 1
        if result is not None:
            log_crawl(log, result)
            if self.metrics is not None:
                self.metrics.crawl_finished(result)
            if result.health_changed:
                self.tell_operators()
            if result.new_articles:
                self._dispatch_soon()
        self._reschedule(source, result)

    def _postpone(self, source: Source, host: str) -> None:
        """Try again shortly: another crawl holds the host."""
        wait = HOST_WAIT + random.uniform(0, HOST_WAIT)
        event(log, "crawl_postponed", level=logging.DEBUG, source=source.id, host=host,
              seconds=round(wait, 1))
        if self.scheduler is None:
            return  # not started
        try:
            self.scheduler.modify_job(f"crawl:{source.id}",
                                      next_run_time=utcnow() + timedelta(seconds=wait))
        except Exception:
            pass  # shutting down

    def _hold(self, source: Source) -> None:
        """Push the job's next fire time past the longest this run can take, so the
        interval does not fire into a running crawl (APScheduler would skip it with a
        warning); _reschedule sets the real due time when the run ends."""
        if self.scheduler is None:
            return  # not started
        try:
            self.scheduler.modify_job(f"crawl:{source.id}", next_run_time=utcnow() + timedelta(
                seconds=self.config.crawl_timeout + self.config.stop_grace + source.interval))
        except Exception:
            pass  # shutting down

    def _reschedule(self, source: Source, result: CrawlResult | None) -> None:
        if self.stopping.is_set() or self.scheduler is None:
            return
        with self.sessions() as session:
            poll = repository.poll_interval(session, source.id) or source.interval
        due = result.next_due_at if result and result.next_due_at else (
            utcnow() + timedelta(seconds=poll))
        due += timedelta(seconds=random.uniform(0, jitter_for(poll)))
        try:
            self.scheduler.modify_job(f"crawl:{source.id}", trigger=self._trigger(poll, due),
                                      next_run_time=due)
        except Exception:  # the scheduler shut down between the check and here
            if not self.stopping.is_set():
                log.exception("could not reschedule %s", source.id)

    def _dispatch_soon(self) -> None:
        """Deliver what a crawl just stored now, not at the next ``alert_interval`` tick."""
        if self.stopping.is_set() or self.scheduler is None:
            return
        try:
            self.scheduler.add_job(self._dispatch_job, id="alerts-now", name="alert dispatch",
                                   replace_existing=True, misfire_grace_time=None)
        except Exception:  # shutting down
            pass

    def _dispatch_job(self) -> None:
        """One dispatch pass; a pass asked for while another runs makes that one go again,
        so there is never more than one dispatcher in this process."""
        if self.stopping.is_set():
            return
        self._dispatch_again.set()
        if not self._dispatch_lock.acquire(blocking=False):
            return  # the running pass sees the flag and goes round once more
        try:
            while self._dispatch_again.is_set() and not self.stopping.is_set():
                self._dispatch_again.clear()
                self._dispatch_once()
        finally:
            self._dispatch_lock.release()

    def _dispatch_once(self) -> None:
        with self._state_lock:
            self.dispatching = True
        try:
            report = dispatch(self.sessions, self.channel_settings,
                              max_attempts=self.config.alert_max_attempts,
                              rate_limit=self.config.alert_rate_limit,
                              should_stop=self.stopping.is_set)
            self.last_dispatch_at = utcnow()
            if self.metrics is not None:
                self.metrics.dispatched(report)
            if report.sent or report.retrying or report.failed or report.resent:
                event(log, "dispatch", sent=report.sent, messages=report.messages_sent,
                      folded=report.folded, deferred=report.deferred, resent=report.resent,
                      retrying=report.retrying, failed=report.failed,
                      errors=report.messages[:5])
        except Exception as e:
            failure_line(log, e, doing="alert dispatch", name="dispatch_failed",
                         next_seconds=self.config.alert_interval)
        finally:
            with self._state_lock:
                self.dispatching = False

    def _prune_job(self) -> None:
        """Pruning, search backlog and planner statistics (crawler.daemon.upkeep)."""
        upkeep(self.sessions, self.config.crawl_run_days)

    def _heartbeat_job(self) -> None:
        try:
            if not lock.heartbeat(self.sessions, self.me, self._info()):
                log.error("the daemon lock was taken over by another daemon (our heartbeat "
                          "was presumed dead); stopping so that two never run at once")
                self.stopping.set()
                return
            self.tell_operators()
            if self.metrics is not None:
                self.metrics.refresh(gather(self.config))
                self._write_textfile()
        except Exception as e:
            failure_line(log, e, doing="heartbeat", name="heartbeat_failed",
                         next_seconds=self.config.heartbeat)

    def _write_textfile(self) -> None:
        if self.metrics is not None and self.config.metrics_textfile:
            try:
                self.metrics.write_textfile(self.config.metrics_textfile)
            except OSError as e:
                log.error("metrics_textfile %s: cannot write: %s",
                          self.config.metrics_textfile, e)

    # -- health and status ------------------------------------------------------------------

    def health_reasons(self) -> list[str]:
        return check(gather(self.config), self.config)

    def _info(self, stopped: bool = False) -> dict[str, Any]:
        with self._state_lock:
            running = sorted(self.running)
        now = utcnow()
        return {"last_dispatch_at": self.last_dispatch_at.isoformat()
                if self.last_dispatch_at else None,
                "last_tick_at": now.isoformat(), "running": [] if stopped else running,
                "crawls": self.crawls_done, "workers": self.config.workers,
                **({"stopped_at": now.isoformat()} if stopped else {})}

    def _states(self) -> dict[str, SourceState]:
        with self.sessions() as session:
            return {r.id: r for r in repository.source_states(session)}

    def tell_operators(self) -> None:
        """Queue one pass of operator notices (crawler.daemon.notices) and return."""
        self.notices.tell()
