"""What every platform adapter shares: the list request, the fetched list page, the result.

An adapter turns one fetched list page (HTML, JSON, or a platform's JavaScript data) into
article links, and says which request reads the next page. It never fetches anything: the
listing spider does that through Scrapy, and ``provwatch sources check`` through a plain
HTTP client, with the same adapter in both. So an adapter is a pure function of the page,
and a fixture page is enough to test it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from provwatch.crawler.urlforms import matches_article
from provwatch.pipelines.dates import url_date
from provwatch.pipelines.datetext import parse_date_text
from provwatch.pipelines.decoding import DecodeError, decode_html
from provwatch.pipelines.urls import site_of

_ARTICLE_PATH = re.compile(r"\d{4,}|/t\d{8}_|/20\d{2}[-/]\d{1,2}")
_NOT_ARTICLE = re.compile(
    r"(/|/(index|default|list|node|more)[_\-\d]*\.\w+|\.(jpe?g|png|gif|pdf|docx?|xlsx?|zip|rar))$",
    re.I)
_NOT_HTTP = re.compile(r"^\s*(javascript|mailto|tel|data):", re.I)
# an element that is one entry of a list: its text is the link's own context
_ROW_TAGS = {"li", "tr", "dd", "dt"}
# containers of the whole list: their text mixes every entry's date
_LIST_TAGS = {"ul", "ol", "dl", "table", "tbody", "thead", "body", "html"}
_MAX_CONTEXT_LEVELS = 4
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ListRequest:
    """One request for a list page: a GET, or a POST with form fields (Hanweb's proxy).

    ``page`` is the list page's number in its column (1 = the first page); two requests
    can share a number when a page takes two steps (a jpaas shell, then its data).
    """

    url: str
    page: int = 1
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "page": self.page, "method": self.method,
                "form": [list(p) for p in self.form], "headers": [list(p) for p in self.headers]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListRequest:
        return cls(url=str(data["url"]), page=int(data.get("page") or 1),
                   method=str(data.get("method") or "GET"),
                   form=tuple((str(k), str(v)) for k, v in data.get("form") or ()),
                   headers=tuple((str(k), str(v)) for k, v in data.get("headers") or ()))


@dataclass(frozen=True)
class Link:
    url: str
    title: str | None = None  # a full title (an a@title or a JSON field), not link text
    published: datetime | None = None  # the day the list shows for it, or its URL's day


@dataclass
class ListResult:
    links: list[Link] = field(default_factory=list)
    next: ListRequest | None = None  # the next list page, followed when paginating
    then: ListRequest | None = None  # a second step for this same page (shell -> data)
    problem: str | None = None  # why the page held nothing usable: the structure changed
    total_pages: int | None = None


class ListPage:
    """A fetched list page: bytes and headers, decoded on demand."""

    def __init__(self, url: str, body: bytes, request: ListRequest, *,
                 content_type: str | None = None, charset: str | None = None) -> None:
        self.url = url
        self.body = body
        self.request = request
        self.content_type = content_type
        self.charset = charset  # the catalog's charset, when the site's own is wrong

    @cached_property
    def text(self) -> str:
        if self.charset:
            name = "gb18030" if self.charset.lower() in ("gbk", "gb2312") else self.charset
            return self.body.decode(name, errors="replace")
        try:
            return decode_html(self.body, self.content_type)[0]
        except DecodeError:
            return self.body.decode("utf-8", errors="replace")

    @cached_property
    def selector(self) -> Selector:
        return Selector(text=self.text or "<html></html>")

    def json(self) -> Any:
        """The body as JSON (a JSONP wrapper or a BOM is tolerated); ValueError if not."""
        text = self.text.strip().lstrip("\ufeff")
        m = re.fullmatch(r"[\w$.]+\s*\((.*)\)\s*;?", text, re.S)
        return json.loads(m.group(1) if m else text)

    def urljoin(self, href: str) -> str:
        return urljoin(self.url, href.strip())


class Adapter:
    """One platform's list pages. Subclasses set ``name`` and override ``parse``."""

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    article_rule: ClassVar[re.Pattern[str] | None] = None  # links kept when no pattern given
    # a backfill's (since, until) in China days, set by the listing spider; None in a
    # plain run. Adapters whose lists are by day (e-papers) start and stop by it.
    window: tuple[date | None, date | None] | None = None

    def start(self, source, url: str) -> ListRequest:
        return ListRequest(url)

    def parse(self, source, page: ListPage) -> ListResult:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared helpers ------------------------------------------------------------------

    def wanted(self, source, url: str, page_url: str, selected: bool) -> bool:
        """Whether a link found on a list page is an article of this source: it matches the
        source's ``article_pattern`` when one is given (in any spelling crawler/urlforms.py
        folds: a twin page, harmless query strings); otherwise it is on the list's own site
        and matches this platform's article rule (or the generic one)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if source.article_pattern:
            return matches_article(source.article_pattern, url)
        if selected:
            return True
        if site_of(parts.hostname or "") != site_of(urlsplit(page_url).hostname or ""):
            return False
        if self.article_rule is not None:
            return self.article_rule.search(url) is not None
        return looks_like_article(parts.path)

    def html_links(self, source, page: ListPage, html: str | None = None,
                   selector: str | None = None) -> list[Link]:
        """Article links in an HTML list (the page, or ``html``: a fragment of it), each
        dated from its own list entry when the entry shows a date, else from its URL."""
        root = page.selector if html is None else Selector(text=html)
        expr = selector if selector is not None else source.selectors.get("links")
        links: dict[str, Link] = {}  # one per URL: a picture and a title often share it
        for href, element in anchors(root, expr):
            if _NOT_HTTP.match(href):
                continue
            url = page.urljoin(href)
            if not self.wanted(source, url, page.url, selected=bool(expr)):
                continue
            title = None
            published = None
            if element is not None:
                title = clean_title(element.get("title"))
                dated = link_date(element)
                published = dated[0] if dated else None
            if published is None:
                dated = url_date(url)
                published = dated[0] if dated else None
            old = links.get(url)
            if old is None or (old.published is None and published is not None):
                links[url] = Link(url, title or (old.title if old else None), published)
        return list(links.values())


def looks_like_article(path: str) -> bool:
    """The generic rule: digits or a date in the path, and not an index or a file."""
    return bool(_ARTICLE_PATH.search(path)) and not _NOT_ARTICLE.search(path)


def clean_title(value: Any) -> str | None:
    """A title from a list or a JSON record: tags stripped, spaces squeezed; None if empty."""
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", " ", _TAGS.sub("", value)).strip()
    return text or None


def is_xpath(expr: str) -> bool:
    return expr.lstrip().startswith(("/", "(", "./"))


def anchors(root: Selector, expr: str | None) -> list[tuple[str, Any]]:
    """(href, lxml element or None) for every link ``expr`` selects (every a[@href] when
    None). An expression may select <a> elements or href strings (``a::attr(href)``)."""
    if not expr:
        nodes = root.xpath("//a[@href]")
    else:
        nodes = root.xpath(expr) if is_xpath(expr) else root.css(expr)
    out = []
    for node in nodes:
        if isinstance(getattr(node.root, "tag", None), str):
            href = (node.attrib.get("href") or "").strip()
            element = node.root
            if not href and element.tag != "a":  # a row was selected: its first link
                inner = node.xpath(".//a[@href]")
                if inner:
                    href, element = (inner[0].attrib.get("href") or "").strip(), inner[0].root
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


def page_number_url(url: str, page: int, sep: str = "_", first_index: int = 1) -> str:
    """The URL of list page ``page`` in a column paged as index.html, index_1.html, ...
    (``first_index`` is the suffix of the second page: 1 for TRS, 2 for TRS's newer pager
    call and people.com.cn's index2.html). ``url`` is any page of the column; a directory
    means its index.html."""
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/") or not path:
        path = (path or "/") + "index.html"
    head, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "html"
    stem = re.sub(rf"{re.escape(sep)}\d+$", "", stem)
    suffix = "" if page <= 1 else f"{sep}{page - 2 + first_index}"
    return parts._replace(path=f"{head}/{stem}{suffix}.{ext}", query="", fragment="").geturl()


def links_to(page: ListPage, url: str) -> bool:
    """Whether the page links to ``url`` (its own pager shows that page exists)."""
    target = urlsplit(url)
    for href in page.selector.xpath("//a/@href").getall():
        got = urlsplit(page.urljoin(href))
        if got.path == target.path and got.netloc == target.netloc:
            return True
    return False


def shown_page(page: ListPage, url: str, total: int | None = None) -> ListRequest | None:
    """The request for the next list page, at ``url``, when it exists: the pager's page
    count says so (``total``), or, with no count, the page links to it. None otherwise, so
    a walk never guesses its way into 404s."""
    current = page.request.page
    exists = current < total if total is not None else links_to(page, url)
    return ListRequest(url, page=current + 1) if exists else None


def total_pages(text: str) -> int | None:
    """The page count a list page's pager script states, when it states one."""
    for rule in _TOTAL_RULES:
        m = rule.search(text)
        if m:
            return int(m.group(1))
    return None


_TOTAL_RULES = (
    re.compile(r"createPageHTML\(\s*['\"]?(\d+)"),  # TRS: createPageHTML(12, 0, "index", "html")
    re.compile(r"createPageHTML\(\s*['\"][^'\"]*['\"]\s*,\s*['\"]?(\d+)"),  # ('page_div', 12, 1, …)
    re.compile(r"\b(?:countPage|totalPage|pageCount|maxPageNum|totalpage)\s*[=:]\s*['\"]?(\d+)",
               re.I),
)


def record_date(value: Any) -> datetime | None:
    """A JSON record's date: text in any common form, or epoch seconds or milliseconds."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()
                                           and len(value) in (10, 13)):
        number = float(value)
        if number > 1e11:
            number /= 1000
        try:
            return datetime.fromtimestamp(number, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    found = parse_date_text(str(value))
    return found[0] if found else None
