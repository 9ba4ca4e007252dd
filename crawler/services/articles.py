"""Stored articles and stories as JSON-ready data: list, show, story."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article


def article_json(article: Article) -> dict[str, Any]:
    tags = article.tags
    meta = article.meta or {}
    return {
        "id": article.id, "url": article.url, "canonical_url": article.canonical_url,
        "title": article.title,
        "published_at": _iso(article.published_at), "date_source": article.date_source,
        "date_precision": article.date_precision,
        "fetched_at": _iso(article.fetched_at), "source_id": article.source_id,
        "story_id": article.story_id, "lang": article.lang, "charset": article.charset,
        "provinces_about": [t.value for t in tags if t.kind == "province" and t.role == "about"],
        "provinces_mentioned": [t.value for t in tags if t.kind == "province"],
        "sectors": [t.value for t in tags if t.kind == "sector"],
        "event": next((t.value for t in tags if t.kind == "event"), None),
        "people": [t.value for t in tags if t.kind == "person"],
        "orgs": [t.value for t in tags if t.kind == "org"],
        "tags": [{"kind": t.kind, "value": t.value, "role": t.role, "score": t.score}
                 for t in tags],
        "document": meta.get("document"), "content_source": meta.get("content_source"),
        "column": meta.get("column"), "gov": meta.get("gov"),
    }


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if dt else None


def list_articles(config: Config, **filters: Any) -> list[dict[str, Any]]:
    with open_database(config.database_url)() as session:
        return [article_json(a) for a in repository.list_articles(session, **filters)]


def show_article(config: Config, article_id: int) -> dict[str, Any]:
    with open_database(config.database_url)() as session:
        article = repository.get_article(session, article_id)
        if article is None:
            raise ProvwatchError(f"no article with id {article_id}")
        out = article_json(article)
        out["text"] = article.text
        out["author"] = article.author
        out["copies"] = repository.story_outlets(session, article.story_id)
        return out


def show_story(config: Config, story_id: int) -> dict[str, Any]:
    with open_database(config.database_url)() as session:
        story = repository.get_story(session, story_id)
        if story is None:
            raise ProvwatchError(f"no story with id {story_id}")
        copies = repository.story_copies(session, story_id)
        return {
            "id": story.id, "title": story.title, "first_seen_at": _iso(story.first_seen_at),
            "first_article_id": story.first_article_id, "copy_count": story.copy_count,
            "copies": [{"article_id": a.id, "source_id": a.source_id, "url": a.url,
                        "title": a.title, "published_at": _iso(a.published_at),
                        "fetched_at": _iso(a.fetched_at)} for a in copies],
        }
