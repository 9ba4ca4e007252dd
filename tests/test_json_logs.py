"""Logs keep the README's promise: with PROVWATCH_LOG_FORMAT=json every stderr line of the
daemon (its crawl children, Scrapy and Twisted included) is one JSON object; a known
network or HTTP failure is one line with the URL and the reason, a traceback only for a bug;
`provwatch crawl` of an unreachable source prints one line, not a traceback."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml
from _pages import HENAN_NEV, page, rss
from _servers import closed_port
from sqlalchemy import select
from twisted.internet.error import DNSLookupError

from provwatch.crawler.daemon.logs import JsonFormatter, LineHandler, TextFormatter
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import CrawlRun

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"



def _feed(sid: str, url: str) -> dict:
    return {"id": sid, "name": sid, "kind": "feed", "urls": [url], "province": "henan",
            "language": "zh", "interval": "1h"}


def _env(tmp_path, catalog: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'logs.db'}",
                "PROVWATCH_CATALOG": catalog, "PROVWATCH_DATA_DIR": str(tmp_path),
                "PROVWATCH_DOWNLOAD_DELAY": "0", "PROVWATCH_DOWNLOAD_TIMEOUT": "10",
                "PROVWATCH_CRAWL_TIMEOUT": "60", "PROVWATCH_STOP_GRACE": "3",
                "PROVWATCH_CRAWLS_PER_HOST": "8", **extra})
    return env


def _write_catalog(tmp_path, *entries) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def _runs(database_url: str) -> set[str]:
    with open_database(database_url)() as session:
        return set(session.scalars(select(CrawlRun.source_id).group_by(CrawlRun.source_id)))


def _record(exc: BaseException | None, msg: str = "Error downloading <GET %s>",
            name: str = "scrapy.downloadermiddlewares.robotstxt",
            level: int = logging.ERROR) -> logging.LogRecord:
    exc_info = None
    if exc is not None:
        try:
            raise exc
        except BaseException:
            exc_info = sys.exc_info()
    return logging.LogRecord(name, level, __file__, 1, msg, ("http://x.test/robots.txt",),
                             exc_info)


class _Lines:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_a_network_failure_is_one_line_with_its_reason_and_a_bug_keeps_its_traceback(formatter):
    out = _Lines()
    handler = LineHandler(out, formatter, logging.DEBUG)

    handler.handle(_record(DNSLookupError("nonexistent.invalid")))
    network = out.text
    out.text = ""
    handler.handle(_record(ValueError("a bug"), msg="Spider error processing %s",
                           name="scrapy.core.scraper"))

    assert network.count("\n") == 1 and "Traceback" not in network
    assert "http://x.test/robots.txt" in network and "DNSLookupError" in network
    assert "Traceback" in out.text and "ValueError: a bug" in out.text
    if isinstance(formatter, JsonFormatter):
        assert json.loads(network)["error"].startswith("DNSLookupError")
        assert json.loads(out.text)["exception"].startswith("Traceback")


def test_scrapys_echo_of_a_failure_the_spider_counts_drops_below_warning():
    out = _Lines()
    handler = LineHandler(out, JsonFormatter(), logging.WARNING)

    handler.handle(_record(DNSLookupError("nonexistent.invalid")))
    handler.handle(_record(None, msg="Gave up retrying %s (failed 3 times): refused",
                           name="scrapy.downloadermiddlewares.retry"))
    handler.handle(_record(DNSLookupError("x"), msg="kept %s", name="provwatch.spiders.base",
                           level=logging.WARNING))

    assert [json.loads(line)["event"] for line in out.text.splitlines()] == ["kept http://x.test/robots.txt"]


def test_every_line_the_daemon_writes_in_json_mode_is_one_json_object(local_site, tmp_path):
    local_site.add("/a/1.html", page(*HENAN_NEV))
    good = local_site.add("/good.xml", rss([(HENAN_NEV[0], local_site.url + "/a/1.html", DATE)]),
                          content_type="application/rss+xml")
    boom = local_site.add("/boom.xml", "server error", status=500)
    closed = f"http://127.0.0.1:{closed_port()}/feed.xml"
    # no DNS failure here: a lookup would leave loopback (the formatter's DNS line is
    # tested above with the error itself)
    catalog = _write_catalog(tmp_path, _feed("good", good), _feed("boom", boom),
                             _feed("closed", closed))
    env = _env(tmp_path, catalog, PROVWATCH_LOG_FORMAT="json", PROVWATCH_OBEY_ROBOTS="true",
               PROVWATCH_LOG_LEVEL="info")
    log_path = tmp_path / "daemon.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "provwatch.crawler.cli", "run"],
                                env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 120
        want = {"good", "boom", "closed"}
        while _runs(env["PROVWATCH_DATABASE_URL"]) != want:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "timed out waiting for a run of every source"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    lines = log_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line, or this fails naming it
    assert records and all(isinstance(r, dict) and "event" in r for r in records)
    assert not any("exception" in r for r in records)  # no bug here: no traceback at all
    said = "\n".join(r["event"] + " " + str(r.get("error", "")) for r in records)
    assert f"{closed}: connection_refused" in said
    assert f"{boom}: http_500" in said


def test_provwatch_crawl_of_an_unreachable_source_prints_one_line_not_a_traceback(tmp_path):
    closed = f"http://127.0.0.1:{closed_port()}/feed.xml"
    env = _env(tmp_path, _write_catalog(tmp_path, _feed("closed", closed)),
               PROVWATCH_OBEY_ROBOTS="true")

    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "crawl", "closed"],
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{closed}: connection_refused" in lines[0]
    assert result.stdout.startswith("closed: failed")
