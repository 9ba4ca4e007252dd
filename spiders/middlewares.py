"""Downloader middlewares: an article URL already stored is never requested again; a body
whose compression stream ends early is flagged, not passed on as whole."""

from __future__ import annotations

import logging
import zlib

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from sqlalchemy.orm import Session, sessionmaker

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
        self.sessions: sessionmaker[Session] | None = None

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


TRUNCATED = "truncated"  # the response flag the spiders check


def gzip_complete(data: bytes, limit: int | None = None) -> bool | None:
    """Whether a gzip or zlib stream ends where it should (its end marker is there): True,
    False (cut short), or None (not such a stream, or past ``limit`` bytes inflated: the
    size check that follows decides then). Decompresses in bounded steps."""
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header, detected
    left, produced = data, 0
    try:
        while left and not inflater.eof:
            produced += len(inflater.decompress(left, 1 << 20))
            left = inflater.unconsumed_tail
            if limit is not None and produced > limit:
                return None
    except zlib.error:
        return None
    return inflater.eof


class TruncatedBodyMiddleware:
    """Runs on the compressed bytes, before Scrapy's HttpCompressionMiddleware, whose
    gunzip returns what it could inflate of a stream cut short, silently: such a response
    is flagged ``truncated`` and the spiders refuse it with that reason."""

    def process_response(self, request, response, spider=None):
        encoding = (response.headers.get("Content-Encoding") or b"").lower()
        if encoding in (b"gzip", b"x-gzip", b"deflate") and response.body:
            if gzip_complete(response.body) is False:
                log.warning("%s: the %s body ends early (truncated)", response.url,
                            encoding.decode())
                response.flags.append(TRUNCATED)
        return response
