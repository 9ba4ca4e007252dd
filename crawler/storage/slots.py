"""PostgreSQL advisory locks that hold "one crawl per source" and "at most N crawls per
host" across every worker; the crawl queue's schema and depth.

A crawl holds its locks on a connection of its own (``Slots``): PostgreSQL releases a
session's advisory locks when the session ends, so a worker that dies, even by SIGKILL,
gives its slots back without any lease or expiry of ours. The connection's socket is
also handed to the crawl's child process (crawler.daemon.runner ``pass_fds``): the
session then lives until the last of worker and child is gone, so a child that is still
closing its spider after its worker was killed keeps its host slot until it exits.

Keys: ``pg_try_advisory_lock(class, key)`` with a class per kind (source, host slot) and
the key a CRC-32 of the schema, the kind's name and, for a host, the slot number. Advisory
locks are database-wide; the schema in the key keeps two deployments (or test schemas)
on one database apart. Two names whose CRC-32 collide share a lock: stricter, never
looser. Source: PostgreSQL manual, "Advisory Locks" (explicit-locking.html#ADVISORY-LOCKS).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import psycopg

CRAWL_QUEUE = "crawls"  # the engine's queue the crawl jobs go to (crawler.daemon.engine)
SOURCE_CLASS = 0x70770001  # "pw" + kind; any two constants apart from other users' keys
HOST_CLASS = 0x70770002
SCHEMA_CLASS = 0x70770003  # serialises two workers applying the queue's schema at once


def conninfo(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq takes it (its query, e.g. ``options``, kept)."""
    # lazy: SQLAlchemy's URL parser, only when a queue is configured
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _key(*parts: object) -> int:
    """A signed 32-bit key (advisory locks take int4 pairs)."""
    n = zlib.crc32("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return n - (1 << 32) if n >= 1 << 31 else n


def _value(cursor: psycopg.Cursor[Any]) -> Any:
    """The one value of a query that always returns one row (a function's result)."""
    row = cursor.fetchone()
    assert row is not None  # SELECT f(...) without FROM returns exactly one row
    return row[0]


class Slots:
    """One crawl's advisory locks, on one autocommit connection."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(conninfo(url), autocommit=True)
        self.schema = _value(self.conn.execute("SELECT current_schema()"))
        self.held: list[tuple[int, int]] = []

    def fileno(self) -> int:
        return self.conn.fileno()

    def _try(self, cls: int, key: int) -> bool:
        got = _value(self.conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (cls, key)))
        if got:
            self.held.append((cls, key))
        return bool(got)

    def take_source(self, source_id: str) -> bool:
        return self._try(SOURCE_CLASS, _key(self.schema, "source", source_id))

    def take_host(self, host: str, per_host: int) -> int | None:
        """The first free slot of ``per_host`` on ``host`` (taken), or None: all busy."""
        for slot in range(per_host):
            if self._try(HOST_CLASS, _key(self.schema, "host", host, slot)):
                return slot
        return None

    def take_all(self, source_id: str, hosts: Iterable[str], per_host: int) -> str | None:
        """Take the source and a slot on each of its hosts; None when all were taken,
        else what was busy ("source" or the host), with nothing left held."""
        if not self.take_source(source_id):
            return "source"
        for host in sorted(hosts):
            if self.take_host(host, per_host) is None:
                self.release()
                return host
        return None

    def release(self) -> None:
        for cls, key in reversed(self.held):
            self.conn.execute("SELECT pg_advisory_unlock(%s, %s)", (cls, key))
        self.held.clear()

    def close(self) -> None:
        try:
            if not self.conn.closed and not self.conn.broken:
                self.release()
        finally:
            self.conn.close()


def ensure_queue_schema(url: str, schema_sql: str) -> bool:
    """Create the queue's tables once: True when this call created them. Several workers
    starting at once on an empty database wait for one another on an advisory lock taken
    in the same transaction, and the later ones find the tables there."""
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (SCHEMA_CLASS,))
        exists = _value(conn.execute("SELECT to_regclass('procrastinate_jobs')"))
        if exists is not None:
            return False
        conn.execute(schema_sql)  # the engine's own schema file
        return True


# One crawl job per source, waiting *or running*, decided by the statement that inserts it.
# The engine's queueing lock is unique among waiting jobs only: a job queued while its
# source's crawl runs would be a second job under the same lock, and the running job's
# "host busy, try again later" (a move back to waiting) would then break that unique key
# and leave it running for ever, the source never crawled again (both jobs share the
# lock). A READ COMMITTED snapshot sees the source's job in one of its two live states
# whichever instant it is read, so NOT EXISTS is false while any job of the source lives;
# two enqueuers at once both pass it and the queueing lock's unique index refuses one.
# The insert is the engine's own function (procrastinate 3.x, sql/schema.sql,
# ``procrastinate_defer_jobs_v1``), so its triggers (events, NOTIFY) fire as for its defer.
DEFER_ONCE = """
SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(
    %(queue)s::varchar, %(task)s::varchar, 0, %(lock)s::text, %(lock)s::text, %(args)s,
    now() + make_interval(secs => %(delay)s::float8))::procrastinate_job_to_defer_v1])) AS id
WHERE NOT EXISTS (SELECT 1 FROM procrastinate_jobs
                  WHERE lock = %(lock)s::text AND status IN ('todo', 'doing'))
"""


async def defer_once(connector: Any, *, queue: str, task: str, lock: str,
                     kwargs: dict[str, Any], delay: float) -> bool:
    """Queue ``task(**kwargs)`` under ``lock`` (also its queueing lock) unless a job of that
    lock waits or runs; True when this call queued it. ``connector``: the engine's async
    connector (its pool, its error types: a concurrent twin raises its UniqueViolation)."""
    rows = await connector.execute_query_all_async(
        DEFER_ONCE, queue=queue, task=task, lock=lock, args=kwargs, delay=delay)
    return bool(rows)


# Crawl jobs running for longer than any crawl can: the worker lost track of them (its
# "try again later" or "done" failed on a database error while it stayed alive, so its
# heartbeat never goes stale). A job's last ``started`` event is when a worker last took
# it (the engine's events table, written by its own triggers); a crawl is killed at
# crawl_timeout, so past that and its record the job is an orphan.
ORPHANED_JOBS = """
SELECT job.id, job.args->>'source_id' AS source_id
  FROM procrastinate_jobs job
 WHERE job.status = 'doing' AND job.queue_name = %(queue)s AND job.task_name = %(task)s
   AND (SELECT max(e.at) FROM procrastinate_events e
         WHERE e.job_id = job.id AND e.type = 'started')
       < now() - make_interval(secs => %(seconds)s::float8)
"""


async def orphaned_jobs(connector: Any, *, queue: str, task: str,
                        seconds: float) -> list[tuple[int, str | None]]:
    """(job id, source id) of ``task``'s jobs taken more than ``seconds`` ago and still
    running."""
    rows = await connector.execute_query_all_async(
        ORPHANED_JOBS, queue=queue, task=task, seconds=seconds)
    return [(int(r["id"]), r["source_id"]) for r in rows]


def queue_depth(url: str, queue: str) -> dict[str, int]:
    """Jobs of ``queue`` waiting (``todo``, due now or later) and running (``doing``),
    read straight from the engine's table: `provwatch status` and the daemon's heartbeat
    need two numbers, not the engine and its connection pool."""
    with psycopg.connect(conninfo(url), connect_timeout=5) as conn:
        if _value(conn.execute("SELECT to_regclass('procrastinate_jobs')")) is None:
            return {"waiting": 0, "running": 0}
        counts: dict[str, int] = dict(conn.execute(
            "SELECT status::text, count(*) FROM procrastinate_jobs WHERE queue_name = %s "
            "AND status IN ('todo', 'doing') GROUP BY status", (queue,)).fetchall())
    return {"waiting": counts.get("todo", 0), "running": counts.get("doing", 0)}
