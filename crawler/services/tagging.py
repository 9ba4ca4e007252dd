"""Tagging as a service of its own: `provwatch tag` (JSON lines in and out) and `retag`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.errors import CatalogError
from provwatch.crawler.services.lines import json_lines
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Tag
from provwatch.pipelines.decoding import DecodeError
from provwatch.pipelines.extraction import extract
from provwatch.pipelines.items import Tags
from provwatch.pipelines.tagging import default_tagger


def tags_json(id_: Any, tags: Tags) -> dict[str, Any]:
    return {"id": id_, "provinces_about": list(tags.provinces_about),
            "provinces_mentioned": list(tags.provinces_mentioned), "sectors": list(tags.sectors),
            "event": tags.event, "people": list(tags.people), "orgs": list(tags.orgs),
            "org_refs": [o.as_json() for o in tags.org_refs]}


def _source_provinces(config: Config) -> dict[str, str]:
    try:
        return {s.id: s.province for s in load_catalog(config.catalog)}
    except CatalogError:
        return {}


def tag_lines(config: Config, lines: Iterable[str | bytes], name: str,
              errors: list[str]) -> Iterator[dict[str, Any]]:
    """Lines {id, html | text, url?, title?, source?} -> {id, provinces_about, ...}."""
    tagger = default_tagger()
    provinces = _source_provinces(config)
    for where, obj in json_lines(lines, name, errors):
        if not isinstance(obj, dict) or "id" not in obj:
            errors.append(f"{where}: needs an 'id'")
            continue
        title, text = obj.get("title") or "", obj.get("text")
        if text is None:
            if not isinstance(obj.get("html"), str):
                errors.append(f"{where}: needs 'html' or 'text'")
                continue
            try:
                got = extract(obj["html"].encode("utf-8"), obj.get("url") or "",
                              content_type="text/html; charset=utf-8",
                              fetched_at=datetime.now(timezone.utc))
            except DecodeError as e:
                errors.append(f"{where}: {e}")
                continue
            title, text = title or got.title, got.text
        source = obj.get("source")
        province = provinces.get(source, source) if source is not None else None
        yield tags_json(obj["id"], tagger.tag(
            title, text, source_province=province, url=obj.get("url")))


@dataclass
class RetagReport:
    articles: int = 0
    changed: int = 0
    tags_added: int = 0
    tags_removed: int = 0


_TAG_KINDS = ("province", "sector", "event", "person", "org")


def _rows(tags: Tags) -> set[tuple[str, str, str]]:
    rows = {("province", p, "about" if p in tags.provinces_about else "mentioned")
            for p in tags.provinces_mentioned}
    rows |= {("sector", s, "") for s in tags.sectors} | {("event", tags.event, "")}
    rows |= {("person", p[:200], "") for p in tags.people}
    rows |= {("org", o[:200], "") for o in tags.orgs}
    return rows


def _source_province(article, provinces: dict[str, str]) -> str | None:
    """The source province the article was tagged with when stored; for articles stored
    before that was kept, its source's province in today's catalog."""
    tagged_from = (article.meta or {}).get("tagged_from")
    if isinstance(tagged_from, dict) and "source_province" in tagged_from:
        return tagged_from["source_province"]
    return provinces.get(article.source_id)


def retag(config: Config, since: datetime | None = None) -> RetagReport:
    """Tag stored articles again (after the data files changed); report what changed."""
    tagger = default_tagger()
    provinces = _source_provinces(config)
    sessions = open_database(config.database_url)
    report = RetagReport()
    with sessions() as session:
        ids = repository.article_ids(session, since=since)
    stories: set[int] = set()
    for start in range(0, len(ids), 200):
        with transaction(sessions) as session:
            for article in repository.articles_by_id(session, ids[start:start + 200]):
                report.articles += 1
                tags = tagger.tag(article.title, article.text, url=article.url,
                                  source_province=_source_province(article, provinces))
                new = _rows(tags)
                old = {(t.kind, t.value, t.role) for t in article.tags if t.kind in _TAG_KINDS}
                refs = [o.as_json() for o in tags.org_refs]
                meta = article.meta or {}
                if new == old and refs == meta.get("org_refs", []):
                    continue
                report.changed += 1
                report.tags_added += len(new - old)
                report.tags_removed += len(old - new)
                article.tags = [t for t in article.tags if t.kind not in _TAG_KINDS] + [
                    Tag(kind=k, value=v, role=r,
                        score=tags.scores.get(f"{k}:{v}", 1.0)) for k, v, r in sorted(new)]
                # a new dict: the JSON column sees the change (org_refs as the store keeps it)
                article.meta = {k: v for k, v in meta.items() if k != "org_refs"} | (
                    {"org_refs": refs} if refs else {})
                stories.add(article.story_id)
            session.flush()
            repository.refresh_marks(session, stories)  # the web app's attention counts
            stories.clear()
    return report


