"""Does a stored article match a watchlist? A pure function, one rule per field.

Rules: every non-empty field must match (AND); within a field any value may match (OR);
an empty field matches anything.
- provinces: one of the article's *about* provinces is listed;
- sectors: one of the article's sectors is listed;
- keywords: one keyword occurs in the title or text. A keyword containing Chinese
  characters matches as a substring; any other matches as a whole word, ignoring case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from alerts.watchlist import WatchlistSpec

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class MatchView:
    title: str
    text: str
    provinces_about: tuple[str, ...]
    sectors: tuple[str, ...]


@lru_cache(maxsize=4096)
def _keyword_re(keyword: str) -> re.Pattern[str]:
    if _CJK.search(keyword):
        return re.compile(re.escape(keyword))
    # boundaries are Latin letters and digits only: "AI" matches in 推动AI产业
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(keyword) + r"(?![A-Za-z0-9])", re.I)


def keyword_hit(keyword: str, text: str) -> bool:
    return _keyword_re(keyword).search(text) is not None


def matches(spec: WatchlistSpec, view: MatchView) -> bool:
    if spec.provinces and not set(spec.provinces) & set(view.provinces_about):
        return False
    if spec.sectors and not set(spec.sectors) & set(view.sectors):
        return False
    if spec.keywords:
        haystack = view.title + "\n" + view.text
        if not any(keyword_hit(k, haystack) for k in spec.keywords):
            return False
    return True


_CHINA = timezone(timedelta(hours=8))


def predates(spec: WatchlistSpec, published_at: datetime | None, precision: str | None,
             date_source: str | None) -> bool:
    """Was the article published before the watchlist existed? Such articles (a backfill,
    an archive, a new source's old list) are not alerted unless the run asks for it.

    A day-precision date counts as the whole day in China time, so a watchlist created at
    10:00 still hears of that morning's article. An article with no date of its own (only
    the crawl time) is never held back.
    """
    if spec.created_at is None or published_at is None or date_source == "crawl":
        return False
    if precision == "day":
        return published_at.astimezone(_CHINA).date() < spec.created_at.astimezone(_CHINA).date()
    return published_at < spec.created_at
