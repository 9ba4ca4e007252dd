"""What one crawl run did (CrawlResult), made from the crawl child's stats; the health
rules and the runner both build on it; and its log record (log_crawl)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from provwatch.crawler.daemon.logs import event


@dataclass(frozen=True)
class CrawlResult:
    source_id: str
    # ok | not_modified | failed | interrupted | timeout (a run that reached crawl_timeout
    # before any feed or list page arrived; one that got some is ok, with what it stored)
    outcome: str
    started_at: datetime
    finished_at: datetime
    pages: int = 0
    new_articles: int = 0
    duplicates: int = 0
    already_seen: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    error_messages: tuple[str, ...] = ()
    error_kinds: dict[str, int] = field(default_factory=dict)  # e.g. {"http_403": 2}
    entry_ok: int = 0  # feeds / list pages / sitemaps fetched and usable
    entry_failed: int = 0
    alerts_held: int = 0  # matches not alerted: published before the watchlist existed
    health: str | None = None  # the source's state after this run (crawler.daemon.health)
    health_changed: bool = False
    next_due_at: datetime | None = None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "outcome": self.outcome,
                "started_at": self.started_at.isoformat(), "seconds": round(self.seconds, 2),
                "pages": self.pages, "new_articles": self.new_articles,
                "duplicates": self.duplicates, "already_seen": self.already_seen,
                "dropped": self.dropped, "errors": self.errors,
                "error_kinds": self.error_kinds, "entry_ok": self.entry_ok,
                "entry_failed": self.entry_failed, "alerts_held": self.alerts_held,
                "error_messages": list(self.error_messages)}


def summarise(source_id: str, payload: dict[str, Any], started: datetime,
              finished: datetime) -> tuple[CrawlResult, dict[str, Any]]:
    """Turn the child's stats into a CrawlResult and the source's new validators."""
    if "fatal" in payload:
        return CrawlResult(source_id, "failed", started, finished, errors=1,
                           error_messages=(payload["fatal"],), error_kinds={"fatal": 1}), {}
    stats, spider = payload["stats"], payload["spider"]
    dropped = {reason: int(n) for reason, n in payload.get("dropped", {}).items()}
    kinds = {k.split("/", 2)[2]: int(n) for k, n in stats.items()
             if k.startswith("provwatch/errors/")}
    if spider.get("interrupted"):
        outcome = "interrupted"
    elif spider.get("timed_out") and spider["entry_ok"] == 0:
        outcome = "timeout"  # stopped at crawl_timeout before any feed or list page came
    elif spider["entry_ok"] == 0 and spider["entry_failed"] > 0:
        outcome = "failed"
    elif spider["not_modified"] and spider["not_modified"] == spider["entry_ok"]:
        outcome = "not_modified"
    else:
        outcome = "ok"
    result = CrawlResult(
        source_id, outcome, started, finished,
        pages=int(stats.get("response_received_count", 0)),
        new_articles=int(stats.get("provwatch/new_articles", 0)),
        duplicates=dropped.get("duplicate_url", 0) + int(stats.get("provwatch/copies", 0)),
        already_seen=int(stats.get("provwatch/seen_skipped", 0)),
        dropped=dropped, errors=sum(kinds.values()), error_messages=tuple(spider["errors"]),
        error_kinds=kinds, entry_ok=int(spider["entry_ok"]),
        entry_failed=int(spider["entry_failed"]),
        alerts_held=int(stats.get("provwatch/alerts_held_old", 0)),
    )
    return result, {"validators": spider.get("validators") or {}}


def log_crawl(log: logging.Logger, r: CrawlResult) -> None:
    """The run's one log record: a warning when it failed or timed out."""
    level = logging.WARNING if r.outcome in ("failed", "timeout") else logging.INFO
    event(log, "crawl", level=level, source=r.source_id, outcome=r.outcome,
          seconds=round(r.seconds, 2), pages=r.pages, new=r.new_articles,
          duplicates=r.duplicates, already_seen=r.already_seen, dropped=r.dropped,
          errors=r.errors, error_kinds=r.error_kinds, alerts_held=r.alerts_held,
          health=r.health, next_due=r.next_due_at.isoformat() if r.next_due_at else None,
          error=r.error_messages[0] if r.error_messages else None)
