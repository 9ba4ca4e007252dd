"""Publication dates from a page, in order of trust, each with the rule that found it.

Order: government/standard meta tags, Chinese or ISO date text near the headline, the
URL, then the caller's fallbacks (feed entry, crawl time). Naive times are Asia/Shanghai;
dates in the future or before 1990 are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_META_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
               "og:article:published_time", "og:release_date", "datepublished", "dc.date",
               "dc.date.issued", "publish-date", "date", "releasedate")
_META = re.compile(
    r"""<meta\s+[^>]*?(?:name|property|itemprop)\s*=\s*["']([^"']+)["'][^>]*?"""
    r"""content\s*=\s*["']([^"']+)["']""", re.I)
_META_REV = re.compile(
    r"""<meta\s+[^>]*?content\s*=\s*["']([^"']+)["'][^>]*?"""
    r"""(?:name|property|itemprop)\s*=\s*["']([^"']+)["']""", re.I)
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?")
_URL_RULES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/n\d/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})-(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),
)
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)


@dataclass(frozen=True)
class FoundDate:
    value: datetime  # aware, UTC
    source: str  # meta:<name> | text | url | feed | crawl
    precision: str  # day | minute


def _plausible(dt: datetime, now: datetime) -> bool:
    return datetime(1990, 1, 1, tzinfo=timezone.utc) <= dt <= now + timedelta(days=1)


def _build(y, mo, d, h=None, mi=None, s=None) -> tuple[datetime, str] | None:
    try:
        if h is None:
            return datetime(int(y), int(mo), int(d), 12, tzinfo=SHANGHAI), "day"
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0),
                        tzinfo=SHANGHAI), "minute"
    except ValueError:
        return None


def parse_date_text(text: str) -> tuple[datetime, str] | None:
    """The first date in ``text`` (ISO or Chinese), with its precision."""
    iso = re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})",
                    text)
    if iso:
        try:
            dt = datetime.fromisoformat(iso.group(0).replace("Z", "+00:00"))
            return dt, "minute"
        except ValueError:
            pass
    m = _DATE.search(text)
    return _build(*m.groups()) if m else None


def _accept(found: tuple[datetime, str] | None, source: str, now: datetime) -> FoundDate | None:
    if not found:
        return None
    dt = found[0].astimezone(timezone.utc)
    return FoundDate(dt, source, found[1]) if _plausible(dt, now) else None


def find_date(html: str, url: str, title: str, now: datetime) -> FoundDate | None:
    head = html[:20000]
    metas = {k.lower(): v for k, v in _META.findall(head)}
    metas.update({k.lower(): v for v, k in _META_REV.findall(head)})
    for name in _META_NAMES:
        if name in metas:
            got = _accept(parse_date_text(metas[name]), f"meta:{name}", now)
            if got:
                return got
    plain = _TAGS.sub(" ", html)
    start = plain.find(title[:12]) if title else -1
    window = plain[start:start + 1500] if start >= 0 else ""
    got = _accept(parse_date_text(window), "text", now) if window else None
    if got:
        return got
    for rule in _URL_RULES:
        m = rule.search(url)
        if m:
            got = _accept(_build(*m.groups()), "url", now)
            if got:
                return got
    return None
