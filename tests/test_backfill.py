"""Backfill: `crawl --since/--until` through the real runner (a child process) against a
local HTTP server: the window, the stop at the first older list page, resume, robots.txt,
the per-host delay, old articles without alerts, and the CLI around it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from itertools import pairwise

import yaml
from _pages import page, rss
from conftest import make_config

from provwatch.alerts.watchlist import validate
from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon.runner import Window, run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import close_all, open_database

KEYWORD = "回填测试"
NEWEST = date(2026, 10, 30)  # article k is dated NEWEST - 3k days: all before "now"


def day_of(k: int) -> date:
    return NEWEST - timedelta(days=3 * k)


def article(k: int) -> str:
    """A distinct article: its own title and figures, so no two fold into one story."""
    d = day_of(k)
    return page(f"{KEYWORD}：示范省第{k}批重点项目集中开工", [
        f"{d.month}月{d.day}日，示范省第{k}批重点项目集中开工，共{120 + 37 * k}个项目，"
        f"总投资{4000 + 913 * k}亿元，涉及先进制造、能源和交通基础设施。",
        f"省发展改革委介绍，本批项目中产业项目{60 + 11 * k}个，计划年内完成投资"
        f"{800 + 77 * k}亿元，将带动就业岗位{15000 + 1009 * k}个。",
        "会议要求各地压实责任，强化要素保障，确保项目早开工、早投产、早见效。"],
        date=f"{d.isoformat()} 09:30")


def _catalog(tmp_path, *entries) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def _listing(site, pages: int, per_page: int, *, slow_page: int | None = None) -> dict:
    """A paginated gov-style list, newest first: page p holds articles
    per_page*(p-1) .. per_page*p-1, dated in a span beside each link (two formats)."""
    for p in range(1, pages + 1):
        rows = []
        for k in range(per_page * (p - 1), per_page * p):
            site.add(f"/news/2026/art_{k}.html", article(k))
            d = day_of(k)
            shown = d.isoformat() if k % 2 else f"{d.year}年{d.month}月{d.day}日"
            rows.append(f'<li><a href="/news/2026/art_{k}.html">第{k}批项目开工</a>'
                        f"<span class='date'>{shown}</span></li>")
        nxt = f'<a class="next" href="/list/index_{p + 1}.html">下一页</a>' if p < pages else ""
        site.add(_list_path(p), f"<html><body><ul class='news'>{''.join(rows)}</ul>"
                 f"<div class='pager'>{nxt}</div></body></html>",
                 delay=2.0 if p == slow_page else 0.0)
    return {"id": "test_backfill", "name": "回填", "kind": "listing", "province": "henan",
            "urls": [site.url + _list_path(1)], "language": "zh", "interval": "1h",
            "selectors": {"next_page": "a.next"}}


def _list_path(p: int) -> str:
    return "/list/index.html" if p == 1 else f"/list/index_{p}.html"


def _stored_ks(config) -> set[int]:
    return {int(r["url"].rsplit("_", 1)[1].split(".")[0]) for r in articles_service.list_articles(config)}


def _cursor(config, source_id: str):
    with open_database(config.database_url)() as session:
        return repository.source_state(session, source_id).backfill


def _setup(tmp_path, database_url, entry, **overrides):
    config = make_config(tmp_path, database_url, catalog=_catalog(tmp_path, entry), **overrides)
    return config, load_catalog(config.catalog).get(entry["id"])


def test_a_listing_backfill_keeps_the_window_and_stops_at_the_first_older_page(
        local_site, tmp_path, sqlite_url):
    config, source = _setup(tmp_path, sqlite_url, _listing(local_site, 5, 3))
    window = Window(since=day_of(6), until=day_of(2))  # articles 2..6, pages 1..3

    result = run_crawl(config, source, window=window)

    assert result.outcome == "ok", result.error_messages
    assert _stored_ks(config) == {2, 3, 4, 5, 6}
    assert result.dropped["outside_window"] == 2 + 2 + 3  # k 0-1 newer; 7-8, 9-11 older
    # page 4 is entirely before --since: it ends the walk; page 5 is never asked for
    assert _list_path(4) in local_site.hits and _list_path(5) not in local_site.hits
    for k in (0, 1, 7, 8, 9, 10, 11, 12):
        assert f"/news/2026/art_{k}.html" not in local_site.hits
    assert _cursor(config, source.id) is None


def test_a_backfill_stops_at_max_pages_and_reports_why(local_site, tmp_path, sqlite_url):
    config, source = _setup(tmp_path, sqlite_url, _listing(local_site, 5, 3))
    seen: list[dict] = []

    result = run_crawl(config, source, window=Window(since=day_of(14)), max_pages=2,
                       on_progress=seen.append)

    assert result.outcome == "ok" and _stored_ks(config) == set(range(6))
    assert _list_path(3) not in local_site.hits
    last = seen[-1]
    assert (last["end"], last["list_pages"], last["list_pages_max"]) == ("max_pages", 2, 2)
    assert last["oldest"] == day_of(5).isoformat()


def test_until_alone_skips_newer_articles_and_walks_to_the_last_page(
        local_site, tmp_path, sqlite_url):
    config, source = _setup(tmp_path, sqlite_url, _listing(local_site, 3, 2))
    seen: list[dict] = []

    result = run_crawl(config, source, window=Window(until=day_of(3)), on_progress=seen.append)

    assert result.outcome == "ok" and _stored_ks(config) == {3, 4, 5}
    assert seen[-1]["end"] == "last_page" and seen[-1]["list_pages_max"] == 200


def test_a_feed_backfill_filters_entries_and_a_later_crawl_still_reads_the_rest(
        local_site, tmp_path, sqlite_url):
    for k in range(3):
        local_site.add(f"/f/{k}.html", article(k))
    feed = local_site.add("/feed.xml", rss([
        (f"第{k}批", f"{local_site.url}/f/{k}.html",
         f"{day_of(k).strftime('%a, %d %b %Y')} 09:30:00 +0800") for k in range(3)]),
        content_type="application/rss+xml", headers={"ETag": '"v1"'})
    entry = {"id": "test_feed", "name": "feed", "kind": "feed", "urls": [feed],
             "province": "henan", "language": "zh", "interval": "10m"}
    config, source = _setup(tmp_path, sqlite_url, entry)

    windowed = run_crawl(config, source, window=Window(since=day_of(1), until=day_of(1)))
    ordinary = run_crawl(config, source)

    assert windowed.outcome == "ok" and windowed.dropped["outside_window"] == 2
    assert windowed.new_articles == 1
    # the window left two entries out: the feed is read again, not answered "unchanged"
    assert ordinary.outcome == "ok" and ordinary.new_articles == 2


def test_a_json_list_backfill_reads_the_published_field(local_site, tmp_path, sqlite_url):
    records = []
    for k in range(6):
        local_site.add(f"/c/{k}.htm", article(k))
        records.append({"URL": f"{local_site.url}/c/{k}.htm", "TITLE": f"第{k}批",
                        "DOCRELPUBTIME": f"{day_of(k).isoformat()} 09:30:00"})
    local_site.add("/list.json", json.dumps(records), content_type="application/json")
    entry = {"id": "test_json", "name": "JSON", "kind": "listing", "province": "national",
             "urls": [local_site.url + "/list.json"], "language": "zh", "interval": "1h",
             "list_format": "json", "json_fields": {"items": "", "url": "URL", "title": "TITLE",
                                                    "published": "DOCRELPUBTIME"}}
    config, source = _setup(tmp_path, sqlite_url, entry)

    result = run_crawl(config, source, window=Window(since=day_of(4), until=day_of(1)))

    assert result.outcome == "ok", result.error_messages
    assert {r["url"].rsplit("/", 1)[1] for r in articles_service.list_articles(config)} == {
        "1.htm", "2.htm", "3.htm", "4.htm"}
    assert result.dropped["outside_window"] == 2
    assert "/c/0.htm" not in local_site.hits and "/c/5.htm" not in local_site.hits


def _urlset(entries: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            + "".join(entries) + "</urlset>")


def _url(loc: str, lastmod: str | None = None, published: str | None = None) -> str:
    out = f"<url><loc>{loc}</loc>"
    if lastmod:
        out += f"<lastmod>{lastmod}</lastmod>"
    if published:
        out += ("<news:news><news:publication><news:name>示范</news:name><news:language>zh"
                f"</news:language></news:publication><news:publication_date>{published}"
                "</news:publication_date><news:title>t</news:title></news:news>")
    return out + "</url>"


def test_a_sitemap_backfill_filters_by_date_and_skips_old_child_sitemaps(
        local_site, tmp_path, sqlite_url):
    since, until = date(2026, 10, 10), date(2026, 10, 25)
    base = local_site.url + "/a/2026/"
    for k in range(7):
        local_site.add(f"/a/2026/{k}.html", article(k))
    local_site.add("/sm_new.xml", _urlset([
        _url(base + "0.html", lastmod="2026-10-01"),  # modified before since: skipped
        _url(base + "1.html", lastmod="2026-10-20"),  # inside
        _url(base + "2.html", lastmod="2026-11-05"),  # lastmod alone cannot prove it newer
        _url(base + "3.html", published="2026-11-01T08:00:00+08:00"),  # after until
        _url(base + "4.html", lastmod="2026-11-02", published="2026-10-15"),  # inside
        _url(base + "5.html"),  # undated: kept
    ]), content_type="application/xml")
    local_site.add("/sm_old.xml", _urlset([_url(base + "6.html", lastmod="2026-09-01")]),
                   content_type="application/xml")
    local_site.add("/sitemap_index.xml", (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9"><sitemap><loc>{local_site.url}/sm_old.xml</loc><lastmod>'
        f"2026-09-01</lastmod></sitemap><sitemap><loc>{local_site.url}/sm_new.xml</loc>"
        "<lastmod>2026-11-05</lastmod></sitemap></sitemapindex>"),
        content_type="application/xml")
    entry = {"id": "test_map", "name": "map", "kind": "sitemap", "province": "henan",
             "urls": [local_site.url + "/sitemap_index.xml"], "language": "zh",
             "interval": "1h", "article_pattern": r"/a/\d{4}/"}
    config, source = _setup(tmp_path, sqlite_url, entry)

    result = run_crawl(config, source, window=Window(since, until))

    assert result.outcome == "ok", result.error_messages
    assert {r["url"].rsplit("/", 1)[1] for r in articles_service.list_articles(config)} == {
        "1.html", "2.html", "4.html", "5.html"}
    assert result.dropped["outside_window"] == 2
    assert "/sm_old.xml" not in local_site.hits


def test_an_interrupted_backfill_resumes_at_its_cursor_and_then_clears_it(
        local_site, tmp_path, sqlite_url):
    config, source = _setup(tmp_path, sqlite_url, _listing(local_site, 6, 2, slow_page=6),
                            download_delay=0.2)
    window = Window(since=day_of(11))
    stop = threading.Event()

    def on_progress(p: dict) -> None:
        if p["list_pages"] >= 2:
            stop.set()

    first = run_crawl(config, source, window=window, on_progress=on_progress, stop=stop)

    assert first.outcome == "interrupted"
    cursor = _cursor(config, source.id)
    assert cursor["since"] == day_of(11).isoformat() and cursor["until"] is None
    assert cursor["page"] >= 2 and cursor["next_url"] == local_site.url + _list_path(
        cursor["page"])
    assert _list_path(6) not in local_site.hits
    before = _stored_ks(config)
    local_site.hits.clear()

    second = run_crawl(config, source, window=window)

    assert second.outcome == "ok", second.error_messages
    walked = [h for h in local_site.hits if h.startswith("/list/")]
    assert walked[0] == _list_path(cursor["page"])
    assert all(_list_path(p) not in walked for p in range(1, cursor["page"]))
    assert _stored_ks(config) == set(range(12))
    assert not any(f"/news/2026/art_{k}.html" in local_site.hits for k in before)
    assert _cursor(config, source.id) is None


def test_restart_ignores_a_saved_cursor(local_site, tmp_path, sqlite_url):
    config, source = _setup(tmp_path, sqlite_url, _listing(local_site, 3, 1))
    window = Window(since=day_of(2))
    with open_database(config.database_url)() as session:
        repository.source_state(session, source.id).backfill = {
            **window.key(), "next_url": local_site.url + _list_path(3), "page": 3}
        session.commit()

    resumed = run_crawl(config, source, window=window)
    assert resumed.outcome == "ok" and local_site.hits[0] == _list_path(3)
    local_site.hits.clear()
    with open_database(config.database_url)() as session:
        repository.source_state(session, source.id).backfill = {
            **window.key(), "next_url": local_site.url + _list_path(3), "page": 3}
        session.commit()

    restarted = run_crawl(config, source, window=window, resume=False)

    assert restarted.outcome == "ok" and local_site.hits[0] == _list_path(1)
    assert _stored_ks(config) == {0, 1, 2}


def test_robots_txt_keeps_a_disallowed_article_unrequested(local_site, tmp_path, sqlite_url):
    entry = _listing(local_site, 1, 3)
    local_site.add("/robots.txt", "User-agent: *\nDisallow: /news/2026/art_1.html\n",
                   content_type="text/plain")
    config, source = _setup(tmp_path, sqlite_url, entry, obey_robots=True)

    result = run_crawl(config, source, window=Window(since=day_of(2)))

    assert result.outcome == "ok", result.error_messages
    assert "/robots.txt" in local_site.hits
    assert "/news/2026/art_1.html" not in local_site.hits
    assert _stored_ks(config) == {0, 2}


class _TimedHits(list):
    """The site's request log with the monotonic time of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, path: str) -> None:
        self.times.append(time.monotonic())
        super().append(path)


def test_requests_to_one_host_keep_the_download_delay(local_site, tmp_path, sqlite_url):
    local_site.hits = _TimedHits()
    config, source = _setup(tmp_path, sqlite_url, _listing(local_site, 2, 3),
                            download_delay=0.3)

    result = run_crawl(config, source, window=Window(since=day_of(5)))

    assert result.outcome == "ok" and result.new_articles == 6
    times = local_site.hits.times
    gaps = [b - a for a, b in pairwise(times)]
    assert len(gaps) >= 7
    # Scrapy waits 0.5..1.5 x DOWNLOAD_DELAY; generous slack for timer noise
    assert min(gaps) >= 0.3 * 0.5 * 0.7, gaps


def test_old_articles_send_no_alerts_unless_asked(local_site, tmp_path):
    entry = _listing(local_site, 1, 3)
    counts = {}
    for alert_old in (False, True):
        folder = tmp_path / str(alert_old)
        folder.mkdir()
        config, source = _setup(folder, f"sqlite:///{folder / 'test.db'}", entry)
        watchlists_service.add_watchlist(config, validate("backfill", keywords=[KEYWORD],
                                           channels=["webhook:http://127.0.0.1:9/hook"]))

        result = run_crawl(config, source, window=Window(since=day_of(2)),
                           alert_old=alert_old)

        assert result.new_articles == 3, result.error_messages
        with open_database(config.database_url)() as session:
            counts[alert_old] = (len(repository.deliveries(session)), result.alerts_held)
    close_all()
    assert counts[False] == (0, 3)
    assert counts[True] == (3, 0)


# --- the command line ------------------------------------------------------------------


def _cli(args, env, **kw):
    full = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    full.update(env)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], capture_output=True,
                          text=True, env=full, timeout=300, **kw)


def _cli_env(tmp_path, catalog: str, **extra) -> dict[str, str]:
    return {"PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "PROVWATCH_DATA_DIR": str(tmp_path), "PROVWATCH_CATALOG": catalog,
            "PROVWATCH_DOWNLOAD_DELAY": "0", "PROVWATCH_OBEY_ROBOTS": "false",
            "PROVWATCH_DOWNLOAD_TIMEOUT": "3", **extra}


def test_crawl_all_since_backfills_every_enabled_source(local_site, tmp_path):
    listing = _listing(local_site, 5, 3)
    local_site.add("/a/2026/x.html", article(20))
    local_site.add("/sitemap.xml", _urlset([
        _url(local_site.url + "/a/2026/x.html", lastmod=day_of(20).isoformat())]),
        content_type="application/xml")
    sitemap = {"id": "test_map", "name": "map", "kind": "sitemap", "province": "henan",
               "urls": [local_site.url + "/sitemap.xml"], "language": "zh", "interval": "1h"}
    off = {**sitemap, "id": "test_off", "enabled": False,
           "urls": [local_site.url + "/off.xml"]}
    env = _cli_env(tmp_path, _catalog(tmp_path, listing, sitemap, off))

    result = _cli(["crawl", "--all", "--since", day_of(3).isoformat()], env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("test_backfill: ok") and "new articles 4" in lines[0]
    assert lines[1].startswith("test_map: ok") and "outside_window 1" in lines[1]
    assert lines[2].startswith("total: 2 sources (ok 2)") and "new articles 4" in lines[2]
    assert "reached --since" in result.stderr
    # page 3 holds only older articles: the walk reads it and stops
    assert _list_path(3) in local_site.hits and _list_path(4) not in local_site.hits
    assert "/off.xml" not in local_site.hits


def test_crawl_refuses_a_source_with_all_and_a_bad_date_in_one_line(tmp_path):
    env = _cli_env(tmp_path, _catalog(tmp_path, {
        "id": "x1", "name": "x", "kind": "feed", "province": "henan", "language": "zh",
        "urls": ["http://127.0.0.1:9/feed.xml"], "interval": "1h"}))

    both = _cli(["crawl", "x1", "--all", "--since", "2026-01-01"], env)
    bad = _cli(["crawl", "x1", "--since", "2026-1-5"], env)
    reversed_ = _cli(["crawl", "x1", "--since", "2026-02-01", "--until", "2026-01-01"], env)

    assert both.returncode == 2 and "or --all, not both" in both.stderr
    assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0
    assert "--since: '2026-1-5' is not a date (use YYYY-MM-DD" in bad.stderr
    assert reversed_.returncode == 1 and "is before --since" in reversed_.stderr


def test_ctrl_c_stops_a_backfill_says_how_to_resume_and_exits_130(local_site, tmp_path):
    env = _cli_env(tmp_path, _catalog(tmp_path, _listing(local_site, 6, 2, slow_page=6)),
                   PROVWATCH_DOWNLOAD_DELAY="0.2")
    since = day_of(11).isoformat()
    full = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    # SIGINT raises KeyboardInterrupt even when the tests run as a background job, whose
    # children inherit SIGINT ignored
    launch = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler);"
              " runpy.run_module('provwatch.crawler.cli', run_name='__main__', alter_sys=True)")
    proc = subprocess.Popen([sys.executable, "-c", launch, "crawl", "test_backfill",
                             "--since", since], env={**full, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while _list_path(3) not in local_site.hits and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)


    assert proc.returncode == 130, stderr
    assert f"run `provwatch crawl test_backfill --since {since}` to resume" in stderr
    assert "stopped at list page" in stderr
