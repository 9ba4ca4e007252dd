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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Select, and_, case, delete, func, insert, select
from sqlalchemy.orm import Session

from provwatch.crawler.chinatime import china_day
from provwatch.crawler.storage.db import write_lock
from provwatch.crawler.storage.models import Article, AttentionMark, Story, Tag

__all__ = ["AttentionWindow", "CellStory", "attention_cells", "attention_counts",
           "attention_counts_of",
           "attention_province_totals",
           "attention_stories", "mark_new_story", "marks_in_window", "marks_of",
           "newest_publication", "refresh_marks"]

_M = AttentionMark


def refresh_marks(session: Session, story_ids: Iterable[int], *, locked: bool = False
                  ) -> None:
    """Rewrite the marks of ``story_ids`` from their copies' tags (the module's rule).
    ``locked``: the caller's transaction already holds the story's lock (the store
    transaction's: ``serialise_story_decisions``), so it is not asked for again."""
    ids = sorted(set(story_ids))
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Story.id).where(Story.id.in_(ids)).order_by(Story.id)
                        .with_for_update())
    elif not locked:
        write_lock(session)
    session.execute(delete(_M).where(_M.story_id.in_(ids)))
    firsts = dict(session.execute(
        select(Article.story_id, func.min(Article.published_at))
        .where(Article.story_id.in_(ids), Article.published_at.is_not(None))
        .group_by(Article.story_id)).all())
    tags: dict[int, list[tuple[str, str, str]]] = {}
    for story_id, kind, value, role in session.execute(
            select(Article.story_id, Tag.kind, Tag.value, Tag.role)
            .join(Tag, Tag.article_id == Article.id)
            .where(Article.story_id.in_(list(firsts)), Tag.kind.in_(("province", "sector")))
            .distinct()):
        tags.setdefault(story_id, []).append((kind, value, role))
    rows = [row for story_id, first in firsts.items() if first is not None  # (the query's)
            for row in marks_of(story_id, first, tags.get(story_id, ()))]
    if rows:
        session.execute(_NEW_MARKS, rows)


def mark_new_story(session: Session, story_id: int, published_at: datetime | None,
                   tags: Iterable[tuple[str, str, str]]) -> None:
    """The marks of a story made in this transaction from its one copy, whose
    ``published_at`` and (kind, value, role) tags the caller holds: what
    ``refresh_marks`` would write, without reading back what was just written (the
    store transaction runs this once per new story: bench/ingest_throughput.py)."""
    if published_at is not None:
        rows = marks_of(story_id, published_at, tags)
        if rows:
            session.execute(_NEW_MARKS, rows)


_NEW_MARKS = insert(_M)  # built once: the store transaction runs it per article


def marks_of(story_id: int, first: datetime, tags: Iterable[tuple[str, str, str]]
             ) -> list[dict]:
    """The marks rows of one story whose first dated copy is ``first`` and whose copies
    carry ``tags`` (kind, value, role; other kinds are ignored)."""
    provinces: dict[str, bool] = {}
    sectors: set[str] = set()
    for kind, value, role in tags:
        if kind == "province":
            provinces[value] = provinces.get(value, False) or role == "about"
        elif kind == "sector":
            sectors.add(value)
    if not provinces:
        return []
    day = china_day(first)
    rows = [{"story_id": story_id, "province": province, "sector": sector, "day": day,
             "about": about}
            for province, about in provinces.items() for sector in ("", *sorted(sectors))]
    rows.append({"story_id": story_id, "province": "", "sector": "", "day": day,
                 "about": any(provinces.values())})
    return rows


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


def attention_counts(session: Session, window: AttentionWindow) -> dict[tuple[str, str], int]:
    """Stories per (province, sector) in one pass over the window's marks: a pair of ids
    is a cell, (province, "") the province's stories whatever the sector, ("", "") the
    stories about any province."""
    return attention_counts_of(session, [window])[0]


def attention_counts_of(session: Session, windows: Sequence[AttentionWindow]
                        ) -> list[dict[tuple[str, str], int]]:
    """``attention_counts`` of each window (all of one scope and event), the fastest way
    each database has. SQLite: a pass per window, each a range of days in every cell of
    the covering index (a skip-scan, grouped as read: migration 0019). PostgreSQL has no
    skip-scan, so any window's counts read the whole table: one pass over the days from
    the first window's start to the last's end counts them all (a window and the one
    before it cost one scan, not two: bench/web_pages.py)."""
    if not windows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        return [_counts(session, [w])[0] for w in windows]
    if len({(w.mentioned, w.event) for w in windows}) > 1:
        raise ValueError("windows counted in one pass share their scope and event")
    return _counts(session, windows)


def _counts(session: Session, windows: Sequence[AttentionWindow]
            ) -> list[dict[tuple[str, str], int]]:
    span = replace(windows[0], start=min(w.start for w in windows),
                   end=max(w.end for w in windows), first=min(w.first for w in windows),
                   last=max(w.last for w in windows))
    columns = [func.count() if len(windows) == 1 else
               func.count(case((and_(_M.day >= w.first, _M.day <= w.last), 1)))
               for w in windows]
    q = select(_M.province, _M.sector, *columns).group_by(_M.province, _M.sector)
    out: list[dict[tuple[str, str], int]] = [{} for _ in windows]
    for p, s, *counts in session.execute(marks_in_window(q, span)):
        for found, n in zip(out, counts, strict=True):
            if n:
                found[(p, s)] = n
    return out


def attention_cells(session: Session, window: AttentionWindow) -> list[tuple[str, str, int]]:
    """(province, sector, stories) for every pair with at least one story."""
    return [(p, s, n) for (p, s), n in attention_counts(session, window).items() if p and s]


def attention_province_totals(session: Session, window: AttentionWindow
                              ) -> tuple[dict[str, int], int]:
    """Stories per province (any sector, or none), and the stories about any province."""
    counts = attention_counts(session, window)
    return ({p: n for (p, s), n in counts.items() if p and not s}, counts.get(("", ""), 0))


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
