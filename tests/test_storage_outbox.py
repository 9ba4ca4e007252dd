"""The storage path (through `ingest`'s chain) and the outbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime, timedelta, timezone

from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page
from conftest import make_config
from sqlalchemy import func, select

from provwatch.alerts.channels import ChannelSettings
from provwatch.alerts.dispatch import dispatch
from provwatch.alerts.watchlist import validate
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Delivery, Story


def _before_the_articles(spec):
    """Watchlists here predate the test pages (the default holds back older articles)."""
    return dataclasses.replace(spec, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))


def _lines(*pages):
    return io.StringIO("".join(json.dumps({"url": u, "html": h, "source_id": s}) + "\n"
                               for u, h, s in pages))


def _watch(config, name, **fields):
    watchlists_service.add_watchlist(config, _before_the_articles(validate(name, **fields)))


def test_ingest_stores_articles_with_tags_and_a_story_each(tmp_path, database_url):
    config = make_config(tmp_path, database_url)

    report = ingest_service.ingest(config, _lines(
        ("https://gov.example/a/1.html", page(*HENAN_NEV), "gov"),
        ("https://wire.example/2026/1.html", page(*ENGLISH_HAINAN), "wire"),
    ), "test")

    assert (report.read, report.stored) == (2, 2)
    rows = {r["url"]: r for r in articles_service.list_articles(config)}
    henan = rows["https://gov.example/a/1.html"]
    assert henan["provinces_about"] == ["henan"] and "nev" in henan["sectors"]
    assert henan["event"] == "leader_meeting"
    assert henan["published_at"] == "2026-11-18T01:30:00Z"
    assert rows["https://wire.example/2026/1.html"]["provinces_about"] == ["hainan"]
    assert len({r["story_id"] for r in rows.values()}) == 2


def test_the_same_url_twice_is_stored_once_even_with_tracking_parameters(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    html = page(*HENAN_NEV)

    report = ingest_service.ingest(config, _lines(
        ("https://gov.example/a/1.html", html, "gov"),
        ("https://GOV.example:443/a/1.html?utm_source=x#top", html, "gov"),
    ), "test")

    assert report.stored == 1 and report.dropped == {"duplicate_url": 1}


def test_a_syndicated_copy_joins_the_story_and_owes_no_second_alert(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _watch(config, "nev-henan", provinces=["henan"], sectors=["nev"],
           channels=["email:a@example.test"])
    original = page(*HENAN_NEV)
    copy = page(HENAN_NEV[0], HENAN_NEV[1], date="2026-11-18 11:00").replace(
        "示范省人民政府门户网站", "示范日报网")

    ingest_service.ingest(config, _lines(("https://gov.example/a/1.html", original, "gov")), "a")
    ingest_service.ingest(config, _lines(("https://paper.example/c/9.htm", copy, "paper")), "b")

    sessions = open_database(config.database_url)
    with sessions() as session:
        stories = session.scalars(select(Story)).all()
        deliveries = session.scalars(select(Delivery)).all()
        outlets = repository.story_outlets(session, stories[0].id)
    assert len(stories) == 1 and stories[0].copy_count == 2
    assert outlets == ["gov", "paper"]
    assert len(deliveries) == 1


def test_each_matching_watchlist_and_channel_owes_one_delivery(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _watch(config, "henan", provinces=["henan"], channels=["email:a@x.test", "webhook:http://127.0.0.1:9/h"])
    _watch(config, "ai", sectors=["ai"], channels=["email:a@x.test"])
    _watch(config, "asean", keywords=["东盟", "ASEAN"], channels=["email:b@x.test"])

    ingest_service.ingest(config, _lines(("https://gov.example/a/1.html", page(*HENAN_NEV), "gov"),
                              ("https://gov.example/a/2.html", page(*GUANGXI_AI), "gov")), "t")

    with open_database(config.database_url)() as session:
        owed = sorted((d.watchlist_id, d.channel) for d in session.scalars(select(Delivery)))
        names = {w.id: w.name for w in repository.watchlists(session)}
    assert [(names[w], c) for w, c in owed] == [
        ("henan", "email:a@x.test"), ("henan", "webhook:http://127.0.0.1:9/h"),
        ("ai", "email:a@x.test"), ("asean", "email:b@x.test")]


def test_a_page_with_no_text_and_bad_lines_are_reported_not_stored(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    empty = "<html><body><div class='nav'><a href='/'>首页</a></div><img src='x.jpg'></body></html>"
    stream = io.StringIO(
        json.dumps({"url": "https://gov.example/empty.html", "html": empty}) + "\n"
        "{not json\n" + json.dumps({"html": "<p>no url</p>"}) + "\n")

    report = ingest_service.ingest(config, stream, "pages.jsonl")

    assert report.stored == 0 and report.dropped == {"no_text": 1}
    assert report.errors == ["pages.jsonl:2: not JSON: Expecting property name enclosed in "
                             "double quotes", "pages.jsonl:3: needs at least 'url' and 'html'"]


def test_the_outbox_row_is_unique_per_watchlist_story_and_channel(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _watch(config, "henan", provinces=["henan"], channels=["email:a@x.test"])
    ingest_service.ingest(config, _lines(("https://gov.example/a/1.html", page(*HENAN_NEV), "gov")), "t")
    sessions = open_database(config.database_url)
    with transaction(sessions) as session:
        d = session.scalars(select(Delivery)).one()
        again = repository.enqueue(session, d.watchlist_id, d.story_id, d.article_id, d.channel)
    with sessions() as session:
        count = session.scalar(select(func.count(Delivery.id)))
    assert again is False and count == 1


def test_dispatch_sends_each_delivery_once_and_retries_a_failing_channel(
        tmp_path, database_url, smtp_server, webhook_receiver):
    config = make_config(tmp_path, database_url)
    _watch(config, "henan", provinces=["henan"],
           channels=["email:analyst@x.test", f"webhook:{webhook_receiver.url}"])
    ingest_service.ingest(config, _lines(("https://gov.example/a/1.html", page(*HENAN_NEV), "gov")), "t")
    settings = ChannelSettings(smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                               webhook_secret="s3cret")
    sessions = open_database(config.database_url)
    webhook_receiver.statuses = [500]

    first = dispatch(sessions, settings, max_attempts=3)
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    second = dispatch(sessions, settings, max_attempts=3, now=later)
    third = dispatch(sessions, settings, max_attempts=3, now=later + timedelta(hours=1))

    assert (first.sent, first.retrying) == (1, 1)
    assert (second.sent, second.retrying) == (1, 0)
    assert (third.sent, third.retrying, third.failed) == (0, 0, 0)
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0].message
    assert HENAN_NEV[0] in mail["Subject"] and "Henan" in mail["Subject"]
    assert [r.json["article"]["title"] for r in webhook_receiver.requests] == [HENAN_NEV[0]] * 2
    with sessions() as session:
        assert {d.status for d in session.scalars(select(Delivery))} == {"sent"}


def test_a_channel_that_keeps_failing_ends_failed_with_its_error_and_others_still_send(
        tmp_path, database_url, smtp_server):
    config = make_config(tmp_path, database_url)
    _watch(config, "henan", provinces=["henan"],
           channels=["email:analyst@x.test", "webhook:http://127.0.0.1:9/closed"])
    ingest_service.ingest(config, _lines(("https://gov.example/a/1.html", page(*HENAN_NEV), "gov")), "t")
    settings = ChannelSettings(smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                               webhook_timeout=2)
    sessions = open_database(config.database_url)

    now = datetime.now(timezone.utc)
    reports = [dispatch(sessions, settings, max_attempts=2, now=now + timedelta(days=i))
               for i in range(3)]

    assert reports[0].sent == 1 and reports[1].failed == 1
    with sessions() as session:
        failed = session.scalars(select(Delivery).where(Delivery.status == "failed")).one()
    assert failed.attempts == 2 and "127.0.0.1:9" in failed.last_error
