"""Refusals with a reason: a compression bomb (gzip, deflate, br, zstd), a redirect loop and
a sitemap bomb end the run with the reason named and counted as an error; a hanging link
is cut by the download timeout, and a run that reaches crawl_timeout still counts what it
stored. Real crawls (a child process) against a local HTTP server."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
import yaml
from _pages import page, rss
from conftest import make_config
from sqlalchemy import func, select

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon import health
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Article

try:
    from compression import zstd  # Python 3.14
except ImportError:
    from backports import zstd

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"
# Scrapy's own test bombs: 11.5 MB of one byte once decompressed
BOMBS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "sitemaps_compressed" \
    / "scrapy" / "tests" / "sample_data" / "compressed"
ENCODINGS = ["gzip", "deflate", "br", "zstd"]


def _catalog(tmp_path, *entries) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def _source(url: str, kind: str = "feed", **extra) -> dict:
    return {"id": "s", "name": "s", "kind": kind, "urls": [url], "province": "henan",
            "language": "zh", "interval": "10m", **extra}


def _crawl(tmp_path, url, entry: dict | None = None, **config):
    tmp_path.mkdir(exist_ok=True)
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'r.db'}",
                         catalog=_catalog(tmp_path, entry or _source(url)), **config)
    result = run_crawl(config, load_catalog(config.catalog).get("s"))
    return config, result


def _last_error(config) -> str | None:
    with transaction(open_database(config.database_url)) as session:
        return repository.source_state(session, "s").last_error


def _stored(config) -> int:
    with open_database(config.database_url)() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


def _compress(data: bytes, encoding: str) -> bytes:
    return {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
            "zstd": zstd.compress}[encoding](data)


def _story(n: int) -> str:
    return page(f"河南省推进第{n}批新能源汽车项目", [f"河南省第{n}批新能源汽车项目签约，总投资{n + 10}亿元。" * 5])


def _real_bomb(encoding: str) -> bytes:
    if not BOMBS.is_dir():
        pytest.skip(f"{BOMBS} is absent: the shared fixtures are not checked out beside "
                    "the repository")
    return (BOMBS / f"bomb-{encoding}.bin").read_bytes()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_real_compression_bomb_as_the_feed_fails_the_run_naming_the_reason(
        local_site, tmp_path, encoding):
    feed = local_site.add("/feed.xml", _real_bomb(encoding), content_type="application/rss+xml",
                          headers={"Content-Encoding": encoding})

    config, result = _crawl(tmp_path, feed)

    assert result.outcome == "failed"
    assert result.errors == 1 and result.error_kinds == {"too_large": 1}
    reason = f"{feed}: too_large (response body over 8 MB after decompression; refused)"
    assert reason in result.error_messages[0]
    assert reason in _last_error(config)
    assert health.classify(result)[0] == "redesigned"


def test_small_bombs_of_every_encoding_are_refused_and_the_good_article_is_stored(
        local_site, tmp_path):
    bomb = b"\0" * (3 * 1024 * 1024)
    local_site.add("/a/good.html", _story(1))
    items = [("good", local_site.url + "/a/good.html", DATE)]
    for encoding in ENCODINGS:
        local_site.add(f"/a/{encoding}.html", _compress(bomb, encoding),
                       headers={"Content-Encoding": encoding})
        items.append((encoding, f"{local_site.url}/a/{encoding}.html", DATE))
    feed = local_site.add("/feed.xml", rss(items), content_type="application/rss+xml")

    _, result = _crawl(tmp_path, feed, max_page_bytes=1024 * 1024)

    assert result.outcome == "ok" and result.new_articles == 1
    assert result.error_kinds == {"too_large": 4} and result.errors == 4
    messages = "\n".join(result.error_messages)
    for encoding in ENCODINGS:
        assert (f"article {local_site.url}/a/{encoding}.html: too_large (response body over "
                "1 MB after decompression; refused)") in messages


@pytest.fixture
def streamed_site() -> Iterator[str]:
    """A server that streams 3 MB without a Content-Length (robots.txt: 404); its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    done = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                if b"robots.txt" in conn.recv(65536):
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                    return
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                             b"Connection: close\r\n\r\n")
                for _ in range(48):
                    conn.sendall(b"<" * 65536)
            except OSError:
                pass  # the crawler hung up at its limit

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
    done.set()
    thread.join(timeout=5)
    listener.close()


def test_a_body_over_the_limit_is_refused_with_or_without_a_content_length(
        local_site, streamed_site, tmp_path):
    local_site.add("/a/big.html", b"<p>" * (1024 * 1024))
    feed = local_site.add("/feed.xml", rss([("big", local_site.url + "/a/big.html", DATE)]),
                          content_type="application/rss+xml")

    _, article = _crawl(tmp_path / "1", feed, max_page_bytes=1024 * 1024)
    _, streamed = _crawl(tmp_path / "2", streamed_site, max_page_bytes=1024 * 1024)

    assert article.error_kinds == {"too_large": 1} and article.outcome == "ok"
    assert f"article {local_site.url}/a/big.html: too_large (response body over 1 MB; " \
        "refused)" in article.error_messages[0]
    assert streamed.error_kinds == {"too_large": 1} and streamed.outcome == "failed"
    assert f"list/feed {streamed_site}: too_large (response body over 1 MB; refused)" in \
        streamed.error_messages[0]


def test_a_redirect_loop_fails_the_run_naming_the_loop(local_site, tmp_path):
    start = local_site.add("/a", status=302, headers={"Location": "/b"})
    local_site.add("/b", status=302, headers={"Location": "/a"})

    config, result = _crawl(tmp_path, start)

    assert result.outcome == "failed" and result.error_kinds == {"redirect_loop": 1}
    assert f"list/feed {start}: redirect_loop (redirect loop:" in result.error_messages[0]
    assert "redirect loop" in _last_error(config)
    assert health.classify(result)[0] == "http_error"


@pytest.mark.parametrize("served", ["content-encoding", "gzip-file"])
def test_a_sitemap_bomb_ends_with_its_reason_not_unreachable(local_site, tmp_path, served):
    bomb = gzip.compress(b"<urlset>" + b" " * (3 * 1024 * 1024))
    if served == "content-encoding":
        url = local_site.add("/sitemap.xml", bomb, content_type="application/xml",
                             headers={"Content-Encoding": "gzip"})
    else:
        url = local_site.add("/sitemap.xml.gz", bomb, content_type="application/x-gzip")

    config, result = _crawl(tmp_path, url, _source(url, "sitemap", article_pattern="/a/"),
                            max_page_bytes=1024 * 1024)

    assert result.outcome == "failed" and result.errors == 1
    assert url in result.error_messages[0]
    assert "over 1 MB after decompression; refused" in result.error_messages[0]
    assert _last_error(config)
    assert health.classify(result)[0] == "redesigned"


def test_one_hanging_link_among_many_is_cut_by_the_download_timeout(local_site, tmp_path):
    items = []
    for n in range(12):
        local_site.add(f"/a/{n}.html", _story(n), delay=60 if n == 5 else 0)
        items.append((f"t{n}", f"{local_site.url}/a/{n}.html", DATE))
    feed = local_site.add("/feed.xml", rss(items), content_type="application/rss+xml")

    config, result = _crawl(tmp_path, feed, download_timeout=2, crawl_timeout=120)

    assert result.outcome == "ok"
    assert result.new_articles == 11 == _stored(config)
    assert result.error_kinds == {"timeout": 1}
    assert f"article {local_site.url}/a/5.html: timeout" in result.error_messages[0]


def test_a_run_that_reaches_crawl_timeout_counts_the_articles_it_stored(local_site, tmp_path):
    ARTICLES = 400  # noqa: N806 - a second each, eight at a time: far more than 10s of work
    items = []
    for n in range(ARTICLES):
        local_site.add(f"/a/{n}.html", _story(n), delay=1.0)
        items.append((f"t{n}", f"{local_site.url}/a/{n}.html", DATE))
    feed = local_site.add("/feed.xml", rss(items), content_type="application/rss+xml")

    # the spider closes itself at 20 - min(5 + 5, 20 / 2) = 10s, well before the kill
    config, result = _crawl(tmp_path, feed, download_timeout=5, crawl_timeout=20)

    assert result.outcome == "ok"
    assert result.error_kinds.get("crawl_timeout") == 1
    assert 0 < result.new_articles == _stored(config) < ARTICLES
    assert "crawl stopped at its time limit" in "\n".join(result.error_messages)


def test_a_run_killed_at_crawl_timeout_still_counts_the_articles_it_stored(local_site, tmp_path):
    # the hanging article is served under another host name (same loopback server): Scrapy
    # queues per host, so it cannot hold the others' queue, whatever order they are fetched in
    local_site.add("/a/hang.html", _story(0), delay=60)
    other_host = local_site.url.replace("127.0.0.1", "localhost")
    items = [("hang", f"{other_host}/a/hang.html", DATE)]
    for n in range(1, 4):
        local_site.add(f"/a/{n}.html", _story(n))
        items.append((f"t{n}", f"{local_site.url}/a/{n}.html", DATE))
    feed = local_site.add("/feed.xml", rss(items), content_type="application/rss+xml")

    config, result = _crawl(tmp_path, feed, download_timeout=60, crawl_timeout=20)

    assert result.outcome == "timeout"
    assert result.new_articles == _stored(config) == 3
