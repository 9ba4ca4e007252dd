"""Roster changes read from stories: proposed once per story, then applied or dismissed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from provwatch.crawler.storage.db import insert_ignoring, rowcount
from provwatch.crawler.storage.models import Article, RosterChange, Story, utcnow

__all__ = [
    "applied_roster_changes",
    "find_roster_changes",
    "propose_roster_changes",
    "roster_changes_by_id",
    "set_roster_change_status",
]

_KEY = ["story_id", "province", "post", "person", "action"]


def propose_roster_changes(session: Session, story_id: int, article_id: int | None,
                           changes: Iterable[dict[str, Any]]) -> int:
    """Propose each change (plain dicts: province, post, city, person, action, day,
    sentence) for the story, in the caller's transaction; one already proposed for the
    story (any status) is left as it is (ON CONFLICT DO NOTHING). Returns how many were
    new."""
    new = 0
    for c in changes:
        new += session.scalar(
            insert_ignoring(session, RosterChange, _KEY).values(
                story_id=story_id, article_id=article_id, province=c["province"],
                post=c["post"], city=c.get("city"), person=str(c["person"])[:100],
                action=c["action"], day=c.get("day"), sentence=c.get("sentence") or "",
                status="proposed", created_at=utcnow())
            .returning(RosterChange.id)) is not None
    return new


def find_roster_changes(session: Session, *, status: str | None = None,
                        since: date | None = None
                        ) -> Sequence[tuple[RosterChange, str | None, str | None]]:
    """(change, story title, story url) by day then id; the title and url are the copy's
    it was read from, else the story's first copy's."""
    query = (select(RosterChange, Article.title, Article.url)
             .join(Story, Story.id == RosterChange.story_id)
             .outerjoin(Article, Article.id == func.coalesce(RosterChange.article_id,
                                                              Story.first_article_id)))
    if status:
        query = query.where(RosterChange.status == status)
    if since:
        query = query.where(RosterChange.day >= since)
    rows = session.execute(query.order_by(RosterChange.day, RosterChange.id)).all()
    return [(c, title, url) for c, title, url in rows]



def roster_changes_by_id(session: Session, ids: Sequence[int]) -> dict[int, RosterChange]:
    rows = session.scalars(select(RosterChange).where(RosterChange.id.in_(list(ids)))).all()
    return {r.id: r for r in rows}


def set_roster_change_status(session: Session, ids: Sequence[int], status: str) -> int:
    """Mark the changes ``status`` (applied stamps applied_at; others clear it)."""
    result = session.execute(
        update(RosterChange).where(RosterChange.id.in_(list(ids)))
        .values(status=status, applied_at=utcnow() if status == "applied" else None))
    return rowcount(result) or 0


def applied_roster_changes(session: Session) -> Sequence[RosterChange]:
    """The applied changes, by day then id: the order they are merged over the roster."""
    return session.scalars(select(RosterChange).where(RosterChange.status == "applied")
                           .order_by(RosterChange.day, RosterChange.id)).all()
