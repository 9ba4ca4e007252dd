"""Storage decides what is new, atomically: writers and dispatchers in real processes,
meeting at a barrier before each step, on SQLite and PostgreSQL.

Four writers each hold one copy of the same stories (two exact copies, two edited ones
that only the near-duplicate fingerprint joins) and store them at the same moment: one
story each, every copy counted, one delivery per story. Two dispatchers recover the same
message of a dead dispatcher at the same moment: it is sent once more, not twice.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from _barrier import SPAWN, at_barrier
from _pages import page
from conftest import make_config
from sqlalchemy import func, select

from provwatch.alerts.channels import ChannelSettings
from provwatch.alerts.dispatch import dispatch
from provwatch.alerts.watchlist import validate
from provwatch.crawler.processes import host_id
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article, Delivery, Send, Story, Watchlist

WRITERS = 4
PROVINCES = ["henan", "guangxi", "hubei", "zhejiang", "sichuan", "shandong"]
NAMES = ["河南", "广西", "湖北", "浙江", "四川", "山东"]
SUBJECTS = ["新能源汽车", "人工智能", "集成电路", "生物医药", "储能电池", "低空经济"]
COMPANIES = ["比亚迪", "科大讯飞", "中芯国际", "恒瑞医药", "宁德时代", "亿航智能"]
HOOK = "webhook:http://127.0.0.1:9/hook"


def _story(i: int) -> tuple[str, list[str]]:
    p, s, c = NAMES[i], SUBJECTS[i], COMPANIES[i]
    title = f"{p}省委书记会见{c}董事长一行 深化{s}合作"
    return title, [
        f"{p}省委书记在省会会见{c}董事长一行，双方就深化{s}领域合作进行深入交流。"
        f"{p}将发挥产业基础优势，支持{c}扩大投资，建设{s}研发制造基地，"
        f"计划总投资{120 + 37 * i}亿元。",
        f"会上，{c}负责人介绍了企业在{s}方面的技术进展和市场布局，表示将把{p}作为重要"
        f"战略支点，力争到{2027 + i % 3}年形成年产值{300 + 11 * i}亿元的{s}产业集群。",
    ]


def _copy(i: int, writer: int) -> str:
    """Writers 0 and 1 hold the same text; 2 and 3 an edited copy (a byline, a headline
    decoration) that only the near-duplicate fingerprint joins to the story."""
    title, paragraphs = _story(i)
    if writer >= 2:
        paragraphs = [f"（记者 张{'甲乙'[writer - 2]}）" + paragraphs[0], paragraphs[1]]
        title = "【要闻】" + title
    return page(title, paragraphs, date="2026-11-18 09:30")


def _line(i: int, writer: int) -> str:
    return json.dumps({"url": f"https://outlet{writer}.example/{i}.html",
                       "html": _copy(i, writer), "source_id": f"outlet{writer}"})


def _writer(database_url: str, data_dir: str, writer: int, barrier) -> None:
    """One ingest process: before each story, wait for the other writers."""
    from pathlib import Path

    config = make_config(Path(data_dir), database_url)
    for i in range(len(NAMES)):
        barrier.wait(timeout=120)
        report = ingest_service.ingest(config, io.StringIO(_line(i, writer) + "\n"), "w")
        assert report.stored == 1, (writer, i, report)


def test_writers_storing_copies_at_once_make_one_story_each_and_one_delivery(
        tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    spec = validate("all", provinces=PROVINCES, channels=[HOOK])
    watchlists_service.add_watchlist(
        config, dataclasses.replace(spec, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    at_barrier(_writer, lambda w: (database_url, str(tmp_path), w), WRITERS)

    sessions = open_database(database_url)
    with sessions() as session:
        articles = session.scalar(select(func.count(Article.id)))
        stories = session.execute(select(Story.id, Story.copy_count)).all()
        per_story = dict(session.execute(select(Article.story_id, func.count(Article.id))
                                         .group_by(Article.story_id)).all())
        deliveries = session.execute(select(Delivery.story_id, Delivery.channel)).all()
    assert articles == WRITERS * len(NAMES)
    assert len(stories) == len(NAMES)
    assert {sid: n for sid, n in stories} == per_story  # every copy counted
    assert set(per_story.values()) == {WRITERS}
    assert sorted(deliveries) == sorted((sid, HOOK) for sid, _ in stories)


def test_a_watchlist_removed_during_a_crawl_costs_no_article(tmp_path, database_url):
    """The crawl loaded both watchlists when it opened; one is removed before the matching
    article is stored: the article, its story and the other watchlist's delivery are kept."""
    from provwatch.pipelines.chain import Chain

    config = make_config(tmp_path, database_url)
    old = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for name in ("gone", "kept"):
        watchlists_service.add_watchlist(config, dataclasses.replace(
            validate(name, provinces=["henan"], channels=[HOOK]), created_at=old))
    errors: list[str] = []
    (item,) = ingest_service.read_pages([_line(0, 0)], "t", errors)
    with Chain(config.database_url) as chain:
        watchlists_service.remove_watchlist(config, "gone")
        assert chain.process(item) is not None
        assert dict(chain.dropped) == {}

    with open_database(database_url)() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        names = session.scalars(select(Watchlist.name).join(
            Delivery, Delivery.watchlist_id == Watchlist.id)).all()
    assert names == ["kept"]


_REFUSE_DELIVERIES = {
    "sqlite": ["CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
    "postgresql": ["CREATE FUNCTION refuse_deliveries() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; "
                   "END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_deliveries()"],
}


def test_a_constraint_the_store_does_not_expect_is_one_loud_line_and_keeps_the_article(
        tmp_path, database_url, caplog):
    """Only the canonical URL's key means "duplicate": any other violation (here a
    delivery the database refuses) is logged as an error, on one line with the driver's
    reason, and the article is stored again without what it would owe."""
    import logging

    from sqlalchemy import text

    from provwatch.pipelines.chain import Chain

    config = make_config(tmp_path, database_url)
    watchlists_service.add_watchlist(config, dataclasses.replace(
        validate("all", provinces=["henan"], channels=[HOOK]),
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    sessions = open_database(database_url)
    with sessions() as session:
        for statement in _REFUSE_DELIVERIES[session.get_bind().dialect.name]:
            session.execute(text(statement))
        session.commit()
    errors: list[str] = []
    (item,) = ingest_service.read_pages([_line(0, 0)], "t", errors)
    with caplog.at_level(logging.ERROR, logger="provwatch.pipelines.store"), \
            Chain(config.database_url) as chain:
        assert chain.process(item) is not None
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(said) == 1 and "broke a constraint (" in said[0], said
    assert "refused by the test" in said[0] and "\n" not in said[0]
    with sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        assert session.scalar(select(func.count(Delivery.id))) == 0


# --- two dispatchers recover one message --------------------------------------------------


def _dead_claimer() -> str:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return f"{host_id()}:{int(done.stdout)}"


def _dispatcher(database_url: str, barrier, meet) -> None:
    """One dispatch pass. With ``meet`` (PostgreSQL), both dispatchers first read the
    unconfirmed message, then meet, then try to take it over: the compare-and-set decides.
    SQLite lets one dispatcher at a time into that step, so there they only start together."""
    import provwatch.alerts.dispatch as dispatcher

    if meet is not None:
        dead = dispatcher._claimer_dead

        def read_then_meet(*args):
            meet.wait(timeout=120)
            return dead(*args)

        dispatcher._claimer_dead = read_then_meet
    barrier.wait(timeout=120)
    report = dispatch(open_database(database_url), ChannelSettings(webhook_timeout=10),
                      rate_limit=100)
    assert report.failed == 0, report.messages


def test_two_dispatchers_recovering_one_dead_claim_send_it_once(database_url,
                                                               webhook_receiver):
    """A dispatcher died between handing a message to the channel and confirming it. Two
    dispatchers start at the same moment (the daemon, and `provwatch alerts send` by
    hand): exactly one re-claims the message, and the receiver gets it once more."""
    hook = f"webhook:{webhook_receiver.url}"
    now = datetime.now(timezone.utc)
    sessions = open_database(database_url)
    with sessions() as session, session.begin():
        watchlist = Watchlist(name="nev", channels=[hook], created_at=now - timedelta(days=1))
        story = Story(title="河南新能源汽车项目", copy_count=1, first_seen_at=now)
        session.add_all([watchlist, story])
        session.flush()
        article = Article(canonical_url="https://news.example/1.html",
                          url="https://news.example/1.html", source_id="henan_gov",
                          title="河南新能源汽车项目", text="正文", content_hash="h1",
                          story_id=story.id, published_at=now, fetched_at=now)
        session.add(article)
        session.flush()
        send = Send(channel=hook, kind="alert", watchlist_id=watchlist.id, status="sending",
                    items=1, claimed_by=_dead_claimer(), created_at=now - timedelta(minutes=5))
        session.add(send)
        session.flush()
        session.add(Delivery(watchlist_id=watchlist.id, story_id=story.id,
                             article_id=article.id, channel=hook, status="sending",
                             attempts=1, next_attempt_at=now, send_id=send.id))

    barrier = SPAWN.Barrier(2)
    meet = SPAWN.Barrier(2) if database_url.startswith("postgresql") else None
    procs = [SPAWN.Process(target=_dispatcher, args=(database_url, barrier, meet))
             for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]

    assert len(webhook_receiver.requests) == 1
    with sessions() as session:
        assert session.scalars(select(Delivery.status)).all() == ["sent"]
        assert session.scalars(select(Send.status)).all() == ["sent"]
