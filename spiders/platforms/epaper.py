"""Newspaper e-paper editions: a day's 版面 (page) pages and the articles on each.

The provincial party dailies put each day's print edition on line as an e-paper, on a
few systems (Founder's classic and new ones, and home-made ones) that share one layout
(shared/sources.md, Notes §1h):

- an index (``paperindex.htm``, ``pc/layout/index.html``) that sends a browser on to the
  day's edition with a meta refresh or a script (``window.location``);
- one page per 版面, dated in its path: ``/html/YYYY-MM/DD/node_N.htm`` (Founder
  classic), ``/pc/layout/YYYYMM/DD/node_NN.html`` (Founder new), ``/nfdaily/html/YYYYMM/
  DD/node_A01.html`` (Southern Daily), ``/shtml/scrb/YYYYMMDD/v01.html`` (Sichuan Daily);
  each shows the day's 版面 navigation and links the articles on itself;
- the articles beside them (``content_N.htm``, ``/pc/content/YYYYMM/DD/content_N.html``).

A run reads the current edition: the catalog's URL is the index, or any 版面 page, whose
date is moved to today's (China time). The walk goes from 版面 to 版面 in their order
(A01 < A02 < B01, 1 < 2 < 10); the entry sets ``paginate`` and ``max_pages`` to the most
版面 it wants read. Articles are the links ``article_pattern`` accepts (else Founder's
``content_N``), dated by their path or else by the edition's day.

Backfill (the listing spider hands over ``window``): the walk starts at the edition of
``until`` (today when open), and after a day's last 版面 goes on to the day before's
first, down to ``since``. A day without an edition (a 404) ends the walk there.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from provwatch.crawler.chinatime import SHANGHAI
from provwatch.spiders.platforms.base import Adapter, Link, ListPage, ListRequest, ListResult

# a day in a path segment, each with the way it is written back; the first that matches
_DAY_FORMS = (
    (re.compile(r"(?<=/)(20\d{2})-(\d{2})/(\d{2})(?=/)"), "{:%Y-%m/%d}"),
    (re.compile(r"(?<=/)(20\d{2})(\d{2})/(\d{2})(?=/)"), "{:%Y%m/%d}"),
    (re.compile(r"(?<=/)(20\d{2})(\d{2})(\d{2})(?=/)"), "{:%Y%m%d}"),
    (re.compile(r"(?<=/)(20\d{2})-(\d{2})-(\d{2})(?=/)"), "{:%Y-%m-%d}"),
    (re.compile(r"(?<=/)(20\d{2})/(\d{2})/(\d{2})(?=/)"), "{:%Y/%m/%d}"),
)
_REFRESH = re.compile(r"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["'][^"']*?"""
                      r"""url\s*=\s*['"]?([^"'>\s]+)""", re.I)
_SCRIPT_GO = re.compile(r"""(?:window\.|document\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
                        r"""|location\.replace\(\s*["']([^"']+)["']""", re.I)
_NUMBER = re.compile(r"([A-Z]?)(\d+)")


def edition_day(url: str) -> date | None:
    """The edition's day written in a 版面 page's path, if any."""
    path = urlsplit(url).path
    for rule, _ in _DAY_FORMS:
        m = rule.search(path)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def with_day(url: str, day: date) -> str:
    """``url`` with the day in its path replaced by ``day``, written the same way (a year
    folder before it, as Beijing Daily's /2026/20260618/, is left as it is)."""
    parts = urlsplit(url)
    for rule, form in _DAY_FORMS:
        m = rule.search(parts.path)
        if m:  # the same day again in a file name goes too: 20260618/20260618_m.html
            old, new = m.group(0), form.format(day)
            path = parts.path.replace(old, new).replace(old.replace("/", "").replace(
                "-", ""), new.replace("/", "").replace("-", ""))
            return parts._replace(path=path).geturl()
    return url


def _shape(name: str) -> re.Pattern[str]:
    """The file names of a 版面 page's siblings: node_A01.html -> node_[A-Z]\\d+\\.html;
    a lower-case letter stays (Sichuan's v01.html is not its articles' 1234567.html)."""
    out, last = [], 0
    for m in _NUMBER.finditer(name):
        out.append(re.escape(name[last:m.start()]))
        out.append(("[A-Z]" if m.group(1) else "") + r"\d+")
        last = m.end()
    out.append(re.escape(name[last:]))
    return re.compile("".join(out) + "$")


def _order(url: str) -> tuple[tuple[str, int], ...]:
    """A 版面's place in the edition: A01 < A02 < B01, node_2 < node_10."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return tuple((letter, int(number)) for letter, number in _NUMBER.findall(name))


def _today() -> date:
    return datetime.now(SHANGHAI).date()


class EpaperAdapter(Adapter):
    name = "epaper"
    summary = "newspaper e-papers: index -> the day's 版面 pages (node_N) -> content_N articles"
    article_rule = re.compile(r"/content_\d+(?:_\d+)?\.html?$")

    def start(self, source, url: str) -> ListRequest:
        if edition_day(url) is None:
            return ListRequest(url)
        until = self.window[1] if self.window else None
        return ListRequest(with_day(url, until or _today()))

    def parse(self, source, page: ListPage) -> ListResult:
        day = edition_day(page.url)
        if day is None:
            target = self._redirect(page)
            if target is None:
                return ListResult(problem="neither a dated 版面 page nor an index that "
                                          "leads to one")
            return ListResult(then=ListRequest(target, page=page.request.page))
        pages = self.edition_pages(source, page)
        until = self.window[1] if self.window else None
        if until is not None and day > until:  # the index led to a newer edition
            return ListResult(then=ListRequest(with_day(pages[0], until),
                                               page=page.request.page))
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)
        links = [link if link.published else Link(link.url, link.title, noon)
                 for link in self.html_links(source, page)]
        target = None if links else self._redirect(page)
        if target is not None and target != page.url:  # a dated issue index (大众日报)
            return ListResult(then=ListRequest(target, page=page.request.page))
        result = ListResult(links=links)
        here = pages.index(page.url.split("#", 1)[0])
        if here + 1 < len(pages):
            result.next = ListRequest(pages[here + 1], page=page.request.page + 1)
        elif self.window is not None:
            since = self.window[0]
            before = day - timedelta(days=1)
            if since is None or before >= since:
                result.next = ListRequest(with_day(pages[0], before),
                                          page=page.request.page + 1)
        if not links:
            result.problem = ("no article links on this 版面 ("
                              + (f"pattern {source.article_pattern!r}"
                                 if source.article_pattern else "content_N rule") + ")")
        return result

    def edition_pages(self, source, page: ListPage) -> list[str]:
        """The day's 版面 pages in their order, this one among them: the links in the same
        folder whose file names have this page's shape."""
        folder, _, name = page.url.split("?", 1)[0].split("#", 1)[0].rpartition("/")
        shape = _shape(name)
        found = {page.url.split("#", 1)[0]}
        for href in page.selector.xpath("//a/@href").getall():
            url = page.urljoin(href).split("#", 1)[0]
            head, _, tail = url.split("?", 1)[0].rpartition("/")
            if head == folder and shape.fullmatch(tail) and not (
                    source.article_pattern and re.search(source.article_pattern, url)):
                found.add(url)
        return sorted(found, key=_order)

    @staticmethod
    def _redirect(page: ListPage) -> str | None:
        """Where an index page sends the browser: a meta refresh or a location script."""
        m = _REFRESH.search(page.text)
        if m:
            return page.urljoin(m.group(1))
        m = _SCRIPT_GO.search(page.text)
        if m:
            return page.urljoin(m.group(1) or m.group(2))
        return None
