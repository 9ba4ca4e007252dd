"""Fill a scratch database for bench/web_pages.py: articles, stories, tags, meetings with
hosts and guests, watchlists, deliveries, sources and crawl runs, all made up but shaped
like the archive (Chinese titles and texts naming provinces and sectors, syndicated copies,
two years of days), in bulk: COPY on PostgreSQL, executemany of prepared rows on SQLite.

Rows go in through the driver, not the ORM: 1,000,000 tag rows through SQLAlchemy's
per-row type handling take minutes; this takes seconds. Times are UTC; SQLite keeps them as
SQLAlchemy writes them (``YYYY-MM-DD HH:MM:SS.ffffff``), so the app reads them back alike.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.meeting_key import meeting_key
from provwatch.crawler.taxonomy import EVENTS, PROVINCES, SECTOR_NAMES, SECTORS
from provwatch.pipelines.tagging import orgs as kb

NOW = datetime(2026, 12, 6, 6, tzinfo=timezone.utc)
SPAN = timedelta(days=730)
WORDS = ("推进", "高质量发展", "招商引资", "项目签约", "产业链", "座谈会", "调研", "实施方案",
         "重点项目", "开工", "数字经济", "营商环境", "科技创新", "对外开放", "人才引进")
HOSTS = (("省委书记", "secretary"), ("省长", "governor"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国立华志强文明海波振宇晓东伟明德春雷"


class Bulk:
    """Append rows to a table through the driver: COPY (PostgreSQL) or executemany."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"

    def rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        n = 0
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            if self.pg:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([self._pg(v) for v in row])
                        n += 1
            else:
                sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
                       f"VALUES ({', '.join('?' * len(columns))})")
                for chunk in _chunks(rows, 50_000):
                    cur.executemany(sql, [[self._sqlite(v) for v in row] for row in chunk])
                    n += len(chunk)
            raw.commit()
        finally:
            raw.close()
        return n

    @staticmethod
    def _pg(v: Any) -> Any:
        return json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v

    @staticmethod
    def _sqlite(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, (dict, list)):
            return json.dumps(v, ensure_ascii=False)
        return v


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def fill(engine: Engine, articles: int, meetings: int, tags_per_article: int = 10,
         seed: int = 20) -> dict[str, int]:
    """Fill the (migrated, empty) database; how many rows went into each table."""
    rng = random.Random(seed)
    bulk = Bulk(engine)
    provinces = sorted(PROVINCES)
    sources = [s.id for s in load_catalog()]
    orgs = sorted(kb.load().orgs.values(), key=lambda o: o.id)
    # article i: its story, province, sectors, time; every fifth is a copy of the last story
    story_of, plan = [], []
    stories: list[tuple[int, int, datetime, int, str]] = []  # id, first, seen, copies, title
    for i in range(1, articles + 1):
        when = NOW - SPAN * (1 - i / articles) + timedelta(minutes=rng.randrange(60))
        province = rng.choice(provinces)
        sectors = rng.sample(SECTORS, 3)
        title = (f"{PROVINCES[province][1]}{SECTOR_NAMES[sectors[0]][1]}"
                 f"{rng.choice(WORDS)}{rng.choice(WORDS)}（第{i}号）")
        if i % 5 == 0 and stories:
            sid, first, seen, copies, stitle = stories[-1]
            stories[-1] = (sid, first, seen, copies + 1, stitle)
        else:
            stories.append((len(stories) + 1, i, when, 1, title))
        story_of.append(stories[-1][0])
        plan.append((when, province, sectors, title))
    counts = {"stories": bulk.rows(
        "stories", ("id", "first_article_id", "first_seen_at", "copy_count", "title"),
        stories)}
    counts["articles"] = bulk.rows(
        "articles", ("id", "canonical_url", "url", "source_id", "title", "text", "lang",
                     "published_at", "date_precision", "fetched_at", "content_hash",
                     "story_id", "meta"),
        ((i, f"https://bench.example/{i}", f"https://bench.example/{i}",
          sources[i % len(sources)], t, _body(rng, p, s), "zh", w, "minute", w,
          f"{i:064x}", story_of[i - 1], {})
         for i, (w, p, s, t) in enumerate(plan, 1)))
    counts["tags"] = bulk.rows(
        "tags", ("article_id", "kind", "value", "role", "score"),
        (row for i, (_, p, s, _) in enumerate(plan, 1)
         for row in _tags(rng, i, p, s, provinces, orgs)[:tags_per_article]))
    counts.update(_meetings(bulk, rng, meetings, plan, story_of, orgs))
    counts.update(_outbox(bulk, engine, rng, sources, len(stories), stories))
    counts["attention_marks"] = _marks(engine, len(stories))
    # SQLite's search index takes the articles from its backlog, as a crawl's end does
    counts["indexed_for_search"] = repository.index_whole_backlog(sessionmaker(engine))
    if bulk.pg:
        with engine.begin() as conn:
            for table in ("stories", "articles", "tags", "meetings", "deliveries"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return counts


def _marks(engine: Engine, stories: int) -> int:
    """The attention views' marks (repository.refresh_marks, as the store transaction
    writes them), for every story."""
    with Session(engine) as session:
        for start in range(1, stories + 1, 2000):
            repository.refresh_marks(session, range(start, min(start + 2000, stories + 1)))
            session.commit()
        return session.scalar(text("SELECT count(*) FROM attention_marks")) or 0


def _body(rng: random.Random, province: str, sectors: list[str]) -> str:
    names = [SECTOR_NAMES[s][1] for s in sectors]
    return "。".join(f"{PROVINCES[province][1]}{rng.choice(WORDS)}{rng.choice(names)}"
                    f"{rng.choice(WORDS)}" for _ in range(12)) + "。"


def _tags(rng, i, province, sectors, provinces, orgs) -> list[tuple]:
    others = rng.sample(provinces, 2)
    return [(i, "province", province, "about", 1.0),
            (i, "province", others[0], "mentioned", 0.5),
            (i, "province", others[1], "mentioned", 0.4),
            (i, "sector", sectors[0], "", round(rng.uniform(0.6, 1.0), 2)),
            (i, "sector", sectors[1], "", round(rng.uniform(0.3, 0.6), 2)),
            (i, "sector", sectors[2], "", round(rng.uniform(0.1, 0.3), 2)),
            (i, "event", rng.choice(EVENTS), "", 1.0),
            (i, "person", rng.choice(SURNAMES) + rng.choice(GIVEN), "", 1.0),
            (i, "org", rng.choice(orgs).id, "", 1.0),
            (i, "org", rng.choice(orgs).id, "", 1.0)]


def _meetings(bulk: Bulk, rng, n, plan, story_of, orgs) -> dict[str, int]:
    rows, hosts, guests = [], [], []
    taken = set()
    last: tuple = ()
    for mid in range(1, min(n, len(set(story_of))) + 1):
        a = rng.randrange(len(plan))
        while story_of[a] in taken:
            a = (a + 1) % len(plan)
        taken.add(story_of[a])
        when, province, sectors, _ = plan[a]
        day = (when + timedelta(hours=8)).date()
        met = rng.sample(orgs, rng.choice((1, 1, 2)))
        zh, en = PROVINCES[province][1], PROVINCES[province][0]
        met_hosts = [{"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "title": title,
                      "post": post} for title, post in HOSTS[:rng.choice((1, 2))]]
        if mid % 20 == 0:  # another outlet's own report of the meeting before
            day, province, met, met_hosts = last
            zh, en = PROVINCES[province][1], PROVINCES[province][0]
        last = (day, province, met, met_hosts)
        met_guests = [{"org": o.name, "org_id": o.id} for o in met]
        rows.append((mid, story_of[a], 0, a + 1, day, True, province, "", "会见",
                     f" {' '.join(sectors[:2])} ", "", f"{en} leaders met "
                     + " and ".join(o.names[-1] for o in met), f"{zh}领导会见"
                     + "、".join(o.name for o in met), NOW,
                     meeting_key(day, True, met_hosts, met_guests)))
        for k, h in enumerate(met_hosts):
            hosts.append((mid, k, h["name"], h["title"], province, "province", h["post"],
                          h["name"]))
        for k, o in enumerate(met):
            guests.append((mid, k, "", "董事长", o.name, o.id, o.kind, o.names[-1]))
    return {
        "meetings": bulk.rows("meetings", (
            "id", "story_id", "ordinal", "article_id", "day", "date_stated", "province",
            "place", "verb", "topics", "sentence", "summary_en", "summary_zh", "derived_at",
            "dedupe_key"),
            rows),
        "meeting_hosts": bulk.rows("meeting_hosts", (
            "meeting_id", "ordinal", "name", "title", "province", "level", "post", "pinyin"),
            hosts),
        "meeting_guests": bulk.rows("meeting_guests", (
            "meeting_id", "ordinal", "name", "title", "org", "org_id", "org_kind", "org_en"),
            guests)}


def _outbox(bulk: Bulk, engine, rng, sources, n_stories, stories) -> dict[str, int]:
    names = [f"watch-{k:02d}" for k in range(20)]
    bulk.rows("watchlists", ("id", "name", "provinces", "sectors", "keywords", "channels",
                             "created_at"),
              ((k + 1, name, [rng.choice(sorted(PROVINCES))], [rng.choice(SECTORS)], [],
                [f"webhook:https://hooks.example.com/{name}?token=s3cr3t-{k}"], NOW - SPAN)
               for k, name in enumerate(names)))
    deliveries = []
    for d in range(1, 20_001):
        sid, first, seen, _, _ = stories[(d * 7) % n_stories]
        status = "failed" if d % 50 == 0 else "pending" if d % 97 == 0 else "sent"
        deliveries.append((d, 1 + d % 20, sid, first, f"webhook:https://hooks.example.com/"
                           f"w{d % 20}/{d}?token=s3cr3t", status, 1 if status == "sent" else 5,
                           "HTTP 500 from hooks.example.com" if status == "failed" else None,
                           seen, seen, seen if status == "sent" else None))
    runs = []
    for r in range(1, 20_001):
        started = NOW - timedelta(minutes=10 * r)
        outcome = "failed" if r % 23 == 0 else "ok"
        runs.append((sources[r % len(sources)], started, started + timedelta(seconds=12),
                     outcome, 5, 1, 0, 0, {}, "timeout after 30 s" if outcome != "ok" else None))
    states = [(s, {}, NOW, NOW, 0, "ok", NOW + timedelta(hours=1)) for s in sources]
    return {
        "deliveries": bulk.rows("deliveries", (
            "id", "watchlist_id", "story_id", "article_id", "channel", "status", "attempts",
            "last_error", "created_at", "next_attempt_at", "sent_at"), deliveries),
        "crawl_runs": bulk.rows("crawl_runs", (
            "source_id", "started_at", "finished_at", "outcome", "pages", "new_articles",
            "duplicates", "errors", "dropped", "error_message"), runs),
        "sources": bulk.rows("sources", (
            "id", "validators", "last_run_at", "last_success_at", "consecutive_failures",
            "health", "next_due_at"), states)}
