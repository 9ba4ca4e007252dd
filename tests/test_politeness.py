"""Politeness and access: robots.txt, per-source User-Agent and delay, bot-shield pages.

Crawls go through the real runner (a child process) against a loopback site.
"""

from __future__ import annotations

import yaml
from _pages import GUANGXI_AI, HENAN_NEV, page, rss
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog, parse_catalog
from provwatch.crawler.daemon import health
from provwatch.crawler.daemon.crawl_child import scrapy_settings
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.services import articles as articles_service

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"
COOKIE_521 = ("<html><script>document.cookie='acw_sc__v2=5f1e;max-age=3600;path=/';"
              "location.href=location.pathname+location.search</script></html>")


def _feed_entry(url, **extra):
    return {"id": "polite", "name": "测试", "kind": "feed", "urls": [url], "province": "henan",
            "language": "zh", "interval": "10m", **extra}


def _catalog(tmp_path, entry):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}, allow_unicode=True), encoding="utf-8")
    return str(path)


def _site_with_private_page(site):
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/news/1.html", page(*HENAN_NEV))
    site.add("/private/2.html", page(*GUANGXI_AI))
    return site.add("/feed.xml", rss([(HENAN_NEV[0], site.url + "/news/1.html", DATE),
                                      (GUANGXI_AI[0], site.url + "/private/2.html", DATE)]),
                    content_type="application/rss+xml")


def test_robots_txt_is_obeyed_by_default(local_site, tmp_path, sqlite_url):
    feed = _site_with_private_page(local_site)
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, _feed_entry(feed)),
                         obey_robots=True)

    result = run_crawl(config, load_catalog(config.catalog).get("polite"))

    assert result.new_articles == 1
    assert "/robots.txt" in local_site.hits
    assert "/private/2.html" not in local_site.hits
    assert [r["url"] for r in articles_service.list_articles(config)] == [local_site.url + "/news/1.html"]


def test_a_source_may_waive_robots_txt_only_with_a_reason(local_site, tmp_path, sqlite_url):
    feed = _site_with_private_page(local_site)
    entry = _feed_entry(feed, robots=False,
                        robots_reason="robots.txt blocks the press-release feed the site "
                                      "itself advertises for republication")
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry),
                         obey_robots=True)

    result = run_crawl(config, load_catalog(config.catalog).get("polite"))

    assert result.new_articles == 2
    assert "/private/2.html" in local_site.hits


def test_per_source_user_agent_delay_and_robots_reach_the_crawl_settings(tmp_path, sqlite_url):
    catalog = parse_catalog({"sources": [
        _feed_entry("http://a.test/feed.xml"),
        _feed_entry("http://b.test/feed.xml", id="own", user_agent="Mozilla/5.0 (Windows NT "
                    "10.0; Win64; x64) Chrome/126.0", delay="2.5s", robots=False,
                    robots_reason="the site's robots.txt forbids everything, its terms do not"),
    ]}, "test")
    config = make_config(tmp_path, sqlite_url, obey_robots=True, download_delay=1.0)

    plain = scrapy_settings(config, catalog.get("polite"))
    own = scrapy_settings(config, catalog.get("own"))

    assert (plain["USER_AGENT"], plain["DOWNLOAD_DELAY"], plain["ROBOTSTXT_OBEY"]) == (
        config.user_agent, 1.0, True)
    assert own["USER_AGENT"].startswith("Mozilla/5.0 (Windows NT 10.0")
    assert (own["DOWNLOAD_DELAY"], own["ROBOTSTXT_OBEY"]) == (2.5, False)
    assert "Mozilla/5.0" in config.user_agent  # the default is browser-like


def test_an_article_behind_a_javascript_cookie_challenge_is_blocked_not_stored(
        local_site, tmp_path, sqlite_url):
    local_site.add("/a/1.html", COOKIE_521)
    local_site.add("/a/2.html", "", status=521)
    feed = local_site.add("/feed.xml", rss([("一", local_site.url + "/a/1.html", DATE),
                                            ("二", local_site.url + "/a/2.html", DATE)]),
                          content_type="application/rss+xml")
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, _feed_entry(feed)))

    result = run_crawl(config, load_catalog(config.catalog).get("polite"))

    assert result.new_articles == 0 and articles_service.list_articles(config) == []
    assert result.error_kinds == {"blocked": 1, "http_521": 1}
    assert "a bot challenge page ('document.cookie')" in "\n".join(result.error_messages)
    state, why = health.classify(result)
    assert state == "blocked" and "/a/" in why


def test_every_request_carries_the_sources_user_agent_and_accept_language_zh_cn(
        local_site, tmp_path, sqlite_url):
    local_site.add("/a/1.html", page(*HENAN_NEV))
    feed = local_site.add("/feed.xml", rss([(HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                          content_type="application/rss+xml")
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0"
    config = make_config(tmp_path, sqlite_url,
                         catalog=_catalog(tmp_path, _feed_entry(feed, user_agent=agent)))

    assert run_crawl(config, load_catalog(config.catalog).get("polite")).new_articles == 1

    sent = [(r.path, r.header("User-Agent"), r.header("Accept-Language"))
            for r in local_site.requests]
    assert [p for p, _, _ in sent] == ["/feed.xml", "/a/1.html"]
    assert all(ua == agent for _, ua, _ in sent)
    assert all(lang.startswith("zh-CN") for _, _, lang in sent)
