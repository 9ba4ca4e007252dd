"""`provwatch sources check` against loopback sites, never the real ones.

The command exists to be run by a user on a connected machine against the live catalog;
here it meets sites written for the test, one per state it must report.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
import yaml
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.services.checks import check_sources
from provwatch.spiders.platforms.jpaas import JpaasAdapter

TRS_LIST = """<html><body><ul class="list">
<li><a href="./202604/t20260415_101.html">河南省政府常务会议召开</a><span>2026-04-15</span></li>
<li><a href="./202604/t20260414_100.html">省长会见比亚迪董事长</a><span>2026-04-14</span></li>
<li><a href="/about/">关于我们</a></li>
</ul></body></html>"""
CHALLENGE = ("<html><head><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};"
             "</script></head><body></body></html>")
COOKIE_521 = ("<html><script>document.cookie='__jsl_x=1;max-age=3600;path=/';"
              "location.href=location.pathname+location.search</script></html>")
JPAAS_SHELL = """<html><body><div id="list">
<script type="text/javascript" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
 querydata="{webId:'3096',pageId:'1554467',pageType:'column',parseType:'bulidstatic'}"></script>
</div></body></html>"""
JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_DATA = json.dumps({"success": True, "data": {"html": (
    "<ul><li><a href='/col/col1554467/art/2026/art_0123456789abcdef0123456789abcdef.html' "
    "title='浙江省政府常务会议'>浙江省政府常务会议</a><span class='fr'>2026-04-15</span></li></ul>")}},
    ensure_ascii=False)


def _entry(sid, url, **extra):
    return {"id": sid, "name": "测试", "name_en": "Test", "kind": "listing", "urls": [url],
            "province": "henan", "language": "zh", "interval": "30m", "adapter": "trs",
            "article_pattern": r"/t\d{8}_\d+\.html$", **extra}


def _write(tmp_path, *entries):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def checked(local_site, tmp_path, sqlite_url):
    """Run the check over a catalog of loopback entries; results by source id."""
    def run(*entries, **config):
        cfg = make_config(tmp_path, sqlite_url, catalog=_write(tmp_path, *entries), **config)
        catalog = load_catalog(cfg.catalog)
        results = check_sources(cfg, list(catalog), workers=4)
        return {r.source_id: r for r in results}
    return run


def test_each_state_is_reported_with_its_reason(local_site, checked):
    site = local_site
    site.add("/ok/", TRS_LIST)
    site.add("/waf/", "Precondition Failed", status=412)
    site.add("/js/", CHALLENGE)
    site.add("/cookie/", COOKIE_521)
    site.add("/redesigned/", "<html><body><div>新版网站</div></body></html>")
    site.add("/gone/", "not found", status=404)
    site.add("/boom/", "oops", status=500)
    dead = f"http://127.0.0.1:{_closed_port()}/list/"

    got = checked(_entry("ok", site.url + "/ok/"), _entry("waf", site.url + "/waf/"),
                  _entry("js", site.url + "/js/"), _entry("cookie", site.url + "/cookie/"),
                  _entry("redesigned", site.url + "/redesigned/"),
                  _entry("gone", site.url + "/gone/"), _entry("boom", site.url + "/boom/"),
                  _entry("dead", dead))

    assert (got["ok"].state, got["ok"].links, got["ok"].status) == ("ok", 2, 200)
    assert got["waf"].state == "blocked" and got["waf"].status == 412
    assert got["js"].state == "blocked" and "$_ts" in got["js"].detail
    assert got["cookie"].state == "blocked" and "document.cookie" in got["cookie"].detail
    assert got["redesigned"].state == "structure-changed"
    assert "adapter trs" in got["redesigned"].detail
    assert got["gone"].state == "structure-changed" and got["gone"].status == 404
    assert got["boom"].state == "unreachable" and got["boom"].status == 500
    assert got["dead"].state == "unreachable" and "ConnectionError" in got["dead"].detail


def test_a_jpaas_column_is_checked_through_its_shell_and_its_data(local_site, checked):
    shell = local_site.add("/col/col1554467/index.html", JPAAS_SHELL)
    data = JpaasAdapter.unit_request(local_site.url + JPAAS_API, {
        "webId": "3096", "pageId": "1554467", "pageType": "column",
        "parseType": "bulidstatic"}, 1, shell)
    local_site.add(data.url[len(local_site.url):], JPAAS_DATA, content_type="application/json")

    got = checked(_entry("zj", shell, adapter="jpaas",
                         article_pattern=r"/art/\d{4}/art_[0-9a-f]{32}\.html$"))

    assert (got["zj"].state, got["zj"].links) == ("ok", 1)
    assert [h.split("?")[0] for h in local_site.hits] == ["/col/col1554467/index.html",
                                                          JPAAS_API]


def test_robots_txt_is_read_first_and_a_disallowed_page_is_not_fetched(local_site, checked):
    local_site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n",
                   content_type="text/plain")
    local_site.add("/private/", TRS_LIST)
    local_site.add("/open/", TRS_LIST)

    got = checked(_entry("private", local_site.url + "/private/"),
                  _entry("open", local_site.url + "/open/"),
                  _entry("waived", local_site.url + "/private/", robots=False,
                         robots_reason="the site owner agreed to this test"),
                  obey_robots=True)

    assert got["private"].state == "disallowed"
    assert got["open"].state == "ok"
    assert got["waived"].state == "ok"
    assert local_site.hits.count("/private/") == 1  # only for the waived entry
    assert local_site.hits.count("/robots.txt") == 1  # read once per host


def _cli(args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_the_cli_prints_a_table_and_exits_1_when_an_entry_needs_fixing(local_site, tmp_path,
                                                                         sqlite_url):
    local_site.add("/ok/", TRS_LIST)
    local_site.add("/waf/", "", status=412)
    catalog = _write(tmp_path, _entry("good", local_site.url + "/ok/"),
                     _entry("walled", local_site.url + "/waf/"),
                     _entry("off", local_site.url + "/ok/", enabled=False,
                            access="needs a browser"))
    env = {"PROVWATCH_CATALOG": catalog, "PROVWATCH_DATABASE_URL": sqlite_url,
           "PROVWATCH_DATA_DIR": str(tmp_path), "PROVWATCH_DOWNLOAD_DELAY": "0",
           "COLUMNS": "200"}

    table = _cli(["sources", "check"], env)
    one = _cli(["sources", "check", "--json", "good"], env)
    everything = _cli(["sources", "check", "--json", "--all"], env)
    unknown = _cli(["sources", "check", "nope"], env)

    assert table.returncode == 1, table.stderr
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip()
            for line in table.stdout.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()}  # not a detail line
    assert rows == {"good": "ok", "walled": "blocked"}
    assert "1 ok, 1 blocked" in table.stdout
    assert one.returncode == 0, one.stderr
    row = json.loads(one.stdout.strip())
    assert (row["source_id"], row["state"], row["links"]) == ("good", "ok", 2)
    assert {json.loads(x)["source_id"] for x in everything.stdout.splitlines()} == {
        "good", "walled", "off"}
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (f"provwatch: error: {catalog}: no source with id 'nope'")


def test_a_feed_is_ok_with_its_entries_and_html_in_its_place_is_a_structure_change(
        local_site, checked):
    rss = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
           "<item><title>一</title><link>http://a.test/1.html</link></item>"
           "<item><title>二</title><link>http://a.test/2.html</link></item>"
           "</channel></rss>")
    local_site.add("/feed.xml", rss, content_type="application/rss+xml")
    local_site.add("/moved.xml", "<html><body>网站改版</body></html>")

    def feed(sid, url):
        return {"id": sid, "name": "测试", "kind": "feed", "urls": [url], "province": "henan",
                "language": "zh", "interval": "1h"}

    got = checked(feed("good", local_site.url + "/feed.xml"),
                  feed("moved", local_site.url + "/moved.xml"))

    assert (got["good"].state, got["good"].links) == ("ok", 2)
    assert got["moved"].state == "structure-changed" and got["moved"].detail.startswith("feed:")


# --- what to change: the links the pattern rejects, the pager ---------------------------

MOVED = """<html><body><ul class="list">
<li><a href="/jxsrmzf/jxyw/pc/content/content_1912345678901234567.html">省政府常务会议</a></li>
<li><a href="/jxsrmzf/jxyw/pc/content/content_1912345678901234568.html">省长会见客人</a></li>
<li><a href="/jxsrmzf/jxyw/pc/content/content_1912345678901234569.html">全省招商大会</a></li>
<li><a href="/art/2026/4/15/art_393_123456.html">旧栏目文章</a></li>
<li><a href="/about/">关于我们</a></li>
</ul><div class="page"><a href="list_2.html">下一页</a></div></body></html>"""
TWINS = """<html><body><ul class="list">
<li><a href="./202604/t20260415_101.html">河南省政府常务会议召开</a></li>
<li><a href="./202604/t20260415_101_app.html">河南省政府常务会议召开</a></li>
<li><a href="./202604/t20260414_100.html?siteId=1">省长会见比亚迪董事长</a></li>
</ul><script>createPageHTML(12, 0, "index", "html");</script></body></html>"""


def test_a_moved_site_is_reported_with_the_links_the_pattern_rejects_and_its_pager(
        local_site, checked):
    local_site.add("/jxyw/", MOVED)

    got = checked(_entry("moved", local_site.url + "/jxyw/"))["moved"]

    assert (got.state, got.links, got.rejected) == ("structure-changed", 0, 4)
    assert got.rejected_shape == "127.0.0.1/jxsrmzf/jxyw/pc/content/content_<19 digits>.html"
    assert len(got.rejected_examples) == 3
    assert all("/content_19123456789012345" in u for u in got.rejected_examples)
    assert got.pager == f"下一页 -> {local_site.url}/jxyw/list_2.html"
    assert "the pattern rejects 4 article-like links, 3 shaped like" in got.detail
    assert "pager: 下一页 -> " in got.detail and "the adapter does not follow it" in got.detail


def test_twins_and_harmless_queries_are_kept_and_a_followed_pager_is_named(local_site, checked):
    local_site.add("/hnyw/", TWINS)

    got = checked(_entry("twins", local_site.url + "/hnyw/"))["twins"]

    assert (got.state, got.links, got.rejected) == ("ok", 3, 0)
    assert got.pager == (f'createPageHTML(12, 0, "index", "html"); 12 pages; '
                         f"next {local_site.url}/hnyw/index_1.html")
    assert "rejects" not in got.detail and "does not follow" not in got.detail


def test_the_cli_prints_the_rejected_links_and_the_pager_as_json(local_site, tmp_path,
                                                                 sqlite_url):
    local_site.add("/jxyw/", MOVED)
    catalog = _write(tmp_path, _entry("moved", local_site.url + "/jxyw/"))
    env = {"PROVWATCH_CATALOG": catalog, "PROVWATCH_DATABASE_URL": sqlite_url,
           "PROVWATCH_DATA_DIR": str(tmp_path), "PROVWATCH_DOWNLOAD_DELAY": "0"}

    result = _cli(["sources", "check", "--json", "moved"], env)
    row = json.loads(result.stdout.strip())

    assert result.returncode == 1, result.stderr
    assert (row["state"], row["rejected"]) == ("structure-changed", 4)
    assert row["rejected_shape"].endswith("content_<19 digits>.html")
    assert len(row["rejected_examples"]) == 3 and row["pager"].startswith("下一页 -> ")


@pytest.mark.parametrize("url, shape", [
    ("http://www.jiangxi.gov.cn/jxsrmzf/jxyw/pc/content/content_2007653864991363072.html",
     "www.jiangxi.gov.cn/jxsrmzf/jxyw/pc/content/content_<19 digits>.html"),
    ("https://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html",
     "www.zj.gov.cn/col/col<7 digits>/art/<4 digits>/art_<32 hex>.html"),
    ("https://www.ln.gov.cn/web/zwgkx/zfwj/szfbgtwj/2022n/766822D9F382464FB16C6EAD1FD8FB20/"
     "index.shtml",
     "www.ln.gov.cn/web/zwgkx/zfwj/szfbgtwj/<4 digits>n/<32 hex>/index.shtml"),
    ("https://www.cq.gov.cn/ywdt/jrcq/202601/t20260122_15343341.html?siteId=1&a=b",
     "www.cq.gov.cn/ywdt/jrcq/<6 digits>/t<8 digits>_<8 digits>.html?siteId=…&a=…"),
])
def test_a_rejected_link_is_described_by_its_shape(url, shape):
    from provwatch.crawler.services.listdiag import shape_of

    assert shape_of(url) == shape
