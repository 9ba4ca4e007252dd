"""Listing spider: list pages -> article links, through the source's platform adapter.

The adapter (``spiders.platforms``, named by the catalog entry) reads each list page into
links and says which request reads the next page; this spider fetches, follows and
accounts. A page may take two steps (a jpaas shell, then its data: the adapter's
``then``); later pages are followed only when the source or the run asks for pagination,
up to ``max_pages``. ``article_pattern`` filters links on every platform.

Backfill (``since`` and/or ``until`` given): each link is dated from the list itself (the
text around an HTML link, a JSON record's date field, else the date in its URL); links
dated outside the window are skipped, and the walk stops at the first list page whose
dated links are all older than ``since``. The spider reports a resume cursor as list pages
are finished (see ``_Walk``); ``start_url``/``start_page`` (or ``start_request``, for a
POSTed page) resume an interrupted walk.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from scrapy import signals

from provwatch.crawler.chinatime import china_day, in_window
from provwatch.spiders.base import SourceSpider
from provwatch.spiders.platforms import Link, ListPage, ListRequest, ListResult, adapter_for
from provwatch.spiders.progress import write_line
from provwatch.spiders.window import BACKFILL_MAX_PAGES

log = logging.getLogger(__name__)
ARTICLE_PRIORITY = 1  # a backfill fetches a list page's articles before the next list page


def _chain_of(url: str, starts: tuple[str, ...]) -> int:
    """Which start URL a resume URL paginates from: itself, else the one sharing the
    longest prefix (a column's pages live beside its first page: index_2.html)."""
    if url in starts:
        return starts.index(url)

    def shared(i: int) -> tuple[int, int]:
        return len(os.path.commonprefix([starts[i], url])), -i

    return max(range(len(starts)), key=shared) if starts else 0


Key = tuple[int, int]  # (start URL index, list page number)


@dataclass
class _Walk:
    """Which list pages of a backfill are still open, for an exact resume cursor.

    A page is open until it is parsed and every article it yielded has been fetched or
    has failed. The cursor is the first open page in walk order: resuming there reads
    that page again (its stored articles cost no request) and loses nothing in flight.
    """

    urls: dict[Key, ListRequest] = field(default_factory=dict)
    parsed: set[Key] = field(default_factory=set)
    pending: dict[Key, int] = field(default_factory=dict)
    reported: Key | None = None

    def add(self, key: Key, request: ListRequest) -> None:
        self.urls[key] = request

    def article_sent(self, key: Key) -> None:
        """Counted before the request leaves: its answer can come back before the list
        page's callback has finished."""
        self.pending[key] = self.pending.get(key, 0) + 1

    def article_done(self, key: Key) -> None:
        self.pending[key] = self.pending.get(key, 0) - 1
        self._close(key)

    def page_parsed(self, key: Key) -> None:
        self.parsed.add(key)
        self._close(key)

    def _close(self, key: Key) -> None:
        if key in self.parsed and self.pending.get(key, 0) <= 0:
            self.urls.pop(key, None)

    def moved_head(self) -> tuple[Key, ListRequest] | None:
        """The first open page when it differs from the last one reported, else None."""
        if not self.urls:
            return None
        head = min(self.urls)
        if head == self.reported:
            return None
        self.reported = head
        return head, self.urls[head]


class ListingSpider(SourceSpider):
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        return spider

    def __init__(self, *args, paginate: bool | None = None, start_url: str | None = None,
                 start_page: int = 1, start_request: dict[str, Any] | None = None,
                 **kwargs) -> None:
        explicit_max = kwargs.get("max_pages")
        super().__init__(*args, **kwargs)
        self.adapter = adapter_for(self.source)
        self.paginate = self.source.paginate if paginate is None else paginate
        self.backfill = self.since is not None or self.until is not None
        if self.backfill and not explicit_max:
            self.max_pages = BACKFILL_MAX_PAGES
        if self.backfill:
            self.adapter.window = (self.since, self.until)
        self.start_from: ListRequest | None = None
        if start_request:
            self.start_from = ListRequest.from_dict(start_request)
        elif start_url:
            self.start_from = ListRequest(start_url, page=max(1, int(start_page or 1)))
        self.oldest: date | None = None
        self._requested: set[str] = set()
        self._walk = _Walk()

    # -- the walk ------------------------------------------------------------------------

    def _starts(self) -> list[tuple[int, ListRequest]]:
        """(chain, request) to begin with: every start URL, or from the resume cursor on
        (the chains before the cursor's were finished by the earlier run)."""
        urls = tuple(self.source.urls)
        firsts = [(i, self.adapter.start(self.source, url)) for i, url in enumerate(urls)]
        if self.start_from is None:
            return firsts
        chain = _chain_of(self.start_from.url, urls)
        return [(chain, self.start_from)] + firsts[chain + 1:]

    async def start(self):
        starts = self._starts()
        if self.backfill:
            self._backfill_opened(starts)
        for chain, request in starts:
            self._walk.add((chain, request.page), request)
            yield self._list_request(request, chain, dont_filter=True)

    def _list_request(self, request: ListRequest, chain: int, **kwargs: Any):
        extra: dict[str, Any] = {}
        headers = dict(request.headers)
        if request.method != "GET":
            extra["method"] = request.method
        if request.form:
            extra["body"] = urlencode(request.form)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if headers:
            extra["headers"] = headers
        return self.entry_request(request.url, self.parse_list,
                                  cb_kwargs={"page": request.page, "chain": chain,
                                             "listed": request},
                                  **extra, **kwargs)

    def _backfill_opened(self, starts: list[tuple[int, ListRequest]]) -> None:
        stats = self.crawler.stats
        per_chain = self.max_pages if self.paginate else 1
        stats.set_value("provwatch/list_pages_max", per_chain * len(starts))
        first = starts[0][1].page if starts else 1
        stats.set_value("provwatch/list_pages_resumed", first - 1)
        self._walk.reported = (starts[0][0], first) if starts else None
        if self.start_from is not None:
            log.info("source %s: resuming the backfill at list page %d: %s", self.source.id,
                     self.start_from.page, self.start_from.url)

    def parse_list(self, response, page: int, chain: int = 0,
                   listed: ListRequest | None = None):
        self.entry_ok += 1
        self.crawler.stats.inc_value("provwatch/list_pages")
        key = (chain, page)
        listed = listed or ListRequest(response.url, page=page)
        content_type = response.headers.get("Content-Type")
        result = self.adapter.parse(self.source, ListPage(
            response.url, response.body, listed, charset=self.source.charset,
            content_type=content_type.decode("latin-1") if content_type else None))
        if result.then is not None:  # the same page, second step: it closes the key
            self._walk.add(key, result.then)
            yield self._list_request(result.then, chain)
            return
        links = result.links  # the adapter kept only what matches article_pattern
        if not links and (result.problem or page == 1):
            self._no_links(response.url, result)
        yield from self._article_requests(links, key)
        next_request = self._next_page(response, result, links, key)
        if next_request is not None:
            yield next_request
        if self.backfill:
            self._walk.page_parsed(key)
            self._report_cursor()

    def _no_links(self, url: str, result: ListResult) -> None:
        """A list page that gave no article: its structure changed, or it is simply empty.
        A later page that is empty without a problem named is how some lists end (a jpaas
        API past its last page, the policy library's ``data: null``): not counted here."""
        why = result.problem or "no article links found"
        if result.problem and result.problem.startswith("not the JSON"):
            self.unusable_entry("bad_json_list", f"list {url}: {why}")
        else:
            self.drop("no_links", f"list page {url}: {why} (adapter {self.adapter.name})")

    def _article_requests(self, links: list[Link], key: Key):
        """Requests for the links in the window, each URL once per run."""
        for link in links:
            if self.backfill and link.published is not None:
                day = china_day(link.published)
                self._saw(day)
                if not in_window(day, self.since, self.until):
                    self.crawler.stats.inc_value("provwatch/dropped/outside_window")
                    continue
            if link.url in self._requested:
                continue
            self._requested.add(link.url)
            feed = {k: v for k, v in (("title", link.title), ("published", link.published))
                    if v is not None}
            request = self.article_request(link.url, **feed)
            if self.backfill:
                request.meta["list_key"] = key
                request = request.replace(priority=ARTICLE_PRIORITY)
                self._walk.article_sent(key)
            yield request

    def _next_page(self, response, result: ListResult, links: list[Link], key: Key):
        """The next list page's request, or None when the walk ends here (and why)."""
        chain, page = key
        if self.backfill and self.since is not None:
            days = [china_day(link.published) for link in links if link.published]
            if days and max(days) < self.since:
                log.info("source %s: list page %d (%s): every dated link is before %s; "
                         "the walk stops here", self.source.id, page, response.url,
                         self.since.isoformat())
                self._walk_ended("since_reached")
                return None
        if not self.paginate:
            self._walk_ended("no_next_page")
            return None
        if result.next is None:
            self._walk_ended("last_page")
            return None
        if page >= self.max_pages:
            self._walk_ended("max_pages")
            return None
        nxt = result.next
        if nxt.page != page + 1:
            nxt = ListRequest(nxt.url, page + 1, nxt.method, nxt.form, nxt.headers)
        if self.backfill:
            self._walk.add((chain, page + 1), nxt)
        return self._list_request(nxt, chain)

    def _walk_ended(self, why: str) -> None:
        """Record why a backfill's walk ended; running out of pages is the one to tell."""
        if not self.backfill:
            return
        stats = self.crawler.stats
        if stats.get_value("provwatch/walk_end") != "max_pages":
            stats.set_value("provwatch/walk_end", why)

    def _saw(self, day: date) -> None:
        if self.oldest is None or day < self.oldest:
            self.oldest = day
            self.crawler.stats.set_value("provwatch/oldest", day.isoformat())

    def _report_cursor(self) -> None:
        """Tell the runner where a resume would start, when that has moved."""
        moved = self._walk.moved_head()
        if moved is None:
            return
        (_, page), request = moved
        cursor: dict[str, Any] = {"next_url": request.url, "page": page,
                                  "oldest": self.oldest.isoformat() if self.oldest else None}
        if request.method != "GET" or request.form or request.headers:
            cursor["request"] = request.to_dict()
        write_line(self.crawler, {"cursor": cursor})

    # -- articles: a backfill counts them back to their list page ------------------------

    def parse_article(self, response):
        try:
            yield from super().parse_article(response)
        finally:
            self._article_done(response.meta)

    def article_error(self, failure) -> None:
        try:
            super().article_error(failure)
        finally:
            self._article_done(failure.request.meta)

    def _request_dropped(self, request, spider=None) -> None:
        """The scheduler's duplicate filter drops a request without any callback (a
        redirect to a URL already fetched, a "next" link back to a page already read):
        it is finished all the same, or the cursor would wait for it forever."""
        if not self.backfill:
            return
        if request.meta.get("list_key") is not None:
            self._article_done(request.meta)
        elif "page" in request.cb_kwargs:
            key = (request.cb_kwargs.get("chain", 0), request.cb_kwargs["page"])
            self._walk.page_parsed(key)
            self._report_cursor()

    def _article_done(self, meta) -> None:
        key = meta.get("list_key")
        if key is None:
            return
        self._walk.article_done(tuple(key))
        self._report_cursor()
