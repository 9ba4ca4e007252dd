"""Listing spider: list page -> article links, by the source's selector or a generic rule.

HTML lists: links come from ``selectors.links`` (CSS, or XPath starting with / or (),
else from every same-site link whose path looks like an article. JSON lists:
records under ``json_fields.items`` carry the URL, title and date fields named in the
catalog. ``article_pattern`` filters either way. Pagination (``selectors.next_page``)
is followed only when the source or the run asks for it, up to ``max_pages``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from scrapy.http import TextResponse

from pipelines.dates import parse_date_text
from spiders.base import SourceSpider

_ARTICLE_PATH = re.compile(r"\d{4,}|/t\d{8}_|/20\d{2}[-/]\d{1,2}")
_NOT_ARTICLE = re.compile(
    r"(/|/(index|default|list|node|more)[_\-\d]*\.\w+|\.(jpe?g|png|gif|pdf|docx?|xlsx?|zip|rar))$",
    re.I)


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


def _select(response: TextResponse, expr: str) -> list[str]:
    is_xpath = expr.lstrip().startswith(("/", "(", "./"))
    nodes = response.xpath(expr) if is_xpath else response.css(expr)
    out = []
    for node in nodes:
        root = getattr(node.root, "tag", None)
        value = node.attrib.get("href") if isinstance(root, str) else node.get()
        if value:
            out.append(value.strip())
    return out


def _dig(data, path: str):
    for key in filter(None, path.split(".")):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


class ListingSpider(SourceSpider):
    def __init__(self, *args, paginate: bool | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.paginate = self.source.paginate if paginate is None else paginate

    async def start(self):
        for url in self.source.urls:
            yield self.entry_request(url, self.parse_list, cb_kwargs={"page": 1},
                                     dont_filter=True)

    def parse_list(self, response, page: int):
        self.entry_ok += 1
        self.crawler.stats.inc_value("provwatch/list_pages")
        if self.source.list_format == "json":
            yield from self._json_links(response)
            return
        if not isinstance(response, TextResponse):
            self.drop("not_html", f"list page {response.url} is not text")
            return
        selector = self.source.selectors.get("links")
        site = _site(urlsplit(response.url).hostname or "")
        hrefs = _select(response, selector) if selector else [
            h.strip() for h in response.css("a::attr(href)").getall()]
        found = 0
        for href in dict.fromkeys(hrefs):
            url = response.urljoin(href)
            if not selector and not looks_like_article(url, site):
                continue
            if not self._wanted(url):
                continue
            found += 1
            yield self.article_request(url)
        if found == 0:
            self.drop("no_links", f"list page {response.url}: no article links found "
                      f"({'selector ' + repr(selector) if selector else 'generic rule'})")
        next_sel = self.source.selectors.get("next_page")
        if self.paginate and next_sel and page < self.max_pages:
            nxt = _select(response, next_sel)
            if nxt:
                yield self.entry_request(response.urljoin(nxt[0]), self.parse_list,
                                         cb_kwargs={"page": page + 1})

    def _wanted(self, url: str) -> bool:
        pattern = self.source.article_pattern
        return not pattern or re.search(pattern, url) is not None

    def _json_links(self, response):
        fields = self.source.json_fields
        try:
            records = _dig(json.loads(response.text), fields.get("items", ""))
        except (ValueError, KeyError, IndexError, TypeError) as e:
            self.unusable_entry("bad_json_list", f"list {response.url}: not the JSON list "
                                     f"expected ({e.__class__.__name__}: {e})")
            return
        for record in records if isinstance(records, list) else []:
            url = record.get(fields["url"]) if isinstance(record, dict) else None
            if not url or not self._wanted(response.urljoin(url)):
                continue
            date = parse_date_text(str(record.get(fields.get("published", ""), "")))
            yield self.article_request(response.urljoin(url), title=record.get(
                fields.get("title", "")), published=date[0] if date else None)
