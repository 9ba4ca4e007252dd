"""Operator notices of the daemon: a source's health changed, the deployment turned
unhealthy or recovered. Sent through the alert channels (alerts.channels.send_notice) on a
thread of their own, at most one pass queued: the heartbeat and the crawl threads never wait
on a channel (a webhook that does not answer would otherwise stall the heartbeat until the
daemon lock looked dead). Each change is told once; a notice no channel took is tried again
at the next pass.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from datetime import datetime, timezone

from sqlalchemy.orm import Session, sessionmaker

from provwatch.alerts.channels import send_notice, settings_from_config
from provwatch.alerts.notice import Notice
from provwatch.crawler.chinatime import china_text
from provwatch.crawler.config import Config
from provwatch.crawler.daemon import health
from provwatch.crawler.daemon.logs import event
from provwatch.crawler.services.status import check, gather
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import transaction

log = logging.getLogger("provwatch.daemon")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OperatorNotices:
    def __init__(self, config: Config, sessions: sessionmaker[Session],
                 stopping: threading.Event) -> None:
        self.config = config
        self.sessions = sessions
        self.stopping = stopping
        self.channel_settings = settings_from_config(config)  # read once, used each pass
        self.targets = [t.strip() for t in (config.operator_channels or "").split(",")
                        if t.strip()]
        self._lock = threading.Lock()  # guards _queued
        self._pass_lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="notices")
        self._queued = False
        # the daemon's own health as last told (notices thread only): told once when it
        # turns unhealthy, once when it recovers
        self._told_unhealthy = False
        self._unhealthy_since: datetime | None = None

    def tell(self) -> None:
        """Queue one pass (unless one is queued already) and return at once."""
        with self._lock:
            if self._queued or self.stopping.is_set():
                return
            self._queued = True
        try:
            self._pool.submit(self._pass)
        except RuntimeError:  # shut down between the check and here: the daemon stops
            pass

    def shutdown(self, wait: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _pass(self) -> None:
        with self._lock:
            self._queued = False
        try:
            self.report_sources()
        except Exception:  # boundary: the next heartbeat tries again
            log.exception("operator notices failed; next try at the next heartbeat")
        try:
            self.report_daemon()
        except Exception:  # boundary: the next heartbeat tries again
            log.exception("the daemon health check failed; next try at the next heartbeat")

    def _send(self, notice: Notice) -> bool:
        """True when some channel took the notice, or none is configured (logged only)."""
        if not self.targets:
            return True
        errors = send_notice(self.targets, notice, self.channel_settings)
        for message in errors:
            log.warning("%s", message)
        return len(errors) < len(self.targets)

    def report_sources(self) -> None:
        """Tell every source state change not yet told; retried each pass."""
        with self._pass_lock:
            with self.sessions() as session:
                states = list(repository.source_states(session))
            for state in states:
                if not health.needs_report(state.health, state.reported_health):
                    continue
                subject, body = health.describe(state.id, state.health, state)
                since = state.health_since or _utcnow()
                notice = Notice(key=f"{state.id}:{state.health}:{since:%Y%m%dT%H%M%S}",
                                subject=subject, body=body,
                                data={"source": state.id, "state": state.health,
                                      "previous": state.reported_health,
                                      "failures": state.consecutive_failures,
                                      "last_error": state.last_error})
                level = logging.WARNING if state.health in health.BAD_STATES else logging.INFO
                event(log, "source_health", level=level, source=state.id, state=state.health,
                      previous=state.reported_health, last_error=state.last_error)
                if not self._send(notice):
                    continue  # nobody heard it: try again at the next heartbeat
                with transaction(self.sessions) as session:
                    repository.mark_reported(session, state.id, state.health)

    def report_daemon(self) -> None:
        """Tell once when the deployment turns unhealthy (the reasons of `status --check`
        and /healthz), once when it is healthy again. Runs on the notices thread only."""
        reasons = check(gather(self.config), self.config)
        unhealthy = bool(reasons)
        if unhealthy and self._unhealthy_since is None:
            self._unhealthy_since = _utcnow()
        if unhealthy == self._told_unhealthy:
            if not unhealthy:
                self._unhealthy_since = None
            return
        since = self._unhealthy_since or _utcnow()
        if unhealthy:
            subject = "provwatch: the daemon is unhealthy"
            body = "".join(f"- {r}\n" for r in reasons)
        else:
            subject = "provwatch: the daemon is healthy again"
            body = (f"Unhealthy since {china_text(since.isoformat())} (China time); every "
                    "check passes now.\n")
        state = "unhealthy" if unhealthy else "healthy"
        notice = Notice(key=f"daemon:{state}:{since:%Y%m%dT%H%M%S}", subject=subject,
                        body=body, event="daemon.health",
                        data={"source": None, "daemon": True, "state": state,
                              "reasons": reasons})
        event(log, "daemon_health", level=logging.WARNING if unhealthy else logging.INFO,
              state=state, reasons=reasons)
        if not self._send(notice):
            return  # nobody heard it: try again at the next heartbeat
        self._told_unhealthy = unhealthy
        if not unhealthy:
            self._unhealthy_since = None
