"""Stored articles and stories as JSON-ready data: list (filtered), show, story."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article
from provwatch.crawler.taxonomy import did_you_mean, resolve


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
        # the known organisations among them: id, name, kind, tickers, role (store.py)
        "org_refs": meta.get("org_refs", []),
        "tags": [{"kind": t.kind, "value": t.value, "role": t.role, "score": t.score}
                 for t in tags],
        "document": meta.get("document"), "content_source": meta.get("content_source"),
        "column": meta.get("column"), "gov": meta.get("gov"),
    }


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if dt else None


def list_articles(config: Config, *, provinces: Iterable[str] = (),
                  sectors: Iterable[str] = (), events: Iterable[str] = (),
                  sources: Iterable[str] = (), since: datetime | None = None,
                  until: datetime | None = None, text: Iterable[str] = (),
                  orgs: Iterable[str] = (), people: Iterable[str] = (),
                  limit: int = 50) -> list[dict[str, Any]]:
    """Stored articles, newest first: any value within one filter, every filter given.

    Labels may be given as ids or names (河南, Henan, 河南省 -> henan); an unknown label or
    source raises ProvwatchError with the closest id. ``until`` is exclusive."""
    where = repository.ArticleFilter(
        provinces=label_ids("province", provinces), sectors=label_ids("sector", sectors),
        events=label_ids("event", events), since=since, until=until,
        text=_terms(text), orgs=_terms(orgs), people=_terms(people))
    with open_database(config.database_url)() as session:
        wanted = _terms(sources)
        if wanted:
            known = {s.id for s in load_catalog(config.catalog)} | repository.source_ids(session)
            for source in wanted:
                if source not in known:
                    raise ProvwatchError(f"unknown source id {source!r}"
                                         f"{_closest(source, known)}; see `provwatch sources`")
            where = replace(where, sources=wanted)
        return [article_json(a) for a in repository.list_articles(session, where, limit)]


def label_ids(kind: str, values: Iterable[str]) -> tuple[str, ...]:
    """Each value's id (values may be ids or English or Chinese names), in order, once."""
    out: list[str] = []
    for value in _terms(values):
        label = resolve(kind, value)
        if label is None:
            raise ProvwatchError(f"unknown {kind} id {value!r}{did_you_mean(kind, value)}; "
                                 f"see `provwatch ids {kind}s`")
        out.append(label)
    return tuple(dict.fromkeys(out))


def _terms(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _closest(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


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
