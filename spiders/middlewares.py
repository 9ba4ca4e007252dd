"""Downloader middleware: an article URL already stored is never requested again."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.pipelines.urls import canonical_url

log = logging.getLogger(__name__)


class SeenUrlMiddleware:
    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler.settings.get("PROVWATCH_DATABASE_URL"), crawler.stats)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def __init__(self, database_url: str, stats) -> None:
        self.database_url = database_url
        self.stats = stats
        self.sessions = None

    def spider_opened(self, spider) -> None:
        self.sessions = open_database(self.database_url)

    def process_request(self, request, spider=None):
        if not request.meta.get("article") or self.sessions is None:
            return None
        with self.sessions() as session:
            seen = repository.url_seen(session, canonical_url(request.url))
        if seen:
            self.stats.inc_value("provwatch/seen_skipped")
            raise IgnoreRequest(f"already stored: {request.url}")
        return None
