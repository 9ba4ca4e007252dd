"""One article, several spellings: twins and harmless query strings, matched and folded.

Every URL here is a real article address quoted in public code (see the catalog's
examples), or one of its twins.
"""

from __future__ import annotations

import json

import pytest
from conftest import make_config

from provwatch.crawler.services.ingest import ingest
from provwatch.crawler.urlforms import article_form, matches_article
from provwatch.pipelines.urls import canonical_url

CQ = "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260614_15751731.html"

FOLDED = [
    # (as found, the page it stands for)
    ("http://www.cq.gov.cn/ywdt/jrcq/202606/t20260614_15751731_app.html",
     "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260614_15751731.html"),
    ("https://www.shaanxi.gov.cn/xw/sxyw/202308/t20230811_2296960_wap.html",
     "https://www.shaanxi.gov.cn/xw/sxyw/202308/t20230811_2296960.html"),
    ("https://www.shanxi.gov.cn/zfxxgk/zfxxgkzl/fdzdgknr/lzyj/szfl/202205/"
     "t20220513_5978858_gzk.shtml",
     "https://www.shanxi.gov.cn/zfxxgk/zfxxgkzl/fdzdgknr/lzyj/szfl/202205/"
     "t20220513_5978858.shtml"),
    ("https://www.shanxi.gov.cn/ywdt/sxyw/202507/t20250708_9904276_slb.shtml",
     "https://www.shanxi.gov.cn/ywdt/sxyw/202507/t20250708_9904276.shtml"),
    ("http://www.shandong.gov.cn/art/2016/12/21/art_97741_53852.html?xxgkhide=1",
     "http://www.shandong.gov.cn/art/2016/12/21/art_97741_53852.html"),
    ("https://www.shanghai.gov.cn/nw12344/20250321/e8ad21ef789c4499aa54bf1fd5f6f972.html"
     "?siteId=1",
     "https://www.shanghai.gov.cn/nw12344/20250321/e8ad21ef789c4499aa54bf1fd5f6f972.html"),
    ("https://www.hainan.gov.cn/hainan/szfbgt/202310/t20231007_3498972.html?ddtab=true",
     "https://www.hainan.gov.cn/hainan/szfbgt/202310/t20231007_3498972.html"),
    ("https://www.ndrc.gov.cn/xwdt/xwfb/202204/t20220401_1321525.html?code=&state=123",
     "https://www.ndrc.gov.cn/xwdt/xwfb/202204/t20220401_1321525.html"),
    ("http://zj.people.com.cn/n2/2018/1028/c198068-32211196.html?from=timeline"
     "&isappinstalled=0",
     "http://zj.people.com.cn/n2/2018/1028/c198068-32211196.html"),
]

KEPT = [
    # a query that names the page, a code that is not WeChat's, and _app inside a name
    "http://www.example.gov.cn/show.asp?id=1&siteId=1",
    "https://www.example.gov.cn/fund?code=600519&state=1",
    "https://www.example.gov.cn/download/my_app.html",
]


@pytest.mark.parametrize("found, page", FOLDED)
def test_a_twin_or_a_harmless_query_folds_into_the_page(found, page):
    assert article_form(found) == page
    assert canonical_url(found) == canonical_url(page)


def test_what_names_a_page_is_kept():
    assert article_form(KEPT[0]) == "http://www.example.gov.cn/show.asp?id=1"
    assert article_form(KEPT[1]) == KEPT[1]
    assert article_form(KEPT[2]) == KEPT[2]
    assert canonical_url(KEPT[1]) != canonical_url("https://www.example.gov.cn/fund")


@pytest.mark.parametrize("found, page", FOLDED)
def test_a_pattern_written_for_the_page_accepts_its_twins(found, page):
    pattern = r"/(?:t\d{8}_\d+|art_\d+_\d+|[0-9a-f]{32}|c\d+-\d{8,})\.s?html$"
    assert matches_article(pattern, page)
    assert matches_article(pattern, found)


def test_a_pattern_still_rejects_an_unknown_query_or_suffix():
    pattern = r"/t\d{8}_\d+\.html$"
    assert not matches_article(pattern, CQ + "?page=2")
    assert not matches_article(pattern, CQ.replace(".html", "_print.html"))


def test_a_twin_and_its_page_are_stored_as_one_article(tmp_path, sqlite_url):
    from _pages import HENAN_NEV, page

    html = page(*HENAN_NEV)
    twin = CQ.replace(".html", "_app.html")
    lines = [json.dumps({"url": url, "html": html, "source_id": "archive"})
             for url in (CQ, twin, CQ + "?siteId=1")]
    report = ingest(make_config(tmp_path, sqlite_url), lines, "pages.jsonl")

    assert (report.read, report.stored) == (3, 1)
    assert sum(report.dropped.values()) == 2
