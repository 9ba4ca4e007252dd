"""The web's meeting counts, made by the database, count what `provwatch meetings stats`
counts in Python: a second report of one meeting (another story, same stated day, hosts
and guests) once, a meeting whose day was not stated never merged; on SQLite and
PostgreSQL, with meetings stored through the real write path (replace_meetings)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
from alembic import command
from conftest import make_config
from sqlalchemy import text

from provwatch.crawler.services import meeting_views
from provwatch.crawler.services.meetings import Filters, list_meetings, meeting_stats
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import alembic_config, make_engine, open_database, transaction
from provwatch.crawler.storage.meeting_key import meeting_key
from provwatch.crawler.storage.models import Story

HOSTS = [("韩立舟", "省委书记", None, None), ("宋景川", "省长", None, None),
         ("王凯", "省长", "henan", "governor")]
GUESTS = [("比亚迪股份有限公司", "byd", "private_company", "BYD"),
          ("华为技术有限公司", "huawei", "private_company", "Huawei"),
          ("武汉大学", "whu", "university", "Wuhan University"),
          ("某某科技公司", None, "private_company", "")]


def _meeting(rng: random.Random, n: int) -> dict:
    hosts = rng.sample(HOSTS, rng.choice((1, 2)))
    guests = rng.sample(GUESTS, rng.choice((1, 2)))
    return {"day": date(2026, 1, 1) + timedelta(days=rng.randrange(90)),
            "date_stated": n % 7 != 0, "province": rng.choice(("henan", "hubei")),
            "verb": "会见", "topics": rng.sample(["nev", "ai", "semiconductors"], 1),
            "summary_en": f"meeting {n}", "summary_zh": f"会见 {n}",
            "hosts": [{"name": name, "title": title, "province": province, "post": post,
                       "level": "province" if post else None, "pinyin": ""}
                      for name, title, province, post in hosts],
            "guests": [{"name": "", "title": "董事长", "org": org, "org_id": org_id,
                        "org_kind": kind, "org_en": en} for org, org_id, kind, en in guests]}


@pytest.fixture
def stored(database_url, tmp_path):
    """60 stories' meetings; every fourth story also reports the meeting of the story
    before it (its own write-up: same day, hosts, guests), stated day or not."""
    rng = random.Random(20)
    sessions = open_database(database_url)
    with transaction(sessions) as session:
        stories = [Story(title=f"s{n}", copy_count=1) for n in range(60)]
        session.add_all(stories)
        session.flush()
        last = None
        for n, story in enumerate(stories):
            m = dict(last, summary_en=f"again {n}") if last and n % 4 == 0 else _meeting(rng, n)
            repository.replace_meetings(session, story.id, None, [m])
            last = m
    return make_config(tmp_path, database_url)


@pytest.mark.parametrize("filters", [Filters(), Filters(province="henan"),
                                     Filters(guest_kind="private_company"),
                                     Filters(org="BYD"), Filters(since=date(2026, 2, 1))],
                         ids=["all", "province", "guest-kind", "org", "since"])
def test_counts_per_guest_kind_and_host_are_those_of_meetings_stats(stored, filters):
    listed = list_meetings(stored, filters, limit=None)
    kinds = meeting_views.timeline(stored, filters, "guest-kind", top=50)
    hosts = meeting_views.timeline(stored, filters, "host", top=50)
    by_name: dict[str, int] = defaultdict(int)
    for row in meeting_stats(stored, filters, by="host"):
        by_name[row["key"]] += row["meetings"]

    assert meeting_views.count(stored, filters) == len(listed) > 0
    if filters == Filters():  # second reports were stored, and are not counted
        with open_database(stored.database_url)() as session:
            assert repository.count_meetings(session) > len(listed)
    assert {s["key"]: s["total"] for s in kinds["series"]} == {
        r["key"]: r["meetings"] for r in meeting_stats(stored, filters, by="guest-kind")}
    assert {s["key"]: s["total"] for s in hosts["series"]} == dict(by_name)


def test_who_met_whom_counts_each_meeting_of_a_post_and_an_organisation_once(stored):
    listed = list_meetings(stored, Filters(), limit=None)
    posts: dict[str, set] = defaultdict(set)
    orgs: dict[str, set] = defaultdict(set)
    pairs: dict[tuple, set] = defaultdict(set)
    for m in listed:
        for h in m["hosts"]:
            post = f"{h['province']}:{h['post']}" if h["post"] else \
                f"{m['province']}:{h['title']}"
            for g in m["guests"]:
                posts[post].add(m["id"])
                orgs[g["org_id"] or g["org"]].add(m["id"])
                pairs[post, g["org_id"] or g["org"]].add(m["id"])

    graph = meeting_views.who_met_whom(stored, Filters(), top=100)

    assert {n["key"]: n["meetings"] for n in graph["posts"]} == \
        {k: len(v) for k, v in posts.items()}
    assert {n["key"]: n["meetings"] for n in graph["orgs"]} == \
        {k: len(v) for k, v in orgs.items()}
    assert {n["label"] for n in graph["posts"]} >= {"Henan governor", "Henan 省委书记"}
    assert {(e["post"], e["org"]): e["meetings"] for e in graph["edges"]} == \
        {k: len(v) for k, v in pairs.items()}
    assert graph["edges_left_out"] == 0


def test_a_month_and_a_week_are_periods_without_gaps(stored):
    months = meeting_views.timeline(stored, Filters(), "guest-kind", "month")
    weeks = meeting_views.timeline(stored, Filters(), "guest-kind", "week")

    assert months["periods"] == ["2026-01", "2026-02", "2026-03"]
    assert weeks["periods"][0] == "2026-W01" and len(weeks["periods"]) == len(
        set(weeks["periods"])) >= 12
    for data in (months, weeks):
        totals = {s["key"]: sum(s["counts"]) for s in data["series"]}
        assert totals == {s["key"]: s["total"] for s in data["series"]}


def test_the_migration_gives_stored_meetings_their_key(tmp_path, database_url):
    """Meetings stored before 0017 get the key the write path gives: two reports of one
    meeting one key, a meeting whose day was not stated none."""
    engine = make_engine(database_url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0012")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO stories (id, first_seen_at, copy_count, title) VALUES "
                          "(1, :t, 1, 'a'), (2, :t, 1, 'b'), (3, :t, 1, 'c')"),
                     {"t": datetime(2026, 1, 5, tzinfo=timezone.utc)})
        for mid, story, stated in ((1, 1, True), (2, 2, True), (3, 3, False)):
            conn.execute(text(
                "INSERT INTO meetings (id, story_id, ordinal, day, date_stated, place, verb, "
                "topics, sentence, summary_en, summary_zh, derived_at) VALUES "
                "(:id, :story, 0, :day, :stated, '', '会见', '', '', '', '', :t)"),
                {"id": mid, "story": story, "day": date(2026, 1, 5), "stated": stated,
                 "t": datetime(2026, 1, 5, tzinfo=timezone.utc)})
            conn.execute(text("INSERT INTO meeting_hosts (meeting_id, ordinal, name, title, "
                              "pinyin) VALUES (:id, 0, '韩立舟', '省委书记', '')"), {"id": mid})
            conn.execute(text("INSERT INTO meeting_guests (meeting_id, ordinal, name, title, "
                              "org, org_id, org_kind, org_en) VALUES "
                              "(:id, 0, '', '董事长', '比亚迪', 'byd', 'private_company', 'BYD')"),
                         {"id": mid})
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT id, dedupe_key FROM meetings")).all())
    engine.dispose()
    expected = meeting_key(date(2026, 1, 5), True, [{"name": "韩立舟"}],
                           [{"org_id": "byd", "org": "比亚迪"}])
    assert keys == {1: expected, 2: expected, 3: None}
