"""The web app's province queries: a province's stories by day with their sector and event
tags (from attention_marks, web_attention.py), and its policy documents (articles whose
extraction stored ``meta.document``, published in the window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, and_, cast, select
from sqlalchemy.orm import Session, aliased

from provwatch.crawler.storage.models import Article, AttentionMark, Tag
from provwatch.crawler.storage.repository.web_attention import AttentionWindow, marks_in_window

__all__ = ["ProvinceDocument", "province_documents", "province_story_tags"]


def _about(window: AttentionWindow, province: str):
    tag = aliased(Tag)
    on = and_(tag.article_id == Article.id, tag.kind == "province", tag.value == province)
    if not window.mentioned:
        on = and_(on, tag.role == "about")
    return tag, on


def province_story_tags(session: Session, window: AttentionWindow, province: str
                        ) -> list[tuple[int, date, str, str]]:
    """(story id, its day, tag kind, tag value) for each sector and event tag of the
    province's stories in the window (attention_marks decides which those are); a story
    gives a row with kind and value ``""`` as well."""
    q = (select(AttentionMark.story_id, AttentionMark.day, AttentionMark.sector)
         .where(AttentionMark.province == province))
    rows = [(sid, day, "sector" if sector else "", sector)
            for sid, day, sector in session.execute(marks_in_window(q, window))]
    days = {sid: day for sid, day, kind, _ in rows if not kind}
    for part in range(0, len(days), 500):
        ids = list(days)[part:part + 500]
        rows += [(sid, days[sid], "event", value) for sid, value in session.execute(
            select(Article.story_id, Tag.value).join(Tag, Tag.article_id == Article.id)
            .where(Article.story_id.in_(ids), Tag.kind == "event").distinct())]
    return rows


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
