"""Storage stages off the reactor thread: under Scrapy, the stages that talk to the
database run each item in Twisted's thread pool (as Scrapy's own media pipelines do with
their files), so a write waiting for SQLite's lock, or a slow PostgreSQL, stalls that item
and not every download of the crawl. Run without Scrapy (ingest's Chain), they run inline.

The stats such a stage keeps are updated from those threads: ``LockedStats`` serialises
its increments (Scrapy's collector reads and writes a key in two steps).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from twisted.internet.threads import deferToThread


class LockedStats:
    """A stats collector's increments made safe to call from several threads."""

    def __init__(self, stats) -> None:
        self._stats = stats
        self._lock = threading.Lock()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        with self._lock:
            self._stats.inc_value(key, count, start)


def off_the_reactor(work: Callable[[Any], Any], item: Any, threaded: bool):
    """``work(item)``: in a pool thread, as a Deferred, when ``threaded``; else at once."""
    return deferToThread(work, item) if threaded else work(item)
