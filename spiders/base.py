"""What every provwatch spider shares: the source, article requests, and error accounting."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timezone
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from provwatch.crawler.catalog.sources import Source
from provwatch.pipelines.items import ArticleItem
from provwatch.spiders.middlewares import TRUNCATED

log = logging.getLogger(__name__)
# error statuses are handed to the callbacks, which name them; redirects stay automatic
_ERROR_STATUSES = list(range(400, 600))


def error_kind(failure) -> str:
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(TimeoutError, TCPTimedOutError) or "timeout" in failure.type.__name__.lower():
        return "timeout"
    if failure.check(DNSLookupError):
        return "dns"
    if failure.check(ConnectionRefusedError):
        return "connection_refused"
    return failure.type.__name__.lower()


# What anti-bot shields serve instead of the page: Ruishu (瑞数, common on gov.cn portals,
# a script that sets $_ts), Jiasule's __jsl_clearance cookie script, Cloudflare's
# interstitial, and the Chinese "security check" pages. Looked for in small pages only.
_CHALLENGES = (b"$_ts", b"__jsl_clearance", b"cf-browser-verification",
               b"challenge-platform", b"<title>Just a moment", "安全验证".encode(),
               "请开启JavaScript".encode(), "请启用JavaScript".encode(),
               b"Please enable JavaScript and cookies")
_CHALLENGE_MAX_BYTES = 30_000
# The generic JavaScript cookie challenge (HTTP 521 and its kin): a tiny page whose script
# sets a cookie and reloads itself, with no text of its own to show.
_COOKIE_SCRIPT = re.compile(rb"document\.cookie\s*=", re.I)
_RELOAD = re.compile(rb"location(?:\.href\s*=|\.replace\(|\.reload\(|\s*=)", re.I)
_COOKIE_SCRIPT_MAX_BYTES = 8_000


def challenge_marker(body: bytes) -> str | None:
    """The marker of a bot-challenge page in ``body``, or None for an ordinary page."""
    if len(body) > _CHALLENGE_MAX_BYTES:
        return None
    for marker in _CHALLENGES:
        if marker in body:
            return marker.decode("utf-8")
    if (len(body) <= _COOKIE_SCRIPT_MAX_BYTES and _COOKIE_SCRIPT.search(body)
            and _RELOAD.search(body)):
        return "document.cookie"
    return None


class SourceSpider(scrapy.Spider):
    """Base spider: ``source`` is a catalog Source; ``validators`` the stored per-URL state."""

    def __init__(self, source: Source, validators: dict[str, dict[str, str]] | None = None,
                 max_pages: int | None = None, since: date | None = None,
                 until: date | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.since = since  # a backfill's window (publication days), else None
        self.until = until
        self.validators = dict(validators or {})
        self.new_validators: dict[str, dict[str, str]] = {}
        self.max_pages = max_pages or source.max_pages
        self.entry_ok = 0  # start URLs (feeds, list pages) fetched successfully
        self.entry_failed = 0
        self.article_failed = 0
        self.not_modified = 0
        self.errors: list[str] = []

    # -- requests ------------------------------------------------------------------------

    def article_request(self, url: str, **feed: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_error,
                              meta={"article": True, "feed": feed,
                                    "handle_httpstatus_list": _ERROR_STATUSES})

    def entry_request(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        meta = {**kwargs.pop("meta", {}), "handle_httpstatus_list": [304, *_ERROR_STATUSES]}
        return scrapy.Request(url, callback=self._entry_status(callback),
                              errback=self.entry_error, meta=meta, **kwargs)

    def _entry_status(self, callback):
        """Statuses >= 400 reach callbacks (handle_httpstatus_list) and are counted here."""
        def checked(response, **kwargs):
            if response.status >= 400:
                self.entry_failed += 1
                self._http_error(response, "list/feed")
                return None
            if TRUNCATED in response.flags:
                self.unusable_entry("truncated_body", f"list/feed {response.url}: the body "
                                    "ends early (a compressed stream cut short); not used")
                return None
            marker = challenge_marker(response.body)
            if marker:
                self.unusable_entry("blocked", f"list/feed {response.url}: a bot challenge "
                                    f"page ({marker!r}) instead of the page")
                return None
            return callback(response, **kwargs)

        checked.__name__ = callback.__name__
        return checked

    def _http_error(self, response, what: str) -> None:
        kind = f"http_{response.status}"
        self.error(kind, f"{what} {response.url}: {kind}")

    def error(self, kind: str, message: str) -> None:
        """Count an error of ``kind`` and keep its message, prefixed with the source id."""
        self.crawler.stats.inc_value(f"provwatch/errors/{kind}")
        message = f"source {self.source.id}: {message}"
        self.errors.append(message)
        log.warning(message)

    def unusable_entry(self, kind: str, message: str) -> None:
        """A feed, list page or sitemap that was fetched but cannot be used."""
        self.entry_failed += 1
        self.error(kind, message)

    # -- responses -----------------------------------------------------------------------

    def parse_article(self, response):
        if response.status >= 400:
            self.article_failed += 1
            self._http_error(response, "article")
            return
        if TRUNCATED in response.flags:
            self.article_failed += 1
            self.error("truncated_body", f"article {response.url}: the body ends early (a "
                                         "compressed stream cut short); not stored")
            return
        marker = challenge_marker(response.body)
        if marker:
            self.article_failed += 1
            self.error("blocked", f"article {response.url}: a bot challenge page ({marker!r}) "
                                  "instead of the article")
            return
        feed = response.meta.get("feed") or {}
        content_type = response.headers.get("Content-Type")
        yield ArticleItem(
            url=response.url, source_id=self.source.id, body=response.body,
            fetched_at=datetime.now(timezone.utc),
            content_type=content_type.decode("latin-1") if content_type else None,
            source_province=self.source.province, source_language=self.source.language,
            feed_title=feed.get("title"), feed_published=feed.get("published"),
            feed_summary=feed.get("summary"),
            date_selector=self.source.selectors.get("date"),
            body_selector=self.source.selectors.get("body"),
        )

    # -- errors --------------------------------------------------------------------------

    def _record(self, failure, what: str) -> None:
        if failure.check(IgnoreRequest):
            return
        kind = error_kind(failure)
        message = f"{what} {failure.request.url}: {kind}"
        detail = str(failure.value).strip()
        if detail and not failure.check(HttpError):
            message += f" ({detail[:200]})"
        self.error(kind, message)

    def entry_error(self, failure) -> None:
        self.entry_failed += 1
        self._record(failure, "list/feed")

    def article_error(self, failure) -> None:
        if not failure.check(IgnoreRequest):
            self.article_failed += 1
        self._record(failure, "article")

    def drop(self, reason: str, message: str) -> None:
        self.crawler.stats.inc_value(f"provwatch/dropped/{reason}")
        log.warning("source %s: %s", self.source.id, message)

    def remember(self, url: str, **values: str | None) -> None:
        self.new_validators[url] = {k: v for k, v in values.items() if v}
