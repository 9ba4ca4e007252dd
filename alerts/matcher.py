"""Does a stored article match a watchlist? A pure function, one rule per field.

Rules: every non-empty field must match (AND); within a field any value may match (OR),
except the all-of keywords (each must occur) and the none-of keywords (none may occur);
an empty field matches anything.
- provinces: one of the article's *about* provinces is listed; with scope ``mentioned``,
  one of the provinces the article names at all (about or only mentioned);
- sectors: one of the article's sectors is listed;
- events: the article's event kind is listed;
- keywords (any, all, none): in the title or text. A keyword containing Chinese
  characters matches as a substring; any other as a whole word, ignoring case;
- sources: the article comes from a listed source;
- min_copies: the article's story has at least this many copies (the copy being stored
  included).

A story matches when one of its copies matches every criterion (its own tags, words and
source) and the story is big enough. The store stage checks each article as it is stored,
so a story that reaches ``min_copies`` through a later copy fires then, on whichever of
its copies matches; ``sources`` therefore means "a matching copy from a listed source",
not "any copy of the story, matching or not".

Two time rules hold back an alert (``held_back``); ``alert_old`` runs skip them:
- the article was published before the watchlist's cutoff (``predates``);
- its story was first seen before the cutoff (``seen_before``), which also holds back a
  new copy of an old story.
The cutoff is the watchlist's creation time minus its ``backfill_days``.

A watchlist with a meeting criterion (``meeting_hosts``, ``meeting_guest_kinds``,
``meeting_orgs``) asks about the story's stored meetings (``MatchView.meetings``) by the
rules of alerts.meeting_match, its provinces and sectors included (they apply to the
meeting); its other criteria apply as above.

``reasons`` says, for a view that matches, which criteria held and with what (the
provinces, sectors, event and words that met them), in the order of the rules above;
alerts show it as their "Matched:" line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from provwatch.alerts.keywords import keyword_hit
from provwatch.alerts.meeting_match import MeetingView, matching_meetings, meeting_reasons
from provwatch.alerts.message import Reason
from provwatch.alerts.watchlist import WatchlistSpec
from provwatch.crawler.chinatime import SHANGHAI


@dataclass(frozen=True)
class MatchView:
    title: str
    text: str
    provinces_about: tuple[str, ...]
    sectors: tuple[str, ...]
    provinces_mentioned: tuple[str, ...] = ()  # every province named (about ones too)
    event: str | None = None
    source_id: str | None = None
    copies: int = 1  # the story's size, this copy included
    meetings: tuple[MeetingView, ...] = ()  # the story's stored meetings


def view_of(article: Any, copies: int, meetings: tuple[MeetingView, ...] = ()) -> MatchView:
    """The view of a stored ``Article`` (with its tags) in a story of ``copies`` copies
    that reports ``meetings``."""
    tags = article.tags
    provinces = tuple(t.value for t in tags if t.kind == "province")
    return MatchView(
        title=article.title or "", text=article.text or "",
        provinces_about=tuple(t.value for t in tags
                              if t.kind == "province" and t.role == "about"),
        sectors=tuple(t.value for t in tags if t.kind == "sector"),
        provinces_mentioned=provinces,
        event=next((t.value for t in tags if t.kind == "event"), None),
        source_id=article.source_id, copies=copies, meetings=meetings)


def matches(spec: WatchlistSpec, view: MatchView) -> bool:
    if view.copies < spec.min_copies:
        return False
    if spec.wants_meeting:
        if not matching_meetings(spec, view.meetings):
            return False
    elif spec.provinces:
        named = set(view.provinces_about)
        if spec.province_scope == "mentioned":
            named |= set(view.provinces_mentioned)
        if not set(spec.provinces) & named:
            return False
    if spec.sectors and not spec.wants_meeting and not set(spec.sectors) & set(view.sectors):
        return False
    if spec.events and view.event not in spec.events:
        return False
    if spec.sources and view.source_id not in spec.sources:
        return False
    if spec.keywords_any or spec.keywords_all or spec.keywords_none:
        haystack = view.title + "\n" + view.text
        if spec.keywords_any and not any(keyword_hit(k, haystack) for k in spec.keywords_any):
            return False
        if not all(keyword_hit(k, haystack) for k in spec.keywords_all):
            return False
        if any(keyword_hit(k, haystack) for k in spec.keywords_none):
            return False
    return True


def reasons(spec: WatchlistSpec, view: MatchView) -> tuple[Reason, ...]:
    """Each set criterion of ``spec`` that ``view`` meets, with the values that meet it."""
    out: list[Reason] = []
    if spec.wants_meeting:
        out += meeting_reasons(spec, view.meetings)
    elif spec.provinces:
        about = tuple(p for p in spec.provinces if p in view.provinces_about)
        if about:
            out.append(Reason("province", about, "about"))
        if spec.province_scope == "mentioned":
            named = tuple(p for p in spec.provinces
                          if p in view.provinces_mentioned and p not in about)
            if named:
                out.append(Reason("province", named, "mentioned"))
    if spec.sectors and not spec.wants_meeting:
        hit = tuple(s for s in spec.sectors if s in view.sectors)
        if hit:
            out.append(Reason("sector", hit))
    if spec.events and view.event in spec.events:
        out.append(Reason("event", (view.event,)))
    if spec.keywords_any or spec.keywords_all:
        haystack = view.title + "\n" + view.text
        words = tuple(dict.fromkeys(k for k in (*spec.keywords_any, *spec.keywords_all)
                                    if keyword_hit(k, haystack)))
        if words:
            out.append(Reason("keywords", words))
    if spec.sources and view.source_id in spec.sources:
        out.append(Reason("source", (view.source_id,)))
    if spec.min_copies > 1:
        out.append(Reason("copies", (str(view.copies),), f"≥ {spec.min_copies}"))
    return tuple(out)


def cutoff(spec: WatchlistSpec) -> datetime | None:
    """Stories and articles older than this owe the watchlist no alert."""
    if spec.created_at is None:
        return None
    return spec.created_at - timedelta(days=spec.backfill_days)


def predates(spec: WatchlistSpec, published_at: datetime | None, precision: str | None,
             date_source: str | None) -> bool:
    """Was the article published before the watchlist's cutoff? Such articles (a backfill,
    an archive, a new source's old list) are not alerted unless the run asks for it.

    A day-precision date counts as the whole day in China time, so a watchlist created at
    10:00 still hears of that morning's article. An article with no date of its own (only
    the crawl time) is never held back by this rule.
    """
    limit = cutoff(spec)
    if limit is None or published_at is None or date_source == "crawl":
        return False
    if precision == "day":
        return published_at.astimezone(SHANGHAI).date() < limit.astimezone(SHANGHAI).date()
    return published_at < limit


def seen_before(spec: WatchlistSpec, first_seen_at: datetime | None) -> bool:
    """Was the story first seen before the watchlist's cutoff? (Then a new copy of it is
    no news to the watchlist either.)"""
    limit = cutoff(spec)
    return limit is not None and first_seen_at is not None and first_seen_at < limit


def held_back(spec: WatchlistSpec, published_at: datetime | None, precision: str | None,
              date_source: str | None, first_seen_at: datetime | None) -> bool:
    return (seen_before(spec, first_seen_at)
            or predates(spec, published_at, precision, date_source))
