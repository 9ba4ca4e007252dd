"""One province's page: its stories over time by sector and event, its leaders (the roster
as of the window's last day, with the applied roster changes) and their meetings, and its
policy documents with 文号 and issuing body.

Stories over time: each story counts once, in the bucket of its day (the China day of
its first dated copy; buckets are days for windows up to 62 days, else weeks starting
on Monday), once under each of its sectors and its event kinds.
A leader's meetings are the window's meetings of the province that name the leader
among the hosts (by Chinese name or pinyin).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

from provwatch.crawler.config import Config
from provwatch.crawler.roster import title_zh
from provwatch.crawler.services import leaders as leaders_service
from provwatch.crawler.services import meetings as meetings_service
from provwatch.crawler.services.attention import Window
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.taxonomy import labels

DAILY_UP_TO = 62  # days; a longer window is counted by week
DOCUMENT_FIELDS = ("number", "issuer", "written", "published", "index_no", "subject")


def _bucket(day: date, weekly: bool) -> date:
    return day - timedelta(days=day.weekday()) if weekly else day


def _buckets(window: Window, weekly: bool) -> list[date]:
    out, day = [], _bucket(window.since, weekly)
    while day <= window.until:
        out.append(day)
        day += timedelta(days=7 if weekly else 1)
    return out


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if when else None


def timeline(rows: list[tuple[int, date, str, str]], window: Window) -> dict[str, Any]:
    """Stories per bucket: in all, per sector and per event kind (the module's rule)."""
    weekly = (window.until - window.since).days + 1 > DAILY_UP_TO
    buckets = _buckets(window, weekly)
    index = {b: n for n, b in enumerate(buckets)}
    stories: dict[str, dict[str, set[tuple[int, date]]]] = {"sector": defaultdict(set),
                                                             "event": defaultdict(set)}
    total: set[tuple[int, date]] = set()
    for story_id, day, kind, value in rows:
        b = _bucket(day, weekly)
        total.add((story_id, b))
        if kind in stories:
            stories[kind][value].add((story_id, b))

    def counts(pairs: set[tuple[int, date]]) -> list[int]:
        out = [0] * len(buckets)
        for _, b in pairs:
            if b in index:
                out[index[b]] += 1
        return out

    def series(kind: str) -> list[dict[str, Any]]:
        names = labels(kind)
        order = {v: n for n, v in enumerate(names)}
        return [{"id": v, "name": names.get(v, (v, ""))[0], "name_zh": names.get(v, ("", v))[1],
                 "stories": len({s for s, _ in pairs}), "counts": counts(pairs)}
                for v, pairs in sorted(stories[kind].items(),
                                       key=lambda kv: order.get(kv[0], len(order)))]

    return {"bucket": "week" if weekly else "day", "buckets": [b.isoformat() for b in buckets],
            "total": counts(total), "stories": len({s for s, _ in total}),
            "sectors": series("sector"), "events": series("event")}


def _document(d: repository.ProvinceDocument) -> dict[str, Any]:
    return {"article_id": d.article_id, "story_id": d.story_id, "title": d.title, "url": d.url,
            "source_id": d.source_id, "published_at": _iso(d.published_at),
            **{k: d.document.get(k) for k in DOCUMENT_FIELDS}}


def _hosted_by(meeting: dict[str, Any], leader: dict[str, Any]) -> bool:
    names = {leader["name_zh"], leader["pinyin"].replace(" ", "").lower()} - {""}
    return any(h["name"] in names or h["pinyin"].replace(" ", "").lower() in names
               for h in meeting["hosts"])


def province_page(config: Config, province: str, window: Window, scope: str = "about",
                  event: str | None = None) -> dict[str, Any]:
    """Everything the province page shows (JSON-ready); ``province`` is an id."""
    query = window.query(scope, event)
    with open_database(config.database_url, create=False)() as session:
        rows = repository.province_story_tags(session, query, province)
        documents = [_document(d) for d in
                     repository.province_documents(session, query, province)]
    book = leaders_service.current_roster(config)
    meetings = meetings_service.list_meetings(
        config, meetings_service.Filters(province=province, since=window.since,
                                         until=window.until), limit=500)
    leaders = []
    for entry in book.holders(province, window.until):
        leader = {**entry.as_json(), "title_zh": title_zh(entry, book)}
        leader["meetings"] = sum(1 for m in meetings if _hosted_by(m, leader))
        leaders.append(leader)
    english, chinese = labels("province")[province]
    return {"province": {"id": province, "name": english, "name_zh": chinese},
            "window": window.json(), "scope": scope, "event": event,
            "timeline": timeline(rows, window), "leaders": leaders, "meetings": meetings,
            "documents": documents}
