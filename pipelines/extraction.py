"""One wrapper around trafilatura with fixed options: title, text, date, author, language.

trafilatura is the extractor of record; this module adds what Chinese pages need
around it (charset, government meta tags, headline suffixes) and the caller's
fallbacks (the feed entry's title and date, then the crawl time, flagged as such).
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura

from pipelines.dates import find_date, parse_date_text
from pipelines.decoding import decode_html
from pipelines.textnorm import language_of

_TITLE_SUFFIX = re.compile(
    r"\s*(?:[_|｜]|\s[-–—]\s|--|-(?=[\u4e00-\u9fff]))\s*[^_|｜\-–—]{0,40}(?:网|政府|门户|日报|新闻|频道|在线|Daily|News|"
    r"Wire|Online|Times|Post|Xinhua|Agency|Portal)[^_|｜]{0,20}$", re.I)
_META_TITLE = re.compile(
    r"""<meta\s+[^>]*?name\s*=\s*["'](?:ArticleTitle|og:title)["'][^>]*?content\s*=\s*"""
    r"""["']([^"']+)["']""", re.I)
_EDITOR_LINES = re.compile(
    r"^\s*(?:【\s*字体[:：].*】|字体[:：]?\s*大\s*中\s*小|打印(?:本页)?\s*关闭(?:窗口)?|"
    r"\(?（?责任编辑[:：].*|分享到[:：]?.*|扫一扫.*)\s*$", re.M)


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    published_at: datetime  # UTC; the crawl time when nothing better was found
    date_source: str  # meta:<name> | text | url | trafilatura | feed | crawl
    date_precision: str
    author: str | None
    lang: str
    charset: str


def strip_site_suffix(title: str) -> str:
    title = re.sub(r"\s+", " ", htmllib.unescape(title)).strip()
    stripped = _TITLE_SUFFIX.sub("", title)
    return stripped if len(stripped) >= 4 else title


def extract(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    fetched_at: datetime,
    feed_title: str | None = None,
    feed_published: datetime | None = None,
) -> Extracted:
    """Raise pipelines.decoding.DecodeError for an undecodable page; text may be empty."""
    html, charset = decode_html(body, content_type)
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, deduplicate=False,
    )
    text = _clean_text(getattr(doc, "text", None) or "")
    meta_title = _META_TITLE.search(html[:20000])
    title = strip_site_suffix(
        (meta_title.group(1) if meta_title else None) or getattr(doc, "title", None)
        or feed_title or "")
    found = find_date(html, url, title, fetched_at)
    if found:
        published, source, precision = found.value, found.source, found.precision
    elif getattr(doc, "date", None) and (parsed := parse_date_text(doc.date)):
        published, source, precision = parsed[0], "trafilatura", "day"
    elif feed_published:
        published, source, precision = feed_published, "feed", "minute"
    else:
        published, source, precision = fetched_at, "crawl", "minute"
    return Extracted(
        title=title, text=text, published_at=published, date_source=source,
        date_precision=precision, author=getattr(doc, "author", None) or None,
        lang=language_of(title + "\n" + text), charset=charset,
    )


_SENTENCE = re.compile(r"[。！？；，,.!?;]")


def has_body(text: str) -> bool:
    """True when some line reads as prose, not a menu: long enough, with punctuation.

    trafilatura falls back to whatever text a page has; on a page whose article is only a
    video or a picture that is the navigation, which must not be stored as an article.
    """
    return any(len(line) >= 30 and _SENTENCE.search(line) for line in text.splitlines())


def _clean_text(text: str) -> str:
    text = _EDITOR_LINES.sub("", text)
    lines = [ln.strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)
