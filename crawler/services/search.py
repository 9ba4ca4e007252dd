"""Search: full-text over titles and bodies (repository/search.py says how Chinese is
found), combined with the filters of `provwatch articles`, and "save as watchlist".

The query is split at white space into terms; each must occur. Hits are stories: the
newest matching copy of each, with a snippet of its text around the first term found.
A saved search becomes a watchlist whose all-of keywords are the terms and whose
provinces, scope, sectors, events and sources are the filters; it needs a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from provwatch.alerts.errors import AlertError
from provwatch.alerts.watchlist import validate
from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database

SNIPPET_BEFORE, SNIPPET_AFTER = 40, 120


@dataclass(frozen=True)
class Search:
    """What to look for: ``text`` as typed; labels as ids; China days, both inclusive."""

    text: str = ""
    provinces: tuple[str, ...] = ()
    scope: str = "about"
    sectors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.text.split()))


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if when else None


def snippet(text: str, terms: tuple[str, ...]) -> list[dict[str, Any]]:
    """The text around the first term found, as parts: [{"text", "hit"}], so a page can
    mark the hits without writing any markup into the text."""
    folded = text.casefold()
    found = [(folded.find(t.casefold()), t) for t in terms if t]
    found = [(i, t) for i, t in found if i >= 0]
    if not found:
        return [{"text": text[:SNIPPET_BEFORE + SNIPPET_AFTER], "hit": False}]
    first = min(i for i, _ in found)
    start, end = max(0, first - SNIPPET_BEFORE), first + SNIPPET_AFTER
    window, fold = text[start:end], folded[start:end]
    parts, at = [], 0
    while at < len(window):
        hits = [(fold.find(t.casefold(), at), t) for t in terms if t]
        hits = [(i, t) for i, t in hits if i >= 0]
        if not hits:
            parts.append({"text": window[at:], "hit": False})
            break
        i, t = min(hits, key=lambda h: (h[0], -len(h[1])))
        if i > at:
            parts.append({"text": window[at:i], "hit": False})
        parts.append({"text": window[i:i + len(t)], "hit": True})
        at = i + len(t)
    if start > 0:
        parts.insert(0, {"text": "…", "hit": False})
    if end < len(text):
        parts.append({"text": "…", "hit": False})
    return parts


def search(config: Config, s: Search, limit: int = 50) -> dict[str, Any]:
    """The stories matching ``s``, newest first, at most ``limit`` (JSON-ready)."""
    where = repository.SearchFilter(
        s.terms, s.provinces, s.scope == "mentioned", s.sectors, s.events, s.sources,
        _midnight(s.since) if s.since else None,
        _midnight(s.until) + timedelta(days=1) if s.until else None)
    with open_database(config.database_url, create=False)() as session:
        articles = repository.search_articles(session, where, limit * 3)
        hits, seen = [], set()
        for a in articles:
            if a.story_id in seen:
                continue
            seen.add(a.story_id)
            tags = a.tags
            hits.append({
                "story_id": a.story_id, "article_id": a.id, "title": a.title, "url": a.url,
                "source_id": a.source_id, "published_at": _iso(a.published_at),
                "provinces": [t.value for t in tags if t.kind == "province"
                              and (t.role == "about" or s.scope == "mentioned")],
                "sectors": [t.value for t in tags if t.kind == "sector"],
                "event": next((t.value for t in tags if t.kind == "event"), None),
                "snippet": snippet(a.text or "", s.terms)})
            if len(hits) == limit:
                break
    short = [t for t in s.terms if len(t) < repository.TRIGRAM]
    return {"query": s.text, "terms": list(s.terms), "short_terms": short,
            "filters": {"provinces": list(s.provinces), "scope": s.scope,
                        "sectors": list(s.sectors), "events": list(s.events),
                        "sources": list(s.sources),
                        "since": s.since.isoformat() if s.since else None,
                        "until": s.until.isoformat() if s.until else None},
            "hits": hits}


def save_as_watchlist(config: Config, name: str, channel: str, s: Search) -> dict[str, Any]:
    """Store the search as a new watchlist (the module's rule); a bad value is one line
    naming the field (ProvwatchError)."""
    if not s.terms and not (s.provinces or s.sectors or s.events or s.sources):
        raise ProvwatchError("save as watchlist: the search has no terms and no filters: it "
                             "would match every story")
    try:
        spec = validate(name.strip(), s.provinces, s.sectors, (), [channel.strip()] if
                        channel.strip() else [], province_scope=s.scope, events=s.events,
                        keywords_all=s.terms, sources=s.sources)
    except AlertError as e:
        raise ProvwatchError(str(e)) from None
    watchlists_service.add_watchlist(config, spec)
    return {"name": spec.name, "keywords_all": list(spec.keywords_all),
            "provinces": list(spec.provinces), "sectors": list(spec.sectors),
            "events": list(spec.events), "channels": list(spec.channels)}
