"""Meetings as the web app shows them: a page of the newest, counts per host and per guest
kind over time, who met whom (posts and organisations), and one organisation's visits.

Every function takes the filters of ``services.meetings`` (checked there, one-line errors
naming the filter) and counts a meeting two stories report once, as `provwatch meetings
stats` does: the database counts, leaving out second reports by their stored key
(storage.meeting_key), so charts over the whole archive read no meeting into Python; an
organisation's page reads its few meetings' lean rows (``repository.meeting_facts``).

Periods are China months (``2026-01``) or weeks (``2026-W02``, ISO) of the meeting's day.
A graph's post node is a roster post (``henan:secretary``, the province then the post);
a host off the roster stands for the title as written in the meeting's province
(``henan:省委书记``), or for its own name when neither is known. Beyond ``top`` nodes or
series, the rest is summed as ``other`` (series) or left out (graph, which says so).
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
    check_filters,
    distinct,
    meeting_json,
    org_ids,
    repository_filters,
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
                repository.newest_meetings(session, limit, **repository_filters(f))]
    return distinct(rows)[:limit]


def facts(config: Config, filters: Filters) -> list[dict[str, Any]]:
    """Every matching meeting, lean (no texts), each once, newest day first: the shape of
    meeting_json without place, verb and summaries."""
    f = check_filters(filters)
    with open_database(config.database_url, create=False)() as session:
        found = repository.meeting_facts(session, **repository_filters(f))
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
    return period_label(date.fromisoformat(day), period) if day else None


def period_label(d: date, period: str) -> str:
    """``2026-11`` (month) or ``2026-W47`` (ISO week) of a day."""
    if period == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{d.year}-{d.month:02d}"


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


def count(config: Config, filters: Filters) -> int:
    """How many meetings match, each once."""
    f = check_filters(filters)
    with open_database(config.database_url, create=False)() as session:
        return repository.count_first_reports(session, **repository_filters(f))


def timeline(config: Config, filters: Filters, by: str = "host", period: str = "month",
             top: int = 8) -> dict[str, Any]:
    """Meetings per period for each of the ``top`` busiest hosts (by name) or guest kinds;
    the rest summed as ``other``. ``periods`` run oldest first, with no gaps between the
    first and the last."""
    if by not in TIMELINE_BY:
        raise ProvwatchError(f"by: {by!r} is not one of {', '.join(TIMELINE_BY)}")
    if period not in PERIODS:
        raise ProvwatchError(f"period: {period!r} is not one of {', '.join(PERIODS)}")
    f = check_filters(filters)
    counts: dict[str, Counter] = defaultdict(Counter)
    with open_database(config.database_url, create=False)() as session:
        found = (repository.host_counts if by == "host" else repository.guest_kind_counts)(
            session, period, **repository_filters(f))
        for bucket, key, n in found:
            counts[key][_label(bucket, period)] += n
        ranked = sorted(counts, key=lambda k: (-sum(counts[k].values()), k))
        names = repository.host_names(session, ranked[:top]) if by == "host" else {}
    labels = {k: _host_series(k, names[k]) if k in names else k for k in ranked[:top]}
    periods = _span({p for c in counts.values() for p in c}, period)
    series = [{"key": k, "label": labels[k], "total": sum(counts[k].values()),
               "counts": [counts[k].get(p, 0) for p in periods]} for k in ranked[:top]]
    rest = ranked[top:]
    if rest:
        summed = [sum(counts[k].get(p, 0) for k in rest) for p in periods]
        series.append({"key": OTHER, "label": f"{len(rest)} others", "total": sum(summed),
                       "counts": summed})
    return {"by": by, "period": period, "periods": periods, "series": series}


def _label(bucket: Any, period: str) -> str:
    """The database's period (``YYYY-MM``, or a week's Monday) as shown: ``2026-11`` or
    ``2026-W47``."""
    return (period_label(date.fromisoformat(str(bucket)[:10]), "week") if period == "week"
            else str(bucket))


def _host_series(name: str, reading: tuple) -> str:
    """``韩立舟 Han Lizhou (Henan secretary)``."""
    pinyin, province, post, title, meeting_province = reading
    h = {"name": name, "pinyin": pinyin, "province": province, "post": post, "title": title,
         "meeting_province": meeting_province}
    return f"{name} {pinyin or ''}".strip() + f" ({host_label(h)})"


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
    while (label := period_label(start, "week")) <= last:
        out.append(label)
        start = date.fromordinal(start.toordinal() + 7)
    return out


def who_met_whom(config: Config, filters: Filters, top: int = 30) -> dict[str, Any]:
    """Posts (hosts) and organisations (guests) as nodes, an edge per pair that met with
    its number of meetings; only edges between the ``top`` busiest posts and the ``top``
    busiest organisations are kept (``edges_left_out`` says how many were not)."""
    f = check_filters(filters)
    with open_database(config.database_url, create=False)() as session:
        by_post: dict[str, set[int]] = defaultdict(set)
        by_org: dict[str, set[int]] = defaultdict(set)
        by_pair: Counter = Counter()  # the rows are distinct: one per pair and meeting
        for post, org, mid in repository.met_pairs(session, **repository_filters(f)):
            by_post[post].add(mid)
            by_org[org].add(mid)
            by_pair[post, org] += 1
        posts = sorted(((p, len(m)) for p, m in by_post.items()),
                       key=lambda r: (-r[1], r[0]))[:top]
        orgs = sorted(((o, len(m)) for o, m in by_org.items()),
                      key=lambda r: (-r[1], r[0]))[:top]
        names = repository.org_names(session, [k for k, _ in orgs])
    kp, ko = {k for k, _ in posts}, {k for k, _ in orgs}
    shown = [(p, o, n) for (p, o), n in by_pair.items() if p in kp and o in ko]
    kept = [{"post": p, "org": o, "meetings": n}
            for p, o, n in sorted(shown, key=lambda e: (-e[2], e[0], e[1]))]
    return {"posts": [{"key": k, "label": post_label(k), "province": _province_of(k),
                       "meetings": n} for k, n in posts],
            "orgs": [{"key": k, "label": names.get(k, (k, "", ""))[0],
                      "label_en": names.get(k, (k, "", ""))[1],
                      "kind": names.get(k, (k, "", ""))[2], "meetings": n}
                     for k, n in orgs],
            "edges": kept, "edges_left_out": len(by_pair) - len(kept)}


def post_label(key: str) -> str:
    """A post key (host_key) as read: ``henan:secretary`` -> ``Henan secretary``,
    ``henan:省委书记`` -> ``Henan 省委书记``; a name stays as it is."""
    province, colon, post = key.partition(":")
    return f"{_place(province)} {post}" if colon else key


def _province_of(key: str) -> str | None:
    province, colon, _ = key.partition(":")
    return province if colon else None


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
    provinces: list[dict[str, Any]] = []
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
