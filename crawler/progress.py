"""Scrapy extension: report crawl progress as JSON lines on a file descriptor.

The crawl child writes them to its stdout; the parent (CLI or daemon) reads them to draw
a progress line. Off unless PROVWATCH_PROGRESS_FD is set.
"""

from __future__ import annotations

import json
import os
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured

INTERVAL = 0.5  # seconds between two reports


def snapshot(stats: dict) -> dict[str, int]:
    return {
        "pages": int(stats.get("response_received_count", 0)),
        "new": int(stats.get("provwatch/new_articles", 0)),
        "duplicates": int(stats.get("item_dropped_reasons_count/DuplicateUrl", 0))
        + int(stats.get("provwatch/copies", 0)) + int(stats.get("provwatch/seen_skipped", 0)),
        "errors": sum(int(v) for k, v in stats.items() if k.startswith("provwatch/errors/")),
    }


class ProgressReporter:
    @classmethod
    def from_crawler(cls, crawler):
        fd = crawler.settings.getint("PROVWATCH_PROGRESS_FD", -1)
        if fd < 0:
            raise NotConfigured
        ext = cls(fd, crawler.stats)
        for sig in (signals.response_received, signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(ext.tick, signal=sig)
        return ext

    def __init__(self, fd: int, stats) -> None:
        self.fd = fd
        self.stats = stats
        self.last = 0.0

    def tick(self, *args, **kwargs) -> None:
        now = time.monotonic()
        if now - self.last < INTERVAL:
            return
        self.last = now
        line = json.dumps({"progress": snapshot(self.stats.get_stats())}) + "\n"
        try:
            os.write(self.fd, line.encode())
        except OSError:
            pass  # the reader went away; the crawl goes on
