"""Scrapy extension: report crawl progress as JSON lines on a file descriptor.

The crawl child writes them to its stdout; the parent (CLI or daemon) reads them to draw
a progress line. Off unless PROVWATCH_PROGRESS_FD is set. Spiders write other lines (a
backfill's resume cursor) through ``write_line`` on the same descriptor.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

INTERVAL = 0.5  # seconds between two reports
FD_SETTING = "PROVWATCH_PROGRESS_FD"


def snapshot(stats: dict) -> dict[str, Any]:
    """Counts for a progress display; a backfill adds list pages, the oldest list date
    reached and, once known, why the walk ended (``end``)."""
    return {
        "pages": int(stats.get("response_received_count", 0)),
        "new": int(stats.get("provwatch/new_articles", 0)),
        "duplicates": int(stats.get("item_dropped_reasons_count/DuplicateUrl", 0))
        + int(stats.get("provwatch/copies", 0)) + int(stats.get("provwatch/seen_skipped", 0)),
        "errors": sum(int(v) for k, v in stats.items() if k.startswith("provwatch/errors/")),
        # pages walked by an earlier, interrupted run count: the bar resumes where it was
        "list_pages": int(stats.get("provwatch/list_pages", 0))
        + int(stats.get("provwatch/list_pages_resumed", 0)),
        "list_pages_max": int(stats.get("provwatch/list_pages_max", 0)),
        "outside_window": int(stats.get("provwatch/dropped/outside_window", 0)),
        "oldest": stats.get("provwatch/oldest"),
        "end": stats.get("provwatch/walk_end"),
    }


def write_line(crawler, obj: dict[str, Any]) -> bool:
    """Write one JSON line to the parent, if it listens; False when nobody does.

    One os.write per line: lines from the progress extension and from a spider never
    interleave (both run in the reactor thread, and a short write to a pipe is atomic).
    """
    fd = crawler.settings.getint(FD_SETTING, -1)
    if fd < 0:
        return False
    try:
        os.write(fd, (json.dumps(obj, ensure_ascii=False) + "\n").encode())
    except OSError:
        return False  # the reader went away; the crawl goes on
    return True


class ProgressReporter:
    @classmethod
    def from_crawler(cls, crawler):
        fd = crawler.settings.getint(FD_SETTING, -1)
        if fd < 0:
            raise NotConfigured
        ext = cls(fd, crawler.stats)
        for sig in (signals.response_received, signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(ext.tick, signal=sig)
        crawler.signals.connect(ext.final, signal=signals.spider_closed)
        return ext

    def __init__(self, fd: int, stats) -> None:
        self.fd = fd
        self.stats = stats
        self.last = 0.0
        self.stored = 0

    def tick(self, *args, **kwargs) -> None:
        """Throttled, but a newly stored article is always told at once: a run killed at
        crawl_timeout is recorded with the count the parent heard last."""
        now = time.monotonic()
        stored = int(self.stats.get_value("provwatch/new_articles", 0))
        if now - self.last < INTERVAL and stored == self.stored:
            return
        self.last, self.stored = now, stored
        self._write()

    def final(self, *args, **kwargs) -> None:
        """The last counts, unthrottled: the display ends on the true numbers."""
        self._write()

    def _write(self) -> None:
        line = json.dumps({"progress": snapshot(self.stats.get_stats())}) + "\n"
        try:
            os.write(self.fd, line.encode())
        except OSError:
            pass  # the reader went away; the crawl goes on
