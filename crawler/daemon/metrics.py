"""Prometheus metrics of the daemon, served over HTTP and/or written to a textfile.

Each ``Metrics`` owns its own ``CollectorRegistry``: the global default registry would
make two instances (tests, a daemon restarted in one process) collide on metric names,
and would mix in process metrics nobody asked for.

Counters move as things happen (``crawl_finished``, ``dispatched``); gauges are set from
``crawler.services.status.gather`` (``refresh``), so they show the database's truth even for
crawls another process recorded.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    write_to_textfile,
)

from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services.status import parse_time
from provwatch.crawler.storage.models import HEALTH_STATES

if TYPE_CHECKING:
    from provwatch.alerts.dispatch import DispatchReport
    from provwatch.crawler.daemon.result import CrawlResult

log = logging.getLogger(__name__)

STATES = HEALTH_STATES
ITEM_KINDS = ("new", "duplicate", "already_seen")
OUTBOX_STATUSES = ("pending", "sending", "failed")
# crawls last seconds to the crawl_timeout (600s by default); a killed one lands in +Inf
DURATION_BUCKETS = (1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200)
EXPOSITION = "text/plain; version=0.0.4; charset=utf-8"


class Exposition(Protocol):
    """What ``serve`` needs of a metrics object (Metrics, the worker's WorkerMetrics)."""

    def render(self) -> bytes: ...


class Metrics:
    """The daemon's metrics; every method is safe to call from several threads."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.crawls = Counter("provwatch_crawls", "Crawl runs by source and outcome.",
                              ["source", "outcome"], registry=r)
        self.items = Counter("provwatch_items", "Items found by crawls, by what became of "
                             "them (new, duplicate, already_seen).", ["source", "kind"],
                             registry=r)
        self.dropped = Counter("provwatch_dropped", "Items dropped by the pipeline, by reason.",
                               ["reason"], registry=r)
        self.deliveries = Counter("provwatch_deliveries", "Alert delivery attempts by result "
                                  "(sent, retry, failed).", ["status"], registry=r)
        self.source_state = Gauge("provwatch_source_state", "1 for the source's current "
                                  "health state, 0 for the others.", ["source", "state"],
                                  registry=r)
        self.outbox = Gauge("provwatch_outbox", "Alert deliveries waiting (pending), "
                            "handed to a channel (sending) or given up (failed).", ["status"],
                            registry=r)
        self.daemon_start = Gauge("provwatch_daemon_start_time_seconds", "Unix time the "
                                  "running daemon started; 0 when none runs.", registry=r)
        self.last_crawl = Gauge("provwatch_last_crawl_timestamp_seconds", "Unix time the "
                                "source's last crawl finished.", ["source"], registry=r)
        self.duration = Histogram("provwatch_crawl_duration_seconds", "Wall time of crawl "
                                  "runs.", buckets=DURATION_BUCKETS, registry=r)
        self._lock = threading.Lock()
        self._sources: set[str] = set()  # sources with state series, to drop removed ones
        self._last_crawl: dict[str, float] = {}

    def crawl_finished(self, result: CrawlResult) -> None:
        """Count one finished crawl run (any outcome, including failures)."""
        source = result.source_id
        self.crawls.labels(source, result.outcome).inc()
        found = {"new": result.new_articles, "duplicate": result.duplicates,
                 "already_seen": result.already_seen}
        for kind in ITEM_KINDS:
            self.items.labels(source, kind).inc(max(found[kind], 0))
        for reason, n in (result.dropped or {}).items():
            self.dropped.labels(reason).inc(max(n, 0))
        self.duration.observe(max(result.seconds, 0.0))
        with self._lock:
            self._set_last_crawl(source, result.finished_at.timestamp())
            if result.health:
                self._set_state(source, result.health)

    def dispatched(self, report: DispatchReport) -> None:
        """Count one dispatcher turn's deliveries."""
        for status, n in (("sent", report.sent), ("retry", report.retrying),
                          ("failed", report.failed)):
            self.deliveries.labels(status).inc(max(n, 0))

    def refresh(self, status: dict[str, Any]) -> None:
        """Set the gauges from ``crawler.services.status.gather``'s dict.

        Sources gone from the status lose their series, so a renamed source does not
        stay "unreachable" in the dashboards forever.
        """
        with self._lock:
            seen = set()
            for source in status.get("sources", []):
                sid = source["id"]
                seen.add(sid)
                self._set_state(sid, source.get("health") or "new")
                last_run = _timestamp(source.get("last_run"))
                if last_run is not None:
                    self._set_last_crawl(sid, last_run)
            for gone in self._sources - seen:
                self._forget(gone)
            outbox = status.get("outbox", {})
            for name in OUTBOX_STATUSES:
                self.outbox.labels(name).set(outbox.get(name, 0) or 0)
            daemon = status.get("daemon", {})
            started = _timestamp(daemon.get("started_at")) if daemon.get("running") else None
            self.daemon_start.set(started or 0)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)

    def write_textfile(self, path: str | Path) -> None:
        """Write the metrics for node_exporter's textfile collector; atomic (a temporary
        file renamed over the old one), so the collector never reads half a file.

        An OSError (missing directory, no permission) is left to the caller, which
        decides whether a failed write stops anything (the daemon logs it and goes on).
        """
        write_to_textfile(str(path), self.registry)

    def _set_state(self, source: str, state: str) -> None:
        states = STATES if state in STATES else (*STATES, state)
        for name in states:
            self.source_state.labels(source, name).set(1 if name == state else 0)
        self._sources.add(source)

    def _set_last_crawl(self, source: str, ts: float) -> None:
        """Never move backwards: a status read just before a crawl finished is older."""
        if ts >= self._last_crawl.get(source, float("-inf")):
            self._last_crawl[source] = ts
            self.last_crawl.labels(source).set(ts)

    def _forget(self, source: str) -> None:
        for labels in _label_sets(self.source_state, source):
            self.source_state.remove(*labels)
        if source in self._last_crawl:
            del self._last_crawl[source]
            self.last_crawl.remove(source)
        self._sources.discard(source)


def _label_sets(gauge: Gauge, source: str) -> Iterable[tuple[str, ...]]:
    """The label tuples of ``gauge`` whose first label is ``source``."""
    family = next(iter(gauge.collect()))
    return sorted({(s.labels["source"], s.labels["state"]) for s in family.samples
                   if s.labels.get("source") == source})


def _timestamp(iso: str | None) -> float | None:
    dt = parse_time(iso)
    return dt.timestamp() if dt else None


class MetricsServer:
    """A running /metrics and /healthz endpoint; ``shutdown`` stops it and frees the port."""

    def __init__(self, httpd: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._httpd = httpd
        self._thread = thread
        host, port = httpd.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server's address (bytes only for AF_UNIX)
        self.address: str = host
        self.port: int = port

    def shutdown(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def serve(metrics: Exposition, address: str = "127.0.0.1", port: int = 0,
          health: Callable[[], list[str]] = lambda: []) -> MetricsServer:
    """Serve GET /metrics and GET /healthz from a daemon thread; port 0 picks a free port.

    ``health`` returns the reasons the deployment is unhealthy ([] when healthy); it runs
    per request, so it should be cheap (the daemon passes its last ``check`` result).
    """
    handler = _handler(metrics, health)
    server_class = _IPv6Server if ":" in address else ThreadingHTTPServer
    try:
        httpd = server_class((address, port), handler)
    except OSError as e:
        raise ProvwatchError(f"cannot serve metrics on {address}:{port}: "
                             f"{e.strerror or e}") from None
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="provwatch-metrics",
                              daemon=True)
    thread.start()
    return MetricsServer(httpd, thread)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _handler(metrics: Exposition, health: Callable[[], list[str]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "provwatch-metrics"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._reply(200, EXPOSITION, metrics.render())
            elif path == "/healthz":
                self._healthz()
            else:
                self._reply(404, "text/plain; charset=utf-8",
                            b"not found: try /metrics or /healthz\n")

        def _healthz(self) -> None:
            try:
                reasons = list(health())
            except Exception as e:  # a broken check is itself unhealthy, never a hung probe
                log.exception("health check failed")
                reasons = [f"health check failed: {e.__class__.__name__}: {e}"]
            body: dict[str, Any] = {"healthy": not reasons}
            if reasons:
                body["reasons"] = reasons
            self._reply(503 if reasons else 200, "application/json",
                        json.dumps(body, ensure_ascii=False).encode("utf-8"))

        def _reply(self, code: int, content_type: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("metrics %s: " + format, self.address_string(), *args)

    return Handler
