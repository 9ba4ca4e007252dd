"""Meetings as a service: list (filtered), stats (counts and shares), remeet (re-derive).

Filters (every one optional, all must hold): province (a host's roster province or the
meeting's), host (name as written or pinyin), post (secretary | governor: a provincial
post held on the day), guest kind, organisation (a knowledge-base id, ticker or name, or
words of the organisation as written), sector (the meeting's topics, or a guest
organisation of that sector), since/until (the meeting's China day, inclusive).

A meeting two stories report (two outlets' own write-ups that dedupe kept apart: same
stated day, hosts and guests) is listed and counted once.

Stats group the matching meetings by host, province, guest kind, sector or organisation:
each group's meetings and its share of all matching meetings; a host or province also
counts its meetings by guest kind, and the share of its meetings with each kind; an
organisation counts the provinces that received it and their share of all provinces
that held a matching meeting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from provwatch.crawler import roster
from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.roster.changes import merged_rows
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Meeting
from provwatch.crawler.taxonomy import ORG_KINDS, PROVINCES, SECTOR_NAMES, did_you_mean, resolve
from provwatch.pipelines.meeting_rows import meeting_rows, story_province
from provwatch.pipelines.tagging import orgs as kb

GUEST_KINDS = (*sorted(ORG_KINDS), "foreign_government")  # in the order people read
POSTS = ("secretary", "governor")
STATS_BY = ("host", "province", "guest-kind", "sector", "org")


@dataclass(frozen=True)
class Filters:
    province: str | None = None
    host: str | None = None
    post: str | None = None
    guest_kind: str | None = None
    org: str | None = None
    sector: str | None = None
    since: date | None = None
    until: date | None = None


def check_filters(f: Filters) -> Filters:
    """Each value as its id; an unknown one is a one-line error naming the option."""
    province = sector = None
    if f.province:
        province = resolve("province", f.province)
        if province is None:
            raise ProvwatchError(f"--province: no province {f.province!r}"
                                 f"{did_you_mean('province', f.province)}")
    if f.sector:
        sector = resolve("sector", f.sector)
        if sector is None:
            raise ProvwatchError(f"--sector: no sector {f.sector!r}"
                                 f"{did_you_mean('sector', f.sector)}")
    if f.post and f.post not in POSTS:
        raise ProvwatchError(f"--post: {f.post!r} is not one of {', '.join(POSTS)}")
    kind = (f.guest_kind or "").replace("-", "_") or None
    if kind and kind not in GUEST_KINDS:
        raise ProvwatchError(f"--guest-kind: {f.guest_kind!r} is not one of "
                             f"{', '.join(GUEST_KINDS)}")
    if f.since and f.until and f.since > f.until:
        raise ProvwatchError("--since is after --until")
    return Filters(province, f.host, f.post, kind, f.org, sector, f.since, f.until)


def org_ids(value: str) -> list[str]:
    """Knowledge-base organisations a --org value names: id, ticker (with or without its
    exchange) or one of its names, case-insensitive."""
    key = value.strip().lower()
    out = []
    for o in kb.load().orgs.values():
        tickers = {t.lower() for t in o.tickers} | {t.split(":")[-1].split(".")[0].lower()
                                                    for t in o.tickers}
        if key == o.id or key in tickers or key in {n.lower() for n in o.names}:
            out.append(o.id)
    return out


def repository_filters(f: Filters) -> dict[str, Any]:
    """The repository's meeting filters (``repository.filter_meetings``) for ``f``: an
    organisation's name or a sector read as the organisation ids it stands for."""
    ids = org_ids(f.org) if f.org else []
    sector_ids = [o.id for o in kb.load().orgs.values() if f.sector in o.sectors] \
        if f.sector else []
    return {"province": f.province, "host": f.host, "post": f.post,
            "guest_kind": f.guest_kind, "org_ids": ids, "org_text": f.org or None,
            "sector": f.sector, "sector_org_ids": sector_ids, "since": f.since,
            "until": f.until}


def meeting_json(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id, "story_id": m.story_id, "article_id": m.article_id,
        "day": m.day.isoformat() if m.day else None, "date_stated": m.date_stated,
        "province": m.province, "place": m.place, "verb": m.verb,
        "topics": m.topics.split(),
        "hosts": [{"name": h.name, "title": h.title, "province": h.province, "level": h.level,
                   "city": h.city, "post": h.post, "pinyin": h.pinyin} for h in m.hosts],
        "guests": [{"name": g.name, "title": g.title, "org": g.org, "org_id": g.org_id,
                    "org_kind": g.org_kind, "org_en": g.org_en} for g in m.guests],
        "summary_en": m.summary_en, "summary_zh": m.summary_zh,
    }


CSV_FIELDS = ("day", "province", "hosts", "guests", "orgs", "org_kinds", "topics", "place",
              "summary_en", "summary_zh", "story_id", "id")


def csv_row(m: dict[str, Any]) -> dict[str, Any]:
    """A meeting as one flat CSV row; several hosts or guests joined with "; "."""
    return {
        "day": m["day"] or "", "province": m["province"] or "",
        "hosts": "; ".join(f"{h['title']}{h['name']}" for h in m["hosts"]),
        "guests": "; ".join(f"{g['org']}{g['title']}{g['name']}" for g in m["guests"]),
        "orgs": "; ".join(g["org_id"] or g["org"] for g in m["guests"] if g["org"]),
        "org_kinds": "; ".join(g["org_kind"] for g in m["guests"] if g["org_kind"]),
        "topics": " ".join(m["topics"]), "place": m["place"], "summary_en": m["summary_en"],
        "summary_zh": m["summary_zh"], "story_id": m["story_id"], "id": m["id"],
    }


def list_meetings(config: Config, filters: Filters, limit: int | None = 100
                  ) -> list[dict[str, Any]]:
    """Matching meetings, newest day first; one meeting reported by two stories (two
    outlets' own write-ups that dedupe kept apart) is listed once, as its first story."""
    f = check_filters(filters)
    with open_database(config.database_url, create=False)() as session:
        rows = [meeting_json(m) for m in repository.find_meetings(session, **repository_filters(f))]
    return distinct(rows)[:limit] if limit else distinct(rows)


def distinct(meetings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One meeting per (stated day, hosts, guests' organisations or names); a meeting
    whose day the text did not state is never merged."""
    seen: dict[tuple, dict[str, Any]] = {}
    out = []
    for m in meetings:
        if not m["date_stated"]:
            out.append(m)
            continue
        key = (m["day"], frozenset(h["name"] for h in m["hosts"]),
               frozenset(g["org_id"] or g["org"] or g["name"] for g in m["guests"]))
        first = seen.get(key)
        if first is None or m["story_id"] < first["story_id"]:
            if first is not None:
                out.remove(first)
            seen[key] = m
            out.append(m)
    return out


def meeting_stats(config: Config, filters: Filters, by: str = "host") -> list[dict[str, Any]]:
    if by not in STATS_BY:
        raise ProvwatchError(f"--by: {by!r} is not one of {', '.join(STATS_BY)}")
    return stats_of(list_meetings(config, filters, limit=None), by)


def stats_of(meetings: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Counts and shares of ``meetings`` (meeting_json dicts) grouped ``by``."""
    total = len(meetings)
    groups: dict[Any, list[dict]] = defaultdict(list)
    for m in meetings:
        for key in _keys(m, by):
            groups[key].append(m)
    provinces_all = {m["province"] for m in meetings if m["province"]}
    rows = []
    for key, ms in groups.items():
        row: dict[str, Any] = {**_label(key, by), "meetings": len(ms),
                               "share": round(len(ms) / total, 3) if total else 0.0}
        if by in ("host", "province"):
            kinds = Counter(k for m in ms for k in {g["org_kind"] for g in m["guests"]} if k)
            row["by_guest_kind"] = dict(sorted(kinds.items()))
            # of this host's (province's) meetings, the share that received each kind
            row["guest_kind_share"] = {k: round(n / len(ms), 3) for k, n in
                                       sorted(kinds.items())}
        if by == "org":
            provinces = {m["province"] for m in ms if m["province"]}
            row["provinces"] = len(provinces)
            row["province_share"] = (round(len(provinces) / len(provinces_all), 3)
                                     if provinces_all else 0.0)
        rows.append(row)
    order = "provinces" if by == "org" else "meetings"
    rows.sort(key=lambda r: (-r[order], -r["meetings"], str(r.get("key"))))
    return rows


def _keys(m: dict[str, Any], by: str) -> set:
    if by == "host":
        return {(h["name"], h["province"], h["post"], h["pinyin"]) for h in m["hosts"]}
    if by == "province":
        return {m["province"] or "(national)"}
    if by == "guest-kind":
        return {g["org_kind"] for g in m["guests"] if g["org_kind"]}
    if by == "sector":
        return set(m["topics"])
    return {(g["org_id"] or g["org"], g["org_en"], g["org_kind"]) for g in m["guests"]
            if g["org"]}


def _label(key: Any, by: str) -> dict[str, Any]:
    if by == "host":
        name, province, post, pinyin = key
        return {"key": name, "pinyin": pinyin, "province": province, "post": post}
    if by == "province":
        return {"key": key, "name": PROVINCES.get(key, ("national", ""))[0]}
    if by == "org":
        org, org_en, kind = key
        return {"key": org, "org_en": org_en, "org_kind": kind}
    if by == "sector":
        return {"key": key, "name": SECTOR_NAMES.get(key, (key, ""))[0]}
    return {"key": key}


@dataclass
class RemeetReport:
    stories: int = 0
    changed: int = 0
    meetings: int = 0


def remeet(config: Config, since: datetime | date | None = None) -> RemeetReport:
    """Derive every stored story's meetings again from its first copy (after the extractor,
    the roster or the knowledge base changed); each batch of stories in one transaction,
    each story's set replaced whole."""
    if isinstance(since, date) and not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day, tzinfo=SHANGHAI)
    sessions = open_database(config.database_url, create=False)
    report = RemeetReport()
    after = 0
    with sessions() as session:  # hosts resolve against the roster with applied changes
        book = merged_rows(roster.load(), repository.applied_roster_changes(session))
    while True:
        with transaction(sessions) as session:
            articles = repository.stories_to_remeet(session, since, after_story=after,
                                                    batch=200)
            if not articles:
                break
            for a in articles:
                province = story_province(
                    ((a.meta or {}).get("tagged_from") or {}).get("source_province"),
                    [t.value for t in a.tags if t.kind == "province" and t.role == "about"])
                rows = meeting_rows(a.title or "", a.text or "", a.published_at, province,
                                    book)
                old = [_comparable(meeting_json(m)) for m in
                       repository.story_meetings(session, a.story_id)]
                report.stories += 1
                report.meetings += len(rows)
                if old != [_comparable(r) for r in rows]:
                    report.changed += 1
                    repository.replace_meetings(session, a.story_id, a.id, rows)
            after = articles[-1].story_id
    return report


def _comparable(m: dict[str, Any]) -> tuple:
    day = m["day"].isoformat() if isinstance(m["day"], date) else m["day"]
    hosts = tuple(tuple((h.get(k) or "") for k in ("name", "title", "province", "post"))
                  for h in m["hosts"])
    guests = tuple(tuple((g.get(k) or "") for k in ("name", "title", "org", "org_id",
                                                    "org_kind")) for g in m["guests"])
    topics = m["topics"] if isinstance(m["topics"], list) else m["topics"].split()
    return (day, m["province"] or "", m["place"], hosts, guests, tuple(topics),
            m["summary_en"])
