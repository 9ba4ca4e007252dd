"""Publication dates from a page, in order of trust, each with the rule that found it.

Order (the first rule that yields a plausible date wins):
1. ``meta:pubdate``: the standard Chinese government meta tag PubDate, then gov.cn's
   ``meta:firstpublishedtime``;
2. ``jsonld``: JSON-LD datePublished; then ``meta:<name>`` for other meta tags
   (publishdate, article:published_time, ...); then ``script``: a publication-time
   variable in an inline script (``var publish_time = "2026-01-05"``, ``"pubtime":
   "2026-01-05 20:30:00"``, WeChat's ``var ct = "<unix seconds>"``), where pages that are
   rendered in the browser keep their date;
3. ``selector``: the source's date selector from the catalog;
   ``document``: the 发布日期 of a policy document's metadata block (pipelines.policydoc);
4. ``text``: a full date near the headline: in the by-line right after it (stopping at the
   first paragraph of prose), else in a short element whose class/id says
   time/date/info/source (not in a list), else in the short lines just above or at the top
   of the main block (pipelines.mainblock), else after a label (发布时间：, 日期：, 发表于,
   本帖由 X 于, ...); never inside navigation, sidebars, related links, comments or footers
   (pipelines.boilerplate), never after 今天是;
5. ``url``: /t20260105_, /2026-01/05/, /art/2026/1/5/, /n1/2026/0105/, /20260105/, ...;
6. ``text:noyear``: a 1月5日 in the by-line, its year taken from the crawl time (trusted
   below the URL because its year is a guess);
then the caller's fallbacks (pipelines.extraction): the feed entry, htmldate's markup pass
(``htmldate``), and last the crawl time (``crawl``).
Times without a zone are Asia/Shanghai; dates in the future or before 1990 are rejected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from lxml import etree

from provwatch.pipelines.boilerplate import is_furniture
from provwatch.pipelines.datetext import SHANGHAI, build, iter_dates, normalise, parse_date_text
from provwatch.pipelines.datetext import parse_yearless as _parse_yearless
from provwatch.pipelines.page import parse_html, select_text, text_chunks

__all__ = ["SHANGHAI", "FoundDate", "find_date", "parse_date_text"]

GOV_META = ("pubdate", "firstpublishedtime")
OTHER_META = ("publishdate", "article:published_time",
              "og:article:published_time", "og:release_date", "datepublished", "pubtime",
              "publishtime", "publish_time", "dc.date.issued", "dc.date", "publish-date",
              "releasedate", "date")
_URL_RULES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS: /202601/t20260105_123.html
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),  # xinhuanet, gov.cn: /2026-01/05/
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb: /art/2026/1/5/
    re.compile(r"/n\d/((?:19|20)\d{2})/(\d{2})(\d{2})/"),  # people.com.cn: /n1/2026/0105/
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),  # sohu and many: /20260105/
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),  # chinadaily: /a/202601/05/
    re.compile(r"/((?:19|20)\d{2})/(\d{2})-(\d{2})/"),  # chinanews: /gn/2026/01-05/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),  # sina: /2026-01-05/
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # /2026/01/05/
)
_HOST_RULES = {"163.com": re.compile(r"/(\d{2})/(\d{2})(\d{2})/\d{2}/")}  # netease /26/0105/08/
_INFO_WORDS = ("time", "date", "info", "source", "fbsj", "pub", "byline")
_WITH_ATTRS = etree.XPath("//*[@class or @id]")
_LABEL = re.compile(r"(?:(?:发布|发表|发稿|发文|更新|上传)(?:时间|日期)|时间|日期|发表于|"
                    r"(?:本贴|本帖|此贴|此帖)由\s*\S{1,16}\s*于|Published|Date)\s*[:：]?\s*$", re.I)
_TODAY = re.compile(r"(?:今天是|今日|现在是|当前时间)\s*[:：]?\s*$")
_SKIP = {"script", "style", "noscript", "select", "option", "textarea", "head", "title"}
_LISTS = {"li", "ul", "ol", "dd", "dl"}
_WINDOW = 240  # characters of by-line read after the headline
_PROSE = re.compile(r"[，。；！？]")
_SPACE = re.compile(r"\s+")
# A publication-time variable in an inline script: its name, then = or :, then the value.
_SCRIPT_DATE = re.compile(
    r"\b(?:publish_?time|publish_?date|pub_?time|pub_?date|release_?time|create_?time|ct)"
    r"""["']?\s*[:=]\s*["']([^"']{8,32})["']""", re.I)
_EPOCH = re.compile(r"\d{10}(\d{3})?")


@dataclass(frozen=True)
class FoundDate:
    value: datetime  # aware, UTC
    source: str  # meta:<name> | jsonld | script | selector | document | text | url | text:noyear
    precision: str  # day | minute


def plausible(dt: datetime, now: datetime) -> bool:
    """A publication date may not lie in the future (a day of slack) or before 1990."""
    return datetime(1990, 1, 1, tzinfo=timezone.utc) <= dt <= now + timedelta(days=1)


def _accept(found, source: str, now: datetime) -> FoundDate | None:
    if not found:
        return None
    dt = found[0].astimezone(timezone.utc)
    return FoundDate(dt, source, found[1]) if plausible(dt, now) else None


def _metas(root) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        value = meta.get("content")
        if key and value and key.lower() not in out:
            out[key.lower()] = value
    return out


def _jsonld_date(root) -> str | None:
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    return item["datePublished"]
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return None


def _script_date(root):
    """The first publication-time variable of the page's inline scripts, as (datetime,
    precision): a date text, or seconds (milliseconds) since the epoch."""
    for script in root.iter("script"):
        if script.get("src") or not script.text:
            continue
        for m in _SCRIPT_DATE.finditer(script.text):
            value = m.group(1).strip()
            if _EPOCH.fullmatch(value):
                seconds = int(value) / (1000 if len(value) == 13 else 1)
                return datetime.fromtimestamp(seconds, timezone.utc), "minute"
            if got := parse_date_text(value):
                return got
    return None


def _headline_chunks(chunks: list[str], title: str) -> list[int]:
    """Indexes after the first three text chunks that are the headline, or the start or the
    end of <title> (titles put the site name first or last, so the site name may match)."""
    want = _SPACE.sub("", title)
    found = []
    for i, chunk in enumerate(chunks):
        text = _SPACE.sub("", chunk)
        if len(text) >= 6 and (text == want or want.startswith(text) or want.endswith(text)
                               or (want in text and len(text) <= len(want) + 20)):
            found.append(i + 1)
            if len(found) == 3:
                break
    return found


def _first_date(text: str, labelled_only: bool = False):
    text = normalise(text)
    for dt, precision, start, _ in iter_dates(text):
        before = text[max(0, start - 24):start]
        if _TODAY.search(before):
            continue
        if labelled_only and not _LABEL.search(before):
            continue
        return dt, precision
    return None


def _is_prose(chunk: str) -> bool:
    return "。" in chunk or ("，" in chunk and len(chunk) >= 16) or (
        len(chunk) >= 40 and bool(_PROSE.search(chunk)))


def _byline(chunks: list[str], start: int) -> str:
    """The short lines after the headline, up to the first line of prose."""
    window: list[str] = []
    size = 0
    for chunk in chunks[start:]:
        if _is_prose(chunk):
            break
        window.append(chunk)
        size += len(chunk)
        if size >= _WINDOW:
            break
    return " ".join(window)[: _WINDOW + 60]


def _in_furniture(el) -> bool:
    return any(a.tag in _LISTS or is_furniture(a) for a in el.iterancestors()
               if a.tag not in ("html", "body"))


def _info_element_date(root):
    """A date in a short element whose class/id says time/date/info/source, not in a list."""
    for el in _WITH_ATTRS(root):
        attrs = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if not any(w in attrs for w in _INFO_WORDS):
            continue
        if el.tag in _SKIP or el.tag in _LISTS or is_furniture(el) or _in_furniture(el):
            continue
        text = el.text_content()
        if len(text) <= 200:
            got = _first_date(text)
            if got:
                return got
    return None


def url_date(url: str) -> tuple[datetime, str] | None:
    """The publication day written in an article URL's path, if any (day precision)."""
    return _url_date(url)


def _url_date(url: str):
    path = urlsplit(url).path if url else ""
    host = urlsplit(url).hostname or "" if url else ""
    for suffix, rule in _HOST_RULES.items():
        m = rule.search(path) if host.endswith(suffix) else None
        if m:
            return build("20" + m.group(1), m.group(2), m.group(3))
    for rule in _URL_RULES:
        m = rule.search(path)
        if m and (got := build(*m.groups())):
            return got
    return None


def _main_top(chunks: list[str], start: int | None) -> str:
    """The short lines just above and at the top of the main block: where a by-line sits
    when the headline cannot be found."""
    if start is None:
        return ""
    around = [c for c in chunks[max(0, start - 4):start + 4] if len(c) <= 60 and "。" not in c]
    return " ".join(around)


def find_date(html: str, url: str, title: str, now: datetime, *, root=None, headline=None,
              main=None, selector: str | None = None, document_day: str | None = None,
              pruned: bool = False, chunks=None) -> FoundDate | None:
    """The most trusted plausible date on the page, or None (the caller falls back).

    ``root`` is the parsed page (parsed from ``html`` when absent), ``headline`` and
    ``main`` its headline element and main block when known, ``pruned`` true when furniture
    was already removed from ``root``, ``chunks`` its text_chunks marking both, if at hand.
    """
    if root is None:
        root = parse_html(html)
    metas = _metas(root)
    for name in GOV_META:
        if name in metas and (got := _accept(parse_date_text(metas[name]), f"meta:{name}", now)):
            return got
    jsonld = _jsonld_date(root)
    if jsonld and (got := _accept(parse_date_text(jsonld), "jsonld", now)):
        return got
    for name in OTHER_META:
        if name in metas and (got := _accept(parse_date_text(metas[name]), f"meta:{name}", now)):
            return got
    if got := _accept(_script_date(root), "script", now):
        return got
    if selector:
        text = select_text(root, selector)
        got = _accept(parse_date_text(text) or _parse_yearless(text, now), "selector", now)
        if got:
            return got
    if document_day and (got := _accept(parse_date_text(document_day), "document", now)):
        return got
    chunks, where = chunks or text_chunks(root, None if pruned else is_furniture,
                                          (headline, main))
    after = where.get(("end", id(headline))) if headline is not None else None
    starts = [after] if after is not None else _headline_chunks(chunks, title) if title else []
    byline = " ".join(_byline(chunks, i) for i in starts)
    main_top = _main_top(chunks, where.get(("start", id(main)))) if main is not None else ""
    for rule in (lambda: _first_date(byline) if byline else None,
                 lambda: _info_element_date(root),
                 lambda: _first_date(main_top) if main_top else None,
                 lambda: _first_date(" ".join(chunks), labelled_only=True)):
        if got := _accept(rule(), "text", now):
            return got
    if got := _accept(_url_date(url), "url", now):
        return got
    if byline and (got := _accept(_parse_yearless(byline, now), "text:noyear", now)):
        return got
    return None
