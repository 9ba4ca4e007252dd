"""Feed entries: a date written without a zone is China time, and an entry without an
http(s) link is counted and skipped without losing the entries after it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import feedparser
import pytest
import yaml
from _pages import GUANGXI_AI, HENAN_NEV, page
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.pipelines.extraction import extract
from provwatch.spiders.feed import entry_link, entry_time

CHINA = timezone(timedelta(hours=8))


def _rss(items: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
            "</title>" + "".join(f"<item>{i}</item>" for i in items)
            + "</channel></rss>").encode()


@pytest.mark.parametrize("written, expected", [
    ("2026-01-05 20:30:00", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
    ("2026-01-05T20:30:00", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
    ("2026年01月05日 20:30", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
    ("Mon, 05 Jan 2026 20:30:00", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
    ("Mon, 05 Jan 2026 20:30:00 +0800", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
    ("Mon, 05 Jan 2026 12:30:00 GMT", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
    ("2026-01-05T12:30:00Z", datetime(2026, 1, 5, 20, 30, tzinfo=CHINA)),
], ids=["iso-space", "iso-t", "chinese", "rfc822-no-zone", "rfc822-+0800", "rfc822-gmt",
        "iso-z"])
def test_a_feed_date_without_a_zone_is_china_time(written, expected):
    (entry,) = feedparser.parse(_rss([f"<title>a</title><link>https://x.example/a</link>"
                                      f"<pubDate>{written}</pubDate>"])).entries
    assert entry_time(entry) == expected


@pytest.mark.parametrize("item, expected", [
    ("<link>https://x.example/a.html</link>", "https://x.example/a.html"),
    ("<link>/a.html</link>", "https://x.example/a.html"),
    ('<guid isPermaLink="true">https://x.example/g.html</guid>', "https://x.example/g.html"),
    ("<link>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</link>", None),
    ("<link>mailto:desk@x.example</link>", None),
    ('<guid isPermaLink="false">tag:x.example,2026:1</guid>', None),
    ("<title>no link</title>", None),
], ids=["absolute", "relative", "guid-permalink", "urn", "mailto", "tag-guid", "none"])
def test_an_entry_link_is_its_http_link_or_none(item, expected):
    (entry,) = feedparser.parse(_rss([item])).entries
    assert entry_link(entry, "https://x.example/feed.xml") == expected


def test_a_feed_date_in_the_future_is_not_the_articles_date():
    html = "<html><body><p>正文内容没有日期。" * 20 + "</p></body></html>"
    fetched = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
    got = extract(html.encode(), "https://x.example/a", fetched_at=fetched,
                  feed_published=fetched + timedelta(days=30))
    assert got.date_source == "crawl" and got.published_at == fetched


def test_an_entry_without_an_http_link_is_counted_and_the_rest_are_fetched(
        local_site, tmp_path, sqlite_url):
    local_site.add("/a/1.html", page(*HENAN_NEV, date=""))
    local_site.add("/a/2.html", page(*GUANGXI_AI, date=""))
    feed = local_site.add("/feed.xml", _rss([
        f"<title>{HENAN_NEV[0]}</title><link>{local_site.url}/a/1.html</link>"
        "<pubDate>2026-01-05 20:30:00</pubDate>",
        "<title>an urn</title><link>urn:uuid:1</link><pubDate>2026-01-05 20:00:00</pubDate>",
        f"<title>{GUANGXI_AI[0]}</title><link>{local_site.url}/a/2.html</link>"
        "<pubDate>2026-01-05 19:00:00</pubDate>"]), content_type="application/rss+xml")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump({"sources": [{
        "id": "f", "name": "测试", "kind": "feed", "urls": [feed], "province": "henan",
        "language": "zh", "interval": "10m"}]}, allow_unicode=True), encoding="utf-8")
    config = make_config(tmp_path, sqlite_url, catalog=str(catalog))

    result = run_crawl(config, load_catalog(config.catalog).get("f"))

    assert result.outcome == "ok" and result.new_articles == 2
    assert result.dropped["feed_entry_without_link"] == 1
    dates = {r["title"]: r["published_at"] for r in articles_service.list_articles(config)}
    # the page shows no date: the feed's, read as China time, is the article's
    assert dates[HENAN_NEV[0]] == "2026-01-05T12:30:00Z"
    assert dates[GUANGXI_AI[0]] == "2026-01-05T11:00:00Z"


def test_a_feed_replaced_by_an_html_page_is_a_structure_change_not_unreachable(
        local_site, tmp_path, sqlite_url):
    feed = local_site.add("/feed.xml", page(*HENAN_NEV), content_type="text/html")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump({"sources": [{
        "id": "f", "name": "测试", "kind": "feed", "urls": [feed], "province": "henan",
        "language": "zh", "interval": "10m"}]}, allow_unicode=True), encoding="utf-8")
    config = make_config(tmp_path, sqlite_url, catalog=str(catalog))
    source = load_catalog(config.catalog).get("f")

    first = run_crawl(config, source)
    second = run_crawl(config, source)  # a source turns bad after two bad runs

    assert first.outcome == second.outcome == "failed"
    assert "malformed_feed" in second.error_kinds
    assert second.health == "redesigned"
