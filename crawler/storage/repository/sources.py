"""Source state and crawl runs, and the daemon lock row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from provwatch.crawler.storage.db import rowcount
from provwatch.crawler.storage.models import CrawlRun, DaemonLock, SourceState

__all__ = ["create_lock_row", "current_lock", "lock_heartbeat", "lock_row",
           "mark_reported", "poll_interval", "prune_crawl_runs", "record_crawl", "release_lock",
           "source_state", "source_states", "take_lock"]


# --- sources and crawl runs -----------------------------------------------------------


def source_state(session: Session, source_id: str) -> SourceState:
    state = session.get(SourceState, source_id)
    if state is None:
        state = SourceState(id=source_id, consecutive_failures=0, validators={})
        session.add(state)
        session.flush()
    return state


def record_crawl(session: Session, run: dict[str, Any], new_state: dict[str, Any]
                 ) -> tuple[CrawlRun, SourceState]:
    """Add the crawl run; keep the validators and backfill cursor a finished run left.
    Health, failures and the next due time are the caller's (crawler/daemon/health.py)."""
    row = CrawlRun(**run)
    session.add(row)
    state = source_state(session, run["source_id"])
    state.last_outcome = run["outcome"]
    if run["outcome"] in ("ok", "not_modified"):
        if new_state.get("validators"):
            state.validators = {**(state.validators or {}), **new_state["validators"]}
        if "backfill" in new_state:
            state.backfill = new_state["backfill"]
    return row, state


def poll_interval(session: Session, source_id: str) -> int | None:
    """The source's adaptive poll interval in seconds, None before its first run."""
    return session.scalar(select(SourceState.poll_interval).where(SourceState.id == source_id))


def source_states(session: Session) -> list[SourceState]:
    """Every source's row, detached from the session (safe to read after it closes)."""
    rows = list(session.scalars(select(SourceState)))
    for row in rows:
        session.expunge(row)
    return rows


def mark_reported(session: Session, source_id: str, health: str) -> bool:
    """Record that operators were told of ``health``, unless the source moved on since."""
    return rowcount(session.execute(
        update(SourceState).where(SourceState.id == source_id, SourceState.health == health)
        .values(reported_health=health).execution_options(synchronize_session=False)
    )) == 1


def prune_crawl_runs(session: Session, before: datetime) -> int:
    """Delete the crawl runs started before ``before``; how many went. A source's last
    outcome lives on its row, so its newest run may go too."""
    return rowcount(session.execute(
        delete(CrawlRun).where(CrawlRun.started_at < before)
        .execution_options(synchronize_session=False)))


# --- the daemon lock ------------------------------------------------------------------


def lock_row(session: Session, name: str) -> DaemonLock | None:
    return session.get(DaemonLock, name)


def create_lock_row(session: Session, name: str) -> None:
    """Add the lock's row if it is missing (two daemons may race: the loser's commit fails
    on the primary key, which the caller ignores)."""
    if session.get(DaemonLock, name) is None:
        session.add(DaemonLock(name=name))


def take_lock(session: Session, name: str, seen: str | None, values: dict[str, Any]) -> bool:
    """Compare-and-set: take the lock when its owner is still ``seen`` (or nobody); True when
    this statement took it. Of two daemons starting at once exactly one gets rowcount 1."""
    owner = DaemonLock.owner.is_(None) if seen is None else or_(
        DaemonLock.owner == seen, DaemonLock.owner.is_(None))
    return rowcount(session.execute(
        update(DaemonLock).where(DaemonLock.name == name, owner).values(**values)
    )) == 1


def lock_heartbeat(session: Session, name: str, owner: str, now: datetime,
                   info: dict[str, Any]) -> bool:
    """Refresh the holder's heartbeat; False when ``owner`` no longer holds the lock."""
    return rowcount(session.execute(
        update(DaemonLock).where(DaemonLock.name == name, DaemonLock.owner == owner)
        .values(heartbeat_at=now, info=info)
    )) == 1


def release_lock(session: Session, name: str, owner: str, info: dict[str, Any]) -> None:
    """Give the lock up; the row keeps who ran last and its final info for `status`."""
    session.execute(
        update(DaemonLock).where(DaemonLock.name == name, DaemonLock.owner == owner)
        .values(owner=None, info=info))


def current_lock(session: Session, name: str) -> DaemonLock | None:
    """The lock's row, detached from the session."""
    row = session.scalar(select(DaemonLock).where(DaemonLock.name == name))
    if row is not None:
        session.expunge(row)
    return row
