"""What a fetched list page offers that its catalog entry does not take: the article-like
links its pattern rejects, and the pager the page shows.

``provwatch sources check`` runs this on every list page it reads, so a user on a connected
machine sees what to change when a site moves: "the pattern rejects 18 article-like links,
most shaped like /jxsrmzf/jxyw/pc/content/content_<19 digits>.html", "pager: 下一页 ->
list_2.html, not followed by the adapter".

Candidates are the links the entry's own adapter keeps when the pattern is taken away (its
platform rule), and, on an HTML page, every same-site link the generic rule calls an
article (digits or a date in the path, not an index page). A candidate the entry kept, in
any spelling crawler/urlforms.py folds, is not rejected; nor is one of the list's own pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from provwatch.crawler.urlforms import article_form
from provwatch.spiders.platforms import Adapter, ListPage, ListResult
from provwatch.spiders.platforms.generic import GenericAdapter

MAX_SAMPLES = 3
_ID = re.compile(r"[0-9a-fA-F]{16,}|\d+")  # a long hex or digit run, or any digit run
_PAGER_CALL = re.compile(r"createPageHTML\([^)]{0,80}\)")
_PAGER_VAR = re.compile(r"\b(?:countPage|totalPage|pageCount|maxPageNum|totalpage)\s*[=:]\s*"
                        r"['\"]?\d+", re.I)
_NEXT_TEXT = ("下一页", "下页", "后一页", "next", ">")
_PAGE_LINK = re.compile(r"(?:index|list|home)_\d+\.s?html?$|[?&](?:page|pageNum|pageNo|p)=\d+",
                        re.I)


@dataclass(frozen=True)
class ListDiagnosis:
    rejected: int = 0
    shape: str = ""  # the most common shape among the rejected links
    shape_count: int = 0
    samples: tuple[str, ...] = ()  # a few rejected links, of that shape first
    pager: str = ""  # what the page shows of its pager, "" when nothing
    followed: bool = False  # the adapter has a next page to go to

    def lines(self) -> list[str]:
        out = []
        if self.rejected:
            out.append(f"the pattern rejects {self.rejected} article-like link"
                       f"{'s' if self.rejected != 1 else ''}, {self.shape_count} shaped like "
                       f"{self.shape}: e.g. {', '.join(self.samples)}")
        if self.pager:
            out.append(f"pager: {self.pager}"
                       + ("" if self.followed else "; the adapter does not follow it"))
        return out


def diagnose(source, adapter: Adapter, page: ListPage, result: ListResult) -> ListDiagnosis:
    """The rejected links and the pager of ``page``, which ``adapter`` read into ``result``
    for ``source``."""
    kept = {article_form(link.url) for link in result.links}
    own = {article_form(u) for u in (*source.urls, page.url)}
    candidates: dict[str, None] = {}
    loose = replace(source, article_pattern=None)
    for reader, entry in ((adapter, loose),
                          (GenericAdapter(), replace(loose, selectors={}))):
        if reader is not adapter and page.text.lstrip()[:1] in ("{", "["):
            continue  # a JSON list has no anchors for the generic rule
        try:
            found = reader.parse(entry, page).links
        except (ValueError, KeyError, TypeError):  # a platform rule that needs its pattern
            continue
        candidates.update((link.url, None) for link in found)
    rejected = [u for u in candidates if article_form(u) not in kept | own]
    shapes = Counter(shape_of(u) for u in rejected)
    shape, count = shapes.most_common(1)[0] if shapes else ("", 0)
    samples = sorted(rejected, key=lambda u: shape_of(u) != shape)[:MAX_SAMPLES]
    pager = pager_seen(page, result)
    return ListDiagnosis(len(rejected), shape, count, tuple(samples), pager,
                         followed=result.next is not None)


def shape_of(url: str) -> str:
    """A URL with its ids written as their kind and length: host and path, query names
    kept (``…/content_<19 digits>.html``, ``…/art_<32 hex>.html``)."""
    parts = urlsplit(url)
    path = _ID.sub(lambda m: f"<{len(m.group())} {'digits' if m.group().isdigit() else 'hex'}>",
                   parts.path)
    query = "&".join(p.split("=", 1)[0] + "=…" for p in parts.query.split("&") if p)
    return (parts.hostname or "") + path + (f"?{query}" if query else "")


def pager_seen(page: ListPage, result: ListResult) -> str:
    """The page's pager in a few words: its script call or page-count variable, a "next"
    link, or links to numbered pages; the adapter's count and next page when it has them."""
    seen = []
    text = page.text
    call = _PAGER_CALL.search(text) or _PAGER_VAR.search(text)
    if call:
        seen.append(" ".join(call.group().split()))
    if page.text.lstrip()[:1] not in ("{", "["):
        for anchor in page.selector.xpath("//a[@href]"):
            label = " ".join(anchor.xpath("string()").get("").split()).lower()
            href = anchor.attrib.get("href", "").strip()
            if label in _NEXT_TEXT and href and not href.lower().startswith("javascript"):
                seen.append(f"{label} -> {page.urljoin(href)}")
                break
        else:
            numbered = [a for a in page.selector.xpath("//a/@href").getall()
                        if _PAGE_LINK.search(a)]
            if numbered:
                seen.append(f"links to numbered pages ({page.urljoin(numbered[0])})")
    if result.total_pages:
        seen.append(f"{result.total_pages} pages")
    if result.next is not None:
        seen.append(f"next {result.next.url}")
    return "; ".join(seen)
