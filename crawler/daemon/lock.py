"""The daemon lock: one row in the database, so two daemons never run on one database.

Why a row and not a file lock: with PostgreSQL the daemons may sit on different machines;
the database is the one thing they share. The row is taken with a compare-and-set UPDATE
(``... WHERE owner IS NULL OR owner = <the holder we saw>``), which both SQLite and
PostgreSQL execute atomically, so of two daemons starting at once exactly one wins.

A holder is presumed dead, and replaced, when its heartbeat is older than ``stale``, or at
once when it ran on this host and its pid is gone (a ``kill -9`` leaves the row behind;
the next start should not have to wait for it to go stale).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.processes import host_id, pid_alive
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import transaction
from provwatch.crawler.storage.models import DAEMON_LOCK as LOCK_NAME
from provwatch.crawler.storage.models import DaemonLock


class LockHeld(ProvwatchError):
    """Another daemon holds the lock."""


@dataclass(frozen=True)
class Holder:
    owner: str
    host: str
    pid: int
    version: str

    @classmethod
    def me(cls, version: str) -> Holder:
        host, pid = host_id(), os.getpid()
        return cls(f"{host}:{pid}:{uuid.uuid4().hex[:8]}", host, pid, version)


def _presumed_dead(row: DaemonLock, me: Holder, now: datetime, stale: timedelta) -> bool:
    if row.heartbeat_at is None or now - row.heartbeat_at > stale:
        return True
    return row.host == me.host and row.pid != me.pid and not pid_alive(row.pid)


def acquire(sessions: sessionmaker[Session], me: Holder, stale: timedelta,
            now: datetime | None = None) -> None:
    """Take the lock for ``me`` or raise LockHeld naming the holder."""
    now = now or datetime.now(timezone.utc)
    try:
        with transaction(sessions) as session:
            repository.create_lock_row(session, LOCK_NAME)
    except IntegrityError:
        pass  # another daemon created the row just now; the UPDATE below decides
    with transaction(sessions) as session:
        row = repository.lock_row(session, LOCK_NAME)
        assert row is not None  # created above, and the lock's row is never deleted
        seen = row.owner
        if seen is not None and seen != me.owner and not _presumed_dead(row, me, now, stale):
            age = (now - row.heartbeat_at).total_seconds() if row.heartbeat_at else 0
            raise LockHeld(
                f"another provwatch daemon runs on this database: pid {row.pid} on "
                f"{row.host} (since {row.started_at:%Y-%m-%d %H:%M:%S} UTC, heartbeat "
                f"{age:.0f}s ago); stop it first, or wait {stale.total_seconds():.0f}s "
                "after it died")
        taken = repository.take_lock(
            session, LOCK_NAME, seen,
            {"owner": me.owner, "host": me.host, "pid": me.pid, "version": me.version,
             "started_at": now, "heartbeat_at": now, "info": {}})
    if not taken:
        raise LockHeld("another provwatch daemon took the lock at the same moment; "
                       "not starting a second one")


def heartbeat(sessions: sessionmaker[Session], me: Holder, info: dict[str, Any],
              now: datetime | None = None) -> bool:
    """Refresh our heartbeat; False when the lock is no longer ours (we were presumed
    dead and replaced): the caller must stop at once."""
    now = now or datetime.now(timezone.utc)
    with transaction(sessions) as session:
        return repository.lock_heartbeat(session, LOCK_NAME, me.owner, now, info)


def release(sessions: sessionmaker[Session], me: Holder, info: dict[str, Any]) -> None:
    """Give the lock up; the row keeps who ran last and its final info for `status`."""
    with transaction(sessions) as session:
        repository.release_lock(session, LOCK_NAME, me.owner, info)


def current(sessions: sessionmaker[Session]) -> DaemonLock | None:
    with sessions() as session:
        return repository.current_lock(session, LOCK_NAME)
