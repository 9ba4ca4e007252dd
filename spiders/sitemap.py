"""Sitemap spider: sitemaps, news sitemaps and sitemap indexes, gzip or plain.

Decompression is capped at DOWNLOAD_MAXSIZE, so a gzip bomb is refused, not inflated.
Article URLs are filtered by ``article_pattern`` and, for news sitemaps, dated from
``<news:publication_date>`` or ``<lastmod>``.
"""

from __future__ import annotations

import re

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from pipelines.dates import parse_date_text
from spiders.base import SourceSpider

_MAX_DEPTH = 3


class SitemapSpider(SourceSpider):
    async def start(self):
        for url in self.source.urls:
            yield self.entry_request(url, self.parse_sitemap, cb_kwargs={"depth": 0},
                                     dont_filter=True)

    def parse_sitemap(self, response, depth: int):
        body = response.body
        if body[:2] == b"\x1f\x8b":
            limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                body = gunzip(body, max_size=limit)
            except ValueError:  # Scrapy's (private) size-exceeded error subclasses it
                self.unusable_entry("sitemap_too_large", f"sitemap {response.url}: "
                                         f"decompresses past {limit} bytes; refused")
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
        self.entry_ok += 1
        pattern = re.compile(self.source.article_pattern or "")
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if depth < _MAX_DEPTH:
                    yield self.entry_request(loc, self.parse_sitemap,
                                             cb_kwargs={"depth": depth + 1})
                continue
            if not pattern.search(loc):
                continue
            news = entry.get("news") or {}
            when = news.get("publication_date") if isinstance(news, dict) else None
            date = parse_date_text(str(when or entry.get("lastmod") or ""))
            title = news.get("title") if isinstance(news, dict) else None
            yield self.article_request(loc, title=title, published=date[0] if date else None)
