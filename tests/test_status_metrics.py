"""`provwatch status`, the health check and the Prometheus metrics, on a real database."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta, timezone
from urllib.error import HTTPError

import pytest
from conftest import make_config
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from provwatch.alerts.dispatch import DispatchReport
from provwatch.crawler.cli.main import app, state
from provwatch.crawler.daemon.metrics import Metrics, serve
from provwatch.crawler.daemon.result import CrawlResult
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import status
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import (
    Article,
    CrawlRun,
    DaemonLock,
    Delivery,
    SourceState,
    Story,
    Watchlist,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
CATALOG = """\
sources:
  - {id: gov_a, name: A, kind: feed, urls: ["http://a.test/rss"], province: henan,
     language: zh, interval: 30m}
  - {id: gov_b, name: B, kind: feed, urls: ["http://b.test/rss"], province: hebei,
     language: zh, interval: 1h}
  - {id: gov_c, name: C, kind: feed, urls: ["http://c.test/rss"], province: hebei,
     language: zh, interval: 1h, enabled: false}
"""


@pytest.fixture
def config(tmp_path, database_url):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    return make_config(tmp_path, database_url, catalog=str(catalog), heartbeat=10,
                       alert_interval=60)


def _add(config, *objects) -> None:
    with transaction(open_database(config.database_url)) as session:
        session.add_all(objects)


def _daemon_row(now: datetime, *, owner: str | None = "host1:4242:abcd",
                heartbeat_age: float = 5, dispatch_age: float | None = 30,
                **info) -> DaemonLock:
    dispatched = None if dispatch_age is None else (now - timedelta(seconds=dispatch_age))
    return DaemonLock(
        name="daemon", owner=owner, host="host1", pid=4242, version="0.1.0",
        started_at=now - timedelta(hours=2),
        heartbeat_at=now - timedelta(seconds=heartbeat_age),
        info={"last_dispatch_at": dispatched.isoformat() if dispatched else None,
              "last_tick_at": (now - timedelta(seconds=heartbeat_age)).isoformat(),
              "running": ["gov_a"], "crawls": 7, "workers": 4, **info})


def _by_id(report):
    return {s["id"]: s for s in report["sources"]}


# -- gather -------------------------------------------------------------------------------


def test_status_of_an_empty_database_lists_every_catalog_source_as_new(config):
    report = status.gather(config, NOW)

    assert json.loads(json.dumps(report)) == report  # JSON-ready as it is
    assert [s["id"] for s in report["sources"]] == ["gov_a", "gov_b", "gov_c"]
    a = _by_id(report)["gov_a"]
    assert (a["health"], a["in_catalog"], a["enabled"], a["last_run"], a["last_outcome"],
            a["failures"], a["poll_interval"]) == ("new", True, True, None, None, 0, 1800)
    assert _by_id(report)["gov_c"]["enabled"] is False
    assert report["outbox"] == {"pending": 0, "sending": 0, "failed": 0, "sent_24h": 0}
    daemon = report["daemon"]
    assert daemon["running"] is False and daemon["heartbeat_at"] is None
    assert daemon["running_crawls"] == [] and daemon["uptime_seconds"] is None
    assert daemon["database"] == config.redacted()["database_url"]
    assert status.check(report, config)[0].startswith("no daemon is running (none has ever")


def test_status_reports_sources_runs_and_the_outbox(config):
    hour = timedelta(hours=1)
    _add(config,
         SourceState(id="gov_a", health="ok", health_since=NOW - 5 * hour,
                     last_run_at=NOW - hour, last_success_at=NOW - hour, last_new_items=3,
                     consecutive_failures=0, next_due_at=NOW + hour / 4, poll_interval=900,
                     last_outcome="ok"),  # written with its newest run (record_crawl)
         SourceState(id="gov_b", health="unreachable", health_since=NOW - 2 * hour,
                     last_run_at=NOW - hour / 2, last_success_at=NOW - 30 * hour,
                     consecutive_failures=4, last_error="dns: no such host",
                     next_due_at=NOW + 2 * hour, last_outcome="timeout"),
         SourceState(id="gone_source", health="blocked", last_run_at=NOW - 90 * hour),
         # gov_a: an older failure, then the latest run worked; gov_b: only failures
         CrawlRun(source_id="gov_a", started_at=NOW - 3 * hour, outcome="failed"),
         CrawlRun(source_id="gov_a", started_at=NOW - hour, outcome="ok", new_articles=3),
         CrawlRun(source_id="gov_b", started_at=NOW - hour / 2, outcome="timeout"),
         CrawlRun(source_id="gov_b", started_at=NOW - 4 * hour, outcome="not_modified"))
    story, watchlist = Story(title="s"), Watchlist(name="w")
    _add(config, story, watchlist)
    article = Article(canonical_url="https://a.test/1", url="https://a.test/1",
                      source_id="gov_a", content_hash="h" * 64, story_id=story.id)
    _add(config, article)
    deliveries = [("sent", NOW - 2 * hour), ("sent", NOW - 48 * hour), ("pending", None),
                  ("pending", None), ("failed", None)]
    _add(config, *[Delivery(watchlist_id=watchlist.id, story_id=story.id,
                            article_id=article.id, channel=f"email:{n}@example.test",
                            status=st, sent_at=sent)
                   for n, (st, sent) in enumerate(deliveries)])

    report = status.gather(config, NOW)

    assert report["outbox"] == {"pending": 2, "sending": 0, "failed": 1, "sent_24h": 1}
    rows = _by_id(report)
    assert list(rows) == ["gov_a", "gov_b", "gov_c", "gone_source"]
    a, b = rows["gov_a"], rows["gov_b"]
    assert a == {"id": "gov_a", "in_catalog": True, "enabled": True, "health": "ok",
                 "health_since": "2026-11-20T07:00:00Z", "last_run": "2026-11-20T11:00:00Z",
                 "last_success": "2026-11-20T11:00:00Z", "new_items_last_run": 3,
                 "failures": 0, "last_error": None, "next_due": "2026-11-20T12:15:00Z",
                 "poll_interval": 900, "last_outcome": "ok"}
    assert (b["health"], b["failures"], b["last_error"], b["last_outcome"],
            b["poll_interval"]) == ("unreachable", 4, "dns: no such host", "timeout", 3600)
    assert rows["gov_c"]["health"] == "new" and rows["gov_c"]["last_outcome"] is None
    gone = rows["gone_source"]
    assert (gone["in_catalog"], gone["enabled"], gone["health"]) == (False, False, "blocked")
    assert gone["poll_interval"] is None


def test_a_daemon_with_a_fresh_heartbeat_is_running(config):
    _add(config, _daemon_row(NOW))

    daemon = status.gather(config, NOW)["daemon"]

    assert daemon["running"] is True and daemon["holder"] is True
    assert (daemon["pid"], daemon["host"], daemon["version"]) == (4242, "host1", "0.1.0")
    assert daemon["uptime_seconds"] == 7200 and daemon["heartbeat_age_seconds"] == 5
    assert daemon["last_dispatch_at"] == "2026-11-20T11:59:30Z"
    assert daemon["last_dispatch_age_seconds"] == 30
    assert daemon["running_crawls"] == ["gov_a"]
    assert (daemon["crawls"], daemon["workers"]) == (7, 4)


def test_a_daemon_whose_heartbeat_is_three_beats_old_is_not_running(config):
    _add(config, _daemon_row(NOW, heartbeat_age=31))

    report = status.gather(config, NOW)

    assert report["daemon"]["running"] is False and report["daemon"]["holder"] is True
    assert report["daemon"]["running_crawls"] == [] and report["daemon"]["uptime_seconds"] is None
    assert status.check(report, config) == [
        "daemon heartbeat is stale: the last one was 31s ago from pid 4242 on host1 "
        "(expected every 10s); it probably died or hangs"]


def test_a_daemon_that_released_the_lock_is_not_running(config):
    _add(config, _daemon_row(NOW, owner=None, heartbeat_age=3600,
                             stopped_at=(NOW - timedelta(minutes=59)).isoformat()))

    report = status.gather(config, NOW)

    assert report["daemon"]["running"] is False and report["daemon"]["holder"] is False
    assert report["daemon"]["stopped_at"] == "2026-11-20T11:01:00Z"
    assert status.check(report, config) == [
        "no daemon is running (the last one, pid 4242 on host1, stopped 59m ago)"]


# -- check --------------------------------------------------------------------------------


def _report(config, **daemon_overrides):
    """A healthy status (daemon running, dispatching, sources fine), then the overrides."""
    daemon = {"running": True, "holder": True, "pid": 7, "host": "h", "version": "0.1.0",
              "started_at": "2026-11-20T10:00:00Z", "uptime_seconds": 7200.0,
              "heartbeat_at": "2026-11-20T11:59:55Z", "heartbeat_age_seconds": 5.0,
              "last_dispatch_at": "2026-11-20T11:59:00Z", "last_dispatch_age_seconds": 60.0,
              "stopped_at": None, "stopped_age_seconds": None, "running_crawls": []}
    daemon.update(daemon_overrides)
    sources = [{"id": sid, "enabled": enabled, "health": health}
               for sid, enabled, health in (("a", True, "ok"), ("b", True, "blocked"),
                                            ("c", False, "unreachable"))]
    return {"daemon": daemon, "sources": sources, "outbox": {}}


@pytest.fixture
def check_config(tmp_path):
    return make_config(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", heartbeat=10,
                       alert_interval=60)


def test_a_running_daemon_with_one_bad_source_is_healthy(check_config):
    assert status.check(_report(check_config), check_config) == []


def test_a_dispatcher_late_by_more_than_three_intervals_is_unhealthy(check_config):
    # limit: 3 x 60s dispatch interval + 3 x 10s heartbeat slack = 210s
    assert status.check(_report(check_config, last_dispatch_age_seconds=200), check_config) == []
    assert status.check(_report(check_config, last_dispatch_age_seconds=600), check_config) == [
        "the alert dispatcher last ran 10m ago (expected every 1m); alerts are not going out"]


def test_a_dispatcher_that_never_ran_is_late_only_once_the_daemon_has_been_up_long(check_config):
    fresh = _report(check_config, last_dispatch_at=None, last_dispatch_age_seconds=None,
                    uptime_seconds=20.0)
    old = _report(check_config, last_dispatch_at=None, last_dispatch_age_seconds=None,
                  uptime_seconds=3600.0)
    assert status.check(fresh, check_config) == []
    assert status.check(old, check_config) == [
        "the alert dispatcher has not run since the daemon started 1h ago (expected every 1m)"]


def test_every_enabled_source_bad_is_unhealthy_and_names_the_states(check_config):
    report = _report(check_config)
    report["sources"][0]["health"] = "unreachable"

    assert status.check(report, check_config) == [
        "all 2 enabled sources are in a bad state (blocked: 1, unreachable: 1); "
        "likely the network or DNS of the crawler's host"]


def test_no_daemon_and_all_sources_bad_gives_both_reasons(check_config):
    report = _report(check_config, running=False, holder=False, uptime_seconds=None,
                     heartbeat_at=None, heartbeat_age_seconds=None)
    for s in report["sources"]:
        s["health"] = "unreachable"

    reasons = status.check(report, check_config)

    assert len(reasons) == 2
    assert reasons[0].startswith("no daemon is running") and reasons[1].startswith("all 2 ")


def test_only_disabled_or_new_sources_never_fail_the_check(check_config):
    report = _report(check_config)
    report["sources"] = [{"id": "a", "enabled": True, "health": "new"},
                         {"id": "c", "enabled": False, "health": "unreachable"}]
    assert status.check(report, check_config) == []
    report["sources"] = []
    assert status.check(report, check_config) == []


# -- the command --------------------------------------------------------------------------

cli = CliRunner()


@pytest.fixture
def use_config(config, monkeypatch):
    monkeypatch.setattr(state, "_config", config)
    open_database(config.database_url)  # `status` refuses a database file that is not there
    return config


def test_status_command_on_an_empty_database(use_config):
    result = cli.invoke(app, ["status"])

    assert result.exit_code == 0, result.output
    assert "gov_a" in result.stdout and "new" in result.stdout
    assert "outbox: 0 pending, 0 failed, 0 sent in the last 24h" in result.stdout
    assert "daemon: not running (never ran on this database)" in result.stdout


def test_status_command_shows_a_running_daemon_and_relative_times(use_config):
    now = datetime.now(timezone.utc)
    _add(use_config, _daemon_row(now),
         SourceState(id="gov_a", health="unreachable", last_run_at=now - timedelta(minutes=3),
                     next_due_at=now + timedelta(minutes=4, seconds=30),
                     consecutive_failures=2))

    result = cli.invoke(app, ["status"])

    assert result.exit_code == 0, result.output
    assert "unreachable" in result.stdout
    assert "3m ago" in result.stdout and "in 4m" in result.stdout
    assert "daemon: running, pid 4242@host1, up 2h, version 0.1.0" in result.stdout


def test_status_json_is_the_gathered_status(use_config):
    result = cli.invoke(app, ["status", "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [s["id"] for s in report["sources"]] == ["gov_a", "gov_b", "gov_c"]
    assert report["daemon"]["running"] is False and "healthy" not in report


def test_status_check_exits_1_with_reasons_and_0_when_healthy(use_config):
    unhealthy = cli.invoke(app, ["status", "--check"])
    assert unhealthy.exit_code == 1
    assert unhealthy.stdout.startswith("no daemon is running")

    as_json = cli.invoke(app, ["status", "--check", "--json"])
    assert as_json.exit_code == 1
    body = json.loads(as_json.stdout)
    assert body["healthy"] is False and body["reasons"][0].startswith("no daemon is running")

    _add(use_config, _daemon_row(datetime.now(timezone.utc)))
    healthy = cli.invoke(app, ["status", "--check"])
    assert healthy.exit_code == 0, healthy.output
    assert healthy.stdout.strip() == "healthy"
    assert json.loads(cli.invoke(app, ["status", "--check", "--json"]).stdout)["healthy"]


# -- metrics ------------------------------------------------------------------------------


def _samples(text: bytes | str) -> dict[tuple[str, frozenset], float]:
    text = text.decode() if isinstance(text, bytes) else text
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _value(samples, name: str, **labels) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def _result(source: str, outcome: str, seconds: float, **counts) -> CrawlResult:
    return CrawlResult(source, outcome, NOW - timedelta(seconds=seconds), NOW, **counts)


def test_metrics_count_crawls_items_drops_and_deliveries():
    metrics = Metrics()
    Metrics()  # a second instance has its own registry: no "Duplicated timeseries"
    metrics.crawl_finished(_result("gov_a", "ok", 3, new_articles=4, duplicates=1,
                                   already_seen=10, dropped={"too_short": 2}, health="ok"))
    metrics.crawl_finished(_result("gov_a", "ok", 45, new_articles=1,
                                   dropped={"too_short": 1, "no_date": 1}))
    metrics.crawl_finished(_result("gov_b", "failed", 700, health="unreachable"))
    metrics.dispatched(DispatchReport(sent=3, retrying=1, failed=0))
    metrics.dispatched(DispatchReport(sent=1, retrying=0, failed=2))

    s = _samples(metrics.render())

    assert _value(s, "provwatch_crawls_total", source="gov_a", outcome="ok") == 2
    assert _value(s, "provwatch_crawls_total", source="gov_b", outcome="failed") == 1
    assert _value(s, "provwatch_items_total", source="gov_a", kind="new") == 5
    assert _value(s, "provwatch_items_total", source="gov_a", kind="duplicate") == 1
    assert _value(s, "provwatch_items_total", source="gov_a", kind="already_seen") == 10
    assert _value(s, "provwatch_dropped_total", reason="too_short") == 3
    assert _value(s, "provwatch_dropped_total", reason="no_date") == 1
    assert _value(s, "provwatch_deliveries_total", status="sent") == 4
    assert _value(s, "provwatch_deliveries_total", status="retry") == 1
    assert _value(s, "provwatch_deliveries_total", status="failed") == 2
    assert _value(s, "provwatch_crawl_duration_seconds_count") == 3
    assert _value(s, "provwatch_crawl_duration_seconds_sum") == 748
    assert _value(s, "provwatch_crawl_duration_seconds_bucket", le="5.0") == 1
    assert _value(s, "provwatch_crawl_duration_seconds_bucket", le="+Inf") == 3
    assert _value(s, "provwatch_last_crawl_timestamp_seconds", source="gov_a") == NOW.timestamp()
    assert _value(s, "provwatch_source_state", source="gov_a", state="ok") == 1
    assert _value(s, "provwatch_source_state", source="gov_a", state="unreachable") == 0
    assert _value(s, "provwatch_source_state", source="gov_b", state="unreachable") == 1
    assert _value(s, "provwatch_source_state", source="gov_b", state="ok") == 0


def test_metrics_refresh_sets_the_gauges_from_the_status(config):
    _add(config, _daemon_row(NOW),
         SourceState(id="gov_a", health="stale", last_run_at=NOW - timedelta(hours=1)),
         SourceState(id="old_one", health="blocked"))
    metrics = Metrics()
    metrics.refresh(status.gather(config, NOW))

    s = _samples(metrics.render())

    assert _value(s, "provwatch_source_state", source="gov_a", state="stale") == 1
    assert _value(s, "provwatch_source_state", source="gov_a", state="ok") == 0
    assert _value(s, "provwatch_source_state", source="gov_b", state="new") == 1
    assert _value(s, "provwatch_source_state", source="old_one", state="blocked") == 1
    assert _value(s, "provwatch_last_crawl_timestamp_seconds", source="gov_a") == \
        (NOW - timedelta(hours=1)).timestamp()
    assert _value(s, "provwatch_outbox", status="pending") == 0
    assert _value(s, "provwatch_daemon_start_time_seconds") == \
        (NOW - timedelta(hours=2)).timestamp()

    # a source removed from the status loses its series; a stopped daemon reads 0
    report = status.gather(config, NOW + timedelta(hours=1))
    report["sources"] = [x for x in report["sources"] if x["id"] != "old_one"]
    metrics.refresh(report)
    s = _samples(metrics.render())
    assert _value(s, "provwatch_source_state", source="old_one", state="blocked") is None
    assert _value(s, "provwatch_daemon_start_time_seconds") == 0


def test_metrics_textfile_is_written_and_parseable(tmp_path):
    metrics = Metrics()
    metrics.crawl_finished(_result("gov_a", "ok", 2, new_articles=1))
    path = tmp_path / "provwatch.prom"

    metrics.write_textfile(path)
    metrics.write_textfile(path)  # replaced in place, not appended to

    s = _samples(path.read_text(encoding="utf-8"))
    assert _value(s, "provwatch_crawls_total", source="gov_a", outcome="ok") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["provwatch.prom"]  # no temp file left


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except HTTPError as e:
        with e:
            return e.code, e.headers["Content-Type"], e.read()


def test_the_metrics_server_answers_metrics_healthz_and_404():
    metrics = Metrics()
    metrics.crawl_finished(_result("gov_a", "ok", 1))
    reasons: list[str] = []
    server = serve(metrics, "127.0.0.1", 0, lambda: reasons)
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert server.port > 0
        code, ctype, body = _get(base + "/metrics")
        assert code == 200 and ctype.startswith("text/plain; version=0.0.4")
        assert b"provwatch_crawls_total" in body

        code, ctype, body = _get(base + "/healthz")
        assert (code, ctype, json.loads(body)) == (200, "application/json", {"healthy": True})

        reasons.append("no daemon is running")
        code, _, body = _get(base + "/healthz")
        assert code == 503
        assert json.loads(body) == {"healthy": False, "reasons": ["no daemon is running"]}

        assert _get(base + "/other")[0] == 404
    finally:
        server.shutdown()


def test_a_failing_health_callable_is_a_503_not_a_hung_probe():
    def broken() -> list[str]:
        raise RuntimeError("database is locked")

    server = serve(Metrics(), "127.0.0.1", 0, broken)
    try:
        code, _, body = _get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        server.shutdown()
    assert code == 503
    assert json.loads(body)["reasons"] == ["health check failed: RuntimeError: database is locked"]


def test_serving_on_a_busy_port_is_a_clear_error():
    first = serve(Metrics(), "127.0.0.1", 0)
    try:
        with pytest.raises(ProvwatchError, match=f"cannot serve metrics on 127.0.0.1:{first.port}"):
            serve(Metrics(), "127.0.0.1", first.port)
    finally:
        first.shutdown()
