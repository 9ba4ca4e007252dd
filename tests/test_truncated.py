"""A body cut short is refused with its reason, never stored or read as whole: a gzip
article or feed whose stream ends early, a .xml.gz sitemap cut in half, an HTML page where
a sitemap should be."""

from __future__ import annotations

import gzip
import zlib

import yaml
from _pages import GUANGXI_AI, HENAN_NEV, page, rss
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.spiders.middlewares import gzip_complete

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"


def _catalog(tmp_path, entry) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_a_compressed_stream_is_complete_only_with_its_end():
    whole = gzip.compress(b"x" * 100_000)
    assert gzip_complete(whole) is True
    assert gzip_complete(whole[: len(whole) // 2]) is False
    assert gzip_complete(zlib.compress(b"y" * 1000)) is True
    assert gzip_complete(b"<html>not compressed</html>") is None


def test_a_truncated_gzip_article_is_refused_and_the_whole_one_stored(
        local_site, tmp_path, sqlite_url):
    cut = gzip.compress(page(*GUANGXI_AI).encode())
    local_site.add("/a/cut.html", cut[: len(cut) // 2],
                   headers={"Content-Encoding": "gzip"}, content_type="text/html")
    local_site.add("/a/whole.html", gzip.compress(page(*HENAN_NEV).encode()),
                   headers={"Content-Encoding": "gzip"}, content_type="text/html")
    feed = local_site.add("/feed.xml", rss([(GUANGXI_AI[0], local_site.url + "/a/cut.html", DATE),
                                            (HENAN_NEV[0], local_site.url + "/a/whole.html",
                                             DATE)]), content_type="application/rss+xml")
    entry = {"id": "f", "name": "f", "kind": "feed", "urls": [feed], "province": "henan",
             "language": "zh", "interval": "10m"}
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry))

    result = run_crawl(config, load_catalog(config.catalog).get("f"))

    assert result.new_articles == 1
    assert result.error_kinds.get("truncated_body") == 1
    assert any("/a/cut.html: the body ends early" in m for m in result.error_messages)
    assert [r["title"] for r in articles_service.list_articles(config)] == [HENAN_NEV[0]]


def test_a_sitemap_cut_in_half_or_an_html_page_in_its_place_is_not_a_good_run(
        local_site, tmp_path, sqlite_url):
    urls = [f"{local_site.url}/a/2026/{n}.html" for n in range(400)]
    for u in urls:
        local_site.add(u.removeprefix(local_site.url), page(*HENAN_NEV))
    whole = gzip.compress(('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.'
                           'sitemaps.org/schemas/sitemap/0.9">' + "".join(
                               f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>"
                           ).encode())
    local_site.add("/cut.xml.gz", whole[: len(whole) // 2],
                   content_type="application/octet-stream")
    local_site.add("/page.xml", page(*HENAN_NEV), content_type="text/html")
    entry = {"id": "m", "name": "m", "kind": "sitemap", "province": "henan", "language": "zh",
             "interval": "1h", "article_pattern": r"/a/\d{4}/",
             "urls": [local_site.url + "/cut.xml.gz", local_site.url + "/page.xml"]}
    config = make_config(tmp_path, sqlite_url, catalog=_catalog(tmp_path, entry))

    result = run_crawl(config, load_catalog(config.catalog).get("m"))

    assert result.outcome == "failed" and result.new_articles == 0
    assert result.error_kinds.get("bad_sitemap") == 2
    messages = "\n".join(result.error_messages)
    assert "cut.xml.gz: the gzip file ends early" in messages
    assert "page.xml: not a sitemap (an <html> document)" in messages
