"""Meetings as the web app shows them: a page of the newest, counts per host and per guest
kind over time, who met whom (posts and organisations), and one organisation's visits.

Every function takes the filters of ``services.meetings`` (checked there, one-line errors
naming the filter) and counts a meeting two stories report once (``meetings.distinct``),
as `provwatch meetings stats` does. Counting reads lean rows (``repository.meeting_facts``)
instead of whole meetings, so charts over the whole archive stay quick.

Periods are China months (``2026-01``) or weeks (``2026-W02``, ISO) of the meeting's day.
A graph's post node is a provincial or capital post (``henan:secretary``, the province
then the post); a host on no roster post is a node of its own name. Beyond ``top`` nodes
or series, the rest is summed as ``other`` (series) or left out (graph, which says so).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services.meetings import (
    Filters,
    _query,
    check_filters,
    distinct,
    meeting_json,
    org_ids,
)
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.taxonomy import PROVINCES, SECTOR_NAMES

PERIODS = ("month", "week")
TIMELINE_BY = ("host", "guest-kind")
OTHER = "other"


def newest(config: Config, filters: Filters, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` matching meetings (meeting_json dicts), each once."""
    if limit < 1:
        raise ProvwatchError(f"limit: {limit} is not a positive number")
    f = check_filters(filters)
    with open_database(config.database_url, create=False)() as session:
        rows = [meeting_json(m) for m in
                repository.newest_meetings(session, limit, **_query(f))]
    return distinct(rows)[:limit]


def facts(config: Config, filters: Filters) -> list[dict[str, Any]]:
    """Every matching meeting, lean (no texts), each once, newest day first: the shape of
    meeting_json without place, verb and summaries."""
    f = check_filters(filters)
    with open_database(config.database_url, create=False)() as session:
        found = repository.meeting_facts(session, **_query(f))
    hosts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    where = {mid: province for mid, _, _, _, province, _ in found.meetings}
    for mid, name, province, post, pinyin, level, title in found.hosts:
        hosts[mid].append({"name": name, "province": province, "post": post,
                           "pinyin": pinyin, "level": level, "title": title,
                           "meeting_province": where.get(mid)})
    guests: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mid, name, org, org_id, org_kind, org_en in found.guests:
        guests[mid].append({"name": name, "org": org, "org_id": org_id,
                            "org_kind": org_kind, "org_en": org_en})
    rows = [{"id": mid, "story_id": story_id, "day": day.isoformat() if day else None,
             "date_stated": stated, "province": province, "topics": (topics or "").split(),
             "hosts": hosts.get(mid, []), "guests": guests.get(mid, [])}
            for mid, story_id, day, stated, province, topics in found.meetings]
    return distinct(rows)


def period_of(day: str | None, period: str) -> str | None:
    if not day:
        return None
    d = date.fromisoformat(day)
    if period == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{d.year}-{d.month:02d}"


def host_key(h: dict[str, Any]) -> str:
    """The post a host held: ``henan:secretary`` from the roster; off the roster, the
    title as written in the meeting's province (``henan:省委书记``); else the name."""
    if h.get("post") and h.get("province"):
        return f"{h['province']}:{h['post']}"
    if h.get("title") and h.get("meeting_province"):
        return f"{h['meeting_province']}:{h['title']}"
    return h["name"]


def host_label(h: dict[str, Any]) -> str:
    """``Henan secretary`` (a capital's post: ``Henan mayor``), ``Henan 省委书记`` for a
    title off the roster, or the name (with its pinyin) when nothing else is known."""
    if h.get("post") and h.get("province"):
        return f"{_place(h['province'])} {h['post']}"
    if h.get("title") and h.get("meeting_province"):
        return f"{_place(h['meeting_province'])} {h['title']}"
    return f"{h['name']} ({h['pinyin']})" if h.get("pinyin") else h["name"]


def _place(province: str) -> str:
    return PROVINCES.get(province, (province, ""))[0]


def timeline(meetings: list[dict[str, Any]], by: str = "host", period: str = "month",
             top: int = 8) -> dict[str, Any]:
    """Meetings per period for each of the ``top`` busiest hosts (by name) or guest kinds;
    the rest summed as ``other``. ``periods`` run oldest first, with no gaps between the
    first and the last."""
    if by not in TIMELINE_BY:
        raise ProvwatchError(f"by: {by!r} is not one of {', '.join(TIMELINE_BY)}")
    if period not in PERIODS:
        raise ProvwatchError(f"period: {period!r} is not one of {', '.join(PERIODS)}")
    counts: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for m in meetings:
        when = period_of(m["day"], period)
        if when is None:
            continue
        if by == "host":
            keys = {}
            for h in m["hosts"]:
                keys[h["name"]] = (f"{h['name']} {h['pinyin']}".strip()
                                   + f" ({host_label(h)})")
        else:
            keys = {g["org_kind"]: g["org_kind"] for g in m["guests"] if g["org_kind"]}
        for key, label in keys.items():
            counts[key][when] += 1
            labels.setdefault(key, label)
    periods = _span({p for c in counts.values() for p in c}, period)
    ranked = sorted(counts, key=lambda k: (-sum(counts[k].values()), k))
    series = [{"key": k, "label": labels[k], "total": sum(counts[k].values()),
               "counts": [counts[k].get(p, 0) for p in periods]} for k in ranked[:top]]
    rest = ranked[top:]
    if rest:
        summed = [sum(counts[k].get(p, 0) for k in rest) for p in periods]
        series.append({"key": OTHER, "label": f"{len(rest)} others", "total": sum(summed),
                       "counts": summed})
    return {"by": by, "period": period, "periods": periods, "series": series}


def _span(present: set[str], period: str) -> list[str]:
    """Every period from the first present to the last, so a quiet month shows as 0."""
    if not present:
        return []
    first, last = min(present), max(present)
    if period == "month":
        y, m = int(first[:4]), int(first[5:])
        out = []
        while f"{y}-{m:02d}" <= last:
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    start = date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
    out = []
    while (label := period_of(start.isoformat(), "week")) <= last:  # type: ignore[operator]
        out.append(label)
        start = date.fromordinal(start.toordinal() + 7)
    return out


def who_met_whom(meetings: list[dict[str, Any]], top: int = 30) -> dict[str, Any]:
    """Posts (hosts) and organisations (guests) as nodes, an edge per pair that met with
    its number of meetings; only edges between the ``top`` busiest posts and the ``top``
    busiest organisations are kept (``edges_left_out`` says how many were not)."""
    edges: Counter = Counter()
    posts: dict[str, dict[str, Any]] = {}
    orgs: dict[str, dict[str, Any]] = {}
    for m in meetings:
        pairs = {(host_key(h), g["org_id"] or g["org"]) for h in m["hosts"]
                 for g in m["guests"] if g["org"]}
        for h in m["hosts"]:
            province = h.get("province") or h.get("meeting_province")
            posts.setdefault(host_key(h), {"key": host_key(h), "label": host_label(h),
                                           "province": province, "meetings": 0})
        for g in m["guests"]:
            if g["org"]:
                key = g["org_id"] or g["org"]
                orgs.setdefault(key, {"key": key, "label": g["org"],
                                      "label_en": g["org_en"], "kind": g["org_kind"],
                                      "meetings": 0})
        for p in {p for p, _ in pairs}:
            posts[p]["meetings"] += 1
        for o in {o for _, o in pairs}:
            orgs[o]["meetings"] += 1
        edges.update(pairs)
    keep_posts = sorted(posts.values(), key=lambda n: (-n["meetings"], n["key"]))[:top]
    keep_orgs = sorted(orgs.values(), key=lambda n: (-n["meetings"], n["key"]))[:top]
    keep_posts = [n for n in keep_posts if n["meetings"]]
    keep_orgs = [n for n in keep_orgs if n["meetings"]]
    kp, ko = {n["key"] for n in keep_posts}, {n["key"] for n in keep_orgs}
    kept = [{"post": p, "org": o, "meetings": n}
            for (p, o), n in sorted(edges.items(), key=lambda e: (-e[1], e[0]))
            if p in kp and o in ko]
    return {"posts": keep_posts, "orgs": keep_orgs, "edges": kept,
            "edges_left_out": len(edges) - len(kept)}


@dataclass(frozen=True)
class OrgVisits:
    key: str  # what was asked: a knowledge-base id, a ticker or a name
    ids: tuple[str, ...]  # the knowledge-base organisations it names
    names: tuple[str, ...]  # the organisation as the reports wrote it
    provinces: list[dict[str, Any]]  # per province: meetings, first and last day, topics
    meetings: list[dict[str, Any]]  # the newest, with summaries


def organisation(config: Config, key: str, limit: int = 100) -> OrgVisits:
    """Which provinces received the organisation ``key``, when, and about what."""
    key = key.strip()
    if not key:
        raise ProvwatchError("org: give an organisation's id, ticker or name")
    filters = Filters(org=key)
    every = facts(config, filters)
    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in every:
        by_province[m["province"] or ""].append(m)
    provinces = []
    for province, ms in by_province.items():
        days = sorted(m["day"] for m in ms if m["day"])
        topics = Counter(t for m in ms for t in m["topics"])
        provinces.append({
            "province": province or None,
            "name": PROVINCES.get(province, ("(national)", ""))[0] if province else "(none)",
            "meetings": len(ms), "first": days[0] if days else None,
            "last": days[-1] if days else None,
            "topics": [{"key": t, "name": SECTOR_NAMES.get(t, (t, ""))[0], "meetings": n}
                       for t, n in topics.most_common()],
            "hosts": sorted({host_label(h) for m in ms for h in m["hosts"]})})
    provinces.sort(key=lambda p: (-p["meetings"], p["province"] or ""))
    shown = newest(config, filters, limit) if every else []
    wanted = set(org_ids(key))
    names = sorted({g["org"] for m in every for g in m["guests"] if g["org"] and (
        g["org_id"] in wanted or key.lower() in (g["org"] + g["org_en"]).lower())})
    return OrgVisits(key, tuple(sorted(wanted)), tuple(names), provinces, shown)
