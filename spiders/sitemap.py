"""Sitemap spider: sitemaps, news sitemaps and sitemap indexes, gzip or plain.

Decompression is capped at DOWNLOAD_MAXSIZE, so a gzip bomb is refused, not inflated.
Article URLs are filtered by ``article_pattern`` and, for news sitemaps, dated from
``<news:publication_date>`` (read here: Scrapy's Sitemap flattens ``<news:news>`` to its
text) or ``<lastmod>``.

Backfill (``since``/``until``): an entry is skipped when its publication date lies
outside the window. A ``<lastmod>`` alone only bounds from below: a page last modified
before ``since`` was published before it too, but one modified after ``until`` may have
been published inside the window and edited later, so it is kept (its own date is read
when it is stored). Entries without any date are kept: they cannot be judged. A child
sitemap of an index whose ``<lastmod>`` is before ``since`` holds nothing newer and is
not fetched.
"""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from provwatch.crawler.chinatime import china_day, in_window
from provwatch.crawler.urlforms import matches_article
from provwatch.pipelines.dates import parse_date_text
from provwatch.spiders.base import SourceSpider, megabytes
from provwatch.spiders.middlewares import gzip_complete

_MAX_DEPTH = 3
_NEWS_NS = b"http://www.google.com/schemas/sitemap-news/0.9"
_NEWS_FIELDS = ("publication_date", "title")


class SitemapSpider(SourceSpider):
    async def start(self):
        for url in self.source.urls:
            yield self.entry_request(url, self.parse_sitemap, cb_kwargs={"depth": 0},
                                     dont_filter=True)

    def parse_sitemap(self, response, depth: int):
        body = response.body
        if body[:2] == b"\x1f\x8b":
            limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            if gzip_complete(body, limit) is False:
                self.unusable_entry("bad_sitemap", f"sitemap {response.url}: the gzip file "
                                    "ends early (cut short); not used")
                return
            try:
                body = gunzip(body, max_size=limit)
            except ValueError:  # Scrapy's (private) size-exceeded error subclasses it
                self.unusable_entry("sitemap_too_large", f"sitemap {response.url}: body over "
                                    f"{megabytes(limit)} after decompression; refused")
                return
            except OSError as e:
                self.unusable_entry("bad_sitemap",
                                    f"sitemap {response.url}: broken gzip ({e})")
                return
        try:
            sitemap = Sitemap(body)
        except Exception as e:  # lxml raises several types on garbage
            self.unusable_entry("bad_sitemap", f"sitemap {response.url}: not a sitemap "
                                     f"({e.__class__.__name__})")
            return
        if sitemap.type not in ("urlset", "sitemapindex"):
            self.unusable_entry("bad_sitemap", f"sitemap {response.url}: not a sitemap (an "
                                f"<{sitemap.type}> document)")
            return
        self.entry_ok += 1
        pattern = self.source.article_pattern or ""
        news_of = _news_fields(body) if sitemap.type == "urlset" and _NEWS_NS in body else {}
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if depth < _MAX_DEPTH and not self._child_too_old(entry):
                    yield self.entry_request(loc, self.parse_sitemap,
                                             cb_kwargs={"depth": depth + 1})
                continue
            if not matches_article(pattern, loc):
                continue
            news = news_of.get(loc, {})
            published = _when(news.get("publication_date"))
            modified = _when(entry.get("lastmod"))
            if not self._in_window(published, modified):
                self.crawler.stats.inc_value("provwatch/dropped/outside_window")
                continue
            title = news.get("title") or None
            yield self.article_request(loc, title=title, published=published or modified)

    def _in_window(self, published: datetime | None, modified: datetime | None) -> bool:
        if self.since is None and self.until is None:
            return True
        if published is not None:
            day = china_day(published)
            self._saw(day)
            return in_window(day, self.since, self.until)
        if modified is not None:
            day = china_day(modified)
            if self.since is not None and day < self.since:
                return False
            self._saw(day)
        return True

    def _child_too_old(self, entry: dict) -> bool:
        """A child sitemap last modified before ``since`` lists nothing newer."""
        modified = _when(entry.get("lastmod"))
        if self.since is None or modified is None or china_day(modified) >= self.since:
            return False
        self.crawler.stats.inc_value("provwatch/sitemaps_skipped")
        return True

    def _saw(self, day: date) -> None:
        """Keep the oldest day kept so far, for the progress display."""
        oldest = self.crawler.stats.get_value("provwatch/oldest")
        if oldest is None or day.isoformat() < oldest:
            self.crawler.stats.set_value("provwatch/oldest", day.isoformat())


def _when(text) -> datetime | None:
    found = parse_date_text(str(text)) if text else None
    return found[0] if found else None


def _news_fields(body: bytes) -> dict[str, dict[str, str]]:
    """loc -> {publication_date, title} from the <news:news> blocks of a news sitemap,
    parsed as Scrapy parses sitemaps: forgiving, no entities, no network."""
    parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False,
                             no_network=True, collect_ids=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}
    ns = "{" + _NEWS_NS.decode() + "}"
    out: dict[str, dict[str, str]] = {}
    for url in root:
        if not isinstance(url.tag, str):
            continue
        loc = next((c.text.strip() for c in url if isinstance(c.tag, str)
                    and c.tag.endswith("}loc") and c.text), None)
        news = url.find(f"{ns}news")
        if loc and news is not None:
            out[loc] = {f: (news.findtext(f"{ns}{f}") or "").strip() for f in _NEWS_FIELDS}
    return out
