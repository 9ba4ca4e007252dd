"""Spiders through the real crawl runner (a child process) against a local HTTP server."""

from __future__ import annotations

import yaml
from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page, rss
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"


def _catalog(tmp_path, *entries):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def _feed_source(url):
    return {"id": "test_feed", "name": "测试", "kind": "feed", "urls": [url],
            "province": "henan", "language": "zh", "interval": "10m"}


def _serve_feed(site):
    site.add("/a/1.html", page(*HENAN_NEV))
    site.add("/a/gbk.html", page(*GUANGXI_AI, charset="gbk").encode("gbk"),
             content_type="text/html")
    site.add("/a/moved.html", status=301, headers={"Location": "/a/en.html"})
    site.add("/a/en.html", page(*ENGLISH_HAINAN))
    site.add("/a/boom.html", "server error", status=500)
    site.add("/a/slow.html", page("慢", ["慢"]), delay=6)
    items = [(HENAN_NEV[0], site.url + "/a/1.html", DATE),
             (GUANGXI_AI[0], site.url + "/a/gbk.html", DATE),
             ("moved", site.url + "/a/moved.html", DATE),
             ("missing", site.url + "/a/missing.html", DATE),
             ("boom", site.url + "/a/boom.html", DATE),
             ("slow", site.url + "/a/slow.html", DATE),
             ("no link at all", None, DATE)]
    return site.add("/feed.xml", rss(items), content_type="application/rss+xml",
                    headers={"ETag": '"v1"'})


def test_a_feed_crawl_stores_good_pages_and_names_every_failure(local_site, tmp_path,
                                                                 database_url):
    feed = _serve_feed(local_site)
    config = make_config(tmp_path, database_url, catalog=_catalog(tmp_path, _feed_source(feed)))
    source = load_catalog(config.catalog).get("test_feed")

    result = run_crawl(config, source)

    assert result.outcome == "ok"
    assert result.new_articles == 3  # utf-8, gbk, and the redirect target
    assert result.dropped["feed_entry_without_link"] == 1
    messages = "\n".join(result.error_messages)
    assert "/a/missing.html: http_404" in messages
    assert "/a/boom.html: http_500" in messages
    assert "/a/slow.html: timeout" in messages
    rows = {r["url"]: r for r in articles_service.list_articles(config)}
    gbk = rows[local_site.url + "/a/gbk.html"]
    assert gbk["title"] == GUANGXI_AI[0] and gbk["charset"] == "gb18030"
    assert "guangxi" in gbk["provinces_about"]
    assert local_site.url + "/a/en.html" in rows
    assert rows[local_site.url + "/a/1.html"]["published_at"] == "2026-11-18T01:30:00Z"
    with open_database(config.database_url)() as session:  # indexed when the crawl closed
        assert repository.search_backlog_size(session) == 0
        found = repository.search_articles(session, repository.SearchFilter(("人工智能产业",)))
        assert [a.url for a in found] == [local_site.url + "/a/gbk.html"]


def test_an_unchanged_feed_is_not_parsed_again_and_stored_urls_are_not_refetched(
        local_site, tmp_path, sqlite_url):
    local_site.add("/a/1.html", page(*HENAN_NEV))
    feed = local_site.add("/feed.xml", rss([(HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                          content_type="application/rss+xml", headers={"ETag": '"v1"'})
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, _feed_source(feed)))
    source = load_catalog(config.catalog).get("test_feed")

    first = run_crawl(config, source)
    local_site.hits.clear()
    second = run_crawl(config, source)

    assert first.new_articles == 1
    assert second.outcome == "not_modified" and second.new_articles == 0
    assert local_site.hits == ["/feed.xml"]  # a 304, and no article request


def test_a_changed_feed_fetches_only_the_new_article(local_site, tmp_path, sqlite_url):
    local_site.add("/a/1.html", page(*HENAN_NEV))
    local_site.add("/a/2.html", page(*GUANGXI_AI))
    feed = local_site.add("/feed.xml", rss([(HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                          content_type="application/rss+xml")
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, _feed_source(feed)))
    source = load_catalog(config.catalog).get("test_feed")
    run_crawl(config, source)
    local_site.add("/feed.xml", rss([(GUANGXI_AI[0], local_site.url + "/a/2.html", DATE),
                                     (HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                   content_type="application/rss+xml")
    local_site.hits.clear()

    result = run_crawl(config, source)

    assert result.new_articles == 1 and result.already_seen == 1
    assert "/a/1.html" not in local_site.hits


def test_a_sources_date_and_body_selectors_reach_the_extract_stage(local_site, tmp_path,
                                                                   sqlite_url):
    paragraphs = "".join(f"<p>{p}</p>" for p in HENAN_NEV[1])
    local_site.add("/a/1.html", (
        f"<html><head><meta charset='utf-8'><title>{HENAN_NEV[0]}</title></head><body>"
        f"<h1>{HENAN_NEV[0]}</h1><div class='zw'>{paragraphs}</div>"
        f"<div class='aside-note'><p>{HENAN_NEV[1][0]}</p></div>"
        "<p>编号 A1 <em id='rq'>2026-11-15</em></p></body></html>"))
    feed = local_site.add("/feed.xml", rss([(HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                          content_type="application/rss+xml")
    entry = {**_feed_source(feed), "selectors": {"date": "#rq", "body": "div.zw"}}
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry))

    run_crawl(config, load_catalog(config.catalog).get("test_feed"))

    (row,) = articles_service.list_articles(config)
    shown = articles_service.show_article(config, row["id"])
    assert (row["date_source"], row["date_precision"]) == ("selector", "day")
    assert row["published_at"] == "2026-11-15T04:00:00Z"
    assert shown["text"] == "\n".join(HENAN_NEV[1])


def test_a_malformed_feed_fails_the_run_with_a_message_and_keeps_what_was_stored(
        local_site, tmp_path, sqlite_url):
    local_site.add("/a/1.html", page(*HENAN_NEV))
    feed = local_site.add("/feed.xml", rss([(HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                          content_type="application/rss+xml")
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, _feed_source(feed)))
    source = load_catalog(config.catalog).get("test_feed")
    run_crawl(config, source)
    local_site.add("/feed.xml", "<html><body>我们正在维护</body></html>",
                   content_type="text/html")

    result = run_crawl(config, source)

    assert result.outcome == "failed"
    assert "not a usable feed" in result.error_messages[0]
    assert len(articles_service.list_articles(config)) == 1


def test_a_listing_follows_pagination_with_the_generic_rule_and_skips_non_articles(
        local_site, tmp_path, sqlite_url):
    local_site.add("/news/2026/1101_1.html", page(*HENAN_NEV))
    local_site.add("/news/2026/1102_2.html", page(*GUANGXI_AI))
    local_site.add("/list/index.html", '<a href="/about.html">关于</a>'
                   '<a href="/news/2026/1101_1.html">1</a>'
                   '<a class="next" href="p2.html">下一页</a>')
    local_site.add("/list/p2.html", '<a href="/news/2026/1102_2.html">2</a>'
                   '<a href="https://elsewhere.test/news/2026/9999.html">x</a>')
    source_entry = {"id": "test_list", "name": "列表", "kind": "listing",
                    "urls": [local_site.url + "/list/index.html"], "province": "henan",
                    "language": "zh", "interval": "10m", "selectors": {"next_page": "a.next"},
                    "paginate": True, "max_pages": 2}
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, source_entry))

    result = run_crawl(config, load_catalog(config.catalog).get("test_list"))

    assert result.outcome == "ok" and result.new_articles == 2
    assert "/about.html" not in local_site.hits


def test_a_json_list_yields_articles_with_their_titles(local_site, tmp_path, sqlite_url):
    local_site.add("/c/1.htm", page(*HENAN_NEV))
    local_site.add("/list.json", f'[{{"URL": "{local_site.url}/c/1.htm", "TITLE": "t", '
                   '"DOCRELPUBTIME": "2026-11-18 09:30:00"}]', content_type="application/json")
    entry = {"id": "test_json", "name": "JSON", "kind": "listing",
             "urls": [local_site.url + "/list.json"], "province": "national", "language": "zh",
             "interval": "10m", "list_format": "json",
             "json_fields": {"items": "", "url": "URL", "title": "TITLE",
                             "published": "DOCRELPUBTIME"}}
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry))

    result = run_crawl(config, load_catalog(config.catalog).get("test_json"))

    assert result.new_articles == 1


def test_an_unreachable_source_fails_with_a_clear_message(tmp_path, sqlite_url):
    entry = _feed_source("http://127.0.0.1:9/feed.xml")
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry))

    result = run_crawl(config, load_catalog(config.catalog).get("test_feed"))

    assert result.outcome == "failed"
    assert "127.0.0.1:9/feed.xml" in result.error_messages[0]


def _sitemap(urls):
    entries = "".join(f"<url><loc>{u}</loc><lastmod>2026-11-18</lastmod></url>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>')


def test_a_gzip_sitemap_yields_matching_articles_and_a_gzip_bomb_is_refused(
        local_site, tmp_path, sqlite_url):
    import gzip

    local_site.add("/a/2026/1.html", page(*HENAN_NEV))
    plain = _sitemap([local_site.url + "/a/2026/1.html", local_site.url + "/tag/x.html"])
    local_site.add("/sitemap.xml.gz", gzip.compress(plain.encode()),
                   content_type="application/octet-stream")
    local_site.add("/bomb.xml.gz", gzip.compress(b"<" * (4 * 1024 * 1024)),
                   content_type="application/octet-stream")
    entry = {"id": "test_map", "name": "map", "kind": "sitemap", "province": "henan",
             "urls": [local_site.url + "/sitemap.xml.gz", local_site.url + "/bomb.xml.gz"],
             "language": "zh", "interval": "1h", "article_pattern": r"/a/\d{4}/"}
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry),
                         max_page_bytes=1024 * 1024)

    result = run_crawl(config, load_catalog(config.catalog).get("test_map"))

    assert result.new_articles == 1
    assert "/tag/x.html" not in local_site.hits
    assert any("bomb.xml.gz: body over 1 MB after decompression" in m for m in result.error_messages)
