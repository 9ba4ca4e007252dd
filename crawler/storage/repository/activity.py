"""Recent activity for people to read: deliveries of the outbox, and crawl runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provwatch.crawler.storage.models import Article, CrawlRun, Delivery, Watchlist

__all__ = ["recent_crawl_runs", "recent_deliveries"]

_NOT_OK = ("failed", "timeout", "interrupted")


def recent_deliveries(session: Session, *, status: str | None = None,
                      watchlist: str | None = None, limit: int = 100
                      ) -> list[tuple[Delivery, str, str]]:
    """(delivery, watchlist name, article title), newest first; ``status`` and
    ``watchlist`` (a name) narrow them."""
    query = (select(Delivery, Watchlist.name, Article.title)
             .join(Watchlist, Watchlist.id == Delivery.watchlist_id)
             .join(Article, Article.id == Delivery.article_id))
    if status:
        query = query.where(Delivery.status == status)
    if watchlist:
        query = query.where(Watchlist.name == watchlist)
    rows = session.execute(query.order_by(Delivery.id.desc()).limit(limit))
    return [(d, name, title) for d, name, title in rows]


def recent_crawl_runs(session: Session, *, source_id: str | None = None,
                      failed_only: bool = False, limit: int = 100) -> Sequence[Any]:
    """Crawl runs, newest start first; ``failed_only``: those that failed, timed out or
    were interrupted."""
    query = select(CrawlRun)
    if source_id:
        query = query.where(CrawlRun.source_id == source_id)
    if failed_only:
        query = query.where(CrawlRun.outcome.in_(_NOT_OK))
    return session.scalars(query.order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
                           .limit(limit)).all()
