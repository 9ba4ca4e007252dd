"""Sources as the web app shows them: what `provwatch status` shows (daemon, each source's
health, the outbox, why it is unhealthy), narrowed like `status --state`, with the recent
crawl runs and failures of all sources or one."""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.redact import redact
from provwatch.crawler.services import status as status_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import BAD_STATES, HEALTH_STATES

__all__ = ["BAD", "HEALTH_STATES", "check_state", "crawl_runs", "overview"]

BAD = "bad"  # failing or any bad state, as `status --state bad`


def check_state(value: str | None) -> str | None:
    """A health state (or ``bad``) as given; a typo is one line naming the closest."""
    if not value:
        return None
    wanted = value.strip().lower()
    choices = [*HEALTH_STATES, BAD]
    if wanted not in choices:
        close = difflib.get_close_matches(wanted, choices, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ProvwatchError(f"state: {value!r} is not a health state{hint}; use one of "
                             f"{', '.join(choices)}")
    return wanted


def overview(config: Config, state: str | None = None, now: datetime | None = None
             ) -> dict[str, Any]:
    """`provwatch status --json --check` as one mapping, plus ``summary`` (sources per
    health state, every state shown); ``state`` narrows ``sources``."""
    wanted = check_state(state)
    now = now or datetime.now(timezone.utc)
    report = status_service.gather(config, now)
    reasons = status_service.check(report, config)
    counts = Counter(s["health"] for s in report["sources"])
    summary = {name: counts.get(name, 0) for name in HEALTH_STATES}
    sources = report["sources"]
    if wanted:
        bad = {*BAD_STATES, "failing"}
        sources = [s for s in sources if s["health"] == wanted
                   or (wanted == BAD and s["health"] in bad)]
    return {**report, "sources": sources, "summary": summary, "healthy": not reasons,
            "reasons": [redact(r) for r in reasons]}


def crawl_runs(config: Config, source: str | None = None, failed_only: bool = False,
               limit: int = 50) -> list[dict[str, Any]]:
    """The newest crawl runs (of ``source``, or all), errors redacted."""
    if limit < 1:
        raise ProvwatchError(f"limit: {limit} is not a positive number")
    with open_database(config.database_url)() as session:
        runs = repository.recent_crawl_runs(session, source_id=source or None,
                                            failed_only=failed_only, limit=limit)
        return [{"id": r.id, "source_id": r.source_id, "outcome": r.outcome,
                 "started_at": _iso(r.started_at), "finished_at": _iso(r.finished_at),
                 "seconds": round((r.finished_at - r.started_at).total_seconds(), 1)
                 if r.finished_at else None,
                 "pages": r.pages, "new_articles": r.new_articles,
                 "duplicates": r.duplicates, "errors": r.errors,
                 "dropped": dict(r.dropped or {}),
                 "error_message": redact(r.error_message) if r.error_message else None}
                for r in runs]


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if when else None
