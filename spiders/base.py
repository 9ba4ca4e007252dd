"""What every provwatch spider shares: the source, article requests, and error accounting."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timezone
from ssl import SSLError
from typing import Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
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
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError) or \
            "timeout" in failure.type.__name__.lower():
        return "timeout"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection_refused"
    if failure.check(IgnoreRequest):
        return refusal(failure)[0]
    if _MAX_SIZE.search(str(failure.value)) or failure.check(DownloadCancelledError,
                                                             CancelledError):
        return "too_large"  # Scrapy cancels a download only past DOWNLOAD_MAXSIZE
    if failure.check(SSLError) or _TLS.search(str(failure.value)):
        return "tls"
    return failure.type.__name__.lower()


# Scrapy's words when a body passes DOWNLOAD_MAXSIZE: before the download (Content-Length),
# during it, or while decompressing it (HttpCompressionMiddleware)
_MAX_SIZE = re.compile(r"download max ?size|DOWNLOAD_MAXSIZE", re.I)
_TLS = re.compile(r"SSL|TLS|certificate|handshake", re.I)


def refusal(failure, max_size: int = 0) -> tuple[str, str, str]:
    """An IgnoreRequest's kind, URL and reason: a body too large once decompressed, a
    redirect loop, robots.txt; ``seen`` for an article already stored (not an error)."""
    text = str(failure.value)
    request = failure.request
    if text.startswith("already stored"):
        return "seen", request.url, text
    if _MAX_SIZE.search(text):
        limit = request.meta.get("download_maxsize") or max_size
        return "too_large", request.url, (f"response body over {megabytes(limit)} after "
                                          "decompression; refused")
    if "max redirections" in text:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if len(set(chain)) < len(chain):
            return "redirect_loop", chain[0], (f"redirect loop: {len(chain) - 1} redirects "
                                               f"through {len(set(chain))} URLs")
        return "too_many_redirects", chain[0], (f"more than {len(chain) - 1} redirects, "
                                                f"last to {chain[-1]}")
    if "robots.txt" in text:
        return "robots_forbidden", request.url, "forbidden by robots.txt"
    return "refused", request.url, text[:200]


_DROPS = ("robots_forbidden",)  # refusals that are our own choice, not the site's fault


def megabytes(size: int | None) -> str:
    if not size:
        return "the size limit"
    mb = size / (1024 * 1024)
    return f"{mb:g} MB" if mb == int(mb) else f"{mb:.1f} MB"


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
        # tried twice at most: the host's other requests wait behind a hanging one, and an
        # article not stored is requested again at the next run
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_error,
                              meta={"article": True, "feed": feed, "max_retry_times": 1,
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

    def _record(self, failure, what: str) -> bool:
        """Count a failed request as an error with its reason; False when it is none (an
        article already stored, a URL robots.txt forbids: counted as a drop)."""
        if failure.check(IgnoreRequest):
            kind, url, reason = refusal(failure,
                                        self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            if kind == "seen":
                return False
            if kind in _DROPS:
                self.drop(kind, f"{what} {url}: {reason}")
                return False
            self.error(kind, f"{what} {url}: {kind} ({reason})")
            return True
        kind = error_kind(failure)
        message = f"{what} {failure.request.url}: {kind}"
        detail = str(failure.value).strip()
        if kind == "too_large":
            limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            message += f" (response body over {megabytes(limit)}; refused)"
        elif detail and not failure.check(HttpError):
            message += f" ({detail[:200]})"
        self.error(kind, message)
        return True

    def entry_error(self, failure) -> None:
        self.entry_failed += 1
        if not self._record(failure, "list/feed"):
            self.error("refused", f"list/feed {failure.request.url}: not fetched "
                                  f"({str(failure.value)[:200]})")

    def article_error(self, failure) -> None:
        if self._record(failure, "article"):
            self.article_failed += 1

    def drop(self, reason: str, message: str) -> None:
        self.crawler.stats.inc_value(f"provwatch/dropped/{reason}")
        log.warning("source %s: %s", self.source.id, message)

    def remember(self, url: str, **values: str | None) -> None:
        self.new_validators[url] = {k: v for k, v in values.items() if v}
