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
from provwatch.crawler.redact import redact
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
        workers = [_worker(row, config, now) for row in repository.worker_rows(session)]
    sources = [_source_entry(s.id, s, rows.get(s.id)) for s in catalog]
    known = {s.id for s in catalog}
    sources += [_source_entry(sid, None, rows[sid])
                for sid in sorted(rows) if sid not in known]
    enabled = [rows[s.id] for s in catalog if s.enabled and s.id in rows]
    report = {"checked_at": _iso(now), "version": _installed_version(),
              "daemon": daemon, "sources": sources, "outbox": outbox,
              "crawling": _crawling(enabled, daemon, now), "workers": workers}
    if config.queue_url:
        report["queue"] = _queue(config)
    return report


def check(status: dict[str, Any], config: Config) -> list[str]:
    """Why the deployment needs a human, one sentence each; [] when it is healthy.

    A few bad sources are normal life for a crawler (sites go down, get redesigned) and
    are shown in the status and told to operators by the daemon itself. It points at us
    (network, DNS, a proxy) when more than ``unhealthy_failing_share`` of the enabled
    sources are failing, when every one is bad (stale included), or when crawls kept
    failing and none succeeded for ``unhealthy_after_no_success`` while the daemon ran.
    """
    reasons = _daemon_reasons(status["daemon"], config) + _queue_reasons(status)
    enabled = [s for s in status["sources"] if s["enabled"]]
    reasons += _source_reasons(enabled, config)
    if status["daemon"]["running"]:
        reasons += _no_success_reasons(status.get("crawling"), enabled, config)
    return reasons


def failing(source: dict[str, Any]) -> bool:
    """Did the source's last run fail? (``stale`` sources run fine: not failing.)"""
    return source["health"] == "failing" or (
        source["health"] in BAD_STATES and source["health"] != "stale")


def _source_reasons(enabled: list[dict[str, Any]], config: Config) -> list[str]:
    bad = Counter(s["health"] for s in enabled
                  if s["health"] in BAD_STATES or s["health"] == "failing")
    if not enabled or not bad:
        return []
    states = ", ".join(f"{state}: {n}" for state, n in sorted(bad.items()))
    example = _last_error([s for s in enabled if failing(s)])
    if sum(bad.values()) == len(enabled):
        return [f"all {len(enabled)} enabled sources are in a bad state ({states}); "
                f"likely the network or DNS of the crawler's host{example}"]
    down = sum(1 for s in enabled if failing(s))
    share = config.unhealthy_failing_share
    if down > share * len(enabled):
        return [f"{down} of {len(enabled)} enabled sources are failing ({states}), more "
                f"than {share:.0%} (unhealthy_failing_share); likely the network or DNS of "
                f"the crawler's host{example}"]
    return []


def _no_success_reasons(crawling: dict[str, Any] | None, enabled: list[dict[str, Any]],
                        config: Config) -> list[str]:
    """Crawls ran, from at least two sources (or every enabled one, if fewer), and all
    failed for longer than allowed: one source down alone is not the deployment's fault."""
    if not crawling or crawling.get("quiet_seconds") is None:
        return []
    failed_ids = set(crawling.get("failed_since") or ())
    failed = [s for s in enabled if s["id"] in failed_ids]
    quiet = crawling["quiet_seconds"]
    if quiet <= config.unhealthy_after_no_success or not failed or \
            len(failed) < min(2, len(enabled)):
        return []
    since = ("the daemon started" if crawling.get("quiet_since") == "daemon_start"
             else "the last success")
    return [f"no crawl has succeeded for {_duration(quiet)} (since {since}; limit "
            f"{_duration(config.unhealthy_after_no_success)}, unhealthy_after_no_success) "
            f"while {len(failed)} source(s) failed{_last_error(failed)}"]


def _last_error(sources: list[dict[str, Any]]) -> str:
    """'; last error (gov_a): ...' from the first of ``sources`` that has one."""
    for s in sources:
        error = (s.get("last_error") or "").strip()
        if error:
            line = error.splitlines()[0]
            line = line if len(line) <= 200 else line[:199] + "…"
            return f"; last error ({s['id']}): {line}"
    return ""


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


def _worker(row: DaemonLock, config: Config, now: datetime) -> dict[str, Any]:
    """A `provwatch worker` as its row says (crawler.daemon.worker): seen within three
    heartbeats, it is alive; a killed one stays listed, not seen, for an hour."""
    info = row.info or {}
    age = _age(now, row.heartbeat_at)
    return {"host": row.host, "pid": row.pid, "version": row.version,
            "started_at": _iso(row.started_at), "last_seen": _iso(row.heartbeat_at),
            "last_seen_age_seconds": age,
            "alive": age is not None and age < HEARTBEATS_TO_STALE * config.heartbeat,
            "running_crawls": list(info.get("running") or []),
            "crawls": info.get("crawls"), "concurrency": info.get("concurrency")}


def _queue(config: Config) -> dict[str, Any]:
    """The crawl queue's depth; a queue that cannot be read is said, in one line."""
    # lazy: psycopg's own connection, only when a crawl queue is configured
    from provwatch.crawler.storage import slots

    assert config.queue_url  # status() asks only when one is configured
    try:
        return slots.queue_depth(config.queue_url, slots.CRAWL_QUEUE)
    except Exception as e:  # psycopg names the server; the message may carry the URL
        first = (str(e).strip() or type(e).__name__).splitlines()[0]
        return {"error": redact(f"queue_url {config.redacted()['queue_url']}: {first}")}


def _queue_reasons(status: dict[str, Any]) -> list[str]:
    queue = status.get("queue")
    if queue is None:
        return []
    if "error" in queue:
        return [f"the crawl queue cannot be read: {queue['error']}"]
    if queue["waiting"] and not any(w["alive"] for w in status.get("workers") or []):
        return [f"{queue['waiting']} crawls wait in the queue and no worker is running; "
                "start `provwatch worker` on a machine that reaches the database"]
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


def _crawling(rows: list[SourceState], daemon: dict[str, Any], now: datetime
              ) -> dict[str, Any]:
    """How long the enabled sources went without a success, and which failed since.

    The clock starts at the newest success, or at the daemon's start if later: a daemon
    started on a dead network is not unhealthy the moment its first crawl fails, nor is
    one restarted after a night off.
    """
    successes = [r.last_success_at for r in rows if r.last_success_at is not None]
    last_success = max(successes) if successes else None
    started = parse_time(daemon["started_at"]) if daemon["running"] else None
    since = max((t for t in (last_success, started) if t is not None), default=None)
    failed = sorted(r.id for r in rows if (r.consecutive_failures or 0) > 0
                    and r.last_run_at is not None and (since is None or r.last_run_at > since))
    return {"last_success_at": _iso(last_success), "quiet_seconds": _age(now, since),
            "quiet_since": None if since is None else (
                "last_success" if since == last_success else "daemon_start"),
            "failed_since": failed}


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
        "last_error": (redact(row.last_error) if row is not None and row.last_error is not None
                       else None),
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
