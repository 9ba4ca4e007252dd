"""The web app's attention queries: stories per province and sector in a window of China
days, and the stories behind one cell, read from ``attention_marks``.

A story counts in the window of its day, the China day of its first dated copy; it
counts for a province and a sector when its copies carry both tags (province ``about``,
or any role with ``mentioned``), once however many copies it has. ``refresh_marks``
rewrites a story's marks from its copies and tags, in the caller's transaction: the
store transaction calls it for the story it adds a copy to, retag and re-extraction
for the stories they change. It locks the story first (PostgreSQL: its row, FOR UPDATE;
SQLite: the write lock), so two writers refreshing one story take turns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session

from provwatch.crawler.chinatime import china_day
from provwatch.crawler.storage.db import write_lock
from provwatch.crawler.storage.models import Article, AttentionMark, Story, Tag

__all__ = ["AttentionWindow", "CellStory", "attention_cells", "attention_province_totals",
           "attention_stories", "marks_in_window", "newest_publication", "refresh_marks"]

_M = AttentionMark


def refresh_marks(session: Session, story_ids: Iterable[int]) -> None:
    """Rewrite the marks of ``story_ids`` from their copies' tags (the module's rule)."""
    ids = sorted(set(story_ids))
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Story.id).where(Story.id.in_(ids)).order_by(Story.id)
                        .with_for_update())
    else:
        write_lock(session)
    session.execute(delete(_M).where(_M.story_id.in_(ids)))
    firsts = dict(session.execute(
        select(Article.story_id, func.min(Article.published_at))
        .where(Article.story_id.in_(ids), Article.published_at.is_not(None))
        .group_by(Article.story_id)).all())
    provinces: dict[int, dict[str, bool]] = {}
    sectors: dict[int, set[str]] = {}
    for story_id, kind, value, role in session.execute(
            select(Article.story_id, Tag.kind, Tag.value, Tag.role)
            .join(Tag, Tag.article_id == Article.id)
            .where(Article.story_id.in_(list(firsts)), Tag.kind.in_(("province", "sector")))
            .distinct()):
        if kind == "province":
            seen = provinces.setdefault(story_id, {})
            seen[value] = seen.get(value, False) or role == "about"
        else:
            sectors.setdefault(story_id, set()).add(value)
    rows = []
    for story_id, first in firsts.items():
        day = china_day(first)
        marked = provinces.get(story_id, {})
        for province, about in marked.items():
            for sector in ("", *sorted(sectors.get(story_id, ()))):
                rows.append({"story_id": story_id, "province": province, "sector": sector,
                             "day": day, "about": about})
        if marked:
            rows.append({"story_id": story_id, "province": "", "sector": "", "day": day,
                         "about": any(marked.values())})
    if rows:
        session.execute(insert(_M), rows)


@dataclass(frozen=True)
class AttentionWindow:
    """China days ``first``..``last`` (both inclusive), and the same window as times,
    ``start`` (inclusive) to ``end`` (exclusive), for queries on articles; ``mentioned``:
    a province tag of any role counts, else only ``about``; ``event``: only stories with
    a copy of that event kind."""

    start: datetime
    end: datetime
    first: date
    last: date
    mentioned: bool = False
    event: str | None = None


def marks_in_window(q: Select, window: AttentionWindow) -> Select:
    """``q`` on attention_marks limited to the window's days, scope and event."""
    q = q.where(_M.day >= window.first, _M.day <= window.last)
    if not window.mentioned:
        q = q.where(_M.about.is_(True))
    if window.event:  # the event's stories, found once by ix_tags_kind_value
        q = q.where(_M.story_id.in_(
            select(Article.story_id).join(Tag, Tag.article_id == Article.id)
            .where(Tag.kind == "event", Tag.value == window.event)))
    return q


def attention_cells(session: Session, window: AttentionWindow) -> list[tuple[str, str, int]]:
    """(province, sector, stories) for every pair with at least one story."""
    q = (select(_M.province, _M.sector, func.count()).where(_M.province != "", _M.sector != "")
         .group_by(_M.province, _M.sector))
    return [(p, s, n) for p, s, n in session.execute(marks_in_window(q, window))]


def attention_province_totals(session: Session, window: AttentionWindow
                              ) -> tuple[dict[str, int], int]:
    """Stories per province (any sector, or none), and the stories about any province."""
    q = (select(_M.province, func.count()).where(_M.sector == "")
         .group_by(_M.province))
    per = {p: n for p, n in session.execute(marks_in_window(q, window))}
    return {p: n for p, n in per.items() if p}, per.get("", 0)


@dataclass(frozen=True)
class CellStory:
    story_id: int
    title: str
    published_at: datetime | None  # its first copy's
    copies: int  # the story's copies, all told
    outlets: tuple[str, ...]  # source ids of its copies


def attention_stories(session: Session, window: AttentionWindow, province: str | None,
                      sector: str | None, limit: int = 200) -> list[CellStory]:
    """The stories behind a cell (a province, a sector, or both), newest day first."""
    q = select(_M.story_id, _M.day).distinct()
    if province:
        q = q.where(_M.province == province, _M.sector == (sector or ""))
    elif sector:  # one sector across provinces: each story once (distinct)
        q = q.where(_M.province != "", _M.sector == sector)
    else:
        q = q.where(_M.province == "", _M.sector == "")
    q = marks_in_window(q, window).order_by(_M.day.desc(), _M.story_id.desc()).limit(limit)
    ids = [story_id for story_id, _ in session.execute(q)]
    if not ids:
        return []
    stories = {s.id: s for s in session.scalars(select(Story).where(Story.id.in_(ids)))}
    firsts = dict(session.execute(select(Article.story_id, func.min(Article.published_at))
                                  .where(Article.story_id.in_(ids))
                                  .group_by(Article.story_id)).all())
    outlets: dict[int, list[str]] = {i: [] for i in ids}
    for story_id, source_id in session.execute(
            select(Article.story_id, Article.source_id).where(Article.story_id.in_(ids))
            .order_by(Article.id)):
        if source_id not in outlets[story_id]:
            outlets[story_id].append(source_id)
    return [CellStory(i, stories[i].title, firsts.get(i), stories[i].copy_count,
                      tuple(outlets[i])) for i in ids]


def newest_publication(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Article.published_at)))
