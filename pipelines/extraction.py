"""One page in, one Extracted out: the single extraction path.

The pipeline's extract stage, `provwatch extract`, `provwatch reextract` and the benchmark
all call extract(). trafilatura is the extractor of record for the body text; around it
this module adds what Chinese pages need: charset rules (pipelines.decoding), the headline
(pipelines.headline), furniture pruning and the main block (pipelines.mainblock), date
rules (pipelines.dates), policy-document metadata (pipelines.policydoc), the government
meta set with the content source and column (pipelines.govmeta), and editor/share/footer
line removal (pipelines.boilerplate). Fallbacks: the feed entry's title and date, then
htmldate's markup pass (the date pass trafilatura itself runs), then the crawl time, each
flagged as such; the ContentSource meta, then the by-line's 来源：.

Why htmldate's fast mode and not its extensive one: the extensive pass guesses from any
date-shaped text and fills a missing month and day with January 1st. On the labelled
Chinese pages (bench/extraction.py) it dated 7 of the 9 pages that have no date where our
rules say none; the fast pass reads markup, comments and ``yyyy-mm-dd hh:mm:ss`` stamps
only and dated 1 of them (a Sina CMS "published at" stamp, which is the publication time).
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import htmldate
import trafilatura
from trafilatura.settings import Document

from provwatch.pipelines.boilerplate import clean_lines, is_furniture, is_info_line
from provwatch.pipelines.dates import FoundDate, find_date, plausible
from provwatch.pipelines.datetext import SHANGHAI, iter_dates, normalise, parse_date_text
from provwatch.pipelines.decoding import decode_html
from provwatch.pipelines.govmeta import GovMeta, byline_source, read_gov_meta
from provwatch.pipelines.headline import find_headline, strip_site_suffix
from provwatch.pipelines.mainblock import main_block, prose_stats, prune_furniture
from provwatch.pipelines.page import css_select, parse_html, text_chunks
from provwatch.pipelines.policydoc import (
    PolicyDocument,
    find_document,
    is_metadata_line,
    metadata_blocks,
)
from provwatch.pipelines.textnorm import language_of

__all__ = ["Extracted", "extract", "has_body", "strip_site_suffix"]

_OPTIONS: dict[str, Any] = dict(
    include_comments=False, include_tables=True, include_images=False, include_links=False,
    deduplicate=False, with_metadata=False, fast=True)
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_SQUASH = re.compile(r"\s+")
_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_AUTHOR = re.compile(r"(?:作者|记者|撰稿)\s*[:：]\s*([\u4e00-\u9fff·]{2,4})(?![\u4e00-\u9fff])")


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    published_at: datetime  # UTC; the crawl time when nothing better was found
    date_source: str  # meta:<name> | jsonld | selector | document | text | url | feed | crawl
    date_precision: str  # day | minute
    author: str | None
    lang: str
    charset: str
    document: PolicyDocument | None = None
    gov: GovMeta | None = None  # None when the page carries none of the government metas
    content_source: str | None = None  # the outlet it came from: 河南日报, 省发展改革委
    column: str | None = None  # the site's column: 政务要闻


def extract(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    fetched_at: datetime,
    feed_title: str | None = None,
    feed_published: datetime | None = None,
    date_selector: str | None = None,
    body_selector: str | None = None,
) -> Extracted:
    """Raise pipelines.decoding.DecodeError for an undecodable page; text may be empty."""
    html, charset = decode_html(body, content_type)
    root = parse_html(html)
    headline = find_headline(root, feed_title)
    gov = read_gov_meta(root)
    # pruned in place: nothing reads the unpruned <body> after this line (_author reads
    # the <head>'s meta tags, which pruning never touches), so no copy of the page is made
    work, keep = root, headline.element
    stats = prune_furniture(work, keep)
    content_source = gov.content_source or byline_source(work, keep)
    chosen = css_select(work, body_selector) if body_selector else []
    main = chosen[0] if chosen and hasattr(chosen[0], "tag") else main_block(work, stats)
    chunks, where = text_chunks(work, marks=(keep, main))
    for block in metadata_blocks(work):
        if block is not main and block not in main.iterancestors():
            block.drop_tree()  # its fields go to the document metadata, not the body text
    text = _body_text(work, main, url, stats.get(main))
    document = find_document(headline.text, chunks, text)
    found = find_date(html, url, headline.text, fetched_at, root=work, headline=keep, main=main,
                      selector=date_selector, document_day=document.published if document else None,
                      pruned=True, chunks=(chunks, where))
    published, source, precision = _fallback(found, feed_published, fetched_at, html)
    if document and not document.published and source not in ("feed", "crawl"):
        day = published.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        document = PolicyDocument(**{**document.to_dict(), "published": day})
    if document:
        text = "\n".join(ln for ln in text.splitlines() if not is_metadata_line(ln))
    title = headline.text or strip_site_suffix(feed_title or "")
    text = _without_headline(text, title)
    return Extracted(
        title=title, text=text, published_at=published, date_source=source,
        date_precision=precision, author=_author(root, chunks),
        lang=language_of(title + "\n" + text),
        charset=charset, document=document, gov=gov if gov.to_dict() else None,
        content_source=content_source, column=gov.column,
    )


def _without_headline(text: str, title: str) -> str:
    """The text without its first lines when they spell the headline (kept as the title)."""
    want, got = _SQUASH.sub("", title), ""
    lines = text.split("\n")
    for n, line in enumerate(lines[:4], 1):
        got += _SQUASH.sub("", line)
        if not want or not want.startswith(got):
            break
        if got == want:
            return "\n".join(lines[n:])
    return text


def _author(root, chunks: list[str]) -> str | None:
    """A 作者：/记者： label in the page, else an author meta tag holding a Chinese name
    (CMSs put their vendor or a numeric id there too)."""
    m = _AUTHOR.search(" ".join(chunks[:400]))
    if m:
        return m.group(1)
    for value in root.xpath('//meta[@name="author" or @name="Author"]/@content'):
        if _NAME.fullmatch(value.strip()) and not value.strip().endswith(("网络", "科技", "公司")):
            return value.strip()
    return None


def _fallback(found: FoundDate | None, feed_published: datetime | None, fetched_at: datetime,
              html: str):
    if found:
        return found.value, found.source, found.precision
    if feed_published and plausible(feed_published, fetched_at):  # the page's bounds too
        return feed_published, "feed", "minute"
    if got := _htmldate(html, fetched_at):
        return got, "htmldate", "day"
    return fetched_at, "crawl", "minute"


def _htmldate(html: str, fetched_at: datetime) -> datetime | None:
    """htmldate's markup pass (fast mode), its day read as a China day; None when it finds
    nothing plausible. Its cost falls only on the pages our own rules could not date."""
    try:
        day = htmldate.find_date(html, extensive_search=False, original_date=True,
                                 max_date=fetched_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"))
    except ValueError:  # htmldate refuses some malformed trees; the crawl time stands
        return None
    got = parse_date_text(day) if day else None
    return got[0] if got and plausible(got[0], fetched_at) else None


def _body_text(work, main, url: str, main_stats) -> str:
    """trafilatura on the main block; on the whole pruned page when that gives too little."""
    body = work.find("body")
    body = body if body is not None else work
    text = ""
    if main is not body:
        prose = (main_stats or prose_stats(main)[main]).prose
        text = _trafilatura(_document_of(main), url)
        if _count(text) < 0.5 * prose:
            text = ""
    if not text:
        text = _trafilatura(work, url)
    if not text and main is not None:
        text = "\n".join(c for c in text_chunks(main, is_furniture)[0])
    return _clean(text)


def _document_of(el):
    from lxml.html import Element

    html, body = Element("html"), Element("body")
    html.append(body)
    body.append(deepcopy(el))
    return html


def _trafilatura(tree, url: str) -> str:
    # cast: bare_extraction is typed as returning a Document or a dict, but gives the dict
    # only with as_dict=True (deprecated), which is never passed here
    doc = cast("Document | None", trafilatura.bare_extraction(tree, url=url or None, **_OPTIONS))
    return _render(doc.body) if doc is not None and doc.body is not None else ""


def _render(body) -> str:
    """trafilatura's XML body as plain lines: a table row per line, its cells tab-separated."""
    lines: list[str] = []
    for el in body:
        if el.tag == "table":
            for row in el.findall("row"):
                cells = [_flat(c).strip().replace("\n", " ") for c in row.findall("cell")]
                lines.append("\t".join(c for c in cells if c))
        elif el.tag == "list":
            lines.extend(_flat(item) for item in el.findall("item"))
        else:
            lines.append(_flat(el))
    return "\n".join(lines)


def _flat(el) -> str:
    parts = ["\n" if el.tag == "lb" else (el.text or "")]
    for child in el:
        parts.append(_flat(child))
        parts.append(child.tail or "")
    if el.tag in ("row", "item", "p", "head"):
        parts.append("\n")
    return "".join(parts)


def _count(text: str) -> int:
    return sum(map(len, text.split()))


def _clean(text: str) -> str:
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    kept = clean_lines(lines)
    return "\n".join(ln for ln in kept if not is_info_line(ln, _has_date))


def _has_date(line: str) -> bool:
    return any(True for _ in iter_dates(normalise(line)))


_SENTENCE = re.compile(r"[。！？；，,.!?;]")


def has_body(text: str) -> bool:
    """True when some line reads as prose, not a menu: long enough, with punctuation.

    trafilatura falls back to whatever text a page has; on a page whose article is only a
    video or a picture that is the navigation, which must not be stored as an article.
    """
    return any(len(line) >= 30 and _SENTENCE.search(line) for line in text.splitlines())
