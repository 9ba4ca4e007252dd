"""The web app's province queries: a province's stories by day with their sector and event
tags, and its policy documents (articles whose extraction stored ``meta.document``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, func, select
from sqlalchemy.orm import Session, aliased

from provwatch.crawler.storage.models import Article, Tag
from provwatch.crawler.storage.repository.web_attention import AttentionWindow

__all__ = ["ProvinceDocument", "province_documents", "province_story_tags"]


def _about(window: AttentionWindow, province: str):
    tag = aliased(Tag)
    on = and_(tag.article_id == Article.id, tag.kind == "province", tag.value == province)
    if not window.mentioned:
        on = and_(on, tag.role == "about")
    return tag, on


def province_story_tags(session: Session, window: AttentionWindow, province: str
                        ) -> list[tuple[int, datetime, str, str]]:
    """(story id, its first publication in the window, tag kind, tag value) for each
    sector and event tag of the province's stories in the window; a story without one
    gives a row with kind and value ``""``."""
    tag, on = _about(window, province)
    first = (select(Article.story_id, func.min(Article.published_at).label("first"))
             .select_from(Article).join(tag, on)
             .where(Article.published_at >= window.start, Article.published_at < window.end)
             .group_by(Article.story_id))
    if window.event:
        event = aliased(Tag)
        first = first.join(event, and_(event.article_id == Article.id, event.kind == "event",
                                       event.value == window.event))
    stories = first.subquery()
    labels = aliased(Tag)
    q = (select(stories.c.story_id, stories.c.first, labels.kind, labels.value)
         .select_from(stories)
         .join(Article, Article.story_id == stories.c.story_id)
         .outerjoin(labels, and_(labels.article_id == Article.id,
                                 labels.kind.in_(("sector", "event"))))
         .distinct())
    return [(sid, first_at, kind or "", value or "")
            for sid, first_at, kind, value in session.execute(q)]


@dataclass(frozen=True)
class ProvinceDocument:
    article_id: int
    story_id: int
    title: str
    url: str
    source_id: str
    published_at: datetime | None
    document: dict[str, Any]


def province_documents(session: Session, window: AttentionWindow, province: str,
                       limit: int = 200) -> list[ProvinceDocument]:
    """The province's articles in the window that carry policy-document metadata, newest
    first, one per story (its first copy that has it)."""
    tag, on = _about(window, province)
    q = (select(Article.id, Article.story_id, Article.title, Article.url, Article.source_id,
                Article.published_at, Article.meta)
         .join(tag, on)
         .where(Article.published_at >= window.start, Article.published_at < window.end,
                cast(Article.meta, Text).like('%"document"%'))
         .order_by(Article.published_at.desc(), Article.id))
    out: list[ProvinceDocument] = []
    seen: set[int] = set()
    for row in session.execute(q.limit(limit * 4)):
        document = (row.meta or {}).get("document")
        if not document or row.story_id in seen:
            continue
        seen.add(row.story_id)
        out.append(ProvinceDocument(row.id, row.story_id, row.title, row.url, row.source_id,
                                    row.published_at, document))
        if len(out) == limit:
            break
    return out
