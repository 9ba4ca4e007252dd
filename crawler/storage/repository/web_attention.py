"""The web app's attention queries: stories per province and sector in a window of
publication times, and the stories behind one cell.

A story counts for a province and a sector when one of its copies published in the
window carries both tags (province ``about``, or any role with ``mentioned``); each
story counts once per cell however many copies it has (COUNT DISTINCT story_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from provwatch.crawler.storage.models import Article, Story, Tag

__all__ = ["AttentionWindow", "CellStory", "attention_cells", "attention_province_totals",
           "attention_stories", "newest_publication"]


@dataclass(frozen=True)
class AttentionWindow:
    """Publication times ``start`` (inclusive) to ``end`` (exclusive); ``mentioned``: a
    province tag of any role counts, else only ``about``; ``event``: only stories of
    that event kind."""

    start: datetime
    end: datetime
    mentioned: bool = False
    event: str | None = None


def _province_tag(window: AttentionWindow):
    tag = aliased(Tag)
    on = and_(tag.article_id == Article.id, tag.kind == "province")
    if not window.mentioned:
        on = and_(on, tag.role == "about")
    return tag, on


def _in_window(q: Select, window: AttentionWindow) -> Select:
    q = q.where(Article.published_at >= window.start, Article.published_at < window.end)
    if window.event:
        event = aliased(Tag)
        q = q.join(event, and_(event.article_id == Article.id, event.kind == "event",
                               event.value == window.event))
    return q


def attention_cells(session: Session, window: AttentionWindow) -> list[tuple[str, str, int]]:
    """(province, sector, stories) for every pair with at least one story."""
    province, on_province = _province_tag(window)
    sector = aliased(Tag)
    stories = func.count(Article.story_id.distinct())
    q = (select(province.value, sector.value, stories)
         .select_from(Article)
         .join(province, on_province)
         .join(sector, and_(sector.article_id == Article.id, sector.kind == "sector"))
         .group_by(province.value, sector.value))
    return [(p, s, n) for p, s, n in session.execute(_in_window(q, window))]


def attention_province_totals(session: Session, window: AttentionWindow
                              ) -> tuple[dict[str, int], int]:
    """Stories per province (any sector, or none), and the stories about any province."""
    province, on_province = _province_tag(window)
    q = (select(province.value, func.count(Article.story_id.distinct()))
         .select_from(Article).join(province, on_province).group_by(province.value))
    per = {p: n for p, n in session.execute(_in_window(q, window))}
    province_all, on_all = _province_tag(window)
    total = session.scalar(_in_window(
        select(func.count(Article.story_id.distinct())).select_from(Article)
        .join(province_all, on_all), window)) or 0
    return per, total


@dataclass(frozen=True)
class CellStory:
    story_id: int
    title: str
    published_at: datetime | None  # the earliest copy's in the window
    copies: int  # the story's copies, all told
    outlets: tuple[str, ...]  # source ids of its copies in the window


def attention_stories(session: Session, window: AttentionWindow, province: str | None,
                      sector: str | None, limit: int = 200) -> list[CellStory]:
    """The stories behind a cell (a province, a sector, or both), newest first."""
    q = select(Article.story_id, func.min(Article.published_at).label("first"),
               func.max(Article.published_at).label("last")).select_from(Article)
    if province:
        tag, on = _province_tag(window)
        q = q.join(tag, and_(on, tag.value == province))
    if sector:
        s = aliased(Tag)
        q = q.join(s, and_(s.article_id == Article.id, s.kind == "sector", s.value == sector))
    q = _in_window(q, window).group_by(Article.story_id)
    found = session.execute(q.order_by(func.max(Article.published_at).desc(),
                                       Article.story_id.desc()).limit(limit)).all()
    ids = [row.story_id for row in found]
    if not ids:
        return []
    stories = {s.id: s for s in session.scalars(select(Story).where(Story.id.in_(ids)))}
    outlets: dict[int, list[str]] = {i: [] for i in ids}
    for story_id, source_id in session.execute(
            select(Article.story_id, Article.source_id).where(
                Article.story_id.in_(ids), Article.published_at >= window.start,
                Article.published_at < window.end).order_by(Article.id)):
        if source_id not in outlets[story_id]:
            outlets[story_id].append(source_id)
    return [CellStory(row.story_id, stories[row.story_id].title, row.first,
                      stories[row.story_id].copy_count, tuple(outlets[row.story_id]))
            for row in found]


def newest_publication(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Article.published_at)))
