"""Health tells the truth (issue 16): a source's first failure shows at once, and the daemon
is unhealthy when most sources fail or nothing has succeeded for too long; /healthz,
`status --check` and one operator notice say so."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from urllib.error import HTTPError

import pytest
import yaml
from _pages import GUANGXI_AI, HENAN_NEV, page, rss
from conftest import make_config
from typer.testing import CliRunner

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.cli.main import app, state
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.daemon.scheduler import Daemon
from provwatch.crawler.services import status
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import DaemonLock, SourceState

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
DATE = "Wed, 18 Nov 2026 09:30:00 +0800"


# -- check, as tables ---------------------------------------------------------------------


@pytest.fixture
def check_config(tmp_path):
    return make_config(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", heartbeat=10,
                       alert_interval=60)


def _report(healths, *, running=True, crawling=None, errors=None):
    """A running, dispatching daemon and enabled sources s0, s1 ... in ``healths``."""
    daemon = {"running": running, "holder": running, "pid": 7, "host": "h",
              "started_at": "2026-12-06T06:00:00Z", "uptime_seconds": 7200.0 if running else None,
              "heartbeat_at": "2026-12-06T07:59:55Z", "heartbeat_age_seconds": 5.0,
              "last_dispatch_at": "2026-12-06T07:59:00Z", "last_dispatch_age_seconds": 60.0,
              "stopped_at": None, "stopped_age_seconds": None}
    errors = errors or {}
    sources = [{"id": f"s{n}", "enabled": True, "health": h, "last_error": errors.get(n)}
               for n, h in enumerate(healths)]
    return {"daemon": daemon, "sources": sources, "outbox": {}, "crawling": crawling}


@pytest.mark.parametrize("healths, share, unhealthy", [
    (["failing", "ok", "ok"], 0.5, False),
    (["failing", "failing", "ok"], 0.5, True),  # 2 of 3: more than half
    (["unreachable", "ok"], 0.5, False),  # exactly half is not more than half
    (["failing", "ok", "ok", "new"], 0.2, True),  # a quarter with a lower limit
    (["failing", "http_error", "new", "new", "new"], 0.5, False),  # not yet crawled: not failing
    (["stale", "stale", "ok"], 0.5, False),  # stale sources run fine
    (["failing", "blocked", "redesigned", "error", "ok"], 0.5, True),
])
def test_more_than_the_failing_share_of_enabled_sources_is_unhealthy(
        tmp_path, healths, share, unhealthy):
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}",
                         unhealthy_failing_share=share)
    assert bool(status.check(_report(healths), config)) is unhealthy


def test_the_failing_share_reason_names_the_states_and_a_last_error(check_config):
    report = _report(["ok", "failing", "unreachable"],
                     errors={1: "source s1: list/feed http://a.test/: connection refused\nmore"})

    assert status.check(report, check_config) == [
        "2 of 3 enabled sources are failing (failing: 1, unreachable: 1), more than 50% "
        "(unhealthy_failing_share); likely the network or DNS of the crawler's host; "
        "last error (s1): source s1: list/feed http://a.test/: connection refused"]


def test_every_enabled_source_failing_at_once_is_unhealthy_before_any_second_failure(
        check_config):
    reasons = status.check(_report(["failing"] * 48 + ["new"] * 81), check_config)
    assert reasons == []  # 48 of 129 is not yet more than half ...
    reasons = status.check(_report(["failing"] * 65 + ["new"] * 64), check_config)
    assert reasons[0].startswith("65 of 129 enabled sources are failing (failing: 65)")


def _crawling(quiet_minutes, failed, since="last_success"):
    return {"last_success_at": "2026-12-06T07:00:00Z", "quiet_seconds": quiet_minutes * 60.0,
            "quiet_since": since, "failed_since": failed}


@pytest.mark.parametrize("quiet, failed, limit, unhealthy", [
    (31, ["s0", "s1"], 1800, True),
    (29, ["s0", "s1"], 1800, False),  # not yet long enough
    (31, [], 1800, False),  # nothing ran: a quiet schedule is not a failure
    (31, ["s0"], 1800, False),  # one source down alone is the source's news, not ours
    (11, ["s0", "s1"], 600, True),  # the limit is a setting
])
def test_no_success_for_longer_than_allowed_while_crawls_failed_is_unhealthy(
        tmp_path, quiet, failed, limit, unhealthy):
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}",
                         unhealthy_after_no_success=limit)
    report = _report(["ok"] * 8, crawling=_crawling(quiet, failed))
    assert bool(status.check(report, config)) is unhealthy


def test_the_no_success_reason_says_how_long_since_what_and_a_last_error(check_config):
    report = _report(["ok", "ok", "ok", "failing", "failing"], errors={4: "dns lookup failed"},
                     crawling=_crawling(45, ["s3", "s4"], since="daemon_start"))

    assert status.check(report, check_config) == [
        "no crawl has succeeded for 45m (since the daemon started; limit 30m, "
        "unhealthy_after_no_success) while 2 source(s) failed; last error (s4): "
        "dns lookup failed"]


def test_without_a_running_daemon_only_the_daemon_reason_is_given_for_no_success(check_config):
    report = _report(["ok", "ok"], running=False, crawling=_crawling(600, ["s0", "s1"]))
    reasons = status.check(report, check_config)
    assert len(reasons) == 1 and "no crawl has succeeded" not in reasons[0]


# -- gather, on a real database --------------------------------------------------------------

CATALOG = {"sources": [
    {"id": sid, "name": sid, "kind": "feed", "urls": [f"http://{sid}.test/rss"],
     "province": "henan", "language": "zh", "interval": "30m", "enabled": sid != "gov_d"}
    for sid in ("gov_a", "gov_b", "gov_c", "gov_d")]}


def _write_catalog(tmp_path, catalog) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    return str(path)


def _lock(started: datetime, now: datetime) -> DaemonLock:
    return DaemonLock(name="daemon", owner="h:1:x", host="h", pid=1, version="0.1.0",
                      started_at=started, heartbeat_at=now - timedelta(seconds=2),
                      info={"last_dispatch_at": (now - timedelta(seconds=30)).isoformat()})


def test_the_no_success_clock_starts_at_the_newest_success_or_the_daemon_start(
        tmp_path, database_url):
    # the share rule off (0.9) to see this one alone; heartbeats of a minute keep the
    # daemon row alive a minute later
    config = make_config(tmp_path, database_url, catalog=_write_catalog(tmp_path, CATALOG),
                         unhealthy_failing_share=0.9, heartbeat=60)
    minutes = lambda n: NOW - timedelta(minutes=n)  # noqa: E731
    with transaction(open_database(database_url)) as session:
        session.add_all([
            _lock(minutes(120), NOW),
            SourceState(id="gov_a", validators={}, health="ok", consecutive_failures=0,
                        last_run_at=minutes(40), last_success_at=minutes(40)),
            SourceState(id="gov_b", validators={}, health="failing", consecutive_failures=1,
                        last_run_at=minutes(10), last_error="connection refused"),
            SourceState(id="gov_c", validators={}, health="unreachable", consecutive_failures=3,
                        last_run_at=minutes(50), last_error="timeout"),  # before the success
            SourceState(id="gov_d", validators={}, health="failing", consecutive_failures=1,
                        last_run_at=minutes(5), last_success_at=minutes(1)),  # disabled
        ])

    report = status.gather(config, NOW)

    assert report["crawling"] == {"last_success_at": "2026-12-06T07:20:00Z",
                                  "quiet_seconds": 2400.0, "quiet_since": "last_success",
                                  "failed_since": ["gov_b"]}
    b = next(s for s in report["sources"] if s["id"] == "gov_b")
    assert (b["health"], b["last_error"]) == ("failing", "connection refused")
    # only one source failed since: gov_b is down, not the deployment
    assert status.check(report, config) == []

    with transaction(open_database(database_url)) as session:
        session.get(SourceState, "gov_c").last_run_at = NOW
    later = status.gather(config, NOW + timedelta(minutes=1))
    assert later["crawling"]["failed_since"] == ["gov_b", "gov_c"]
    assert status.check(later, config)[-1].startswith("no crawl has succeeded for 41m")


def test_a_daemon_started_after_the_last_success_starts_the_clock(tmp_path, database_url):
    config = make_config(tmp_path, database_url, catalog=_write_catalog(tmp_path, CATALOG))
    with transaction(open_database(database_url)) as session:
        session.add_all([
            _lock(NOW - timedelta(minutes=5), NOW),
            SourceState(id="gov_a", validators={}, health="failing", consecutive_failures=1,
                        last_run_at=NOW - timedelta(minutes=1),
                        last_success_at=NOW - timedelta(days=1)),
        ])

    crawling = status.gather(config, NOW)["crawling"]

    assert (crawling["quiet_seconds"], crawling["quiet_since"]) == (300.0, "daemon_start")


# -- a real crawl on a dead network: failing after the first run ------------------------------


def test_the_first_failed_crawl_shows_failing_with_its_reason_in_status_and_check(
        tmp_path, sqlite_url, monkeypatch):
    # a bound socket that does not listen: every connection is refused, like a dead network
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{dead.getsockname()[1]}/rss"
    catalog = {"sources": [
        {"id": sid, "name": sid, "kind": "feed", "urls": [url], "province": "henan",
         "language": "zh", "interval": "30m"} for sid in ("gov_a", "gov_b", "gov_c")]}
    config = make_config(tmp_path, sqlite_url, catalog=_write_catalog(tmp_path, catalog))
    try:
        for sid in ("gov_a", "gov_b"):  # two of three crawled, as after a few minutes
            result = run_crawl(config, load_catalog(config.catalog).get(sid))
            assert result.outcome == "failed" and result.health == "failing"
    finally:
        dead.close()
    now = datetime.now(timezone.utc)
    with transaction(open_database(sqlite_url)) as session:
        session.add(_lock(now - timedelta(minutes=3), now))
    monkeypatch.setattr(state, "_config", config)
    cli = CliRunner()

    listed = json.loads(cli.invoke(app, ["status", "--json"]).stdout)
    table = cli.invoke(app, ["status"], terminal_width=250)
    checked = cli.invoke(app, ["status", "--check"], terminal_width=250)

    a = next(s for s in listed["sources"] if s["id"] == "gov_a")
    assert (a["health"], a["failures"]) == ("failing", 1)
    assert "refused" in a["last_error"].lower()
    assert "failing" in table.stdout and "refused" in table.stdout.lower()
    assert checked.exit_code == 1
    lines = checked.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("2 of 3 enabled sources are failing")


# -- the daemon: /healthz and one notice each way ---------------------------------------------


def wait_for(condition, timeout: float, what: str):
    """Poll ``condition`` until it is true or the deadline passes (a deadline, no order)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except HTTPError as e:
        return e.code, json.loads(e.read())


def test_the_daemon_turns_unhealthy_says_why_and_tells_operators_once_each_way(
        local_site, webhook_receiver, tmp_path, sqlite_url):
    for prefix in ("a", "b"):
        local_site.add(f"/{prefix}.xml", "down", status=503)
    catalog = {"sources": [
        {"id": f"gov_{p}", "name": p, "kind": "feed", "urls": [f"{local_site.url}/{p}.xml"],
         "province": "henan", "language": "zh", "interval": "1s", "max_backoff": "1s"}
        for p in ("a", "b")]}
    port = _free_port()
    config = make_config(tmp_path, sqlite_url, catalog=_write_catalog(tmp_path, catalog),
                         heartbeat=0.5, metrics_port=port,
                         operator_channels=f"webhook:{webhook_receiver.url}")
    daemon = Daemon(config)
    passes = [0]
    check_once = daemon.notices.report_daemon

    def counted() -> None:  # each finished pass of the daemon's own health check
        check_once()
        passes[0] += 1

    daemon.notices.report_daemon = counted

    def told():
        return [r.json["state"] for r in webhook_receiver.requests
                if r.json.get("type") == "daemon.health"]

    thread = threading.Thread(target=daemon.run, kwargs={"install_signals": False}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: told(), 120, "the unhealthy notice")
        code, body = _healthz(port)
        assert code == 503 and body["healthy"] is False
        assert any("enabled sources" in r for r in body["reasons"]), body
        seen = passes[0]
        wait_for(lambda: passes[0] >= seen + 3, 60, "three more health passes")
        assert told() == ["unhealthy"]  # not repeated every heartbeat
        notice = next(r.json for r in webhook_receiver.requests
                      if r.json.get("type") == "daemon.health")
        assert notice["subject"] == "provwatch: the daemon is unhealthy"
        assert "enabled sources" in notice["text"] and notice["reasons"]

        for prefix, story in (("a", HENAN_NEV), ("b", GUANGXI_AI)):
            local_site.add(f"/{prefix}/0.html", page(*story))
            local_site.add(f"/{prefix}.xml", rss([(story[0], f"{local_site.url}/{prefix}/0.html",
                                                   DATE)]), content_type="application/rss+xml")
        wait_for(lambda: len(told()) >= 2, 120, "the recovery notice")
        assert _healthz(port) == (200, {"healthy": True})
        daemon_requests = [r for r in webhook_receiver.requests
                           if r.json.get("type") == "daemon.health"]
        assert {r.headers["X-Provwatch-Event"] for r in daemon_requests} == {"daemon.health"}
        assert "+08:00 (China time)" in daemon_requests[-1].json["text"]
        seen = passes[0]
        wait_for(lambda: passes[0] >= seen + 3, 60, "three more health passes")
        assert told() == ["unhealthy", "healthy"]
    finally:
        daemon.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
