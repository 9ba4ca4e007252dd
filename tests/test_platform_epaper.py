"""The e-paper adapter: a party daily's index, its 版面 pages day by day, their articles.

Pure tests hand the adapter the fixture's bytes (tests/_epaper_site.py) and follow its
``then`` and ``next`` requests the way the listing spider does; the crawl tests run the
real spider against the same site on loopback and look at what was stored."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import yaml
from _epaper_site import CALENDAR, INDEX, epaper_site, node_path
from _platform_sites import PlatformSite
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog, parse_catalog
from provwatch.crawler.chinatime import china_day
from provwatch.crawler.daemon.runner import Window, run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services.checks import check_sources
from provwatch.spiders.platforms import ListPage, ListRequest, adapter_for
from provwatch.spiders.platforms.epaper import EpaperAdapter, edition_day, with_day

BASE = "http://127.0.0.1:8000"
NEWEST = date(2026, 4, 15)


def _walk(site: PlatformSite, window=None, max_pages: int = 40):
    source = site.source()
    adapter = adapter_for(source)
    adapter.window = window
    steps = []
    request: ListRequest | None = adapter.start(source, source.urls[0])
    while request is not None:
        body, content_type = site.fetch(request.url)
        result = adapter.parse(source, ListPage(request.url, body, request,
                                                content_type=content_type,
                                                charset=source.charset))
        steps.append((request, result))
        if result.then is not None:
            request = result.then
        elif result.next is not None and request.page < max_pages:
            request = result.next
        else:
            request = None
    return steps


def _paths(steps) -> list[str]:
    return [urlsplit(r.url).path for r, _ in steps]


def test_a_run_follows_the_index_to_the_newest_edition_and_reads_its_pages_in_order():
    site = epaper_site(BASE)

    steps = _walk(site)

    assert _paths(steps) == [INDEX] + [node_path(NEWEST, n) for n in (1, 2, 3)]
    links = [link for _, result in steps for link in result.links]
    newest = [s for s in site.stories if s.day == NEWEST]
    assert [link.url for link in links] == [site.url(s.path) for s in newest]
    assert {china_day(link.published) for link in links} == {NEWEST}
    assert all(result.problem is None for _, result in steps)
    assert steps[-1][1].next is None  # no backfill: the walk ends with the day's last 版面


def test_a_backfill_starts_at_until_and_walks_back_day_by_day_down_to_since():
    site = epaper_site(BASE, days=4)
    since, until = NEWEST - timedelta(days=2), NEWEST - timedelta(days=1)

    steps = _walk(site, window=(since, until))

    days = [until, since]
    assert _paths(steps) == [INDEX, node_path(NEWEST, 1)] + [
        node_path(d, n) for d in days for n in (1, 2, 3)]
    assert steps[1][1].links == []  # the newer edition the index led to is not read
    links = [link.url for _, result in steps for link in result.links]
    assert links == [site.url(s.path) for s in site.stories if since <= s.day <= until]


def test_a_dated_start_url_is_moved_to_today_or_to_until():
    source = epaper_site(BASE).source(urls=[BASE + node_path(date(2024, 5, 13), 1)])
    adapter = EpaperAdapter()
    today = china_day(datetime.now().astimezone())

    assert adapter.start(source, source.urls[0]).url == BASE + node_path(today, 1)
    adapter.window = (None, date(2026, 1, 2))
    assert adapter.start(source, source.urls[0]).url == BASE + node_path(date(2026, 1, 2), 1)
    assert adapter.start(source, BASE + INDEX).url == BASE + INDEX  # undated: as it is


def test_edition_days_are_read_and_written_back_in_each_systems_form():
    cases = [
        ("https://newpaper.dahe.cn/hnrb/html/2024-05-13/node_1.htm", None),
        ("https://zjrb.zjol.com.cn/html/2025-03/14/node_2.htm", "/html/2026-01/02/node_2.htm"),
        ("https://epaper.hubeidaily.net/pc/layout/202503/14/node_01.html",
         "/pc/layout/202601/02/node_01.html"),
        ("https://epaper.scdaily.cn/shtml/scrb/20250314/v01.html",
         "/shtml/scrb/20260102/v01.html"),
    ]
    for url, moved in cases:
        if moved is None:  # YYYY-MM-DD in one segment is another form, read as such
            assert edition_day(url) == date(2024, 5, 13)
            assert with_day(url, date(2026, 1, 2)).endswith("/html/2026-01-02/node_1.htm")
            continue
        assert edition_day(url) == date(2025, 3, 14)
        assert urlsplit(with_day(url, date(2026, 1, 2))).path.endswith(moved)
    assert edition_day("https://newpaper.dahe.cn/hnrb/paperindex.htm") is None


def _page(url: str, html: str, **entry) -> tuple:
    source = parse_catalog({"sources": [{
        "id": "t", "name": "t", "kind": "listing", "adapter": "epaper", "province": "sichuan",
        "language": "zh", "interval": "2h", "urls": [url], **entry}]}, "t").sources[0]
    return source, ListPage(url, html.encode(), ListRequest(url))


def test_pages_are_ordered_by_their_letter_and_number_and_articles_are_not_pages():
    # Southern Daily's A01..B01 and Sichuan Daily's v01 beside 7-digit article pages
    url = "https://epaper.nfnews.com/nfdaily/html/202603/14/node_A02.html"
    html = ('<a href="node_B01.html">下一版</a><a href="node_A01.html">上一版</a>'
            '<a href="node_A01.html">A01</a><a href="node_A02.html">A02</a>'
            '<a href="node_A10.html">A10</a><a href="node_B01.html">B01</a>'
            '<a href="content_10123456.html">头条</a><a href="../../index.html">首页</a>')
    source, page = _page(url, html, article_pattern=r"/content_\d+\.html$")
    adapter = EpaperAdapter()
    assert [u.rsplit("/", 1)[1] for u in adapter.edition_pages(source, page)] == [
        "node_A01.html", "node_A02.html", "node_A10.html", "node_B01.html"]
    result = adapter.parse(source, page)
    assert result.next.url.endswith("/node_A10.html")
    assert [link.url.rsplit("/", 1)[1] for link in result.links] == ["content_10123456.html"]

    url = "https://epaper.scdaily.cn/shtml/scrb/20250314/v01.html"
    html = ('<a href="v01.html">01版</a><a href="v02.html">02版</a>'
            '<a href="3081234.html">头条</a>')
    source, page = _page(url, html, article_pattern=r"/shtml/scrb/\d{8}/\d{6,}\.html$")
    assert [u.rsplit("/", 1)[1] for u in adapter.edition_pages(source, page)] == [
        "v01.html", "v02.html"]
    assert [link.url for link in adapter.parse(source, page).links] == [
        "https://epaper.scdaily.cn/shtml/scrb/20250314/3081234.html"]


def test_an_index_sending_on_by_script_is_followed():
    url = "https://bjrbdzb.bjd.com.cn/bjrb/paperindex.htm"
    source, page = _page(url, '<script>window.location.href = "mobile/2026/20260102/'
                              '20260102_m.html";</script>')
    result = EpaperAdapter().parse(source, page)
    assert result.then.url == ("https://bjrbdzb.bjd.com.cn/bjrb/mobile/2026/20260102/"
                               "20260102_m.html")


def test_an_index_leading_nowhere_and_a_page_without_articles_are_problems():
    source, page = _page("https://paper.example.cn/index.htm", "<p>维护中</p>")
    assert EpaperAdapter().parse(source, page).problem == (
        "neither a dated 版面 page nor an index that leads to one")
    source, page = _page("https://paper.example.cn/html/2026-01/02/node_1.htm",
                         '<a href="node_2.htm">第02版</a>')
    result = EpaperAdapter().parse(source, page)
    assert result.problem == "no article links on this 版面 (content_N rule)"
    assert result.next.url.endswith("/html/2026-01/02/node_2.htm")


# --- crawls through the real spider ---------------------------------------------------


def _crawl(local_site, tmp_path, database_url, site: PlatformSite, **kw):
    site.serve(local_site)
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": [site.entry]}, allow_unicode=True),
                    encoding="utf-8")
    config = make_config(tmp_path, database_url, catalog=str(path))
    source = load_catalog(config.catalog).get(site.entry["id"])
    return config, run_crawl(config, source, **kw)


def _stored(config) -> dict[str, dict]:
    return {r["url"]: r for r in articles_service.list_articles(config)}


def test_a_crawl_stores_the_newest_editions_gbk_articles(local_site, tmp_path, sqlite_url):
    site = epaper_site(local_site.url)

    config, result = _crawl(local_site, tmp_path, sqlite_url, site)

    assert result.outcome == "ok", result.error_messages
    assert result.errors == 0 and not result.dropped, (result.dropped, result.error_messages)
    newest = [s for s in site.stories if s.day == NEWEST]
    rows = _stored(config)
    assert set(rows) == {site.url(s.path) for s in newest}
    for s in newest:
        row = rows[site.url(s.path)]
        assert (row["title"], row["charset"]) == (s.title, "gb18030")
        assert row["published_at"] == s.published_at
    lists = [r.path for r in local_site.requests if "/content_" not in r.path]
    assert lists == [INDEX] + [node_path(NEWEST, n) for n in (1, 2, 3)]
    assert CALENDAR not in local_site.hits


def test_a_backfill_crawl_stores_the_window_and_asks_for_no_other_day(
        local_site, tmp_path, sqlite_url):
    site = epaper_site(local_site.url, days=4)
    since, until = NEWEST - timedelta(days=2), NEWEST - timedelta(days=1)

    config, result = _crawl(local_site, tmp_path, sqlite_url, site,
                            window=Window(since=since, until=until))

    assert result.outcome == "ok", result.error_messages
    assert set(_stored(config)) == {site.url(s.path) for s in site.stories
                                    if since <= s.day <= until}
    asked = {r.path for r in local_site.requests}
    oldest = NEWEST - timedelta(days=3)
    assert not any(node_path(oldest, n) in asked for n in (1, 2, 3))
    assert not any(s.path in asked for s in site.stories if s.day in (NEWEST, oldest))


def test_a_dated_issue_index_sends_on_to_its_first_page_and_a_day_moves_in_file_names_too():
    # 大众日报: PaperIndex.htm -> 20260927/IssueIndex.htm -> Page01NU.htm (articles
    # Articel01002MT.htm); 北京日报's issue page names its day twice
    url = "http://paper.dzwww.com/dzrb/content/20260927/IssueIndex.htm"
    source, page = _page(url, "<html><head><META HTTP-EQUIV='REFRESH' CONTENT='0; "
                              "URL=Page01NU.htm'></head></html>",
                         article_pattern=r"/content/\d{8}/Articel\d+MT\.htm$")
    result = EpaperAdapter().parse(source, page)
    assert result.then.url == "http://paper.dzwww.com/dzrb/content/20260927/Page01NU.htm"
    page1 = ListPage(result.then.url, b'<a href="Page01NU.htm">01</a><a href="Page02NU.htm">'
                     b'02</a><a href="Articel01002MT.htm">t</a>', result.then)
    got = EpaperAdapter().parse(source, page1)
    assert got.next.url.endswith("/20260927/Page02NU.htm")
    assert [link.url.rsplit("/", 1)[1] for link in got.links] == ["Articel01002MT.htm"]
    assert with_day("https://bjrbdzb.bjd.com.cn/bjrb/mobile/2026/20260618/20260618_m.html",
                    date(2026, 6, 1)) == ("https://bjrbdzb.bjd.com.cn/bjrb/mobile/2026/"
                                          "20260601/20260601_m.html")


def test_sources_check_follows_an_index_and_an_issue_index_to_the_first_page(
        local_site, tmp_path, sqlite_url):
    # 大众日报's chain: PaperIndex.htm -> 20260927/IssueIndex.htm -> Page01NU.htm
    base = "/dzrb/content"
    local_site.add(f"{base}/PaperIndex.htm", b"<META HTTP-EQUIV='REFRESH' CONTENT='0; "
                   b"URL=20260927/IssueIndex.htm'>")
    local_site.add(f"{base}/20260927/IssueIndex.htm", b"<META HTTP-EQUIV='REFRESH' "
                   b"CONTENT='0; URL=Page01NU.htm'>")
    local_site.add(f"{base}/20260927/Page01NU.htm", b'<a href="Page01NU.htm">01</a>'
                   b'<a href="Page02NU.htm">02</a><a href="Articel01002MT.htm">t</a>'
                   b'<a href="Articel01003MT.htm">u</a>')
    entry = {"id": "test_dzrb", "name": "大众日报", "kind": "listing", "adapter": "epaper",
             "province": "shandong", "language": "zh", "interval": "2h",
             "urls": [f"{local_site.url}{base}/PaperIndex.htm"],
             "article_pattern": r"/content/\d{8}/Articel\d+MT\.htm$", "robots": False,
             "robots_reason": "a loopback fixture"}
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}, allow_unicode=True), "utf-8")
    config = make_config(tmp_path, sqlite_url, catalog=str(path))

    (result,) = check_sources(config, list(load_catalog(path)), workers=1)

    assert (result.state, result.links) == ("ok", 2), result
