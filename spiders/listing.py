"""Listing spider: list page -> article links, by the source's selector or a generic rule.

HTML lists: links come from ``selectors.links`` (CSS, or XPath starting with / or (),
else from every same-site link whose path looks like an article. JSON lists:
records under ``json_fields.items`` carry the URL, title and date fields named in the
catalog. ``article_pattern`` filters either way. Pagination (``selectors.next_page``)
is followed only when the source or the run asks for it, up to ``max_pages``.

Backfill (``since`` and/or ``until`` given): each link is dated from the list itself (the
text around an HTML link, the ``published`` field of a JSON record); links dated outside
the window are skipped, and the walk stops at the first list page whose dated links are
all older than ``since``. The spider reports a resume cursor as list pages are finished
(see ``_Walk``); ``start_url``/``start_page`` resume an interrupted walk.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.http import TextResponse

from crawler.backfill import BACKFILL_MAX_PAGES, china_day, in_window
from crawler.progress import write_line
from pipelines.dates import parse_date_text
from spiders.base import SourceSpider

log = logging.getLogger(__name__)
_ARTICLE_PATH = re.compile(r"\d{4,}|/t\d{8}_|/20\d{2}[-/]\d{1,2}")
_NOT_ARTICLE = re.compile(
    r"(/|/(index|default|list|node|more)[_\-\d]*\.\w+|\.(jpe?g|png|gif|pdf|docx?|xlsx?|zip|rar))$",
    re.I)
# an element that is one entry of a list: its text is the link's own context
_ROW_TAGS = {"li", "tr", "dd", "dt"}
# containers of the whole list: their text mixes every entry's date
_LIST_TAGS = {"ul", "ol", "dl", "table", "tbody", "thead", "body", "html"}
_MAX_CONTEXT_LEVELS = 4
ARTICLE_PRIORITY = 1  # a backfill fetches a list page's articles before the next list page


def looks_like_article(url: str, site: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or _site(parts.hostname or "") != site:
        return False
    return bool(_ARTICLE_PATH.search(parts.path)) and not _NOT_ARTICLE.search(parts.path)


def _site(host: str) -> str:
    """The registrable-ish part of a host: the last two labels (three for *.gov.cn etc.)."""
    labels = host.lower().split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("gov", "com", "org", "edu", "net") else 2
    return ".".join(labels[-keep:])


def _is_xpath(expr: str) -> bool:
    return expr.lstrip().startswith(("/", "(", "./"))


def _select(response: TextResponse, expr: str) -> list[str]:
    nodes = response.xpath(expr) if _is_xpath(expr) else response.css(expr)
    out = []
    for node in nodes:
        root = getattr(node.root, "tag", None)
        value = node.attrib.get("href") if isinstance(root, str) else node.get()
        if value:
            out.append(value.strip())
    return out


def _anchors(response: TextResponse, expr: str | None) -> list[tuple[str, object | None]]:
    """(href, the link's element or None) for every link the selector or rule finds.

    A selector may pick attribute values (``a::attr(href)``), which carry no element;
    the backfill then finds the link element by its href to read the date around it.
    """
    if not expr:
        return [(n.attrib["href"].strip(), n.root) for n in response.xpath("//a[@href]")
                if n.attrib["href"].strip()]
    nodes = response.xpath(expr) if _is_xpath(expr) else response.css(expr)
    out: list[tuple[str, object | None]] = []
    for node in nodes:
        if isinstance(getattr(node.root, "tag", None), str):
            href = (node.attrib.get("href") or "").strip()
            element = node.root
        else:
            href, element = (node.get() or "").strip(), None
        if href:
            out.append((href, element))
    return out


def _text(element) -> str:
    return element.xpath("string()") if element is not None else ""


def _has_other_link(element, href: str) -> bool:
    return any((a.get("href") or "").strip() not in ("", href) for a in element.iter("a"))


def link_date(anchor) -> tuple[datetime, str] | None:
    """The date a list page shows for one link: in its entry (li/tr/dd/dt, or a small
    container holding no other link) outside the link text first, since gov lists put
    ``2026-01-05`` or ``2026年1月5日`` in a span beside the title; else in the link text.
    Never from a container shared with other links: that text holds their dates."""
    href = (anchor.get("href") or "").strip()
    own = _text(anchor)
    element = anchor
    for _ in range(_MAX_CONTEXT_LEVELS):
        element = element.getparent()
        if element is None or not isinstance(element.tag, str) or element.tag in _LIST_TAGS:
            break
        row = element.tag in _ROW_TAGS
        if not row and _has_other_link(element, href):
            break
        around = _text(element).replace(own, " ", 1)
        if element.tag == "dt":  # <dt><a>title</a></dt><dd>2026-01-05</dd>
            around += " " + _text(element.getnext())
        found = parse_date_text(around)
        if found:
            return found
        if row:
            break
    return parse_date_text(own) if own.strip() else None


def _dig(data, path: str):
    for key in filter(None, path.split(".")):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def _chain_of(url: str, starts: tuple[str, ...]) -> int:
    """Which start URL a resume URL paginates from: itself, else the one sharing the
    longest prefix (a column's pages live beside its first page: index_2.html)."""
    if url in starts:
        return starts.index(url)

    def shared(i: int) -> tuple[int, int]:
        return len(os.path.commonprefix([starts[i], url])), -i

    return max(range(len(starts)), key=shared) if starts else 0


@dataclass(frozen=True)
class Link:
    url: str
    title: str | None = None
    published: datetime | None = None


Key = tuple[int, int]  # (start URL index, list page number)


@dataclass
class _Walk:
    """Which list pages of a backfill are still open, for an exact resume cursor.

    A page is open until it is parsed and every article it yielded has been fetched or
    has failed. The cursor is the first open page in walk order: resuming there reads
    that page again (its stored articles cost no request) and loses nothing in flight.
    """

    urls: dict[Key, str] = field(default_factory=dict)
    parsed: set[Key] = field(default_factory=set)
    pending: dict[Key, int] = field(default_factory=dict)
    reported: Key | None = None

    def add(self, key: Key, url: str) -> None:
        self.urls[key] = url

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

    def moved_head(self) -> tuple[Key, str] | None:
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
                 start_page: int = 1, **kwargs) -> None:
        explicit_max = kwargs.get("max_pages")
        super().__init__(*args, **kwargs)
        self.paginate = self.source.paginate if paginate is None else paginate
        self.backfill = self.since is not None or self.until is not None
        if self.backfill and not explicit_max:
            self.max_pages = BACKFILL_MAX_PAGES
        self.start_url = start_url
        self.start_page = max(1, int(start_page or 1))
        self.oldest: date | None = None
        self._requested: set[str] = set()
        self._walk = _Walk()

    # -- the walk ------------------------------------------------------------------------

    def _starts(self) -> list[tuple[int, str, int]]:
        """(chain, URL, page number) to begin with: every start URL, or from the resume
        cursor on (the chains before the cursor's were finished by the earlier run)."""
        urls = tuple(self.source.urls)
        if not self.start_url:
            return [(i, url, 1) for i, url in enumerate(urls)]
        chain = _chain_of(self.start_url, urls)
        return [(chain, self.start_url, self.start_page)] + [
            (i, urls[i], 1) for i in range(chain + 1, len(urls))]

    async def start(self):
        starts = self._starts()
        if self.backfill:
            self._backfill_opened(starts)
        for chain, url, page in starts:
            self._walk.add((chain, page), url)
            yield self.entry_request(url, self.parse_list, cb_kwargs={"page": page,
                                                                      "chain": chain},
                                     dont_filter=True)

    def _backfill_opened(self, starts: list[tuple[int, str, int]]) -> None:
        stats = self.crawler.stats
        per_chain = self.max_pages if self._paginates() else 1
        stats.set_value("provwatch/list_pages_max", per_chain * len(starts))
        stats.set_value("provwatch/list_pages_resumed", starts[0][2] - 1 if starts else 0)
        self._walk.reported = (starts[0][0], starts[0][2]) if starts else None
        if self.start_url:
            log.info("source %s: resuming the backfill at list page %d: %s", self.source.id,
                     self.start_page, self.start_url)

    def _paginates(self) -> bool:
        return bool(self.paginate and self.source.selectors.get("next_page")
                    and self.source.list_format != "json")

    def parse_list(self, response, page: int, chain: int = 0):
        self.entry_ok += 1
        self.crawler.stats.inc_value("provwatch/list_pages")
        key = (chain, page)
        if self.source.list_format == "json":
            links = self._json_links(response)
        elif not isinstance(response, TextResponse):
            self.drop("not_html", f"list page {response.url} is not text")
            links = []
        else:
            links = self._html_links(response)
        yield from self._article_requests(response, links or [], key)
        next_request = self._next_page(response, links or [], key)
        if next_request is not None:
            yield next_request
        if self.backfill:
            self._walk.page_parsed(key)
            self._report_cursor()

    def _html_links(self, response: TextResponse) -> list[Link]:
        selector = self.source.selectors.get("links")
        site = _site(urlsplit(response.url).hostname or "")
        links: dict[str, Link] = {}  # one per URL: a picture and a title often share it
        for href, element in _anchors(response, selector):
            url = response.urljoin(href)
            if not selector and not looks_like_article(url, site):
                continue
            if not self._wanted(url):
                continue
            published = None
            if self.backfill:
                if element is None:
                    found = response.xpath("//a[normalize-space(@href)=$h]", h=href)
                    element = found[0].root if found else None
                dated = link_date(element) if element is not None else None
                published = dated[0] if dated else None
            if url not in links or links[url].published is None:
                links[url] = Link(url, published=published)
        if not links:
            self.drop("no_links", f"list page {response.url}: no article links found "
                      f"({'selector ' + repr(selector) if selector else 'generic rule'})")
        return list(links.values())

    def _article_requests(self, response, links: list[Link], key: Key):
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

    def _next_page(self, response, links: list[Link], key: Key):
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
        if not self._paginates():
            self._walk_ended("no_next_page")
            return None
        nxt = _select(response, self.source.selectors["next_page"])
        if not nxt:
            self._walk_ended("last_page")
            return None
        if page >= self.max_pages:
            self._walk_ended("max_pages")
            return None
        url = response.urljoin(nxt[0])
        if self.backfill:
            self._walk.add((chain, page + 1), url)
        return self.entry_request(url, self.parse_list,
                                  cb_kwargs={"page": page + 1, "chain": chain})

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
        (_, page), url = moved
        cursor = {"next_url": url, "page": page,
                  "oldest": self.oldest.isoformat() if self.oldest else None}
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

    # -- links ---------------------------------------------------------------------------

    def _wanted(self, url: str) -> bool:
        pattern = self.source.article_pattern
        return not pattern or re.search(pattern, url) is not None

    def _json_links(self, response) -> list[Link] | None:
        fields = self.source.json_fields
        try:
            records = _dig(json.loads(response.text), fields.get("items", ""))
        except (ValueError, KeyError, IndexError, TypeError) as e:
            self.unusable_entry("bad_json_list", f"list {response.url}: not the JSON list "
                                     f"expected ({e.__class__.__name__}: {e})")
            return None
        links = []
        for record in records if isinstance(records, list) else []:
            url = record.get(fields["url"]) if isinstance(record, dict) else None
            if not url or not self._wanted(response.urljoin(url)):
                continue
            date = parse_date_text(str(record.get(fields.get("published", ""), "")))
            links.append(Link(response.urljoin(url), title=record.get(fields.get("title", "")),
                              published=date[0] if date else None))
        return links
