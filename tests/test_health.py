"""Source health, backoff and adaptive polling as tables (crawler.daemon.health), and the lock."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from provwatch.crawler.catalog.sources import parse_catalog
from provwatch.crawler.daemon import health, lock
from provwatch.crawler.daemon.result import CrawlResult
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import DaemonLock

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


def _source(**extra):
    entry = {"id": "s", "name": "s", "kind": "listing", "urls": ["https://x.gov.cn/l/"],
             "province": "henan", "language": "zh", "interval": "30m", **extra}
    return parse_catalog({"sources": [entry]}, "test").get("s")


def _result(outcome="ok", at=T0, **kw):
    return CrawlResult("s", outcome, at - timedelta(seconds=5), at, **kw)


@dataclass
class Row:
    health: str = "new"
    health_since: datetime | None = None
    reported_health: str | None = None
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    last_new_at: datetime | None = None
    last_new_items: int = 0
    usual_gap: float | None = None
    poll_interval: int | None = None
    next_due_at: datetime | None = None


@pytest.mark.parametrize("result, state", [
    (_result(new_articles=3), "ok"),
    (_result("not_modified", entry_ok=1), "ok"),
    (_result("timeout", error_kinds={"crawl_timeout": 1}), "unreachable"),
    (_result("failed", error_kinds={"dns": 1}), "unreachable"),
    (_result("failed", error_kinds={"connection_refused": 1}), "unreachable"),
    (_result("failed", error_kinds={"http_404": 1}), "http_error"),
    (_result("failed", error_kinds={"http_500": 3}), "http_error"),
    (_result("failed", error_kinds={"http_403": 1}), "blocked"),
    (_result("failed", error_kinds={"http_412": 1}), "blocked"),
    (_result("failed", error_kinds={"http_521": 1}), "blocked"),
    (_result("failed", error_kinds={"blocked": 1}), "blocked"),  # a challenge page
    (_result("failed", error_kinds={"malformed_feed": 1}), "redesigned"),
    (_result("failed", error_kinds={"bad_json_list": 1}), "redesigned"),
    (_result(entry_ok=2, dropped={"no_links": 2}), "redesigned"),  # loads, selectors find nothing
    (_result(entry_ok=1, error_kinds={"http_403": 4}), "blocked"),  # list ok, every article 403
    (_result("failed", error_kinds={"fatal": 1}), "error"),
])
def test_each_kind_of_trouble_has_its_state(result, state):
    assert health.classify(result)[0] == state


def test_a_source_goes_bad_after_two_failed_runs_alerts_once_and_recovers_after_one_good():
    source, row = _source(), Row(health="ok", reported_health="ok")
    failed = _result("failed", error_kinds={"http_503": 1},
                     error_messages=("source s: list/feed https://x.gov.cn/l/: http_503",))

    change = health.apply(row, source, failed, T0)  # shown at once, with its reason ...
    assert change == health.Transition("s", "ok", "failing", failed.error_messages[0])
    assert (row.health, row.consecutive_failures) == ("failing", 1)
    assert "http_503" in row.last_error
    assert not health.needs_report(row.health, row.reported_health)  # ... but not news
    change = health.apply(row, source, failed, T0)
    assert change == health.Transition("s", "failing", "http_error", failed.error_messages[0])
    assert health.needs_report(row.health, row.reported_health)
    row.reported_health = row.health  # told
    assert health.apply(row, source, failed, T0) is None
    assert not health.needs_report(row.health, row.reported_health)  # once per bad state

    change = health.apply(row, source, _result(new_articles=1), T0)
    assert change.new == "ok" and row.consecutive_failures == 0 and row.last_error is None
    assert health.needs_report(row.health, row.reported_health)  # recovery is told too


def test_a_first_failure_after_a_bad_state_keeps_the_bad_state_and_one_good_run_clears_it():
    source, row = _source(), Row(health="ok", reported_health="ok")
    failed = _result("failed", error_kinds={"dns": 1}, error_messages=("dns lookup failed",))
    health.apply(row, source, failed, T0)
    assert health.apply(row, source, _result(new_articles=1), T0).new == "ok"
    assert not health.needs_report(row.health, row.reported_health)  # failing was never told
    row.health, row.reported_health = "stale", "stale"
    assert health.apply(row, source, failed, T0).new == "unreachable"  # bad to bad at once


def test_a_first_ever_success_is_not_news():
    row = Row()
    health.apply(row, _source(), _result(new_articles=1), T0)
    assert row.health == "ok" and not health.needs_report(row.health, row.reported_health)


@pytest.mark.parametrize("failures, wait", [(1, 1800), (2, 3600), (3, 7200), (4, 14400),
                                            (5, 21600), (30, 21600)])
def test_failing_sources_back_off_exponentially_up_to_the_cap(failures, wait):
    assert health.backoff(failures, 1800, 6 * 3600) == wait


def test_the_due_time_after_failures_follows_the_backoff():
    source, row = _source(max_backoff="2h"), Row()
    failed = _result("failed", error_kinds={"dns": 1})
    waits = []
    for _ in range(5):
        health.apply(row, source, failed, T0)
        waits.append((row.next_due_at - T0).total_seconds())
    assert waits == [1800, 3600, 7200, 7200, 7200]


@pytest.mark.parametrize("new, seen, expected", [
    (9, 1, 1200),    # 10% seen: mostly new, poll more often (1800 / 1.5)
    (5, 5, 1800),    # half seen: keep
    (1, 9, 2250),    # 90% seen: poll less often (1800 * 1.25)
    (0, 0, 2250),    # nothing at all (e.g. 304): counts as all seen
])
def test_adaptive_polling_follows_the_share_of_already_seen_items(new, seen, expected):
    result = _result(new_articles=new, already_seen=seen)
    assert health.next_interval(1800, _source(), result) == expected


def test_adaptive_polling_stays_within_the_catalog_bounds():
    source = _source(min_interval="20m", max_interval="1h")
    interval = 1800
    for _ in range(10):
        interval = health.next_interval(interval, source, _result(new_articles=5))
    assert interval == 1200
    for _ in range(10):
        interval = health.next_interval(interval, source, _result(already_seen=5))
    assert interval == 3600


def test_a_backfill_does_not_move_the_polling_interval():
    row = Row(poll_interval=1800)
    health.apply(row, _source(), _result(new_articles=50), T0, adaptive=False)
    assert row.poll_interval == 1800


def test_a_source_with_no_new_item_for_too_long_is_stale_and_fresh_news_clears_it():
    source, row = _source(stale_after="2d"), Row(health="ok", reported_health="ok")
    health.apply(row, source, _result(new_articles=2), T0)
    later = T0 + timedelta(days=3)
    change = health.apply(row, source, _result(already_seen=20), later)
    assert change.new == "stale" and "no new item since" in change.reason
    assert health.apply(row, source, _result(new_articles=1, at=later), later).new == "ok"


def test_the_usual_gap_between_new_items_sets_the_default_staleness():
    source, row = _source(), Row()
    for day in range(0, 8, 2):  # new items every 2 days
        when = T0 + timedelta(days=day)
        health.apply(row, source, _result(new_articles=1, at=when), when)
    assert row.usual_gap == pytest.approx(2 * 86400)
    assert health.stale_after(source, row.usual_gap) == 12 * 86400  # six gaps > 3 days


def test_an_interrupted_run_is_due_again_and_changes_nothing_else():
    row = Row(health="ok", consecutive_failures=0)
    assert health.apply(row, _source(), _result("interrupted"), T0) is None
    assert row.next_due_at == T0 and row.health == "ok"


# --- the daemon lock ------------------------------------------------------------------------


def test_one_daemon_holds_the_lock_and_a_second_is_refused_naming_the_first(database_url):
    sessions = open_database(database_url)
    first = lock.Holder("hostA:100:aa", "hostA", 100, "0.1.0")
    second = lock.Holder("hostB:200:bb", "hostB", 200, "0.1.0")
    lock.acquire(sessions, first, timedelta(seconds=30), now=T0)

    with pytest.raises(lock.LockHeld, match="pid 100 on hostA"):
        lock.acquire(sessions, second, timedelta(seconds=30), now=T0 + timedelta(seconds=10))

    assert lock.heartbeat(sessions, first, {"crawls": 1}, now=T0 + timedelta(seconds=20))
    lock.release(sessions, first, {"crawls": 1})
    lock.acquire(sessions, second, timedelta(seconds=30), now=T0 + timedelta(seconds=21))
    assert lock.current(sessions).owner == second.owner


def test_a_holder_with_a_stale_heartbeat_is_replaced_and_learns_it_lost_the_lock(database_url):
    sessions = open_database(database_url)
    old = lock.Holder("hostA:100:aa", "hostA", 100, "0.1.0")
    new = lock.Holder("hostB:200:bb", "hostB", 200, "0.1.0")
    lock.acquire(sessions, old, timedelta(seconds=30), now=T0)

    lock.acquire(sessions, new, timedelta(seconds=30), now=T0 + timedelta(seconds=31))

    assert not lock.heartbeat(sessions, old, {}, now=T0 + timedelta(seconds=32))
    assert lock.heartbeat(sessions, new, {}, now=T0 + timedelta(seconds=32))


def test_a_dead_holder_on_this_host_is_replaced_at_once(database_url):
    sessions = open_database(database_url)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    me = lock.Holder.me("0.1.0")
    dead = lock.Holder(f"{me.host}:x:dead", me.host, int(gone.stdout), "0.1.0")
    now = datetime.now(timezone.utc)
    lock.acquire(sessions, dead, timedelta(seconds=30), now=now)

    lock.acquire(sessions, me, timedelta(seconds=30), now=now + timedelta(seconds=1))

    with sessions() as session:
        assert session.get(DaemonLock, "daemon").pid == os.getpid()
