"""Crawl workers' rows in the ``daemon`` table (one per `provwatch worker` process):
what `provwatch status` shows of them. Shown only, never used to decide who crawls: the
queue (Procrastinate) and the advisory locks (storage.slots) decide that."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from provwatch.crawler.storage.db import rowcount
from provwatch.crawler.storage.models import DaemonLock, SourceState

__all__ = ["WORKER_PREFIX", "add_worker_row", "worker_heartbeat", "remove_worker_row",
           "worker_rows", "prune_worker_rows", "next_due_at"]

WORKER_PREFIX = "worker:"


def add_worker_row(session: Session, name: str, values: dict[str, Any]) -> None:
    session.add(DaemonLock(name=name, **values))


def worker_heartbeat(session: Session, name: str, now: datetime, info: dict[str, Any]) -> bool:
    """False when the row is gone (pruned as dead by another worker): the caller adds it
    again."""
    return rowcount(session.execute(update(DaemonLock).where(DaemonLock.name == name)
                                    .values(heartbeat_at=now, info=info))) == 1


def remove_worker_row(session: Session, name: str) -> None:
    session.execute(delete(DaemonLock).where(DaemonLock.name == name))


def worker_rows(session: Session) -> list[DaemonLock]:
    rows = list(session.scalars(select(DaemonLock).where(
        DaemonLock.name.startswith(WORKER_PREFIX)).order_by(DaemonLock.host, DaemonLock.pid)))
    for row in rows:
        session.expunge(row)
    return rows


def prune_worker_rows(session: Session, before: datetime) -> int:
    """Rows of workers not seen since ``before`` (killed without a goodbye)."""
    return rowcount(session.execute(delete(DaemonLock).where(
        DaemonLock.name.startswith(WORKER_PREFIX), DaemonLock.heartbeat_at < before)))


def next_due_at(session: Session, source_id: str) -> datetime | None:
    """When the source is due (None: never crawled, or no due time yet)."""
    return session.scalar(select(SourceState.next_due_at).where(SourceState.id == source_id))
