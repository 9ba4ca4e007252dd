"""Source health and adaptive polling: what one crawl run says about its source.

Every recorded crawl (daemon, CLI, backfill) goes through ``apply``, which updates the
source's row: failures and last error, its health state, how often to poll it, and when
it is next due. Pure rules, no I/O, so they are tested as tables.

States:
- ``new``: never crawled.
- ``ok``: the last run worked.
- ``failing``: the last run failed, once; shown at once with its reason (the last error),
  but not yet told to operators.
- ``unreachable``: DNS, refused or reset connections, timeouts, a crawl killed at its limit.
- ``http_error``: the feed or list page answered with an HTTP error, or redirects in a loop.
- ``blocked``: 403 / 412 / 521, or a challenge page instead of the page (the site's
  bot shield; often temporary, always worth a human look).
- ``redesigned``: the page loads, but the selectors or the feed parser find nothing, or
  it is refused (a body over the size limit once decompressed: a compression bomb).
- ``stale``: runs work, but no new item for much longer than the source's usual gap.
- ``error``: the crawl itself failed (a bug or a broken environment).

A source's first failed run makes it ``failing`` at once (status shows it, and counts it
towards the daemon's own health); it enters a bad state, which is told to operators,
after ``FAILURES_TO_ALERT`` consecutive bad runs (a single dropped connection is not
news), and is ``ok`` again after one good run. Failing sources back off exponentially,
capped by the catalog's ``max_backoff``.

Adaptive polling (after Media Cloud's rss-fetcher): the share of already-seen items in a
run moves the interval. Under a third seen (mostly new: the source moves faster than we
poll) shortens it; over two thirds (mostly old, or unchanged) lengthens it; always within
the catalog's ``min_interval``..``max_interval``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.daemon.result import CrawlResult
from provwatch.crawler.redact import redact
from provwatch.crawler.storage.models import BAD_STATES

FAILURES_TO_ALERT = 2
BLOCKED_STATUSES = ("http_403", "http_412", "http_429", "http_521", "blocked")
NETWORK_ERRORS = ("dns", "connection_refused", "timeout", "crawl_timeout",
                  "connectionlost", "responsenevercompleted", "connectiondone",
                  "tunnelerror", "connectionreset")
# the kinds the spiders give a feed, list or sitemap that loads but cannot be used
UNUSABLE_ENTRY = ("malformed_feed", "bad_json_list", "bad_sitemap", "sitemap_too_large",
                  "no_links", "too_large")
REDIRECT_ERRORS = ("redirect_loop", "too_many_redirects")
SPEED_UP = 1 / 1.5  # interval factor when most items were new
SLOW_DOWN = 1.25  # interval factor when most were already seen
DEFAULT_STALE = 3 * 86400  # without a catalog stale_after: 3 days ...
STALE_GAPS = 6  # ... or six usual gaps between new items, whichever is longer
GAP_WEIGHT = 0.3  # weight of the newest gap in the usual-gap average


class StateRow(Protocol):
    """The columns of ``crawler.storage.models.SourceState`` that ``apply`` touches."""

    health: str
    health_since: datetime | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    last_new_at: datetime | None
    last_new_items: int
    usual_gap: float | None
    poll_interval: int | None
    next_due_at: datetime | None


@dataclass(frozen=True)
class Transition:
    source_id: str
    old: str
    new: str
    reason: str


def classify(result: CrawlResult) -> tuple[str, str]:
    """The state this one run points to, and why; ``ok`` when it worked."""
    kinds = result.error_kinds
    first_error = result.error_messages[0] if result.error_messages else ""
    if result.outcome == "timeout":
        return "unreachable", first_error or "crawl killed at its time limit"
    if result.outcome in ("ok", "not_modified"):
        got_items = result.new_articles + result.duplicates + result.already_seen + sum(
            n for k, n in result.dropped.items() if k not in ("no_links", "outside_window"))
        if result.outcome == "ok" and got_items == 0:
            if any(k in BLOCKED_STATUSES for k in kinds):
                return "blocked", first_error
            if result.dropped.get("no_links", 0) >= max(1, result.entry_ok):
                return "redesigned", first_error or "list pages load but no article links found"
        return "ok", ""
    if result.outcome == "interrupted":
        return "ok", ""
    if "fatal" in kinds or "crashed" in kinds:
        return "error", first_error
    if any(k in BLOCKED_STATUSES for k in kinds):
        return "blocked", first_error
    if any(k.startswith("http_") or k in REDIRECT_ERRORS for k in kinds):
        return "http_error", first_error
    if any(k in UNUSABLE_ENTRY for k in kinds):
        return "redesigned", first_error
    return "unreachable", first_error


def seen_share(result: CrawlResult) -> float:
    """Share of the run's items that were already stored; 1.0 when there were none."""
    fresh = result.new_articles + result.duplicates + sum(
        n for k, n in result.dropped.items() if k not in ("no_links", "outside_window"))
    total = fresh + result.already_seen
    return 1.0 if total == 0 else result.already_seen / total


def next_interval(current: int, source: Source, result: CrawlResult) -> int:
    low, high = source.poll_bounds
    share = seen_share(result)
    if share < 1 / 3:
        current = math.floor(current * SPEED_UP)
    elif share > 2 / 3:
        current = math.ceil(current * SLOW_DOWN)
    return int(min(high, max(low, current)))


def backoff(failures: int, interval: int, cap: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures: interval, 2x, 4x ... cap."""
    if failures <= 0:
        return interval
    return int(min(max(cap, interval), interval * 2 ** min(failures - 1, 20)))


def stale_after(source: Source, usual_gap: float | None) -> float:
    if source.stale_after:
        return float(source.stale_after)
    return max(DEFAULT_STALE, STALE_GAPS * (usual_gap or 0))


def apply(row: StateRow, source: Source, result: CrawlResult, now: datetime, *,
          adaptive: bool = True) -> Transition | None:
    """Update ``row`` after ``result``; return the state change, if any.

    ``adaptive`` is off for backfills, whose walk through old pages says nothing about
    how fast the source publishes.
    """
    old = row.health or "new"
    row.last_run_at = result.finished_at
    interval = row.poll_interval or source.interval
    if result.outcome == "interrupted":
        row.next_due_at = now  # stopped by us, not by the source: run again when we can
        return None
    verdict, reason = classify(result)
    if verdict == "ok":
        row.consecutive_failures = 0
        row.last_error = None
        row.last_success_at = result.finished_at
        if result.new_articles > 0:
            if row.last_new_at is not None:
                gap = (result.finished_at - row.last_new_at).total_seconds()
                row.usual_gap = gap if row.usual_gap is None else (
                    GAP_WEIGHT * gap + (1 - GAP_WEIGHT) * row.usual_gap)
            row.last_new_at = result.finished_at
        row.last_new_items = result.new_articles
        if adaptive:
            interval = next_interval(interval, source, result)
            row.poll_interval = interval
        row.next_due_at = now + timedelta(seconds=interval)
        since_new = row.last_new_at
        new = "ok"
        if since_new is not None and (now - since_new).total_seconds() > stale_after(
                source, row.usual_gap):
            new = "stale"
            reason = f"no new item since {since_new:%Y-%m-%d %H:%M} UTC"
    else:
        row.consecutive_failures = (row.consecutive_failures or 0) + 1
        # a source URL may carry a token (an API key in a feed's query): stored hidden
        row.last_error = redact(reason[:4000]) or f"crawl {result.outcome}"
        row.last_new_items = 0
        row.next_due_at = now + timedelta(
            seconds=backoff(row.consecutive_failures, interval, source.max_backoff))
        new = verdict if row.consecutive_failures >= FAILURES_TO_ALERT or old in BAD_STATES \
            else "failing"
    if new != old:
        row.health = new
        row.health_since = now
        return Transition(source.id, old, new, reason)
    return None


def needs_report(health: str, reported: str | None) -> bool:
    """Is there a state change the operators have not been told about?

    Told once per bad state entered, and once on recovery; a source that was never bad
    (``new`` to ``ok``) is not news.
    """
    if health in BAD_STATES:
        return reported != health
    return reported in BAD_STATES


def describe(source_id: str, health: str, row: Any) -> tuple[str, str]:
    """Subject and body of the operator notice for ``health``."""
    if health in BAD_STATES:
        subject = f"provwatch: source {source_id} is {health}"
        body = (f"Source {source_id} entered state {health!r} after "
                f"{row.consecutive_failures} consecutive failed run(s).\n"
                f"Last error: {row.last_error or '-'}\n"
                f"Last success: {_when(row.last_success_at)}\n"
                f"Next try: {_when(row.next_due_at)}\n")
    else:
        subject = f"provwatch: source {source_id} recovered"
        body = (f"Source {source_id} is {health} again (it was {row.reported_health}).\n"
                f"Last run: {_when(row.last_run_at)}, new items: {row.last_new_items}\n")
    return subject, body


def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t else "never"
