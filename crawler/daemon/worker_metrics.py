"""Prometheus metrics of one `provwatch worker`, served on its own ``metrics_port``.

Per worker, so that a dashboard sums them across machines (``sum by (outcome)``) and
sees one worker stall; the queue's depth is the database's, and each worker reports it
as last read (``provwatch_queue_jobs``), like the daemon's gauges (crawler.daemon.metrics).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from provwatch.crawler.daemon.metrics import DURATION_BUCKETS
from provwatch.crawler.daemon.result import CrawlResult


class WorkerMetrics:
    def __init__(self, concurrency: int) -> None:
        self.registry = r = CollectorRegistry()
        self.crawls = Counter("provwatch_worker_crawls", "Crawls this worker ran, by outcome.",
                              ["outcome"], registry=r)
        self.new_articles = Counter("provwatch_worker_new_articles", "New articles stored "
                                    "by this worker's crawls.", registry=r)
        self.running = Gauge("provwatch_worker_running_crawls", "Crawls running in this "
                             "worker now.", registry=r)
        self.concurrency = Gauge("provwatch_worker_concurrency", "Crawls this worker may run "
                                 "at once (--concurrency).", registry=r)
        self.concurrency.set(concurrency)
        self.host_busy = Counter("provwatch_worker_host_busy", "Crawl jobs put back because "
                                 "their source or a host slot was taken.", registry=r)
        self.heartbeat = Gauge("provwatch_worker_heartbeat_timestamp_seconds", "Unix time of "
                               "this worker's last heartbeat.", registry=r)
        self.queue = Gauge("provwatch_queue_jobs", "Crawl jobs in the queue as last read, by "
                           "state (waiting, running).", ["state"], registry=r)
        self.duration = Histogram("provwatch_worker_crawl_duration_seconds", "Wall time of "
                                  "this worker's crawls.", buckets=DURATION_BUCKETS, registry=r)

    def crawl_finished(self, result: CrawlResult) -> None:
        self.crawls.labels(result.outcome).inc()
        self.new_articles.inc(max(result.new_articles, 0))
        self.duration.observe(max(result.seconds, 0.0))

    def render(self) -> bytes:
        return generate_latest(self.registry)
