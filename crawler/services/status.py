"""What the daemon and the sources are doing, read from the database alone.

``provwatch status``, the ``/healthz`` endpoint and the metrics all start from
``gather``: the daemon may run on another machine (PostgreSQL), so the database is the
only place that knows. ``gather`` returns plain JSON-ready data; ``check`` turns it into
the reasons an operator should be woken, and is pure so it is tested as a table.
"""

from __future__ import annotations

import importlib.metadata
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from provwatch.crawler import __version__
from provwatch.crawler.catalog.sources import Source, load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import BAD_STATES, DAEMON_LOCK, DaemonLock, SourceState

HEARTBEATS_TO_STALE = 3  # a daemon missing this many heartbeats is presumed gone
DISPATCHES_TO_LATE = 3  # the dispatcher may miss this many turns before it is news
SENT_WINDOW = timedelta(hours=24)


def gather(config: Config, now: datetime | None = None) -> dict[str, Any]:
    """The whole picture in one read: daemon, every source, the alert outbox.

    Ages are computed here, against ``now``, so that ``check`` needs no clock.
    """
    now = now or datetime.now(timezone.utc)
    catalog = load_catalog(config.catalog)
    sessions = open_database(config.database_url)
    with sessions() as session:
        lock = repository.lock_row(session, DAEMON_LOCK)
        rows = {row.id: row for row in repository.source_states(session)}
        outbox = _outbox(repository.outbox_status(session, now - SENT_WINDOW))
        daemon = _daemon(lock, config, now)
    sources = [_source_entry(s.id, s, rows.get(s.id)) for s in catalog]
    known = {s.id for s in catalog}
    sources += [_source_entry(sid, None, rows[sid])
                for sid in sorted(rows) if sid not in known]
    return {"checked_at": _iso(now), "version": _installed_version(),
            "daemon": daemon, "sources": sources, "outbox": outbox}


def check(status: dict[str, Any], config: Config) -> list[str]:
    """Why the deployment needs a human, one sentence each; [] when it is healthy.

    A few bad sources are normal life for a crawler (sites go down, get redesigned) and
    are shown in the status and told to operators by the daemon itself; only when
    *every* enabled source is bad does it point at us (network, DNS, a proxy).
    """
    reasons = _daemon_reasons(status["daemon"], config)
    enabled = [s for s in status["sources"] if s["enabled"]]
    bad = Counter(s["health"] for s in enabled if s["health"] in BAD_STATES)
    if enabled and sum(bad.values()) == len(enabled):
        states = ", ".join(f"{state}: {n}" for state, n in sorted(bad.items()))
        reasons.append(f"all {len(enabled)} enabled sources are in a bad state ({states}); "
                       "likely the network or DNS of the crawler's host")
    return reasons


def _daemon_reasons(daemon: dict[str, Any], config: Config) -> list[str]:
    if not daemon["running"]:
        if daemon["heartbeat_at"] is None:
            return ["no daemon is running (none has ever run on this database); "
                    "start one with `provwatch run`"]
        age = _duration(daemon["heartbeat_age_seconds"])
        if daemon["holder"]:
            return [f"daemon heartbeat is stale: the last one was {age} ago from "
                    f"{_where(daemon)} (expected every {_duration(config.heartbeat)}); "
                    "it probably died or hangs"]
        stopped = daemon["stopped_age_seconds"]
        when = f"stopped {_duration(stopped)} ago" if stopped is not None else \
            f"last heartbeat {age} ago"
        return [f"no daemon is running (the last one, {_where(daemon)}, {when})"]
    limit = DISPATCHES_TO_LATE * config.alert_interval + HEARTBEATS_TO_STALE * config.heartbeat
    age = daemon["last_dispatch_age_seconds"]
    if age is None:
        age = daemon["uptime_seconds"]  # not dispatched yet: late once up for too long
        if age is not None and age > limit:
            return [f"the alert dispatcher has not run since the daemon started "
                    f"{_duration(age)} ago (expected every {_duration(config.alert_interval)})"]
        return []
    if age > limit:
        return [f"the alert dispatcher last ran {_duration(age)} ago "
                f"(expected every {_duration(config.alert_interval)}); alerts are not going out"]
    return []


def _daemon(lock: DaemonLock | None, config: Config, now: datetime) -> dict[str, Any]:
    """The lock row as status: the row outlives its daemon, so it also says who ran last."""
    info = (lock.info if lock is not None else None) or {}
    heartbeat_at = lock.heartbeat_at if lock is not None else None
    heartbeat_age = _age(now, heartbeat_at)
    holder = lock is not None and lock.owner is not None
    running = holder and heartbeat_age is not None and \
        heartbeat_age < HEARTBEATS_TO_STALE * config.heartbeat
    started_at = lock.started_at if lock is not None else None
    last_dispatch = parse_time(info.get("last_dispatch_at"))
    stopped_at = None if holder else parse_time(info.get("stopped_at"))
    return {
        "running": running,
        "holder": holder,  # the lock is held, running or not (a stale holder is dead or hung)
        "pid": lock.pid if lock is not None else None,
        "host": lock.host if lock is not None else None,
        "version": lock.version if lock is not None else None,
        "started_at": _iso(started_at),
        "uptime_seconds": _age(now, started_at) if running else None,
        "heartbeat_at": _iso(heartbeat_at),
        "heartbeat_age_seconds": heartbeat_age,
        "last_dispatch_at": _iso(last_dispatch),
        "last_dispatch_age_seconds": _age(now, last_dispatch),
        "last_tick_at": _iso(parse_time(info.get("last_tick_at"))),
        "stopped_at": _iso(stopped_at),
        "stopped_age_seconds": _age(now, stopped_at),
        "running_crawls": list(info.get("running") or []) if running else [],
        "crawls": info.get("crawls"),
        "workers": info.get("workers"),
        "database": config.redacted()["database_url"],
    }


def _source_entry(source_id: str, source: Source | None, row: SourceState | None
                  ) -> dict[str, Any]:
    """One source's line; a catalog source without a row has simply never been crawled."""
    interval = (row.poll_interval if row is not None else None) or (
        source.interval if source is not None else None)
    return {
        "id": source_id,
        "in_catalog": source is not None,
        "enabled": source.enabled if source is not None else False,
        "health": (row.health if row is not None else None) or "new",
        "health_since": _iso(row.health_since) if row is not None else None,
        "last_run": _iso(row.last_run_at) if row is not None else None,
        "last_success": _iso(row.last_success_at) if row is not None else None,
        "new_items_last_run": row.last_new_items if row is not None else None,
        "failures": (row.consecutive_failures or 0) if row is not None else 0,
        "last_error": row.last_error if row is not None else None,
        "next_due": _iso(row.next_due_at) if row is not None else None,
        "poll_interval": interval,
        "last_outcome": row.last_outcome if row is not None else None,
    }


def _outbox(counts: dict[str, int]) -> dict[str, int]:
    # sending: handed to a channel, not yet confirmed (or its dispatcher died: re-sent)
    return {"pending": counts["pending"], "sending": counts["sending"],
            "failed": counts["failed"], "sent_24h": counts["sent"]}


def _installed_version() -> str:
    try:
        return importlib.metadata.version("provwatch")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree
        return __version__


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round((now - then).total_seconds(), 3)


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if dt else None


def parse_time(value: Any) -> datetime | None:
    """The daemon writes ISO times into the lock's info; a bad one is shown as unknown,
    never fails the status."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _where(daemon: dict[str, Any]) -> str:
    return f"pid {daemon['pid']} on {daemon['host']}"


def _duration(seconds: float) -> str:
    """Short human duration: 45s, 12m, 3h 5m, 2d 4h."""
    s = int(max(seconds, 0))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h}h {m}m" if m else f"{h}h"
    d, h = divmod(s // 3600, 24)
    return f"{d}d {h}h" if h else f"{d}d"
