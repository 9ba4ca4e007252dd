"""The daemon's upkeep job: what keeps the database small and quick as months pass.

Every ``EVERY_HOURS`` (and a minute after the daemon starts), in order:

- crawl runs older than ``crawl_run_days`` go: status and health never read them (each
  source's last outcome lives on its row), and they would grow for ever;
- articles a crawl that died before its end left in SQLite's search backlog are indexed
  (found by search meanwhile; migration 0020);
- the query planner's statistics are gathered again (repository/upkeep.py).

A failure is one line naming the step's job and when it runs again; the daemon goes on.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from provwatch.crawler.daemon.logs import event, failure_line
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import transaction
from provwatch.crawler.storage.models import utcnow

log = logging.getLogger("provwatch.daemon")  # the daemon's own records

EVERY_HOURS = 6


def upkeep(sessions: sessionmaker[Session], crawl_run_days: int) -> None:
    before = utcnow() - timedelta(days=crawl_run_days)
    try:
        with transaction(sessions) as session:
            gone = repository.prune_crawl_runs(session, before)
        if gone:
            event(log, "pruned", crawl_runs=gone, before=before.isoformat())
        if indexed := repository.index_whole_backlog(sessions):
            event(log, "search_indexed", articles=indexed)
        with transaction(sessions) as session:  # the planner's view of what is left
            repository.refresh_statistics(session)
    except Exception as e:
        failure_line(log, e, doing="pruning crawl runs", name="prune_failed",
                     next_seconds=EVERY_HOURS * 3600)
