"""The daemon for real: `provwatch run` as a child process (signals, kill -9, the lock) and
in-process (hung crawls, source health notices, metrics, the per-crawl log line), against
a local HTTP site and a local webhook receiver."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone

import psutil
import pytest
import yaml
from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page, rss
from conftest import make_config
from sqlalchemy import func, select

from provwatch.alerts.watchlist import validate
from provwatch.crawler.daemon.scheduler import Daemon
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage.db import close_all, open_database
from provwatch.crawler.storage.models import Article, CrawlRun, DaemonLock, Delivery, SourceState

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"
OTHER = [("江苏召开集成电路产业推进会", ["江苏省在南京召开集成电路产业推进会，部署晶圆制造和芯片设计项目。"] * 3),
         ("四川发布清洁能源装备行动计划", ["四川省发布清洁能源装备制造行动计划，支持水电和光伏装备企业。"] * 3),
         ("湖北召开新春第一会聚焦科技创新", ["湖北省召开新春第一会，聚焦科技创新和光谷建设，部署重点任务。"] * 3)]


def wait_for(condition, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the daemon exited ({proc.returncode}) while waiting for {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


def _catalog(tmp_path, *entries) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def _feed(sid: str, url: str, **extra) -> dict:
    return {"id": sid, "name": sid, "kind": "feed", "urls": [url], "province": "henan",
            "language": "zh", "interval": "1h", **extra}


def _serve(site, prefix: str, stories, slow: float = 0.0) -> str:
    """A feed at /<prefix>.xml listing one page per story; the last one slow if asked."""
    items = []
    for n, (title, paragraphs) in enumerate(stories):
        path = f"/{prefix}/{n}.html"
        delay = slow if slow and n == len(stories) - 1 else 0.0
        site.add(path, page(title, paragraphs), delay=delay)
        items.append((title, site.url + path, DATE))
    return site.add(f"/{prefix}.xml", rss(items), content_type="application/rss+xml")


def _env(tmp_path, database_url: str, catalog: str, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": database_url, "PROVWATCH_CATALOG": catalog,
                "PROVWATCH_DATA_DIR": str(tmp_path), "PROVWATCH_DOWNLOAD_DELAY": "0",
                "PROVWATCH_OBEY_ROBOTS": "false", "PROVWATCH_DOWNLOAD_TIMEOUT": "40",
                "PROVWATCH_CRAWL_TIMEOUT": "60", "PROVWATCH_STOP_GRACE": "3",
                "PROVWATCH_HEARTBEAT": "1", "PROVWATCH_ALERT_INTERVAL": "1",
                "PROVWATCH_LOG_FORMAT": "json",
                # the loopback site serves every fictional outlet from one host
                "PROVWATCH_CRAWLS_PER_HOST": "8"})
    env.update({f"PROVWATCH_{k.upper()}": str(v) for k, v in extra.items()})
    return env


def _start(env, log_path) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - the child writes to it until it exits
    try:
        return subprocess.Popen([sys.executable, "-m", "provwatch.crawler.cli", "run"], env=env,
                                stdout=log, stderr=log)
    finally:
        log.close()


@contextmanager
def _running(env, log_path):
    """The daemon as a process; killed at the end if the test left it running."""
    proc = _start(env, log_path)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _count(database_url, model, *where) -> int:
    with open_database(database_url)() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _log_events(log_path) -> list[dict]:
    events = []
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            events.append(json.loads(line))
    return events


def _watch_everything(config, webhook_url: str) -> None:
    """A watchlist that matches every article, created before the test pages' date."""
    spec = validate("all", channels=[f"webhook:{webhook_url}"])
    watchlists_service.add_watchlist(config, dataclasses.replace(
        spec, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))


# --- as a process: signals, kill -9, the lock ------------------------------------------------


def test_sigterm_stops_a_running_crawl_within_10s_keeps_what_was_stored_and_the_next_start_resumes(
        local_site, tmp_path, sqlite_url):
    feed = _serve(local_site, "a", [HENAN_NEV, GUANGXI_AI, ENGLISH_HAINAN], slow=30)
    env = _env(tmp_path, sqlite_url, _catalog(tmp_path, _feed("a", feed)))
    log_path = tmp_path / "daemon.log"
    with _running(env, log_path) as proc:
        wait_for(lambda: "/a/2.html" in local_site.hits, 60, "the slow page requested", proc)
        wait_for(lambda: _count(sqlite_url, Article) == 2, 30, "two articles stored", proc)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0

    assert _count(sqlite_url, CrawlRun, CrawlRun.outcome == "interrupted") == 1
    assert _count(sqlite_url, Article) == 2
    with open_database(sqlite_url)() as session:
        assert session.get(DaemonLock, "daemon").owner is None  # released
        assert session.get(SourceState, "a").next_due_at <= datetime.now(timezone.utc)
    events = _log_events(log_path)
    assert [e["event"] for e in events][-1] == "stopped"
    crawl = next(e for e in events if e["event"] == "crawl")
    assert crawl["source"] == "a" and crawl["outcome"] == "interrupted" and crawl["new"] == 2

    local_site.routes["/a/2.html"].delay = 0
    with _running(env, log_path) as proc:
        wait_for(lambda: _count(sqlite_url, Article) == 3, 60, "the third article", proc)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    assert _count(sqlite_url, CrawlRun, CrawlRun.outcome == "ok") == 1


def test_kill_9_during_a_crawl_loses_no_article_and_sends_no_alert_twice(
        local_site, webhook_receiver, tmp_path, sqlite_url):
    fast = _serve(local_site, "fast", [HENAN_NEV, GUANGXI_AI, ENGLISH_HAINAN])
    slow = _serve(local_site, "slow", OTHER, slow=30)
    catalog = _catalog(tmp_path, _feed("fast", fast), _feed("slow", slow))
    env = _env(tmp_path, sqlite_url, catalog)
    _watch_everything(make_config(tmp_path, sqlite_url, catalog=catalog), webhook_receiver.url)
    log_path = tmp_path / "daemon.log"
    proc = _start(env, log_path)
    try:
        wait_for(lambda: "/slow/2.html" in local_site.hits, 60, "the slow page requested", proc)
        wait_for(lambda: len(webhook_receiver.requests) == 5, 30,
                 "alerts for the five stored articles", proc)
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "the crawl of the slow source should be running"
    finally:
        proc.kill()  # SIGKILL: no handler runs
        proc.wait()

    # the crawl child notices its parent is gone (stdin closes) and ends by itself
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"orphaned crawl processes: {alive}"
    assert _count(sqlite_url, Article) == 5
    close_all()

    local_site.routes["/slow/2.html"].delay = 0
    # the dead daemon's lock is taken over at once (same host)
    with _running(env, log_path) as proc:
        wait_for(lambda: _count(sqlite_url, Article) == 6, 60, "the sixth article", proc)
        wait_for(lambda: len(webhook_receiver.requests) == 6, 30, "the sixth alert", proc)
        time.sleep(2)  # a few more dispatcher rounds: nothing more may be sent
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0

    with open_database(sqlite_url)() as session:
        urls = session.scalars(select(Article.canonical_url)).all()
        sent = session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.status == "sent"))
    assert len(urls) == len(set(urls)) == 6
    ids = Counter(r.headers["X-Provwatch-Delivery"] for r in webhook_receiver.requests)
    assert len(ids) == 6 and max(ids.values()) == 1 and sent == 6


def test_a_second_daemon_on_the_same_database_refuses_to_start(local_site, tmp_path, sqlite_url):
    feed = _serve(local_site, "a", [HENAN_NEV])
    env = _env(tmp_path, sqlite_url, _catalog(tmp_path, _feed("a", feed)))
    first = _start(env, tmp_path / "first.log")
    try:
        wait_for(lambda: _count(sqlite_url, DaemonLock, DaemonLock.owner.is_not(None)), 30,
                 "the first daemon to take the lock", first)
        check = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "status", "--check"],
                               env=env, capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr

        second = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "run"], env=env,
                                capture_output=True, text=True, timeout=60)

        assert second.returncode == 1
        assert "another provwatch daemon runs on this database" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert first.poll() is None  # the first one is untouched
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=10) == 0
    check = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "status", "--check"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and "no daemon is running" in check.stdout


# --- in process: the schedule, health notices, metrics ----------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def daemon_thread():
    """Run a Daemon in a thread; stop it and wait for it at the end of the test."""
    started: list[tuple[Daemon, threading.Thread]] = []

    def start(config) -> Daemon:
        daemon = Daemon(config)
        thread = threading.Thread(target=daemon.run, kwargs={"install_signals": False},
                                  daemon=True)
        thread.start()
        started.append((daemon, thread))
        return daemon

    yield start
    for daemon, thread in started:
        daemon.stop()
        thread.join(timeout=15)
        assert not thread.is_alive()


def _runs(database_url, source_id, outcome) -> int:
    return _count(database_url, CrawlRun, CrawlRun.source_id == source_id,
                  CrawlRun.outcome == outcome)


def test_a_hung_crawl_is_killed_at_its_timeout_and_every_schedule_goes_on(
        local_site, webhook_receiver, tmp_path, sqlite_url, daemon_thread, caplog):
    # no timing assumption: the hung feed answers only when the test ends (a barrier, not
    # a delay that must outlast the timeout), and the timeout leaves a good crawl ample
    # room on a loaded machine; a good run that is killed anyway (extreme load) is
    # retried like any other, so the waits below only need a deadline
    released = threading.Event()

    def never(_request):
        released.wait(300)
        return 200, "text/plain", "never"

    good = _serve(local_site, "good", [HENAN_NEV])
    local_site.add("/hang.xml", never)
    catalog = _catalog(
        tmp_path, _feed("good", good, interval="2s", min_interval="1s", max_backoff="1s"),
        _feed("hang", local_site.url + "/hang.xml", interval="1s", max_backoff="1s"))
    port = _free_port()
    config = make_config(tmp_path, sqlite_url, catalog=catalog, crawl_timeout=15,
                         download_timeout=300, heartbeat=0.5, stop_grace=2,
                         operator_channels=f"webhook:{webhook_receiver.url}",
                         metrics_port=port)
    caplog.set_level("INFO", logger="provwatch.daemon")
    try:
        daemon_thread(config)
        wait_for(lambda: _runs(sqlite_url, "hang", "timeout") >= 2, 240, "two killed runs")
        wait_for(lambda: _runs(sqlite_url, "good", "ok")
                 + _runs(sqlite_url, "good", "not_modified") >= 3, 240, "three good runs")
        notices = wait_for(lambda: [r for r in webhook_receiver.requests
                                    if r.headers.get("X-Provwatch-Event") == "source.health"
                                    and r.json.get("source") == "hang"],
                           120, "the operator notice")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as resp:
            metrics = resp.read().decode()
    finally:
        released.set()

    assert [(n.json["source"], n.json["state"]) for n in notices] == [("hang", "unreachable")]
    assert 'provwatch_crawls_total{outcome="timeout",source="hang"}' in metrics
    crawl_lines = [r.fields for r in caplog.records if r.getMessage() == "crawl"]
    timeouts = [f for f in crawl_lines if f["outcome"] == "timeout" and f["source"] == "hang"]
    assert [f["health"] for f in timeouts[:2]] == ["failing", "unreachable"]
    assert "crawl killed after 15s" in timeouts[0]["error"]


def test_two_sources_on_one_host_are_never_crawled_at_the_same_time(
        local_site, tmp_path, sqlite_url, daemon_thread, monkeypatch):
    monkeypatch.setattr("provwatch.crawler.daemon.scheduler.HOST_WAIT", 0.3)
    first = _serve(local_site, "first", [HENAN_NEV], slow=3)
    second = _serve(local_site, "second", [GUANGXI_AI])
    catalog = _catalog(tmp_path, _feed("first", first, interval="1h"),
                       _feed("second", second, interval="1h"))
    config = make_config(tmp_path, sqlite_url, catalog=catalog, crawls_per_host=1,
                         download_timeout=30)

    daemon_thread(config)
    wait_for(lambda: _runs(sqlite_url, "first", "ok") + _runs(sqlite_url, "second", "ok") == 2,
             60, "both sources crawled")

    with open_database(sqlite_url)() as session:
        runs = sorted(session.execute(select(CrawlRun.started_at, CrawlRun.finished_at)).all())
    assert len(runs) == 2
    assert runs[0].finished_at <= runs[1].started_at  # one after the other, never together


def test_a_failing_source_is_announced_once_and_its_recovery_once(
        local_site, webhook_receiver, tmp_path, sqlite_url, daemon_thread):
    local_site.add("/flaky.xml", "down for maintenance", status=503)
    catalog = _catalog(tmp_path, _feed("flaky", local_site.url + "/flaky.xml", interval="1s",
                                       max_backoff="1s"))
    config = make_config(tmp_path, sqlite_url, catalog=catalog, heartbeat=0.5,
                         operator_channels=f"webhook:{webhook_receiver.url}")

    daemon_thread(config)
    wait_for(lambda: _runs(sqlite_url, "flaky", "failed") >= 4, 60, "four failed runs")
    _serve(local_site, "flaky", [HENAN_NEV])
    wait_for(lambda: _runs(sqlite_url, "flaky", "ok") + _runs(sqlite_url, "flaky", "not_modified")
             >= 2, 60, "two good runs")
    def source_notices():  # the daemon's own health notices go to the same channel
        return [r for r in webhook_receiver.requests if r.json.get("type") == "source.health"]

    wait_for(lambda: len(source_notices()) >= 2, 60, "the recovery notice")

    notices = source_notices()
    told = [(r.json["source"], r.json["state"], r.json["previous"]) for r in notices]
    assert told == [("flaky", "http_error", "ok"), ("flaky", "ok", "http_error")] or \
        told == [("flaky", "http_error", None), ("flaky", "ok", "http_error")]
    assert "HTTP" in notices[0].json["text"] or "http_503" in notices[0].json["text"]


def test_a_challenge_page_instead_of_the_list_marks_the_source_blocked(
        local_site, tmp_path, sqlite_url):
    from provwatch.crawler.catalog.sources import load_catalog
    from provwatch.crawler.daemon.runner import run_crawl

    local_site.add("/list/", '<html><head><title>安全验证</title></head><body><script>'
                   'var $_ts=window["$_ts"];</script></body></html>')
    catalog = _catalog(tmp_path, {"id": "walled", "name": "walled", "kind": "listing",
                                  "urls": [local_site.url + "/list/"], "province": "henan",
                                  "language": "zh", "interval": "30m"})
    config = make_config(tmp_path, sqlite_url, catalog=catalog)
    source = load_catalog(catalog).get("walled")

    first, second = run_crawl(config, source), run_crawl(config, source)

    assert first.outcome == "failed" and first.error_kinds == {"blocked": 1}
    assert "bot challenge page" in first.error_messages[0]
    assert (first.health, second.health) == ("failing", "blocked")  # bad after two runs
